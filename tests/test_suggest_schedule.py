"""Ideas as scheduled messages: every IDEA_EVERY-th friendly message becomes one local idea
for people who asked for messages and whom we can place; never when paused, opted out or
mid-conversation; and an unanswered idea lapses before anything planned the next day."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Connection, delete, select

from bot.config import Settings
from bot.core.clock import LONDON, FakeClock
from bot.core.events import Address
from bot.core.london import TIME_WINDOWS, in_quiet_hours, parse_hhmm
from bot.jobs import advance_to, run_due_jobs
from bot.scheduling import planner
from bot.storage.models import OutboxMessage, Reminder
from support.engine import START, running
from support.suggest import (
    EN,
    WALKER,
    add_reminder,
    place,
    reminders,
    resident,
    texts,
    use_catalogue,
)

SMS = Address("sms", "+447700900601")
# Most days, mornings or afternoons: plenty of slots to see ideas among them.
KEEN = {**WALKER, "frequency": "most_days", "days": ["any"], "times": ["morning", "afternoon"]}
CATALOGUE = (place("abbey-walk"), place("river-walk"), place("paid-gym", cost="paid"))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A London time in March 2026 (GMT), as UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


async def plan(services, days: int) -> None:  # type: ignore[no-untyped-def]
    now = services.clock.now()
    await services.db.run(lambda c: planner.plan(c, services.content, now, days))


async def planned_days(services) -> dict[date, str]:  # type: ignore[no-untyped-def]
    """Each planned day and what it holds: encouragement, checkin or suggestion."""
    def read(connection: Connection) -> dict[date, str]:
        found = {r.slot_date: "encouragement" for r in connection.execute(
            select(OutboxMessage.slot_date).where(OutboxMessage.slot_kind.is_not(None)))}
        for r in connection.execute(select(Reminder.slot_date, Reminder.kind)):
            assert r.slot_date not in found, "two planned things on one day"
            found[r.slot_date] = r.kind
        return found

    return await services.db.run(read)


async def forget_plans(services) -> None:  # type: ignore[no-untyped-def]
    def drop(connection: Connection) -> None:
        connection.execute(delete(Reminder))
        connection.execute(delete(OutboxMessage).where(OutboxMessage.slot_kind.is_not(None)))

    await services.db.run(drop)


# -- planning -----------------------------------------------------------------------------
async def test_one_planned_message_in_six_becomes_an_idea_for_people_we_can_place(
        settings: Settings) -> None:
    """The same person planned twice, without and with a district: the same days, and
    only with a district do some of the friendly messages become ideas."""
    async with running(settings) as (services, _):
        chat = await resident(services, SMS, answers=KEEN, district=None)
        await plan(services, 42)
        nowhere = await planned_days(services)
        assert "suggestion" not in nowhere.values()
        await forget_plans(services)
        await chat.set(district="LE4")
        await plan(services, 42)
        placed = await planned_days(services)
    assert placed.keys() == nowhere.keys()
    changed = {day for day in placed if placed[day] != nowhere[day]}
    assert changed and all(placed[d] == "suggestion" and nowhere[d] == "encouragement"
                           for d in changed)
    friendly = Counter(nowhere.values())["encouragement"]
    ideas = len(changed)
    # One in IDEA_EVERY of the slots that are not check-ins, give or take one.
    assert abs(ideas - friendly / planner.IDEA_EVERY) <= 1


async def test_no_ideas_are_planned_without_consent_to_messages(settings: Settings) -> None:
    async with running(settings) as (services, _):
        await resident(services, SMS, answers=KEEN, consent=False)
        await plan(services, 42)
        assert await planned_days(services) == {}


# -- handing over -------------------------------------------------------------------------
async def test_a_scheduled_idea_is_one_idea_that_fits_sent_as_a_suggestion(
        settings: Settings) -> None:
    answers = {**WALKER, "helps": ["low_cost"], "cost": "free"}
    async with running(settings) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS, answers=answers)
        await add_reminder(services, chat, "suggestion", START, START + timedelta(hours=3))
        await run_due_jobs(services)
        await services.dispatcher.drain()
        [sent] = [i for i in senders["sms"].sent if i.kind == "suggestion"]
        text = sent.message.text
        assert text.startswith(EN.text("suggest.flow.intro_one"))
        assert "1. Abbey Walk." in text and "Paid Gym" not in text and "River Walk" not in text
        assert text.endswith(EN.text("suggest.flow.pick_one"))
        assert [o.id for o in sent.message.options] == ["abbey-walk", "more", "done"]
        # It goes before its window ends, or not at all.
        row = await services.db.run(lambda c: c.execute(
            select(OutboxMessage.expires_at).where(OutboxMessage.kind == "suggestion")).one())
        assert row.expires_at == START + timedelta(hours=3)
        # Replying works as for any list of ideas.
        await chat.send("1")
        assert chat.options() == ["more_info", "go", "not_for_me", "buddy", "back"]


async def test_a_scheduled_idea_skips_what_was_not_for_them(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS, answers={**WALKER, "not_for_me": ["abbey-walk"]})
        await add_reminder(services, chat, "suggestion", START)
        await run_due_jobs(services)
        await services.dispatcher.drain()
        [sent] = [i for i in senders["sms"].sent if i.kind == "suggestion"]
        assert "Abbey Walk" not in sent.message.text
        assert next(o.id for o in sent.message.options) != "abbey-walk"


async def test_a_scheduled_idea_with_nothing_to_offer_stays_quiet(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        use_catalogue(services, place("paid-gym", cost="paid"))
        chat = await resident(services, SMS, answers={**WALKER, "helps": ["low_cost"]})
        await add_reminder(services, chat, "suggestion", START)
        await run_due_jobs(services)
        await services.dispatcher.drain()
        assert [i for i in senders["sms"].sent if i.kind != "reply"] == []
        assert (await chat.state()).flow is None
        assert [r[2] for r in await reminders(services)] == ["skipped"]


async def test_no_scheduled_idea_for_someone_we_cannot_place(settings: Settings) -> None:
    """Planned while they had a district, which they have since removed: an idea from
    anywhere in the county is not "near you", so nothing is sent."""
    async with running(settings) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS, district=None)
        await add_reminder(services, chat, "suggestion", START)
        await run_due_jobs(services)
        await services.dispatcher.drain()
        assert [i for i in senders["sms"].sent if i.kind != "reply"] == []


@pytest.mark.parametrize("why", ["no consent", "paused", "stopped", "busy", "unreachable"])
async def test_a_scheduled_idea_is_not_sent_when_it_should_not_be(settings: Settings,
                                                                 why: str) -> None:
    async with running(settings) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS, consent=why != "no consent")
        if why == "paused":
            await chat.send("pause")
        elif why == "stopped":
            await chat.send("STOP")
        elif why == "busy":
            await chat.send("settings")
        elif why == "unreachable":
            await services.engine.set_reachable(SMS, reachable=False)
        await add_reminder(services, chat, "suggestion", START)
        await services.dispatcher.drain()
        senders["sms"].sent.clear()
        await run_due_jobs(services)
        await services.dispatcher.drain()
        assert [i.kind for i in senders["sms"].sent] == []
        # Skipped, or (opted out, unreachable) never even handed over.
        assert [r[2] for r in await reminders(services, "suggestion")] in (["skipped"],
                                                                         ["pending"])
        if why == "busy":
            assert (await chat.state()).flow == "settings"  # left where they were


async def test_an_unanswered_idea_lapses_before_the_next_days_check_in(
        settings: Settings) -> None:
    """An idea one afternoon, not answered; the fortnightly check-in the next morning
    still arrives (the idea's question has lapsed by then)."""
    async with running(settings, clock=FakeClock(at(3, 13))) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS)
        await add_reminder(services, chat, "suggestion", at(3, 13, 30), at(3, 16, 30))
        await add_reminder(services, chat, "checkin", at(4, 9, 30), at(4, 12))
        await advance_to(services, at(4, 12))
        kinds = [i.kind for i in senders["sms"].sent if i.kind != "reply"]
        assert kinds == ["suggestion", "checkin"]
        assert (await chat.state()).flow == "checkin"


