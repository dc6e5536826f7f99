"""Staff's word on the catalogue, kept in the database beside the YAML seed: places they
edit, add, check with the provider (verify) or retire, each change with who made it and
when (`PlaceRecord`, `PlaceChange`; migration 0016).

The catalogue the bot suggests from is the YAML seed (content/places) and what OpenActive
imports stored, with staff's word over both (`with_staff_edits`, which `load_catalogue`
applies):
- an edited entry is read instead of the seed's (staff edits win; the YAML stays the seed);
- a place staff added joins the catalogue;
- a retired place leaves it, so it is never suggested (a follow-up about it is not asked);
- a check staff made sets `verified` and `last_verified` (or takes them away).
Places from a feed change with each import, so staff retire them but never edit or verify
them (the README of content/places: imported data always counts as unverified).

How a change reaches the bot at once: `bot.places.live`. This module only reads and writes
staff's word, so that `catalogue.load_catalogue` can apply it.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from anyascii import anyascii
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.places.entries import MAX_ID_CHARS, parse_entry
from bot.places.models import PlaceChange, PlaceFeedback, PlaceRecord
from bot.places.schema import IMPORTED_ID_PREFIX, ORIGIN_OPENACTIVE_PREFIX, Opportunity
from bot.storage.db import Database

log = logging.getLogger("movemates.places.edits")
LONDON = ZoneInfo("Europe/London")
SEED, STAFF, FEED = "seed", "staff", "feed"
NOT_AS_DESCRIBED = "not_as_described"
# Paths of the console's own pages under /places, never a place's id.
RESERVED_IDS = frozenset({"new", "feeds"})
# What a problem in a stored staff entry names as its file (in the service's log).
WHERE = "staff edit"
NOTE_LIMIT = 500
ACTIONS = ("added", "edited", "verified", "unverified", "retired", "restored")


@dataclass(frozen=True)
class Staff:
    """Who acted: their account id and their name then (kept if the name changes)."""

    id: int | None
    name: str | None


@dataclass(frozen=True)
class Record:
    """A `PlaceRecord` row as read."""

    place_id: str
    origin: str
    fields: dict[str, Any] | None
    created_at: datetime
    created_by_name: str | None
    edited_at: datetime | None
    edited_by_name: str | None
    verified: bool | None
    verified_at: datetime | None
    verified_by_name: str | None
    retired_at: datetime | None
    retired_by_name: str | None

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


@dataclass(frozen=True)
class Change:
    """A `PlaceChange` row as read."""

    id: int
    action: str
    at: datetime
    staff_name: str | None
    note: str | None


@dataclass(frozen=True)
class Reports:
    """How many times people said a place was "not as described": ever, and since it was
    last checked (what is still to look into); when the latest came."""

    total: int = 0
    since_check: int = 0
    latest: datetime | None = None


@dataclass(frozen=True)
class PlaceRow:
    """One place as the console lists it: as staff left it (retired or not), where it
    comes from, staff's record of it and its reports."""

    item: Opportunity
    origin: str  # seed | staff | feed
    record: Record | None
    reports: Reports
    in_seed: bool

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def retired(self) -> bool:
        return self.record is not None and self.record.retired

    @property
    def edited(self) -> bool:
        """A seed entry staff changed (a place staff added is theirs from the start)."""
        return self.record is not None and self.record.fields is not None and \
            self.origin == SEED

    @property
    def verified_by(self) -> str | None:
        """Who checked it: a member of staff, or None when the seed file says so."""
        if self.record is not None and self.record.verified:
            return self.record.verified_by_name
        return None

    @property
    def feed(self) -> str | None:
        if self.item.is_imported:
            return self.item.origin[len(ORIGIN_OPENACTIVE_PREFIX):]
        return None

    @property
    def editable(self) -> bool:
        return self.origin != FEED


def london_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LONDON)


# -- reading ------------------------------------------------------------------------------
_RECORD_COLUMNS = [getattr(PlaceRecord, f.name) for f in fields(Record)]


def _record(row: Any) -> Record:
    return Record(*row)


def _records_query() -> Any:
    return select(*_RECORD_COLUMNS).order_by(PlaceRecord.created_at, PlaceRecord.place_id)


def records(connection: Connection) -> dict[str, Record]:
    return {r.place_id: r for r in map(_record, connection.execute(_records_query()))}


async def records_async(session: AsyncSession) -> dict[str, Record]:
    return {r.place_id: r for r in map(_record, await session.execute(_records_query()))}


def read_entry(entry: Mapping[str, Any]) -> Opportunity | None:
    """A stored staff entry as an opportunity; None (and a line in the log) if it no
    longer reads (say, a district the table has since lost)."""
    opportunity, problems = parse_entry(dict(entry), {}, WHERE, 1)
    for problem in problems:
        log.warning("staff's entry left out: %s", problem)
    return opportunity


