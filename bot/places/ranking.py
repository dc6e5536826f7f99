"""Ranking local movement suggestions from a person's own answers. Pure: no I/O, no clock.

Two steps, in this order:

1. Hard limits. What a person said they need is never traded for anything else, and an
   unknown fact never counts as a yes:
   - where: only in the kinds of place they picked (`where`); "At home" alone, or "At home
     or online" as their only company, means ideas for home or online and nothing else.
     A place whose setting nobody has given counts only for someone who picked every kind
     of venue (it must be one of them).
   - access: only what is known to have every access feature they need (a venue feature
     means nothing at home or online, so those ideas always qualify).
   - cost: "free" only free; "low" free or known low cost. An unknown cost is neither.
   - times: nothing whose sessions are all outside the days and times they gave (unless
     they ask for "anything"); see `_add` for what happens when times are unknown.
   - and always: nothing they said "not for me" to, nothing too far away, nothing for
     children, and women-only sessions only for people who asked for them.
   `RankingIndex.why_no_places` says which of these left no place to go, so the person
   can be told honestly and offered ideas for home or online instead (`Needs.at_home`).
2. A score from what they told us they like (see the weights below), ties broken by
   level (gentle first, only when nothing else differs) and then by id, so the same
   answers always give the same order.

Nothing is ever inferred from a health condition: `Needs` holds no health data at all.

`RankingIndex` precomputes each opportunity once (small bit masks, a location grid and
per-origin distance lists), so one person over 10,000 entries takes a few milliseconds and
a wave of people can share it (`rank_many`). `rank()` builds and caches one for you.
"""

from __future__ import annotations

import heapq
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, overload

from bot.core.needs import (
    ACCESS_FIELDS,
    ACTIVITIES,
    COMPANY,
    DAYS,
    TIMES_OF_DAY,
    VENUES,
    WHERE,
    Needs,
)
from bot.geo.districts import (
    EARTH_RADIUS_MILES,
    DistrictTable,
    default_table,
    miles_between,
)
from bot.places.catalogue import Catalogue
from bot.places.schema import Opportunity

# --- Weights -------------------------------------------------------------------------
# Activity dominates: everything else together stays under it (checked below), so an
# option with something they enjoy or want to try always comes before one without.
W_ACTIVITY = 120.0
# With "anything", activity is only a gentle lean, so other things near them surface.
W_ACTIVITY_RELAXED = 10.0
W_FREE = 15.0  # free first, for everyone ...
W_LOW_COST = 8.0  # ... then low cost (a published price of 5 pounds or less)
W_NEAR = 20.0  # at the door; half at NEAR_HALF_MILES, a quarter at three times that
NEAR_HALF_MILES = 3.0
W_COMPANY = 10.0  # who they want to move with
W_SETTING = 10.0  # where they want to move
W_GREEN = 4.0  # extra for outdoor and green spaces, when they chose outdoors
W_REMOTE = 10.0  # online or at home, when they chose "at home" or "at home or online"
W_TIME = 8.0  # a fixed time on a day and time of day they gave
W_ANY_TIME = 4.0  # no fixed time (a park, an idea for home), when they gave days or times
W_ACCESS = 10.0  # each access feature they need that is known to be there ...
ACCESS_CAP = 20.0  # ... up to two features' worth
W_ACCESSIBLE = 3.0  # known step-free or wheelchair accessible, for everyone
W_BUS = 3.0  # on a bus route, when they said transport would help
W_VERIFIED = 3.0  # checked with the provider by our team
# A bound on everything but activity (some of these never add up together).
MAX_WITHOUT_ACTIVITY = (W_FREE + W_NEAR + W_COMPANY + W_SETTING + W_GREEN + W_REMOTE
                        + max(W_TIME, W_ANY_TIME) + ACCESS_CAP + W_ACCESSIBLE + W_BUS
                        + W_VERIFIED)
assert MAX_WITHOUT_ACTIVITY < W_ACTIVITY, "activity must outweigh everything else"
# Level never enters the score: it only breaks ties (gentle or "own pace" first).
LEVEL_ORDER = {"gentle": 0, "any": 0, "moderate": 1, "unknown": 1, "demanding": 2}

# When two reasons weigh the same, the one earlier here is the more persuasive.
REASON_CODES = ("activity", "access", "free", "time", "near", "company", "setting",
                "online", "at_home", "any_time", "low_cost", "bus")
