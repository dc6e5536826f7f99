"""Taking rows to send, in each address's order, and marking each one `sending` just before
it goes: the SQL of the dispatcher (bot/dispatch/outbox.py).

**Messages to one address keep their order.** An address's messages go in the order of
(priority, id): a row is not claimed, and not marked `sending`, while an earlier one to the
same address (same channel and address) is unsettled: claimed or sending anywhere, due and
queued, or queued again to be retried after a 429, a 5xx or a network fault. So a retry
holds back what was queued after it (a relay's second message, the next part of a reply)
instead of being overtaken, and with several workers on PostgreSQL an address's rows are
claimed by one worker at a time (rows another worker holds for it are skipped, as are rows
behind them). Planned messages not yet due hold back nothing, and a reply (priority 0) may
go ahead of a planned message that has not started. A claim takes an address's next rows
together with its first only on channels without a per-chat limit (SMS): on Telegram they
would wait a second each and hold up the batch.

Suppression (STOP, blocked, unreachable) and expiry are decided here, where sending
happens, so every path obeys them: at the claim, and again in the very statement that marks
a row `sending` (STOP may come after the claim).

After a crash, claimed rows go back to the queue (they were never tried) and rows left
`sending` become `unknown`: recorded, never resent blindly (`recover_abandoned`). On
PostgreSQL a worker claims under its lease's name (bot/dispatch/liveness.py), so its rows are
recovered as soon as its lease is free, and never while it holds it; rows claimed under other
names (workers that take no lease) are recovered by age. A row is marked `sending`, or put
back, only by the name that claimed it: a worker whose lease was lost (and whose rows were
recovered and claimed by another) never sends them too.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    exists,
    false,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.sql.expression import Alias
from sqlalchemy.sql.schema import Table

from bot.dispatch.liveness import LEASE_MARK, TRY_XACT_LOCK, lock_key
from bot.dispatch.message import AddressKey, Outgoing, detach
from bot.storage.models import Identity, OutboxMessage

# A row in these states is not settled: what is queued after it to the same address waits.
UNSETTLED = ("queued", "claimed", "sending")
# The error of a row recovered `sending` from a worker taken for dead: of unknown fate until
# that worker, if it lives on, writes what became of it (bot/dispatch/results.py).
STOPPED_MID_SEND = "worker_stopped_mid_send"
# Runs a message's "it will never arrive" hooks: (connection, the row, when).
NeverArrives = Callable[[Connection, Outgoing, datetime], None]

_OUTBOX = OutboxMessage.__table__
_IDENTITIES = Identity.__table__
# The same table again, for "an earlier message to the same address" (`ix_outbox_line`).
_LINE = _OUTBOX.alias("line")
# STOP or unreachable: decided where sending happens, at the claim and again at the send.
_BLOCKED = or_(_IDENTITIES.c.opted_out_at.is_not(None), _IDENTITIES.c.unreachable_at.is_not(None))


class Mark(StrEnum):
    """What became of a claimed row when it was to be marked `sending`."""

    SENDING = "sending"  # marked: hand it to the channel now
    HELD = "held"  # an earlier message to its address is still to go: back to the queue
    GONE = "gone"  # suppressed (STOP since the claim), or settled by someone else


def claim(connection: Connection, now: datetime, *, size: int, channels: Sequence[str],
          worker_id: str, lock: bool, runs: Collection[str], only_replies: bool,
          never_arrives: NeverArrives) -> list[Outgoing]:
    """Take up to `size` due rows that are first in their address's line, and on the
    channels in `runs` (no per-chat limit) the rows right behind them. `lock`: several
    workers (PostgreSQL) each take different rows, without waiting."""
    query = _first_in_line(now, size, channels, worker_id, only_replies)
    if lock:
        query = query.with_for_update(of=_OUTBOX, skip_locked=True)
    while True:
        rows = list(connection.execute(query).mappings().all())
        if not rows:
            return []
        rows += _followers(connection, rows, now, size, [c for c in channels if c in runs],
                           lock, only_replies)
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
                never_arrives(connection, detach(row), now)
        sendable = [r for r in rows if r["id"] not in suppressed and r["id"] not in expired]
        if sendable:
            break
    connection.execute(
        update(_OUTBOX).where(_OUTBOX.c.id.in_([r["id"] for r in sendable]))
        .values(status="claimed", claimed_by=worker_id, claimed_at=now, updated_at=now))
    return [detach(r) for r in sendable]


def _first_in_line(now: datetime, size: int, channels: Sequence[str], worker_id: str,
                   only_replies: bool) -> Select[Any]:
    """Due queued rows with nothing before them in their address's line, and nothing to
    that address in another worker's hands."""
    waits = exists().where(
        _same_address(_LINE, _OUTBOX),
        or_(and_(_holds_line(_LINE, now), _goes_before(_LINE, _OUTBOX)),
            and_(_LINE.c.status.in_(("claimed", "sending")), _LINE.c.claimed_by != worker_id)))
    query = (
        _with_blocked()
        .where(_OUTBOX.c.status == "queued", _OUTBOX.c.due_at <= now,
               _OUTBOX.c.channel.in_(channels), ~waits)
        # In the order of `ix_outbox_due`, so a claim reads about `size` rows (with the id
        # too, PostgreSQL sorted every due row: 75 ms with 10,000 due); rows due at the same
        # moment come in the index's own order, and each address's order is kept whatever
        # the order of the claim.
        .order_by(_OUTBOX.c.priority, _OUTBOX.c.due_at)
        .limit(size)
    )
    if only_replies:
        query = query.where(_OUTBOX.c.priority == 0)
    return query


