"""The dispatcher: claims due outbox rows, enforces suppression, paces and sends them, and
records what happened.

Rows move queued -> claimed -> sending -> sent (-> delivered), or to failed, suppressed,
skipped, cancelled or unknown. `claimed` is committed when a worker takes a small batch;
`sending` is committed for one row just before its network call. So after a crash, claimed
rows go back to the queue (they were never tried) and at most one `sending` row per lane of
a worker becomes `unknown`: recorded, never resent blindly.

Each paced channel is a lane of its own: it claims only its channel's rows, has its own
pacer and its own "something was queued" signal, and is sent by its own task. So an SMS wave
waiting out its segment rate never holds up a Telegram reply (one "hi" after 60 inbound
texts once waited 20 s behind their answers), and a Telegram 429 pauses Telegram only.
Channels without limits (the terminal chat, tests that print) share one lane: nothing there
waits, and their messages keep one order across channels.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import Connection, and_, exists, insert, or_, select, update

from bot.core.clock import Clock
from bot.core.events import Outbound
from bot.dispatch.limits import Limits, Pacer
from bot.storage.db import Database
from bot.storage.models import Delivery, Identity, OutboxMessage

log = logging.getLogger(__name__)

DEFAULT_BATCH = 200
# A message that could not go for a reason that passes (a 5xx, the network, flood control)
# is tried again with backoff (2 s doubling to 10 min) this many times: about six hours,
# so an outage of the platform, or of ours, loses nothing. Planned messages still give up
# at their own expiry.
MAX_ATTEMPTS = 44
FORGOTTEN_ONCE_SENT: dict[str, dict[str, object]] = {
    "erasure": {"address": "", "payload": {"text": ""}},
    "peer_left": {"payload": {"text": ""}},
}
# A claim older than this belonged to a worker that stopped (crash, kill -9, deploy).
ABANDONED_AFTER = timedelta(minutes=2)
# Past this wait for the next message, the last result is written on its own first.
RECORD_WHILE_WAITING = 0.05
# How often a worker sending a wave looks for replies that someone is waiting for.
REPLY_CHECK_SECONDS = 0.25
# How long a message may be passed over by smaller ones using a free place it can't fit.
FILL_AT_MOST_SECONDS = 1.0
_OUTBOX = OutboxMessage.__table__
_IDENTITIES = Identity.__table__
# STOP or unreachable: decided where sending happens, at the claim and again at the send.
_BLOCKED = or_(_IDENTITIES.c.opted_out_at.is_not(None), _IDENTITIES.c.unreachable_at.is_not(None))


class Result(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # a temporary problem: try again later
    FAILED = "failed"  # a permanent problem with this message
    UNREACHABLE = "unreachable"  # the address is wrong or has blocked us
    OPTED_OUT = "opted_out"  # the provider says this person opted out
    UNKNOWN = "unknown"  # it may or may not have arrived: recorded, never resent blindly
    SUPPRESSED = "suppressed"  # not sent: the address stopped being reachable meanwhile


@dataclass(frozen=True)
class Part:
    """One message the provider accepted (a long SMS goes as several)."""

    number: int
    provider_ref: str
    segments: int | None = None


@dataclass(frozen=True)
class Outcome:
    result: Result
    provider_ref: str | None = None
    segments: int | None = None
    error: str | None = None
    retry_after: float | None = None
    # Long messages go as several parts; a retry resumes after the parts already sent.
    parts_sent: int | None = None
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Outgoing:
    """A claimed row, detached from the database session."""

    id: int
    person_id: int | None
    channel: str
    address: str
    kind: str
    priority: int
    message: Outbound
    attempts: int
    idempotency_key: str
    parts_sent: int = 0
    bypass_suppression: bool = False


class Sender(Protocol):
    """One channel's way of delivering a message."""

    channel: str

    async def send(self, item: Outgoing) -> Outcome: ...


def cost_of(sender: Sender, item: Outgoing) -> float:
    """What a message costs against the channel's rate (SMS counts segments)."""
    measure = getattr(sender, "cost", None)
    return float(measure(item)) if measure is not None else 1.0


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(600, 2 ** attempts))


# The channels one task sends for: a paced channel alone, or all the unpaced ones together.
Lane = tuple[str, ...]

# Called in the transaction that records a message that will never arrive: the platform
# refused it because the person cannot be reached (blocked, deactivated, opted out), it was
# not sent because they could not be reached by then (suppressed), it failed for good, or
# a delivery receipt later says it never arrived: (connection, the row, when) -> whether it
# queued anything.
UndeliveredHook = Callable[[Connection, Outgoing, datetime], bool]


