"""One lane per channel: a paced wave on one channel never delays a reply on another.

The fault this guards against: a Telegram "hi" sent just after 60 inbound texts was answered
after 20 s, because one pacing loop served every channel and the texts' answers, queued
first, went first at 10 segments a second."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import Connection, select

from bot.app import build
from bot.channels.sms import SmsSender
from bot.channels.sms_provider import SendResult
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.events import Address, Outbound
from bot.dispatch.loop import DispatchLoop
from bot.dispatch.outbox import Outcome, Outgoing, Result
from bot.storage import repository as repo
from bot.storage.models import OutboxMessage
from support.engine import START

SEGMENTS_PER_SECOND = 4.0
TEXTS = 12  # one segment each: three seconds of SMS at 4 segments a second
JITTER_SECONDS = 0.05  # how late a loaded machine may call the provider (assert_sms_paced)


class ClockedSms:
    """An SMS provider that notes when each text was handed to it."""

    name = "clocked"

    def __init__(self) -> None:
        self.sent: list[tuple[float, str]] = []

    async def send(self, to: str, body: str, status_callback: str | None) -> SendResult:
        self.sent.append((time.monotonic(), body))
        return SendResult(Result.SENT, provider_ref=f"SM{len(self.sent)}")


class ClockedTelegram:
    channel = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[float, str]] = []

    async def send(self, item: Outgoing) -> Outcome:
        self.sent.append((time.monotonic(), item.message.text or ""))
        return Outcome(Result.SENT, provider_ref=str(item.id))


def services_with_both(settings: Settings):  # type: ignore[no-untyped-def]
    settings = settings.model_copy(update={"sms_segments_per_second": SEGMENTS_PER_SECOND})
    services = build(settings, clock=FakeClock(START))
    sms, telegram = ClockedSms(), ClockedTelegram()
    services.dispatcher.senders["sms"] = SmsSender(sms, settings)
    services.dispatcher.senders["telegram"] = telegram
    return services, sms, telegram


def queue_sms_replies(connection: Connection) -> None:
    """Answers to a burst of inbound texts: replies (priority 0), like the one below."""
    for n in range(TEXTS):
        address = Address("sms", f"+4477009003{n:02d}")
        person = repo.create_person(connection, address, START)
        repo.queue_messages(connection, person_id=person.person_id, to=address,
                            messages=[Outbound(f"answer {n}")], kind="reply", priority=0,
                            key_prefix=f"sms{n}", now=START)


def queue_telegram_reply(connection: Connection) -> None:
    address = Address("telegram", "4242")
    person = repo.create_person(connection, address, START)
    repo.queue_messages(connection, person_id=person.person_id, to=address,
                        messages=[Outbound("hi there")], kind="reply", priority=0,
                        key_prefix="tg", now=START)


def assert_sms_paced(sms: ClockedSms) -> None:
    times = [at for at, _ in sms.sent]
    assert sorted(body for _, body in sms.sent) == sorted(f"answer {n}" for n in range(TEXTS))
    # Never more than the sender's segments in any second. The times are taken where the
    # provider is called, after the lane let each text go: on a loaded machine one text can
    # reach it some milliseconds late, so a window is counted short by that much (the
    # lane keeps only 5 ms clear of a window's edge for SMS, which Twilio queues, not
    # refuses). 12 texts at 4 a second still take their three seconds (checked by callers).
    for start in times:
        assert sum(1 for at in times if start <= at < start + 1.0 - JITTER_SECONDS) \
            <= SEGMENTS_PER_SECOND


async def test_a_telegram_reply_is_not_held_behind_a_burst_of_sms_answers(
        settings: Settings) -> None:
    """The service's loop: the texts' answers are draining at the SMS rate when the
    Telegram reply is queued; it goes at once, and the texts keep their pace."""
    services, sms, telegram = services_with_both(settings)
    loop = DispatchLoop(services.dispatcher, idle_interval=0.05)
    loop.start()
    try:
        await services.db.run(queue_sms_replies)
        loop.wake()
        while len(sms.sent) < 2:  # noqa: ASYNC110 - the SMS lane is pacing by now
            await asyncio.sleep(0.01)
        queued_at = time.monotonic()
        await services.db.run(queue_telegram_reply)
        loop.wake()  # what the engine's on_queued does
        while not telegram.sent:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        texts_by_then = len(sms.sent)
        for _ in range(500):  # until every result is recorded (the last one too)
            statuses = await services.db.run(lambda c: c.execute(
                select(OutboxMessage.channel, OutboxMessage.status)).all())
            if {status for _, status in statuses} == {"sent"}:
                break
            await asyncio.sleep(0.02)
    finally:
        await loop.stop()
        await services.close()
    assert telegram.sent[0][0] - queued_at < 0.5  # not after the texts (about 2.5 s more)
    assert texts_by_then < TEXTS - 4  # the SMS wave was still draining
    assert_sms_paced(sms)
    assert {status for _, status in statuses} == {"sent"} and len(statuses) == TEXTS + 1


async def test_drain_sends_each_channel_in_its_own_lane(settings: Settings) -> None:
    """`drain` too: a Telegram reply queued after the texts' answers does not wait for
    them, though one claim across channels would put it last."""
    services, sms, telegram = services_with_both(settings)
    await services.db.run(queue_sms_replies)
    await services.db.run(queue_telegram_reply)
    started = time.monotonic()
    sent = await services.dispatcher.drain()
    await services.close()
    assert sent == TEXTS + 1
    assert telegram.sent[0][0] - started < 0.5
    assert sms.sent[-1][0] - started > 2.0  # 12 segments at 4 a second
    assert_sms_paced(sms)


async def test_a_lane_claims_only_its_own_channel(settings: Settings) -> None:
    """Each lane takes its own channel's rows (on PostgreSQL with SKIP LOCKED, as ever);
    the other channel's stay queued for its lane."""
    services, _sms, _telegram = services_with_both(settings)
    await services.db.run(queue_sms_replies)
    await services.db.run(queue_telegram_reply)
    claimed = await services.dispatcher.claim(channels=["telegram"])
    assert [item.channel for item in claimed] == ["telegram"]
    claimed = await services.dispatcher.claim(channels=["sms"])
    # About a second's worth of the SMS lane's own rate, not the fastest channel's.
    assert {item.channel for item in claimed} == {"sms"}
    assert len(claimed) == int(SEGMENTS_PER_SECOND)
    statuses = await services.db.run(lambda c: c.execute(
        select(OutboxMessage.channel, OutboxMessage.status)).all())
    await services.close()
    assert sorted(statuses).count(("sms", "queued")) == TEXTS - int(SEGMENTS_PER_SECOND)
    assert ("telegram", "claimed") in statuses


