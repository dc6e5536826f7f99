"""Imported OpenActive items -> `Opportunity` rows.

A SessionSeries or FacilityUse becomes one opportunity. Its ScheduledSessions and Slots
(joined by `superEvent` / `facilityUse`, across feeds, by the parent's @id or item id)
give its upcoming dates, and its weekly times when the parent publishes no schedule.
Sessions whose series is embedded rather than referenced are grouped by that series.
A parent whose dated items are all in the past is left out: it has probably ended.
Dated items whose parent is unknown are left out until the parent arrives.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.needs import DAYS
from bot.places.mapping import CHILD_TYPES, PARENT_TYPES
from bot.places.models import OpenActiveFeed, OpenActiveItem
from bot.places.parsing import parse_datetime, slot_for
from bot.places.schema import (
    IMPORTED_ID_PREFIX,
    ORIGIN_OPENACTIVE_PREFIX,
    Accessibility,
    Opportunity,
    Slot,
)
from bot.storage.db import Database
from bot.storage.models import utcnow

NEXT_STARTS = 5
# Dated sessions this far ahead give the weekly times shown when there is no schedule.
SLOT_WINDOW = timedelta(weeks=8)
DATES_VARY = "Dates vary: check before you go."


@dataclass(frozen=True)
class _Row:
    feed_id: int
    item_id: str
    data_type: str
    data_id: str | None
    parent_ref: str | None
    modified: str
    fields: dict[str, Any]
    licence: str | None


@dataclass(frozen=True)
class _Feed:
    name: str
    base_url: str
    licence: str | None


def _stable_id(feed: _Feed, key: str) -> str:
    digest = hashlib.sha1(f"{feed.base_url}\n{key}".encode()).hexdigest()[:12]
    return f"{IMPORTED_ID_PREFIX}{digest}"


def _occurrences(fields: dict[str, Any]) -> list[tuple[datetime, datetime | None, bool, dict]]:
    found = []
    for item in [fields, *fields.get("sessions", [])]:
        start = parse_datetime(item.get("start"))
        if start is not None:
            found.append((start, parse_datetime(item.get("end")),
                          bool(item.get("cancelled")), item))
    return found


def _opportunity(opportunity_id: str, feed: _Feed, base: dict[str, Any],
                 children: list[_Row], licence: str | None, now: datetime,
                 ) -> Opportunity | None:
    dated = [o for child in children for o in _occurrences(child.fields)]
    dated += [o for o in _occurrences({"sessions": base.get("sessions", [])})]
    upcoming = sorted((o for o in dated if o[0] >= now and not o[2]), key=lambda o: o[0])
    if dated and not upcoming and not base.get("schedule"):
        return None  # every date is past (or cancelled): it has probably ended
    schedule = tuple(Slot(s["day"], s["start"], s.get("end")) for s in base.get("schedule", []))
    note = base.get("schedule_note")
    if not schedule and upcoming:
        soon = {slot_for(start, end) for start, end, _, _ in upcoming
                if start < now + SLOT_WINDOW}
        schedule = tuple(sorted(soon, key=lambda s: (DAYS.index(s.day), s.start)))
        note = note or DATES_VARY
    cost, price_text = base.get("cost", "unknown"), base.get("price_text")
    if cost == "unknown" and upcoming:
        cost = upcoming[0][3].get("cost", "unknown")
        price_text = upcoming[0][3].get("price_text") or price_text
    attribution = base.get("attribution")
    source = f"OpenActive feed {feed.name}" + (f", published by {attribution}"
                                                 if attribution else "")
    return Opportunity(
        id=opportunity_id, kind=base.get("kind", "session"), name=base["name"],
        summary=base.get("summary") or base["name"], source=source,
        activities=tuple(base.get("activities", ())), setting=base.get("setting"),
        company=tuple(base.get("company", ())), district=base.get("district"),
        area=base.get("venue"), latitude=base.get("latitude"),
        longitude=base.get("longitude"), address=base.get("address"),
        postcode=base.get("postcode"), schedule=schedule, schedule_note=note,
        next_starts=tuple(o[0] for o in upcoming[:NEXT_STARTS]), cost=cost,
        price_text=price_text, accessibility=Accessibility.from_dict(base.get("accessibility")),
        level=base.get("level", "unknown"), who_for=base.get("who_for"),
        age_min=base.get("age_min"), age_max=base.get("age_max"),
        booking=base.get("booking", "unknown"), contact=base.get("contact"),
        url=base.get("url"), verified=False, licence=licence or feed.licence,
        attribution=attribution or feed.name,
        origin=f"{ORIGIN_OPENACTIVE_PREFIX}{feed.name}",
    )


def build(rows: list[_Row], feeds: dict[int, _Feed], now: datetime) -> list[Opportunity]:
    parents = [r for r in rows if r.data_type in PARENT_TYPES]
    by_data_id = {r.data_id: r for r in parents if r.data_id}
    by_item_id: dict[str, list[_Row]] = defaultdict(list)
    for row in parents:
        by_item_id[row.item_id].append(row)

    def parent_of(child: _Row) -> _Row | None:
        ref = child.parent_ref
        if not ref:
            return None
        if ref in by_data_id:
            return by_data_id[ref]
        same_feed = [r for r in by_item_id.get(ref, []) if r.feed_id == child.feed_id]
        candidates = same_feed or by_item_id.get(ref, [])
        return candidates[0] if len(candidates) == 1 else None

    children: dict[tuple[int, str], list[_Row]] = defaultdict(list)
    embedded: dict[tuple[int, str], list[_Row]] = defaultdict(list)
    for child in (r for r in rows if r.data_type in CHILD_TYPES):
        parent = parent_of(child)
        if parent is not None:
            children[(parent.feed_id, parent.item_id)].append(child)
        elif child.fields.get("parent"):
            embedded[(child.feed_id, child.parent_ref or f"item:{child.item_id}")].append(child)

    found = []
    for parent in parents:
        feed = feeds[parent.feed_id]
        made = _opportunity(_stable_id(feed, parent.item_id), feed, parent.fields,
                            children.get((parent.feed_id, parent.item_id), []),
                            parent.licence, now)
        if made is not None:
            found.append(made)
    for (feed_id, key), group in embedded.items():
        feed = feeds[feed_id]
        # The most recently changed session carries the freshest copy of its series.
        latest = max(group, key=lambda r: (len(r.modified), r.modified))
        made = _opportunity(_stable_id(feed, f"embedded\n{key}"), feed,
                            latest.fields["parent"], group, latest.licence, now)
        if made is not None:
            found.append(made)
    return sorted(found, key=lambda o: (o.name.lower(), o.id))


async def _rows(session: AsyncSession) -> tuple[list[_Row], dict[int, _Feed]]:
    feeds = {f.id: _Feed(f.name, f.base_url, f.licence)
             for f in (await session.execute(select(OpenActiveFeed))).scalars()}
    rows = [_Row(r.feed_id, r.item_id, r.data_type, r.data_id, r.parent_ref, r.modified,
                 r.fields, r.licence)
            for r in (await session.execute(select(OpenActiveItem))).scalars()]
    return rows, feeds


async def imported_opportunities(source: Database | AsyncSession,
                                 now: datetime | None = None) -> list[Opportunity]:
    """Every usable opportunity from stored OpenActive items, sorted by name."""
    if isinstance(source, AsyncSession):
        rows, feeds = await _rows(source)
    else:
        async with source.sessions() as session:
            rows, feeds = await _rows(session)
    return build(rows, feeds, now or utcnow())
