"""A relay refused on the reader's channel and sent to the other one they use (issue 13):
made for the new channel exactly as a relay written to it is. Sue on Telegram blocked the
bot but has her phone joined: Ann's words reach the phone with Ann's name as a text can
show it, without Telegram's Report button numbered into the text, and with every SMS check
(what GSM-7 can't carry is left out and Ann told, never an empty text, at most MAX_PARTS
texts, the cost recorded on the relay). And the other way: a resident who texted STOP but
uses Telegram too gets the words whole there, with the button.

The real engine and dispatcher; python-telegram-bot against the Bot API stub (which
answers 403 for the blocked chat); the real SMS sender, the twilio library and the Twilio
REST stub; a resident's texts come in through signed webhooks."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import Connection, insert, select

from bot.channels.telegram import TelegramSender, build_application
from bot.channels.telegram_request import RetryingRequest
from bot.channels.wordless import RELAY_SETTLE
from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address, Inbound
from bot.core.gsm7 import is_gsm7, measure
from bot.core.peer_context import REPORT_OPTION
from bot.core.render import MAX_PARTS, characters_that_fit
from bot.dispatch.outbox import Dispatcher, Outcome, Outgoing, Result
from bot.peers.models import PeerChat, RelayedMessage
from bot.storage.models import Identity, OutboxMessage
from support.bot_api_stub import BotApiStub, running_stub
from support.engine import START
from support.peers import PeerWorld
from support.sms import SmsHarness
from support.sms_peers import bodies, sms_world
from support.twilio_stub import TwilioStub

EN = library().for_language("en")
WRITER_TG, SUE_TG = Address("telegram", "7301"), Address("telegram", "7302")
WRITER_SMS = Address("sms", "+447700900160")
SUE_PHONE = "+447700900733"
BLOCKED = "Forbidden: bot was blocked by the user"


def t(key: str, **params: object) -> str:
    return EN.text(key, **params)


@dataclass
class RecordingTelegram:
    """The real Telegram sender, remembering what reached a chat (for the world's
    bookkeeping: a refused message was never heard)."""

    inner: TelegramSender
    channel: str = "telegram"
    sent: list[Outgoing] = field(default_factory=list)

    async def send(self, item: Outgoing) -> Outcome:
        outcome = await self.inner.send(item)
        if outcome.result is Result.SENT:
            self.sent.append(item)
        return outcome


@dataclass
class Moved:
    w: PeerWorld
    sms: SmsHarness
    tg: BotApiStub
    telegram: RecordingTelegram

    async def relay(self) -> dict[str, object]:
        rows = await self.w.rows(RelayedMessage)
        return max(rows, key=lambda r: r["id"])


@asynccontextmanager
async def both_channels(settings: Settings, stub: TwilioStub, *, unicode: bool = False
                        ) -> AsyncIterator[Moved]:
    """A peer-support world with texts through the real SMS sender and Telegram through
    python-telegram-bot and the Bot API stub."""
    async with running_stub(BotApiStub(limits=None)) as tg:
        settings = settings.model_copy(update={"telegram_bot_token": "1:stub",
                                               "telegram_api_base_url": tg.base_url})
        async with sms_world(settings, stub, unicode=unicode) as (w, sms):
            application = build_application(settings, polling=False, request=RetryingRequest(
                first_wait=0.01, max_wait=0.02))
            await application.initialize()
            telegram = RecordingTelegram(TelegramSender(application, w.services.content))
            w.senders["telegram"] = telegram  # type: ignore[assignment]
            w.services.dispatcher.senders["telegram"] = telegram
            try:
                yield Moved(w, sms, tg, telegram)
            finally:
                await application.shutdown()


@asynccontextmanager
async def world(settings: Settings, stub: TwilioStub, *, unicode: bool = False,
                writer: str = "Ann", writer_at: Address = WRITER_TG) -> AsyncIterator[Moved]:
    """`writer` (a resident) and Sue (a supporter, on Telegram) chatting; Sue also has
    her phone joined, used less lately than her Telegram."""
    async with both_channels(settings, stub, unicode=unicode) as m:
        await m.w.supporter(SUE_TG, "Sue")
        await m.w.resident(writer_at, writer)
        await m.w.asks_for_buddy(writer_at)
        await m.w.connected(writer_at, SUE_TG)
        await join(m.w, SUE_TG, Address("sms", SUE_PHONE))
        m.tg.delivered.clear()
        yield m


async def join(w: PeerWorld, who: Address, other: Address) -> None:
    person = await w.person_id(who)

    def add(connection: Connection) -> None:
        connection.execute(insert(Identity).values(
            person_id=person, channel=other.channel, address=other.address,
            created_at=START, last_inbound_at=START - timedelta(days=1)))

    await w.db(add)


async def says(m: Moved, who: Address, text: str) -> None:
    if who.channel == "sms":
        response = await m.sms.text(who.address, text)
        assert response.status_code == 200
    else:
        await m.w.says(who, text)
    await m.w.services.dispatcher.drain()  # the moved row, and anything the writer is told


def told(m: Moved, writer_at: Address, since: int) -> list[str]:
    if writer_at.channel == "sms":
        return bodies(m.sms.stub, writer_at.address, since)
    return [d.text for d in m.tg.delivered if d.chat_id == int(writer_at.address)]


async def outbox_segments(m: Moved, outbox_id: object) -> int | None:
    return await m.w.db(lambda c: c.scalar(select(OutboxMessage.segments).where(
        OutboxMessage.id == outbox_id)))


# -- what a text can't carry: left out and said, never an empty text (UCS-2 off) -----------
# (typed, what Sue's phone gets or None, what the writer is told or None)
WORDS = [
    ("\U0001f44d", None, "not_sent.emoji"),
    ("\u0a95\u0ac7\u0aae \u0a9b\u0acb?", None, "not_sent.letters"),
    (("\u6211\u4eec\u5468\u516d\u89c1" * 199)[:995], None, "not_sent.letters"),
    ("See you Saturday \U0001f44d", "Ann: See you Saturday", "part_sent.emoji"),
    ("Good to meet you, \u0a95\u0ac7\u0aae \u0a9b\u0acb?", "Ann: Good to meet you?",
     "part_sent.letters"),
    # Nothing lost: no Report line ("1 Report" texted back would only be relayed as "1").
    ("What time? Reply 1 for 10am or 2 for 11am",
     "Ann: What time? Reply 1 for 10am or 2 for 11am", None),
]


@pytest.mark.parametrize("writer_at", [WRITER_TG, WRITER_SMS], ids=["telegram", "sms"])
@pytest.mark.parametrize(("typed", "arrives", "notice"), WORDS)
async def test_a_moved_relay_is_checked_like_any_text(
        settings: Settings, stub: TwilioStub, writer_at: Address, typed: str,
        arrives: str | None, notice: str | None) -> None:
    async with world(settings, stub, writer_at=writer_at) as m:
        m.tg.fail_next(7302, 403, BLOCKED)
        since = len(stub.sent)
        await says(m, writer_at, typed)
        got = bodies(stub, SUE_PHONE, since)
        relay = await m.relay()
        assert told(m, writer_at, since) == \
            ([t(f"peers.relay.{notice}", alias="Sue")] if notice else [])
        if arrives is None:
            assert got == []  # never "Ann:" and nothing, never "Ann?"
            assert relay["segments"] == 0
            return
        assert got == [arrives] and is_gsm7(got[0])
        assert relay["segments"] == measure(arrives).segments == \
            await outbox_segments(m, relay["outbox_id"])
        moved = await m.w.db(lambda c: c.execute(
            select(OutboxMessage.channel, OutboxMessage.payload)
            .where(OutboxMessage.id == relay["outbox_id"])).one())
        assert moved[0] == "sms" and not moved[1].get("options")


@pytest.mark.parametrize("writer_at", [WRITER_TG, WRITER_SMS], ids=["telegram", "sms"])
async def test_the_writers_name_is_made_readable_for_the_new_reader(
        settings: Settings, stub: TwilioStub, writer_at: Address) -> None:
    """A name made for Telegram ("Олена") would be left out of a GSM-7 text, and with it
    who wrote; it is transliterated as for any texting reader, and its colon stays."""
    async with world(settings, stub, writer="\u041e\u043b\u0435\u043d\u0430",
                     writer_at=writer_at) as m:
        m.tg.fail_next(7302, 403, BLOCKED)
        since = len(stub.sent)
        await says(m, writer_at, "\u041f\u0440\u0438\u0432\u0456\u0442! See you Saturday")
        assert bodies(stub, SUE_PHONE, since) == ["Olena: See you Saturday"]
        assert told(m, writer_at, since) == [t("peers.relay.part_sent.letters", alias="Sue")]


# -- too long for texts, and the cost (UCS-2 on) ---------------------------------------------
async def test_a_moved_relay_never_needs_more_texts_than_a_relay_may(
        settings: Settings, stub: TwilioStub) -> None:
    """995 Chinese characters went as 8 texts (16 segments) and were recorded as 0: now
    they don't go, and Ann is told how much fits, as if Sue had been texting all along."""
    chinese = ("\u6211\u4eec\u5468\u516d\u89c1" * 199)[:995]
    async with world(settings, stub, unicode=True) as m:
        m.tg.fail_next(7302, 403, BLOCKED)
        since = len(stub.sent)
        await says(m, WRITER_TG, chinese)
        assert bodies(stub, SUE_PHONE, since) == []
        fits = characters_that_fit(f"Ann: {chinese}", allow_unicode=True)
        assert told(m, WRITER_TG, since) == [
            t("peers.relay.too_long_texts", alias="Sue", count=fits)]


