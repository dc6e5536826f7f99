"""The catalogue as it is now, for the bot and for staff: the YAML seed, OpenActive imports
and staff's word over both (`bot.places.edits`).

For the bot, staff's changes take effect at once: `bot/app.py` has each engine `follow`
its database, and the console calls `refresh` after every change (and after an import),
which loads the catalogue again (`catalogue.load_catalogue`) and hands it to the engines
following that database in this process. Another process (a second worker on PostgreSQL,
or `movemates chat`) sees them within half a minute: its jobs call `refresh_if_changed`,
which compares a small stamp of the catalogue's tables (the last staff change, the last
import) with the one it last loaded.

For staff, `staff_view` lists every place, retired ones too, with its reports.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, func, select

from bot.core.content import CONTENT_ROOT
from bot.places.assemble import imported_opportunities
from bot.places.catalogue import Catalogue, load_catalogue
from bot.places.edits import PlaceRow, records_async, report_times_async, rows
from bot.places.models import FeedRun, OpenActiveFeed, OpenActiveItem, PlaceChange
from bot.places.ranking import RankingIndex
from bot.storage.db import Database


async def staff_view(db: Database, content_root: Path, now: datetime) -> list[PlaceRow]:
    """Every place staff can see (retired ones too): the seed's, then the feeds', then
    the places staff added, each as staff left it and with its reports."""
    seed = Catalogue.from_yaml(content_root, strict=False).all()
    async with db.sessions() as session:
        imported = await imported_opportunities(session, now=now)
        stored = await records_async(session)
        reported = await report_times_async(session)
    return rows(seed, imported, stored, reported)


@dataclass
class _Follower:
    use: Callable[[], Callable[[RankingIndex], object] | None]
    content_root: Path


_followers: weakref.WeakKeyDictionary[Database, list[_Follower]] = \
    weakref.WeakKeyDictionary()


def follow(db: Database, use: Callable[[RankingIndex], object],
           content_root: Path = CONTENT_ROOT) -> None:
    """After each staff change to `db`'s catalogue, call `use` with the catalogue as it is
    now (the app passes `engine.use_places`). An engine's method is held weakly, so an
    engine that is dropped stops following."""
    if inspect.ismethod(use):
        held: Callable[[], Callable[[RankingIndex], object] | None] = weakref.WeakMethod(use)
    else:
        def held() -> Callable[[RankingIndex], object]:
            return use
    _followers.setdefault(db, []).append(_Follower(held, content_root))


# The stamp each database's catalogue had when this process last loaded it.
_loaded: weakref.WeakKeyDictionary[Database, tuple[object, ...]] = weakref.WeakKeyDictionary()


def stamp(connection: Connection) -> tuple[object, ...]:
    """What changes whenever the catalogue does: the last staff change (every add, edit,
    check and retirement is a `place_changes` row), the last import run and how many have
    finished, the feeds and their items (a removed feed takes its items with it)."""
    changes = connection.scalar(select(func.max(PlaceChange.id)))
    runs = connection.execute(select(func.max(FeedRun.id), func.count(FeedRun.finished_at))
                              ).one()
    feeds = connection.execute(select(func.max(OpenActiveFeed.id), func.count())
                               .select_from(OpenActiveFeed)).one()
    items = connection.execute(select(func.count(), func.max(OpenActiveItem.imported_at))
                               .select_from(OpenActiveItem)).one()
    return (changes, *runs, *feeds, *items)


async def refresh_if_changed(db: Database, now: datetime | None = None) -> bool:
    """Load the catalogue again if another process changed it since this one last did
    (staff's edits made in this process were handed over at once by `refresh`)."""
    if not _followers.get(db):
        return False
    current = await db.run(stamp)
    seen = _loaded.get(db)
    if seen is None:
        # The first look: the catalogue this process loaded at its start is the one in
        # use (a test's own catalogue too); later changes are measured from here.
        _loaded[db] = current
        return False
    if seen == current:
        return False
    await refresh(db, now)
    return True


async def refresh(db: Database, now: datetime | None = None) -> int:
    """Load the catalogue again (seed, feeds, staff's word) for everything following `db`
    in this process; how many took it."""
    _loaded[db] = await db.run(stamp)  # before loading: a change meanwhile is seen next time
    followers = [(f, f.use()) for f in _followers.get(db, [])]
    live = [(f, use) for f, use in followers if use is not None]
    if len(live) != len(followers):
        _followers[db] = [f for f, _ in live]
    indexes: dict[Path, RankingIndex] = {}
    for follower, use in live:
        index = indexes.get(follower.content_root)
        if index is None:
            catalogue = await load_catalogue(db, follower.content_root, now=now,
                                              strict=False)
            index = indexes[follower.content_root] = RankingIndex(catalogue.all())
        use(index)
    return len(live)
