"""Messages to one person arrive in order: a retry holds back what follows it to that
address, several workers never split an address's messages, and the parts of one reply go
one after another.

The faults this guards against (issue 13's break-test): after one transient failure
(Telegram 429/5xx, Twilio 500/429/503) the message was queued again for later and the same
chat's next message went first (also part 2 of a 2-part relay after the next message);
with two dispatchers on PostgreSQL, 13 of 60 chats got their three relays out of order."""

from __future__ import annotations

import asyncio
import contextlib
import random
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, insert, select, update

from bot.app import build
from bot.channels.telegram import TelegramSender, build_application
from bot.channels.telegram_request import RetryingRequest
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.events import Address, Inbound, Outbound
from bot.dispatch.notify import requeue_elsewhere
from bot.dispatch.outbox import Outcome, Outgoing, Result
from bot.storage import repository as repo
from bot.storage.models import Identity, OutboxMessage
from support.bot_api_stub import BotApiStub, running_stub
from support.engine import START
from support.peers import PeerWorld
from support.sms_peers import bodies, sms_chat
from support.twilio_stub import TwilioStub

RESIDENT, SUPPORTER = Address("telegram", "7301"), Address("telegram", "7302")
ANN = Address("sms", "+447700900160")
SAM = Address("telegram", "626262")
LONG = ("I went round the lake this morning and it was lovely, the herons were out. " * 5
        ).strip()


def queue(connection: Connection, to: Address, texts: list[str], *, priority: int = 0,
          kind: str = "relay", due_in: timedelta = timedelta(0)) -> list[int]:
    stored = repo.load(connection, to, lock=False)
    person_id = stored.person_id if stored else repo.create_person(connection, to,
                                                                    START).person_id
    return repo.queue_messages(connection, person_id=person_id, to=to,
                               messages=[Outbound(text) for text in texts], kind=kind,
                               priority=priority, key_prefix=f"{to.address}:{texts[0]}",
                               now=START, due_at=START + due_in)


async def statuses(services: Any) -> dict[int, str]:
    return dict(await services.db.run(lambda c: c.execute(
        select(OutboxMessage.id, OutboxMessage.status)).all()))


class Recording:
    """A sender that notes what it was given and answers as told (SENT by default)."""

    def __init__(self, channel: str, answers: dict[str, list[Result]] | None = None,
                 latency: float = 0.0) -> None:
        self.channel = channel
        self.answers = answers or {}
        self.latency = latency
        self.sent: list[tuple[str, str]] = []  # (address, text) that really went
        self.on_their_way: dict[str, int] = {}
        self.most_at_once_to_one = 0
        self.most_at_once = 0

    async def send(self, item: Outgoing) -> Outcome:
        text = item.message.text or ""
        self.on_their_way[item.address] = self.on_their_way.get(item.address, 0) + 1
        self.most_at_once_to_one = max(self.most_at_once_to_one,
                                       self.on_their_way[item.address])
        self.most_at_once = max(self.most_at_once, sum(self.on_their_way.values()))
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            planned = self.answers.get(text)
            if planned:
                result = planned.pop(0)
                if result is not Result.SENT:
                    return Outcome(result, error="scripted")
            self.sent.append((item.address, text))
            return Outcome(Result.SENT, provider_ref=f"ref{item.id}")
        finally:
            self.on_their_way[item.address] -= 1


# -- one worker: a retry holds back what follows it ------------------------------------------
@pytest.mark.parametrize("failure", [
    (429, "Too Many Requests: retry after 3", {"retry_after": 3}),
    (502, "Bad Gateway", {}), (500, "Internal Server Error", {})], ids=["429", "502", "500"])
