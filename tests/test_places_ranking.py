"""Suggestion ranking: every hard limit holds even against an option that would otherwise
rank first, an unknown is never taken for a yes (and is kept, with a caveat, only for
people who gave no such limit), the order follows what people told us, and the fast
paths give exactly what the plain ranking gives. More on the limits: test_places_limits.py."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot.core.needs import ACCESS_FIELDS, ACTIVITIES, COMPANY, DAYS, Needs
from bot.places.catalogue import Catalogue
from bot.places.ranking import (
    MAX_WITHOUT_ACTIVITY,
    REASON_CODES,
    W_ACTIVITY,
    RankingIndex,
    Reason,
    Suggestion,
    page,
    rank,
)
from bot.places.schema import Accessibility, Opportunity, Slot

SAT_MORNING = (Slot("sat", "09:00", "10:00"),)


def option(id: str, **fields: Any) -> Opportunity:
    """A session in LE4 that anyone who likes walking in a group would want."""
    base: dict[str, Any] = dict(
        kind="session", name=id.title(), summary="A friendly walk.", source="test",
        activities=("walking",), setting="outdoors", company=("group",), district="LE4",
        schedule=SAT_MORNING, cost="free", level="any", verified=True,
        last_verified=date(2026, 3, 2),
    )
    base.update(fields)
    return Opportunity(id=id, **base)


def walker(**fields: Any) -> Needs:
    base: dict[str, Any] = dict(activities={"walking"}, company={"group"},
                                settings={"outdoors"}, district="LE4")
    base.update(fields)
    return Needs(**base)


def ids(found: Any) -> list[str]:
    return [s.opportunity.id for s in found]


def first(opportunities: list[Opportunity], needs: Needs) -> Suggestion:
    return rank(opportunities, needs)[0]


# -- hard limits: each beats an option that would otherwise come first ---------------------
def test_cost_limits() -> None:
    best, dull = option("best", cost="paid"), option("dull", activities=("gym",))
    low = option("low", cost="low")
    unknown = option("unknown", cost="unknown")
    assert ids(rank([best, low, dull, unknown], walker())) == ["low", "best", "unknown", "dull"]
    # An unknown cost is not free, and not low cost either.
    assert ids(rank([best, low, dull, unknown], walker(max_cost="free"))) == ["dull"]
    assert ids(rank([best, low, dull, unknown], walker(max_cost="low"))) == ["low", "dull"]


def test_step_free_means_known_step_free_and_wheelchair_implies_it() -> None:
    steps = option("steps", accessibility=Accessibility(step_free=False))
    unknown = option("unknown")
    level = option("level", activities=("gym",), accessibility=Accessibility(step_free=True))
    ramp = option("ramp", activities=("gym",), accessibility=Accessibility(wheelchair=True))
    every = [steps, unknown, level, ramp]
    assert ids(rank(every, walker()))[:2] == ["steps", "unknown"]
    # Unknown is not yes: only places known to be step-free (a wheelchair ramp is).
    assert ids(rank(every, walker(access={"step_free"}))) == ["level", "ramp"]
    # Step-free alone doesn't promise wheelchair access.
    assert ids(rank(every, walker(access={"wheelchair"}))) == ["ramp"]
    found = first([ramp], walker(access={"step_free"}))
    assert Reason("access", "step_free") in found.reasons
    assert not any(c.startswith("access_unknown") for c in found.caveats)


@pytest.mark.parametrize("feature", ACCESS_FIELDS)
def test_every_access_feature_is_a_hard_limit_and_unknown_is_not_yes(feature: str) -> None:
    lacking = option("lacking", accessibility=Accessibility(**{feature: False}))
    unknown = option("unknown")
    having = option("having", activities=("gym",),
                    accessibility=Accessibility(**{feature: True}))
    found = rank([lacking, unknown, having], walker(access={feature}))
    assert ids(found) == ["having"]
    assert Reason("access", feature) in found[0].reasons
    assert not any(c.startswith("access_unknown") for c in found[0].caveats)
    # Without the need, the unknown one stays (and is never said to have it).
    assert "unknown" in ids(rank([lacking, unknown, having], walker()))


def test_times_outside_what_they_gave_are_excluded() -> None:
    saturday = option("saturday")
    park = option("park", kind="place", schedule=(), activities=("gym",))
    assert ids(rank([saturday, park], walker())) == ["saturday", "park"]
    assert ids(rank([saturday, park], walker(days={"mon"}))) == ["park"]
    assert ids(rank([saturday, park], walker(times={"evening"}))) == ["park"]
    assert ids(rank([saturday, park], walker(days={"sat"}, times={"morning"})))[0] == \
        "saturday"
    # One slot has to fit both the day and the time of day.
    split = option("split", schedule=(Slot("sat", "18:00"), Slot("mon", "09:00")))
    assert ids(rank([split], walker(days={"sat"}, times={"morning"}))) == []


def test_not_for_me_is_never_offered_again() -> None:
    best, other = option("best"), option("other", activities=("gym",))
    needs = walker()
    assert ids(rank([best, other], needs))[0] == "best"
    assert ids(rank([best, other], needs.without("best"))) == ["other"]
    assert ids(rank([best, other], walker(not_for_me={"best"}, anything=True))) == ["other"]


def test_too_far_is_excluded_but_unknown_distance_stays_lower() -> None:
    far = option("far", district="LE16")  # Market Harborough, about 14 miles from LE4
    near = option("near", district="LE4", activities=("gym",))
    nowhere = option("nowhere", district=None)
    assert ids(rank([far, near], walker(max_miles=20)))[0] == "far"
    found = rank([far, near, nowhere], walker())
    assert ids(found) == ["nowhere", "near"]
    assert "distance_unknown" in found[0].caveats and found[0].miles is None
    same_but_placed = rank([option("placed"), nowhere], walker())
    assert ids(same_but_placed) == ["placed", "nowhere"]


def test_sessions_for_children_are_never_offered() -> None:
    junior = option("junior", age_max=14)
    adults = option("adults", activities=("gym",), age_min=16)
    assert ids(rank([junior, adults], walker(anything=True))) == ["adults"]


def test_women_only_sessions_only_for_people_who_asked() -> None:
    women = option("women", accessibility=Accessibility(women_only=True))
    mixed = option("mixed", activities=("gym",), accessibility=Accessibility(women_only=False))
    unknown = option("unknown", activities=("gym",))
    assert ids(rank([women, mixed, unknown], walker())) == ["mixed", "unknown"]
    found = rank([women, mixed, unknown], walker(access={"women_only"}))
    assert ids(found) == ["women"]  # a session not known to be women-only is left out
    assert Reason("access", "women_only") in found[0].reasons


def test_anything_relaxes_times_and_activities_but_never_where_cost_or_access() -> None:
    level = Accessibility(step_free=True)
    monday = option("monday", schedule=(Slot("mon", "19:00"),), accessibility=level)
    paid = option("paid", cost="paid", kind="place", schedule=(), accessibility=level)
    steps = option("steps", kind="place", schedule=(),
                   accessibility=Accessibility(step_free=False))
    unknown = option("unknown", kind="place", schedule=())
    hall = option("hall", setting="community", schedule=(Slot("mon", "10:00"),),
                  accessibility=level)
    every = [monday, paid, steps, unknown, hall]
    strict = walker(days={"sat"}, max_cost="free", access={"step_free"})
    assert ids(rank(every, strict)) == []
    assert ids(rank(every, strict.relaxed())) == ["monday"]


# -- unknowns: kept with caveats, only for people who gave no such limit -----------------
def test_unknowns_are_kept_with_caveats_when_nothing_rules_them_out() -> None:
    vague = option("vague", kind="session", schedule=(), cost="unknown", verified=False,
                   last_verified=None, age_min=60)
    found = first([vague], walker())
    assert found.caveats == ("cost_unknown", "times_unknown", "age_limit", "unverified")
    # Each unknown is not a yes for someone who needs it.
    for needs in (walker(max_cost="free"), walker(max_cost="low"),
                  walker(access={"hearing_loop"}), walker(days={"sat"}),
                  walker(times={"morning"})):
        assert ids(rank([vague], needs)) == [], needs


def test_online_and_at_home_have_no_distance_and_no_venue_access() -> None:
    video = option("video", kind="online", setting="online", district=None,
                   company=("alone", "online"), schedule=(), activities=("yoga",))
    idea = option("idea", kind="at_home", setting="home", district=None, schedule=(),
                  activities=("chair",))
    needs = Needs(activities={"chair", "yoga"}, access={"step_free"},
                  company={"online"}, district="LE4", days={"sat"})
    found = {s.opportunity.id: s for s in rank([video, idea], needs)}
    assert found["video"].miles is None and found["idea"].miles is None
    # Step-free means nothing at home or online: never a caveat, never a reason.
    assert found["video"].caveats == () and found["idea"].caveats == ()
    assert Reason("online") in found["video"].reasons
    assert Reason("at_home") in found["idea"].reasons
    assert Reason("any_time") in found["idea"].reasons
    # Sitting down does mean something at home: only chair-based moves are known to be.
    seated = replace(needs, access=frozenset({"seated_options"}))
    assert ids(rank([video, idea], seated)) == ["idea"]


# -- order ---------------------------------------------------------------------------------
def test_free_before_low_cost() -> None:
    assert ids(rank([option("a-low", cost="low"), option("b-free")], walker())) == \
        ["b-free", "a-low"]


def test_nearer_before_farther() -> None:
    near = option("z-near", latitude=52.665, longitude=-1.125)
    farther = option("a-farther", latitude=52.70, longitude=-1.125)
    found = rank([farther, near], walker())
    assert ids(found) == ["z-near", "a-farther"]
    assert found[0].miles is not None and found[1].miles is not None
    assert found[0].miles < 0.5 < 2 < found[1].miles < 3


def test_an_activity_they_picked_beats_everything_else() -> None:
    assert MAX_WITHOUT_ACTIVITY < W_ACTIVITY
    perfect_otherwise = option(
        "a-perfect", activities=("gym",), verified=True, company=COMPANY,
        accessibility=Accessibility(step_free=True, wheelchair=True, bus_route=True))
    matched = option("z-walk", cost="paid", verified=False, company=(), setting="community",
                     district="LE12", schedule=(Slot("sat", "11:00"),), level="demanding",
                     accessibility=Accessibility(wheelchair=True))
    needs = walker(company=set(COMPANY), access={"step_free", "wheelchair"},
                   settings={"outdoors", "community"}, days={"sat"}, times={"morning"})
    assert ids(rank([perfect_otherwise, matched], replace(needs, prefer_bus=True))) == \
        ["z-walk", "a-perfect"]
    # "Anything" makes activity only a lean: then the rest decides.
    assert ids(rank([perfect_otherwise, matched], needs.relaxed()))[0] == "a-perfect"


def test_company_setting_and_green_space_count() -> None:
    alone = option("a-alone", company=("alone",), setting="community")
    group = option("b-group", setting="community")
    park = option("c-park")
    found = rank([alone, group, park], walker(settings={"outdoors", "community"}))
    assert ids(found) == ["c-park", "b-group", "a-alone"]
    assert found[0].reasons[:2] == (Reason("activity", "walking"), Reason("near", 0.0))
    assert Reason("setting", "outdoors") in found[0].reasons
    assert Reason("company", "group") in found[1].reasons


def test_level_only_breaks_ties_and_then_ids_do() -> None:
    gentle = option("b-gentle", level="gentle")
    demanding = option("a-demanding", level="demanding")
    unknown = option("c-unknown", level="unknown")
    assert ids(rank([demanding, unknown, gentle], walker())) == \
        ["b-gentle", "c-unknown", "a-demanding"]
    twins = [option("twin-b"), option("twin-a")]
    assert ids(rank(twins, walker())) == ["twin-a", "twin-b"]


def test_reasons_are_ordered_and_only_known_codes() -> None:
    found = first([option("best", schedule=(Slot("sat", "09:30"),))],
                  walker(days={"sat"}, times={"morning"}))
    codes = [r.code for r in found.reasons]
    assert set(codes) <= set(REASON_CODES)
    assert codes[0] == "activity"
    assert Reason("time", "sat:morning") in found.reasons


# -- the fast paths give the plain answer ---------------------------------------------------
def _synthetic(seed: int, count: int) -> tuple[list[Opportunity], list[Needs]]:
    rng = random.Random(seed)
    districts = ["LE1", "LE2", "LE3", "LE4", "LE5", "LE11", "LE12", "LE16", "LE67", "PE9"]
    entries = []
    for n in range(count):
        kind = rng.choice(("session", "session", "place", "online", "at_home", "programme"))
        located = kind not in ("online", "at_home")
        access = {name: rng.choice((True, False, None, None)) for name in ACCESS_FIELDS}
        access["women_only"] = rng.random() < 0.05 or None
        entries.append(option(
            f"e{n:04d}", kind=kind, activities=tuple(rng.sample(ACTIVITIES, 2)),
            company=tuple(rng.sample(COMPANY, 2)),
            setting=rng.choice(("outdoors", "leisure", "community", None)),
            district=rng.choice(districts) if located else None,
            schedule=(Slot(rng.choice(DAYS), rng.choice(("09:00", "14:00", "19:00"))),)
            if kind == "session" else (),
            cost=rng.choice(("free", "low", "paid", "unknown")),
            level=rng.choice(("gentle", "any", "moderate", "demanding", "unknown")),
            verified=rng.random() < 0.5,
            accessibility=Accessibility(**access, bus_route=rng.choice((True, None))),
        ))
    people = []
    for _ in range(120):
        people.append(Needs(
            activities=set(rng.sample(ACTIVITIES, rng.randint(0, 2))),
            max_cost=rng.choice((None, "free", "low")),
            access=set(rng.sample(ACCESS_FIELDS, rng.choice((0, 0, 1)))),
            days=set(rng.sample(DAYS, rng.randint(0, 2))),
            times=set(rng.sample(("morning", "afternoon", "evening"), rng.randint(0, 1))),
            company=set(rng.sample(COMPANY, rng.randint(0, 2))),
            settings=set(rng.sample(("home", "outdoors", "leisure", "community"),
                                    rng.randint(0, 2))),
            district=rng.choice((*districts, None)), anything=rng.random() < 0.2,
            prefer_bus=rng.random() < 0.3, max_miles=rng.choice((5.0, 10.0, 30.0)),
            not_for_me={f"e{rng.randrange(count):04d}"}, home_only=rng.random() < 0.1,
        ))
    return entries, people


def test_top_few_equal_the_start_of_the_full_ranking_and_scores_agree() -> None:
    entries, people = _synthetic(7, 400)
    index = RankingIndex(entries)
    for needs in people:
        full = index.rank(needs)
        scores = [s.score for s in full]
        assert scores == sorted(scores, reverse=True)  # reasons' sum = the ranked score
        for limit in (1, 3, 10):
            assert index.rank(needs, limit).ids() == full.ids()[:limit]
        for suggestion in full[:5]:
            assert suggestion.opportunity.id not in needs.not_for_me


def test_the_same_answers_always_give_the_same_order() -> None:
    entries, people = _synthetic(11, 300)
    shuffled = entries[:]
    random.Random(3).shuffle(shuffled)
    for needs in people[:30]:
        assert rank(entries, needs).ids() == RankingIndex(shuffled).rank(needs).ids()
        assert rank(entries, needs) == rank(entries, needs)


def test_a_wave_reuses_one_index() -> None:
    entries, people = _synthetic(5, 300)
    index = RankingIndex(entries)
    wave = list(index.rank_many(people, limit=3))
    assert [w.ids() for w in wave] == [index.rank(n).ids()[:3] for n in people]


# -- needs from stored answers ---------------------------------------------------------------
def test_needs_from_answers() -> None:
    answers = {"activities": ["walking", "bowls-in-own-words"], "helps": ["low_cost",
               "accessible", "company", "transport"], "days": ["sat", "any"],
               "times": ["morning"], "with_whom": ["friends"], "where": ["outdoors"]}
    needs = Needs.from_answers(answers, "le4", not_for_me=["x"])
    assert needs.activities == {"walking"} and needs.max_cost == "low"
    assert needs.access == {"step_free"} and needs.days == frozenset()
    assert needs.times == {"morning"} and needs.company == {"friends", "group", "peer"}
    assert needs.settings == {"outdoors"} and needs.district == "LE4"
    assert needs.not_for_me == {"x"} and needs.prefer_bus
    exact = Needs.from_answers(answers, access=["hearing_loop"], max_cost="free")
    assert exact.access == {"hearing_loop"} and exact.max_cost == "free"
    assert Needs.from_answers({"times": ["varies"], "helps": "nothing"}) == Needs()


def test_needs_reject_unknown_values() -> None:
    with pytest.raises(ValueError):
        Needs(activities={"parkour"})
    with pytest.raises(ValueError):
        Needs(access={"lift"})
    with pytest.raises(ValueError):
        Needs(max_cost="cheap")
    with pytest.raises(ValueError):
        Needs(latitude=52.6)


def test_shared_location_measures_from_there() -> None:
    spot = option("spot", latitude=52.70, longitude=-1.125)
    index = RankingIndex([spot])
    at_spot = Needs(latitude=52.70, longitude=-1.125, district="LE16")
    assert index.rank(at_spot)[0].miles == 0.0
    assert index.miles(at_spot, "spot") == 0.0
    assert index.miles(Needs(), "spot") is None


def test_page_offers_one_to_three() -> None:
    found = rank([option(f"o{n}") for n in range(7)], walker())
    assert ids(page(found, 0)) == ["o0", "o1", "o2"]
    assert ids(page(found, 6)) == ["o6"] and page(found, 9) == []
    assert ids(page(found, 3, size=1)) == ["o3"]
    with pytest.raises(ValueError):
        page(found, 0, size=4)


# -- the real catalogue ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def real() -> Catalogue:
    return Catalogue.from_yaml()


def test_le4_free_mornings_with_others(real: Catalogue) -> None:
    answers = {"activities": ["walking"], "helps": ["low_cost"],
               "times": ["morning"], "with_whom": ["friends", "group"],
               "where": ["outdoors"]}
    needs = Needs.from_answers(answers, "LE4", max_cost="free")
    found = rank(real.all(), needs)
    assert len(found) >= 3
    top = found[:3]
    # parkrun in Abbey Park or Watermead, or Watermead Country Park: all in LE4.
    assert {s.opportunity.district for s in top} == {"LE4"}
    assert top[0].opportunity.id in ("parkrun-abbey-park", "parkrun-watermead")
    for suggestion in found:
        item = suggestion.opportunity
        assert item.cost == "free"
        assert all(slot.time_of_day == "morning" for slot in item.schedule)
        assert item.setting == "outdoors"
        assert suggestion.miles is None or suggestion.miles <= needs.max_miles
        assert suggestion.reasons
        assert "unverified" in suggestion.caveats
    assert top[0].reasons[0] == Reason("activity", "walking")
    assert Reason("company", "group") in top[0].reasons
    assert Reason("time", "sat:morning") in top[0].reasons


def test_le4_step_free_gets_no_place_whose_access_is_unknown(real: Catalogue) -> None:
    """No place in the catalogue is known to be step-free yet: so none is offered, the
    ranking can say why, and ideas for home or online are what fits."""
    answers = {"activities": ["walking"], "helps": ["low_cost", "accessible"],
               "times": ["morning"], "with_whom": ["friends", "group"],
               "where": ["outdoors"]}
    needs = Needs.from_answers(answers, "LE4", max_cost="free")
    index = RankingIndex(real.all())
    assert all(s.opportunity.is_remote for s in index.rank(needs))
    assert index.why_no_places(needs) == ("access",)
    instead = index.rank(needs.at_home())
    assert len(instead) >= 3 and all(s.opportunity.is_remote for s in instead)
    assert instead[0].reasons[0] == Reason("activity", "walking")


def test_when_nothing_fits_the_result_is_empty(real: Catalogue) -> None:
    everything = Needs(district="LE4", not_for_me={item.id for item in real})
    found = rank(real.all(), everything)
    assert len(found) == 0 and list(found) == [] and found.ids() == ()
    assert rank([option("paid", cost="paid")], Needs(max_cost="free")) == []