# Caveats, in the order given ("access_unknown" is followed by ":" and the feature).
CAVEAT_CODES = ("cost_unknown", "access_unknown", "times_unknown", "distance_unknown",
                "age_limit", "unverified")
# Venue features that mean nothing for an idea done at home or a video followed online.
_VENUE_ONLY = frozenset({"wheelchair", "step_free", "accessible_toilet", "hearing_loop",
                         "quiet_times", "women_only"})
# Company preference when several match: the most social first (it is why people asked).
_COMPANY_ORDER = ("group", "peer", "friends", "alone", "online")
_COST_CODES = {"free": 0, "low": 1, "paid": 2, "unknown": 3}
# A bit per cost code. An unknown cost is not free, and not low either.
_ALLOWED_COSTS = {None: 0b1111, "low": 0b0011, "free": 0b0001}
_MILES_PER_DEGREE_LAT = 69.05
_CELL_DEGREES = 0.1
_ORIGIN_CACHE = 128  # districts are reused all the time; shared locations rarely


def _bits(values: Iterable[str], universe: Sequence[str]) -> int:
    mask = 0
    for value in values:
        if value in universe:
            mask |= 1 << universe.index(value)
    return mask


def _slot_bit(day: str, part_of_day: str) -> int:
    return 1 << (DAYS.index(day) * 3 + TIMES_OF_DAY.index(part_of_day))


_ACCESS_BIT = {name: 1 << n for n, name in enumerate(ACCESS_FIELDS)}
# What the access features someone needs are worth, by the mask of those that are met.
_ACCESS_SCORE = tuple(min(ACCESS_CAP, W_ACCESS * bin(met).count("1"))
                      for met in range(1 << len(ACCESS_FIELDS)))
_OUTDOORS = 1 << WHERE.index("outdoors")
_HOME = 1 << WHERE.index("home")
# An entry's place bits: WHERE, plus one for a venue whose setting nobody has given.
_SOMEWHERE = 1 << len(WHERE)



# --- Results ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Reason:
    """Why an option might suit: `code` (REASON_CODES) and a value, e.g.
    ("activity", "walking"), ("near", 1.8), ("time", "sat:morning"), ("access", "step_free")."""

    code: str
    value: str | float | None = None


@dataclass(frozen=True)
class Suggestion:
    opportunity: Opportunity
    score: float
    reasons: tuple[Reason, ...] = ()  # most persuasive first
    caveats: tuple[str, ...] = ()  # e.g. cost_unknown, access_unknown:step_free
    miles: float | None = None  # rough, from the person's district or location

    @property
    def id(self) -> str:
        return self.opportunity.id


# --- The index -------------------------------------------------------------------------
# An entry's "block" bits: its cost (one bit per cost code), women-only, and the access
# features it is not known to have (shifted by _NO_SHIFT): known not to, or unknown, for
# unknown is not yes. A person's block bits are what they cannot accept, so one AND
# applies the cost, women-only and access limits together.
_WOMEN_BIT = 1 << 4
_NO_SHIFT = 5
_ALL_ACCESS = (1 << len(ACCESS_FIELDS)) - 1
_WEEK_SLOTS = (1 << (len(DAYS) * len(TIMES_OF_DAY))) - 1
# The slot bit of a session whose times nobody has given: it fits only someone who gave
# no days or times (or asked for "anything").
_UNKNOWN_TIMES = _WEEK_SLOTS + 1
_ALL_SLOTS = _WEEK_SLOTS | _UNKNOWN_TIMES
# An entry's flags, each worth something only to some people.
_REMOTE, _BUS, _ANY_TIME = 1, 2, 4
_REASON_RANK = {code: n for n, code in enumerate(REASON_CODES)}
# Row fields, by position (a tuple per entry is the fastest thing to read in the loop).
(_BLOCK, _SLOTS, _ACT, _COMPANY, _SETTING, _YES, _BASE, _FLAGS, _LEVEL, _TIE,
 _PLACES) = range(11)


class _Pool:
    """Everything a person at one origin could be offered, as (position, the score it
    has for anyone there: its base score plus nearness), and the same best first when a
    top few are wanted (sorted once, on first use)."""

    def __init__(self, everything: list[tuple[int, float]]) -> None:
        self.everything = everything
        self._best_first: list[tuple[int, float]] | None = None

    @property
    def best_first(self) -> list[tuple[int, float]]:
        if self._best_first is None:  # two threads may both sort: same result, no harm
            self._best_first = sorted(self.everything, key=lambda c: (-c[1], c[0]))
        return self._best_first


