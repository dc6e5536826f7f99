"""The same suggestions on SMS (numbered replies, one text per reply where it fits) and on
Telegram (buttons), and bad input anywhere in them: nonsense, huge or odd text, old
buttons. Always a kind re-ask, never a crash, never a wrong place recorded."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import Connection, select, update

from bot.app import Services
from bot.config import Settings
from bot.core.events import Address, EventKind, Inbound
from bot.core.render import render_sms
from bot.jobs import run_due_jobs
from bot.places.models import PlaceFeedback
from bot.storage.models import Identity, OutboxMessage, Person
from support.engine import START, running
from support.suggest import (
    EN,
    WALKER,
    Chat,
    add_reminder,
    place,
    reminders,
    resident,
    use_catalogue,
)

# Seven walks, so three pages of ideas. No digits in the names: "Walk 5" typed on SMS
# would be read as the number 5.
NAMES = ("Abbey", "Brook", "Castle", "Dale", "Elm", "Ford", "Green")
CATALOGUE = tuple(place(f"walk-{n}", name=f"{name} Walk") for n, name in enumerate(NAMES, 1))


async def journey(chat: Chat, way: str) -> dict[str, Any]:
    """Ideas, more, tell me more, not for me, I'd like to go: by numbers or by buttons."""
    seen: list[list[str]] = []

    def ideas() -> list[str]:
        return [o for o in chat.options() if o not in ("more", "done")]

    await chat.send("suggest")
    seen.append(ideas())
    await chat.pick("more", way)
    seen.append(ideas())
    second_page = ideas()
    await chat.pick(second_page[0], way)
    await chat.pick("more_info", way)
    await chat.pick("not_for_me", way)
    seen.append(ideas())
    await chat.pick(ideas()[-1], way)
    await chat.pick("go", way)
    profile = await chat.profile()
    planned = [p for _k, _d, _s, p in await reminders(chat.services, "followup",
                                                       await chat.person_id())]
    return {"seen": seen, "not_for_me": profile.answers.get("not_for_me"),
            "followups": planned, "state": (await chat.state()).flow}


async def test_numbers_on_sms_and_buttons_on_telegram_do_the_same(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        sms = await journey(await resident(services, Address("sms", "+447700900701")), "sms")
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        telegram = await journey(await resident(services, Address("telegram", "7001")), "tg")
    assert sms == telegram
    assert sms["not_for_me"] == ["walk-4"]
    assert sms["followups"] == [{"opportunity": sms["seen"][2][-1]}]
    assert sms["state"] is None
    flat = [i for page in sms["seen"][:2] for i in page]
    assert len(flat) == len(set(flat)) == 6


async def test_words_work_as_well_as_numbers(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, Address("sms", "+447700900702"))
        await chat.send("ideas")
        await chat.send("more ideas")
        assert chat.options()[0] == "walk-4"
        await chat.send("elm walk")  # an idea by its name
        assert EN.text("suggest.flow.what_next", name="Elm Walk") in chat.question().text
        await chat.send("tell me more")
        await chat.send("back")
        assert chat.options()[:3] == ["walk-4", "walk-5", "walk-6"]
        await chat.send("finished")
        assert (await chat.state()).flow is None


async def test_presses_without_a_question_token_work_too(settings: Settings) -> None:
    """`Inbound.from_choice`, as the terminal chat's `~ press` sends it."""
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, Address("console", "press"))
        await chat.send("suggest")
        await chat.event(Inbound.from_choice("more"))
        assert chat.options()[:3] == ["walk-4", "walk-5", "walk-6"]
        await chat.event(Inbound.from_choice("walk-6"))
        await chat.event(Inbound.from_choice("not_for_me"))
        assert (await chat.profile()).answers["not_for_me"] == ["walk-6"]
        assert chat.options()[0] == "walk-7"


async def test_sms_replies_are_numbered_plain_gsm_texts(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, Address("sms", "+447700900703"))
        said = await chat.send("suggest")
        rendered = [render_sms(m) for m in said]
        last = rendered[-1].parts[-1]
        for number, name in enumerate(["Abbey Walk", "Brook Walk", "Castle Walk",
                                       "More ideas", "That's all for now"], 1):
            assert f"\n{number} {name}" in last
        assert last.endswith(EN.text("common.hint_single", last=5))
        assert all(r.encoding == "GSM-7" for r in rendered)
        # Fewer texts than messages: ideas travel together while they fit in two segments.
        assert len(said) < 5
        assert all(r.segments <= 2 for r in rendered)