async def test_a_retry_holds_back_what_follows_it_to_that_chat(
        settings: Settings, failure: tuple[int, str, dict[str, int]]) -> None:
    async with running_stub(BotApiStub(limits=None)) as stub:
        settings = settings.model_copy(update={"telegram_bot_token": "1:stub",
                                               "telegram_api_base_url": stub.base_url})
        services = build(settings, clock=FakeClock(START))
        application = build_application(settings, polling=False,
                                        request=RetryingRequest(first_wait=0.01, max_wait=0.02))
        await application.initialize()
        services.dispatcher.senders["telegram"] = TelegramSender(application, services.content)
        ids = await services.db.run(lambda c: queue(c, Address("telegram", "501"),
                                                    ["one", "two", "three"]))
        await services.db.run(lambda c: queue(c, Address("telegram", "502"), ["other"]))
        status, description, parameters = failure
        stub.fail_next(501, status, description, **parameters)
        await services.dispatcher.drain()
        # The other chat's message went; this chat's first waits for its retry, and the
        # two behind it wait for it (queued, untried), not sent ahead of it.
        assert [(d.chat_id, d.text) for d in stub.delivered] == [(502, "other")]
        found = await statuses(services)
        assert [found[i] for i in ids] == ["queued", "queued", "queued"]
        for _ in range(20):
            services.clock.advance(timedelta(seconds=10))
            await services.dispatcher.drain()
        await application.shutdown()
        await services.close()
    assert [d.text for d in stub.delivered if d.chat_id == 501] == ["one", "two", "three"]


async def test_two_relays_keep_their_order_across_a_telegram_retry(settings: Settings) -> None:
    """End to end: Ann writes twice in a peer chat; Telegram answers the first relay to
    Sue with 429; Sue gets them in the order Ann wrote them."""
    clock = FakeClock(START)
    async with running_stub(BotApiStub(limits=None)) as stub:
        settings = settings.model_copy(update={"telegram_bot_token": "1:stub",
                                               "telegram_api_base_url": stub.base_url})
        services = build(settings, clock=clock, paced=False)
        application = build_application(settings, polling=False,
                                        request=RetryingRequest(first_wait=0.01, max_wait=0.02))
        await application.initialize()
        services.dispatcher.senders["telegram"] = TelegramSender(application, services.content)
        world = PeerWorld(services, {}, clock)
        await world.supporter(SUPPORTER, "Sue")
        await world.resident(RESIDENT, "Ann")
        await world.asks_for_buddy(RESIDENT)
        await world.connected(RESIDENT, SUPPORTER)
        stub.delivered.clear()
        stub.fail_next(7302, 429, "Too Many Requests: retry after 3", retry_after=3)
        for text in ("First: running late", "Second: at the north gate now"):
            clock.advance(timedelta(seconds=1))
            await services.engine.handle(RESIDENT, Inbound.from_text(text))
        await services.dispatcher.drain()
        for _ in range(5):
            clock.advance(timedelta(seconds=10))
            await services.dispatcher.drain()
        got = [d.text for d in stub.delivered if d.chat_id == 7302]
        await application.shutdown()
        await services.close()
    assert got == ["Ann: First: running late", "Ann: Second: at the north gate now"]


@pytest.mark.parametrize("script", [
    [("error", 500, 20500)], [("error", 429, 20429)], [("delay", 0, 0), ("error", 503, 20503)]],
    ids=["500_first", "429_first", "503_on_part_2"])
async def test_texts_to_one_number_keep_their_order_across_a_twilio_failure(
        settings: Settings, stub: TwilioStub, script: list[tuple[str, float, int]]) -> None:
    """Signed webhooks in, the twilio library out: Twilio refuses the first text (or the
    second part of a 2-part relay) once; Ann still gets everything in order."""
    two_parts = len(script) == 2
    async with sms_chat(settings, stub, ANN, SAM) as (w, _sms):
        before = len(stub.sent)
        stub.script = list(script)
        w.clock.advance(timedelta(seconds=5))
        await w.services.engine.handle(SAM, Inbound.from_text(LONG if two_parts
                                                              else "First message"))
        w.clock.advance(timedelta(seconds=5))
        await w.services.engine.handle(SAM, Inbound.from_text("Second message"))
        await w.delivered()
        for _ in range(6):
            w.clock.advance(timedelta(seconds=30))
            await w.delivered()
        got = bodies(stub, ANN.address, before)
    if two_parts:
        assert len(got) == 3 and got[0].startswith("Sam: I went round") and "(1/2)" in got[0]
        assert "(2/2)" in got[1] and got[2] == "Sam: Second message", got
    else:
        assert got == ["Sam: First message", "Sam: Second message"]


