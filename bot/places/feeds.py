"""OpenActive feeds as staff add and import them in the console: the feed's address checked
(web addresses only, never one inside our own network), who added it, and each import run
from there with what it did (`FeedAdded`, `FeedRun`; migration 0016). The import itself is
`openactive.import_feed`, as for `movemates catalogue import-openactive`.

A feed address is fetched by the server, so a form that takes any address could make the
server read its own network (a cloud's metadata service, a database's admin page). The
address is checked when it is added, and every request an import makes (redirects too) is
checked again just before it is sent. `OPENACTIVE_ALLOW_PRIVATE_ADDRESSES=1` lifts the
check, for a publisher on the same private network (and for tests, whose feed server is on
127.0.0.1). A name that resolves to a public address when checked and a private one when
fetched a moment later (DNS rebinding) is not caught: a firewall is the sure guard.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Connection, func, insert, select, update

from bot.places.models import (
    URL_LENGTH,
    FeedAdded,
    FeedRun,
    OpenActiveFeed,
    OpenActiveItem,
)
from bot.places.openactive import ImportReport, feed_name_for, import_feed
from bot.places.rpde import FeedError, Politeness, make_client
from bot.storage.db import Database

log = logging.getLogger("movemates.places.feeds")
ALLOW_PRIVATE = "OPENACTIVE_ALLOW_PRIVATE_ADDRESSES"
# A run not finished after this long has stopped (its worker ended part way).
RUN_LIMIT = timedelta(hours=1)
RESOLVE_SECONDS = 5.0
# How imports from the console fetch pages (tests make it faster).
POLITENESS = Politeness()
# Why an address is refused (content: console.places.feeds.errors.*).
PROBLEMS = ("need", "too_long", "not_web", "credentials", "private", "unknown_host")


def private_allowed() -> bool:
    return os.environ.get(ALLOW_PRIVATE, "").strip().lower() in ("1", "true", "yes", "on")


def is_public(address: str) -> bool:
    """An address on the internet at large: not loopback, private, link-local (where
    clouds keep their metadata service), shared, reserved or multicast."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def _addresses(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(RESOLVE_SECONDS):
        found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in found]


async def host_problem(host: str, port: int, *, allow_private: bool) -> str | None:
    """"private" or "unknown_host" for a host we will not fetch from; None when fine."""
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        addresses = [host]
    except ValueError:
        try:
            addresses = await _addresses(host, port)
        except (OSError, TimeoutError, UnicodeError):
            return "unknown_host"
    if not addresses:
        return "unknown_host"
    if not allow_private and not all(is_public(a) for a in addresses):
        return "private"
    return None


async def check_url(text: str, *, allow_private: bool) -> tuple[str | None, str]:
    """(why the address is refused, or None; the address as it will be kept)."""
    url = text.strip()
    if not url:
        return "need", url
    if len(url) > URL_LENGTH:
        return "too_long", url[:URL_LENGTH]
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        return "not_web", url
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return "not_web", url
    if parsed.userinfo:
        return "credentials", url
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    kept = str(parsed)
    return await host_problem(parsed.host, port, allow_private=allow_private), kept


def guarded_client(politeness: Politeness, *, allow_private: bool) -> httpx.AsyncClient:
    """An HTTP client for an import that checks each request's address just before it is
    sent (redirects too): a refused one ends the run with an error."""
    client = make_client(politeness)

    async def check(request: httpx.Request) -> None:
        url = request.url
        if url.scheme not in ("http", "https"):
            raise FeedError(f"not a web address: {url.scheme}")
        port = url.port or (443 if url.scheme == "https" else 80)
        problem = await host_problem(url.host, port, allow_private=allow_private)
        if problem is not None:
            raise FeedError(f"address not fetched ({problem.replace('_', ' ')}): {url.host}")

    client.event_hooks = {"request": [check], "response": []}
    return client


# -- what the console shows ---------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    id: int
    started_at: datetime
    finished_at: datetime | None
    staff_name: str | None
    pages: int
    updated: int
    deleted: int
    skipped: int
    error: str | None

    def under_way(self, now: datetime) -> bool:
        return self.finished_at is None and now - self.started_at < RUN_LIMIT

    def stopped(self, now: datetime) -> bool:
        """Never finished: the worker running it ended part way."""
        return self.finished_at is None and not self.under_way(now)


@dataclass(frozen=True)
class Feed:
    id: int
    name: str
    base_url: str
    licence: str | None
    created_at: datetime
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    items: int
    added_at: datetime | None
    added_by_name: str | None
    last_run: Run | None


_RUN_COLUMNS = (FeedRun.id, FeedRun.started_at, FeedRun.finished_at, FeedRun.staff_name,
                FeedRun.pages, FeedRun.updated, FeedRun.deleted, FeedRun.skipped, FeedRun.error)


