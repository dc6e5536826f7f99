"""Suggestions in words: every reason renders as a plain sentence that passes the content
rules, "tell me more" and "I'd like to go" state facts as published and say plainly what
we don't know, and every text in content/ passes the real lint."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from bot.core.content import CONTENT_ROOT, Content, library
from bot.core.gsm7 import is_gsm7, septets
from bot.core.needs import ACCESS_FIELDS, ACTIVITIES, COMPANY, DAYS, TIMES_OF_DAY, Needs
from bot.places.catalogue import Catalogue
from bot.places.explain import (
    check_first,
    clock,
    describe,
    describe_parts,
    how_to_go,
    how_to_go_parts,
    messages,
    shortfall,
    why,
)
from bot.places.ranking import Reason, Suggestion, rank
from bot.places.schema import Accessibility, Opportunity, Slot
from bot.tools.content_lint import Rules, banned_words, grade, lint

RULES = Rules.load(CONTENT_ROOT)


@pytest.fixture(scope="module")
def en() -> Content:
    return library(CONTENT_ROOT).for_language("en")


def styled(text: str, *, reading: bool = True) -> str:
    """`text` if it keeps the content lint's rules, else an assertion naming the rule."""
    assert is_gsm7(text), text
    assert septets(text) <= RULES.max_chars, text
    assert not banned_words(text, RULES), text
    if reading and len(text.split()) >= RULES.min_words_for_grade:
        assert grade(text) <= RULES.max_grade, (grade(text), text)
    return text


def session(**fields: object) -> Opportunity:
    base: dict[str, object] = dict(id="walk", kind="session", name="Tuesday Health Walk",
                                   summary="A friendly walk at an easy pace.", source="test",
                                   activities=("walking",), district="LE12",
                                   schedule=(Slot("tue", "10:30", "11:30"),))
    base.update(fields)
    return Opportunity(**base)  # type: ignore[arg-type]


def every_reason() -> list[Reason]:
    reasons = [Reason("activity", a) for a in ACTIVITIES]
    reasons += [Reason("time", f"{d}:{t}") for d in DAYS for t in TIMES_OF_DAY]
    reasons += [Reason("company", c) for c in COMPANY]
    reasons += [Reason("setting", s) for s in ("home", "outdoors", "leisure", "community")]
    reasons += [Reason("access", f) for f in ACCESS_FIELDS]
    reasons += [Reason("near", m) for m in (0.0, 0.4, 1.2, 2.6, 12.0)]
    reasons += [Reason(code) for code in ("free", "low_cost", "online", "at_home",
                                          "any_time", "bus")]
    return reasons


def test_every_text_passes_the_content_lint() -> None:
    assert lint(CONTENT_ROOT) == []


@pytest.mark.parametrize("needs", [Needs(district="LE11"), Needs(latitude=52.7,
                                                                  longitude=-1.2), Needs()])
def test_every_reason_and_every_pair_reads_as_one_plain_sentence(en: Content,
                                                                needs: Needs) -> None:
    reasons = every_reason()
    assert {r.code for r in reasons} == {"activity", "access", "free", "time", "near",
                                         "company", "setting", "online", "at_home",
                                         "any_time", "low_cost", "bus"}
    for item in (session(), session(kind="online", district=None, schedule=())):
        for reason in reasons:
            text = styled(why(en, Suggestion(item, 1.0, (reason,)), needs))
            assert text[0].isupper() and text.endswith(".") and ". " not in text
        for pair in itertools.permutations(reasons, 2):
            text = styled(why(en, Suggestion(item, 1.0, pair), needs))
            assert text[0].isupper() and text.endswith(".") and ". " not in text


def test_why_uses_the_top_two_reasons_in_their_terms(en: Content) -> None:
    needs = Needs(district="LE4")
    item = session(district="LE5")
    two = Suggestion(item, 1.0, (Reason("free"), Reason("activity", "walking")))
    assert why(en, two, needs) == "It's free, and it's walking, which you picked."
    near = Suggestion(item, 1.0, (Reason("near", 2.4), Reason("time", "sat:morning"),
                                  Reason("company", "group")))
    assert why(en, near, needs) == \
        "It's about 2 miles from LE4, and it's on a Saturday morning, which suits you."
    gym = Suggestion(item, 1.0, (Reason("activity", "gym"),))
    assert why(en, gym, needs) == "It's the gym, which you picked."
    own = {"activities.walking": "walks with the dog"}
    assert why(en, two, needs, own) == \
        "It's free, and it's walks with the dog, which you picked."
    assert why(en, Suggestion(item, 0.0), needs) == \
        "It's one of the options that fits what you told me."