def _followers(connection: Connection, firsts: Sequence[Mapping[str, Any]], now: datetime,
               size: int, channels: Sequence[str], lock: bool, only_replies: bool
               ) -> list[Mapping[str, Any]]:
    """The due rows queued right behind `firsts` in their addresses' lines, on `channels`
    (an SMS reply in three texts goes as one run), at most `size`. The line is read as
    committed; a row another worker is taking (locked) ends its line there."""
    starts = {(r["channel"], r["address"]): r["id"] for r in firsts if r["channel"] in channels}
    if not starts or size <= 0:
        return []
    line = connection.execute(
        _with_blocked()
        .where(_unsettled(_OUTBOX), _OUTBOX.c.channel.in_({c for c, _ in starts}),
               _OUTBOX.c.address.in_({address for _, address in starts}),
               _holds_line(_OUTBOX, now))
        .order_by(_OUTBOX.c.priority, _OUTBOX.c.id)).mappings().all()
    by_address: dict[AddressKey, list[Mapping[str, Any]]] = {}
    for row in line:
        by_address.setdefault((row["channel"], row["address"]), []).append(row)
    behind: list[Mapping[str, Any]] = []
    for key, first in starts.items():
        rows = by_address.get(key, [])
        after = next((n for n, row in enumerate(rows) if row["id"] == first), None)
        if after is None:
            continue
        for row in rows[after + 1:]:
            if row["status"] != "queued" or row["due_at"] > now or \
                    (only_replies and row["priority"] != 0) or len(behind) >= size:
                break  # on its way elsewhere, or waiting to be retried: the line stops
            behind.append(row)
    if lock and behind:
        # Rows another worker is taking right now are not ours, nor what follows them.
        free = set(connection.execute(
            select(_OUTBOX.c.id).where(_OUTBOX.c.id.in_([r["id"] for r in behind]),
                                       _OUTBOX.c.status == "queued")
            .with_for_update(skip_locked=True)).scalars())
        cut: set[AddressKey] = set()
        kept = []
        for row in behind:
            key = (row["channel"], row["address"])
            if key in cut or row["id"] not in free:
                cut.add(key)
            else:
                kept.append(row)
        behind = kept
    return behind