async def test_help_by_sms_arrives_in_order_when_a_text_fails(settings: Settings,
                                                             stub: TwilioStub) -> None:
    """`help` by SMS is three texts, (1/2), (2/2) and one more: Twilio refusing the second
    once does not let the third overtake it."""
    async with sms_chat(settings, stub, ANN, SAM) as (w, sms):
        before = len(stub.sent)
        await sms.text(ANN.address, "help")
        expected = bodies(stub, ANN.address, before)
        assert len(expected) >= 2
        before = len(stub.sent)
        stub.script = [("delay", 0, 0), ("error", 500, 20500)]
        await sms.text(ANN.address, "help")
        for _ in range(6):
            w.clock.advance(timedelta(seconds=30))
            await w.delivered()
        got = bodies(stub, ANN.address, before)
    assert got == expected


async def test_a_planned_message_not_yet_due_holds_nothing_back(settings: Settings) -> None:
    """Only messages that are due, on their way or being retried hold a line: tomorrow's
    planned message (queued first) does not keep today's reply waiting, and a reply may go
    ahead of a planned message that has not started."""
    services = build(settings, clock=FakeClock(START))
    sender = Recording("telegram")
    services.dispatcher.senders["telegram"] = sender
    to = Address("telegram", "601")
    await services.db.run(lambda c: queue(c, to, ["tomorrow"], priority=5,
                                          due_in=timedelta(days=1)))
    await services.db.run(lambda c: queue(c, to, ["planned now"], priority=5))
    await services.db.run(lambda c: queue(c, to, ["your answer"], priority=0))
    await services.dispatcher.drain()
    await services.close()
    assert [text for _, text in sender.sent] == ["your answer", "planned now"]


async def test_a_claim_takes_an_sms_reply_in_several_texts_together(settings: Settings) -> None:
    """On SMS (no per-chat limit) a claim takes the texts queued behind an address's first
    one with it, so a reply in three texts goes as one run; on Telegram only each chat's
    first (the rest would wait a second each)."""
    services = build(settings, clock=FakeClock(START))
    services.dispatcher.senders.update(sms=Recording("sms"), telegram=Recording("telegram"))
    for channel, address in (("sms", "+447700900301"), ("telegram", "301")):
        await services.db.run(lambda c, channel=channel, address=address: queue(
            c, Address(channel, address), ["(1/2)", "(2/2)", "third"]))
    sms = await services.dispatcher.claim(channels=["sms"])
    telegram = await services.dispatcher.claim(channels=["telegram"])
    await services.close()
    assert [item.message.text for item in sms] == ["(1/2)", "(2/2)", "third"]
    assert [item.message.text for item in telegram] == ["(1/2)"]


async def test_a_message_marked_behind_an_earlier_one_goes_back_to_the_queue(
        settings: Settings) -> None:
    """The last word is where a row is marked sending: a claimed row with an earlier one to
    its address still to go (a reply queued ahead of it, or a retry) is not sent then; it
    goes back to the queue, untried, and follows."""
    services = build(settings, clock=FakeClock(START))
    sender = Recording("telegram")
    services.dispatcher.senders["telegram"] = sender
    to = Address("telegram", "701")
    [planned] = await services.db.run(lambda c: queue(c, to, ["planned"], priority=5))
    claimed = await services.dispatcher.claim(channels=["telegram"])
    assert [item.id for item in claimed] == [planned]
    await services.db.run(lambda c: queue(c, to, ["your answer"], priority=0))
    await services.dispatcher.send_all(claimed)
    assert sender.sent == []
    found = await statuses(services)
    assert found[planned] == "queued"
    await services.dispatcher.drain()
    await services.close()
    assert [text for _, text in sender.sent] == ["your answer", "planned"]


