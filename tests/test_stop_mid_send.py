"""STOP while a long message is going: nothing more of it goes.

A long message goes as several parts (texts on SMS, messages on Telegram). When the person
stops (STOP) while part 1 is on its way, the sender asks the dispatcher before part 2
(`Dispatcher.still_wanted`) and goes no further: the row is recorded `suppressed`, with the
parts that did go (receipts still find them). The STOP confirmation itself
(`bypass_suppression`) always goes. Real engine, real storage (SQLite and PostgreSQL),
real senders; only the platform is a stand-in that holds part 1 until STOP is in.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import Connection, select

from bot.app import Services, build
from bot.channels.sms import SmsSender
from bot.channels.sms_provider import SendResult
from bot.channels.telegram import TelegramSender, build_application
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.content import library
from bot.core.events import Address, Inbound, Outbound
from bot.dispatch.outbox import STOPPED_PART_WAY, Result
from bot.storage import repository as repo
from bot.storage.models import Delivery, Identity, OutboxMessage
from support.engine import START
from support.sms_peers import sms_chat
from support.twilio_stub import TwilioStub

EN = library().for_language("en")
KINDS = ["relay", "broadcast", "encouragement"]
LONG_SMS = " ".join(f"word{n}" for n in range(120))  # three texts
LONG_TELEGRAM = "Moving a little each day can help. " * 300  # three messages


class HoldsFirstPart:
    """A platform that holds the first part until `release` is set; accepts everything."""

    def __init__(self) -> None:
        self.first = asyncio.Event()
        self.release = asyncio.Event()
        self.bodies: list[str] = []

    async def accept(self, body: str) -> int:
        number = len(self.bodies)
        self.bodies.append(body)
        if number == 0:
            self.first.set()
            await self.release.wait()
        return number


class BlockingSmsProvider(HoldsFirstPart):
    async def send(self, to: str, body: str, status_callback: str | None) -> SendResult:
        number = await self.accept(body)
        return SendResult(Result.SENT, provider_ref=f"SM{number:032x}")


class BlockingTelegramSender(TelegramSender):
    """The real TelegramSender (its loop over parts), with the Bot API call held."""

    def __init__(self, services: Services, settings: Settings) -> None:
        settings = settings.model_copy(update={"telegram_bot_token": "1:stub"})
        super().__init__(build_application(settings, polling=False), services.content)
        self.platform = HoldsFirstPart()

    async def _send_part(self, address: str, text: str, markup: object | None,
                         last: bool) -> SimpleNamespace:  # type: ignore[override]
        return SimpleNamespace(message_id=1000 + await self.platform.accept(text))


def queue(to: Address, text: str, kind: str, bypass: bool = False):
    def work(connection: Connection) -> int:
        stored = repo.load(connection, to, lock=False)
        person_id = stored.person_id if stored else \
            repo.create_person(connection, to, START).person_id
        return repo.queue_messages(
            connection, person_id=person_id, to=to, messages=[Outbound(text)], kind=kind,
            priority=0, key_prefix=f"test:{to.address}:{kind}", now=START, due_at=START,
            bypass_suppression=bypass)[0]
    return work


def setup(settings: Settings, channel: str) -> tuple[Services, HoldsFirstPart, Address, str]:
    services = build(settings, clock=FakeClock(START), paced=False)
    if channel == "sms":
        provider = BlockingSmsProvider()
        services.dispatcher.senders["sms"] = SmsSender(provider, settings)
        return services, provider, Address("sms", "+447700900777"), LONG_SMS
    sender = BlockingTelegramSender(services, settings)
    services.dispatcher.senders["telegram"] = sender
    return services, sender.platform, Address("telegram", "4242"), LONG_TELEGRAM


def row_and_parts(connection: Connection, row_id: int) -> tuple[OutboxMessage, list[int]]:
    row = connection.execute(select(OutboxMessage.__table__)
                             .where(OutboxMessage.id == row_id)).one()
    parts = list(connection.execute(select(Delivery.part).where(Delivery.outbox_id == row_id)
                                    .order_by(Delivery.part)).scalars())
    return row, parts


async def stop_while_first_part_goes(services: Services, platform: HoldsFirstPart,
                                     to: Address, word: str) -> int:
    """Send what is queued; STOP arrives while part 1 is held. Returns bodies sent at STOP."""
    drain = asyncio.create_task(services.dispatcher.drain())
    await asyncio.wait_for(platform.first.wait(), 20)
    await services.engine.handle(to, Inbound.from_text(word))
    at_stop = len(platform.bodies)
    platform.release.set()
    await asyncio.wait_for(drain, 30)
    await services.dispatcher.drain()  # the STOP confirmation, if not already gone
    return at_stop


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("channel", ["sms", "telegram"])
async def test_stop_while_a_long_message_goes_ends_it(settings: Settings, channel: str,
                                                      kind: str) -> None:
    services, platform, to, text = setup(settings, channel)
    try:
        row_id = await services.db.run(queue(to, text, kind))
        at_stop = await stop_while_first_part_goes(services, platform, to, "STOP")
        row, parts = await services.db.run(lambda c: row_and_parts(c, row_id))
        opted_out = await services.db.run(lambda c: c.scalar(
            select(Identity.opted_out_at).where(Identity.channel == to.channel,
                                                Identity.address == to.address)))
    finally:
        await services.close()
    assert at_stop == 1 and opted_out is not None
    first_words = text.split()[0]
    after = platform.bodies[at_stop:]
    # Nothing more of the long message; the confirmation of STOP did go.
    assert not [body for body in after if first_words in body], after
    assert after, "the STOP confirmation should still go"
    assert row.status == "suppressed" and row.error == STOPPED_PART_WAY
    assert row.parts_sent == 1
    if channel == "sms":
        assert parts == [1]  # the part that left is kept for its receipt


@pytest.mark.parametrize("channel", ["sms", "telegram"])
async def test_without_stop_every_part_goes(settings: Settings, channel: str) -> None:
    services, platform, to, text = setup(settings, channel)
    try:
        row_id = await services.db.run(queue(to, text, "broadcast"))
        drain = asyncio.create_task(services.dispatcher.drain())
        await asyncio.wait_for(platform.first.wait(), 20)
        platform.release.set()
        await asyncio.wait_for(drain, 30)
        row, parts = await services.db.run(lambda c: row_and_parts(c, row_id))
    finally:
        await services.close()
    assert len(platform.bodies) == 3
    assert row.status == "sent" and row.parts_sent == 3
    if channel == "sms":
        assert parts == [1, 2, 3]


async def test_a_row_that_bypasses_suppression_goes_whole(settings: Settings) -> None:
    """What must reach them after STOP (the confirmation of STOP) is never cut short."""
    services, platform, to, text = setup(settings, "sms")
    try:
        row_id = await services.db.run(queue(to, text, "notice", bypass=True))
        await stop_while_first_part_goes(services, platform, to, "STOP")
        row, parts = await services.db.run(lambda c: row_and_parts(c, row_id))
    finally:
        await services.close()
    assert row.status == "sent" and parts == [1, 2, 3]


async def test_a_relay_stopped_part_way_tells_its_writer(settings: Settings,
                                                         stub: TwilioStub) -> None:
    """Ann (by text) stops while Sam's long message to her is going: she gets its first
    text and the confirmation of STOP, nothing more; Sam hears the message didn't go, as
    when STOP comes before any of it (bot/peers/undelivered.py)."""
    ann, sam = Address("sms", "+447700900161"), Address("telegram", "7401")
    async with sms_chat(settings, stub, ann, sam) as (w, sms):
        provider = BlockingSmsProvider()
        w.services.dispatcher.senders["sms"] = SmsSender(provider, sms.settings)
        await w.delivered()
        w.clock.advance(timedelta(seconds=5))
        await w.services.engine.handle(sam, Inbound.from_text(LONG_SMS))
        at_stop = await stop_while_first_part_goes(w.services, provider, ann, "STOP")
        heard = await w.delivered()
        relay = await w.db(lambda c: c.execute(
            select(OutboxMessage.status, OutboxMessage.parts_sent, OutboxMessage.error)
            .where(OutboxMessage.kind == "relay")).one())
    assert at_stop == 1
    assert not [body for body in provider.bodies[at_stop:] if "word" in body]
    assert provider.bodies[at_stop:] == [EN.text("optout.stopped")]
    assert tuple(relay) == ("suppressed", 1, STOPPED_PART_WAY)
    assert [m.text for m in heard.get(sam, [])] == \
        [EN.text("peers.relay.unreachable", alias="Ann")]