def as_staff_left_it(base: Opportunity | None, record: Record | None) -> Opportunity | None:
    """One place with staff's edit and check applied (retired or not); None when there is
    nothing to show. Staff edits win over the seed; a place from a feed is never edited."""
    item = base
    if record is not None and record.fields is not None and (
            base is None or not base.is_imported):
        edited = read_entry(record.fields)
        if edited is not None:
            item = edited
            if base is not None:  # the seed's check stands until staff say otherwise
                item = replace(item, verified=base.verified, last_verified=base.last_verified)
    if item is None or record is None or record.verified is None:
        return item
    if record.verified and record.verified_at is not None:
        return replace(item, verified=True, last_verified=london_date(record.verified_at))
    return replace(item, verified=False, last_verified=None)


def with_records(base: Sequence[Opportunity], records: Mapping[str, Record]
                 ) -> list[Opportunity]:
    """The catalogue as the bot uses it: `base` (seed, then feeds) as staff left it, then
    the places staff added, retired places left out."""
    found: list[Opportunity] = []
    seen: set[str] = set()
    for item in base:
        seen.add(item.id)
        record = records.get(item.id)
        if record is not None and record.retired:
            continue
        made = as_staff_left_it(item, record)
        if made is not None:
            found.append(made)
    for place_id, record in records.items():
        if place_id in seen or record.retired or record.fields is None:
            continue
        made = as_staff_left_it(None, record)
        if made is not None and made.id not in seen:
            seen.add(made.id)
            found.append(made)
    return found


async def with_staff_edits(source: Database | AsyncSession, base: Sequence[Opportunity]
                           ) -> list[Opportunity]:
    """`base` (the seed, then the feeds) with staff's word over it."""
    if isinstance(source, AsyncSession):
        stored = await records_async(source)
    else:
        async with source.sessions() as session:
            stored = await records_async(session)
    return with_records(base, stored) if stored else list(base)


# -- what the console shows ---------------------------------------------------------------
def _reports(times: Iterable[datetime], since: datetime | None) -> Reports:
    ordered = sorted(times)
    if not ordered:
        return Reports()
    later = [t for t in ordered if since is None or t >= since]
    return Reports(len(ordered), len(later), ordered[-1])


def _checked_since(item: Opportunity, record: Record | None) -> datetime | None:
    """Since when reports are still to look into: the last check, if there was one."""
    if record is not None and record.verified and record.verified_at is not None:
        return record.verified_at
    if item.verified and item.last_verified is not None:
        return _start_of(item.last_verified)
    return None


async def report_times_async(session: AsyncSession) -> dict[str, list[datetime]]:
    found: dict[str, list[datetime]] = defaultdict(list)
    for place_id, at in await session.execute(
            select(PlaceFeedback.opportunity_id, PlaceFeedback.created_at)
            .where(PlaceFeedback.answer == NOT_AS_DESCRIBED)):
        found[place_id].append(at)
    return found


def rows(seed: Sequence[Opportunity], imported: Sequence[Opportunity],
          stored: Mapping[str, Record], reported: Mapping[str, list[datetime]]
          ) -> list[PlaceRow]:
    seed_ids = {item.id for item in seed}
    found: list[PlaceRow] = []
    seen: set[str] = set()

    def add(base: Opportunity | None, record: Record | None, origin: str) -> None:
        item = as_staff_left_it(base, record)
        if item is None or item.id in seen:
            return
        seen.add(item.id)
        found.append(PlaceRow(item, origin, record,
                             _reports(reported.get(item.id, ()), _checked_since(item, record)),
                             item.id in seed_ids))

    for item in seed:
        add(item, stored.get(item.id), SEED)
    for item in imported:
        add(item, stored.get(item.id), FEED)
    for place_id, record in stored.items():
        if place_id not in seen and record.fields is not None:
            add(None, record, STAFF if record.origin == STAFF else SEED)
    return found


def history(connection: Connection, place_id: str) -> list[Change]:
    """Staff's changes to a place, the newest first."""
    return [Change(*row) for row in connection.execute(
        select(PlaceChange.id, PlaceChange.action, PlaceChange.at, PlaceChange.staff_name,
               PlaceChange.note)
        .where(PlaceChange.place_id == place_id).order_by(PlaceChange.id.desc()))]


def report_times(connection: Connection, place_id: str, limit: int = 20) -> list[datetime]:
    """When people said it was not as described, the newest first."""
    return list(connection.execute(
        select(PlaceFeedback.created_at)
        .where(PlaceFeedback.opportunity_id == place_id,
               PlaceFeedback.answer == NOT_AS_DESCRIBED)
        .order_by(PlaceFeedback.created_at.desc(), PlaceFeedback.id.desc())
        .limit(limit)).scalars())