# -- several at once: never two to one address, order kept, recorded before sent ----------------
async def test_several_on_their_way_never_two_to_one_address(settings: Settings) -> None:
    """A slow provider (150 ms): the lane has several texts on their way, to different
    numbers, never two to one number; each number's texts arrive in order, and every one
    is recorded as sending before it is handed over."""
    settings = settings.model_copy(update={"sms_segments_per_second": 40.0})
    services = build(settings, clock=FakeClock(START))
    states: list[str] = []

    class Checked(Recording):
        async def send(self, item: Outgoing) -> Outcome:
            states.append(await services.db.run(lambda c: c.scalar(
                select(OutboxMessage.status).where(OutboxMessage.id == item.id))))
            return await super().send(item)

    sender = Checked("sms", latency=0.15)
    services.dispatcher.senders["sms"] = sender
    numbers = [f"+4477009005{n:02d}" for n in range(12)]
    for number in numbers:
        await services.db.run(lambda c, number=number: queue(
            c, Address("sms", number), [f"{number} {n}" for n in range(4)]))
    await services.dispatcher.drain()
    await services.close()
    assert sender.most_at_once_to_one == 1
    assert sender.most_at_once > 1
    assert states == ["sending"] * 48
    for number in numbers:
        assert [t for a, t in sender.sent if a == number] == [f"{number} {n}" for n in range(4)]


async def test_a_slow_provider_still_gets_the_sms_rate(settings: Settings) -> None:
    """One text at a time, a 150 ms round trip held the SMS lane at 0.63 of its limit (and
    300 ms at 0.33); with several on their way it keeps up (bench/dispatch.py measures how
    close), never more than the rate in any second as the provider sees it."""
    settings = settings.model_copy(update={"sms_segments_per_second": 10.0})
    services = build(settings, clock=FakeClock(START))
    arrived: list[float] = []
    loop = asyncio.get_running_loop()

    class Slow(Recording):
        async def send(self, item: Outgoing) -> Outcome:
            arrived.append(loop.time())
            return await super().send(item)

    services.dispatcher.senders["sms"] = Slow("sms", latency=0.3)
    for n in range(50):
        await services.db.run(lambda c, n=n: queue(c, Address("sms", f"+4477009006{n:02d}"),
                                                   [f"hello {n}"]))
    await services.dispatcher.drain()
    await services.close()
    assert len(arrived) == 50
    # 50 texts at 10 a second: the first second's ten at once, then ten a second. One at a
    # time, 300 ms each, took 15 s.
    assert arrived[-1] - arrived[0] < 6.5, arrived[-1] - arrived[0]
    for start in arrived:
        assert sum(1 for at in arrived if start <= at < start + 1.0) <= 10