async def test_an_idea_can_be_answered_that_evening(settings: Settings) -> None:
    async with running(settings, clock=FakeClock(at(3, 9))) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS)
        await add_reminder(services, chat, "suggestion", at(3, 9, 30), at(3, 12))
        await advance_to(services, at(3, 20, 30))
        said = await chat.send("1")
        assert EN.text("suggest.flow.what_next", name="Abbey Walk") in texts(said)


async def test_over_weeks_ideas_arrive_in_their_windows_and_never_in_quiet_hours(
        settings: Settings) -> None:
    async with running(settings) as (services, senders):
        chat = await resident(services, SMS, answers=KEEN)
        await advance_to(services, START + timedelta(days=28))
        ideas = [i for i in senders["sms"].sent if i.kind == "suggestion"]
        assert ideas  # the real catalogue has ideas for a walker in LE4
        friendly = [i for i in senders["sms"].sent if i.kind == "encouragement"]
        assert len(ideas) < len(friendly)
        profile = await chat.profile()
        quiet = (parse_hhmm(profile.quiet_start, TIME_WINDOWS["morning"][0]),
                 parse_hhmm(profile.quiet_end, TIME_WINDOWS["morning"][0]))
        sent_at = await services.db.run(lambda c: c.execute(
            select(OutboxMessage.sent_at).where(OutboxMessage.kind == "suggestion")
        ).scalars().all())
        for moment in sent_at:
            local = moment.astimezone(LONDON).time()
            assert not in_quiet_hours(local, *quiet)
            assert any(start <= local <= end for name, (start, end) in TIME_WINDOWS.items()
                       if name in ("morning", "afternoon"))
        # Each one that went unanswered lapsed: nobody is left stuck in an old idea.
        services.clock.set(services.clock.now() + timedelta(days=1))
        await chat.send("hello")
        assert (await chat.state()).flow == "menu"
