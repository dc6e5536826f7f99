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


# -- Staff's changes to the catalogue (the console's Places pages). Migration: 0016. ---------
# Staff are named by their account id (`staff_accounts.id`, never deleted) and by the name
# they had then; no foreign key, so this feature's tables stand without the staff feature's.


class PlaceRecord(Base):
    """Staff's word on one place, by its id: a YAML (seed) entry, a place staff added, or
    one from an OpenActive feed. Staff edits win over the seed: `fields`, when set, is the
    whole entry as staff saved it (the YAML entry's shape), read instead of the seed's.
    `verified` None means "as the seed says"; `retired_at` set means never suggested."""

    __tablename__ = "place_records"

    place_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    origin: Mapped[str] = mapped_column(String(16))  # seed | staff | feed
    fields: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_by_name: Mapped[str | None] = mapped_column(String(80))
    edited_at: Mapped[datetime | None]
    edited_by: Mapped[int | None] = mapped_column(Integer)
    edited_by_name: Mapped[str | None] = mapped_column(String(80))
    verified: Mapped[bool | None]
    verified_at: Mapped[datetime | None]
    verified_by: Mapped[int | None] = mapped_column(Integer)
    verified_by_name: Mapped[str | None] = mapped_column(String(80))
    retired_at: Mapped[datetime | None]
    retired_by: Mapped[int | None] = mapped_column(Integer)
    retired_by_name: Mapped[str | None] = mapped_column(String(80))


class PlaceChange(Base):
    """Each change staff made to a place, oldest first: its history on the place's page.
    `fields` holds the entry as saved by an add or an edit; `note` says how a check was
    made or why a place was retired (staff words, never a resident's)."""

    __tablename__ = "place_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))  # added|edited|verified|unverified|...
    at: Mapped[datetime]
    staff_id: Mapped[int | None] = mapped_column(Integer)
    staff_name: Mapped[str | None] = mapped_column(String(80))
    fields: Mapped[dict[str, Any] | None]
    note: Mapped[str | None] = mapped_column(String(500))


class FeedRun(Base):
    """One import of an OpenActive feed started from the console: who asked, when it
    started and ended, what it did, and the problem that stopped it, if any. A run with
    no `finished_at` is under way (or its worker stopped; see `feeds.RUN_LIMIT`)."""

    __tablename__ = "openactive_feed_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(
        ForeignKey("openactive_feeds.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    staff_id: Mapped[int | None] = mapped_column(Integer)
    staff_name: Mapped[str | None] = mapped_column(String(80))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(500))


class FeedAdded(Base):
    """Who added a feed in the console, and when (feeds added with `movemates catalogue
    import-openactive` have no row here)."""

    __tablename__ = "openactive_feeds_added"

    feed_id: Mapped[int] = mapped_column(
        ForeignKey("openactive_feeds.id", ondelete="CASCADE"), primary_key=True)
    at: Mapped[datetime]
    staff_id: Mapped[int | None] = mapped_column(Integer)
    staff_name: Mapped[str | None] = mapped_column(String(80))