def mark_sending(connection: Connection, items: Sequence[Outgoing], now: datetime, *,
                 worker_id: str, never_arrives: NeverArrives) -> dict[int, Mark]:
    """Mark `items` (each to a different address) `sending`, each only if still claimed by
    `worker_id`, nothing earlier to its address is still to go or being retried, nothing to
    it is on its way from another worker, and its address has not stopped (STOP may have
    come after the claim: asked again in the very statement that marks the row, so a claimed
    row never goes out after STOP). Rows not marked are suppressed, or go back to the queue
    behind the earlier one, or are dropped (recovered and claimed by someone else)."""
    if not items:
        return {}
    mark = update(_OUTBOX).where(
        _OUTBOX.c.id.in_([item.id for item in items]), _OUTBOX.c.status == "claimed",
        _OUTBOX.c.claimed_by == worker_id,
        ~exists().where(
            _same_address(_LINE, _OUTBOX),
            or_(and_(_holds_line(_LINE, now), _goes_before(_LINE, _OUTBOX)),
                and_(_LINE.c.status == "sending", _LINE.c.claimed_by != worker_id))),
        or_(_OUTBOX.c.bypass_suppression.is_(True), ~exists().where(
            _IDENTITIES.c.channel == _OUTBOX.c.channel,
            _IDENTITIES.c.address == _OUTBOX.c.address, _BLOCKED)))
    sending = set(connection.execute(mark.values(
        status="sending", attempts=_OUTBOX.c.attempts + 1, claimed_at=now,
        updated_at=now).returning(_OUTBOX.c.id)).scalars())
    marks = {item.id: Mark.SENDING for item in items if item.id in sending}
    for item in items:
        if item.id not in sending:
            marks[item.id] = _not_marked(connection, item, now, worker_id, never_arrives)
    return marks


def _not_marked(connection: Connection, item: Outgoing, now: datetime, worker_id: str,
                never_arrives: NeverArrives) -> Mark:
    """Why `item` was not marked sending, acted on: suppressed if stopped since the claim,
    back to the queue if an earlier message to its address is still to go."""
    row = connection.execute(select(_OUTBOX.c.status, _OUTBOX.c.claimed_by)
                             .where(_OUTBOX.c.id == item.id)).one_or_none()
    if row is None or tuple(row) != ("claimed", worker_id):
        return Mark.GONE  # settled meanwhile, or recovered from us (our lease was lost)
    blocked = connection.scalar(select(exists().where(
        _IDENTITIES.c.channel == item.channel, _IDENTITIES.c.address == item.address,
        _BLOCKED)))
    if blocked and not item.bypass_suppression:
        # Stopped (or found unreachable) since the claim.
        connection.execute(update(_OUTBOX).where(_OUTBOX.c.id == item.id)
                           .values(status="suppressed", updated_at=now))
        never_arrives(connection, item, now)
        return Mark.GONE
    release(connection, [item], now, worker_id)
    return Mark.HELD


def release(connection: Connection, items: Sequence[Outgoing], now: datetime,
            worker_id: str) -> None:
    """Rows claimed by `worker_id` back to the queue, untried: they wait behind an earlier
    message (or for the next round, when a lane stopped before sending them)."""
    if items:
        connection.execute(
            update(_OUTBOX)
            .where(_OUTBOX.c.id.in_([item.id for item in items]), _OUTBOX.c.status == "claimed",
                   _OUTBOX.c.claimed_by == worker_id)
            .values(status="queued", claimed_by=None, updated_at=now))


def unmark(connection: Connection, items: Sequence[Outgoing], now: datetime,
           names: Collection[str]) -> None:
    """Rows we marked `sending` (under one of our `names`: a lease taken again is a new
    one) that never went (the lane stopped before handing them over): back to the queue,
    the attempt not counted. Also when they were recovered from us meanwhile and made
    `unknown`: they never went, and nobody resends an unknown row, so this is no double."""
    if items:
        connection.execute(
            update(_OUTBOX)
            .where(_OUTBOX.c.id.in_([item.id for item in items]),
                   _OUTBOX.c.claimed_by.in_(names),
                   or_(_OUTBOX.c.status == "sending",
                       and_(_OUTBOX.c.status == "unknown", _OUTBOX.c.error == STOPPED_MID_SEND)))
            .values(status="queued", claimed_by=None, attempts=_OUTBOX.c.attempts - 1,
                    updated_at=now))


