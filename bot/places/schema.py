"""What one opportunity is: the `Opportunity` type and the value sets its fields use.

Everything a resident might be offered (a parkrun, a park, a programme, a video series, an
idea for moving at home, a class imported from OpenActive) becomes one frozen
`Opportunity`. Unknown is always a real value: None for a fact nobody has checked, an empty
tuple for a list we know nothing about, "unknown" for cost, level and booking. Nothing is
ever filled in by guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from bot.core.needs import (  # the vocabulary people answer in, shared with Needs
    ACCESS_FIELDS,
    DAYS,
    TIMES_OF_DAY,
)
from bot.geo.districts import DistrictTable, default_table, miles_between

# Ids match content/en/options.yaml (`activities`, `where`, `with_whom`): they are stored
# ids there, so matching can compare a person's answers with these directly.
SETTINGS = ("home", "outdoors", "leisure", "community", "online")
KINDS = ("session", "place", "programme", "online", "at_home")
COSTS = ("free", "low", "paid", "unknown")
# "demanding" is for sessions a publisher marks as advanced, so they are never offered
# as if they were gentle.
LEVELS = ("gentle", "moderate", "demanding", "any", "unknown")
BOOKING = ("drop_in", "booking", "referral", "unknown")
ORIGIN_CATALOGUE = "catalogue"
ORIGIN_OPENACTIVE_PREFIX = "openactive:"
# Ids of imported opportunities start with this; catalogue ids may not.
IMPORTED_ID_PREFIX = "oa-"
# A price at or under this (in pounds) counts as "low" cost.
LOW_COST_LIMIT = 5.00

_HHMM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def valid_time(value: str) -> bool:
    return bool(_HHMM.match(value))


def time_of_day(hhmm: str) -> str:
    """'09:30' -> morning (before 12:00), '13:00' -> afternoon (before 17:00), else evening."""
    if hhmm < "12:00":
        return "morning"
    if hhmm < "17:00":
        return "afternoon"
    return "evening"


@dataclass(frozen=True, order=True)
class Slot:
    """A weekly time, in UK local time: `day` mon..sun, `start`/`end` "HH:MM"."""

    day: str
    start: str
    end: str | None = None

    @property
    def time_of_day(self) -> str:
        return time_of_day(self.start)

    def to_dict(self) -> dict[str, str]:
        out = {"day": self.day, "start": self.start}
        if self.end:
            out["end"] = self.end
        return out


# Mostly about places (parks, walks); allowed on anything.
PLACE_ACCESS_FIELDS = ("flat_paths", "benches", "toilets", "parking", "bus_route")


@dataclass(frozen=True)
class Accessibility:
    wheelchair: bool | None = None
    step_free: bool | None = None
    accessible_toilet: bool | None = None
    hearing_loop: bool | None = None
    quiet_times: bool | None = None
    women_only: bool | None = None
    seated_options: bool | None = None
    flat_paths: bool | None = None
    benches: bool | None = None
    toilets: bool | None = None
    parking: bool | None = None
    bus_route: bool | None = None
    # OpenActive `accessibilitySupport` labels exactly as published (e.g. "Physical
    # impairment"): who a publisher says a session supports, not a fact about the venue.
    supports: tuple[str, ...] = ()
    # Free text as published (OpenActive `accessibilityInformation`).
    notes: str | None = None

    def known(self) -> dict[str, bool]:
        """The tri-state facts that are known, by name."""
        return {name: value for name in (*ACCESS_FIELDS, *PLACE_ACCESS_FIELDS)
                if (value := getattr(self, name)) is not None}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.known())
        if self.supports:
            out["supports"] = list(self.supports)
        if self.notes:
            out["notes"] = self.notes
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Accessibility:
        data = data or {}
        flags = {name: data.get(name) for name in (*ACCESS_FIELDS, *PLACE_ACCESS_FIELDS)}
        return cls(**flags, supports=tuple(data.get("supports") or ()),
                   notes=data.get("notes") or None)


@dataclass(frozen=True)
class Opportunity:
    """One thing a person could do. See content/places/README.md for each field's meaning."""

    id: str
    kind: str
    name: str
    summary: str
    source: str
    activities: tuple[str, ...] = ()
    setting: str | None = None  # None: varies or unknown
    company: tuple[str, ...] = ()
    district: str | None = None
    area: str | None = None  # a town or park name people recognise, e.g. "Loughborough"
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    postcode: str | None = None
    schedule: tuple[Slot, ...] = ()  # empty: not at fixed times, or times unknown
    schedule_note: str | None = None
    next_starts: tuple[datetime, ...] = ()  # upcoming dated sessions or slots (UTC)
    cost: str = "unknown"
    price_text: str | None = None  # only as published
    accessibility: Accessibility = field(default_factory=Accessibility)
    level: str = "unknown"
    who_for: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    booking: str = "unknown"
    contact: str | None = None  # an organisation's public contact, never a person's
    url: str | None = None
    details: str | None = None  # a little more, in plain words, when someone asks
    last_verified: date | None = None
    verified: bool = False  # False: "unverified, please check before going"
    licence: str | None = None
    attribution: str | None = None
    origin: str = ORIGIN_CATALOGUE

    @property
    def times_of_day(self) -> tuple[str, ...]:
        """morning / afternoon / evening, in that order, from the schedule's start times."""
        found = {slot.time_of_day for slot in self.schedule}
        return tuple(t for t in TIMES_OF_DAY if t in found)

    @property
    def days(self) -> tuple[str, ...]:
        found = {slot.day for slot in self.schedule}
        return tuple(d for d in DAYS if d in found)

    @property
    def is_imported(self) -> bool:
        return self.origin.startswith(ORIGIN_OPENACTIVE_PREFIX)

    @property
    def is_remote(self) -> bool:
        """Done wherever the person is: online or at home, so distance does not apply."""
        return self.kind in ("online", "at_home") or self.setting == "online"

    def miles_from(self, district: str | None, table: DistrictTable | None = None,
                   ) -> float | None:
        """Rough distance from the centre of a person's postcode district: from this
        opportunity's coordinates, else its district's centre. None when either is unknown
        (and for online or at-home options, where distance means nothing)."""
        if self.is_remote or not district:
            return None
        table = table or default_table()
        start = table.centroid(district)
        if start is None:
            return None
        if self.latitude is not None and self.longitude is not None:
            lat, lon = self.latitude, self.longitude
        else:
            centre = table.centroid(self.district)
            if centre is None:
                return None
            lat, lon = centre.latitude, centre.longitude
        return miles_between(start.latitude, start.longitude, lat, lon)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly data (dates as ISO text), e.g. for logs or an admin page."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "schedule":
                value = [slot.to_dict() for slot in value]
            elif item.name == "accessibility":
                value = value.to_dict()
            elif item.name == "next_starts":
                value = [moment.isoformat() for moment in value]
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[item.name] = value
        return out