@pytest.mark.parametrize("typed", [
    "\u6211\u4eec\u660e\u5929\u4e0a\u5348\u5341\u70b9\u5728\u516c\u56ed\u95e8\u53e3" * 12,
    "\u041f\u0440\u0438\u0432\u0456\u0442! See you Saturday \U0001f44d",
])
async def test_a_moved_relay_in_ucs2_is_labelled_and_its_cost_recorded(
        settings: Settings, stub: TwilioStub, typed: str) -> None:
    async with world(settings, stub, unicode=True) as m:
        m.tg.fail_next(7302, 403, BLOCKED)
        since = len(stub.sent)
        await says(m, WRITER_TG, typed)
        got = bodies(stub, SUE_PHONE, since)
        assert told(m, WRITER_TG, since) == []  # nothing was left out
        assert 1 <= len(got) <= MAX_PARTS
        if len(got) > 1:
            labels = [re.search(r" \((\d+)/(\d+)\)$", body) for body in got]
            assert [x.groups() if x else None for x in labels] == \
                [(str(n), str(len(got))) for n in range(1, len(got) + 1)]
            got = [body[:x.start()] for body, x in zip(got, labels, strict=True) if x]
        assert "".join("".join(got).split()) == "".join(f"Ann:{typed}".split())
        assert all(measure(body).segments <= 2 for body in bodies(stub, SUE_PHONE, since))
        relay = await m.relay()
        spent = sum(measure(b).segments for b in bodies(stub, SUE_PHONE, since))
        assert relay["segments"] == spent == await outbox_segments(m, relay["outbox_id"])


