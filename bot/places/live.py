"""The catalogue as it is now, for the bot and for staff: the YAML seed, OpenActive imports
and staff's word over both (`bot.places.edits`).

For the bot, staff's changes take effect at once: `bot/app.py` has each engine `follow`
its database, and the console calls `refresh` after every change (and after an import),
which loads the catalogue again (`catalogue.load_catalogue`) and hands it to the engines
following that database in this process. Another process (a second worker on PostgreSQL,
or `movemates chat`) reads staff's word when it next loads the catalogue: at its start.

For staff, `staff_view` lists every place, retired ones too, with its reports.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.core.content import CONTENT_ROOT
from bot.places.assemble import imported_opportunities
from bot.places.catalogue import Catalogue, load_catalogue
from bot.places.edits import PlaceRow, records_async, report_times_async, rows
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


async def refresh(db: Database, now: datetime | None = None) -> int:
    """Load the catalogue again (seed, feeds, staff's word) for everything following `db`
    in this process; how many took it."""
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