def test_distance_is_never_more_precise_than_we_know(en: Content) -> None:
    same_district = session(district="LE4")
    reason = (Reason("near", 0.0),)
    assert why(en, Suggestion(same_district, 1.0, reason), Needs(district="LE4")) == \
        "It's in LE4, near you."
    close = session(district="LE4", latitude=52.66, longitude=-1.12)
    assert why(en, Suggestion(close, 1.0, reason), Needs(district="LE4")) == \
        "It's less than a mile from LE4."
    shared = Needs(latitude=52.66, longitude=-1.12, district="LE4")
    assert why(en, Suggestion(close, 1.0, (Reason("near", 1.3),)), shared) == \
        "It's about a mile from you."


def test_a_long_pair_gives_way_to_one_that_reads_easily(en: Content) -> None:
    # Both of these are long; together they would be past reading age 11.
    hard = (Reason("activity", "yoga"), Reason("access", "accessible_toilet"),
            Reason("free"))
    text = why(en, Suggestion(session(), 1.0, hard), Needs())
    assert text == "It's yoga, tai chi or pilates, which you picked, and it's free."


def test_check_first_names_what_we_dont_know(en: Content) -> None:
    item = session()
    unknown = Suggestion(item, 1.0, (), ("cost_unknown", "access_unknown:step_free",
                                         "access_unknown:hearing_loop", "unverified"))
    assert styled(check_first(en, unknown) or "") == (
        "We don't know the cost, if it's step-free or if it has a hearing loop yet. "
        "Please check before you go.")
    unverified = Suggestion(item, 1.0, (), ("unverified",))
    assert check_first(en, unverified) == \
        "Our team hasn't checked this yet, so please check before you go."
    assert check_first(en, Suggestion(item, 1.0)) is None
    for caveat in ("times_unknown", "distance_unknown", *(f"access_unknown:{f}"
                                                          for f in ACCESS_FIELDS)):
        styled(check_first(en, Suggestion(item, 1.0, (), (caveat,))) or "")


def test_clock_times_read_as_people_say_them(en: Content) -> None:
    assert [clock(en, t) for t in ("09:00", "10:30", "12:00", "12:15", "13:00", "00:00",
                                   "19:45")] == \
        ["9am", "10:30am", "12 noon", "12:15pm", "1pm", "12am", "7:45pm"]


def test_describe_gives_published_facts_and_plain_unknowns(en: Content) -> None:
    item = session(
        address="Sileby Community Centre, High Street, Sileby", postcode="LE12 7RX",
        schedule=(Slot("tue", "10:30", "11:30"), Slot("fri", "14:00")),
        schedule_note="Not in August.", cost="low", price_text="£2 a session",
        accessibility=Accessibility(step_free=True, accessible_toilet=True, parking=False,
                                    bus_route=True, hearing_loop=False,
                                    notes="Ramp at the side door."),
        booking="booking", contact="01509 000 000", url="https://example.org/walks",
        level="gentle", verified=True, last_verified=date(2026, 3, 2), age_min=50,
    )
    needs = Needs(district="LE4", access={"step_free", "quiet_times"})
    text = describe(en, item, miles=6.2, needs=needs)
    for expected in (
        "Tuesday Health Walk\nA friendly walk at an easy pace.",
        "For ages 50 and over.",
        "Every Tuesday, 10:30am to 11:30am. Every Friday at 2pm. Not in August.",
        "Cost: £2 a session",
        "It has: step-free access, accessible toilet.",
        "It doesn't have: hearing loop.",
        "We don't know yet about: quiet times. Please ask if you need to know.",
        "They say: Ramp at the side door.",
        "Where: Sileby Community Centre, High Street, Sileby, LE12 7RX.",
        "It's about 6 miles from LE4. There's a bus route nearby. There's no parking.",
        "You need to book first.", "They describe it as gentle.",
        "Contact: 01509 000 000", "Website: https://example.org/walks",
        "Our team checked this with them on 2 March 2026.",
    ):
        assert expected in text, expected
    for message in messages(describe_parts(en, item, miles=6.2, needs=needs)):
        styled(message, reading=False)


def test_describe_says_what_nobody_has_checked(en: Content) -> None:
    item = session(schedule=(), cost="unknown", booking="unknown", level="unknown")
    text = describe(en, item)
    for expected in ("We don't know the times yet, so please check first.",
                     "We don't know the cost yet, so please check first.",
                     "We don't know about access here yet.",
                     "Please check if you need to book.",
                     "This is not yet checked by our team, so please check before you go."):
        assert expected in text, expected
    assert "women only" not in text