# -- the other way: from a resident's phone to their Telegram ---------------------------------
async def test_a_relay_refused_by_text_goes_whole_to_telegram_with_its_button(
        settings: Settings, stub: TwilioStub) -> None:
    """Sue texts; she replied STOP on her phone (Twilio refuses with 21610) but uses
    Telegram too: Ann's words reach her there as typed, emoji and all, under Ann's own
    name, with the Report button; they cost no texts, and Ann is told nothing was lost
    (nothing was)."""
    async with both_channels(settings, stub) as m:
        w, sue_phone = m.w, Address("sms", SUE_PHONE)
        await w.supporter(WRITER_TG, "\u041e\u043b\u0435\u043d\u0430")
        await w.resident(sue_phone, "Sue")
        await w.asks_for_buddy(sue_phone)
        await w.connected(sue_phone, WRITER_TG)
        await join(w, sue_phone, SUE_TG)
        m.tg.delivered.clear()
        stub.script.append(("error", 400, 21610))
        typed = "\u041f\u0440\u0438\u0432\u0456\u0442! See you Saturday \U0001f44d"
        await w.says(WRITER_TG, typed)
        await w.services.dispatcher.drain()
        to_sue = [i for i in m.telegram.sent if i.address == SUE_TG.address]
        assert [i.message.text for i in to_sue] == [f"\u041e\u043b\u0435\u043d\u0430: {typed}"]
        [chat_id] = [row["id"] for row in await w.rows(PeerChat)]
        assert [o.id for o in to_sue[0].message.options] == [f"{REPORT_OPTION}{chat_id}"]
        # Told, as the relay was written, what a text would leave out (it went whole in the
        # end); never that it didn't go.
        assert [d.text for d in m.tg.delivered if d.chat_id == 7301] == \
            [t("peers.relay.part_sent.both", alias="Sue")]
        assert [r["segments"] for r in await w.rows(RelayedMessage)] == [0]


