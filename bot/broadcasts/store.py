"""Broadcasts kept: made (`create`), listed with what became of their copies (`history`,
`get`), and cancelled before they go (`cancel`). Every change is in the audit log, with the
coordinator's staff account and counts, never anyone's details.

What became of the copies is read from their outbox rows, the dispatcher's own record:
- delivered: a delivery receipt said so (SMS), or the platform took it (Telegram has no
  receipts: taking it is delivering it);
- on its way: queued (perhaps until someone's quiet hours end), being sent, or an SMS sent
  and waiting for its receipt;
- failed: the platform refused it for good, or a crash left its fate unknown;
- not sent: STOP, lost consent or a pause after it was queued, or quiet hours and a
  backlog kept it back past `GIVE_UP_AFTER`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from bot.broadcasts.audience import Audience
from bot.broadcasts.message import Estimate
from bot.broadcasts.models import CANCELLED, SCHEDULED, SENT, Broadcast, BroadcastCopy
from bot.staff import audit
from bot.storage.models import OutboxMessage

HISTORY = 50  # broadcasts on the history page, the newest first
# A copy quiet hours (or a dispatcher that was down) kept back longer than this after its
# broadcast was due is not sent: news that old would be more confusing than useful.
GIVE_UP_AFTER = timedelta(days=3)
ON_ITS_WAY = ("queued", "claimed", "sending")
FAILED = ("failed", "unknown")
NOT_SENT = ("suppressed", "cancelled")


@dataclass
class Counts:
    """What became of a broadcast's copies (see the module's docstring)."""

    delivered: int = 0
    on_its_way: int = 0
    failed: int = 0
    not_sent: int = 0
    segments: int = 0  # SMS segments the provider took, for the cost so far


@dataclass(frozen=True)
class Summary:
    id: int
    text: str
    audience: Audience
    status: str
    scheduled_at: datetime
    created_at: datetime
    created_by_name: str | None
    sent_at: datetime | None
    recipients: int
    skipped: int
    cancelled_at: datetime | None
    cancelled_by_name: str | None
    estimated_recipients: int
    estimated_segments: int
    estimated_cost: float
    price_per_segment: float
    counts: Counts = field(default_factory=Counts)

    @property
    def cost_so_far(self) -> float:
        return round(self.counts.segments * self.price_per_segment, 2)


def create(connection: Connection, *, text: str, audience: Audience, scheduled_at: datetime,
           estimate: Estimate, staff_id: int, staff_name: str, now: datetime) -> int:
    """A confirmed broadcast, due at `scheduled_at` (now or later); its id."""
    broadcast_id = int(connection.execute(insert(Broadcast).values(
        text=text, audience=audience.to_json(), status=SCHEDULED, scheduled_at=scheduled_at,
        created_at=now, created_by=staff_id, created_by_name=staff_name,
        estimated_recipients=estimate.recipients, estimated_segments=estimate.segments,
        estimated_cost=estimate.cost, price_per_segment=estimate.per_segment,
        recipients=0, skipped=0).returning(Broadcast.id)).scalar_one())
    audit.record(connection, now, staff_id, "broadcast_composed",
                 target=f"broadcast:{broadcast_id}",
                 detail=f"{estimate.recipients} people ({estimate.telegram} Telegram, "
                        f"{estimate.sms} SMS), {estimate.segments} segments, "
                        f"about £{estimate.cost:.2f}, due {scheduled_at.isoformat()}")
    return broadcast_id


def cancel(connection: Connection, broadcast_id: int, staff_id: int, staff_name: str,
           now: datetime) -> str:
    """Cancel a broadcast that has not gone yet: "cancelled", or why not ("no_broadcast",
    "already_sent", "already_cancelled"). Only a scheduled one can be: once the job has
    queued its copies the rows are the outbox's, and the outcome is the job's."""
    changed = connection.execute(update(Broadcast).where(
        Broadcast.id == broadcast_id, Broadcast.status == SCHEDULED).values(
        status=CANCELLED, cancelled_at=now, cancelled_by=staff_id,
        cancelled_by_name=staff_name)).rowcount
    if changed:
        audit.record(connection, now, staff_id, "broadcast_cancelled",
                     target=f"broadcast:{broadcast_id}")
        return "cancelled"
    status = connection.scalar(select(Broadcast.status).where(Broadcast.id == broadcast_id))
    if status is None:
        return "no_broadcast"
    return "already_cancelled" if status == CANCELLED else "already_sent"


def get(connection: Connection, broadcast_id: int, now: datetime) -> Summary | None:
    query = select(Broadcast.__table__).where(Broadcast.id == broadcast_id)
    found = _summaries(connection, query, now)
    return found[0] if found else None


def history(connection: Connection, now: datetime, limit: int = HISTORY) -> list[Summary]:
    """The latest broadcasts, newest first (scheduled ones by when they were made)."""
    return _summaries(connection, select(Broadcast.__table__).order_by(
        Broadcast.created_at.desc(), Broadcast.id.desc()).limit(limit), now)


def counts(connection: Connection, broadcast_ids: Sequence[int], now: datetime
           ) -> dict[int, Counts]:
    """Per broadcast, what became of its copies (their latest outbox rows)."""
    found: dict[int, Counts] = {bid: Counts() for bid in broadcast_ids}
    if not broadcast_ids:
        return found
    rows = connection.execute(
        select(BroadcastCopy.broadcast_id, Broadcast.scheduled_at, OutboxMessage.status,
               OutboxMessage.channel, func.count(), func.sum(OutboxMessage.segments))
        .join(Broadcast, Broadcast.id == BroadcastCopy.broadcast_id)
        .outerjoin(OutboxMessage, OutboxMessage.id == BroadcastCopy.outbox_id)
        .where(BroadcastCopy.broadcast_id.in_(list(broadcast_ids)))
        .group_by(BroadcastCopy.broadcast_id, Broadcast.scheduled_at, OutboxMessage.status,
                  OutboxMessage.channel))
    for broadcast_id, due, status, channel, number, segments in rows:
        tally = found[broadcast_id]
        tally.segments += int(segments or 0) if status in ("sent", "delivered") else 0
        bucket = _bucket(status, channel, gave_up=due + GIVE_UP_AFTER <= now)
        setattr(tally, bucket, getattr(tally, bucket) + int(number))
    return found


def _bucket(status: str | None, channel: str | None, *, gave_up: bool) -> str:
    if status == "delivered" or (status == "sent" and channel != "sms"):
        return "delivered"
    if status in ON_ITS_WAY or status == "sent":
        return "on_its_way"
    if status in FAILED:
        return "failed"
    if status == "skipped" and not gave_up:
        return "on_its_way"  # quiet hours began first: the job queues it again
    return "not_sent"


def _summaries(connection: Connection, query: Any, now: datetime) -> list[Summary]:
    rows = list(connection.execute(query))
    tallies = counts(connection, [row.id for row in rows if row.status == SENT], now)
    return [Summary(row.id, row.text, Audience.from_json(row.audience), row.status,
                    row.scheduled_at, row.created_at, row.created_by_name, row.sent_at,
                    row.recipients, row.skipped, row.cancelled_at, row.cancelled_by_name,
                    row.estimated_recipients, row.estimated_segments, row.estimated_cost,
                    row.price_per_segment, tallies.get(row.id, Counts()))
            for row in rows]
