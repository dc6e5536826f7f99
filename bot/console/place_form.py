"""The form for adding or editing a place: its values from an opportunity (to fill it in),
and back to a catalogue entry in the YAML seed's own shape, checked by the same rules as
the seed (`bot.places.entries.parse_entry`, with content/STYLE.md's rules for the words
residents read). Each problem becomes the key of a message in content/en/console.yaml
(`console.places.errors.*`), by field, for the error summary and beside the field.

A text that reads too hard also says why, in figures (`reading`): "Use shorter words and
sentences" alone left people guessing which words, and how short."""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import textstat
from starlette.datastructures import FormData

from bot.core.content import CONTENT_ROOT, Content
from bot.core.gsm7 import is_gsm7, to_gsm7, unsendable
from bot.core.needs import ACCESS_FIELDS, ACTIVITIES, COMPANY, DAYS
from bot.core.style import Rules, banned_words, grade
from bot.places.entries import parse_entry
from bot.places.schema import (
    BOOKING,
    COSTS,
    KINDS,
    LEVELS,
    PLACE_ACCESS_FIELDS,
    SETTINGS,
    Opportunity,
)

ERRORS = "console.places.errors."  # + the name of a message
ACCESS = (*ACCESS_FIELDS, *PLACE_ACCESS_FIELDS)
# Free text, in the order the form shows it (with the choices between them): the form's
# order is the error summary's.
ORDER = ("name", "kind", "summary", "details", "activities", "setting", "company",
         "district", "area", "address", "postcode", "latitude", "longitude", "schedule",
         "schedule_note", "cost", "price_text", "level", "booking", "who_for", "age_min",
         "age_max", "contact", "url", *(f"access_{name}" for name in ACCESS), "source")
TEXTS = ("name", "summary", "details", "source", "area", "address", "who_for",
         "schedule_note", "price_text", "contact", "url")
# The most of each field that is read (a guard only: lengths are checked as the seed's are).
READ_LIMIT = 2000
CHOICES = {"kind": KINDS, "setting": SETTINGS, "cost": COSTS, "level": LEVELS,
           "booking": BOOKING}
LISTS = {"activities": ACTIVITIES, "company": COMPANY}
# Where each choice's words are (console.places.<group>.<value>).
GROUPS = {"kind": "kinds", "setting": "settings", "cost": "costs", "level": "levels",
          "booking": "booking", "activities": "activities", "company": "company"}
# Most fields a form posts: every text, choice, list item and access answer, and the token.
MAX_FIELDS = 100
_DAY_NAMES = {day: day for day in DAYS} | {
    "monday": "mon", "tuesday": "tue", "tues": "tue", "wednesday": "wed", "weds": "wed",
    "thursday": "thu", "thur": "thu", "thurs": "thu", "friday": "fri", "saturday": "sat",
    "sunday": "sun"}