# -- tried as a newcomer: names, look-alikes, the cap, STOP and erasure meanwhile, racing -----
REFUSALS = [
    (403, BLOCKED),
    (403, "Forbidden: user is deactivated"),
    (400, "Bad Request: chat not found"),
]


@asynccontextmanager
async def texts_held(m: Moved) -> AsyncIterator[None]:
    """No texts go while inside (the SMS lane has no sender): the moved relay waits in the
    queue, as it would behind a wave of texts, for whatever happens meanwhile."""
    sms = m.w.services.dispatcher.senders.pop("sms")
    try:
        yield
    finally:
        m.w.services.dispatcher.senders["sms"] = sms


async def moved_rows(m: Moved) -> list[tuple[str, str]]:
    """(channel, status) of every relay row, in id order."""
    return await m.w.db(lambda c: [tuple(r) for r in c.execute(  # type: ignore[misc]
        select(OutboxMessage.channel, OutboxMessage.status)
        .where(OutboxMessage.kind == "relay").order_by(OutboxMessage.id)).all()])


@pytest.mark.parametrize(("status", "description"), REFUSALS,
                         ids=["blocked", "deactivated", "chat_not_found"])
async def test_every_kind_of_refusal_moves_the_relay_once(
        settings: Settings, stub: TwilioStub, status: int, description: str) -> None:
    async with world(settings, stub) as m:
        m.tg.fail_next(7302, status, description)
        since = len(stub.sent)
        await says(m, WRITER_TG, "See you Saturday at the park gate")
        await says(m, WRITER_TG, "Bring water")  # straight to the phone now
        assert bodies(stub, SUE_PHONE, since) == ["Ann: See you Saturday at the park gate",
                                                  "Ann: Bring water"]
        assert told(m, WRITER_TG, since) == []
        assert await moved_rows(m) == [("telegram", "failed"), ("sms", "sent"), ("sms", "sent")]
        assert [r["segments"] for r in await m.w.rows(RelayedMessage)] == [1, 1]