def runs(connection: Connection, feed_id: int, limit: int = 10) -> list[Run]:
    """Imports of a feed started in the console, the newest first."""
    return [Run(*row) for row in connection.execute(
        select(*_RUN_COLUMNS).where(FeedRun.feed_id == feed_id)
        .order_by(FeedRun.id.desc()).limit(limit))]


def feeds(connection: Connection, feed_id: int | None = None) -> list[Feed]:
    """Every feed (or one), the oldest first, with its item count and last console run."""
    counts = dict(connection.execute(
        select(OpenActiveItem.feed_id, func.count()).group_by(OpenActiveItem.feed_id)).all())
    latest = select(FeedRun.feed_id, func.max(FeedRun.id).label("run_id")) \
        .group_by(FeedRun.feed_id).subquery()
    query = (select(OpenActiveFeed.id, OpenActiveFeed.name, OpenActiveFeed.base_url,
                    OpenActiveFeed.licence, OpenActiveFeed.created_at,
                    OpenActiveFeed.last_run_at, OpenActiveFeed.last_success_at,
                    OpenActiveFeed.last_error, FeedAdded.at, FeedAdded.staff_name,
                    latest.c.run_id)
             .outerjoin(FeedAdded, FeedAdded.feed_id == OpenActiveFeed.id)
             .outerjoin(latest, latest.c.feed_id == OpenActiveFeed.id)
             .order_by(OpenActiveFeed.id))
    if feed_id is not None:
        query = query.where(OpenActiveFeed.id == feed_id)
    found = []
    for row in connection.execute(query).all():
        *stored, added_at, added_by, run_id = row
        last = None
        if run_id is not None:
            last = Run(*connection.execute(select(*_RUN_COLUMNS)
                                           .where(FeedRun.id == run_id)).one())
        found.append(Feed(*stored, counts.get(row.id, 0), added_at, added_by, last))
    return found


def feed(connection: Connection, feed_id: int) -> Feed | None:
    found = feeds(connection, feed_id)
    return found[0] if found else None


# -- changing -----------------------------------------------------------------------------
def add_feed(connection: Connection, url: str, staff_id: int | None, staff_name: str | None,
             now: datetime) -> tuple[int, bool]:
    """The feed at `url` (an address `check_url` passed): (its id, whether it is new)."""
    existing = connection.execute(select(OpenActiveFeed.id).where(
        OpenActiveFeed.base_url == url)).scalar_one_or_none()
    if existing is not None:
        return existing, False
    wanted = feed_name_for(url)
    taken = set(connection.execute(select(OpenActiveFeed.name).where(
        OpenActiveFeed.name.startswith(wanted[:70]))).scalars())
    name, number = wanted, 1
    while name in taken:
        number += 1
        name = f"{wanted[:70]}-{number}"
    feed_id = connection.execute(insert(OpenActiveFeed.__table__).values(
        name=name, base_url=url, created_at=now).returning(OpenActiveFeed.id)).scalar_one()
    connection.execute(insert(FeedAdded.__table__).values(
        feed_id=feed_id, at=now, staff_id=staff_id, staff_name=staff_name))
    return feed_id, True


def start_run(connection: Connection, feed_id: int, staff_id: int | None,
              staff_name: str | None, now: datetime) -> int | None:
    """A new run of the feed's import; None while another is under way."""
    for run in runs(connection, feed_id, limit=1):
        if run.under_way(now):
            return None
    return connection.execute(insert(FeedRun.__table__).values(
        feed_id=feed_id, started_at=now, staff_id=staff_id, staff_name=staff_name, pages=0,
        updated=0, deleted=0, skipped=0).returning(FeedRun.id)).scalar_one()


def finish_run(connection: Connection, run_id: int, report: ImportReport | None,
               now: datetime, error: str | None = None) -> None:
    values: dict[str, object] = dict(finished_at=now, error=(error or "")[:500] or None)
    if report is not None:
        values.update(pages=report.pages, updated=report.updated, deleted=report.deleted,
                      skipped=sum(report.skipped.values()),
                      error=(report.error or "")[:500] or None)
    connection.execute(update(FeedRun.__table__).where(FeedRun.id == run_id).values(**values))


async def run_import(db: Database, run_id: int, url: str, clock: Callable[[], datetime], *,
                     politeness: Politeness | None = None,
                     allow_private: bool | None = None) -> ImportReport | None:
    """Import the feed at `url` as run `run_id` and record what it did. Never raises: an
    unexpected problem is logged and recorded on the run."""
    allow = private_allowed() if allow_private is None else allow_private
    politeness = politeness or POLITENESS
    report: ImportReport | None = None
    error: str | None = None
    try:
        async with guarded_client(politeness, allow_private=allow) as client:
            report = await import_feed(db, url, politeness=politeness, client=client,
                                       clock=clock)
    except Exception as problem:  # the run is recorded as stopped, whatever happened
        log.exception("import of %s stopped", url)
        error = f"stopped: {type(problem).__name__}"
    await db.run(lambda c: finish_run(c, run_id, report, clock(), error))
    return report
