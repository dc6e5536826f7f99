"""Needs are hard limits through the real engine (issue 12, item 4): someone who moves only
at home is offered only ideas for home or online; someone who needs step-free or
wheelchair access is never offered a place whose access nobody knows; and when no place
to go meets a need, the reply says which need, honestly, and offers ideas for home or
online instead, through every page, "tell me more" and "back"."""

from __future__ import annotations

from typing import Any

from bot.config import Settings
from bot.core.events import Address
from bot.places.schema import Accessibility, Slot
from support.engine import running
from support.suggest import EN, WALKER, Chat, place, resident, session, texts, use_catalogue

SMS = Address("sms", "+447700900901")
MORE, DONE = "more", "done"
REPORTED_PARKS = {"watermead-country-park", "abbey-park", "victoria-park"}
INSTEAD = EN.text("suggest.limits.instead")
MORE_SOON = EN.text("suggest.limits.more_soon")

DOOR = place("door-walk", kind="at_home", setting="outdoors", district=None)
CHAIR = place("chair-moves", kind="at_home", setting="home", district=None,
              activities=("chair",), company=("alone",))
VIDEO = place("videos", kind="online", setting="online", district=None,
              activities=("yoga",), company=("alone", "online"))
REMOTE = {"door-walk", "chair-moves", "videos"}


def ideas(chat: Chat) -> list[str]:
    return [o for o in chat.options() if o not in (MORE, DONE)]


async def every_idea(chat: Chat) -> tuple[list[str], str]:
    """Ask for ideas and page to the end: every idea offered, and the first reply."""
    first = texts(await chat.send("suggest"))
    shown: list[str] = []
    for _ in range(20):
        if DONE not in chat.options():
            break  # the end: "that's all I have", and other ways
        shown += ideas(chat)
        await chat.pick(MORE)
    end = chat.last
    await chat.pick("later")  # between chats again
    chat.last = end
    return shown, first


def remote(chat: Chat, ids: list[str]) -> bool:
    places = chat.services.engine.places
    assert places is not None
    return all(places.get(i).is_remote for i in ids)  # type: ignore[union-attr]


# -- the two reported cases, with the real catalogue -------------------------------------
async def test_at_home_only_is_offered_only_ideas_for_home_or_online(
        settings: Settings) -> None:
    answers = {**WALKER, "where": ["home"], "with_whom": ["online"]}
    async with running(settings) as (services, _):
        chat = await resident(services, SMS, answers=answers)
        shown, first = await every_idea(chat)
        assert len(shown) >= 3 and remote(chat, shown)
        assert not REPORTED_PARKS & set(shown)
        # What they asked for: nothing to apologise for.
        assert first.startswith(EN.text("suggest.flow.intro")) and INSTEAD not in first


async def test_only_at_home_or_online_as_company_is_the_same(settings: Settings) -> None:
    answers = {**WALKER, "where": ["outdoors", "leisure"], "with_whom": ["online"],
               "helps": ["company"]}
    async with running(settings) as (services, _):
        chat = await resident(services, SMS, answers=answers)
        shown, _first = await every_idea(chat)
        assert shown and remote(chat, shown)
        assert not REPORTED_PARKS & set(shown)


async def test_a_wheelchair_user_is_told_honestly_and_offered_ideas_for_home(
        settings: Settings) -> None:
    answers = {**WALKER, "helps": ["accessible"], "access": ["wheelchair"]}
    async with running(settings) as (services, _):
        chat = await resident(services, SMS, answers=answers)
        shown, first = await every_idea(chat)
        assert "beacon-hill-country-park" not in shown and "parkrun-beacon-hill" not in shown
        assert len(shown) >= 3 and remote(chat, shown)
        assert first.startswith(f"{EN.text('suggest.limits.access.wheelchair')} {MORE_SOON} "
                                f"{INSTEAD}")
        # Said once, on the first page only.
        await chat.send("suggest")
        batch = ideas(chat)
        await chat.pick(MORE)
        assert EN.text("suggest.limits.access.wheelchair") not in texts(chat.last)
        assert remote(chat, ideas(chat))
        # "Tell me more" and "back" keep to the same ideas for home or online.
        page = ideas(chat)
        await chat.pick(page[0])
        more = texts(await chat.pick("more_info"))
        assert more and "wheelchair" not in more.lower()
        await chat.pick("back")
        assert ideas(chat) == page
        assert batch != page


async def test_an_accessible_place_with_nothing_said_means_step_free(
        settings: Settings) -> None:
    answers = {**WALKER, "helps": ["accessible"]}
    async with running(settings) as (services, _):
        chat = await resident(services, SMS, answers=answers)
        shown, first = await every_idea(chat)
        assert remote(chat, shown)
        assert first.startswith(EN.text("suggest.limits.access.step_free"))


async def test_a_known_step_free_place_is_offered_with_no_apology(settings: Settings) -> None:
    answers = {**WALKER, "helps": ["accessible"], "access": ["step_free"]}
    async with running(settings) as (services, _):
        use_catalogue(services, place("unknown-park"), DOOR, VIDEO,
                      place("level-park", accessibility=Accessibility(step_free=True)))
        chat = await resident(services, SMS, answers=answers)
        shown, first = await every_idea(chat)
        assert shown == ["level-park", "door-walk"]  # "outdoors" keeps the videos out
        assert INSTEAD not in first and MORE_SOON not in first


# -- each need that can leave no place to go -----------------------------------------------
async def check_instead(settings: Settings, answers: dict[str, Any], key: str,
                        *catalogue: Any) -> list[str]:
    async with running(settings) as (services, _):
        use_catalogue(services, *catalogue, DOOR, CHAIR, VIDEO)
        chat = await resident(services, SMS, answers=answers)
        shown, first = await every_idea(chat)
        assert first.startswith(f"{EN.text(key)} {MORE_SOON} {INSTEAD}"), first
        assert set(shown) == REMOTE, shown
        return shown


async def test_a_leisure_centre_only_with_none_known(settings: Settings) -> None:
    await check_instead(settings, {**WALKER, "where": ["leisure"]},
                        "suggest.limits.place.leisure", place("park"))


async def test_free_only_with_only_unknown_costs_near(settings: Settings) -> None:
    await check_instead(settings, {**WALKER, "helps": ["low_cost"], "cost": "free"},
                        "suggest.limits.cost.free", place("club", cost="unknown"),
                        place("pool", cost="paid"))


async def test_times_with_only_sessions_at_other_times(settings: Settings) -> None:
    await check_instead(settings, {**WALKER, "days": ["sat"], "times": ["morning"]},
                        "suggest.limits.times", session("wed", Slot("wed", "18:00")),
                        session("when-unknown"))


async def test_several_needs_together(settings: Settings) -> None:
    await check_instead(settings, {**WALKER, "helps": ["low_cost", "accessible"]},
                        "suggest.limits.together", place("paid-park", cost="paid"))


async def test_no_place_near_at_all(settings: Settings) -> None:
    await check_instead(settings, WALKER, "suggest.limits.near",
                        place("harborough", district="LE16"))


async def test_a_place_that_fits_means_no_apology(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, place("park"), DOOR, CHAIR, VIDEO)
        chat = await resident(services, SMS)
        shown, first = await every_idea(chat)
        assert shown == ["park", "door-walk"]
        assert INSTEAD not in first and MORE_SOON not in first