POLISH = "Dzie\u0144 dobry! Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 ja\u017a\u0144"
# (writer's name, typed, UCS-2 allowed, what Sue's phone gets)
NAMES = [
    ("\u0141ucja", POLISH,
     False, "Lucja: Dzien dobry! Zazolc gesla jazn"),
    ("\u0141ucja", POLISH,
     True, "\u0141ucja: Dzie\u0144 dobry! Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 "
     "ja\u017a\u0144"),
    ("\u0aad\u0abe\u0ab5\u0aa8\u0abe", "See you Saturday", False, "Bhavna: See you Saturday"),
    ("\u0aad\u0abe\u0ab5\u0aa8\u0abe", "See you Saturday", True,
     "\u0aad\u0abe\u0ab5\u0aa8\u0abe: See you Saturday"),
    ("\u0639\u0627\u0626\u0634\u06c1", "\u06a9\u06cc\u0627 \u062d\u0627\u0644 \u06c1\u06d2\u061f",
     True, "\u0639\u0627\u0626\u0634\u06c1: \u06a9\u06cc\u0627 \u062d\u0627\u0644 "
     "\u06c1\u06d2\u061f"),
    # Look-alikes made plain, never counted as UCS-2 (one text, not two).
    ("Zo\u00eb", "\u201cSee you\u201d \u2014 Saturday\u2026 it\u2019s fine", True,
     "Zo\u00eb: \"See you\" - Saturday... it's fine"),
]


@pytest.mark.parametrize("writer_at", [WRITER_TG, WRITER_SMS], ids=["telegram", "sms"])
@pytest.mark.parametrize(("name", "typed", "unicode", "arrives"), NAMES)
async def test_names_and_words_of_other_scripts_arrive_whole_or_made_plain(
        settings: Settings, stub: TwilioStub, writer_at: Address, name: str, typed: str,
        unicode: bool, arrives: str) -> None:
    async with world(settings, stub, writer=name, writer_at=writer_at, unicode=unicode) as m:
        m.tg.fail_next(7302, 403, BLOCKED)
        since = len(stub.sent)
        await says(m, writer_at, typed)
        assert bodies(stub, SUE_PHONE, since) == [arrives]
        assert told(m, writer_at, since) == []  # nothing left out
        relay = await m.relay()
        assert relay["segments"] == measure(arrives).segments == 1 == \
            await outbox_segments(m, relay["outbox_id"])


async def test_a_name_only_in_another_script_still_says_who_wrote(
        settings: Settings, stub: TwilioStub) -> None:
    """An Urdu name on a GSM-7 phone: some name in A to Z, then the colon, then the words;
    never ": See you" or the words run into nothing."""
    async with world(settings, stub, writer="\u0639\u0627\u0626\u0634\u06c1") as m:
        m.tg.fail_next(7302, 403, BLOCKED)
        since = len(stub.sent)
        await says(m, WRITER_TG, "See you Saturday")
        [got] = bodies(stub, SUE_PHONE, since)
        name, _, words = got.partition(": ")
        assert words == "See you Saturday" and is_gsm7(got)
        assert any(c.isalpha() for c in name)


@pytest.mark.parametrize("typed", [
    "call me on \uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13",
    "call me on \u0660\u0667\u0667\u0660\u0660\u0669\u0660\u0660\u0661\u0662\u0663",
    "call me on \u0ae6\u0aed\u0aed\u0ae6\u0ae6 \u0aef\u0ae6\u0ae6\u0ae7\u0ae8\u0ae9",
    "my email is ann\uff20example\uff0ecom",
])
async def test_contact_details_in_look_alike_characters_are_held_on_either_channel(
        settings: Settings, stub: TwilioStub, typed: str) -> None:
    """Digits of other scripts become 0-9 on a GSM-7 phone: held before any channel is
    tried, so no number reaches the phone it would be moved to, nor Telegram."""
    async with world(settings, stub) as m:
        m.tg.fail_next(7302, 403, BLOCKED)
        since = len(stub.sent)
        await says(m, WRITER_TG, typed)
        assert bodies(stub, SUE_PHONE, since) == []
        assert [d for d in m.tg.delivered if d.chat_id == 7302] == []
        assert [(r["held"], r["outbox_id"]) for r in await m.w.rows(RelayedMessage)] == \
            [(True, None)]
        assert len(told(m, WRITER_TG, since)) == 1