async def test_telegram_buttons_carry_the_question_they_belong_to(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, Address("telegram", "7002"))
        said = await chat.send("suggest")
        assert len(said) == 5  # separate messages: intro, three ideas, the question
        assert chat.question().ref.startswith("suggest.list")
        await chat.press("walk-2")
        assert chat.question().ref.startswith("suggest.one")


# -- bad input ----------------------------------------------------------------------------
NONSENSE = ["purple monkey", "0", "99", "x" * 10_000, "🙂" * 40, "\u200b\u202e", "مرحبا",
            "{name}", "%s", "'; DROP TABLE persons; --", "", " \n "]


@dataclass
class Step:
    """Where someone can be in the suggestions, and how to get there from idle."""

    name: str
    lines: tuple[str, ...]
    flow: str
    step_prefix: str


STEPS = [
    Step("list", ("suggest",), "suggest", "list"),
    Step("one", ("suggest", "1"), "suggest", "one"),
    Step("nothing", ("suggest",), "suggest", "nothing"),
    Step("offer", (), "suggest_offer", "ask"),
]


async def reach(services: Services, chat: Chat, step: Step) -> None:
    if step.name == "offer":
        await chat.set(flow="suggest_offer", step="ask", flow_data={})
        await chat.send("help")  # asks the offer again, so there is a question to read
    for line in step.lines:
        await chat.send(line)
    while step.name == "nothing" and "more" in chat.options():
        await chat.pick("more")
    state = await chat.state()
    assert (state.flow, str(state.step).startswith(step.step_prefix)) == (step.flow, True)


@pytest.mark.parametrize("step", STEPS, ids=[s.name for s in STEPS])
async def test_nonsense_anywhere_gets_a_kind_re_ask(settings: Settings, step: Step) -> None:
    for channel in ("sms", "telegram"):
        address = Address(channel, "+447700900710" if channel == "sms" else "7010")
        async with running(settings) as (services, _):
            use_catalogue(services, *CATALOGUE)
            chat = await resident(services, address)
            await reach(services, chat, step)
            question = chat.question()
            before = (await chat.state(), (await chat.profile()).answers)
            for text in NONSENSE:
                said = await chat.send(text)
                assert said, (step.name, text)
                again = chat.question()
                assert again.options == question.options, (step.name, text)
                assert again.text.startswith((EN.text("common.unclear"),
                                              EN.text("common.out_of_range"))) or \
                    again.text == question.text, (step.name, text)
                assert (await chat.state(), (await chat.profile()).answers) == before
            # A button that was never on any keyboard of ours.
            said = await chat.event(Inbound(EventKind.CHOICE, choice="no-such-place"))
            assert chat.question().options == question.options
            assert (await chat.state(), (await chat.profile()).answers) == before


async def test_an_old_keyboard_for_one_idea_never_acts_on_another(settings: Settings) -> None:
    """Telegram: buttons for what to do about Walk 1 are pressed after moving on to Walk 2.
    "Not for me" must not land on Walk 2 (it would never be offered again)."""
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, Address("telegram", "7003"))
        await chat.send("suggest")
        await chat.press("walk-1")
        walk_1_keyboard = chat.question().ref
        await chat.press("back")
        await chat.press("walk-2")
        said = await chat.press("not_for_me", ref=walk_1_keyboard)
        assert said[0].text == EN.text("common.stale_button")
        assert EN.text("suggest.flow.what_next", name="Brook Walk") in chat.question().text
        assert (await chat.profile()).answers.get("not_for_me") is None
        await chat.press("go", ref=walk_1_keyboard)
        assert await reminders(services) == []
        # The keyboard that is current still works.
        await chat.press("not_for_me")
        assert (await chat.profile()).answers["not_for_me"] == ["walk-2"]


async def test_an_earlier_page_of_ideas_is_an_old_keyboard(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, Address("telegram", "7004"))
        await chat.send("suggest")
        first_page = chat.question().ref
        await chat.press("more")
        current = chat.options()
        said = await chat.press("walk-1", ref=first_page)
        assert said[0].text == EN.text("common.stale_button")
        assert chat.options() == current
        await chat.press("walk-5")
        assert EN.text("suggest.flow.what_next", name="Elm Walk") in chat.question().text


async def test_buttons_from_another_question_are_old_buttons(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, Address("telegram", "7005"))
        await chat.send("menu")
        menu = chat.question().ref
        await chat.press("suggest")
        ideas = chat.options()
        said = await chat.press("settings", ref=menu)
        assert said[0].text == EN.text("common.stale_button")
        assert chat.options() == ideas
        assert (await chat.state()).flow == "suggest"