@dataclass(frozen=True)
class _Person:
    """One person's needs as masks and small score tables, computed once per ranking."""

    needs: Needs
    block: int
    places: tuple[bool, ...]  # whether an entry's place bits are somewhere they'd go
    slot_filter: int  # scheduled entries need a slot here (every slot when no limit)
    time_bonus: int  # slots worth W_TIME (none when they gave no days or times)
    activity: int
    activity_weight: float
    company: tuple[float, ...]  # score by an entry's company mask
    setting: tuple[float, ...]  # score by an entry's setting mask
    flags: tuple[float, ...]  # score by an entry's flags
    access: int
    origin: tuple[float, float] | None


def access_facts(item: Opportunity) -> dict[str, bool | None]:
    """Its access facts (ACCESS_FIELDS: True, False or None for unknown), with what
    follows from them by plain logic, not guessing: wheelchair access implies no steps,
    steps rule out wheelchair access, and chair-based moves are done seated. Ranking and
    the words about an option (explain.py) both read these, so they never disagree."""
    facts = {name: getattr(item.accessibility, name) for name in ACCESS_FIELDS}
    if facts["step_free"] is None and facts["wheelchair"] is True:
        facts["step_free"] = True
    if facts["wheelchair"] is None and facts["step_free"] is False:
        facts["wheelchair"] = False
    if facts["seated_options"] is None and "chair" in item.activities:
        facts["seated_options"] = True
    return facts


def _access_masks(item: Opportunity) -> tuple[int, int, int]:
    """Access features known there (yes), known not there (no), and meaningless here."""
    facts = access_facts(item)
    moot: set[str] = set()
    if item.is_remote:
        moot |= _VENUE_ONLY
    elif item.kind == "place":
        moot.add("women_only")  # a park is not a session that could be women-only
    yes = _bits([n for n, v in facts.items() if v is True and n not in moot], ACCESS_FIELDS)
    no = _bits([n for n, v in facts.items() if v is False and n not in moot], ACCESS_FIELDS)
    return yes, no, _bits(moot, ACCESS_FIELDS)


def _places(item: Opportunity) -> int:
    """Where it happens, as WHERE bits: an idea for home or something online is "home"
    (and "outdoors" too for a walk from the door); a venue its setting, or _SOMEWHERE
    when nobody has said which kind of venue it is."""
    if item.is_remote:
        return _HOME | (_bits([item.setting], WHERE) if item.setting in VENUES else 0)
    if item.setting in WHERE:
        return _bits([item.setting], WHERE)
    return _SOMEWHERE


def _place_filter(needs: Needs) -> tuple[bool, ...]:
    """Whether an entry with these place bits is somewhere they said they'd move."""
    wanted = _bits(needs.settings, WHERE)
    every_venue = needs.settings >= VENUES
    return tuple(
        (not needs.home_only or bool(mask & _HOME))
        and (not needs.settings or bool(mask & wanted)
             or bool(mask & _SOMEWHERE and every_venue))
        for mask in range(_SOMEWHERE << 1))


def _base_score(item: Opportunity, yes: int) -> float:
    """The part of the score that is the same for everyone."""
    score = {"free": W_FREE, "low": W_LOW_COST}.get(item.cost, 0.0)
    if yes & (_ACCESS_BIT["step_free"] | _ACCESS_BIT["wheelchair"]):
        score += W_ACCESSIBLE
    if item.verified:
        score += W_VERIFIED
    return score


def _near_score(miles: float) -> float:
    return W_NEAR / (1.0 + miles / NEAR_HALF_MILES)