@pytest.mark.parametrize("over", [False, True], ids=["fits", "over"])
async def test_long_gsm7_words_with_escapes_go_in_order_up_to_the_cap_and_no_further(
        settings: Settings, stub: TwilioStub, over: bool) -> None:
    """Escaped characters (each two septets) at the part boundaries: as much as Ann would
    be told fits goes, in labelled parts, in order, words whole, segments as networks count
    them; far more and nothing goes, and Ann is told how much fits."""
    unit = "Pay \u20ac5 ~ [Sat] {gate} "
    fits = characters_that_fit(f"Ann: {unit * 60}", allow_unicode=False)
    typed = (unit * 60)[:990 if over else fits - len("Ann: ")].rstrip()
    async with world(settings, stub) as m:
        m.tg.fail_next(7302, 403, BLOCKED)
        since = len(stub.sent)
        await says(m, WRITER_TG, typed)
        got = bodies(stub, SUE_PHONE, since)
        if over:
            assert got == []
            assert told(m, WRITER_TG, since) == [
                t("peers.relay.too_long_texts", alias="Sue", count=fits)]
            assert (await m.relay())["segments"] == 0
            return
        assert told(m, WRITER_TG, since) == []
        assert 1 < len(got) <= MAX_PARTS
        labels = [re.search(r" \((\d+)/(\d+)\)$", body) for body in got]
        assert [x.groups() if x else None for x in labels] == \
            [(str(n), str(len(got))) for n in range(1, len(got) + 1)]
        joined = " ".join(body[:x.start()] for body, x in zip(got, labels, strict=True) if x)
        assert joined.split() == f"Ann: {typed}".split()
        assert all(measure(body).segments <= 2 for body in got)
        relay = await m.relay()
        assert relay["segments"] == sum(measure(b).segments for b in got) == \
            await outbox_segments(m, relay["outbox_id"])


async def test_stop_texted_after_the_move_is_obeyed_at_once(
        settings: Settings, stub: TwilioStub) -> None:
    """Telegram refused, the words wait for Sue's phone, and Sue texts STOP: only the
    STOP answer reaches her phone, then or later."""
    async with world(settings, stub) as m:
        m.tg.fail_next(7302, 403, BLOCKED)
        since = len(stub.sent)
        async with texts_held(m):
            await says(m, WRITER_TG, "See you Saturday")
            assert await moved_rows(m) == [("telegram", "failed"), ("sms", "queued")]
            assert (await m.sms.text(SUE_PHONE, "STOP")).status_code == 200
        await m.w.services.dispatcher.drain()
        await m.w.later(timedelta(hours=1))
        await m.w.services.dispatcher.drain()
        assert bodies(stub, SUE_PHONE, since) == [t("optout.stopped")]
        assert [status for _, status in await moved_rows(m)] == ["failed", "suppressed"]


async def test_the_writer_hears_when_stop_stops_a_moved_relay(
        settings: Settings, stub: TwilioStub) -> None:
    async with world(settings, stub) as m:
        m.tg.fail_next(7302, 403, BLOCKED)
        since = len(stub.sent)
        async with texts_held(m):
            await says(m, WRITER_TG, "See you Saturday")
            await m.sms.text(SUE_PHONE, "STOP")
        await m.w.services.dispatcher.drain()
        assert told(m, WRITER_TG, since) == [t("peers.relay.unreachable", alias="Sue")]


@pytest.mark.parametrize("who", ["reader", "writer"])
async def test_erasure_after_the_move_leaves_no_words_behind(
        settings: Settings, stub: TwilioStub, who: str) -> None:
    """Either of them asks to be forgotten while the moved words wait for Sue's phone: the
    words never reach it (the reader is gone; the writer's words go with the writer), and
    nothing keeps them."""
    typed = "See you Saturday by the caf\u00e9"
    async with world(settings, stub) as m:
        m.tg.fail_next(7302, 403, BLOCKED)
        since = len(stub.sent)
        async with texts_held(m):
            await says(m, WRITER_TG, typed)
            await m.w.conversation(SUE_TG if who == "reader" else WRITER_TG,
                                   "delete my data", "yes")
        await m.w.services.dispatcher.drain()
        got = bodies(stub, SUE_PHONE, since)
        assert not any("caf" in body for body in got)
        assert got == ([] if who == "reader" else [t("peers.relay.left", alias="Ann")])
        kept = json.dumps(await m.w.outbox_payloads(), ensure_ascii=False) + \
            json.dumps([r["text"] for r in await m.w.rows(RelayedMessage)], ensure_ascii=False)
        assert "caf\u00e9" not in kept


