"""Needs are hard limits, and unknown is not yes (issue 12, item 4).

Each stated need (where, access, cost, times) keeps out everything that doesn't meet it,
and everything we don't know meets it; the two reported cases never come back; when no
place to go fits, the ranking says which need is why. Last, a property: for random
answers and the real catalogue (and a random one, which has what the real one lacks:
known step-free places, leisure centres, sessions with unknown times), every suggestion
meets every need the person stated, checked by a plain reading of the facts written
here, not by the index's bit masks.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.core.needs import (
    ACCESS_FIELDS,
    ACTIVITIES,
    COMPANY,
    DAYS,
    LIMITS,
    TIMES_OF_DAY,
    WHERE,
    Needs,
)
from bot.places.catalogue import Catalogue
from bot.places.ranking import RankingIndex, rank
from bot.places.schema import Accessibility, Opportunity, Slot

DISTRICTS = ("LE1", "LE2", "LE3", "LE4", "LE6", "LE11", "LE12", "LE13", "LE16", "LE67",
             "CV13", "DE12", "PE9")
VENUE_ONLY = {"wheelchair", "step_free", "accessible_toilet", "hearing_loop",
              "quiet_times", "women_only"}


def item(id: str, **fields: Any) -> Opportunity:
    """A free park in LE4 for walkers, open any time, access unknown."""
    base: dict[str, Any] = dict(kind="place", name=id.title(), summary="A place to walk.",
                                source="test", activities=("walking",), setting="outdoors",
                                company=("alone",), district="LE4", cost="free", level="any")
    base.update(fields)
    return Opportunity(id=id, **base)


VIDEO = item("video", kind="online", setting="online", district=None,
             company=("alone", "online"), activities=("yoga",))
DOOR = item("door-walk", kind="at_home", setting="outdoors", district=None)
CHAIR = item("chair-moves", kind="at_home", setting="home", district=None,
             activities=("chair",))
PARK = item("park")
CENTRE = item("centre", setting="leisure", activities=("swimming",),
              schedule=(Slot("mon", "10:00"),))
HALL = item("hall", kind="session", setting="community", schedule=(Slot("wed", "14:00"),))
SCHEME = item("scheme", kind="programme", setting=None, cost="unknown")
CATALOGUE = (VIDEO, DOOR, CHAIR, PARK, CENTRE, HALL, SCHEME)
REMOTE = {"video", "door-walk", "chair-moves"}


def ids(found: Iterable[Any]) -> set[str]:
    return {s.opportunity.id for s in found}


def answered(**answers: Any) -> Needs:
    return Needs.from_answers(answers, "LE4", access=answers.get("access"),
                              max_cost=answers.get("cost"))


# -- place ---------------------------------------------------------------------------------
@pytest.mark.parametrize("answers", [
    {"where": ["home"]},
    {"with_whom": ["online"]},
    {"where": ["home"], "with_whom": ["online"]},
    # "Someone to go with" widens who they'd move with, never where.
    {"with_whom": ["online"], "helps": ["company"]},
    {"where": ["home"], "with_whom": ["group", "peer"]},
])
def test_at_home_only_means_ideas_for_home_or_online_only(answers: dict[str, Any]) -> None:
    needs = answered(activities=["walking", "swimming"], **answers)
    assert needs.remote_only and needs.limits()[0] == "place"
    assert ids(rank(CATALOGUE, needs)) == REMOTE
    assert RankingIndex(CATALOGUE).why_no_places(needs) == ()  # what they asked for


def test_at_home_and_online_only_if_that_is_all_they_move_with() -> None:
    needs = answered(with_whom=["online", "group"])
    assert not needs.remote_only and needs.limits() == ()
    assert ids(rank(CATALOGUE, needs)) == {item.id for item in CATALOGUE}


@pytest.mark.parametrize(("where", "expected"), [
    (["outdoors"], {"park", "door-walk"}),  # a walk from the door is outdoors too
    (["leisure"], {"centre"}),
    (["outdoors", "leisure"], {"park", "door-walk", "centre"}),
    (["home", "community"], {"video", "door-walk", "chair-moves", "hall"}),
    # Every kind of venue: a programme whose setting nobody gave is surely one of them.
    (["outdoors", "leisure", "community"], {"park", "door-walk", "centre", "hall", "scheme"}),
    (list(WHERE), {item.id for item in CATALOGUE}),
    ([], {item.id for item in CATALOGUE}),  # skipped: no limit
])
def test_several_places_mean_anything_in_those(where: list[str], expected: set[str]) -> None:
    assert ids(rank(CATALOGUE, answered(where=where))) == expected


# -- access --------------------------------------------------------------------------------
def test_step_free_means_known_step_free_or_an_idea_for_home() -> None:
    level = item("level", accessibility=Accessibility(step_free=True))
    steps = item("steps", accessibility=Accessibility(step_free=False))
    catalogue = (*CATALOGUE, level, steps)
    for needs in (answered(helps=["accessible"]),  # "An accessible place", nothing more said
                  answered(helps=["accessible"], access=["step_free"])):
        assert needs.access == {"step_free"}
        assert ids(rank(catalogue, needs)) == {"level", *REMOTE}
    wheelchair = answered(helps=["accessible"], access=["wheelchair"])
    assert ids(rank(catalogue, wheelchair)) == REMOTE  # step-free doesn't promise it
    index = RankingIndex(catalogue)
    assert index.why_no_places(wheelchair) == ("access",)
    assert index.why_no_places(answered(helps=["accessible"])) == ()


def test_seated_options_at_home_only_where_known() -> None:
    needs = answered(helps=["accessible"], access=["seated_options"])
    assert ids(rank(CATALOGUE, needs)) == {"chair-moves"}  # chair-based moves are seated


# -- cost ----------------------------------------------------------------------------------
def test_free_or_low_cost_means_known_free_or_low_cost() -> None:
    low = item("low", cost="low", price_text="3 pounds")
    paid = item("paid", cost="paid")
    catalogue = (*CATALOGUE, low, paid)
    everything = {o.id for o in catalogue}
    assert ids(rank(catalogue, answered())) == everything
    assert ids(rank(catalogue, answered(helps=["low_cost"]))) == everything - {"paid",
                                                                               "scheme"}
    assert ids(rank(catalogue, answered(helps=["low_cost"], cost="free"))) == \
        everything - {"paid", "scheme", "low"}


# -- times ---------------------------------------------------------------------------------
def test_days_and_times_keep_out_sessions_known_or_not_known_to_fit() -> None:
    unknown = item("unknown-times", kind="session", setting="community")
    catalogue = (*CATALOGUE, unknown)
    everything = {o.id for o in catalogue}
    assert ids(rank(catalogue, answered())) == everything
    # Monday mornings: the Wednesday session is out, and so is the one whose times we
    # don't know. Parks and ideas for home are any time; a programme's times are agreed
    # when they get in touch.
    monday = answered(days=["mon"], times=["morning"])
    assert ids(rank(catalogue, monday)) == everything - {"hall", "unknown-times"}
    wednesday = answered(days=["wed"])
    assert ids(rank(catalogue, wednesday)) == everything - {"centre", "unknown-times"}
    assert ids(rank(catalogue, answered(days=["any"], times=["varies"]))) == everything
    # Asking for "anything" widens the times (they said so), never the rest.
    assert ids(rank(catalogue, monday.relaxed())) == everything


# -- the two reported cases, with the real catalogue ------------------------------------
@pytest.fixture(scope="module")
def real() -> RankingIndex:
    return RankingIndex(Catalogue.from_yaml().all())


def test_at_home_is_never_offered_a_park(real: RankingIndex) -> None:
    needs = answered(activities=["walking"], where=["home"], with_whom=["online"])
    found = real.rank(needs)
    assert len(found) >= 3
    assert all(s.opportunity.kind in ("at_home", "online") for s in found)
    assert not {"watermead-country-park", "abbey-park", "victoria-park"} & set(found.ids())


def test_a_wheelchair_user_is_never_offered_unknown_access(real: RankingIndex) -> None:
    for access in (["wheelchair"], ["step_free"], None):
        needs = answered(activities=["walking"], helps=["accessible"], access=access,
                         where=["outdoors"])
        found = real.rank(needs)
        assert "beacon-hill-country-park" not in found.ids()
        assert all(s.opportunity.is_remote for s in found)
        # Honestly: places are near, none known to have the access; home ideas instead.
        assert real.why_no_places(needs) == ("access",)
        assert real.rank(needs.at_home()).ids()[:2] == ("nhs-get-active",
                                                        "walk-from-your-door")


def test_why_no_places_names_the_need_or_says_there_is_none_near(real: RankingIndex,
                                                                 ) -> None:
    assert real.why_no_places(answered(where=["leisure"])) == ("place",)
    assert real.why_no_places(answered(where=["outdoors"])) == ()
    assert real.why_no_places(answered(where=["home"])) == ()  # what they asked for
    # Parks are open any day: only the access nobody has checked leaves no place.
    monday = answered(days=["mon"], where=["outdoors", "leisure"], helps=["accessible"])
    assert real.why_no_places(monday) == ("access",)
    edinburgh = Needs(latitude=55.9, longitude=-3.2, access={"step_free"})
    assert RankingIndex((PARK, VIDEO)).why_no_places(edinburgh) == ("near",)
    assert RankingIndex((PARK, VIDEO)).why_no_places(
        Needs(district="LE4", not_for_me={"park"})) == ()  # seen it: nothing to explain
    index = RankingIndex((item("a", cost="unknown"), item("b", cost="low")))
    both = answered(helps=["low_cost", "accessible"])
    assert index.why_no_places(both) == ("access",)
    assert index.why_no_places(answered(helps=["low_cost"], cost="free")) == ("cost",)
    # Each need on its own leaves nothing here: both are named.
    split = RankingIndex((item("level-paid", cost="paid",
                               accessibility=Accessibility(step_free=True)),
                          item("free-unknown")))
    assert split.why_no_places(both) == ("access", "cost")
    # No one need does, but together they do.
    assert RankingIndex((item("paid-unknown", cost="paid"),)).why_no_places(both) == \
        ("together",)


# -- the property ----------------------------------------------------------------------------
def meets(opportunity: Opportunity, answers: dict[str, Any], anything: bool) -> list[str]:
    """The stated needs this opportunity fails, read straight from the answers and the
    catalogue's facts. Empty: it meets every one."""
    o, failed = opportunity, []
    where = set(answers.get("where") or ())
    with_whom = set(answers.get("with_whom") or ())
    if with_whom == {"online"} or where == {"home"}:
        if not o.is_remote:
            failed.append("place: home or online only")
    elif where and where != set(WHERE):
        if o.is_remote:
            fits = "home" in where or o.setting in where
        elif o.setting is None:
            fits = {"outdoors", "leisure", "community"} <= where
        else:
            fits = o.setting in where
        if not fits:
            failed.append(f"place: {sorted(where)}")
    helps = set(answers.get("helps") or ())
    access = answers.get("access")
    needed = set(access) if access is not None else (
        {"step_free"} if "accessible" in helps else set())
    facts = o.accessibility
    for feature in needed:
        if o.is_remote and feature in VENUE_ONLY:
            continue
        if feature == "women_only" and o.kind == "place":
            continue
        known = getattr(facts, feature) is True or (
            feature == "step_free" and facts.wheelchair is True) or (
            feature == "seated_options" and facts.seated_options is None
            and "chair" in o.activities)
        if not known:
            failed.append(f"access: {feature}")
    if facts.women_only is True and "women_only" not in needed and o.kind != "place" \
            and not o.is_remote:
        failed.append("women-only, not asked for")
    cost = answers.get("cost") or ("low" if "low_cost" in helps else None)
    allowed = {"free": ("free",), "low": ("free", "low")}.get(cost or "")
    if allowed is not None and o.cost not in allowed:
        failed.append(f"cost: {cost}, is {o.cost}")
    days = set(answers.get("days") or ())
    days = set() if "any" in days else days
    times = set(answers.get("times") or ())
    times = set() if "varies" in times else times
    if (days or times) and not anything:
        if o.schedule:
            if not any((not days or s.day in days) and (not times or s.time_of_day in times)
                       for s in o.schedule):
                failed.append("times: none of its sessions")
        elif o.kind == "session":
            failed.append("times: unknown")
    if o.id in (answers.get("not_for_me") or ()):
        failed.append("not for me")
    if o.age_max is not None and o.age_max < 18:
        failed.append("for children")
    return failed


