"""The dispatcher: claims due outbox rows, enforces suppression, sends, records the result.

Rows move queued -> sending -> sent (-> delivered) or failed / suppressed / skipped /
unknown. A row is marked `sending` and committed before the network call, so a crash
mid-send leaves evidence (`unknown`) instead of a silent resend.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.clock import Clock
from bot.engine.events import Outbound
from bot.storage.db import Database
from bot.storage.models import Delivery, Identity, OutboxMessage

log = logging.getLogger(__name__)

DEFAULT_BATCH = 200
MAX_ATTEMPTS = 6
# A row left `sending` this long belonged to a worker that died mid-send.
STALE_CLAIM = timedelta(minutes=5)


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


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(600, 2 ** attempts))


class Dispatcher:
    def __init__(self, db: Database, clock: Clock, senders: Mapping[str, Sender], *,
                 worker_id: str = "worker", batch: int = DEFAULT_BATCH,
                 max_attempts: int = MAX_ATTEMPTS) -> None:
        self.db = db
        self.clock = clock
        self.senders = dict(senders)
        self.worker_id = worker_id
        self.batch = batch
        self.max_attempts = max_attempts

    async def drain(self, limit_rounds: int = 1000) -> int:
        """Send everything due now; returns how many messages were sent."""
        total = 0
        for _ in range(limit_rounds):
            claimed = await self.claim()
            if not claimed:
                break
            total += await self.send_all(claimed)
        return total

    async def send_all(self, claimed: Sequence[Outgoing]) -> int:
        sent = 0
        closed: set[tuple[str, str]] = set()  # addresses that blocked us or opted out just now
        for item in claimed:
            if (item.channel, item.address) in closed and not item.bypass_suppression:
                await self.record(item, Outcome(Result.SUPPRESSED))
                continue
            outcome = await self._send_one(item)
            await self.record(item, outcome)
            sent += outcome.result is Result.SENT
            if outcome.result in (Result.UNREACHABLE, Result.OPTED_OUT):
                closed.add((item.channel, item.address))
        return sent

    async def _send_one(self, item: Outgoing) -> Outcome:
        try:
            return await self.senders[item.channel].send(item)
        except Exception as error:  # a sender bug must not lose the row
            log.exception("sender for %s raised on outbox %s", item.channel, item.id)
            return Outcome(Result.RETRY, error=type(error).__name__[:64])

    # -- claiming -------------------------------------------------------------------------
    async def claim(self, limit: int | None = None) -> list[Outgoing]:
        now = self.clock.now()
        async with self.db.transaction() as session:
            await self._settle_unsendable(session, now)
            query = (
                select(OutboxMessage)
                .where(OutboxMessage.status == "queued", OutboxMessage.due_at <= now,
                       OutboxMessage.channel.in_(list(self.senders)))
                .order_by(OutboxMessage.priority, OutboxMessage.due_at, OutboxMessage.id)
                .limit(limit or self.batch)
            )
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            rows = list((await session.execute(query)).scalars())
            claimed = []
            for row in rows:
                row.status = "sending"
                row.claimed_by = self.worker_id
                row.claimed_at = now
                row.attempts += 1
                row.updated_at = now
                claimed.append(_detach(row))
            return claimed

    async def _settle_unsendable(self, session: AsyncSession, now: datetime) -> None:
        """Suppression and expiry are decided here, where sending happens, for every path."""
        blocked = exists().where(
            Identity.channel == OutboxMessage.channel,
            Identity.address == OutboxMessage.address,
            or_(Identity.opted_out_at.is_not(None), Identity.unreachable_at.is_not(None)),
        )
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "queued", OutboxMessage.due_at <= now,
                   OutboxMessage.bypass_suppression.is_(False), blocked)
            .values(status="suppressed", updated_at=now)
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "queued", OutboxMessage.expires_at.is_not(None),
                   OutboxMessage.expires_at < now)
            .values(status="skipped", updated_at=now)
            .execution_options(synchronize_session=False)
        )

    # -- recording ------------------------------------------------------------------------
    async def record(self, item: Outgoing, outcome: Outcome) -> None:
        now = self.clock.now()
        values: dict[str, object] = {"updated_at": now, "error": outcome.error}
        if outcome.segments is not None:
            values["segments"] = outcome.segments
        if outcome.provider_ref is not None:
            values["provider_ref"] = outcome.provider_ref
        if outcome.parts_sent is not None:
            values["parts_sent"] = outcome.parts_sent
        if outcome.result is Result.SENT:
            values.update(status="sent", sent_at=now)
        elif outcome.result is Result.RETRY and item.attempts < self.max_attempts:
            wait = timedelta(seconds=outcome.retry_after) if outcome.retry_after \
                else backoff(item.attempts)
            values.update(status="queued", due_at=now + wait)
        elif outcome.result in (Result.OPTED_OUT, Result.SUPPRESSED):
            values.update(status="suppressed")
        elif outcome.result is Result.UNKNOWN:
            values.update(status="unknown")
        else:
            values.update(status="failed")
        async with self.db.transaction() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == item.id, OutboxMessage.status == "sending")
                .values(**values)
            )
            for part in outcome.parts:
                session.add(Delivery(outbox_id=item.id, channel=item.channel,
                                     provider_ref=part.provider_ref, part=part.number,
                                     segments=part.segments, status="sent", updated_at=now))
            if outcome.result in (Result.UNREACHABLE, Result.OPTED_OUT):
                column = "unreachable_at" if outcome.result is Result.UNREACHABLE \
                    else "opted_out_at"
                await session.execute(
                    update(Identity)
                    .where(Identity.channel == item.channel, Identity.address == item.address,
                           getattr(Identity, column).is_(None))
                    .values({column: now})
                )
            if item.person_id is None and outcome.result is not Result.RETRY:
                # A farewell after erasure: once it has gone, keep no trace of where it went.
                await session.execute(
                    update(OutboxMessage).where(OutboxMessage.id == item.id)
                    .values(address="", payload={"text": ""})
                )

    async def recover_stale_claims(self) -> int:
        """Rows a dead worker left `sending`: their fate is unknown, so never resend blindly."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == "sending",
                       and_(OutboxMessage.claimed_at.is_not(None),
                            OutboxMessage.claimed_at < now - STALE_CLAIM))
                .values(status="unknown", updated_at=now)
            )
            return int(getattr(result, "rowcount", 0) or 0)


def _detach(row: OutboxMessage) -> Outgoing:
    return Outgoing(
        id=row.id, person_id=row.person_id, channel=row.channel, address=row.address,
        kind=row.kind, priority=row.priority, message=Outbound.from_json(row.payload),
        attempts=row.attempts, idempotency_key=row.idempotency_key,
        parts_sent=row.parts_sent, bypass_suppression=row.bypass_suppression,
    )
