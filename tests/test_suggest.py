"""Local suggestions through the real engine and storage: starting them (from idle, the
menu, mid-conversation), every answer a person gave acting as a hard limit, honest
caveats, "not for me" remembered for good, paging without repeats, and no dead ends."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.core.events import Address
from bot.core.needs import Needs
from bot.places.schema import Accessibility, Slot
from bot.storage.models import ImpactEvent
from conversations.suggest import PAGE, needs_for
from support.engine import running
from support.suggest import (
    EN,
    WALKER,
    Chat,
    label,
    place,
    resident,
    session,
    texts,
    use_catalogue,
)

SMS = Address("sms", "+447700900401")
CHECKED = date(2026, 3, 1)  # when our team checked a place with its provider
MORE, DONE = "more", "done"


def idea_ids(chat: Chat) -> list[str]:
    """The ideas offered in the current list question (everything but more / done)."""
    return [o for o in chat.options() if o not in (MORE, DONE)]


async def every_idea(chat: Chat, first: str = "suggest", leave: bool = True) -> list[str]:
    """Ask for ideas, then "more" until nothing is left; every idea offered, in order.
    Then (unless `leave` is False) "ask me another time", so they are between chats."""
    await chat.send(first)
    shown: list[str] = []
    for _ in range(50):
        if MORE not in chat.options():
            break
        shown += idea_ids(chat)
        await chat.pick(MORE)
    else:
        pytest.fail("paging never ended")
    if leave:
        end = chat.last
        await chat.pick("later")
        assert (await chat.state()).flow is None
        chat.last = end
    return shown


# -- starting ------------------------------------------------------------------------------
async def test_suggest_from_idle_offers_up_to_three_ranked_ideas(settings: Settings) -> None:
    async with running(settings) as (services, _):
        chat = await resident(services, SMS)
        said = await chat.send("suggest")
        profile = await chat.profile()
        expected = services.engine.places.rank(needs_for(profile)).ids()  # type: ignore[union-attr]
        assert len(expected) > PAGE  # the real catalogue has more than one page for LE4
        assert idea_ids(chat) == list(expected[:PAGE])
        assert chat.options()[PAGE:] == [MORE, DONE]
        assert said[0].text.startswith(EN.text("suggest.flow.intro"))
        # Each idea is numbered, named, and says why it might suit, in the same order.
        body = texts(said)
        for number, option in enumerate(chat.question().options[:PAGE], 1):
            assert f"{number}. {option.label}. " in body
        assert EN.text("suggest.reason.activity", activity="walking") in body.lower()
        assert (await chat.state()).flow == "suggest"


async def test_suggest_words_and_slash_command_work_from_idle(settings: Settings) -> None:
    async with running(settings) as (services, _):
        for n, words in enumerate(["ideas", "Ideas near me!", "/suggest", "SUGGEST"]):
            chat = await resident(services, Address("sms", f"+44770090041{n}"))
            await chat.send(words)
            assert (await chat.state()).flow == "suggest", words
            assert len(idea_ids(chat)) == PAGE, words


async def test_suggest_from_the_menu(settings: Settings) -> None:
    async with running(settings) as (services, _):
        chat = await resident(services, SMS)
        await chat.send("menu")
        assert "suggest" in chat.options()
        await chat.pick("suggest")
        assert (await chat.state()).flow == "suggest"
        assert len(idea_ids(chat)) == PAGE
        # The menu is only a chooser: finishing with the ideas does not go back to it.
        said = await chat.pick(DONE)
        assert texts(said) == EN.text("suggest.flow.later")
        assert (await chat.state()).flow is None


async def test_suggest_mid_conversation_interrupts_then_returns(settings: Settings) -> None:
    async with running(settings) as (services, _):
        chat = await resident(services, SMS)
        await chat.send("settings")
        settings_question = chat.question().text
        assert (await chat.state()).flow == "settings"
        await chat.send("suggest")
        assert (await chat.state()).flow == "suggest"
        assert len(idea_ids(chat)) == PAGE
        # Asking again while in the ideas just asks the same question again.
        shown = idea_ids(chat)
        await chat.send("suggest")
        assert idea_ids(chat) == shown
        # More ideas, one not for them: still on the way back to settings.
        await chat.pick(MORE)
        await chat.pick(idea_ids(chat)[0])
        await chat.pick("not_for_me")
        assert (await chat.state()).flow == "suggest"
        # Done with the ideas: back to exactly where they were in settings.
        said = await chat.pick(DONE)
        assert said[0].text.startswith(EN.text("suggest.flow.later"))
        assert chat.question().text.endswith(settings_question)
        assert (await chat.state()).flow == "settings"


async def test_suggest_during_onboarding_comes_back_to_the_same_question(
        settings: Settings) -> None:
    async with running(settings) as (services, _):
        chat = Chat(services, SMS)
        for line in ["hi", "1", "2", "2", "Ann"]:
            await chat.send(line)
        question = chat.question().text  # what movement they enjoy
        await chat.send("suggest")
        assert (await chat.state()).flow == "suggest"
        await chat.send("skip")  # no postcode yet: ideas from anywhere, then done
        await chat.pick(DONE)
        assert chat.question().text == question
        state = await chat.state()
        assert (state.flow, state.step) == ("onboarding", "activities")


async def test_someone_new_saying_suggest_is_welcomed_first(settings: Settings) -> None:
    async with running(settings) as (services, _):
        chat = Chat(services, SMS)
        said = await chat.send("suggest")
        assert (await chat.state()).flow == "onboarding"
        assert EN.text("onboarding.welcome") in texts(said)


async def test_the_offer_after_onboarding_starts_ideas_or_leaves_them(
        settings: Settings) -> None:
    answers = ["hi", "1", "2", "2", "Ann", "walking", "9", "8", "4", "1", "2", "LE4", "skip",
               "1"]
    async with running(settings) as (services, _):
        yes = Chat(services, Address("sms", "+447700900420"))
        for line in answers:
            await yes.send(line)
        assert (await yes.state()).flow == "suggest_offer"
        await yes.send("yes please")
        assert (await yes.state()).flow == "suggest"
        assert len(idea_ids(yes)) == PAGE
        no = Chat(services, Address("sms", "+447700900421"))
        for line in answers:
            await no.send(line)
        said = await no.send("not now")
        assert texts(said) == EN.text("suggest.flow.later")
        assert (await no.state()).flow is None


# -- what they told us is a hard limit ------------------------------------------------------
COSTS = (
    # The paid pool would come first on every other count: verified, step-free, two
    # activities they like. Only the cost limit can keep it out.
    place("paid-pool", cost="paid", activities=("swimming",), verified=True,
          last_verified=CHECKED,
          accessibility=Accessibility(step_free=True)),
    place("low-hall", cost="low", price_text="3 pounds a session"),
    place("free-park"),
    place("unknown-cost-club", cost="unknown"),
)


@pytest.mark.parametrize(("cost", "allowed"), [
    # An unknown cost is not free, and not low cost either.
    ("free", {"free-park"}),
    ("low", {"free-park", "low-hall"}),
    (None, {"free-park", "unknown-cost-club", "low-hall", "paid-pool"}),
])
async def test_cost_is_a_hard_limit_and_an_unknown_cost_is_said(
        settings: Settings, cost: str | None, allowed: set[str]) -> None:
    answers: dict[str, Any] = {**WALKER, "activities": ["swimming"]}
    if cost is not None:
        answers.update(helps=["low_cost"], cost=cost)
    async with running(settings) as (services, _):
        use_catalogue(services, *COSTS)
        chat = await resident(services, SMS, answers=answers)
        shown = await every_idea(chat)
        assert set(shown) == allowed
        if cost is None:
            assert shown[0] == "paid-pool"  # so the limit is what kept it out above
        # The list says plainly when we don't know what something costs, and only then.
        unknown = EN.text("suggest.check.unknown", unknowns=EN.text("suggest.check.cost"))
        lines: dict[str, str] = {}
        await chat.send("suggest")
        while True:
            lines.update(chat.idea_lines())
            if MORE not in chat.options():
                break
            await chat.pick(MORE)
        assert set(lines) == allowed
        for option, line in lines.items():
            assert (unknown in line) == (option == "unknown-cost-club"), line


async def test_free_only_from_real_onboarding_answers_keeps_paid_places_out(
        settings: Settings) -> None:
    """The same limit, from the words a resident actually types in onboarding."""
    async with running(settings) as (services, _):
        use_catalogue(services, *COSTS)
        chat = Chat(services, SMS)
        for line in ["hi", "1", "2", "2", "Ann", "swimming", "low cost", "free only",
                     "any day", "it varies", "on my own", "outdoors", "LE4", "skip", "1"]:
            await chat.send(line)
        assert (await chat.profile()).answers["cost"] == "free"
        shown = await every_idea(chat, first="yes")
        assert shown and not {"paid-pool", "low-hall"} & set(shown)


ACCESS = (
    # Known to have steps: it would otherwise come first (verified, two activities).
    place("steps-park", activities=("gardening",), verified=True,
          last_verified=CHECKED,
          accessibility=Accessibility(step_free=False)),
    place("level-park", accessibility=Accessibility(step_free=True)),
    place("ramped-hall", accessibility=Accessibility(wheelchair=True)),  # so no steps either
    place("unknown-park"),
)


async def test_step_free_means_known_step_free_never_unknown(settings: Settings) -> None:
    answers = {**WALKER, "activities": ["gardening"], "helps": ["accessible"],
               "access": ["step_free"]}
    async with running(settings) as (services, _):
        use_catalogue(services, *ACCESS)
        chat = await resident(services, SMS, answers=answers)
        # Unknown is not yes: the park nobody has checked is never offered to them.
        assert set(await every_idea(chat)) == {"level-park", "ramped-hall"}
        await chat.send("suggest")
        items = chat.idea_lines()
        assert set(items) == {"level-park", "ramped-hall"}
        for known in items.values():
            assert EN.text("suggest.check.access.step_free") not in known
        # Places to go fit, so nothing is said about a shortfall.
        assert EN.text("suggest.limits.access.step_free") not in texts(chat.last)
        # "I'd like to go" never asks them to check what we know.
        await chat.pick("ramped-hall")
        go = texts(await chat.pick("go"))
        assert EN.text("suggest.check.access.step_free") not in go


async def test_a_known_step_free_place_says_so_when_asked_about(settings: Settings) -> None:
    answers = {**WALKER, "helps": ["accessible"], "access": ["step_free"]}
    async with running(settings) as (services, _):
        use_catalogue(services, *ACCESS)
        chat = await resident(services, SMS, answers=answers)
        await chat.send("suggest")
        await chat.pick("level-park")
        more = texts(await chat.pick("more_info"))
        assert EN.text("suggest.describe.access_yes",
                       features=EN.text("suggest.describe.feature.step_free")) in more
        assert EN.text("suggest.describe.access_ask",
                       features=EN.text("suggest.describe.feature.step_free")) not in more


async def test_an_accessible_place_without_saying_which_needs_step_free(
        settings: Settings) -> None:
    """"An accessible place" with the access question skipped: a place known to have steps
    is not an accessible place."""
    answers = {**WALKER, "activities": ["gardening"], "helps": ["accessible"]}
    async with running(settings) as (services, _):
        use_catalogue(services, *ACCESS)
        chat = await resident(services, SMS, answers=answers)
        assert "steps-park" not in await every_idea(chat)


async def test_wheelchair_access_rules_out_steps_and_the_unknown(
        settings: Settings) -> None:
    answers = {**WALKER, "helps": ["accessible"], "access": ["wheelchair"]}
    async with running(settings) as (services, _):
        use_catalogue(services, *ACCESS, place("level-no-chair", accessibility=Accessibility(
            step_free=True, wheelchair=False)))
        chat = await resident(services, SMS, answers=answers)
        shown = await every_idea(chat)
        # Steps mean no wheelchair access; step-free alone doesn't promise it; and
        # nobody knows about the unknown park.
        assert shown == ["ramped-hall"]
        await chat.send("suggest")
        wheelchair = EN.text("suggest.check.access.wheelchair")
        assert wheelchair not in chat.idea_lines()["ramped-hall"]


NEAR_AND_FAR = (
    place("far-park", district="LE16"),  # about 16 miles from LE4: too far to offer
    place("lough-park", district="LE11"),  # about 8 miles
    place("city-park", district="LE1"),  # about 2 miles
    place("home-park", district="LE4"),
)


async def test_nearer_first_and_too_far_never(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *NEAR_AND_FAR)
        chat = await resident(services, SMS)
        assert await every_idea(chat) == ["home-park", "city-park", "lough-park"]
        await chat.send("suggest")
        assert EN.text("suggest.reason.in_district", district="LE4").lower() in \
            texts(chat.last).lower()
        # How far, as roughly as we know it, when they ask about one.
        for option, miles in (("city-park", "2"), ("lough-park", "8")):
            await chat.pick(option)
            more = texts(await chat.pick("more_info")).lower()
            assert EN.text("suggest.reason.near", miles=miles, district="LE4").lower() in more
            await chat.pick("back")
        # Someone in Market Harborough gets their own park first.
        there = await resident(services, Address("sms", "+447700900430"), district="LE16")
        await there.send("suggest")
        assert idea_ids(there)[0] == "far-park"


async def test_a_shared_location_measures_from_the_person(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, place("by-you", latitude=52.665, longitude=-1.125),
                      place("in-town", district="LE1"))
        chat = await resident(services, SMS, latitude=52.66, longitude=-1.13)
        await chat.send("suggest")
        assert idea_ids(chat) == ["by-you", "in-town"]
        assert EN.text("suggest.reason.near_you_close") in texts(chat.last).lower()


SAT_MORNING = Slot("sat", "09:30", "10:30")
TIMES = (
    session("sat-morning-walk", SAT_MORNING),
    session("wed-evening-walk", Slot("wed", "18:00", "19:00"), verified=True,
            last_verified=CHECKED),
    session("sat-evening-walk", Slot("sat", "18:00")),
    session("times-unknown-walk"),
    place("open-park"),
)


async def test_days_and_times_they_gave_are_a_hard_limit(settings: Settings) -> None:
    answers = {**WALKER, "days": ["sat"], "times": ["morning"]}
    async with running(settings) as (services, _):
        use_catalogue(services, *TIMES)
        chat = await resident(services, SMS, answers=answers)
        shown = await every_idea(chat)
        # A session whose times we don't know may well be outside theirs: left out. A
        # park has no sessions: it fits any time.
        assert set(shown) == {"sat-morning-walk", "open-park"}
        assert shown[0] == "sat-morning-walk"
        # Anyone who takes any day and any time also gets the evening ones, and the one
        # whose times we don't know, said plainly.
        anyone = await resident(services, Address("sms", "+447700900431"))
        assert set(await every_idea(anyone)) == {s.id for s in TIMES}
        await anyone.send("suggest")
        lines: dict[str, str] = {}
        while True:
            lines.update(anyone.idea_lines())
            if MORE not in anyone.options():
                break
            await anyone.pick(MORE)
        assert EN.text("suggest.check.times") in lines["times-unknown-walk"]
        assert EN.text("suggest.check.times") not in lines["sat-morning-walk"]


async def test_show_me_anything_relaxes_times_but_never_cost_or_access(
        settings: Settings) -> None:
    answers = {**WALKER, "days": ["sat"], "times": ["morning"], "helps": ["low_cost"],
               "cost": "free"}
    async with running(settings) as (services, _):
        use_catalogue(services, *TIMES, session("paid-wed-walk", Slot("wed", "18:00"),
                                                cost="paid"))
        chat = await resident(services, SMS, answers=answers)
        await every_idea(chat, leave=False)
        assert "anything" in chat.options()  # the end of the list offers other ways
        await chat.pick("anything")
        shown = idea_ids(chat)
        while MORE in chat.options() and idea_ids(chat):
            await chat.pick(MORE)
            shown += idea_ids(chat)
        assert "wed-evening-walk" in shown and "sat-evening-walk" in shown
        assert "paid-wed-walk" not in shown
        assert len(shown) == len(set(shown))
        # Having already relaxed everything that can be, it isn't offered again.
        assert "anything" not in chat.options()


# -- not for me, more, and the end of the list ------------------------------------------------
async def test_not_for_me_is_remembered_across_sessions_and_restarts(settings: Settings) -> None:
    async with running(settings) as (services, _):
        chat = await resident(services, SMS)
        await chat.send("suggest")
        first, second = idea_ids(chat)[:2]
        await chat.pick(first)
        said = await chat.pick("not_for_me")
        assert said[0].text.startswith(EN.text("suggest.flow.not_for_me"))
        assert first not in idea_ids(chat)
        assert (await chat.profile()).answers["not_for_me"] == [first]
        await chat.pick(DONE)
        # Later the same day: never again, however far they page.
        shown = await every_idea(chat)
        assert first not in shown and second in shown
    async with running(settings) as (services, _):  # a new process, the same database
        chat = Chat(services, SMS)
        assert first not in await every_idea(chat)
        # A second "not for me" adds to the first.
        await chat.send("suggest")
        other = idea_ids(chat)[0]
        await chat.pick(other)
        await chat.pick("not_for_me")
        assert (await chat.profile()).answers["not_for_me"] == [first, other]
        assert not {first, other} & set(await every_idea(chat))


async def test_more_pages_through_everything_once_then_says_so(settings: Settings) -> None:
    async with running(settings) as (services, _):
        chat = await resident(services, SMS)
        profile = await chat.profile()
        ranked = services.engine.places.rank(needs_for(profile)).ids()  # type: ignore[union-attr]
        shown = await every_idea(chat, leave=False)
        assert shown == list(ranked)  # all of them, best first, none twice
        said = texts(chat.last)
        assert EN.text("suggest.no_more") in said
        assert chat.options() == ["home", "buddy", "anything", "later"]
        assert (await chat.state()).step == "nothing"


async def test_nothing_fits_is_never_a_dead_end(settings: Settings) -> None:
    answers = {**WALKER, "helps": ["low_cost"], "cost": "free"}
    async with running(settings) as (services, _):
        use_catalogue(services, place("paid-only", cost="paid"))
        chat = await resident(services, SMS, answers=answers)
        said = await chat.send("suggest")
        # Which need leaves nothing, said plainly (and with no idea for home in this
        # catalogue, nothing to offer instead but other ways).
        free = EN.text("suggest.limits.cost.free")
        assert said[0].text.startswith(free)
        assert chat.labels() == [label(o, "nothing_fits")
                                 for o in ("home", "buddy", "anything", "later")]
        # Anything nearby still keeps to "free only": still nothing, said honestly, and
        # "anything" is not offered a second time.
        said = await chat.pick("anything")
        assert said[0].text.startswith(free)
        assert chat.options() == ["home", "buddy", "later"]
        said = await chat.pick("home")
        assert texts(said) == EN.text("suggest.flow.home_ideas")
        assert (await chat.state()).flow is None
        await chat.send("suggest")
        said = await chat.send("another time")
        assert texts(said) == EN.text("suggest.flow.later")
        await chat.send("suggest")
        await chat.pick("buddy")
        assert (await chat.state()).flow == "buddy"


async def test_back_tell_me_more_and_going_with_someone(settings: Settings) -> None:
    async with running(settings) as (services, _):
        chat = await resident(services, SMS)
        await chat.send("suggest")
        batch = idea_ids(chat)
        await chat.pick(batch[1])
        assert chat.options() == ["more_info", "go", "not_for_me", "buddy", "back"]
        item = services.engine.places.get(batch[1])  # type: ignore[union-attr]
        assert item is not None
        assert chat.question().text == EN.text("suggest.flow.what_next", name=item.name)
        more = await chat.pick("more_info")
        assert more[0].text.startswith(item.name)
        assert item.summary in texts(more)
        assert chat.options() == ["more_info", "go", "not_for_me", "buddy", "back"]
        await chat.pick("back")
        assert idea_ids(chat) == batch  # the same ideas, in the same order
        await chat.pick(batch[0])
        await chat.pick("buddy")
        assert (await chat.state()).flow == "buddy"


async def test_going_is_counted_anonymously(settings: Settings) -> None:
    async with running(settings) as (services, _):
        chat = await resident(services, SMS)
        await chat.send("suggest")
        picked = idea_ids(chat)[0]
        await chat.pick(picked)
        said = await chat.pick("go")
        assert EN.text("suggest.flow.going") in texts(said)
        assert (await chat.state()).flow is None
        rows = await services.db.run(lambda c: c.execute(
            select(ImpactEvent.kind, ImpactEvent.detail)
            .where(ImpactEvent.kind == "going")).all())
        assert [tuple(r) for r in rows] == [("going", picked)]


def test_needs_hold_nothing_about_health() -> None:
    """Ranking is given only what they told us about moving, never health details."""
    from bot.core.turn import Profile

    with_health = Profile(answers=dict(WALKER), district="LE4", consent_health=True,
                          health_notes="COPD and a bad knee")
    without = Profile(answers=dict(WALKER), district="LE4")
    assert needs_for(with_health) == needs_for(without)
    assert "COPD" not in repr(needs_for(with_health))
    assert isinstance(needs_for(without), Needs)