async def test_texts_of_different_sizes_use_the_whole_sms_rate(settings: Settings) -> None:
    """Texts of 1 and 2 segments alternately at 10 segments a second: when one segment is
    free and the next text needs two, a 1-segment text goes in the free place (smoothing
    and waiting there left a tenth of the rate unused). Never over 10 in any second."""
    from bot.dispatch.limits import Limits
    from bot.dispatch.outbox import Dispatcher

    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    sent: list[tuple[float, int]] = []

    class Counted:
        name = "counted"

        async def send(self, to: str, body: str, status_callback: str | None) -> SendResult:
            from bot.core.gsm7 import measure

            sent.append((now[0], measure(body).segments))
            now[0] += 0.003  # the provider's answer takes a moment
            return SendResult(Result.SENT, provider_ref=f"SM{len(sent)}")

    services = build(settings, clock=FakeClock(START))
    dispatcher = Dispatcher(services.db, services.clock,
                            {"sms": SmsSender(Counted(), settings)},
                            limits={"sms": Limits(10.0)}, monotonic=lambda: now[0], sleep=sleep)
    short = "Fancy a short walk today? Even ten minutes counts."
    long = short * 3 + " Reply with a time that suits you."

    def wave(connection: Connection) -> None:
        for n in range(80):  # 120 segments: twelve seconds at the full rate
            address = Address("sms", f"+4477009004{n:02d}")
            person = repo.create_person(connection, address, START)
            repo.queue_messages(connection, person_id=person.person_id, to=address,
                                messages=[Outbound(long if n % 2 else short)],
                                kind="encouragement", priority=5, key_prefix=f"m{n}", now=START)

    await services.db.run(wave)
    assert await dispatcher.drain() == 80
    await services.close()
    assert sum(segments for _, segments in sent) == 120
    for start, _ in sent:
        assert sum(s for at, s in sent if start <= at < start + 1.0) <= 10
    # A second's allowance goes at once, so by the start of the twelfth second (11 x 1.02 s
    # windows) 120 segments are out at the full rate; a tenth unused would need 13.
    reached = next(at for n, (at, _) in enumerate(sent)
                   if sum(s for _, s in sent[:n + 1]) >= 120)
    assert reached <= 11 * 1.02 + 0.2, reached


async def test_each_paced_channel_is_a_lane_and_the_unpaced_share_one(
        settings: Settings) -> None:
    """Unpaced channels (the terminal chat, printing tests) wait for nothing, so they share
    one lane and keep one order across channels; a paced channel has a lane of its own."""
    services, _sms, _telegram = services_with_both(settings)
    services.dispatcher.senders["console"] = ClockedTelegram()
    assert services.dispatcher.lanes() == [("sms",), ("telegram",), ("console",)]
    await services.close()
    unpaced = build(settings, clock=FakeClock(START), paced=False)
    unpaced.dispatcher.senders.update(sms=ClockedTelegram(), telegram=ClockedTelegram())
    assert unpaced.dispatcher.lanes() == [("sms", "telegram")]
    await unpaced.close()


async def test_a_groups_429_does_not_hold_a_private_reply(settings: Settings) -> None:
    """Telegram's flood limits are per chat: a group's 429 with retry_after 20 pauses that
    group, not a private reply to someone else queued just after it (it waited 19.7 s when
    the pause was channel-wide)."""

    class GroupFloods(ClockedTelegram):
        flooded = False

        async def send(self, item: Outgoing) -> Outcome:
            if item.address.startswith("-") and not self.flooded:
                self.flooded = True
                return Outcome(Result.RETRY, error="telegram_429", retry_after=20.0)
            return await super().send(item)

    services = build(settings, clock=FakeClock(START))
    telegram = GroupFloods()
    services.dispatcher.senders["telegram"] = telegram
    loop = DispatchLoop(services.dispatcher, idle_interval=0.05)
    loop.start()
    try:
        await services.db.run(lambda c: repo.queue_messages(
            c, person_id=None, to=Address("telegram", "-100123"),
            messages=[Outbound("Walk moved to 11")], kind="group", priority=1, key_prefix="g",
            now=START))
        loop.wake()
        while not telegram.flooded:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        queued_at = time.monotonic()
        await services.db.run(queue_telegram_reply)
        loop.wake()
        for _ in range(300):
            if telegram.sent:
                break
            await asyncio.sleep(0.01)
    finally:
        await loop.stop()
        await services.close()
    assert [text for _, text in telegram.sent] == ["hi there"]
    assert telegram.sent[0][0] - queued_at < 1.0
