"""One channel's burst never holds another channel's messages behind it, on the way in
(issue 13; bot/channels/admission.py). Sixty texts arrive at once (replies to a
broadcast): without a door per channel every one of them is in the engine's single line
(SQLite's write lock, PostgreSQL's event loop) before a Telegram "hi" that came a moment
later, and the hi is handled last. With it the hi waits for at most the few texts inside.
Likewise a wave's delivery receipts.

Order, not time: a wrapper around the real engine notes which channel each handled
message came from, in the order they finish. Texts and receipts come in as signed Twilio
webhooks through the real SMS channel; the hi goes through python-telegram-bot's parsing
(`Update.de_json`) into the real Telegram channel."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from telegram import Update

from bot.app import Services, build
from bot.channels.admission import AT_ONCE, Admission
from bot.channels.sms import SmsChannel
from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.events import Address, Inbound
from bot.engine.plan import Handled
from bot.storage.models import OutboxMessage, Person
from bot.web import create_app
from support.engine import START
from support.sms import PUBLIC, SmsHarness
from support.twilio_stub import ACCOUNT_SID, AUTH_TOKEN, SERVICE_SID, TwilioStub

BURST = 60
WAVE = 200  # receipts: each is a few quick statements
HI = 5501
WORDS = ["hi", "I have been feeling a bit low since my knee op, is there anything gentle "
         "near LE4?", "what's on near me for people with COPD, I get breathless on stairs"]
_ids = itertools.count(1)


@dataclass
class InOrder:
    """The engine, noting the channel of each message it has finished handling (and of
    each receipt, recorded by the SMS channel itself)."""

    engine: Any
    done: list[str] = field(default_factory=list)

    @property
    def db(self) -> Any:
        return self.engine.db

    @property
    def clock(self) -> Any:
        return self.engine.clock

    @property
    def content(self) -> Any:
        return self.engine.content

    @property
    def on_queued(self) -> Callable[[], None] | None:
        return self.engine.on_queued  # type: ignore[no-any-return]

    async def handle(self, address: Address, event: Inbound, **kwargs: Any) -> Handled:
        handled: Handled = await self.engine.handle(address, event, **kwargs)
        self.done.append(address.channel)
        return handled

    async def claim_inbound(self, channel: str, external_id: str) -> bool:
        return bool(await self.engine.claim_inbound(channel, external_id))

    async def set_reachable(self, address: Address, *, reachable: bool) -> None:
        await self.engine.set_reachable(address, reachable=reachable)


@dataclass
class Both:
    services: Services
    order: InOrder
    sms: SmsChannel
    harness: SmsHarness
    telegram: TelegramChannel


@asynccontextmanager
async def both(settings: Settings, stub: TwilioStub) -> AsyncIterator[Both]:
    settings = settings.model_copy(update={
        "twilio_account_sid": ACCOUNT_SID, "twilio_auth_token": AUTH_TOKEN,
        "twilio_messaging_service_sid": SERVICE_SID, "twilio_api_base_url": stub.base_url,
        "public_base_url": PUBLIC, "telegram_bot_token": "1:stub"})
    services = build(settings, clock=FakeClock(START), paced=False)
    order = InOrder(services.engine)
    sms = SmsChannel(settings, order, services.db, services.clock)  # type: ignore[arg-type]
    telegram = TelegramChannel(settings, order, services.content)  # type: ignore[arg-type]
    app = create_app(services.db, {"telegram": True, "sms": True}, routes=sms.routes())
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://testserver") as client:
            harness = SmsHarness(services, client, stub, settings, services.clock)
            # The safety screen loads on first use: not while the clock is running.
            await asyncio.to_thread(services.engine.language, None)
            yield Both(services, order, sms, harness, telegram)
    finally:
        await services.close()


def text(n: int) -> dict[str, str]:
    return {"MessageSid": f"SM{next(_ids):032x}", "AccountSid": ACCOUNT_SID,
            "From": f"+4477009{n:05d}", "To": "+447700900999", "Body": WORDS[n % 3],
            "NumMedia": "0"}


def receipt(n: int) -> dict[str, str]:
    return {"MessageSid": f"SM{next(_ids):032x}", "AccountSid": ACCOUNT_SID,
            "MessageStatus": "delivered", "To": f"+4477009{n:05d}"}


def hi() -> Update:
    sender = {"id": HI, "is_bot": False, "first_name": "Kim"}
    return {"update_id": next(_ids), "message": {
        "message_id": next(_ids), "date": 1772442000, "text": "hi", "from": sender,
        "chat": {"id": HI, "type": "private", "first_name": "Kim"}}}  # type: ignore[return-value]


async def in_flight(door: Admission, done: Callable[[], int], size: int = BURST) -> None:
    """Until the whole burst is inside the channel: handled, in the engine, or at the door
    (each webhook reads its form and checks its signature first)."""
    for _ in range(4000):
        if done() >= 1 and done() + door.waiting + door.at_once >= size:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the burst never got going")


async def test_a_telegram_hi_is_not_held_behind_a_burst_of_texts(
        settings: Settings, stub: TwilioStub) -> None:
    async with both(settings, stub) as b:
        burst = [asyncio.create_task(b.harness.post("/sms/inbound", text(n)))
                 for n in range(BURST)]
        await in_flight(b.sms.admission, lambda: b.order.done.count("sms"))
        before = b.order.done.count("sms")
        await b.telegram.handle(Update.de_json(hi(), b.telegram.application.bot))
        place = b.order.done.index("telegram")
        responses = await asyncio.gather(*burst)
        people = await b.services.db.run(lambda c: c.scalar(
            select(Person.id).select_from(Person).order_by(Person.id.desc()).limit(1)))
        replied = await b.services.db.run(lambda c: c.scalar(select(OutboxMessage.id).where(
            OutboxMessage.channel == "telegram", OutboxMessage.address == str(HI)).limit(1)))
    assert [r.status_code for r in responses] == [200] * BURST
    assert b.order.done.count("sms") == BURST and people is not None
    assert replied is not None  # the hi was answered
    # Never behind the rest of the burst. On SQLite (one writer, first come first served)
    # it waits for the few texts already inside; on PostgreSQL it shares the event loop
    # with them, so a few more that came in after it may finish first.
    assert place < BURST // 2, (before, place)
    if b.services.db.is_sqlite:
        assert place - before <= AT_ONCE + 1, (before, place)


async def test_a_telegram_hi_is_not_held_behind_a_wave_of_receipts(
        settings: Settings, stub: TwilioStub) -> None:
    """Thousands of delivery receipts come back after a wave; they have a door of their
    own, so neither a Telegram message nor a text waits for all of them."""
    async with both(settings, stub) as b:
        finished: list[str] = b.order.done

        async def one(n: int) -> httpx.Response:
            response = await b.harness.post("/sms/status", receipt(n))
            finished.append("receipt")
            return response

        wave = [asyncio.create_task(one(n)) for n in range(WAVE)]
        await in_flight(b.sms.receipts, lambda: finished.count("receipt"), WAVE)
        before = finished.count("receipt")
        sms_hi = asyncio.create_task(b.harness.post("/sms/inbound", text(BURST + 1)))
        await b.telegram.handle(Update.de_json(hi(), b.telegram.application.bot))
        await sms_hi
        places = (finished.index("telegram"), finished.index("sms"))
        responses = await asyncio.gather(*wave)
    assert [r.status_code for r in responses] == [204] * WAVE
    # Neither waited for the rest of the wave (see above: on PostgreSQL a receipt is a
    # few quick statements, so a few dozen pass while a new person's first message is
    # stored, four at a time).
    assert max(places) < WAVE // 3, (before, places)
    if b.services.db.is_sqlite:
        assert all(place - before <= 2 * AT_ONCE + 2 for place in places), (before, places)


@pytest.mark.parametrize("at_once", [0, -1])
def test_a_door_lets_someone_in(at_once: int) -> None:
    with pytest.raises(ValueError):
        Admission(at_once)


async def test_a_door_lets_in_only_so_many_at_once_in_the_order_they_came() -> None:
    door = Admission(2)
    inside, most, entered = 0, 0, []

    async def visit(n: int) -> None:
        nonlocal inside, most
        async with door.admitted():
            entered.append(n)
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(visit(n) for n in range(8)))
    assert most == 2 and entered == list(range(8)) and door.waiting == 0