def recover_abandoned(connection: Connection, cutoff: datetime, now: datetime
                      ) -> tuple[int, int]:
    """Rows a dead worker left behind: claimed ones (never tried) go back to the queue; those
    it was sending have an unknown fate, so they are recorded, not resent. Returns (requeued,
    unknown).

    A worker is dead when, on PostgreSQL, it claimed under a lease name whose lock is free
    (whatever the rows' age; a held lease keeps its rows, however old); otherwise (SQLite,
    names without a lease) when its rows were claimed no later than `cutoff`."""
    abandoned = _OUTBOX.c.claimed_at <= cutoff
    if connection.dialect.name == "postgresql":
        dead = dead_leases(connection)
        without_lease = or_(_OUTBOX.c.claimed_by.is_(None),
                            ~_OUTBOX.c.claimed_by.contains(LEASE_MARK))
        abandoned = or_(_OUTBOX.c.claimed_by.in_(dead) if dead else false(),
                        and_(abandoned, without_lease))
    requeued = connection.execute(
        update(_OUTBOX)
        .where(_OUTBOX.c.status == "claimed", abandoned)
        .values(status="queued", claimed_by=None, updated_at=now)).rowcount
    unknown = connection.execute(
        update(_OUTBOX)
        .where(_OUTBOX.c.status == "sending", abandoned)
        .values(status="unknown", error=STOPPED_MID_SEND, updated_at=now)).rowcount
    return int(requeued or 0), int(unknown or 0)


def dead_leases(connection: Connection) -> list[str]:
    """PostgreSQL: the lease names holding claimed or sending rows whose lock is free (their
    worker is gone). Each such lock stays taken by this transaction until it ends, so the
    rows are recovered before anyone could hold it again (a name is never reused anyway).
    One round trip per name: a few, one per worker that claimed something."""
    names = connection.execute(
        select(_OUTBOX.c.claimed_by).distinct()
        .where(_OUTBOX.c.status.in_(("claimed", "sending")),
               _OUTBOX.c.claimed_by.contains(LEASE_MARK))).scalars().all()
    return [name for name in names
            if connection.scalar(TRY_XACT_LOCK, {"key": lock_key(name)})]


def _with_blocked() -> Select[Any]:
    """Outbox rows, each with whether its address stopped or can't be reached."""
    return (select(_OUTBOX, _BLOCKED.label("blocked"))
            .select_from(_OUTBOX.outerjoin(_IDENTITIES, and_(
                _IDENTITIES.c.channel == _OUTBOX.c.channel,
                _IDENTITIES.c.address == _OUTBOX.c.address))))


def _same_address(line: Table | Alias, row: Table | Alias) -> ColumnElement[bool]:
    """Another unsettled row to the same address (read through `ix_outbox_line`)."""
    return and_(_unsettled(line), line.c.channel == row.c.channel,
                line.c.address == row.c.address, line.c.id != row.c.id)


def _unsettled(table: Table | Alias) -> ColumnElement[bool]:
    # Written out as the partial index `ix_outbox_line` says it, so SQLite uses the index.
    return table.c.status.in_([literal_column(f"'{status}'") for status in UNSETTLED])


def _holds_line(table: Table | Alias, now: datetime) -> ColumnElement[bool]:
    """An unsettled row that what follows it to its address must wait for: on its way, due,
    or queued again for a retry. A planned row not yet due holds nothing back."""
    return or_(table.c.status != "queued", table.c.due_at <= now, table.c.attempts > 0,
               table.c.parts_sent > 0)


def _goes_before(line: Table | Alias, row: Table | Alias) -> ColumnElement[bool]:
    """`line`'s row goes before `row` to the same address: (priority, id)."""
    return or_(line.c.priority < row.c.priority,
               and_(line.c.priority == row.c.priority, line.c.id < row.c.id))
