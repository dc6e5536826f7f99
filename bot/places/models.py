"""Tables for OpenActive imports: each feed's position and licence, and its items.

Registered on the project's `Base` (bot.storage.models imports this module at its end), so
Alembic and the migration check see them. Migration: 0003_places.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base

URL_LENGTH = 2048


class OpenActiveFeed(Base):
    """One RPDE feed: where it starts, where the next run resumes, and its licence."""

    __tablename__ = "openactive_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    base_url: Mapped[str] = mapped_column(String(URL_LENGTH), unique=True)
    # The last page's own URL once the end was reached (RPDE: poll it for changes), or
    # the page to fetch next when a run stopped part way.
    next_url: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    licence: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    last_run_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))


class OpenActiveItem(Base):
    """One RPDE item as last seen, with its fields already mapped to ours."""

    __tablename__ = "openactive_items"

    feed_id: Mapped[int] = mapped_column(
        ForeignKey("openactive_feeds.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(64))
    data_type: Mapped[str] = mapped_column(String(40))
    # The data's own @id (what ScheduledSession.superEvent / Slot.facilityUse point at),
    # and for those two, the id they point at. Joins work across feeds.
    data_id: Mapped[str | None] = mapped_column(String(URL_LENGTH), index=True)
    parent_ref: Mapped[str | None] = mapped_column(String(URL_LENGTH), index=True)
    # RPDE `modified` exactly as published (a number or text), to ignore stale repeats.
    modified: Mapped[str] = mapped_column(String(64))
    fields: Mapped[dict[str, Any]]
    licence: Mapped[str | None] = mapped_column(String(500))
    imported_at: Mapped[datetime]


class PlaceFeedback(Base):
    """How a visit went ("loved it", "not as described"): anonymous, for coordinators to act
    on. Deliberately no person id: it outlives anyone's request to be forgotten."""

    __tablename__ = "place_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opportunity_id: Mapped[str] = mapped_column(String(255), index=True)
    answer: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime]