def _some(values: Iterable[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(tuple(values)), unique=True, max_size=3)


ANSWERS = st.fixed_dictionaries({
    "activities": _some(ACTIVITIES),
    "helps": _some(("company", "low_cost", "accessible", "transport", "nothing")),
    "days": _some((*DAYS, "any")),
    "times": _some((*TIMES_OF_DAY, "varies")),
    "with_whom": st.lists(st.sampled_from(COMPANY), unique=True, max_size=2),
    "where": st.lists(st.sampled_from(WHERE), unique=True, max_size=4),
}, optional={
    "access": st.lists(st.sampled_from(ACCESS_FIELDS), unique=True, max_size=2),
    "cost": st.sampled_from(("free", "low")),
})


def _check(index: RankingIndex, answers: dict[str, Any], district: str | None,
           anything: bool) -> None:
    needs = Needs.from_answers(answers, district, access=answers.get("access"),
                               max_cost=answers.get("cost"), anything=anything,
                               not_for_me=answers.get("not_for_me") or ())
    for suggestion in index.rank(needs):
        assert not meets(suggestion.opportunity, answers, anything), \
            (suggestion.id, meets(suggestion.opportunity, answers, anything), answers)
        assert suggestion.miles is None or suggestion.miles <= needs.max_miles
    gaps = index.why_no_places(needs)
    assert set(gaps) <= {*LIMITS, "together", "near"}
    if gaps:
        assert not index.offers_a_place(needs) and not needs.remote_only
        # What is offered instead: ideas for home or online, meeting every other need.
        for suggestion in index.rank(needs.at_home()):
            assert suggestion.opportunity.is_remote
            assert not [f for f in meets(suggestion.opportunity, answers, anything)
                        if not f.startswith("place")], suggestion.id


@hypothesis_settings(max_examples=300, deadline=None, database=None)
@given(answers=ANSWERS, district=st.sampled_from((*DISTRICTS, None)),
       anything=st.booleans(), seen=st.sets(st.integers(0, 40), max_size=4))
def test_every_suggestion_meets_every_stated_need_real_catalogue(
        answers: dict[str, Any], district: str | None, anything: bool, seen: set[int],
) -> None:
    index = _real_index()
    answers = {**answers, "not_for_me": [index.items[n % len(index.items)].id for n in seen]}
    _check(index, answers, district, anything)


def _random_catalogue() -> tuple[Opportunity, ...]:
    rng = random.Random(12)
    entries = []
    for n in range(300):
        kind = rng.choice(("session", "session", "place", "online", "at_home", "programme"))
        remote = kind in ("online", "at_home")
        setting = "online" if kind == "online" else rng.choice(
            ("home", "outdoors") if kind == "at_home" else
            ("outdoors", "leisure", "community", None))
        facts = {name: rng.choice((True, False, None, None)) for name in ACCESS_FIELDS}
        facts["women_only"] = rng.random() < 0.1 or None
        timed = kind == "session" and rng.random() < 0.8
        entries.append(item(
            f"r{n:03d}", kind=kind, setting=setting,
            activities=tuple(rng.sample(ACTIVITIES, 2)),
            company=tuple(rng.sample(COMPANY, 2)),
            district=None if remote else rng.choice(DISTRICTS),
            schedule=tuple(Slot(rng.choice(DAYS), rng.choice(("09:00", "14:00", "19:00")))
                           for _ in range(rng.randint(1, 2))) if timed else (),
            cost=rng.choice(("free", "low", "paid", "unknown")),
            accessibility=Accessibility(**facts),
            age_max=14 if rng.random() < 0.03 else None,
        ))
    return tuple(entries)


_INDEXES: dict[str, RankingIndex] = {}


def _real_index() -> RankingIndex:
    if "real" not in _INDEXES:
        _INDEXES["real"] = RankingIndex(Catalogue.from_yaml().all())
    return _INDEXES["real"]


def _random_index() -> RankingIndex:
    if "random" not in _INDEXES:
        _INDEXES["random"] = RankingIndex(_random_catalogue())
    return _INDEXES["random"]


@hypothesis_settings(max_examples=300, deadline=None, database=None)
@given(answers=ANSWERS, district=st.sampled_from((*DISTRICTS, None)),
       anything=st.booleans(), seen=st.sets(st.integers(0, 299), max_size=6))
def test_every_suggestion_meets_every_stated_need_random_catalogue(
        answers: dict[str, Any], district: str | None, anything: bool, seen: set[int],
) -> None:
    answers = {**answers, "not_for_me": [f"r{n:03d}" for n in seen]}
    _check(_random_index(), answers, district, anything)


def test_the_random_catalogue_has_what_the_property_needs() -> None:
    """So the property above is not passing only because nothing is ever offered."""
    index = _random_index()
    step_free = Needs(access={"step_free"}, district="LE4", max_miles=30)
    assert any(not s.opportunity.is_remote for s in index.rank(step_free))
    leisure = Needs(settings={"leisure"}, days={"mon"}, max_cost="low", district="LE4",
                    max_miles=30)
    assert len(index.rank(leisure)) > 0