class RankingIndex:
    """Opportunities prepared once for ranking many people. Do not change it after
    building; build a new one when the catalogue is reloaded."""

    def __init__(self, opportunities: Iterable[Opportunity],
                 table: DistrictTable | None = None) -> None:
        self.table = table or default_table()
        self.items: tuple[Opportunity, ...] = tuple(opportunities)
        self._position = {item.id: n for n, item in enumerate(self.items)}
        if len(self._position) != len(self.items):
            raise ValueError("opportunity ids must be unique")
        # Ties are broken by id: each entry's place in id order, so keys stay plain ints.
        by_id = sorted(range(len(self.items)), key=lambda n: self.items[n].id)
        self._tie = {position: tie for tie, position in enumerate(by_id)}
        self._by_tie = by_id
        self._rows: list[tuple[Any, ...]] = []
        self._loc: list[tuple[float, float] | None] = []
        self._no: list[int] = []
        self._moot: list[int] = []
        self._slots: list[tuple[tuple[str, str, int], ...]] = []  # (day, part, bit), sorted
        self._unlocated: list[int] = []  # remote, or no known location
        self._points: list[tuple[int, float, float]] = []
        self._cells: dict[tuple[int, int], list[tuple[int, float, float]]] = {}
        self._pools: OrderedDict[tuple[float, float, float] | None, _Pool] = OrderedDict()
        self._pools_lock = threading.Lock()
        for position, item in enumerate(self.items):
            self._add(position, item)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, opportunity_id: str) -> Opportunity | None:
        position = self._position.get(opportunity_id)
        return self.items[position] if position is not None else None

    def _add(self, position: int, item: Opportunity) -> None:
        yes, no, moot = _access_masks(item)
        remote = item.is_remote
        settings = set() if item.setting in (None, "online") else {item.setting}
        company = set(item.company)
        if remote:  # covered by the "online" / "at_home" reason instead
            settings.discard("home")
            company.discard("online")
        slots = tuple(sorted({(s.day, s.time_of_day, _slot_bit(s.day, s.time_of_day))
                              for s in item.schedule},
                             key=lambda s: (DAYS.index(s[0]), TIMES_OF_DAY.index(s[1]))))
        women = item.accessibility.women_only is True and not moot & _ACCESS_BIT["women_only"]
        flags = (_REMOTE if remote else 0) | (_BUS if item.accessibility.bus_route else 0)
        # When times are unknown (no schedule), for someone who gave days or times:
        # - a place (a park, a green space), an idea for home or something online to
        #   follow has no sessions at all: you go or do it when it suits you. It fits.
        # - a session with no times given is a fixed time we don't know: unknown is not
        #   yes, and turning up at the wrong time wastes a trip. It is left out for them
        #   (kept, with "we don't know the times", for someone who gave no times).
        # - a programme (a referral scheme) has no time to turn up to: the times are
        #   agreed when the person gets in touch, so it fits ("times depend on the
        #   programme", we tell them).
        week = sum(bit for _day, _part, bit in slots)
        if not slots and item.kind in ("place", "online", "at_home"):
            flags |= _ANY_TIME
        elif not slots and item.kind == "session":
            week = _UNKNOWN_TIMES
        self._rows.append((
            (1 << _COST_CODES.get(item.cost, 3)) | (_WOMEN_BIT if women else 0)
            | ((_ALL_ACCESS & ~(yes | moot)) << _NO_SHIFT),
            week,
            _bits(item.activities, ACTIVITIES), _bits(company, COMPANY),
            _bits(settings, WHERE), yes, _base_score(item, yes), flags,
            LEVEL_ORDER.get(item.level, 1), self._tie[position], _places(item),
        ))
        self._no.append(no)
        self._moot.append(moot)
        self._slots.append(slots)
        point = None if remote else self._location(item)
        self._loc.append(point)
        if item.age_max is not None and item.age_max < 18:
            return  # for children: never offered (Move Mates is for adults)
        if point is None:
            self._unlocated.append(position)
            return
        entry = (position, *point)
        self._points.append(entry)
        self._cells.setdefault(self._cell(*point), []).append(entry)

    def _location(self, item: Opportunity) -> tuple[float, float] | None:
        if item.latitude is not None and item.longitude is not None:
            return item.latitude, item.longitude
        centre = self.table.centroid(item.district)
        return (centre.latitude, centre.longitude) if centre else None

    @staticmethod
    def _cell(latitude: float, longitude: float) -> tuple[int, int]:
        return math.floor(latitude / _CELL_DEGREES), math.floor(longitude / _CELL_DEGREES)

    # -- distances ----------------------------------------------------------------------
    def origin(self, needs: Needs) -> tuple[float, float] | None:
        """Where distances are measured from: a shared location, else the district's
        centre. None when neither is known."""
        if needs.latitude is not None and needs.longitude is not None:
            return needs.latitude, needs.longitude
        centre = self.table.centroid(needs.district)
        return (centre.latitude, centre.longitude) if centre else None

    def miles(self, needs: Needs, opportunity_id: str) -> float | None:
        """Rough miles from the person to an opportunity; None when either place is
        unknown, and for online or at-home options."""
        return self._miles(self.origin(needs), self._position[opportunity_id])

    def _miles(self, origin: tuple[float, float] | None, i: int) -> float | None:
        point = self._loc[i]
        if origin is None or point is None:
            return None
        return miles_between(origin[0], origin[1], point[0], point[1])

    def _pool(self, origin: tuple[float, float] | None, max_miles: float) -> _Pool:
        """What a person at `origin` could be offered, cached per origin: a wave has few
        distinct districts. With no origin, every distance is unknown (near score 0)."""
        key = None if origin is None else (*origin, max_miles)
        with self._pools_lock:
            pool = self._pools.get(key)
            if pool is not None:
                self._pools.move_to_end(key)
                return pool
        rows = self._rows
        found = [(i, rows[i][_BASE]) for i in self._unlocated]
        if origin is None:
            found += [(i, rows[i][_BASE]) for i, _lat, _lon in self._points]
        else:
            found += [(i, rows[i][_BASE] + _near_score(miles))
                      for i, miles in self._scan(origin, max_miles)]
        pool = _Pool(found)
        with self._pools_lock:
            self._pools[key] = pool
            if len(self._pools) > _ORIGIN_CACHE:
                self._pools.popitem(last=False)
        return pool

    def _scan(self, origin: tuple[float, float], max_miles: float,
              ) -> Iterator[tuple[int, float]]:
        """Only grid cells that can hold an entry within reach are measured."""
        lat0, lon0 = origin
        dlat = max_miles / _MILES_PER_DEGREE_LAT
        dlon = dlat / max(math.cos(math.radians(lat0)), 0.01)
        low, high = self._cell(lat0 - dlat, lon0 - dlon), self._cell(lat0 + dlat, lon0 + dlon)
        phi0, cos0 = math.radians(lat0), math.cos(math.radians(lat0))
        asin, sin, cos, sqrt, rad = math.asin, math.sin, math.cos, math.sqrt, math.radians
        for (cy, cx), entries in self._cells.items():
            if not (low[0] <= cy <= high[0] and low[1] <= cx <= high[1]):
                continue
            for position, lat, lon in entries:
                # bot.geo.districts.miles_between, inlined (this is hot) and kept
                # operation for operation the same, so `_miles` gives the same number.
                a = (sin((rad(lat) - phi0) / 2) ** 2
                     + cos0 * cos(rad(lat)) * sin(rad(lon - lon0) / 2) ** 2)
                miles = 2 * EARTH_RADIUS_MILES * asin(min(1.0, sqrt(a)))
                if miles <= max_miles:
                    yield position, miles

    # -- ranking ------------------------------------------------------------------------
    def _person(self, needs: Needs) -> _Person:
        slots = 0
        for day in needs.days or DAYS:
            for part in needs.times or TIMES_OF_DAY:
                slots |= _slot_bit(day, part)
        p_company = _bits(needs.company, COMPANY)
        p_setting = _bits(needs.settings - {"home"}, WHERE)
        flag_score = []
        for flags in range(8):
            score = W_REMOTE if flags & _REMOTE and needs.wants_remote else 0.0
            score += W_BUS if flags & _BUS and needs.prefer_bus else 0.0
            score += W_ANY_TIME if flags & _ANY_TIME and needs.gave_times else 0.0
            flag_score.append(score)
        access = _bits(needs.access, ACCESS_FIELDS)
        return _Person(
            needs=needs,
            block=(0b1111 & ~_ALLOWED_COSTS[needs.max_cost])
            | (0 if "women_only" in needs.access else _WOMEN_BIT) | (access << _NO_SHIFT),
            places=_place_filter(needs),
            slot_filter=slots if needs.gave_times and not needs.anything else _ALL_SLOTS,
            time_bonus=slots if needs.gave_times else 0,
            activity=_bits(needs.activities, ACTIVITIES),
            activity_weight=W_ACTIVITY_RELAXED if needs.anything else W_ACTIVITY,
            company=tuple(W_COMPANY if mask & p_company else 0.0
                          for mask in range(1 << len(COMPANY))),
            setting=tuple((W_SETTING + (W_GREEN if mask & p_setting & _OUTDOORS else 0.0))
                          if mask & p_setting else 0.0 for mask in range(1 << len(WHERE))),
            flags=tuple(flag_score),
            access=access,
            origin=self.origin(needs),
        )

    def _scored(self, person: _Person) -> list[int]:
        """A sort key for everything within the hard limits, unsorted. Higher score first
        (to 0.01), then gentler level, then id order (`tie`, below `size`), packed in one
        int because ints sort fastest; `key % size` gives `tie` back.
        The arithmetic mirrors `_explain`, kept apart because this loop is the hot path;
        `_top` repeats it with a heap."""
        rows, size = self._rows, len(self.items)
        skip = {self._position[i] for i in person.needs.not_for_me if i in self._position}
        block, slot_filter, time_bonus = person.block, person.slot_filter, person.time_bonus
        p_act, w_act, need, go = (person.activity, person.activity_weight, person.access,
                                  person.places)
        company, setting, flags, access = (person.company, person.setting, person.flags,
                                           _ACCESS_SCORE)
        w_time = W_TIME
        out = []
        for i, static in self._pool(person.origin, person.needs.max_miles).everything:
            # One unpack is cheaper than many lookups; the names follow the row layout.
            no_go, slots, act, comp, setting_, yes, _base, flag, level, tie, where = rows[i]
            if no_go & block or not go[where]:
                continue
            if slots and not slots & slot_filter:
                continue
            if skip and i in skip:
                continue
            score = static + company[comp] + setting[setting_] + flags[flag]
            if act & p_act:
                score += w_act
            if slots & time_bonus:
                score += w_time
            if need:
                score += access[yes & need]
            out.append((level - round(score * 100) * 3) * size + tie)
        return out

    def _top(self, person: _Person, limit: int) -> list[int]:
        """The best `limit` keys, as `sorted(self._scored(person))[:limit]` would give, but
        going best-first by the score anyone there would get and stopping as soon as
        nothing left could catch up (what makes a wave fast)."""
        rows, size = self._rows, len(self.items)
        skip = {self._position[i] for i in person.needs.not_for_me if i in self._position}
        block, slot_filter, time_bonus = person.block, person.slot_filter, person.time_bonus
        p_act, w_act, need, go = (person.activity, person.activity_weight, person.access,
                                  person.places)
        company, setting, flags, access = (person.company, person.setting, person.flags,
                                           _ACCESS_SCORE)
        w_time = W_TIME
        # The most this person's own answers can add to anyone's score, with and without
        # an activity they picked; 0.01 more so rounding never stops the search too soon.
        most = (max(company) + max(setting) + max(flags) + (w_time if time_bonus else 0.0)
                + (max(access) if need else 0.0) + 0.01)
        most_with_activity = most + (w_act if p_act else 0.0)
        heap: list[tuple[int, float]] = []  # (-key, score): the worst kept is on top
        worst = -math.inf
        for i, static in self._pool(person.origin, person.needs.max_miles).best_first:
            if static + most_with_activity < worst:
                break  # sorted best first: nothing after this can catch up
            no_go, slots, act, comp, setting_, yes, _base, flag, level, tie, where = rows[i]
            matched = act & p_act
            if not matched and static + most < worst:
                continue
            if no_go & block or not go[where]:
                continue
            if slots and not slots & slot_filter:
                continue
            if skip and i in skip:
                continue
            score = static + company[comp] + setting[setting_] + flags[flag]
            if matched:
                score += w_act
            if slots & time_bonus:
                score += w_time
            if need:
                score += access[yes & need]
            key = (level - round(score * 100) * 3) * size + tie
            if len(heap) < limit:
                heapq.heappush(heap, (-key, score))
            elif key < -heap[0][0]:
                heapq.heapreplace(heap, (-key, score))
            else:
                continue
            if len(heap) == limit:
                worst = heap[0][1]
        return sorted(-negated for negated, _score in heap)

    def rank(self, needs: Needs, limit: int | None = None) -> Ranking:
        """Everything within the person's hard limits, best first (only the first `limit`
        when given). Empty when nothing fits."""
        person = self._person(needs)
        if limit is None:
            keys = sorted(self._scored(person))
        else:
            keys = self._top(person, limit) if limit > 0 else []
        size, by_tie = len(self.items), self._by_tie
        return Ranking(self, person, [by_tie[key % size] for key in keys])

    def rank_many(self, people: Iterable[Needs], limit: int | None = None,
                  ) -> Iterator[Ranking]:
        """One ranking per person, in order, sharing this index and its distance cache."""
        for needs in people:
            yield self.rank(needs, limit)

    # -- when no place to go fits ---------------------------------------------------------
    def _fitting(self, person: _Person) -> Iterator[int]:
        """Everything within the person's hard limits, unscored and in no order: the same
        limits as `_scored` applies (kept apart, as that loop is the hot path)."""
        rows = self._rows
        skip = {self._position[i] for i in person.needs.not_for_me if i in self._position}
        for i, _static in self._pool(person.origin, person.needs.max_miles).everything:
            row = rows[i]
            if row[_BLOCK] & person.block or not person.places[row[_PLACES]]:
                continue
            if row[_SLOTS] and not row[_SLOTS] & person.slot_filter:
                continue
            if i not in skip:
                yield i

    def offers_a_place(self, needs: Needs) -> bool:
        """Whether anything to go to (not an idea for home or online) fits these needs."""
        return any(not self.items[i].is_remote for i in self._fitting(self._person(needs)))

    def why_no_places(self, needs: Needs) -> tuple[str, ...]:
        """Why no place to go fits, so we can say so honestly (and offer ideas for home or
        online instead, never by quietly dropping a need):

        - () when a place fits, or they asked for ideas at home or online only;
        - the hard limits (LIMITS) that each, on its own, leave no place near them, e.g.
          ("access",) when places are near but none is known to be step-free;
        - ("together",) when no one limit does, but all of them together do;
        - ("near",) when there is no place near them at all, whatever they need.
        Places they said "not for me" to stay out throughout: with nothing else near, there
        is nothing to explain (they have seen them all)."""
        if needs.remote_only or self.offers_a_place(needs):
            return ()
        limits = needs.limits()
        unlimited = needs
        for name in limits:
            unlimited = unlimited.without_limit(name)
        if not self.offers_a_place(unlimited):
            seen_all = self.offers_a_place(replace(unlimited, not_for_me=frozenset()))
            return () if seen_all else ("near",)
        alone = tuple(name for name in limits
                      if self.offers_a_place(needs.without_limit(name)))
        return alone or ("together",)

    # -- reasons and caveats ------------------------------------------------------------
    def _explain(self, person: _Person, i: int) -> Suggestion:
        row, item, needs = self._rows[i], self.items[i], person.needs
        miles = self._miles(person.origin, i)
        weighed: list[tuple[float, Reason]] = []
        matched = [a for a in item.activities if a in needs.activities]
        if matched:
            weighed.append((person.activity_weight, Reason("activity", matched[0])))
        if item.cost in ("free", "low"):
            weighed.append((W_FREE, Reason("free")) if item.cost == "free" else
                           (W_LOW_COST, Reason("low_cost")))
        weighed += [(W_ACCESS, Reason("access", name)) for name in ACCESS_FIELDS
                    if row[_YES] & person.access & _ACCESS_BIT[name]][:2]
        company = [c for c in _COMPANY_ORDER
                   if c in needs.company and row[_COMPANY] & (1 << COMPANY.index(c))]
        if company:
            weighed.append((W_COMPANY, Reason("company", company[0])))
        if person.setting[row[_SETTING]]:
            weighed.append((person.setting[row[_SETTING]],
                            Reason("setting", WHERE[row[_SETTING].bit_length() - 1])))
        if row[_FLAGS] & _REMOTE and needs.wants_remote:
            weighed.append((W_REMOTE, Reason("at_home" if item.kind == "at_home" else
                                             "online")))
        for _day, part, bit in self._slots[i]:
            if bit & person.time_bonus:
                weighed.append((W_TIME, Reason("time", f"{_day}:{part}")))
                break
        if row[_FLAGS] & _ANY_TIME and needs.gave_times:
            weighed.append((W_ANY_TIME, Reason("any_time")))
        if row[_FLAGS] & _BUS and needs.prefer_bus:
            weighed.append((W_BUS, Reason("bus")))
        if miles is not None:
            weighed.append((_near_score(miles), Reason("near", round(miles, 1))))
        # The same sum as `_scored`: cost is in the base already, and access is capped.
        score = row[_BASE] + _ACCESS_SCORE[row[_YES] & person.access] + sum(
            weight for weight, reason in weighed
            if reason.code not in ("free", "low_cost", "access"))
        weighed.sort(key=lambda pair: (-pair[0], _REASON_RANK[pair[1].code]))
        return Suggestion(
            opportunity=item, score=round(score, 2),
            reasons=tuple(reason for _weight, reason in weighed),
            caveats=self._caveats(person, i, miles),
            miles=None if miles is None else round(miles, 1),
        )

    def _caveats(self, person: _Person, i: int, miles: float | None) -> tuple[str, ...]:
        item = self.items[i]
        caveats = []
        if item.cost == "unknown":
            caveats.append("cost_unknown")
        # Never for an idea offered to someone who needs the feature (unknown is not yes:
        # it is left out); kept so a caveat can never be lost if that ever changes.
        unknown = person.access & ~(self._rows[i][_YES] | self._no[i] | self._moot[i])
        caveats += [f"access_unknown:{name}" for name in ACCESS_FIELDS
                    if unknown & _ACCESS_BIT[name]]
        if item.kind == "session" and not item.schedule:
            caveats.append("times_unknown")
        if miles is None and not item.is_remote:
            caveats.append("distance_unknown")
        if item.age_min is not None and item.age_min > 18:
            caveats.append("age_limit")
        if not item.verified:
            caveats.append("unverified")
        return tuple(caveats)