async def test_stop_while_texts_are_claimed_and_some_are_on_their_way(
        settings: Settings) -> None:
    """Issue 11 item 3, with several on their way: each person's first text is with the
    provider (held there) and two more are claimed behind it when their STOP is handled;
    after the STOP confirmation, nothing else of theirs goes."""
    settings = settings.model_copy(update={"sms_segments_per_second": 10.0})
    services = build(settings, clock=FakeClock(START))
    release = asyncio.Event()
    sent: list[tuple[str, str]] = []

    class Blocking:
        channel = "sms"

        async def send(self, item: Outgoing) -> Outcome:
            text = item.message.text or ""
            if text.startswith("warm"):
                await asyncio.sleep(0.3)  # the provider's usual round trip
            elif text.endswith(" 0"):
                await release.wait()
            sent.append((item.address, text))
            return Outcome(Result.SENT, provider_ref=f"ref{item.id}")

    services.dispatcher.senders["sms"] = Blocking()
    for n in range(10):
        await services.db.run(lambda c, n=n: queue(c, Address("sms", f"+4477009008{n:02d}"),
                                                   [f"warm {n}"]))
    await services.dispatcher.drain()  # the lane learns the round trip: 5 at once at 10/s
    people = [Address("sms", f"+4477009007{n:02d}") for n in range(5)]
    for to in people:
        await services.db.run(lambda c, to=to: queue(
            c, to, [f"wave {to.address} {n}" for n in range(3)], priority=5,
            kind="encouragement"))
    drain = asyncio.create_task(services.dispatcher.drain())
    for _ in range(1000):
        found = await services.db.run(lambda c: c.execute(
            select(OutboxMessage.status).where(OutboxMessage.kind == "encouragement")
        ).scalars().all())
        if found.count("sending") == 5 and found.count("claimed") == 10:
            break
        await asyncio.sleep(0.01)
    assert found.count("sending") == 5 and found.count("claimed") == 10, found
    for to in people:
        await services.engine.handle(to, Inbound.from_text("STOP"))
    stopped_at = len(sent)
    release.set()
    await drain
    await services.dispatcher.drain()
    found = await services.db.run(lambda c: c.execute(
        select(OutboxMessage.status).where(OutboxMessage.kind == "encouragement")
    ).scalars().all())
    await services.close()
    assert stopped_at == 10  # the warm-up only
    wave = [text for _, text in sent if text.startswith("wave")]
    # Only the five already handed to the provider before STOP.
    assert sorted(wave) == sorted(f"wave {to.address} 0" for to in people)
    assert sorted(found) == ["sent"] * 5 + ["suppressed"] * 10


