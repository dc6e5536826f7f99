"""Dispatching at the platforms' limits: close to the ceiling, never over it, replies first,
every message once."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from datetime import timedelta

import pytest
from sqlalchemy import Connection, select

from bot.app import build
from bot.channels.telegram import TelegramSender, build_application
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.events import Address, Inbound, Outbound
from bot.dispatch.limits import SAFETY_MARGIN_SECONDS, Limits, Pacer
from bot.storage import repository as repo
from bot.storage.models import OutboxMessage
from support.bot_api_stub import BotApiStub, running_stub
from support.bot_api_stub import Limits as StubLimits
from support.engine import START


def queue_wave(connection: Connection, chats: int, per_chat: int, now, priority: int = 5,
               prefix: str = "wave", kind: str = "encouragement") -> None:
    for chat in range(1, chats + 1):
        address = Address("telegram", str(10_000 + chat))
        person = repo.create_person(connection, address, now)
        repo.queue_messages(connection, person_id=person.person_id, to=address,
                            messages=[Outbound(f"{prefix} {chat}.{n}") for n in range(per_chat)],
                            kind=kind, priority=priority,
                            key_prefix=f"{prefix}:{chat}", now=now)


async def telegram_dispatch(settings: Settings, stub: BotApiStub, scale: float):
    settings = settings.model_copy(update={
        "telegram_bot_token": "1:stub", "telegram_api_base_url": stub.base_url,
        "telegram_rate_per_second": 30 * scale,
        "telegram_chat_interval_seconds": 1 / scale})
    services = build(settings, clock=FakeClock(START))
    application = build_application(settings, polling=False)
    await application.initialize()
    services.dispatcher.senders["telegram"] = TelegramSender(application, services.content)
    return services, application


def test_pacer_counts_like_a_sliding_window_and_spreads_each_second() -> None:
    now = [0.0]
    pacer = Pacer(Limits(per_second=4, per_chat_interval=1.0), monotonic=lambda: now[0])
    assert pacer.ready_at("a") == 0.0
    pacer.record("a")
    assert pacer.ready_at("b") == 0.25  # a quarter of the second's allowance at a time
    for at, chat in ((0.25, "b"), (0.5, "c"), (0.75, "d")):
        now[0] = at
        assert pacer.ready_at(chat) == at
        pacer.record(chat)
    now[0] = 0.9
    assert pacer.ready_at("e") > 1.0  # the fifth in one second waits
    assert pacer.ready_at("a") > 1.0  # and so does a second message to the same chat
    now[0] = 1.1
    assert pacer.ready_at("e") == 1.1
    pacer.pause(5)
    assert pacer.ready_at("e") >= 6.1


def test_a_message_bigger_than_a_quarter_allowance_still_goes() -> None:
    now = [0.0]
    pacer = Pacer(Limits(per_second=10), monotonic=lambda: now[0])  # SMS: 10 segments/s
    assert pacer.ready_at("+447700900001", cost=3) == 0.0
    pacer.record("+447700900001", cost=3)
    assert pacer.ready_at("+447700900002", cost=3) == 0.25


def test_smoothing_costs_two_segment_texts_no_speed() -> None:
    """10 segments a second as 2-segment texts: five texts a second, as without it."""
    now = [0.0]
    pacer = Pacer(Limits(per_second=10), monotonic=lambda: now[0])
    sent = []
    for n in range(50):
        now[0] = pacer.ready_at(f"+4477009{n:05d}", cost=2)
        pacer.record(f"+4477009{n:05d}", cost=2)
        sent.append(now[0])
    assert sent[-1] < 10.5  # 50 texts, 100 segments: ten seconds at the full rate
    for start in sent:  # and never more than 10 segments in any second
        assert sum(2 for at in sent if start <= at < start + 1.0) <= 10


async def test_a_wave_at_scaled_limits_gets_no_429_and_loses_nothing(settings: Settings) -> None:
    scale = 10.0  # 300 messages a second, 10 a second per chat: the same shape, faster
    async with running_stub(BotApiStub(limits=StubLimits().scaled(scale))) as stub:
        services, application = await telegram_dispatch(settings, stub, scale)
        await services.db.run(lambda c: queue_wave(c, chats=60, per_chat=5, now=START))
        sent = await services.dispatcher.drain()
        await application.shutdown()
        statuses = await services.db.run(lambda c: c.execute(
            select(OutboxMessage.status)).scalars().all())
        await services.close()
    assert stub.rejected_429 == 0
    assert sent == 300 and set(statuses) == {"sent"}
    texts = [d.text for d in stub.delivered]
    assert len(texts) == len(set(texts)) == 300  # nothing doubled
    for chat in range(1, 61):  # each chat's messages arrived in order
        mine = [t for t in texts if t.startswith(f"wave {chat}.")]
        assert mine == [f"wave {chat}.{n}" for n in range(5)]
    # How close to the limits it runs is measured in bench/dispatch.py, not here.


async def test_a_reply_goes_ahead_of_a_wave(settings: Settings) -> None:
    async with running_stub(BotApiStub(limits=StubLimits())) as stub:
        services, application = await telegram_dispatch(settings, stub, 1.0)
        await services.db.run(lambda c: queue_wave(c, chats=200, per_chat=1, now=START))
        drain = asyncio.create_task(services.dispatcher.drain())
        await asyncio.sleep(1.5)  # the wave is well under way
        waiting = Address("telegram", "99")
        await services.db.run(lambda c: repo.queue_messages(
            c, person_id=repo.create_person(c, waiting, START).person_id, to=waiting,
            messages=[Outbound("your answer")], kind="reply", priority=0, key_prefix="r",
            now=START))
        while not any(d.text == "your answer" for d in stub.delivered):  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        drain.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await drain  # the lane finishes its transaction and puts back what it held
        await application.shutdown()
        await services.close()
    assert stub.rejected_429 == 0
    position = [d.text for d in stub.delivered].index("your answer")
    # Well before the 200-message wave finished (reply latency is in bench/dispatch.py).
    assert position < 150


async def test_a_reply_does_not_wait_out_another_chats_pacing(settings: Settings) -> None:
    """A chat's next message may be seconds away (one a second per chat; five here): a
    reply queued meanwhile for someone else goes at once, not after that wait."""
    scale = 0.2
    async with running_stub(BotApiStub(limits=StubLimits().scaled(scale))) as stub:
        services, application = await telegram_dispatch(settings, stub, scale)
        await services.db.run(lambda c: queue_wave(c, chats=1, per_chat=2, now=START))
        drain = asyncio.create_task(services.dispatcher.drain())
        while not stub.delivered:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        waiting = Address("telegram", "99")
        await services.db.run(lambda c: repo.queue_messages(
            c, person_id=repo.create_person(c, waiting, START).person_id, to=waiting,
            messages=[Outbound("your answer")], kind="reply", priority=0, key_prefix="r",
            now=START))
        services.dispatcher.queued()  # what the engine's on_queued does in the service
        while len(stub.delivered) < 2:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        drain.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await drain  # the lane finishes its transaction and puts back what it held
        await application.shutdown()
        await services.close()
    first, answer = stub.delivered[:2]
    assert (first.text, answer.text) == ("wave 1.0", "your answer")
    assert answer.at - first.at < 1 / scale  # it did not wait for wave 1.1's turn


async def test_429_retry_after_pauses_that_chat_only(settings: Settings) -> None:
    """Telegram's flood control is per chat: one chat's 429 holds that chat (its message
    is tried again after retry_after), not the other chats' messages."""
    async with running_stub(BotApiStub(limits=None)) as stub:
        services, application = await telegram_dispatch(settings, stub, 100.0)
        await services.db.run(lambda c: queue_wave(c, chats=3, per_chat=1, now=START))
        # (Not 5 s: the stub closes a connection idle for 5 s, and the retry would race it.)
        stub.fail_calls[1] = (429, "Too Many Requests: retry after 3", {"retry_after": 3})
        started = time.monotonic()
        await services.dispatcher.drain()
        took = time.monotonic() - started
        assert took < 2.0, took  # the other two went at once, not after the 3 s pause
        assert sorted(d.text for d in stub.delivered) == ["wave 2.0", "wave 3.0"]
        services.clock.advance(timedelta(seconds=3))
        await services.dispatcher.drain()
        await application.shutdown()
        await services.close()
    assert sorted(d.text for d in stub.delivered) == ["wave 1.0", "wave 2.0", "wave 3.0"]