_SLOT = re.compile(r"^([a-z]+)\s+(\d{1,2})[:.](\d{2})(?:\s*(?:-|to)\s*(\d{1,2})[:.](\d{2}))?$")
_SPLIT = re.compile(r"[,;\n]+")
_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{1,8})?$")
# Reading age is the Flesch-Kincaid grade plus five (grade 6: age 11, content/STYLE.md).
AGE_OVER_GRADE = 5
ADULT_AGE = 18  # past this a reading age means little: "reads like a text for adults"
# Sentences longer than this are the usual reason a short text reads too hard: at 1.3
# syllables a word, 16 words a sentence is already grade 6.
SENTENCE_AIM = 15
LONG_WORD = 3  # syllables
LONG_WORDS_SHOWN = 5
_SENTENCES = re.compile(r"(?<=[.!?;:])\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


# Characters that take no space but change how text reads: direction controls (an RTL
# override shows "klaw" for "walk") and zero-width ones. Taken out of what is typed, and
# the field says so (`invisible`): the words may read differently without them.
INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


@dataclass
class Filled:
    """What the form holds: text by name, ticked lists, access answers ('yes', 'no' or
    ''), as shown again when there are problems."""

    text: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    access: dict[str, str] = field(default_factory=dict)
    invisible: tuple[str, ...] = ()  # fields that had `INVISIBLE` characters, taken out

    def get(self, name: str) -> str:
        return self.text.get(name, "")


def options() -> dict[str, list[tuple[str, str]]]:
    """Each choice and list as (value, key of its words), in the order they are shown."""
    return {name: [(value, f"console.places.{GROUPS[name]}.{value}") for value in values]
            for name, values in {**CHOICES, **LISTS}.items()}


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def schedule_text(item: Opportunity) -> str:
    """'sat 09:00, tue 10:00-11:30'."""
    return ", ".join(f"{slot.day} {slot.start}" + (f"-{slot.end}" if slot.end else "")
                     for slot in item.schedule)


def filled_from(item: Opportunity | None) -> Filled:
    if item is None:
        return Filled(lists={name: [] for name in LISTS},
                      access={name: "" for name in ACCESS})
    known = item.accessibility.known()
    text = {name: str(getattr(item, name) or "") for name in TEXTS}
    text.update(kind=item.kind, setting=item.setting or "", district=item.district or "",
                postcode=item.postcode or "", latitude=_number(item.latitude),
                longitude=_number(item.longitude), schedule=schedule_text(item),
                cost=item.cost, level=item.level, booking=item.booking,
                age_min="" if item.age_min is None else str(item.age_min),
                age_max="" if item.age_max is None else str(item.age_max))
    return Filled(text, {"activities": list(item.activities), "company": list(item.company)},
                  {name: ("yes" if known[name] else "no") if name in known else ""
                   for name in ACCESS})


def version(item: Opportunity) -> str:
    """A place's version as its edit form shows it: 16 hex characters, a fingerprint of
    every field the form holds, so it changes whenever anyone saves a different place
    (no counter in storage needed; saving the same values again changes nothing)."""
    filled = filled_from(item)
    data = json.dumps([filled.text, filled.lists, filled.access], sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def differences(typed: Filled, saved: Filled) -> list[tuple[str, str, str]]:
    """Where the place as saved now differs from what was typed, in the form's order:
    (field name, the key of its label, the saved value as text; lists joined by ", ",
    access answers 'yes', 'no' or '')."""
    found = []
    for name in (*ORDER, *(n for n in (*TEXTS, "schedule", "age_min", "age_max")
                           if n not in ORDER)):
        if name in LISTS:
            mine, now = typed.lists.get(name, []), saved.lists.get(name, [])
            if sorted(mine) != sorted(now):
                found.append((name, f"console.places.fields.{name}", ", ".join(now)))
        elif typed.get(name) != saved.get(name):
            found.append((name, f"console.places.fields.{name}", saved.get(name)))
    for name in ACCESS:
        if typed.access.get(name, "") != saved.access.get(name, ""):
            found.append((f"access_{name}", f"console.places.access.{name}",
                          saved.access.get(name, "")))
    return found


def _clean(value: str, limit: int) -> str:
    value = " ".join(value.split())[:limit]
    # Curly quotes and long dashes pasted from a web page become plain ones; anything a
    # text message cannot carry at all (emoji) stays, for the form to point out.
    return to_gsm7(value) if not unsendable(value) else value


def filled_from_form(form: FormData) -> Filled:
    text, invisible = {}, []
    for name in (*TEXTS, "district", "postcode", "latitude", "longitude", "schedule",
                 "age_min", "age_max", *CHOICES):
        raw = form.get(name)
        raw = raw if isinstance(raw, str) else ""
        if INVISIBLE.search(raw):
            invisible.append(name)
            raw = INVISIBLE.sub("", raw)
        text[name] = _clean(raw, READ_LIMIT)
    lists = {name: [v for v in form.getlist(name) if isinstance(v, str)][:20]
             for name in LISTS}
    access = {}
    for name in ACCESS:
        raw = form.get(f"access_{name}")
        access[name] = raw if raw in ("yes", "no") else ""
    return Filled(text, lists, access, tuple(invisible))


def _schedule(text: str) -> list[dict[str, str]] | None:
    """'sat 09:00, tue 10:00-11:30' -> slots; None when a part is not like that."""
    slots = []
    for part in (p.strip().lower() for p in _SPLIT.split(text)):
        if not part:
            continue
        match = _SLOT.match(part)
        if match is None or match.group(1) not in _DAY_NAMES:
            return None
        slot = {"day": _DAY_NAMES[match.group(1)],
                "start": f"{int(match.group(2)):02d}:{match.group(3)}"}
        if match.group(4):
            slot["end"] = f"{int(match.group(4)):02d}:{match.group(5)}"
        slots.append(slot)
    return slots


def entry_from(filled: Filled, keep: Opportunity | None = None
               ) -> tuple[dict[str, Any], dict[str, str]]:
    """The catalogue entry the form describes (the YAML seed's shape), and problems with
    what could not be read at all (a number that is not one, times not like the hint).
    What the form does not show (a licence, a credit, access notes) is kept from `keep`."""
    entry: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in TEXTS:
        if filled.get(name):
            entry[name] = filled.get(name)
    for name in CHOICES:
        if filled.get(name):
            entry[name] = filled.get(name)
    for name in LISTS:
        if filled.lists.get(name):
            entry[name] = list(filled.lists[name])
    if filled.get("district"):
        entry["district"] = filled.get("district").upper().replace(" ", "")
    if filled.get("postcode"):
        entry["postcode"] = filled.get("postcode").upper()
    for name in ("latitude", "longitude"):
        value = filled.get(name)
        if value:
            if _NUMBER.match(value):
                entry[name] = float(value)
            else:
                errors[name] = f"{ERRORS}{name}"
    for name in ("age_min", "age_max"):
        value = filled.get(name)
        if value:
            if value.isdecimal() and len(value) <= 3:
                entry[name] = int(value)
            else:
                errors[name] = f"{ERRORS}{name}"
    if filled.get("schedule"):
        slots = _schedule(filled.get("schedule"))
        if slots is None:
            errors["schedule"] = f"{ERRORS}schedule"
        elif slots:
            entry["schedule"] = slots
    access: dict[str, Any] = {name: answer == "yes" for name, answer in filled.access.items()
                              if answer}
    if keep is not None:
        if keep.accessibility.supports:
            access["supports"] = list(keep.accessibility.supports)
        if keep.accessibility.notes:
            access["notes"] = keep.accessibility.notes
        for name in ("licence", "attribution"):
            if getattr(keep, name):
                entry[name] = getattr(keep, name)
    if access:
        entry["accessibility"] = access
    return entry, errors


def rules_for(content_root: Path) -> Rules:
    return Rules.load(content_root if (content_root / "lint.yaml").exists() else CONTENT_ROOT)


@dataclass(frozen=True)
class Reading:
    """Why a text reads too hard, in figures people can act on: its reading age and the
    aim (years), its longest sentence and the aim (words), and its long words (three
    syllables or more, the first few, as typed)."""

    age: int
    aim: int
    longest: int
    sentence_aim: int
    long_words: tuple[str, ...]

    @property
    def long_sentences(self) -> bool:
        return self.longest > self.sentence_aim

    @property
    def for_adults(self) -> bool:
        return self.age > ADULT_AGE


def reading(value: str, rules: Rules) -> Reading:
    """The figures behind `grade(value)` for one text."""
    sentences = [part for part in _SENTENCES.split(value.strip()) if part]
    longest = max((len(part.split()) for part in sentences), default=0)
    seen: dict[str, str] = {}
    for word in _WORD.findall(value):
        if textstat.syllable_count(word) >= LONG_WORD:
            seen.setdefault(word.lower(), word)
    return Reading(math.ceil(grade(value)) + AGE_OVER_GRADE,
                   int(rules.max_grade) + AGE_OVER_GRADE, longest, SENTENCE_AIM,
                   tuple(seen.values())[:LONG_WORDS_SHOWN])


def readings(filled: Filled, errors: dict[str, str], rules: Rules) -> dict[str, Reading]:
    """For each field the reading-level rule stopped (its error is `*_grade`), why."""
    return {name: reading(filled.get(name), rules) for name, key in errors.items()
            if key.endswith("_grade") and filled.get(name)}


def _style_key(name: str, value: str, rules: Rules, content: Content) -> str:
    """Which of content/STYLE.md's rules a resident-facing text breaks, as the key of its
    message (a field has keys only for the rules that apply to it)."""
    found = []
    if not is_gsm7(value):
        found.append("gsm7")
    if banned_words(value, rules):
        found.append("words")
    if len(value.split()) >= rules.min_words_for_grade and grade(value) > rules.max_grade:
        found.append("grade")
    found.append("long")
    for code in found:
        key = f"{ERRORS}{name}_{code}"
        if content.has(key):
            return key
    return f"{ERRORS}field"


def check(filled: Filled, entry: dict[str, Any], errors: dict[str, str], rules: Rules,
          content: Content, place_id: str = "new-place") -> dict[str, str]:
    """Every problem with the entry, by field (in the form's order), as message keys."""
    found = dict(errors)
    for name in filled.invisible:  # taken out: to be read again before it is saved
        found.setdefault(name, f"{ERRORS}invisible")
    for name in ("name", "summary", "source"):
        if not filled.get(name):
            found.setdefault(name, f"{ERRORS}need_{name}")
    if not filled.get("kind"):
        found.setdefault("kind", f"{ERRORS}need_kind")
    for name, allowed in CHOICES.items():
        if filled.get(name) and filled.get(name) not in allowed:
            found.setdefault(name, f"{ERRORS}choice")
    _, problems = parse_entry({**entry, "id": place_id}, {}, "console", 1, rules)
    for problem in problems:
        name = problem.field or ""
        if name in found:
            continue
        if name.startswith("accessibility."):
            found.setdefault(f"access_{name.split('.', 1)[1]}", f"{ERRORS}choice")
        elif name in TEXTS and name not in ("source", "url"):
            found[name] = _style_key(name, str(entry.get(name, "")), rules, content)
        elif name == "kind":
            found[name] = f"{ERRORS}kind_place"
        elif name == "setting":
            found[name] = f"{ERRORS}setting_kind"
        elif name in ("district", "postcode", "latitude", "longitude", "schedule", "url",
                      "age_min", "age_max"):
            found[name] = f"{ERRORS}{name}"
        elif name in CHOICES or name in LISTS:
            found[name] = f"{ERRORS}choice"
        elif name not in ("id", "source"):
            found.setdefault(name if name in ORDER else "name", f"{ERRORS}field")
    place = {name: n for n, name in enumerate(ORDER)}
    return dict(sorted(found.items(), key=lambda pair: place.get(pair[0], len(ORDER))))
