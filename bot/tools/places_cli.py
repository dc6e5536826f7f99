"""`movemates catalogue ...`: check the catalogue, list it, import OpenActive feeds.

Light at import time (bot/cli.py imports it for every command); the work is imported
inside `run`.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from bot.config import Settings


def _feed_url(value: str) -> str:
    import httpx

    try:
        parts = urlsplit(value)
        httpx.URL(value)
    except (ValueError, httpx.InvalidURL):
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a feed URL; give its first page, like https://example.org/feed")
    return value


def _feed_name(value: str) -> str:
    name = value.strip()
    if not 1 <= len(name) <= 70:
        raise argparse.ArgumentTypeError(f"{value!r}: a feed name has 1 to 70 characters")
    return name


def _seconds(least: float, most: float) -> Callable[[str], float]:
    def seconds(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not (math.isfinite(number) and least <= number <= most):
            raise argparse.ArgumentTypeError(
                f"{value!r} is not a number of seconds from {least:g} to {most:g}")
        return number
    return seconds


def _pages(value: str) -> int:
    if not value.isdecimal() or not 1 <= int(value) <= 1_000_000:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of pages (1 or more)")
    return int(value)


def register(subparsers: Any) -> None:
    """Add `catalogue` and its subcommands to the `movemates` parser."""
    catalogue = subparsers.add_parser("catalogue", help="places, sessions and programmes")
    commands = catalogue.add_subparsers(dest="catalogue_command", required=True)
    commands.add_parser("validate", help="check content/places/*.yaml")
    commands.add_parser("list", help="count what the catalogue holds (with imports)")
    feed = commands.add_parser("import-openactive",
                               help="import or update an OpenActive RPDE feed")
    feed.add_argument("url", type=_feed_url, help="the feed's base URL (its first page)")
    feed.add_argument("--name", type=_feed_name,
                      help="a short name for the feed (default: from the URL)")
    feed.add_argument("--delay", type=_seconds(0, 3600), default=1.0,
                      help="seconds to wait between pages (default 1)")
    feed.add_argument("--timeout", type=_seconds(0.1, 3600), default=30.0,
                      help="seconds to wait for a page (default 30)")
    feed.add_argument("--max-pages", type=_pages, default=1000,
                      help="stop after this many pages; the next run carries on")
    feed.add_argument("--restart", action="store_true",
                      help="start again from the base URL instead of the stored position")


def run(args: argparse.Namespace, settings: Settings, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if args.catalogue_command == "validate":
        return _validate(settings, out)
    if args.catalogue_command == "list":
        return asyncio.run(_list(settings, out))
    if args.catalogue_command == "import-openactive":
        return asyncio.run(_import(settings, args, out))
    return 2


def _validate(settings: Settings, out: TextIO) -> int:
    from bot.places.catalogue import validate_catalogue

    problems = validate_catalogue(settings.content_dir)
    for problem in problems:
        out.write(f"{problem}\n")
    out.write(f"catalogue: {len(problems)} problem(s)\n" if problems
              else "catalogue: all entries pass\n")
    return 1 if problems else 0


async def _list(settings: Settings, out: TextIO) -> int:
    from bot.places.catalogue import CatalogueError, load_catalogue
    from bot.storage.db import Database
    from bot.storage.migrate import upgrade

    await upgrade(settings.database_url)  # a fresh database works too, as for `chat`
    db = Database(settings.database_url)
    try:
        catalogue = await load_catalogue(db, settings.content_dir)
    except CatalogueError as error:
        out.write(f"{error}\n")
        return 1
    finally:
        await db.dispose()
    kinds = Counter(item.kind for item in catalogue)
    verified = sum(item.verified for item in catalogue)
    imported = sum(item.is_imported for item in catalogue)
    out.write(f"catalogue: {len(catalogue)} opportunities ("
              + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
              + f"); {verified} verified; {imported} from OpenActive\n")
    for line in catalogue.attributions():
        out.write(f"  data: {line}\n")
    return 0


async def _import(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    from bot.places.openactive import import_feed
    from bot.places.rpde import Politeness
    from bot.storage.db import Database
    from bot.storage.migrate import upgrade

    await upgrade(settings.database_url)  # a database that cannot be used: bot/cli.py says so
    politeness = Politeness(page_delay=max(0.0, args.delay), timeout=args.timeout)
    db = Database(settings.database_url)
    try:
        report = await import_feed(db, args.url, name=args.name, politeness=politeness,
                                   max_pages=max(1, args.max_pages), restart=args.restart)
    finally:
        await db.dispose()
    out.write(f"import-openactive {report.summary()}\n")
    return 0 if report.ok else 1