# -- stopping half way (a deploy, Ctrl-C) -----------------------------------------------------
async def test_a_lane_stopped_half_way_puts_back_what_it_held(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The service stops while two texts are with the provider and four are claimed behind
    them: the answer that comes within the grace is recorded, the one that never comes is
    left `sending` (unknown at the next start, never resent blindly), and the four go back
    to the queue untried; the next start sends them, each number's in order, none twice."""
    monkeypatch.setattr("bot.dispatch.lane.STOP_GRACE_SECONDS", 1.0)
    settings = settings.model_copy(update={"sms_segments_per_second": 10.0})
    services = build(settings, clock=FakeClock(START))
    never = asyncio.Event()

    class Stalling(Recording):
        async def send(self, item: Outgoing) -> Outcome:
            text = item.message.text or ""
            if text.startswith("warm"):
                await asyncio.sleep(0.3)  # the provider's usual round trip
            elif text == "A 1":
                await asyncio.sleep(0.4)  # answered after the stop, within the grace
            elif text == "B 1" and not never.is_set():
                await asyncio.Event().wait()  # never answered
            return await super().send(item)

    sender = Stalling("sms")
    services.dispatcher.senders["sms"] = sender
    for n in range(3):  # the lane learns the round trip: several may be on their way
        await services.db.run(lambda c, n=n: queue(c, Address("sms", f"+4477009009{n:02d}"),
                                                   [f"warm {n}"]))
    await services.dispatcher.drain()
    ids = {}
    for name in "AB":
        to = Address("sms", f"+44770090099{ord(name) - 60}")
        found = await services.db.run(lambda c, to=to, name=name: queue(
            c, to, [f"{name} {n}" for n in (1, 2, 3)]))
        ids.update({f"{name} {n}": row for n, row in zip((1, 2, 3), found, strict=True)})
    drain = asyncio.create_task(services.dispatcher.drain())
    for _ in range(500):
        found = await statuses(services)
        if [found[ids[t]] for t in ("A 1", "B 1")] == ["sending"] * 2:
            break
        await asyncio.sleep(0.01)
    assert [found[ids[t]] for t in ("A 1", "B 1")] == ["sending"] * 2
    assert {found[ids[t]] for t in ("A 2", "A 3", "B 2", "B 3")} == {"claimed"}
    drain.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await drain
    found = await statuses(services)
    attempts = dict(await services.db.run(lambda c: c.execute(
        select(OutboxMessage.id, OutboxMessage.attempts)).all()))
    assert found[ids["A 1"]] == "sent" and found[ids["B 1"]] == "sending"
    assert [(found[ids[t]], attempts[ids[t]]) for t in ("A 2", "A 3", "B 2", "B 3")] == \
        [("queued", 0)] * 4
    assert await services.dispatcher.recover_abandoned(older_than=timedelta(0)) == (0, 1)
    never.set()
    await services.dispatcher.drain()
    found = await statuses(services)
    await services.close()
    assert found[ids["B 1"]] == "unknown"
    mine = [text for _, text in sender.sent if not text.startswith("warm")]
    assert [t for t in mine if t.startswith("A")] == ["A 1", "A 2", "A 3"]
    assert [t for t in mine if t.startswith("B")] == ["B 2", "B 3"]


async def test_a_text_marked_sending_when_the_lane_stopped_goes_back_untried(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stop comes while the transaction marking a text `sending` is under way: the
    transaction ends (on SQLite it is a thread, which can't be stopped half way), the text
    is not handed over, and it goes back to the queue with its attempt not counted."""
    services = build(settings, clock=FakeClock(START))
    sender = Recording("sms")
    services.dispatcher.senders["sms"] = sender
    marking = asyncio.Event()
    original = services.dispatcher.record_then_mark

    async def slow(*args: Any) -> Any:
        marks = await original(*args)
        if args[2]:  # committed: the lane is stopped before it hears back
            marking.set()
            await asyncio.sleep(0.3)
        return marks

    monkeypatch.setattr(services.dispatcher, "record_then_mark", slow)
    to = Address("sms", "+447700900990")
    [row] = await services.db.run(lambda c: queue(c, to, ["hello"]))
    drain = asyncio.create_task(services.dispatcher.drain())
    await marking.wait()
    drain.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await drain
    state = await services.db.run(lambda c: c.execute(
        select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.claimed_by)
        .where(OutboxMessage.id == row)).one())
    assert tuple(state) == ("queued", 0, None) and sender.sent == []
    monkeypatch.setattr(services.dispatcher, "record_then_mark", original)
    await services.dispatcher.drain()
    await services.close()
    assert sender.sent == [(to.address, "hello")]


# -- several workers (PostgreSQL) ------------------------------------------------------------
@pytest.mark.parametrize("channel", ["telegram", "sms"])
async def test_two_dispatchers_keep_each_addresses_order(settings: Settings,
                                                        channel: str) -> None:
    """DISPATCH_WORKERS=2 on PostgreSQL (SKIP LOCKED claims): 60 addresses, three messages
    each, two dispatchers draining at once, with random provider delays and about one send
    in six answered "try again later". Every address gets A, B, C in that order, each once."""
    if "postgres" not in settings.database_url:
        pytest.skip("several workers need PostgreSQL")
    rng = random.Random(13)
    log: list[tuple[str, str]] = []

    class Flaky:
        def __init__(self) -> None:
            self.channel = channel

        async def send(self, item: Outgoing) -> Outcome:
            await asyncio.sleep(rng.uniform(0.0, 0.03))
            if rng.random() < 0.16:
                return Outcome(Result.RETRY, error="scripted", retry_after=0.5)
            log.append((item.address, item.message.text or ""))
            return Outcome(Result.SENT, provider_ref=f"ref{item.id}")

    clock = FakeClock(START)
    shared = settings.model_copy(update={"dispatch_workers": 2,
                                         "telegram_chat_interval_seconds": 0.05})
    one = build(shared.model_copy(update={"worker_id": "w1"}), clock=clock)
    two = build(shared.model_copy(update={"worker_id": "w2"}), clock=clock)
    one.dispatcher.senders[channel] = Flaky()
    two.dispatcher.senders[channel] = Flaky()
    addresses = [Address(channel, f"+4477009008{n:02d}" if channel == "sms" else str(5000 + n))
                 for n in range(60)]

    def queue_all(connection: Connection) -> None:
        for to in addresses:
            for part in "ABC":  # three separate messages, queued one after another
                queue(connection, to, [part])

    await one.db.run(queue_all)
    for _ in range(40):
        await asyncio.gather(one.dispatcher.drain(), two.dispatcher.drain())
        left = await one.db.run(lambda c: c.execute(select(OutboxMessage.status).where(
            OutboxMessage.status != "sent")).scalars().all())
        if not left:
            break
        clock.advance(timedelta(minutes=11))
    await one.close()
    await two.close()
    assert left == []
    by_address: dict[str, list[str]] = {}
    for address, text in log:
        by_address.setdefault(address, []).append(text)
    out_of_order = {a: texts for a, texts in by_address.items() if texts != ["A", "B", "C"]}
    assert out_of_order == {} and len(by_address) == 60


# -- someone unreachable on one channel -------------------------------------------------------
async def test_a_refused_message_can_go_to_the_persons_other_identity(
        settings: Settings) -> None:
    """`requeue_elsewhere`, for an undelivered hook (peer support's, for relays): Telegram
    says Sue blocked the bot, and she also has a phone joined: the message is queued to
    it, and goes (the refused row keeps no copy of the words); Bob, unreachable with no
    other identity, and Cy, whose message itself failed, get nothing queued elsewhere
    (their writers are told instead)."""
    services = build(settings, clock=FakeClock(START))
    sms = Recording("sms")
    telegram = Recording("telegram", {"hello": [Result.UNREACHABLE], "bad": [Result.FAILED]})
    services.dispatcher.senders.update(sms=sms, telegram=telegram)
    moved: list[int | None] = []

    def hook(connection: Connection, item: Outgoing, now: Any) -> bool:
        moved.append(requeue_elsewhere(connection, item, now))
        return moved[-1] is not None

    services.dispatcher.after_undelivered = (hook,)
    sue, bob = Address("telegram", "801"), Address("telegram", "802")

    def setup(connection: Connection) -> None:
        queue(connection, sue, ["hello"], kind="relay")
        person = repo.load(connection, sue, lock=False)
        assert person is not None
        connection.execute(insert(Identity).values(
            person_id=person.person_id, channel="sms", address="+447700900222",
            created_at=START, last_inbound_at=START - timedelta(days=1)))
        queue(connection, bob, ["hello"], kind="relay")
        connection.execute(update(Identity).where(Identity.address == "802")
                           .values(unreachable_at=START))
        cy = queue(connection, Address("telegram", "803"), ["bad"], kind="relay")
        person = repo.load(connection, Address("telegram", "803"), lock=False)
        assert person is not None and cy
        connection.execute(insert(Identity).values(
            person_id=person.person_id, channel="sms", address="+447700900223",
            created_at=START, last_inbound_at=START))

    await services.db.run(setup)
    await services.dispatcher.drain()
    await services.dispatcher.drain()  # the SMS lane may have looked before it was queued
    refused = await services.db.run(lambda c: c.execute(
        select(OutboxMessage.payload, OutboxMessage.status)
        .where(OutboxMessage.address == "801")).one())
    await services.close()
    assert sms.sent == [("+447700900222", "hello")]
    assert refused == ({"text": ""}, "failed")
    assert len(moved) == 3 and moved.count(None) == 2  # Bob has nowhere else; Cy's failed
