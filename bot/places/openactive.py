"""`movemates catalogue import-openactive URL`: bring an OpenActive RPDE feed up to date.

A run starts at the feed's stored position (its base URL the first time), follows `next`,
applies each page in one transaction together with the new position, and stops at the
last page (no items, `next` equal to its own URL), whose URL is kept to resume from.
Deleted items are removed; updated ones replace what was stored (never with an older
version). A malformed item is skipped and counted; a page that cannot be read ends the
run with an error and leaves the stored position where it was.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.places.mapping import MappingError, map_data
from bot.places.models import OpenActiveFeed, OpenActiveItem
from bot.places.rpde import FeedError, Page, Politeness, RpdeClient, make_client, same_url
from bot.storage.db import Database
from bot.storage.models import utcnow

log = logging.getLogger("movemates.places.openactive")
DEFAULT_MAX_PAGES = 1000


@dataclass
class ImportReport:
    feed: str
    pages: int = 0
    updated: int = 0
    deleted: int = 0
    stale: int = 0  # older versions of items we already had, ignored
    skipped: Counter[str] = field(default_factory=Counter)
    waits: list[float] = field(default_factory=list)
    reached_end: bool = False
    error: str | None = None
    licence: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(
            self.skipped.items(), key=lambda pair: (-pair[1], pair[0])))
        line = (f"{self.feed}: {self.pages} page(s), {self.updated} updated, "
                f"{self.deleted} deleted, {skipped} skipped" + (f" ({reasons})" if reasons
                                                                else ""))
        if self.stale:
            line += f", {self.stale} older repeat(s) ignored"
        if self.error:
            return f"{line}; FAILED: {self.error} (position kept; run again to retry)"
        return f"{line}; " + ("up to date" if self.reached_end else
                              "stopped at the page limit; run again to continue")


def feed_name_for(url: str) -> str:
    """A readable, stable name from the URL: 'example.org/feeds/session-series' ->
    'example-org-feeds-session-series'."""
    parsed = httpx.URL(url)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{parsed.host}{parsed.path}".lower()).strip("-")
    return slug[:80] or "feed"


def _modified_newer(stored: str, incoming: str) -> bool:
    """True when what we hold is newer than what arrived (RPDE `modified` is a number or
    comparable text)."""
    if re.fullmatch(r"-?\d+", stored) and re.fullmatch(r"-?\d+", incoming):
        return int(stored) > int(incoming)
    return stored > incoming


@dataclass(frozen=True)
class _RpdeItem:
    item_id: str
    state: str
    modified: str
    kind: str | None
    data: Any


def _read_item(raw: object) -> _RpdeItem:
    if not isinstance(raw, dict):
        raise MappingError("item is not an object")
    item_id = raw.get("id")
    if isinstance(item_id, int) and not isinstance(item_id, bool):
        item_id = str(item_id)
    if not isinstance(item_id, str) or not item_id.strip() or len(item_id) > 255:
        raise MappingError("missing or bad id")
    modified = raw.get("modified")
    if isinstance(modified, bool) or not isinstance(modified, int | str) or modified == "":
        raise MappingError("missing modified")
    state = raw.get("state")
    if state not in ("updated", "deleted"):
        raise MappingError("state is neither updated nor deleted")
    if state == "updated" and not isinstance(raw.get("data"), dict):
        raise MappingError("updated item without data")
    kind = raw.get("kind")
    return _RpdeItem(item_id.strip(), state, str(modified)[:64],
                     kind[:64] if isinstance(kind, str) else None, raw.get("data"))


async def _feed_for(db: Database, url: str, name: str | None,
                    now: datetime) -> OpenActiveFeed:
    async with db.transaction() as session:
        feed = (await session.execute(
            select(OpenActiveFeed).where(OpenActiveFeed.base_url == url))).scalar_one_or_none()
        if feed is None:
            wanted = name or feed_name_for(url)
            taken = set((await session.execute(select(OpenActiveFeed.name).where(
                OpenActiveFeed.name.startswith(wanted[:70])))).scalars())
            unique, number = wanted, 1
            while unique in taken:
                number += 1
                unique = f"{wanted[:70]}-{number}"
            feed = OpenActiveFeed(name=unique, base_url=url, created_at=now)
            session.add(feed)
            await session.flush()
        return feed


async def _apply(session: AsyncSession, feed: OpenActiveFeed, page: Page,
                 report: ImportReport, now: datetime) -> None:
    parsed: list[_RpdeItem] = []
    for raw in page.items:
        try:
            parsed.append(_read_item(raw))
        except MappingError as error:
            report.skipped[str(error)] += 1
            log.info("feed %s: skipped an item: %s", feed.name, error)
    ids = {item.item_id for item in parsed}
    held = {row.item_id: row for row in (await session.execute(
        select(OpenActiveItem).where(OpenActiveItem.feed_id == feed.id,
                                     OpenActiveItem.item_id.in_(ids)))).scalars()} if ids else {}
    for item in parsed:
        row = held.get(item.item_id)
        if row is not None and _modified_newer(row.modified, item.modified):
            report.stale += 1
            continue
        if item.state == "deleted":
            if row is not None:
                await session.delete(row)
                del held[item.item_id]
                report.deleted += 1
            continue
        try:
            mapped = map_data(item.data)
        except Exception as error:  # one odd item must never stop a whole feed
            reason = str(error) if isinstance(error, MappingError) else \
                f"could not be read ({type(error).__name__})"
            report.skipped[reason] += 1
            log.info("feed %s: skipped item %s: %s", feed.name, item.item_id, reason,
                     exc_info=not isinstance(error, MappingError))
            if row is not None:  # its new version is unusable: stop showing the old one
                await session.delete(row)
                del held[item.item_id]
            continue
        if row is None:
            row = OpenActiveItem(feed_id=feed.id, item_id=item.item_id)
            session.add(row)
            held[item.item_id] = row
        row.kind = item.kind
        row.data_type = mapped.data_type
        row.data_id = mapped.data_id
        row.parent_ref = mapped.parent_ref
        row.modified = item.modified
        row.fields = mapped.fields
        row.licence = page.licence or feed.licence
        row.imported_at = now
        report.updated += 1
    await session.flush()


async def _record_run(db: Database, feed_id: int, now: datetime, error: str | None) -> None:
    async with db.transaction() as session:
        feed = await session.get(OpenActiveFeed, feed_id)
        if feed is None:
            return
        feed.last_run_at = now
        feed.last_error = error[:500] if error else None
        if error is None:
            feed.last_success_at = now


async def import_feed(db: Database, url: str, *, name: str | None = None,
                      politeness: Politeness | None = None,
                      client: httpx.AsyncClient | None = None,
                      max_pages: int = DEFAULT_MAX_PAGES, restart: bool = False,
                      clock: Callable[[], datetime] = utcnow) -> ImportReport:
    """Bring one feed up to date. Never raises for a feed problem: the report says what
    happened (`report.ok` is False and `report.error` says why when the run failed)."""
    politeness = politeness or Politeness()
    feed = await _feed_for(db, url, name, clock())
    report = ImportReport(feed.name, licence=feed.licence)
    position = feed.next_url  # as stored: another run that moves it on is detected
    current = url if restart or not position else position
    own_client = client is None
    http = client or make_client(politeness)
    rpde = RpdeClient(http, politeness)
    try:
        while report.pages < max_pages:
            page = await rpde.fetch(current)
            async with db.transaction() as session:
                locked = (await session.execute(
                    select(OpenActiveFeed).where(OpenActiveFeed.id == feed.id)
                    .with_for_update())).scalar_one()
                if locked.next_url != position:
                    raise FeedError("another import of this feed moved it on; try again")
                await _apply(session, locked, page, report, clock())
                locked.next_url = page.next_url
                if page.licence:
                    locked.licence = page.licence
                    report.licence = page.licence
            report.pages += 1
            position = page.next_url
            # The last page, or a feed that did not move on (asking again would loop).
            if page.is_last or same_url(page.next_url, current):
                report.reached_end = True
                break
            current = page.next_url
            if politeness.page_delay > 0:
                await asyncio.sleep(politeness.page_delay)
    except FeedError as error:
        report.error = str(error)
    finally:
        report.waits = list(rpde.waits)
        if own_client:
            await http.aclose()
    await _record_run(db, feed.id, clock(), report.error)
    log.info("openactive import %s", report.summary())
    return report