class Ranking(Sequence[Suggestion]):
    """Suggestions, best first. The order is fixed when ranking; each suggestion's reasons
    and caveats are worked out when it is first read, so ranking everything stays cheap
    and only what is shown (one to three at a time) costs more."""

    def __init__(self, index: RankingIndex, person: _Person, order: list[int]) -> None:
        self._index = index
        self._person = person
        self._order = order
        self._made: dict[int, Suggestion] = {}

    @property
    def needs(self) -> Needs:
        return self._person.needs

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, key: int) -> Suggestion: ...

    @overload
    def __getitem__(self, key: slice) -> list[Suggestion]: ...

    def __getitem__(self, key: int | slice) -> Suggestion | list[Suggestion]:
        if isinstance(key, slice):
            return [self[n] for n in range(*key.indices(len(self._order)))]
        position = range(len(self._order))[key]  # IndexError, negative indexes
        made = self._made.get(position)
        if made is None:
            made = self._index._explain(self._person, self._order[position])
            self._made[position] = made
        return made

    def ids(self) -> tuple[str, ...]:
        """Opportunity ids in order, without working out any reasons."""
        items = self._index.items
        return tuple(items[i].id for i in self._order)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Ranking | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Ranking({len(self)} suggestions: {', '.join(self.ids()[:5])}...)"