async def test_two_workers_racing_move_each_relay_once_and_in_order(
        settings: Settings, stub: TwilioStub) -> None:
    """PostgreSQL, two dispatchers draining at once: Telegram refuses the first of Ann's
    messages; every one reaches Sue's phone exactly once, in the order typed, and Ann is
    told once per message what the texts left out."""
    if settings.database_url.startswith("sqlite"):
        pytest.skip("several workers run on PostgreSQL only")
    async with world(settings, stub) as m:
        first = m.w.services.dispatcher
        second = Dispatcher(first.db, first.clock, first.senders, worker_id="second")
        second.after_undelivered = first.after_undelivered
        m.tg.fail_next(7302, 403, BLOCKED)
        since = len(stub.sent)
        typed = [f"message {n} \U0001f44d" for n in range(6)]
        for text in typed:
            m.w.clock.advance(timedelta(seconds=1))
            await m.w.services.engine.handle(WRITER_TG, Inbound.from_text(text))
        for _ in range(3):
            await asyncio.gather(first.drain(), second.drain())
        assert bodies(stub, SUE_PHONE, since) == [f"Ann: message {n}" for n in range(6)]
        assert told(m, WRITER_TG, since) == [t("peers.relay.part_sent.emoji", alias="Sue")] * 6
        assert [d for d in m.tg.delivered if d.chat_id == 7302] == []
        # The first refused; the rest, queued to Telegram behind it, suppressed there.
        assert sorted(await moved_rows(m)) == \
            [("sms", "sent")] * 6 + [("telegram", "failed")] + [("telegram", "suppressed")] * 5


# -- a picture's words to someone who blocked us (break-test nc13) ---------------------------
PICTURE = {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/x.jpg",
           "MediaContentType0": "image/jpeg"}
PHOTO_NOTE = "Move Mates: " + EN.text("telegram.wordless.caption_only")


@pytest.mark.parametrize("phone", [True, False], ids=["moved_to_phone", "no_phone"])
async def test_a_pictures_words_are_said_to_have_gone_only_when_they_did(
        settings: Settings, stub: TwilioStub, phone: bool) -> None:
    """Ann texts a picture with words; Sue's Telegram blocked us since. With her phone
    joined, the words go there and Ann hears the picture didn't; without, Ann hears only
    that the words didn't go either (never "your words went" and "that one didn't go")."""
    async with both_channels(settings, stub) as m:
        await m.w.supporter(SUE_TG, "Sue")
        await m.w.resident(WRITER_SMS, "Ann")
        await m.w.asks_for_buddy(WRITER_SMS)
        await m.w.connected(WRITER_SMS, SUE_TG)
        if phone:
            await join(m.w, SUE_TG, Address("sms", SUE_PHONE))
        m.tg.fail_next(7302, 403, BLOCKED)
        since = len(stub.sent)
        response = await m.sms.text(WRITER_SMS.address, "Bradgate this morning",
                                    sid="MM" + "7" * 32, **PICTURE)
        assert response.status_code == 200
        m.w.clock.advance(RELAY_SETTLE * 2)
        await m.w.services.dispatcher.drain()
        if phone:
            assert bodies(stub, SUE_PHONE, since) == ["Ann: Bradgate this morning"]
            assert told(m, WRITER_SMS, since) == [PHOTO_NOTE]
        else:
            assert told(m, WRITER_SMS, since) == [t("peers.relay.unreachable", alias="Sue")]