def test_a_flood_pauses_one_chat_and_many_chats_pause_the_channel() -> None:
    now = [0.0]
    telegram = Pacer(Limits(per_second=30, per_chat_interval=1.0, group_per_minute=20),
                     monotonic=lambda: now[0])
    telegram.flood("-100123", 20)  # a group's own flood limit
    assert telegram.ready_at("-100123", group=True) == 20.0
    assert telegram.chat_ready_at("-100123", group=True) == 20.0
    assert telegram.ready_at("4242") == 0.0  # another chat goes at once
    now[0] = 0.2
    telegram.flood("501", 3)
    assert telegram.ready_at("4242") == 0.2
    now[0] = 0.4
    telegram.flood("502", 3)  # three chats refused within a second: the channel's limit
    assert telegram.ready_at("4242") == 3.4
    sms = Pacer(Limits(per_second=10), monotonic=lambda: now[0])  # no per-chat limits
    sms.flood("+447700900001", 2)
    assert sms.ready_at("+447700900002") == 2.4


def test_messages_on_their_way_count_until_answered() -> None:
    """Several sends at once: each counts from its start; once answered, from the answer
    less the quickest round trip (when the platform saw it, at the latest)."""
    now = [0.0]
    pacer = Pacer(Limits(per_second=4), monotonic=lambda: now[0])
    tokens = [pacer.start() for _ in range(4)]
    assert pacer.ready_at("e", smooth=False) == math.inf  # only an answer makes room
    now[0] = 0.15
    for n, token in enumerate(tokens):
        pacer.finish(token, f"chat{n}")
    assert pacer.round_trip() == 0.15
    # Seen at 0.0 at the latest (answer 0.15 less the 0.15 round trip): room again at 1.02.
    assert pacer.ready_at("e", smooth=False) == 1.0 + SAFETY_MARGIN_SECONDS
    now[0] = 1.1
    assert pacer.ready_at("e", smooth=False) == 1.1