async def test_an_old_follow_up_keyboard_is_not_feedback_on_another_place(
        settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, Address("telegram", "7006"), consent=False)
        await add_reminder(services, chat, "followup", START, opportunity="walk-1")
        await run_due_jobs(services)
        [walk_1] = await services.db.run(lambda c: c.execute(
            select(OutboxMessage.payload).where(OutboxMessage.kind == "followup")
        ).scalars().all())
        services.clock.set(START + timedelta(days=4))
        await add_reminder(services, chat, "followup", services.clock.now(),
                           opportunity="walk-2")
        await run_due_jobs(services)
        said = await chat.press("not_as_described", ref=walk_1["ref"])
        assert said[0].text == EN.text("common.stale_button")
        feedback = await services.db.run(lambda c: c.execute(
            select(PlaceFeedback.opportunity_id)).scalars().all())
        assert feedback == []
        await chat.press("loved")
        feedback = await services.db.run(lambda c: c.execute(
            select(PlaceFeedback.opportunity_id, PlaceFeedback.answer)).all())
        assert [tuple(f) for f in feedback] == [("walk-2", "loved")]


# -- anything at all ----------------------------------------------------------------------
TEXT = st.one_of(st.sampled_from(NONSENSE), st.text(max_size=200),
                 st.from_regex(r"[0-9 ,.]{1,12}", fullmatch=True))


@pytest.mark.parametrize("channel", ["sms", "telegram"])
def test_anything_typed_in_the_suggestions_gets_a_reply_and_loses_nothing(
        settings: Settings, channel: str) -> None:
    address = Address(channel, "+447700900720" if channel == "sms" else "7020")
    loop = asyncio.new_event_loop()
    try:
        opened = running(settings)
        services, senders = loop.run_until_complete(opened.__aenter__())
        use_catalogue(services, *CATALOGUE)

        async def setup() -> list[tuple[str | None, str | None, dict[str, Any]]]:
            chat = await resident(services, address, answers={**WALKER,
                                                              "not_for_me": ["walk-7"]})
            states = []
            for step in STEPS[:3]:
                await reach(services, chat, step)
                state = await chat.state()
                states.append((state.flow, state.step, dict(state.data)))
                await chat.set(flow=None, step=None, flow_data={})
            return states

        states = loop.run_until_complete(setup())

        async def attempt(state: tuple[str | None, str | None, dict[str, Any]],
                          text: str) -> None:
            def put_back(connection: Connection) -> None:
                connection.execute(update(Person).values(
                    flow=state[0], step=state[1], flow_data=state[2],
                    answers={**WALKER, "not_for_me": ["walk-7"]}, district="LE4",
                    onboarded_at=START))
                connection.execute(update(OutboxMessage).values(status="sent"))
                connection.execute(update(Identity).values(opted_out_at=None))

            await services.db.run(put_back)
            senders[channel].sent.clear()
            result = await services.engine.handle(address, Inbound.from_text(text))
            await services.dispatcher.drain()
            if result.ignored or result.person_id is None:
                return  # opted out or erased by their own words
            assert senders[channel].sent, (state[1], text)
            assert all(i.message.text.strip() for i in senders[channel].sent)
            person = await services.db.run(lambda c: c.execute(select(Person.answers)).scalar())
            if person is not None:
                assert "walk-7" in person.get("not_for_me", []), text

        @hypothesis_settings(max_examples=60, deadline=None, database=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                    HealthCheck.too_slow])
        @given(state=st.sampled_from(states), text=TEXT)
        def run(state: tuple[str | None, str | None, dict[str, Any]], text: str) -> None:
            loop.run_until_complete(attempt(state, text))

        run()
        loop.run_until_complete(opened.__aexit__(None, None, None))
    finally:
        loop.close()


def test_the_places_in_suggestions_all_fit_telegram_buttons() -> None:
    """A Telegram button carries "c:<token>:<id>" in at most 64 bytes."""
    from bot.channels.telegram_keyboards import encode
    from bot.places.catalogue import Catalogue

    for item in Catalogue.from_yaml(strict=False).all():
        encode("c", "abcdef", item.id)
    # And the longest id the catalogue accepts fits too, on the longest action.
    from bot.places.entries import MAX_ID_CHARS

    encode("cc", "abcdef", "a" * MAX_ID_CHARS)
