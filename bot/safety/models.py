"""The safety alert table: an urgent or crisis message, and what the duty team did about it.
Registered on the one `Base` (see storage/models.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base


class SafetyAlert(Base):
    """Opened by the engine when the screen finds an emergency or crisis; seen,
    acknowledged, noted and closed by the duty team (ALERT commands, `movemates alerts`)."""

    __tablename__ = "safety_alerts"
    __table_args__ = (Index("ix_safety_alerts_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Gone (NULL) when the person asks us to forget them; the alert stays, anonymous.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"),
                                                  index=True)
    category: Mapped[str] = mapped_column(String(16))  # crisis | red_flag
    topic: Mapped[str] = mapped_column(String(32))  # the reply sent, e.g. chest_pain
    channel: Mapped[str] = mapped_column(String(16))
    # The message itself, for the duty team: forgotten after 30 days (retention).
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | acknowledged | closed
    created_at: Mapped[datetime]
    notified: Mapped[int] = mapped_column(Integer, default=0)  # people told at once
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"))
    escalated_at: Mapped[datetime | None]  # every coordinator told: nobody acknowledged
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    notes: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"notes": [{by, at, text}]}
    # The same done by a member of staff in the web console (`bot/staff`), with the name
    # they had then (shown by ALERT commands too). No foreign key: features stand apart,
    # and staff accounts are never deleted, only disabled. Staff notes carry
    # {"staff": id, "name": ...} in place of "by".
    acknowledged_by_staff: Mapped[int | None] = mapped_column(Integer)
    acknowledged_by_staff_name: Mapped[str | None] = mapped_column(String(80))
    closed_by_staff: Mapped[int | None] = mapped_column(Integer)
