"""Reading one YAML catalogue entry into an `Opportunity`, with a clear message for every
problem: which file, which entry, which field, and what is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.core.needs import ACCESS_FIELDS, ACTIVITIES, COMPANY, DAYS
from bot.core.style import Rules
from bot.geo.districts import default_table, miles_between, parse_district
from bot.places.parsing import parse_postcode
from bot.places.schema import (
    BOOKING,
    COSTS,
    IMPORTED_ID_PREFIX,
    KINDS,
    LEVELS,
    PLACE_ACCESS_FIELDS,
    SETTINGS,
    Accessibility,
    Opportunity,
    Slot,
    valid_time,
)
from bot.places.text import SUMMARY_LIMIT, TEXT_LIMIT, style_problems

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# An id rides in Telegram button data (64 bytes) after an action and a question token.
MAX_ID_CHARS = 48
_URL = re.compile(r"^https?://[^\s]+$")
# How far coordinates may sit from their district's centre before they look like a typo.
COORDINATE_SLACK_MILES = 10.0
_UK_BOUNDS = ((49.8, 60.9), (-8.7, 1.8))

# Resident-facing texts: (field, length limit, check banned words, check reading level).
_TEXTS = {
    "name": (80, True, False),
    "summary": (SUMMARY_LIMIT, True, True),
    "details": (TEXT_LIMIT, True, True),
    "who_for": (SUMMARY_LIMIT, True, True),
    "schedule_note": (SUMMARY_LIMIT, True, True),
    "price_text": (SUMMARY_LIMIT, True, False),
    "area": (80, True, False),
    "address": (SUMMARY_LIMIT, False, False),
    "contact": (SUMMARY_LIMIT, False, False),
    "attribution": (SUMMARY_LIMIT, False, False),
}
_OTHER_FIELDS = {"id", "kind", "source", "activities", "setting", "company", "district",
                 "latitude", "longitude", "postcode", "schedule", "cost", "accessibility",
                 "level", "age_min", "age_max", "booking", "url", "last_verified", "verified",
                 "licence"}
FIELDS = frozenset(_TEXTS) | _OTHER_FIELDS
_REQUIRED = ("id", "kind", "name", "summary", "source")
_SUPPORTS_KEYS = {"supports", "notes"}


@dataclass(frozen=True)
class CatalogueProblem:
    where: str
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.where, self.entry, self.field]
        return ": ".join([p for p in parts if p] + [self.message])


class _Entry:
    """Collects problems while reading one entry's fields."""

    def __init__(self, raw: dict[str, Any], where: str, label: str) -> None:
        self.raw = raw
        self.where = where
        self.label = label
        self.problems: list[CatalogueProblem] = []

    def problem(self, field: str | None, message: str) -> None:
        self.problems.append(CatalogueProblem(self.where, self.label, field, message))

    def text(self, name: str, required: bool = False) -> str | None:
        value = self.raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(name, "is required")
            return None
        if not isinstance(value, str):
            self.problem(name, f"must be text, not {value!r}")
            return None
        return " ".join(value.split())

    def choice(self, name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return default
        if value not in allowed:
            self.problem(name, f"{value!r} is not one of {', '.join(allowed)}")
            return default
        return str(value)

    def choices(self, name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        value = self.raw.get(name)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(name, f"must be a list, like [{allowed[0]}]")
            return ()
        wrong = [v for v in value if v not in allowed]
        if wrong:
            self.problem(name, f"{', '.join(map(repr, wrong))} not in: {', '.join(allowed)}")
        if len(set(value)) != len(value):
            self.problem(name, "lists the same value twice")
        return tuple(dict.fromkeys(v for v in value if v in allowed))

    def number(self, name: str, low: float, high: float) -> float | None:
        value = self.raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(name, f"must be a number, not {value!r}")
            return None
        if not low <= value <= high:
            self.problem(name, f"{value} is outside {low} to {high}")
            return None
        return float(value)

    def whole(self, name: str, low: int, high: int) -> int | None:
        value = self.raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(name, f"must be a whole number from {low} to {high}, not {value!r}")
            return None
        return value

    def flag(self, name: str, value: object) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        self.problem(name, f"must be true, false or left out (unknown), not {value!r}")
        return None


def _time(entry: _Entry, where: str, value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML reads an unquoted 10:30 as the number 630.
        entry.problem("schedule", f'{where}: write times in quotes, like "10:30"')
        return None
    if not isinstance(value, str) or not valid_time(value):
        entry.problem("schedule", f'{where}: {value!r} is not a 24-hour time like "09:00"')
        return None
    return value


def _schedule(entry: _Entry) -> tuple[Slot, ...]:
    value = entry.raw.get("schedule")
    if value is None:
        return ()
    if not isinstance(value, list):
        entry.problem("schedule", 'must be a list like [{day: sat, start: "09:00"}]')
        return ()
    slots = []
    for number, item in enumerate(value, start=1):
        where = f"slot {number}"
        if not isinstance(item, dict):
            entry.problem("schedule", f'{where}: must look like {{day: sat, start: "09:00"}}')
            continue
        extra = set(item) - {"day", "start", "end"}
        if extra:
            entry.problem("schedule", f"{where}: unknown key(s) {sorted(extra)}")
        day = item.get("day")
        if day not in DAYS:
            entry.problem("schedule", f"{where}: day {day!r} is not one of {', '.join(DAYS)}")
        start = _time(entry, where, item.get("start"))
        end = _time(entry, where, item["end"]) if item.get("end") is not None else None
        if start and end and end <= start:
            entry.problem("schedule", f"{where}: ends ({end}) before it starts ({start})")
            continue
        if day in DAYS and start:
            slots.append(Slot(str(day), start, end))
    return tuple(sorted(set(slots), key=lambda s: (DAYS.index(s.day), s.start)))


def _accessibility(entry: _Entry) -> Accessibility:
    value = entry.raw.get("accessibility")
    if value is None:
        return Accessibility()
    if not isinstance(value, dict):
        entry.problem("accessibility", "must be a mapping like {wheelchair: true}")
        return Accessibility()
    known = set(ACCESS_FIELDS) | set(PLACE_ACCESS_FIELDS) | _SUPPORTS_KEYS
    for key in sorted(set(value) - known, key=str):
        entry.problem("accessibility", f"unknown field {key!r}; known: "
                                       f"{', '.join((*ACCESS_FIELDS, *PLACE_ACCESS_FIELDS))}")
    flags = {name: entry.flag(f"accessibility.{name}", value.get(name))
             for name in (*ACCESS_FIELDS, *PLACE_ACCESS_FIELDS)}
    supports = value.get("supports") or []
    if not isinstance(supports, list) or not all(isinstance(s, str) for s in supports):
        entry.problem("accessibility.supports", "must be a list of labels")
        supports = []
    notes = value.get("notes")
    if notes is not None and not isinstance(notes, str):
        entry.problem("accessibility.notes", "must be text")
        notes = None
    return Accessibility(**flags, supports=tuple(supports), notes=notes)


def _last_verified(entry: _Entry) -> date | None:
    value = entry.raw.get("last_verified")
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            entry.problem("last_verified", f"{value!r} is not a date like 2026-03-02")
            return None
    if not isinstance(value, date):
        entry.problem("last_verified", f"{value!r} is not a date like 2026-03-02")
        return None
    if value > date.today():
        entry.problem("last_verified", f"{value} is in the future")
    return value


def _place(entry: _Entry, kind: str | None, address: str | None) -> dict[str, Any]:
    district = entry.text("district")
    if district is not None:
        parsed = parse_district(district)
        if parsed != district:
            entry.problem("district", f"{district!r} is not a postcode district like LE4")
            district = None
        elif district not in default_table():
            entry.problem("district", f"{district} is not in bot/geo/postcode-districts.csv, "
                                      "so distances would be unknown")
    postcode = entry.text("postcode")
    if postcode is not None:
        parsed_postcode = parse_postcode(postcode)
        if parsed_postcode is None:
            entry.problem("postcode", f"{postcode!r} is not a full UK postcode like LE1 5WW")
            postcode = None
        else:
            postcode = parsed_postcode
            if district and parse_district(postcode) != district:
                entry.problem("postcode", f"{postcode} is not in district {district}")
    latitude = entry.number("latitude", *_UK_BOUNDS[0])
    longitude = entry.number("longitude", *_UK_BOUNDS[1])
    if (latitude is None) != (longitude is None):
        entry.problem("latitude", "give both latitude and longitude, or neither")
        latitude = longitude = None
    centre = default_table().centroid(district)
    if latitude is not None and longitude is not None and centre is not None:
        away = miles_between(centre.latitude, centre.longitude, latitude, longitude)
        if away > COORDINATE_SLACK_MILES:
            entry.problem("latitude", f"the point is {away:.0f} miles from {district}'s "
                                      "centre; check the numbers (or the district)")
    if kind in ("online", "at_home") and any(
            v is not None for v in (district, postcode, latitude, address)):
        entry.problem("kind", f"{kind} options happen wherever the person is: leave out "
                              "district, postcode, address and coordinates")
    return {"district": district, "postcode": postcode, "latitude": latitude,
            "longitude": longitude, "address": address}


def _style(entry: _Entry, texts: dict[str, str | None], rules: Rules) -> None:
    for name, (limit, words, reading) in _TEXTS.items():
        value = texts.get(name)
        if value:
            for message in style_problems(value, rules, limit=limit, words=words,
                                          reading=reading):
                entry.problem(name, message)


def parse_entry(raw: object, defaults: dict[str, Any], where: str, number: int,
                rules: Rules | None = None) -> tuple[Opportunity | None, list[CatalogueProblem]]:
    """One entry (merged over the file's defaults). With `rules`, also checks each text
    against content/STYLE.md (GSM-7, banned words, length, reading level)."""
    if not isinstance(raw, dict):
        return None, [CatalogueProblem(where, f"entry {number}", None,
                              "must be a mapping of fields starting with 'id:'")]
    merged = {**defaults, **raw}
    if isinstance(defaults.get("accessibility"), dict) and isinstance(
            raw.get("accessibility"), dict):
        merged["accessibility"] = {**defaults["accessibility"], **raw["accessibility"]}
    label = raw.get("id") if isinstance(raw.get("id"), str) else f"entry {number}"
    entry = _Entry(merged, where, str(label))
    for key in sorted(set(merged) - FIELDS, key=str):
        hint = " (set by the importer)" if key in ("origin", "next_starts") else ""
        entry.problem(str(key), f"unknown field{hint}")
    texts = {name: entry.text(name, required=name in _REQUIRED) for name in _TEXTS}
    opportunity_id = entry.text("id", required=True)
    if opportunity_id is not None and (not _ID.match(opportunity_id)
                                       or len(opportunity_id) > MAX_ID_CHARS):
        entry.problem("id", "use lower-case letters, digits and single hyphens, e.g. "
                            f"bradgate-park (at most {MAX_ID_CHARS} characters)")
        opportunity_id = None
    if opportunity_id and opportunity_id.startswith(IMPORTED_ID_PREFIX):
        entry.problem("id", f"ids starting {IMPORTED_ID_PREFIX!r} are kept for imported data")
    kind = entry.choice("kind", KINDS, None)
    if kind is None and "kind" not in merged:
        entry.problem("kind", f"is required: one of {', '.join(KINDS)}")
    setting = entry.choice("setting", SETTINGS, None)
    if kind == "online" and setting != "online":
        entry.problem("setting", "online options have setting: online")
    if kind == "at_home" and setting not in ("home", "outdoors"):
        entry.problem("setting", "at-home options have setting: home (or outdoors, for a "
                                 "walk from the door)")
    source = entry.text("source", required=True)
    url = entry.text("url")
    if url is not None and not _URL.match(url):
        entry.problem("url", f"{url!r} is not a web address starting https://")
    verified = merged.get("verified", False)
    if not isinstance(verified, bool):
        entry.problem("verified", f"must be true or false, not {verified!r}")
        verified = False
    last_verified = _last_verified(entry)
    if verified and last_verified is None:
        entry.problem("last_verified", "say when it was checked (a date) when verified is true")
    age_min = entry.whole("age_min", 0, 120)
    age_max = entry.whole("age_max", 0, 120)
    if age_min is not None and age_max is not None and age_min > age_max:
        entry.problem("age_max", f"{age_max} is below age_min {age_min}")
    values = dict(
        activities=entry.choices("activities", ACTIVITIES),
        company=entry.choices("company", COMPANY),
        schedule=_schedule(entry),
        cost=entry.choice("cost", COSTS, "unknown"),
        level=entry.choice("level", LEVELS, "unknown"),
        booking=entry.choice("booking", BOOKING, "unknown"),
        accessibility=_accessibility(entry),
        licence=entry.text("licence"),
        **_place(entry, kind, texts["address"]),
    )
    if rules is not None:
        _style(entry, texts, rules)
    if entry.problems or opportunity_id is None or kind is None:
        return None, entry.problems
    assert texts["name"] and texts["summary"] and source
    return Opportunity(
        id=opportunity_id, kind=kind, name=texts["name"], summary=texts["summary"],
        source=source, setting=setting, area=texts["area"],
        schedule_note=texts["schedule_note"], price_text=texts["price_text"],
        who_for=texts["who_for"], age_min=age_min, age_max=age_max,
        contact=texts["contact"], url=url, details=texts["details"],
        last_verified=last_verified, verified=verified,
        attribution=texts["attribution"], **values,
    ), []
