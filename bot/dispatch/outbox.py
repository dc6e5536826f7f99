"""The dispatcher: claims due outbox rows, enforces suppression, paces and sends them, and
records what happened.

Rows move queued -> claimed -> sending -> sent (-> delivered), or to failed, suppressed,
skipped, cancelled or unknown. `claimed` is committed when a worker takes a small batch;
`sending` is committed for a row just before its network call. So after a crash, claimed
rows go back to the queue (they were never tried) and the rows a lane had on their way
become `unknown`: recorded, never resent blindly. On PostgreSQL (several workers) a
worker started by `serve` holds a lease (bot/dispatch/liveness.py) and claims under its
name: every few seconds each worker checks its own lease and recovers the rows of workers
whose lease is free, so a worker killed mid-wave holds its addresses for seconds, not
minutes; a live worker's rows are never taken from it.

Its parts, one job each:
- bot/dispatch/claims.py: taking rows, and marking each `sending`, in each address's order
  (a retry holds back what follows it to that address; several workers never split an
  address's messages); STOP and expiry decided there, at the claim and again at the send.
- bot/dispatch/lane.py: sending a lane's claimed rows, several addresses at once, one
  message at a time to an address (bot/dispatch/turns.py picks whose turn it is).
- bot/dispatch/limits.py: pacing under each platform's limits; a Telegram 429 pauses that
  chat only (the channel when several chats are refused at once).
- bot/dispatch/results.py: recording what each channel said, retries with backoff, and the
  features told about a message that will never arrive.

**Each paced channel is a lane of its own**: it claims only its channel's rows, has its own
pacer and its own "something was queued" signal, and is sent by its own task. So an SMS
wave waiting out its segment rate never holds up a Telegram reply (one "hi" after 60
inbound texts once waited 20 s behind their answers). Channels without limits (the terminal
chat, tests that print) share one lane: nothing there waits, and their messages keep one
order across channels, one at a time.

The values this module's users import (`Outgoing`, `Outcome`, `Result`, ...) are defined in
bot/dispatch/message.py and bot/dispatch/results.py, and imported from here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import statistics
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Connection, exists, or_, select

from bot.core.clock import Clock
from bot.dispatch import claims
from bot.dispatch.claims import Mark
from bot.dispatch.lane import LaneRound, Results
from bot.dispatch.limits import Limits, Pacer
from bot.dispatch.liveness import Lease
from bot.dispatch.message import (
    Lane,
    Outcome,
    Outgoing,
    Part,
    Result,
    Sender,
    UndeliveredHook,
    cost_of,
    detach,
)
from bot.dispatch.results import FORGOTTEN_ONCE_SENT, MAX_ATTEMPTS, backoff, record, record_all
from bot.dispatch.turns import MAX_IN_FLIGHT
from bot.storage.db import Database
from bot.storage.models import Identity

__all__ = ["ABANDONED_AFTER", "DEFAULT_BATCH", "FORGOTTEN_ONCE_SENT", "MAX_ATTEMPTS",
           "MAX_IN_FLIGHT", "STOPPED_PART_WAY", "Dispatcher", "Lane", "Outcome", "Outgoing",
           "Part", "Result", "Sender", "StillWanted", "UndeliveredHook", "backoff", "cost_of",
           "detach"]

log = logging.getLogger(__name__)
_T = TypeVar("_T")

DEFAULT_BATCH = 200
# A claim older than this belonged to a worker that stopped (crash, kill -9, deploy): for
# rows claimed without a lease (SQLite, where one worker runs; workers of older versions).
ABANDONED_AFTER = timedelta(minutes=2)
# How often a running dispatcher on PostgreSQL checks its own lease and recovers the rows
# of workers whose lease is free: how long a dead worker's addresses wait, at most.
LIVENESS_SECONDS = 5.0
# A message is marked `sending` this long at most before its moment comes (the usual time
# the marking transaction takes, so that the network call, not the database, meets it).
MARK_AHEAD_AT_MOST = 0.05
# What a sender of long messages asks before each part after the first: whether the row may
# still go on (a sender that says `asks_between_parts = True` is given it; see LaneRound).
StillWanted = Callable[[Outgoing], Awaitable[bool]]
# The error of a long message cut short because its person stopped (STOP) while it went.
STOPPED_PART_WAY = "stopped_part_way"

_IDENTITIES = Identity.__table__


class Dispatcher:
    # Features that want to know (peer support tells whoever wrote a relayed message that
    # it didn't go); set by the app.
    after_undelivered: tuple[UndeliveredHook, ...] = ()

    def __init__(self, db: Database, clock: Clock, senders: Mapping[str, Sender], *,
                 worker_id: str = "worker", batch: int = DEFAULT_BATCH,
                 max_attempts: int = MAX_ATTEMPTS, limits: Mapping[str, Limits] | None = None,
                 max_in_flight: int = MAX_IN_FLIGHT,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] | None = None) -> None:
        self.db = db
        self.clock = clock
        self.senders = dict(senders)
        self.worker_id = worker_id
        self.batch = batch
        self.max_attempts = max_attempts
        self.max_in_flight = max(1, max_in_flight)
        self.monotonic = monotonic
        # A test on made-up time passes its own sleep (with its monotonic), and nothing
        # arriving can cut that short.
        self.sleep = sleep
        # Per lane: set when something is queued, to cut short a wait for pacing.
        self._arrived: dict[Lane, asyncio.Event] = {}
        self.pacers = {channel: Pacer(limit, monotonic)
                       for channel, limit in (limits or {}).items()}
        self._hooks_queued = False
        self._mark_seconds: deque[float] = deque(maxlen=32)  # how long marking takes
        # PostgreSQL, in `serve`: this worker's proof of life (`take_lease`).
        self.lease: Lease | None = None
        # Every name this worker has claimed under (a lease lost and taken again is a new
        # name): an answer for a row claimed under an earlier one is still about our own
        # send, and is written (bot/dispatch/results.py `record`).
        self.claimed_as: set[str] = set()

    # -- the lease (PostgreSQL) -------------------------------------------------------------
    @property
    def claimer(self) -> str:
        """The name rows are claimed under: the lease's, or the worker id without one."""
        return self.lease.name if self.lease is not None else self.worker_id

    async def take_lease(self) -> bool:
        """PostgreSQL: hold a lease for as long as this worker runs, and claim under its name
        from now on (before any claim: the name is new). Returns False on SQLite, where one
        worker runs and there is nobody to tell. Raises if the database can't be reached."""
        if self.db.is_sqlite:
            return False
        lease = Lease(self.db.url, self.worker_id)
        await lease.take()
        await self.end_lease()
        self.lease = lease
        log.info("dispatching as %s", lease.name)
        return True

    async def end_lease(self) -> None:
        """Let the lease go, once the lanes have stopped (what they claimed is put back)."""
        if self.lease is not None:
            await self.lease.end()

    async def keep_alive(self) -> None:
        """Check the lease; if it was lost (the database restarted, the network broke),
        others may recover what was claimed under it, so claiming stops until a new lease
        (a new name) is taken, and nothing claimed under the old one is marked sending."""
        if self.lease is None or await self.lease.check():
            return
        try:
            await self.lease.take()
            log.warning("dispatch lease taken again, as %s", self.lease.name)
        except Exception:
            log.exception("dispatch lease not taken again; not claiming until it is")

    async def watch(self) -> None:
        """One liveness round: the lease checked, dead workers' rows recovered."""
        await self.keep_alive()
        await self.recover_abandoned()

    # -- the lanes ------------------------------------------------------------------------
    def lanes(self, channels: Iterable[str] | None = None) -> list[Lane]:
        """Each paced channel alone; the unpaced ones together (nothing there waits)."""
        channels = list(self.senders if channels is None else channels)
        unpaced = tuple(channel for channel in channels if channel not in self.pacers)
        return [(channel,) for channel in channels if channel in self.pacers] + \
            ([unpaced] if unpaced else [])

    async def run(self, idle_interval: float = 1.0) -> None:
        """The service: one task per lane, each sending at once when something is queued
        and otherwise looking every `idle_interval` (for messages falling due and
        retries). A channel whose sender is added later gets a lane within
        `idle_interval`. Runs until cancelled."""
        tasks: dict[Lane, asyncio.Task[None]] = {}
        watched = -LIVENESS_SECONDS
        try:
            while True:
                if not self.db.is_sqlite and time.monotonic() - watched >= LIVENESS_SECONDS:
                    watched = time.monotonic()
                    try:
                        await self.watch()
                    except Exception:  # the database is away: the next round tries again
                        log.exception("dispatch liveness round failed")
                covered = {channel for lane in tasks for channel in lane}
                for lane in self.lanes(c for c in list(self.senders) if c not in covered):
                    tasks[lane] = asyncio.create_task(
                        self._run_lane(lane, idle_interval), name=f"dispatch-{'+'.join(lane)}")
                for lane, task in list(tasks.items()):
                    if task.done():  # never expected: the lane starts again
                        tasks[lane] = asyncio.create_task(
                            self._run_lane(lane, idle_interval), name=task.get_name())
                await asyncio.sleep(idle_interval)
        finally:
            for task in tasks.values():
                task.cancel()
            await asyncio.gather(*tasks.values(), return_exceptions=True)

    async def _run_lane(self, lane: Lane, idle_interval: float) -> None:
        arrived = self.arrived_on(lane)
        while True:
            arrived.clear()
            try:
                await self.drain_lane(lane)
            except Exception:  # keep the lane going; the rows stay queued for next time
                log.exception("dispatch round on %s failed", "+".join(lane))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), timeout=idle_interval)

    async def drain(self, limit_rounds: int = 100_000) -> int:
        """Send everything due now, every lane at the same time, replies first in each;
        returns how many messages were sent."""
        return sum(await _together([self.drain_lane(lane, limit_rounds)
                                    for lane in self.lanes()]))

    async def drain_lane(self, lane: Lane, limit_rounds: int = 100_000) -> int:
        """Send everything due now in one lane, replies first."""
        self.arrived_on(lane)  # from now on, anything queued is news to this lane
        total = 0
        for _ in range(limit_rounds):
            claimed = await self.claim(channels=lane)
            if not claimed:
                break
            total += await self._send_lane(lane, claimed, refill=True)
        return total

    async def send_all(self, claimed: Sequence[Outgoing]) -> int:
        """Send a claimed batch, each lane's rows at the same time as the others'."""
        lane_of = {channel: lane for lane in self.lanes({item.channel for item in claimed})
                   for channel in lane}
        lanes: dict[Lane, list[Outgoing]] = {}
        for item in claimed:
            lanes.setdefault(lane_of[item.channel], []).append(item)
        return sum(await _together([self._send_lane(lane, items)
                                    for lane, items in lanes.items()]))

    async def _send_lane(self, lane: Lane, claimed: Sequence[Outgoing],
                         refill: bool = False) -> int:
        """Send one lane's claimed rows (bot/dispatch/lane.py); returns how many were sent.
        With `refill`, the next batch is claimed as soon as the last of these are on their
        way. Recording the messages answered meanwhile and marking the next as `sending`
        share a single transaction, so a full-speed wave costs about one database round trip
        per message."""
        sending = LaneRound(self, lane, claimed, refill)
        try:
            return await sending.run()
        finally:
            await sending.stop()

    def queued(self) -> None:
        """Something was just queued (the caller does not say on which channel): every lane
        looks, cutting short any wait for a chat's pacing, so a reply someone is waiting
        for is picked up at once rather than after it."""
        for event in self._arrived.values():
            event.set()

    def arrived_on(self, lane: Lane) -> asyncio.Event:
        """The lane's "something was queued" signal."""
        event = self._arrived.get(lane)
        if event is None:
            event = self._arrived[lane] = asyncio.Event()
        return event

    # -- claiming, marking, recording (bot/dispatch/claims.py, bot/dispatch/results.py) ----
    async def claim(self, limit: int | None = None, only_replies: bool = False,
                    channels: Sequence[str] | None = None) -> list[Outgoing]:
        """Take due rows for `channels` (a lane's one channel; every channel by default):
        each address's first unsettled message, and on channels without a per-chat limit
        the ones queued right behind it."""
        if self.lease is not None and not self.lease.held:
            return []  # lost: what we claim could be recovered from us at once
        now = self.clock.now()
        channels = list(self.senders if channels is None else channels)
        size = limit or self.claim_size(channels)
        # Channels where a claim takes an address's run of rows: no per-chat limit.
        runs = {channel for channel in channels if channel not in self.pacers
                or not self.pacers[channel].limits.floods_per_chat}
        self.claimed_as.add(self.claimer)
        return await self._run(lambda c: claims.claim(
            c, now, size=size, channels=channels, worker_id=self.claimer,
            lock=not self.db.is_sqlite, runs=runs, only_replies=only_replies,
            never_arrives=self._never_arrives))

    def claim_size(self, channels: Sequence[str]) -> int:
        """About a second's worth of sending, so waiting replies are never far behind."""
        paced = [self.pacers[channel] for channel in channels if channel in self.pacers]
        if not paced:
            return self.batch
        fastest = max(p.limits.per_second for p in paced)
        return max(1, min(self.batch, int(fastest)))

    async def record_then_mark(self, results: Results, held: Sequence[Outgoing],
                               items: Sequence[Outgoing]) -> dict[int, Mark]:
        """Write the results answered meanwhile (and put `held` rows back in the queue), and
        mark `items` (each to a different address) as sending, together: one transaction
        for all the messages that may go at this moment."""
        now = self.clock.now()

        def write(connection: Connection) -> dict[int, Mark]:
            self._write(connection, results, held, (), now)
            return claims.mark_sending(connection, items, now, worker_id=self.claimer,
                                       never_arrives=self._never_arrives)

        began = time.monotonic()
        marks = await self._run(write)
        self._mark_seconds.append(time.monotonic() - began)
        return marks

    def mark_ahead(self) -> float:
        """How long before its moment a message is marked sending: the usual marking time
        (nothing ahead on made-up time)."""
        if self.sleep is not None or not self._mark_seconds:
            return 0.0
        return min(MARK_AHEAD_AT_MOST, statistics.median(self._mark_seconds))

    async def write_results(self, results: Results, held: Sequence[Outgoing],
                            unsent: Sequence[Outgoing] = ()) -> None:
        """Write what the channels said, and put claimed rows that did not go (`held`, and
        `unsent`: marked sending but stopped before they went) back in the queue."""
        now = self.clock.now()
        await self._run(lambda c: self._write(c, results, held, unsent, now))

    async def still_wanted(self, item: Outgoing) -> bool:
        """Between the parts of a long message: False once its address has stopped (STOP)
        or been found unreachable since the row was marked sending, so nothing more of it
        goes (the sender answers SUPPRESSED with the parts sent so far). A row that goes
        whatever (`bypass_suppression`: the STOP confirmation itself) always goes on. One
        small read; if the database can't be asked, the parts go on (a STOP can't have been
        recorded either)."""
        if item.bypass_suppression:
            return True
        blocked = exists().where(
            _IDENTITIES.c.channel == item.channel, _IDENTITIES.c.address == item.address,
            or_(_IDENTITIES.c.opted_out_at.is_not(None),
                _IDENTITIES.c.unreachable_at.is_not(None)))
        try:
            return not await self.db.run(lambda c: bool(c.scalar(select(blocked))))
        except Exception:
            log.exception("could not ask whether outbox %s may go on; it goes on", item.id)
            return True

    async def record(self, item: Outgoing, outcome: Outcome) -> None:
        now = self.clock.now()
        await self._run(lambda c: self._record(c, item, outcome, now))

    def _write(self, connection: Connection, results: Results, held: Sequence[Outgoing],
               unsent: Sequence[Outgoing], now: datetime) -> None:
        record_all(connection, results, now, worker_id=self.claimer,
                   earlier_names=self.claimed_as, max_attempts=self.max_attempts,
                   never_arrives=self._never_arrives)
        claims.release(connection, held, now, self.claimer)
        claims.unmark(connection, unsent, now, {self.claimer, *self.claimed_as})

    def _record(self, connection: Connection, item: Outgoing, outcome: Outcome,
                now: datetime) -> None:
        record(connection, item, outcome, now, worker_id=self.claimer,
               earlier_names=self.claimed_as, max_attempts=self.max_attempts,
               never_arrives=self._never_arrives)

    def _never_arrives(self, connection: Connection, item: Outgoing, now: datetime) -> None:
        """Let features know (in this transaction) that `item` will not arrive."""
        if any([hook(connection, item, now) for hook in self.after_undelivered]):
            self._hooks_queued = True  # every lane looks once this transaction is done

    async def _run(self, work: Callable[[Connection], _T]) -> _T:
        """`db.run`, then, if an undelivered hook queued something (the writer told, or the
        message sent to the person's other identity), every lane looks at once.

        A transaction runs to its end even when the lane is cancelled (the service
        stopping): on SQLite it runs in a thread that can't be stopped half way, and the
        next one must not begin on the same connection before it ends."""
        job = asyncio.ensure_future(self.db.run(work))
        try:
            result = await asyncio.shield(job)
        except asyncio.CancelledError:
            with contextlib.suppress(BaseException):
                await job
            raise
        if self._hooks_queued:
            self._hooks_queued = False
            self.queued()
        return result

    # -- after a crash --------------------------------------------------------------------
    async def recover_abandoned(self, older_than: timedelta = ABANDONED_AFTER) -> tuple[int, int]:
        """Rows a dead worker left behind: claimed ones (never tried) go back to the queue;
        those it was sending have an unknown fate, so they are recorded, not resent.
        Returns (requeued, unknown). Dead: on PostgreSQL, its lease is free (any age; a
        held lease keeps its rows); without a lease, claimed `older_than` ago or more
        (claims.recover_abandoned)."""
        now = self.clock.now()
        requeued, unknown = await self._run(
            lambda c: claims.recover_abandoned(c, now - older_than, now))
        if requeued or unknown:
            log.warning("recovered after a stopped worker: %d requeued, %d of unknown fate",
                        requeued, unknown)
        if requeued:
            self.queued()  # the addresses it held are free: every lane looks now
        return requeued, unknown


async def _together(lanes: Sequence[Awaitable[int]]) -> list[int]:
    """Run the lanes at the same time, each to its end (one failing does not stop another
    half way through a send); then raise the first error, if any."""
    if len(lanes) == 1:
        return [await lanes[0]]
    results = await asyncio.gather(*lanes, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [result for result in results if not isinstance(result, BaseException)]