# --- Convenience -----------------------------------------------------------------------
_last: tuple[object, RankingIndex] | None = None


def index_for(opportunities: Iterable[Opportunity] | RankingIndex) -> RankingIndex:
    """A RankingIndex for these opportunities. The last one built for a tuple is reused
    for that very tuple (`Catalogue.all()` is always the same one); anything else that
    could change (a list) gets a new index each time."""
    global _last
    if isinstance(opportunities, RankingIndex):
        return opportunities
    if isinstance(opportunities, Catalogue):
        opportunities = opportunities.all()
    last = _last
    if last is not None and last[0] is opportunities:
        return last[1]
    index = RankingIndex(opportunities)
    if isinstance(opportunities, tuple):
        _last = (opportunities, index)
    return index


def rank(opportunities: Iterable[Opportunity] | RankingIndex, needs: Needs,
         limit: int | None = None) -> Ranking:
    """Suggestions within the person's hard limits, best first. Empty when nothing fits:
    then say so honestly."""
    return index_for(opportunities).rank(needs, limit)


def rank_many(opportunities: Iterable[Opportunity] | RankingIndex, people: Iterable[Needs],
              limit: int | None = None) -> Iterator[Ranking]:
    """A wave: one ranking per person, sharing one index."""
    return index_for(opportunities).rank_many(people, limit)


def page(suggestions: Sequence[Suggestion], offset: int, size: int = 3) -> list[Suggestion]:
    """The next one to three to offer ("more"): `suggestions[offset:offset + size]`."""
    if not 1 <= size <= 3:
        raise ValueError("offer one to three at a time")
    start = max(0, offset)
    return list(suggestions[start:start + size])