def test_how_to_go(en: Content) -> None:
    item = session(contact="01509 000 000", booking="drop_in", verified=False, cost="free")
    parts = how_to_go_parts(en, item, miles=2.2, needs=Needs(district="LE11",
                                                              access={"step_free"}))
    assert parts[0] == "Great choice! Here's how to go to Tuesday Health Walk."
    assert "It's about 2 miles from LE11." in parts[1]
    assert "You can just turn up." in parts and "Contact: 01509 000 000" in parts
    assert "We don't know if it's step-free yet. Please check before you go." in parts
    assert parts[-1] == "I'd love to hear how it goes. Every bit of moving counts!"
    bare = how_to_go(en, session(verified=False, cost="free"))
    assert "We don't have a contact for them yet." in bare
    assert "Our team hasn't checked this yet, so please check before you go." in bare


def test_what_follows_from_a_fact_is_never_asked_about(en: Content) -> None:
    """A wheelchair ramp means step-free (the ranking offers it as step-free): so neither
    "tell me more" nor "I'd like to go" asks them to check it."""
    ramp = session(cost="free", accessibility=Accessibility(wheelchair=True))
    needs = Needs(district="LE12", access={"step_free", "wheelchair"})
    check = en.text("suggest.check.access.step_free")
    assert check not in how_to_go(en, ramp, needs=needs)
    assert en.text("suggest.describe.access_ask", features=en.text(
        "suggest.describe.feature.step_free")) not in describe(en, ramp, needs=needs)
    chair = session(cost="free", activities=("chair",))
    assert en.text("suggest.check.access.seated_options") not in how_to_go(
        en, chair, needs=Needs(access={"seated_options"}))


def test_every_real_entry_can_be_described_and_gone_to(en: Content) -> None:
    needs = Needs(district="LE4", access={"step_free"})
    for item in Catalogue.from_yaml():
        for parts in (describe_parts(en, item, miles=3.0, needs=needs),
                      how_to_go_parts(en, item, miles=3.0, needs=needs)):
            assert parts and all(parts)
            for message in messages(parts):
                styled(message, reading=False)  # published names and links are not ours
        if item.kind == "at_home":
            assert "not yet checked" not in describe(en, item)
        else:
            assert "not yet checked by our team" in describe(en, item)


def test_real_suggestions_for_le4_are_explained(en: Content) -> None:
    answers = {"activities": ["walking"], "helps": ["low_cost"],
               "times": ["morning"], "with_whom": ["friends", "group"],
               "where": ["outdoors"]}
    needs = Needs.from_answers(answers, "LE4", max_cost="free")
    top = rank(Catalogue.from_yaml().all(), needs)[:3]
    assert len(top) == 3
    for suggestion in top:
        assert styled(why(en, suggestion, needs)) == \
            "It's walking, which you picked, and it's in LE4, near you."
        assert check_first(en, suggestion) == \
            "Our team hasn't checked this yet, so please check before you go."


@pytest.mark.parametrize("needs", [
    Needs(settings={"leisure"}), Needs(settings={"outdoors"}), Needs(settings={"community"}),
    Needs(settings={"home", "leisure"}), Needs(settings={"leisure", "community"}),
    *[Needs(access={name}) for name in ACCESS_FIELDS], Needs(access=set(ACCESS_FIELDS)),
    Needs(max_cost="free"), Needs(max_cost="low"), Needs(days={"mon"}),
])
def test_shortfall_names_the_need_plainly(en: Content, needs: Needs) -> None:
    (limit,) = needs.limits()
    text = styled(shortfall(en, (limit,), needs))
    assert text.startswith("I don't know of ") and text.endswith(" yet.")
    if limit == "place" and len(needs.settings - {"home"}) == 1:
        assert text == en.text(f"suggest.limits.place.{min(needs.settings - {'home'})}")
    if limit == "access" and len(needs.access) == 1:
        assert text == en.text(f"suggest.limits.access.{min(needs.access)}")
    # Several needs together, or nothing near at all, have their own plain sentences.
    assert shortfall(en, ("access", "cost"), needs) == en.text("suggest.limits.together")
    assert shortfall(en, ("near",), needs) == en.text("suggest.limits.near")


def test_messages_pack_paragraphs_within_two_sms() -> None:
    parts = ["a" * 200, "b" * 100, "c" * 5, "d" * 400]
    assert messages(parts) == ["a" * 200 + "\n" + "b" * 100, "c" * 5, "d" * 400]
    assert messages([]) == []