async def test_sms_is_paced_in_segments(settings: Settings) -> None:
    from bot.channels.sms import SmsSender
    from bot.channels.sms_provider import SendResult
    from bot.dispatch.outbox import Result

    sent_at: list[float] = []

    class Clocked:
        name = "clocked"

        async def send(self, to: str, body: str, status_callback: str | None) -> SendResult:
            sent_at.append(time.monotonic())
            return SendResult(Result.SENT, provider_ref=f"SM{len(sent_at)}")

    settings = settings.model_copy(update={"sms_segments_per_second": 10.0})
    services = build(settings, clock=FakeClock(START))
    services.dispatcher.senders["sms"] = SmsSender(Clocked(), settings)
    two_segments = "Moving a little every day helps. " * 6  # about 200 characters

    def wave(connection: Connection) -> None:
        for n in range(12):
            address = Address("sms", f"+4477009002{n:02d}")
            person = repo.create_person(connection, address, START)
            repo.queue_messages(connection, person_id=person.person_id, to=address,
                                messages=[Outbound(two_segments)], kind="encouragement",
                                priority=5, key_prefix=f"s{n}", now=START)

    await services.db.run(wave)
    await services.dispatcher.drain()
    await services.close()
    assert len(sent_at) == 12
    # 12 texts of 2 segments at 10 segments a second: at least about 1.4 seconds.
    assert sent_at[-1] - sent_at[0] >= 1.3
    window = [t for t in sent_at if t - sent_at[0] < 1.0]
    assert len(window) <= 5


