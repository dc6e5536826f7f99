"""`movemates catalogue ...`: check the catalogue, list it, import OpenActive feeds.

Light at import time (bot/cli.py imports it for every command); the work is imported
inside `run`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from bot.config import Settings


def register(subparsers: Any) -> None:
    """Add `catalogue` and its subcommands to the `movemates` parser."""
    catalogue = subparsers.add_parser("catalogue", help="places, sessions and programmes")
    commands = catalogue.add_subparsers(dest="catalogue_command", required=True)
    commands.add_parser("validate", help="check content/places/*.yaml")
    commands.add_parser("list", help="count what the catalogue holds (with imports)")
    feed = commands.add_parser("import-openactive",
                               help="import or update an OpenActive RPDE feed")
    feed.add_argument("url", help="the feed's base URL (its first page)")
    feed.add_argument("--name", help="a short name for the feed (default: from the URL)")
    feed.add_argument("--delay", type=float, default=1.0,
                      help="seconds to wait between pages (default 1)")
    feed.add_argument("--timeout", type=float, default=30.0,
                      help="seconds to wait for a page (default 30)")
    feed.add_argument("--max-pages", type=int, default=1000,
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


_NO_TABLES = "database error ({}); has `movemates db upgrade` been run?"


async def _list(settings: Settings, out: TextIO) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.places.catalogue import CatalogueError, load_catalogue
    from bot.storage.db import Database

    db = Database(settings.database_url)
    try:
        catalogue = await load_catalogue(db, settings.content_dir)
    except CatalogueError as error:
        out.write(f"{error}\n")
        return 1
    except SQLAlchemyError as error:
        out.write(f"catalogue: {_NO_TABLES.format(type(error).__name__)}\n")
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
    from sqlalchemy.exc import SQLAlchemyError

    from bot.places.openactive import import_feed
    from bot.places.rpde import Politeness
    from bot.storage.db import Database

    politeness = Politeness(page_delay=max(0.0, args.delay), timeout=args.timeout)
    db = Database(settings.database_url)
    try:
        report = await import_feed(db, args.url, name=args.name, politeness=politeness,
                                   max_pages=max(1, args.max_pages), restart=args.restart)
    except SQLAlchemyError as error:
        out.write(f"import-openactive: {_NO_TABLES.format(type(error).__name__)}\n")
        return 1
    finally:
        await db.dispose()
    out.write(f"import-openactive {report.summary()}\n")
    return 0 if report.ok else 1