# -- changing -----------------------------------------------------------------------------
def _change(connection: Connection, place_id: str, action: str, staff: Staff,
            now: datetime, *, entry: dict[str, Any] | None = None,
            note: str | None = None) -> None:
    assert action in ACTIONS
    connection.execute(insert(PlaceChange.__table__).values(
        place_id=place_id, action=action, at=now, staff_id=staff.id, staff_name=staff.name,
        fields=entry, note=(note or "").strip()[:NOTE_LIMIT] or None))


def _ensure(connection: Connection, place_id: str, origin: str, staff: Staff,
            now: datetime) -> None:
    """Staff's record of a seed or feed place, made the first time staff touch it."""
    values = dict(place_id=place_id, origin=origin, created_at=now, created_by=staff.id,
                  created_by_name=staff.name)
    table = PlaceRecord.__table__
    if connection.dialect.name == "postgresql":
        statement = postgresql_insert(table).values(**values).on_conflict_do_nothing()
    else:
        statement = sqlite_insert(table).values(**values).on_conflict_do_nothing()
    connection.execute(statement)


def _slug(name: str) -> str:
    # Letters with accents, and other alphabets, as their plain-letter spelling: "Café
    # walk" -> "cafe-walk", not "caf-walk".
    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(name).lower()).strip("-")
    if len(slug) > MAX_ID_CHARS - 4:  # room for "-99"
        slug = slug[: MAX_ID_CHARS - 4].rsplit("-", 1)[0] or slug[: MAX_ID_CHARS - 4]
    slug = slug.strip("-") or "place"
    if slug.startswith(IMPORTED_ID_PREFIX) or slug in RESERVED_IDS:
        slug = f"place-{slug}"[: MAX_ID_CHARS - 4].strip("-")
    return slug


def new_id(connection: Connection, name: str, taken: Iterable[str]) -> str:
    """A lasting id for a place staff add, from its name ("Knighton Park Walk" ->
    "knighton-park-walk", or "-2" and on when that is in use)."""
    slug = _slug(name)
    used = set(taken) | set(connection.execute(
        select(PlaceRecord.place_id).where(PlaceRecord.place_id.startswith(slug))).scalars())
    if slug not in used:
        return slug
    number = 2
    while f"{slug}-{number}" in used:
        number += 1
    return f"{slug}-{number}"


def add(connection: Connection, entry: dict[str, Any], staff: Staff, now: datetime,
        taken: Iterable[str]) -> str:
    """A new place from staff (an entry already checked with `parse_entry`); its id."""
    place_id = new_id(connection, str(entry.get("name") or ""), taken)
    entry = {**entry, "id": place_id}
    connection.execute(insert(PlaceRecord.__table__).values(
        place_id=place_id, origin=STAFF, fields=entry, created_at=now, created_by=staff.id,
        created_by_name=staff.name))
    _change(connection, place_id, "added", staff, now, entry=entry)
    return place_id


def edit(connection: Connection, place_id: str, origin: str, entry: dict[str, Any],
         staff: Staff, now: datetime) -> None:
    """Staff's version of a place (the whole entry), read instead of the seed's."""
    if origin == FEED:
        raise ValueError("places from a feed are not edited")
    entry = {**entry, "id": place_id}
    _ensure(connection, place_id, origin, staff, now)
    connection.execute(update(PlaceRecord.__table__)
                       .where(PlaceRecord.place_id == place_id)
                       .values(fields=entry, edited_at=now, edited_by=staff.id,
                               edited_by_name=staff.name))
    _change(connection, place_id, "edited", staff, now, entry=entry)


def set_verified(connection: Connection, place_id: str, origin: str, staff: Staff,
                 now: datetime, *, verified: bool = True, note: str | None = None) -> None:
    """Checked with the provider today (or marked as not checked), by `staff`."""
    if origin == FEED:
        raise ValueError("places from a feed always count as unverified")
    _ensure(connection, place_id, origin, staff, now)
    connection.execute(update(PlaceRecord.__table__)
                       .where(PlaceRecord.place_id == place_id)
                       .values(verified=verified, verified_at=now, verified_by=staff.id,
                               verified_by_name=staff.name))
    _change(connection, place_id, "verified" if verified else "unverified", staff, now,
            note=note)


def set_retired(connection: Connection, place_id: str, origin: str, staff: Staff,
                now: datetime, *, retired: bool = True, note: str | None = None) -> bool:
    """Retire a place (never suggested again) or bring it back; False if it already was."""
    _ensure(connection, place_id, origin, staff, now)
    current = connection.execute(select(PlaceRecord.retired_at).where(
        PlaceRecord.place_id == place_id)).scalar_one()
    if (current is not None) == retired:
        return False
    values = dict(retired_at=now, retired_by=staff.id, retired_by_name=staff.name) \
        if retired else dict(retired_at=None, retired_by=None, retired_by_name=None)
    connection.execute(update(PlaceRecord.__table__)
                       .where(PlaceRecord.place_id == place_id).values(**values))
    _change(connection, place_id, "retired" if retired else "restored", staff, now,
            note=note)
    return True
