"""Sending one lane's claimed messages: each address's queue in its order, one message at a
time to an address, several addresses at once, as fast as the channel's limits allow.

A round holds what its lane claimed, in one queue per address. The head of each queue goes
when the pacer allows it (bot/dispatch/turns.py picks whose turn it is); it is marked
`sending` (and STOP checked again) in the transaction that also writes the results answered
meanwhile, then handed to its channel, while other addresses' messages go too. When an
answer says "try again later", the rest of that address's queue goes back to the database
queue behind it; when it says the address can't be reached, the rest is not sent.

Every `REPLY_CHECK_SECONDS` a round sending a wave claims the replies someone is waiting for,
so they go ahead of the rest of the wave; and as its last messages leave it claims the next
batch (`refill`), so the lane is not idle for a round trip between batches.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Any, Protocol

from bot.dispatch import turns
from bot.dispatch.claims import Mark
from bot.dispatch.limits import Pacer
from bot.dispatch.message import AddressKey, Lane, Outcome, Outgoing, Result, Sender, cost_of
from bot.dispatch.results import goes_again

log = logging.getLogger(__name__)

# Past this wait for the next message, the last results are written on their own first.
RECORD_WHILE_WAITING = 0.05
# How often a worker sending a wave looks for replies that someone is waiting for.
REPLY_CHECK_SECONDS = 0.25
# When a round stops half way (the service stopping), how long the messages on their way
# may take to be answered before they are given up (and recorded as unknown at the start).
STOP_GRACE_SECONDS = 5.0

# A message that may go: where, what, its pacer token, its moment (monotonic clock).
Ready = tuple[AddressKey, Outgoing, int | None, float]
Results = list[tuple[Outgoing, Outcome]]


class Host(Protocol):
    """What a round needs of the dispatcher (bot/dispatch/outbox.py)."""

    senders: dict[str, Sender]
    pacers: dict[str, Pacer]
    max_attempts: int
    max_in_flight: int
    monotonic: Callable[[], float]
    # Made-up time (tests): answers come at once, and nothing arriving cuts a wait short.
    sleep: Callable[[float], Awaitable[None]] | None

    def arrived_on(self, lane: Lane) -> asyncio.Event: ...

    def claim_size(self, channels: Sequence[str]) -> int: ...

    def mark_ahead(self) -> float: ...

    async def claim(self, limit: int | None = None, only_replies: bool = False,
                    channels: Sequence[str] | None = None) -> list[Outgoing]: ...

    async def record_then_mark(self, results: Results, held: Sequence[Outgoing],
                               items: Sequence[Outgoing]) -> dict[int, Mark]: ...

    async def write_results(self, results: Results, held: Sequence[Outgoing],
                            unsent: Sequence[Outgoing] = ()) -> None: ...

    async def still_wanted(self, item: Outgoing) -> bool: ...


class LaneRound:
    """One lane sending the rows it claimed: each address's queue in its order, the
    messages on their way, and the results not yet written."""

    def __init__(self, host: Host, lane: Lane, claimed: Sequence[Outgoing],
                 refill: bool = False) -> None:
        self.host = host
        self.lane = lane
        self.refill = refill  # claim the next batch while the last messages are on their way
        self.arrived = host.arrived_on(lane)
        # Priced in units (SMS segments): sizes differ, so not smoothed (see Pacer.ready_at).
        self.priced = {channel for channel in lane
                       if getattr(host.senders[channel], "cost", None) is not None}
        self.costs: dict[int, float] = {}  # measured once per row (an SMS is rendered)
        self.passed_over: dict[int, float] = {}  # row id -> since when smaller ones went
        self.sent = 0
        self.closed: set[AddressKey] = set()  # addresses that blocked us or opted out now
        self.queues: dict[AddressKey, list[Outgoing]] = {}
        for item in claimed:
            self.enqueue(item)
        self.flights: dict[asyncio.Task[Outcome], tuple[AddressKey, Outgoing]] = {}
        self.busy: set[AddressKey] = set()  # addresses with a message on its way
        self.answered: Results = []  # results not yet written
        self.held: list[Outgoing] = []  # claimed rows going back to the queue, untried
        self.unsent: list[Outgoing] = []  # marked sending, but stopped before they went
        # A claim under way (replies, or the next batch), beside the sending: on PostgreSQL
        # one takes a few milliseconds, now and then a hundred.
        self.claiming: asyncio.Task[list[Outgoing]] | None = None
        self.refilling = False  # the claim under way is for the next batch

    def enqueue(self, item: Outgoing) -> None:
        """Into its address's queue, in the address's order: (priority, id)."""
        queue = self.queues.setdefault(item.to, [])
        bisect.insort(queue, item, key=lambda queued: (queued.priority, queued.id))

    def cost(self, item: Outgoing) -> float:
        if item.id not in self.costs:
            self.costs[item.id] = cost_of(self.host.senders[item.channel], item)
        return self.costs[item.id]

    # -- the round ------------------------------------------------------------------------
    async def run(self) -> int:
        """Send everything claimed (and claimed meanwhile); returns how many were sent."""
        host = self.host
        checked_replies = host.monotonic()
        while self.queues or self.flights or self.claiming:
            for task in [task for task in self.flights if task.done()]:
                self.land(task)
            if self.claiming is not None and self.claiming.done():
                self.claimed(self.claiming.result())
            if self.claiming is None:
                if self.refill and not self.queues and self.flights:
                    # The batch's last messages are on their way: the next batch is claimed
                    # now, not after their answers (a round trip of idle sending a batch).
                    self.claiming = asyncio.create_task(host.claim(channels=self.lane))
                    self.refilling = True
                elif self.queues and host.monotonic() - checked_replies > REPLY_CHECK_SECONDS:
                    # Someone waiting for an answer goes ahead of the rest of a wave.
                    checked_replies = host.monotonic()
                    self.arrived.clear()  # anything queued from now on is news
                    self.claim_replies()
            ready, wait = self.take_ready()
            if ready:
                await self.send(ready)
            elif wait is None:
                waiting = self.waiting_on()
                if not waiting:
                    if self.queues:  # (another round of this lane has the channel's room)
                        await self.wait(math.inf, None, waiting)
                    continue  # else the last ones were just answered, and nothing is queued
                # Every address waiting has a message on its way, or as many are on their
                # way as the round trip needs: wait for an answer (writing results if long).
                if not await self.wait(RECORD_WHILE_WAITING, None, waiting):
                    await self.write_results()
                    await self.wait(math.inf, None, waiting)
            else:
                if wait > RECORD_WHILE_WAITING:
                    await self.write_results()  # don't leave a result unwritten for long
                if await self.wait(wait, self.arrived, self.waiting_on()) is self.arrived:
                    checked_replies = -math.inf  # look for the new reply before sending on
        await self.write_results()
        return self.sent

    def claimed(self, items: Sequence[Outgoing]) -> None:
        """The claim under way is done."""
        self.claiming = None
        for item in items:
            self.enqueue(item)
        if self.refilling and not items:
            self.refill = False  # nothing more is due: this round ends
        self.refilling = False

    def claim_replies(self) -> None:
        """Up to a claim's worth of replies held at once: more would only wait behind them
        (a wave of answers is not all claimed, and each pick stays cheap)."""
        waiting = sum(item.priority == 0 for queue in self.queues.values() for item in queue)
        room = self.host.claim_size(self.lane) - waiting
        if room > 0:
            self.claiming = asyncio.create_task(
                self.host.claim(room, only_replies=True, channels=self.lane))

    def waiting_on(self) -> list[asyncio.Future[Any]]:
        """What may change the picture: answers, and a claim under way."""
        return [*self.flights, *([self.claiming] if self.claiming is not None else [])]

    def take_ready(self) -> tuple[list[Ready], float | None]:
        """Every message that may go now (or by the time it is marked sending), taken from
        its queue and counted by the pacer (with its token and its moment); else how long
        until the next may go (None: until an answer)."""
        host = self.host
        ahead = host.mark_ahead()
        cap = turns.in_flight_cap(host.pacers, self.lane, host.max_in_flight)
        ready: list[Ready] = []
        while len(self.flights) + len(ready) < cap:
            pick = turns.next_ready(host.pacers, self.queues, self.busy)
            if pick is None:
                break
            key, item = pick
            smooth = item.channel not in self.priced
            at = turns.ready_at(host.pacers, item, self.cost(item), smooth=smooth)
            now = host.monotonic()  # (after the pacer looked: `at` is never before it)
            wait = at - now
            if wait > 0 and not smooth:
                filler, filler_at = turns.filler(host.pacers, self.queues, item, self.cost,
                                                 self.passed_over, self.busy, now, now + ahead)
                if filler is not None:
                    (key, item), wait = filler, max(0.0, filler_at - now)
                elif filler_at < now + wait:
                    # A smaller one may use the free place before the head's room comes:
                    # look again then (the head itself must not go early).
                    return ready, None if ready else filler_at - now - ahead
            if wait > ahead:
                return ready, None if ready or math.isinf(wait) else wait - ahead
            queue = self.queues[key]
            queue.remove(item)
            if not queue:
                del self.queues[key]
            self.passed_over.pop(item.id, None)
            if key in self.closed and not item.bypass_suppression:
                self.answered.append((item, Outcome(Result.SUPPRESSED)))
                continue
            pacer = host.pacers.get(item.channel)
            ready.append((key, item, pacer.start(self.cost(item)) if pacer else None,
                          now + max(0.0, wait)))
            self.busy.add(key)
        return ready, None

    async def send(self, ready: Sequence[Ready]) -> None:
        """Mark the messages that may go now as sending (writing the results so far, in the
        same transaction) and hand each to its channel at its moment."""
        results, back = self.take_results()
        marking = self.host.record_then_mark(results, back, [item for _, item, _, _ in ready])
        job = asyncio.ensure_future(marking)
        try:
            marks = await asyncio.shield(job)
        except BaseException:
            # Stopped (or the database failed) meanwhile: none of them goes. The transaction
            # runs to its end (on SQLite it is a thread), and what it marked goes back.
            with contextlib.suppress(BaseException):
                await job
            marks = job.result() if job.done() and not job.cancelled() \
                and job.exception() is None else {}
            if not marks:
                self.answered[:0], self.held[:0] = results, back  # not written either
            for key, item, token, _ in ready:
                self.unstart(key, item, token)
                if not marks:
                    self.held.append(item)  # still claimed: back to the queue
                elif marks[item.id] is Mark.SENDING:
                    self.unsent.append(item)  # marked, but never handed over
            raise
        for key, item, token, at in ready:
            mark = marks[item.id]
            if mark is Mark.SENDING:
                self.flights[asyncio.create_task(self.fly(item, token, at))] = (key, item)
                continue
            self.unstart(key, item, token)
            if mark is Mark.HELD:
                # An earlier message to this address is still to go (or being retried):
                # this one went back to the queue, and so does the rest behind it.
                self.held.extend(self.queues.pop(key, []))

    def unstart(self, key: AddressKey, item: Outgoing, token: int | None) -> None:
        """A message taken to go did not go after all."""
        self.busy.discard(key)
        pacer = self.host.pacers.get(item.channel)
        if pacer is not None and token is not None:
            pacer.cancel(token)

    def land(self, task: asyncio.Task[Outcome]) -> None:
        """A message on its way was answered."""
        key, item = self.flights.pop(task)
        self.busy.discard(key)
        outcome = task.result()
        self.answered.append((item, outcome))
        self.sent += outcome.result is Result.SENT
        if outcome.result in (Result.UNREACHABLE, Result.OPTED_OUT):
            self.closed.add(key)
        elif goes_again(item, outcome, self.host.max_attempts):
            # It goes back to the queue: what follows it to this address waits for it.
            self.held.extend(self.queues.pop(key, []))

    def take_results(self) -> tuple[Results, list[Outgoing]]:
        results, back = list(self.answered), list(self.held)
        self.answered.clear()
        self.held.clear()
        return results, back

    async def write_results(self) -> None:
        if self.answered or self.held or self.unsent:
            results, back = self.take_results()
            unsent, self.unsent = self.unsent, []
            try:
                await self.host.write_results(results, back, unsent)
            except BaseException:
                self.answered[:0], self.held[:0], self.unsent[:0] = results, back, unsent
                raise

    # -- sending one ----------------------------------------------------------------------
    async def fly(self, item: Outgoing, token: int | None, at: float = 0.0) -> Outcome:
        """Hand one message (already recorded as `sending`) to its channel, at `at` on the
        monotonic clock (its moment, when it was marked a little ahead of it)."""
        host = self.host
        pacer = host.pacers.get(item.channel)
        try:
            if at > host.monotonic():
                await asyncio.sleep(at - host.monotonic())
            if pacer is not None and token is not None:
                pacer.begin(token)
            outcome = await self.send_one(item)
        finally:
            if pacer is not None and token is not None:
                # Counted when the platform answered (less the quickest round trip: see
                # Pacer); also when the lane stops half way, so nothing stays counted.
                pacer.finish(token, item.address, group=item.to_group)
        if pacer is not None and outcome.result is Result.RETRY and outcome.retry_after:
            # Flood control: that chat waits (the channel, when it is the channel's).
            pacer.flood(item.address, outcome.retry_after)
        return outcome

    async def send_one(self, item: Outgoing) -> Outcome:
        sender = self.host.senders[item.channel]
        try:
            if getattr(sender, "asks_between_parts", False):
                # A long message goes as several parts: before each after the first, the
                # sender asks whether the address has stopped (STOP) meanwhile.
                return await sender.send(  # type: ignore[call-arg]
                    item, still_wanted=self.host.still_wanted)
            return await sender.send(item)
        except Exception as error:  # a sender bug must not lose the row
            log.exception("sender for %s raised on outbox %s", item.channel, item.id)
            return Outcome(Result.RETRY, error=type(error).__name__[:64])

    async def wait(self, seconds: float, arrived: asyncio.Event | None,
                   flights: Collection[asyncio.Future[Any]]) -> object:
        """Wait `seconds` (`math.inf`: until an answer), or less: until one of `flights` (a
        message on its way, a claim) is done (returns True) or something is queued (returns
        `arrived`). Returns None when the time ran out."""
        if self.host.sleep is not None:  # made-up time: answers come at once
            if flights:
                await asyncio.wait(list(flights), return_when=asyncio.FIRST_COMPLETED)
                return True
            await self.host.sleep(REPLY_CHECK_SECONDS if math.isinf(seconds) else seconds)
            return None
        if arrived is not None and arrived.is_set():
            return arrived
        waiters: set[asyncio.Future[Any]] = set(flights)
        news = asyncio.ensure_future(arrived.wait()) if arrived is not None else None
        if news is not None:
            waiters.add(news)
        if not waiters:
            # (math.inf with nothing of ours on its way: another round of this lane has
            # the channel's room; look again shortly.)
            await asyncio.sleep(REPLY_CHECK_SECONDS if math.isinf(seconds) else seconds)
            return None
        try:
            done, _ = await asyncio.wait(waiters, timeout=None if math.isinf(seconds)
                                         else seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if news is not None and not news.done():
                news.cancel()
        if news is not None and news in done:
            return arrived
        return True if done else None

    # -- stopping half way ----------------------------------------------------------------
    async def stop(self) -> None:
        """The round ends early (the service is stopping, or the database failed): messages
        on their way get STOP_GRACE_SECONDS to be answered, what is known is written, and
        the claimed rows not sent go back to the queue. A send still unanswered then is
        given up: its row, left `sending`, is recorded as unknown at the next start."""
        if not (self.queues or self.flights or self.claiming or self.answered or self.held
                or self.unsent):
            return
        try:
            if self.flights:
                await asyncio.wait(list(self.flights), timeout=STOP_GRACE_SECONDS)
            for task in list(self.flights):
                if task.done() and not task.cancelled():
                    self.land(task)
                else:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                    self.flights.pop(task, None)
            if self.claiming is not None:
                with contextlib.suppress(Exception):
                    # (A claim's transaction runs to its end even when cancelled.)
                    self.claimed(await self.claiming)
                self.claiming = None
            for queue in self.queues.values():
                self.held.extend(queue)
            self.queues.clear()
            await self.write_results()
        except Exception:
            # The rows stay as they are: claimed ones go back to the queue, and those left
            # sending are recorded as unknown, when the next start recovers them.
            log.exception("a dispatch round on %s could not finish stopping",
                          "+".join(self.lane))
