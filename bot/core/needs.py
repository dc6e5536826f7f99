"""What one person told us, as the ranking reads it (`Needs`): plain values from their
stored answers, with the hard limits (`max_cost`, `access`, days and times, settings,
home only) apart from what only orders the results. Nothing is inferred from a health
condition: `Needs` holds no health data at all. `bot/places/ranking.py` ranks with it;
the catalogue (`bot/places/schema.py`) shares the vocabulary defined here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

# Ids match content/en/options.yaml (`activities`, `where`, `with_whom`): they are stored
# ids there, so matching can compare a person's answers with these directly.
ACTIVITIES = ("walking", "swimming", "dancing", "chair", "gardening", "cycling", "yoga",
              "team", "gym", "home")
COMPANY = ("alone", "friends", "group", "peer", "online")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIMES_OF_DAY = ("morning", "afternoon", "evening")
# Tri-state accessibility facts: True (yes), False (no), None (nobody has said).
ACCESS_FIELDS = ("wheelchair", "step_free", "accessible_toilet", "hearing_loop",
                 "quiet_times", "women_only", "seated_options")

DEFAULT_MAX_MILES = 10.0
COST_LIMITS = ("free", "low")
# The `where` answers (content/en/options.yaml); "online" is a with_whom answer instead.
WHERE = ("home", "outdoors", "leisure", "community")
# Every kind of place to go: a venue whose setting is unknown is surely one of these.
VENUES = frozenset(WHERE) - {"home"}
# The hard limits `why_no_places` can name, in the order they are told.
LIMITS = ("place", "access", "cost", "times")


def _ids(values: Iterable[str] | str | None, allowed: Sequence[str], what: str,
         ) -> frozenset[str]:
    if values is None:
        return frozenset()
    items = frozenset([values] if isinstance(values, str) else values)
    unknown = items - set(allowed)
    if unknown:
        raise ValueError(f"unknown {what}: {sorted(unknown)}")
    return items


def _answer_ids(answers: Mapping[str, Any], key: str, allowed: Sequence[str],
                ) -> frozenset[str]:
    """Stored answer ids, keeping only ids we know (old or own-words answers are ignored)."""
    value = answers.get(key)
    items = [value] if isinstance(value, str) else list(value or ())
    return frozenset(item for item in items if item in allowed)


@dataclass(frozen=True)
class Needs:
    """What one person told us, as plain values. Empty means "no preference" (and no
    limit). `max_cost`, `access`, `days`/`times`, `settings` and `home_only` are hard
    limits; the rest only order what fits."""

    activities: frozenset[str] = frozenset()
    max_cost: str | None = None  # "free", "low" (free or 5 pounds or less), None: no limit
    access: frozenset[str] = frozenset()  # features they need (ACCESS_FIELDS)
    days: frozenset[str] = frozenset()  # mon..sun; empty: any day
    times: frozenset[str] = frozenset()  # morning/afternoon/evening; empty: any time
    company: frozenset[str] = frozenset()  # with_whom ids
    settings: frozenset[str] = frozenset()  # where ids: only in these; empty: anywhere
    # "At home or online" was their only answer to who they want to move with: ideas for
    # home or online only (kept apart from `company`, which "someone to go with" widens).
    home_only: bool = False
    district: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    not_for_me: frozenset[str] = frozenset()  # opportunity ids never to offer again
    anything: bool = False  # relax times and activities; never where, cost or access
    max_miles: float = DEFAULT_MAX_MILES
    prefer_bus: bool = False  # they said help with transport would help

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        put("activities", _ids(self.activities, ACTIVITIES, "activities"))
        put("access", _ids(self.access, ACCESS_FIELDS, "access features"))
        put("days", _ids(self.days, DAYS, "days"))
        put("times", _ids(self.times, TIMES_OF_DAY, "times"))
        put("company", _ids(self.company, COMPANY, "company"))
        put("settings", _ids(self.settings, WHERE, "settings"))
        nfm = self.not_for_me
        put("not_for_me", frozenset([nfm] if isinstance(nfm, str) else nfm or ()))
        put("district", self.district.strip().upper() if self.district else None)
        if self.max_cost not in (None, *COST_LIMITS):
            raise ValueError(f"max_cost must be one of {COST_LIMITS} or None")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        if not self.max_miles > 0:
            raise ValueError("max_miles must be more than 0")

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any], district: str | None = None,
                     latitude: float | None = None, longitude: float | None = None,
                     not_for_me: Iterable[str] = (), access: Iterable[str] | None = None,
                     *, max_cost: str | None = None, anything: bool = False,
                     max_miles: float = DEFAULT_MAX_MILES) -> Needs:
        """Needs from stored answer ids (content/en/options.yaml).

        - helps `low_cost` -> max_cost "low" (free or low) unless `max_cost` is given.
        - helps `accessible` without `access` -> step-free required: a venue known to have
          steps is not "an accessible place". Pass `access` (what they said they need)
          to be exact; it always wins.
        - helps `company` -> groups and peer supporters rank higher.
        - helps `transport` -> places on a bus route rank a little higher.
        - days `any` and times `varies` mean no limit.
        - where -> only those kinds of place (all four, or none: anywhere).
        - with_whom `online` ("At home or online") and nothing else -> home or online only.
        Other helps (confidence, caring, language...) are not facts we hold about places.
        """
        helps = _answer_ids(answers, "helps", tuple(_HELPS))
        if max_cost is None and "low_cost" in helps:
            max_cost = "low"
        needed = frozenset(access) if access is not None else (
            frozenset({"step_free"}) if "accessible" in helps else frozenset())
        company = _answer_ids(answers, "with_whom", COMPANY)
        home_only = company == {"online"}
        if "company" in helps:
            company |= {"group", "peer"}
        days = _answer_ids(answers, "days", (*DAYS, "any"))
        times = _answer_ids(answers, "times", (*TIMES_OF_DAY, "varies"))
        return cls(
            activities=_answer_ids(answers, "activities", ACTIVITIES),
            max_cost=max_cost, access=needed,
            days=frozenset() if "any" in days else days,
            times=frozenset() if "varies" in times else times,
            company=company, settings=_answer_ids(answers, "where", WHERE),
            home_only=home_only,
            district=district, latitude=latitude, longitude=longitude,
            not_for_me=frozenset(not_for_me), anything=anything, max_miles=max_miles,
            prefer_bus="transport" in helps,
        )

    def without(self, *opportunity_ids: str) -> Needs:
        """The same needs, never offering these again ("not for me")."""
        return replace(self, not_for_me=self.not_for_me | set(opportunity_ids))

    def relaxed(self) -> Needs:
        """"Anything": any time and any activity. Where, cost, access and distance still
        hold (the person asks for this in so many words; it is never done for them)."""
        return replace(self, anything=True)

    def at_home(self) -> Needs:
        """The same needs, for ideas done at home or online only: what we offer instead,
        saying so, when no place to go meets their needs."""
        return replace(self, settings=frozenset({"home"}), home_only=True)

    def without_limit(self, limit: str) -> Needs:
        """The same needs without one hard limit (LIMITS), to find out which one leaves
        nothing. Never used to pick what to offer."""
        if limit == "place":
            return replace(self, settings=frozenset(), home_only=False)
        if limit == "access":
            return replace(self, access=frozenset())
        if limit == "cost":
            return replace(self, max_cost=None)
        if limit == "times":
            return replace(self, days=frozenset(), times=frozenset())
        raise ValueError(f"limit must be one of {LIMITS}")

    def limits(self) -> tuple[str, ...]:
        """The hard limits they gave (LIMITS), in order."""
        given = {"place": self.limits_place, "access": bool(self.access),
                 "cost": self.max_cost is not None,
                 "times": self.gave_times and not self.anything}
        return tuple(name for name in LIMITS if given[name])

    @property
    def limits_place(self) -> bool:
        """Whether where they move rules anything out (all four kinds of place do not)."""
        return self.home_only or bool(self.settings and self.settings != set(WHERE))

    @property
    def remote_only(self) -> bool:
        """They asked for ideas at home or online only."""
        return self.home_only or self.settings == {"home"}

    @property
    def wants_remote(self) -> bool:
        return "home" in self.settings or "online" in self.company

    @property
    def gave_times(self) -> bool:
        return bool(self.days or self.times)


_HELPS = ("company", "confidence", "where_to_start", "low_cost", "accessible", "transport",
          "caring", "language", "nothing")

