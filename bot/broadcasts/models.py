"""The tables of broadcasts, registered on the one `Base` (see bot/all_tables.py).
Migration: 0017_broadcasts.

- `broadcasts`: one message from the Move Mates team to an audience, as a coordinator
  confirmed it (the words, who it is for, when it goes, the estimate they saw) and what
  became of it (queued for how many, skipped how many, or cancelled, and by whom).
- `broadcast_copies`: one row per person a broadcast was queued for, unique per
  (broadcast, person): however many workers run the job, or however often it restarts,
  nobody gets a second copy. `outbox_id` is the copy's outbox row (the latest, when quiet
  hours moved it on), read for the delivered and failed counts; no foreign key, as the
  outbox is storage's and is never pruned (only its words are forgotten).

A resident's copies go with them when they erase their data (ON DELETE CASCADE); the
broadcast itself holds nobody's details: the team's words and counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base

# scheduled -> sent (every copy queued, in one transaction), or scheduled -> cancelled.
SCHEDULED, SENT, CANCELLED = "scheduled", "sent", "cancelled"
STATUSES = (SCHEDULED, SENT, CANCELLED)


class Broadcast(Base):
    """A message to an audience: `audience` is {"districts": [...], "interests": [...],
    "channel": "telegram" | "sms" | "both"} (empty lists: everyone)."""

    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_due", "status", "scheduled_at"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    audience: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(12), default=SCHEDULED)
    scheduled_at: Mapped[datetime]
    created_at: Mapped[datetime]
    # The coordinator who confirmed it (`staff_accounts.id`; accounts are never deleted).
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    created_by_name: Mapped[str | None] = mapped_column(String(80))
    # What they were shown when they confirmed it.
    estimated_recipients: Mapped[int] = mapped_column(Integer, default=0)
    estimated_segments: Mapped[int] = mapped_column(Integer, default=0)
    estimated_cost: Mapped[float] = mapped_column(Float, default=0.0)
    price_per_segment: Mapped[float] = mapped_column(Float, default=0.0)
    # When the job queued every copy (in one transaction), how many, and how many of the
    # audience it left out then.
    sent_at: Mapped[datetime | None]
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    # (STOP on every channel asked for, no consent, paused, unreachable.)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    cancelled_by_name: Mapped[str | None] = mapped_column(String(80))


class BroadcastCopy(Base):
    """One person's copy of a broadcast: the channel it went by and its outbox row."""

    __tablename__ = "broadcast_copies"
    __table_args__ = (UniqueConstraint("broadcast_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"),
                                           index=True)
    channel: Mapped[str] = mapped_column(String(16))
    outbox_id: Mapped[int | None] = mapped_column(Integer)
    # 1, then one more each time quiet hours began before it could go and it moved on.
    attempt: Mapped[int] = mapped_column(SmallInteger, default=1)
    queued_at: Mapped[datetime]
