"""Delivery receipts: what a platform later says became of a message we sent.

A receipt moves one part's delivery on (never back: they arrive out of order), marks the
message delivered when every part is, and failed when any part fails. A failure the
platform says happened before the text left it is sent again (at most `MAX_RESENDS`
times); a number that opted out or cannot be reached is marked so on its identity; and a
message that never arrived runs the undelivered hooks once (peer support tells a relay's
writer), in the receipt's own transaction. The SMS channel reads Twilio's callback and
hands it here; the rules are the outbox's, not Twilio's.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.dispatch.outbox import UndeliveredHook, detach
from bot.storage.db import Database
from bot.storage.models import Delivery, Identity, OutboxMessage

MAX_RESENDS = 2
# Receipt statuses, in the order a message moves through them; a late 'sent' receipt
# must not undo 'delivered'.
RECEIPT_ORDER = {"accepted": 0, "queued": 1, "sending": 2, "sent": 3, "delivered": 4,
                 "undelivered": 4, "failed": 4, "read": 5}


@dataclass(frozen=True)
class FailureCodes:
    """A platform's error codes, by what they mean for the number."""

    platform: str  # recorded errors read "<platform>_<code>"
    opted_out: Collection[int]  # the person opted out with the carrier
    unreachable: Collection[int]  # the number cannot get messages
    transient: Collection[int]  # failed before leaving the platform: safe to send again


@dataclass(frozen=True)
class ReceiptOutcome:
    requeued: int | None = None  # the outbox id queued again
    told: bool = False  # an undelivered hook queued a message


async def record_receipt(db: Database, now: datetime, channel: str, sid: str, status: str,
                         code: int | None, *, codes: FailureCodes,
                         hooks: Sequence[UndeliveredHook] = ()) -> ReceiptOutcome:
    """Record one receipt (`status` one of `RECEIPT_ORDER`, `code` the platform's error
    code) for the part the platform knows as `sid`. Receipts for messages we don't hold
    (never ours, or erased with their person) are ignored."""
    requeued: int | None = None
    told = False
    async with db.transaction() as session:
        delivery = (await session.execute(select(Delivery).where(
            Delivery.channel == channel, Delivery.provider_ref == sid))).scalar_one_or_none()
        if delivery is None:
            return ReceiptOutcome()  # not ours, or already erased with its person
        if RECEIPT_ORDER[status] < RECEIPT_ORDER.get(delivery.status, 0):
            return ReceiptOutcome()  # receipts can arrive out of order
        delivery.status = status
        delivery.error = f"{codes.platform}_{code}" if code else None
        delivery.updated_at = now
        row = await session.get(OutboxMessage, delivery.outbox_id)
        if row is None:
            return ReceiptOutcome()
        parts = (await session.execute(select(Delivery.status).where(
            Delivery.outbox_id == row.id))).scalars().all()
        if status in ("failed", "undelivered"):
            first_failure = row.status != "failed"  # one notice, however many parts
            row.status, row.error, row.updated_at = "failed", delivery.error, now
            if code in codes.opted_out or code in codes.unreachable:
                column = "opted_out_at" if code in codes.opted_out else "unreachable_at"
                await session.execute(update(Identity).where(
                    Identity.channel == channel, Identity.address == row.address,
                    getattr(Identity, column).is_(None)).values({column: now}))
            # Only a message that never left the platform, in every part, is safe to send
            # again.
            if (status == "failed" and code in codes.transient and
                    all(p == "failed" for p in parts) and row.attempts < MAX_RESENDS + 1):
                row.status, row.parts_sent, row.due_at = "queued", 0, now
                await session.execute(update(Delivery).where(
                    Delivery.outbox_id == row.id).values(status="superseded"))
                requeued = row.id
            elif first_failure and hooks:
                told = await _undelivered(session, row, now, hooks)
        elif status == "delivered" and all(p == "delivered" for p in parts):
            row.status, row.updated_at = "delivered", now
    return ReceiptOutcome(requeued, told)


async def _undelivered(session: AsyncSession, row: OutboxMessage, now: datetime,
                       hooks: Sequence[UndeliveredHook]) -> bool:
    """Run the undelivered hooks in this transaction; True if any queued a message."""
    await session.flush()
    item = detach(row)

    def run(sync: Session) -> bool:
        connection = sync.connection()
        return any([hook(connection, item, now) for hook in hooks])

    return await session.run_sync(run)
