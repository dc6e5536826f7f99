"""The catalogue: entries from content/places/*.yaml plus sessions imported from OpenActive.

`validate_catalogue(content_root)` lists every problem (file, entry id, field, problem) and
is what the content lint runs. `Catalogue.from_yaml()` loads the YAML alone;
`await load_catalogue(db)` adds what OpenActive imports have stored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.content import CONTENT_ROOT, load_yaml
from bot.core.style import Rules
from bot.places.entries import CatalogueProblem, parse_entry
from bot.places.schema import IMPORTED_ID_PREFIX, Opportunity

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.storage.db import Database

log = logging.getLogger("movemates.places")
PLACES = "places"
_FILE_KEYS = {"defaults", "entries"}


class CatalogueError(Exception):
    """The YAML catalogue has problems; `problems` lists them all."""

    def __init__(self, problems: list[CatalogueProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def places_folder(content_root: Path) -> Path:
    return content_root / PLACES


def _display(path: Path, content_root: Path) -> str:
    try:
        return str(path.relative_to(content_root.parent))
    except ValueError:
        return str(path)


def _read(content_root: Path, *, style: bool) -> tuple[list[Opportunity], list[CatalogueProblem]]:
    folder = places_folder(content_root)
    if not folder.is_dir():
        return [], [CatalogueProblem(_display(folder, content_root), None, None,
                            "the catalogue folder is missing")]
    rules = None
    if style:
        lint_root = content_root if (content_root / "lint.yaml").exists() else CONTENT_ROOT
        rules = Rules.load(lint_root)
    found: list[Opportunity] = []
    problems: list[CatalogueProblem] = []
    first_seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        where = _display(path, content_root)
        try:
            data = load_yaml(path)
        except Exception as error:  # a YAML syntax error: report it, keep checking others
            problems.append(CatalogueProblem(where, None, None, f"not valid YAML: {error}"))
            continue
        if data is None:
            continue
        if not isinstance(data, dict) or "entries" not in data:
            problems.append(CatalogueProblem(where, None, None,
                                    "the file needs an 'entries:' list (and may have "
                                    "'defaults:')"))
            continue
        for key in sorted(set(data) - _FILE_KEYS):
            problems.append(CatalogueProblem(where, None, str(key), "unknown top-level key; use "
                                                           "'defaults' or 'entries'"))
        defaults = data.get("defaults") or {}
        entries = data.get("entries") or []
        if not isinstance(defaults, dict):
            problems.append(CatalogueProblem(where, None, "defaults",
                                             "must be a mapping of fields"))
            defaults = {}
        if not isinstance(entries, list):
            problems.append(CatalogueProblem(where, None, "entries", "must be a list of entries"))
            continue
        for number, raw in enumerate(entries, start=1):
            opportunity, entry_problems = parse_entry(raw, defaults, where, number, rules)
            problems += entry_problems
            if opportunity is None:
                continue
            if opportunity.id in first_seen:
                problems.append(CatalogueProblem(where, opportunity.id, "id",
                                        f"duplicate id; also used in {first_seen[opportunity.id]}"))
                continue
            first_seen[opportunity.id] = where
            found.append(opportunity)
    return found, problems


def validate_catalogue(root: Path = CONTENT_ROOT) -> list[str]:
    """Every problem in the YAML catalogue under `root/places/`, as readable lines
    ("places/parks.yaml: bradgate-park: cost: ..."). Empty when all is well."""
    return [str(problem) for problem in _read(root, style=True)[1]]


class Catalogue:
    """All opportunities, in a stable order: the YAML files' order, then imported ones."""

    def __init__(self, opportunities: Iterable[Opportunity]) -> None:
        self._items = tuple(opportunities)
        self._by_id = {item.id: item for item in self._items}
        if len(self._by_id) != len(self._items):
            raise ValueError("opportunity ids must be unique")

    @classmethod
    def from_yaml(cls, content_root: Path = CONTENT_ROOT, *, strict: bool = True,
                  ) -> Catalogue:
        """The YAML catalogue alone. When an entry is malformed, raises CatalogueError, or
        with strict=False leaves that entry out and logs why (for a running service).
        Style is left to the content lint: a long summary never stops the bot."""
        found, problems = _read(content_root, style=False)
        if problems and strict:
            raise CatalogueError(problems)
        for problem in problems:
            log.warning("catalogue entry left out: %s", problem)
        return cls(found)

    def all(self) -> tuple[Opportunity, ...]:
        return self._items

    def get(self, opportunity_id: str) -> Opportunity | None:
        return self._by_id.get(opportunity_id)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Opportunity]:
        return iter(self._items)

    def __contains__(self, opportunity_id: object) -> bool:
        return opportunity_id in self._by_id

    def attributions(self) -> tuple[str, ...]:
        """One line per OpenActive publisher and licence in use, for a credits page."""
        lines = {f"{item.attribution or 'OpenActive data'} ({item.licence or 'licence unknown'})"
                 for item in self._items if item.is_imported}
        return tuple(sorted(lines))


async def load_catalogue(source: Database | AsyncSession | None = None,
                         content_root: Path = CONTENT_ROOT, *,
                         now: datetime | None = None, strict: bool = True) -> Catalogue:
    """The YAML catalogue merged with what OpenActive imports stored in the database,
    with staff's edits from the console over both (`bot.places.edits`).

    `source` is the service's `Database` or an open `AsyncSession`; None loads the YAML
    alone. `now` decides which dated sessions count as upcoming (default: the real time).
    `strict` as for `Catalogue.from_yaml`.
    Load it once (at start-up, and again after an import) and keep the result.
    """
    from bot.places.assemble import imported_opportunities

    catalogue = Catalogue.from_yaml(content_root, strict=strict)
    if source is None:
        return catalogue
    imported = await imported_opportunities(source, now=now)
    # The reserved prefix keeps imported ids apart from catalogue ids.
    assert all(item.id.startswith(IMPORTED_ID_PREFIX) for item in imported)
    # Staff's word from the console over both: edits, places added, retired, checked.
    from bot.places.edits import with_staff_edits

    return Catalogue(await with_staff_edits(source, [*catalogue.all(), *imported]))