class Dispatcher:
    # Features that want to know (peer support tells whoever wrote a relayed message that
    # it didn't go); set by the app.
    after_undelivered: tuple[UndeliveredHook, ...] = ()

    def __init__(self, db: Database, clock: Clock, senders: Mapping[str, Sender], *,
                 worker_id: str = "worker", batch: int = DEFAULT_BATCH,
                 max_attempts: int = MAX_ATTEMPTS, limits: Mapping[str, Limits] | None = None,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] | None = None) -> None:
        self.db = db
        self.clock = clock
        self.senders = dict(senders)
        self.worker_id = worker_id
        self.batch = batch
        self.max_attempts = max_attempts
        self.monotonic = monotonic
        # A test on made-up time passes its own sleep (with its monotonic), and nothing
        # arriving can cut that short.
        self.sleep = sleep
        # Per lane: set when something is queued, to cut short a wait for pacing.
        self._arrived: dict[Lane, asyncio.Event] = {}
        self.pacers = {channel: Pacer(limit, monotonic)
                       for channel, limit in (limits or {}).items()}

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
        try:
            while True:
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
        arrived = self._arrived_on(lane)
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
        self._arrived_on(lane)  # from now on, anything queued is news to this lane
        total = 0
        for _ in range(limit_rounds):
            claimed = await self.claim(channels=lane)
            if not claimed:
                break
            total += await self._send_lane(lane, claimed)
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

    async def _send_lane(self, lane: Lane, claimed: Sequence[Outgoing]) -> int:
        """Send one lane's claimed rows, each chat's messages in order, as fast as the
        channel's limits allow.

        Recording one message's result and marking the next as `sending` share a single
        transaction, so a full-speed wave costs one database round trip per message; at
        any moment at most one row of the lane is `sending`."""
        arrived = self._arrived_on(lane)
        # Priced in units (SMS segments): sizes differ, so not smoothed (see Pacer.ready_at).
        priced = {channel for channel in lane
                  if getattr(self.senders[channel], "cost", None) is not None}
        costs: dict[int, float] = {}  # measured once per row (an SMS is rendered to count)

        def cost(item: Outgoing) -> float:
            if item.id not in costs:
                costs[item.id] = cost_of(self.senders[item.channel], item)
            return costs[item.id]

        passed_over: dict[int, float] = {}  # row id -> since when smaller ones went first
        sent = 0
        closed: set[tuple[str, str]] = set()  # addresses that blocked us or opted out just now
        queues: dict[tuple[str, str], deque[Outgoing]] = {}
        for item in claimed:
            queues.setdefault((item.channel, item.address), deque()).append(item)
        unrecorded: tuple[Outgoing, Outcome] | None = None
        checked_replies = self.monotonic()
        while queues:
            if self.monotonic() - checked_replies > REPLY_CHECK_SECONDS:
                # Someone waiting for an answer goes ahead of the rest of a wave.
                checked_replies = self.monotonic()
                arrived.clear()  # anything queued from now on is news
                # Up to a claim's worth of replies held at once: more would only wait behind
                # them (a wave of answers is not all claimed, and each pick stays cheap).
                held = sum(item.priority == 0 for queue in queues.values() for item in queue)
                room = self._claim_size(lane) - held
                if room > 0:
                    for reply in await self.claim(room, only_replies=True, channels=lane):
                        queues.setdefault((reply.channel, reply.address), deque()).append(reply)
            key, item = self._next_ready(queues)
            smooth = item.channel not in priced
            wait = self._ready_at(item, cost(item), smooth=smooth) - self.monotonic()
            if wait > 0 and not smooth:
                filler = self._filler(queues, item, cost, passed_over)
                if filler is not None:
                    (key, item), wait = filler, 0.0
            if wait > RECORD_WHILE_WAITING and unrecorded is not None:
                await self.record(*unrecorded)  # don't leave a result unwritten for long
                unrecorded = None
            if wait > 0 and await self._interrupted_wait(wait, arrived):
                checked_replies = -math.inf  # look for the new reply before sending on
                continue
            queues[key].popleft()
            if not queues[key]:
                del queues[key]
            passed_over.pop(item.id, None)
            if key in closed and not item.bypass_suppression:
                await self.record(item, Outcome(Result.SUPPRESSED))
                continue
            if not await self._record_then_mark(unrecorded, item):
                unrecorded = None
                continue  # someone else settled it meanwhile
            unrecorded = None
            outcome = await self._send_marked(item, cost(item))
            unrecorded = (item, outcome)
            sent += outcome.result is Result.SENT
            if outcome.result in (Result.UNREACHABLE, Result.OPTED_OUT):
                closed.add(key)
        if unrecorded is not None:
            await self.record(*unrecorded)
        return sent

    def queued(self) -> None:
        """Something was just queued (the caller does not say on which channel): every lane
        looks, cutting short any wait for a chat's pacing, so a reply someone is waiting
        for is picked up at once rather than after it."""
        for event in self._arrived.values():
            event.set()

    def _arrived_on(self, lane: Lane) -> asyncio.Event:
        event = self._arrived.get(lane)
        if event is None:
            event = self._arrived[lane] = asyncio.Event()
        return event

    async def _interrupted_wait(self, seconds: float, arrived: asyncio.Event) -> bool:
        """Sleep for the pacing, or less if something is queued meanwhile (True then)."""
        if self.sleep is not None:
            await self.sleep(seconds)
            return False
        if arrived.is_set():
            return True
        try:
            await asyncio.wait_for(arrived.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    def _next_ready(self, queues: dict[tuple[str, str], deque[Outgoing]]
                    ) -> tuple[tuple[str, str], Outgoing]:
        """The head-of-chat message that may go soonest (replies win ties). The channel-wide
        limit delays every chat alike, so only each chat's own limit decides the order."""
        def order(pair: tuple[tuple[str, str], Outgoing]) -> tuple[float, int, int]:
            item = pair[1]
            pacer = self.pacers.get(item.channel)
            ready = pacer.chat_ready_at(item.address, _is_group(item)) if pacer else 0.0
            return (ready, item.priority, item.id)

        return min(((key, queue[0]) for key, queue in queues.items()), key=order)

    def _filler(self, queues: dict[tuple[str, str], deque[Outgoing]], head: Outgoing,
                cost: Callable[[Outgoing], float], passed_over: dict[int, float]
                ) -> tuple[tuple[str, str], Outgoing] | None:
        """While `head` waits for room in the channel's second (a 2-segment text, one
        segment free), a smaller message of the same priority that fits now goes instead,
        so the free place is used, not left idle until the window moves on. The head is
        passed over for at most FILL_AT_MOST_SECONDS, and never for a lower priority."""
        pacer = self.pacers.get(head.channel)
        if pacer is None:
            return None
        now = self.monotonic()
        if now - passed_over.get(head.id, now) > FILL_AT_MOST_SECONDS:
            return None
        head_cost = cost(head)
        for key, queue in sorted(queues.items(), key=lambda pair: pair[1][0].id):
            item = queue[0]
            if item is head or item.priority != head.priority or cost(item) >= head_cost:
                continue
            if pacer.ready_at(item.address, cost(item), group=_is_group(item),
                              smooth=False) <= self.monotonic():
                passed_over.setdefault(head.id, now)
                return key, item
        return None

    def _ready_at(self, item: Outgoing, cost: float, smooth: bool = True) -> float:
        pacer = self.pacers.get(item.channel)
        if pacer is None:
            return 0.0
        return pacer.ready_at(item.address, cost, group=_is_group(item), smooth=smooth)

    async def _send_marked(self, item: Outgoing, cost: float) -> Outcome:
        pacer = self.pacers.get(item.channel)
        outcome = await self._send_one(item)
        if pacer is not None:
            # Counted from when the platform answered: it saw the message no later than
            # that, so the gaps it measures are never shorter than ours.
            pacer.record(item.address, cost, group=_is_group(item))
            if outcome.result is Result.RETRY and outcome.retry_after:
                pacer.pause(outcome.retry_after)
        return outcome

    async def _send_one(self, item: Outgoing) -> Outcome:
        try:
            return await self.senders[item.channel].send(item)
        except Exception as error:  # a sender bug must not lose the row
            log.exception("sender for %s raised on outbox %s", item.channel, item.id)
            return Outcome(Result.RETRY, error=type(error).__name__[:64])

    # -- claiming -------------------------------------------------------------------------
    async def claim(self, limit: int | None = None, only_replies: bool = False,
                    channels: Sequence[str] | None = None) -> list[Outgoing]:
        """Take due rows for `channels` (a lane's one channel; every channel by default)."""
        now = self.clock.now()
        channels = list(self.senders if channels is None else channels)
        size = limit or self._claim_size(channels)
        lock = not self.db.is_sqlite
        return await self.db.run(
            lambda c: self._claim(c, now, size, channels, lock, only_replies))

    def _claim_size(self, channels: Sequence[str]) -> int:
        """About a second's worth of sending, so waiting replies are never far behind."""
        paced = [self.pacers[channel] for channel in channels if channel in self.pacers]
        if not paced:
            return self.batch
        fastest = max(p.limits.per_second for p in paced)
        return max(1, min(self.batch, int(fastest)))

    def _claim(self, connection: Connection, now: datetime, size: int, channels: list[str],
               lock: bool, only_replies: bool = False) -> list[Outgoing]:
        """Take up to `size` due rows. Suppression (STOP, blocked, unreachable) and expiry are
        decided here, where sending happens, so every path obeys them."""
        blocked = _BLOCKED
        query = (
            select(_OUTBOX, blocked.label("blocked"))
            .select_from(_OUTBOX.outerjoin(_IDENTITIES, and_(
                _IDENTITIES.c.channel == _OUTBOX.c.channel,
                _IDENTITIES.c.address == _OUTBOX.c.address)))
            .where(_OUTBOX.c.status == "queued", _OUTBOX.c.due_at <= now,
                   _OUTBOX.c.channel.in_(channels))
            .order_by(_OUTBOX.c.priority, _OUTBOX.c.due_at, _OUTBOX.c.id)
            .limit(size)
        )
        if only_replies:
            query = query.where(_OUTBOX.c.priority == 0)
        if lock:
            # Several workers on PostgreSQL each take different rows, without waiting.
            query = query.with_for_update(of=_OUTBOX, skip_locked=True)
        while True:
            rows = connection.execute(query).mappings().all()
            if not rows:
                return []
            suppressed = [r["id"] for r in rows if r["blocked"] and not r["bypass_suppression"]]
            # Late is fine only inside the person's window; after it, the message is skipped.
            expired = [r["id"] for r in rows if r["id"] not in suppressed
                       and r["expires_at"] is not None and r["expires_at"] < now]
            for ids, status in ((suppressed, "suppressed"), (expired, "skipped")):
                if ids:
                    connection.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_(ids))
                                       .values(status=status, updated_at=now))
            for row in rows:
                if row["id"] in suppressed:
                    self._never_arrives(connection, detach(row), now)
            sendable = [r for r in rows if r["id"] not in suppressed and r["id"] not in expired]
            if sendable:
                break
        connection.execute(
            update(_OUTBOX).where(_OUTBOX.c.id.in_([r["id"] for r in sendable]))
            .values(status="claimed", claimed_by=self.worker_id, claimed_at=now, updated_at=now))
        return [detach(r) for r in sendable]

    async def _record_then_mark(self, previous: tuple[Outgoing, Outcome] | None,
                                item: Outgoing) -> bool:
        """Write the previous message's result and mark `item` as sending, together."""
        now = self.clock.now()

        def write(connection: Connection) -> bool:
            if previous is not None:
                self._record(connection, *previous, now)
            mark = update(_OUTBOX).where(_OUTBOX.c.id == item.id, _OUTBOX.c.status == "claimed")
            if not item.bypass_suppression:
                # STOP may have come after the claim: asked again in the very statement that
                # marks the row sending, so a claimed row never goes out after STOP.
                mark = mark.where(~exists().where(
                    _IDENTITIES.c.channel == item.channel, _IDENTITIES.c.address == item.address,
                    _BLOCKED))
            result = connection.execute(mark.values(
                status="sending", attempts=_OUTBOX.c.attempts + 1, claimed_at=now,
                updated_at=now))
            if result.rowcount:
                return True
            # Still claimed means stopped meanwhile; otherwise someone else settled it.
            if connection.execute(
                    update(_OUTBOX).where(_OUTBOX.c.id == item.id, _OUTBOX.c.status == "claimed")
                    .values(status="suppressed", updated_at=now)).rowcount:
                self._never_arrives(connection, item, now)
            return False

        return await self.db.run(write)

    # -- recording ------------------------------------------------------------------------
    async def record(self, item: Outgoing, outcome: Outcome) -> None:
        now = self.clock.now()
        await self.db.run(lambda c: self._record(c, item, outcome, now))

    def _record(self, connection: Connection, item: Outgoing, outcome: Outcome,
                now: datetime) -> None:
        values: dict[str, object] = {"updated_at": now, "error": outcome.error}
        if outcome.segments is not None:
            values["segments"] = outcome.segments
        if outcome.provider_ref is not None:
            values["provider_ref"] = outcome.provider_ref
        if outcome.parts_sent is not None:
            values["parts_sent"] = outcome.parts_sent
        attempts = item.attempts + 1
        if outcome.result is Result.SENT:
            values.update(status="sent", sent_at=now)
        elif outcome.result is Result.RETRY and attempts < self.max_attempts:
            wait = timedelta(seconds=outcome.retry_after) if outcome.retry_after \
                else backoff(attempts)
            values.update(status="queued", due_at=now + wait)
        elif outcome.result in (Result.OPTED_OUT, Result.SUPPRESSED):
            values.update(status="suppressed")
        elif outcome.result is Result.UNKNOWN:
            values.update(status="unknown")
        else:
            values.update(status="failed")
        settled = connection.execute(
            update(_OUTBOX)
            .where(_OUTBOX.c.id == item.id, _OUTBOX.c.status.in_(("sending", "claimed")))
            .values(**values)).rowcount
        if outcome.parts:
            connection.execute(insert(Delivery.__table__), [
                {"outbox_id": item.id, "channel": item.channel, "provider_ref": part.provider_ref,
                 "part": part.number, "segments": part.segments, "status": "sent",
                 "updated_at": now} for part in outcome.parts])
        if outcome.result in (Result.UNREACHABLE, Result.OPTED_OUT):
            column = "unreachable_at" if outcome.result is Result.UNREACHABLE else "opted_out_at"
            connection.execute(
                update(_IDENTITIES)
                .where(_IDENTITIES.c.channel == item.channel,
                       _IDENTITIES.c.address == item.address, _IDENTITIES.c[column].is_(None))
                .values({column: now}))
        if settled and values["status"] in ("failed", "suppressed"):
            self._never_arrives(connection, item, now)
        if item.kind in FORGOTTEN_ONCE_SENT and values["status"] != "queued":
            # After an erasure: once it has gone, keep no trace of what it said (a farewell:
            # nor where it went; a "they have left" notice may name the person forgotten).
            connection.execute(update(_OUTBOX).where(_OUTBOX.c.id == item.id)
                               .values(FORGOTTEN_ONCE_SENT[item.kind]))

    def _never_arrives(self, connection: Connection, item: Outgoing, now: datetime) -> None:
        """Let features know (in this transaction) that `item` will not arrive."""
        for hook in self.after_undelivered:
            hook(connection, item, now)

    # -- after a crash --------------------------------------------------------------------
    async def recover_abandoned(self, older_than: timedelta = ABANDONED_AFTER) -> tuple[int, int]:
        """Rows a dead worker left behind: claimed ones (never tried) go back to the queue;
        the one it was sending has an unknown fate, so it is recorded, not resent.
        Returns (requeued, unknown)."""
        now = self.clock.now()
        cutoff = now - older_than

        def recover(connection: Connection) -> tuple[int, int]:
            requeued = connection.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.status == "claimed", _OUTBOX.c.claimed_at <= cutoff)
                .values(status="queued", claimed_by=None, updated_at=now)).rowcount
            unknown = connection.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.status == "sending", _OUTBOX.c.claimed_at <= cutoff)
                .values(status="unknown", error="worker_stopped_mid_send", updated_at=now)
            ).rowcount
            return int(requeued or 0), int(unknown or 0)

        requeued, unknown = await self.db.run(recover)
        if requeued or unknown:
            log.warning("recovered after a stopped worker: %d requeued, %d of unknown fate",
                        requeued, unknown)
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


def _is_group(item: Outgoing) -> bool:
    # Telegram group and channel chats have negative ids; private chats positive.
    return item.channel == "telegram" and item.address.startswith("-")


def detach(row: Mapping[str, Any] | OutboxMessage) -> Outgoing:
    """A stored row (a result mapping, or the ORM object a receipt handler holds) as the
    detached value senders and hooks take."""
    if isinstance(row, OutboxMessage):
        row = {column.name: getattr(row, column.name) for column in _OUTBOX.columns}
    return Outgoing(
        id=row["id"], person_id=row["person_id"], channel=row["channel"],
        address=row["address"], kind=row["kind"], priority=row["priority"],
        message=Outbound.from_json(row["payload"]), attempts=row["attempts"],
        idempotency_key=row["idempotency_key"], parts_sent=row["parts_sent"],
        bypass_suppression=row["bypass_suppression"],
    )