@pytest.mark.parametrize("kind", ["encouragement", "checkin", "relay", "broadcast", "peer"])
async def test_stop_after_the_claim_stops_the_claimed_rows_too(settings: Settings,
                                                                kind: str) -> None:
    # During a wave a worker has already claimed these rows when each person's STOP is
    # handled by the engine: not one may go, whatever kind of message it is. (On Telegram
    # a claim takes each chat's first message; the rest wait behind it, and STOP cancels
    # them where they wait.)
    async with running_stub(BotApiStub(limits=StubLimits())) as stub:
        services, application = await telegram_dispatch(settings, stub, 1.0)
        await services.db.run(lambda c: queue_wave(c, chats=5, per_chat=3, now=START, kind=kind))
        claimed = await services.dispatcher.claim(limit=100)
        assert len(claimed) == 5
        for chat in range(1, 6):
            await services.engine.handle(Address("telegram", str(10_000 + chat)),
                                         Inbound.from_text("STOP"))
        await services.dispatcher.send_all(claimed)
        await services.dispatcher.drain()
        statuses = await services.db.run(lambda c: c.execute(
            select(OutboxMessage.status).where(OutboxMessage.kind == kind)).scalars().all())
        await application.shutdown()
        await services.close()
    assert [d.text for d in stub.delivered if d.text.startswith("wave")] == []
    # Relays STOP leaves for the dispatcher, which suppresses them and tells their writers.
    assert sorted(statuses) == (["suppressed"] * 15 if kind == "relay"
                                else ["cancelled"] * 10 + ["suppressed"] * 5)


def test_a_smaller_text_is_waited_for_when_it_may_go_before_the_head() -> None:
    """A 2-segment text at the head of the lane, 1 segment of the second free only in a few
    milliseconds (an older send ageing out): the lane waits for that moment and sends a
    1-segment text there, not for the head's own room most of a second later (which left
    a segment a second idle: 0.90 of the limit at 10 segments a second)."""
    from bot.core.events import Outbound as Body
    from bot.dispatch import turns
    from bot.dispatch.message import Outgoing

    now = [0.0]
    pacer = Pacer(Limits(per_second=10, margin=0.005), monotonic=lambda: now[0])
    pacer.record("old", cost=1)  # seen at 0.0: ages out at 1.005
    now[0] = 0.5
    for _ in range(3):
        pacer.record("a", cost=2)
    pacer.record("b", cost=2)
    pacer.record("c", cost=1)  # 10 of 10 segments in the last second
    now[0] = 1.0

    def text(row: int, segments: int) -> Outgoing:
        return Outgoing(id=row, person_id=row, channel="sms", address=f"+44770090{row:04d}",
                        kind="reply", priority=0, message=Body("x" * (160 * segments - 10)),
                        attempts=0, idempotency_key=f"k{row}")

    head, small = text(1, 2), text(2, 1)
    queues = {head.to: [head], small.to: [small]}
    cost = {1: 2.0, 2: 1.0}.__getitem__
    assert pacer.ready_at(head.address, 2, smooth=False) == pytest.approx(1.505)
    pick, at = turns.filler({"sms": pacer}, queues, head, lambda item: cost(item.id), {},
                            set(), now[0])
    assert pick is None and at == pytest.approx(1.005)  # the place frees then, not at 1.505
    now[0] = 1.006
    pick, at = turns.filler({"sms": pacer}, queues, head, lambda item: cost(item.id), {},
                            set(), now[0])
    assert pick == (small.to, small)
