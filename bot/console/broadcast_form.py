"""The broadcast form, read and checked: the words, the audience (postcode districts as
typed, interests ticked, a channel) and when (now, or a date and time in Europe/London).

Nothing typed is trusted: districts must be ones the district table knows, interests ones
options.yaml offers, the channel one of three, and a time a real one that has not passed and
is at most `FURTHEST` ahead. Every field comes back as typed, to show again with its error
(field -> content key), so a mistake never loses what was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from starlette.datastructures import FormData

from bot.broadcasts.audience import BOTH, CHANNELS, Audience
from bot.console.pages import LONDON
from bot.geo.districts import default_table, parse_district
from bot.staff.help import MAX_REPLY

FURTHEST = timedelta(days=90)
MAX_DISTRICTS = 30
NOW, LATER = "now", "later"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_E = "console_broadcasts.errors."


@dataclass(frozen=True)
class Values:
    """The form as it was sent, to fill it in again."""

    text: str = ""
    districts: str = ""
    interests: tuple[str, ...] = ()
    channel: str = BOTH
    when: str = NOW
    day: str = ""
    clock: str = ""


@dataclass(frozen=True)
class Read:
    values: Values
    audience: Audience
    due: datetime | None  # None: now
    errors: dict[str, str] = field(default_factory=dict)


def values_of(form: FormData) -> Values:
    # Longer than any broadcast may be, but cut: nothing unbounded reaches the checks.
    return Values(
        text=str(form.get("text", ""))[:MAX_REPLY * 2],
        districts=str(form.get("districts", ""))[:500],
        interests=tuple(str(v)[:40] for v in form.getlist("interests")[:20]),
        channel=str(form.get("channel", BOTH))[:20],
        when=str(form.get("when", NOW))[:10],
        day=str(form.get("date", "")).strip()[:20],
        clock=str(form.get("time", "")).strip()[:10])


def read(form: FormData, interests: tuple[str, ...], now: datetime) -> Read:
    """The form checked; `interests`: the ids that may be ticked."""
    values = values_of(form)
    errors: dict[str, str] = {}
    districts = districts_of(values.districts, errors)
    if any(i not in interests for i in values.interests):
        errors["interests"] = _E + "interests"
    if values.channel not in CHANNELS:
        errors["channel"] = _E + "channel"
    due = _when(values, now, errors)
    chosen = tuple(i for i in interests if i in values.interests)
    channel = values.channel if values.channel in CHANNELS else BOTH
    return Read(values, Audience(districts, chosen, channel), due, errors)


def districts_of(typed: str, errors: dict[str, str]) -> tuple[str, ...]:
    """"le11, LE12 le11" -> ("LE11", "LE12"); each must be in the district table."""
    table = default_table()
    found: list[str] = []
    for word in re.split(r"[\s,;]+", typed.strip()):
        if not word:
            continue
        district = parse_district(word)
        if district is None or district not in table:
            errors["districts"] = _E + "districts"
            return ()
        if district not in found:
            found.append(district)
    if len(found) > MAX_DISTRICTS:
        errors["districts"] = _E + "too_many_districts"
        return ()
    return tuple(found)


def _when(values: Values, now: datetime, errors: dict[str, str]) -> datetime | None:
    if values.when == NOW:
        return None
    if values.when != LATER:
        errors["when"] = _E + "when"
        return None
    day = _day(values.day)
    if day is None:
        errors["date"] = _E + "date"
    matched = _TIME.match(values.clock)
    if matched is None:
        errors["time"] = _E + "time"
    if day is None or matched is None:
        return None
    local = datetime.combine(day, time(int(matched[1]), int(matched[2])), tzinfo=LONDON)
    # A time the clocks skip (01:30 on the last Sunday in March) is read as the hour after.
    due = local.astimezone(LONDON).astimezone(now.tzinfo)
    if due <= now:
        errors["date"] = _E + "past"
    elif due > now + FURTHEST:
        errors["date"] = _E + "too_far"
    return due


def _day(raw: str) -> date | None:
    if len(raw) != 10:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None
