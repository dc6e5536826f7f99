"""After "I'd like to go": a follow-up a few days later, outside quiet hours, promised so
sent even without consent to friendly messages, whose answer becomes anonymous feedback
on the place ("not as described" flagged for the team)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select

from bot.config import Settings
from bot.core.clock import LONDON, FakeClock
from bot.core.events import Address
from bot.jobs import advance_to, run_due_jobs
from bot.places.models import PlaceFeedback
from bot.tools import impact
from conversations.suggest import FOLLOW_UP_AFTER
from support.engine import START, running
from support.suggest import EN, Chat, place, reminders, resident, texts, use_catalogue

SMS = Address("sms", "+447700900501")
CATALOGUE = (place("abbey-walk"), place("river-walk"), place("hill-walk", district="LE1"))


def london(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2026 (GMT, so London time is UTC) as a UTC datetime."""
    return datetime(2026, 3, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


async def going(chat: Chat, option: str) -> None:
    await chat.send("suggest")
    await chat.pick(option)
    said = await chat.pick("go")
    assert EN.text("suggest.flow.going") in texts(said)


async def feedback(services) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return await services.db.run(lambda c: [tuple(r) for r in c.execute(
        select(PlaceFeedback.opportunity_id, PlaceFeedback.answer).order_by(PlaceFeedback.id))])


@pytest.mark.parametrize(("said_at", "quiet", "expected"), [
    # Monday 9am: Thursday 9am is outside the usual quiet hours (9pm to 8:30am).
    (london(2, 9), ("21:00", "08:30"), london(5, 9)),
    # Monday 10pm: Thursday 10pm is in them, so it waits for Friday 8:30am.
    (london(2, 22), ("21:00", "08:30"), london(6, 8, 30)),
    # Someone whose quiet hours run 7pm to 10am hears at 10am, not at 9.
    (london(2, 9), ("19:00", "10:00"), london(5, 10)),
])
async def test_going_plans_a_follow_up_days_later_outside_quiet_hours(
        settings: Settings, said_at: datetime, quiet: tuple[str, str],
        expected: datetime) -> None:
    async with running(settings, clock=FakeClock(said_at)) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS, quiet_start=quiet[0], quiet_end=quiet[1])
        await going(chat, "river-walk")
        [(kind, due, status, payload)] = await reminders(services)
        assert (kind, status, payload) == ("followup", "pending", {"opportunity": "river-walk"})
        assert due == expected
        assert timedelta(days=3) <= due - said_at <= FOLLOW_UP_AFTER + timedelta(hours=11)
        # Nothing before it is due; then the question, about the place they chose.
        await advance_to(services, expected - timedelta(minutes=1))
        assert not [i for i in senders["sms"].sent if i.kind == "followup"]
        await advance_to(services, expected + timedelta(minutes=1))
        [sent] = [i for i in senders["sms"].sent if i.kind == "followup"]
        assert sent.message.text.startswith(EN.text("suggest.followup.ask",
                                                    name="River Walk"))
        assert [o.id for o in sent.message.options] == [
            "loved", "ok", "not_as_described", "didnt_go", "rather_not_say"]


@pytest.mark.parametrize(("reply", "answer"), [
    ("1", "loved"), ("loved it", "loved"), ("2", "ok"), ("it was ok", "ok"),
    ("3", "not_as_described"), ("not as described", "not_as_described"),
    ("4", "didnt_go"), ("didn't go", "didnt_go"), ("5", "rather_not_say"),
    ("skip", "rather_not_say"),
])
async def test_a_follow_up_answer_becomes_anonymous_place_feedback(
        settings: Settings, reply: str, answer: str) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS)
        await going(chat, "abbey-walk")
        await advance_to(services, START + timedelta(days=3, hours=1))
        assert (await chat.state()).flow == "followup"
        said = await chat.send(reply)
        assert texts(said) == EN.text(f"suggest.followup.{answer}")
        assert await feedback(services) == [("abbey-walk", answer)]
        assert (await chat.state()).flow is None
        # A second reply is not a second piece of feedback.
        await chat.send(reply)
        assert len(await feedback(services)) == 1


async def test_not_as_described_is_flagged_for_the_team_and_outlives_erasure(
        settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS)
        await going(chat, "hill-walk")
        await advance_to(services, START + timedelta(days=3, hours=1))
        said = await chat.send("3")
        assert texts(said) == EN.text("suggest.followup.not_as_described")
        # What coordinators look for: the place and the answer, and nothing about who.
        flagged = await services.db.run(lambda c: c.execute(
            select(PlaceFeedback.opportunity_id)
            .where(PlaceFeedback.answer == "not_as_described")).scalars().all())
        assert flagged == ["hill-walk"]
        columns = {c.key for c in inspect(PlaceFeedback).columns}
        assert columns == {"id", "opportunity_id", "answer", "created_at"}
        # Coordinators see it in their impact report, under places to check.
        now = services.clock.now()
        figures = await services.db.run(lambda c: impact.gather(
            c, now - timedelta(days=7), now + timedelta(days=1)))
        assert dict(figures.flagged) == {"hill-walk": 1}
        report = impact.as_text(figures, services.content.for_language("en"))
        flagged = report.split(EN.text("impact.sections.flagged"))[1]
        assert flagged.splitlines()[1].strip() == "hill-walk: 1"
        await chat.send("delete my data")
        await chat.send("yes")
        assert await feedback(services) == [("hill-walk", "not_as_described")]


async def test_unclear_follow_up_answers_are_asked_again_kindly(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS)
        await going(chat, "abbey-walk")
        await advance_to(services, START + timedelta(days=3, hours=1))
        for nonsense in ("purple", "9", "🙂🙂", "x" * 5000, "\u200b"):
            said = await chat.send(nonsense)
            assert said[-1].text.startswith((EN.text("common.unclear"),
                                             EN.text("common.out_of_range"))), nonsense
            assert EN.text("suggest.followup.ask", name="Abbey Walk") in said[-1].text
            assert (await chat.state()).flow == "followup"
        assert await feedback(services) == []


async def test_a_follow_up_is_promised_so_it_needs_no_consent_to_messages(
        settings: Settings) -> None:
    async with running(settings) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS, consent=False)
        await going(chat, "abbey-walk")
        await advance_to(services, START + timedelta(days=7))
        kinds = [i.kind for i in senders["sms"].sent if i.kind != "reply"]
        assert kinds == ["followup"]  # and nothing else: no encouragement, no ideas


async def test_a_follow_up_waits_out_a_pause_and_stop(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        paused = await resident(services, SMS)
        await going(paused, "abbey-walk")
        await paused.send("pause")
        stopped = await resident(services, Address("sms", "+447700900502"))
        await going(stopped, "abbey-walk")
        await stopped.send("STOP")
        senders["sms"].sent.clear()
        await advance_to(services, START + timedelta(days=6))
        assert [i for i in senders["sms"].sent if i.kind == "followup"] == []


async def test_a_place_gone_from_the_catalogue_is_not_asked_about(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS)
        await going(chat, "hill-walk")
        use_catalogue(services, *CATALOGUE[:2])  # reloaded without it
        await advance_to(services, START + timedelta(days=5))
        assert [i for i in senders["sms"].sent if i.kind == "followup"] == []
        assert [r[2] for r in await reminders(services, "followup")] == ["skipped"]
        assert (await chat.state()).flow is None


async def test_a_lapsed_follow_up_is_not_answered_by_a_late_reply(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS)
        await going(chat, "abbey-walk")
        await advance_to(services, START + timedelta(days=3, hours=1))
        assert (await chat.state()).flow == "followup"
        services.clock.set(START + timedelta(days=6))  # days later, the question has lapsed
        await chat.send("1")
        assert await feedback(services) == []
        assert (await chat.state()).flow != "followup"


async def test_going_to_two_places_the_same_day_follows_up_on_both(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS)
        await going(chat, "abbey-walk")
        await going(chat, "river-walk")
        planned = await reminders(services, "followup")
        assert sorted(p["opportunity"] for _k, _d, _s, p in planned) == \
            ["abbey-walk", "river-walk"]
        # Each is asked on its own, neither lost, and each answer goes to its own place.
        await advance_to(services, START + timedelta(days=3, hours=1))
        await chat.send("loved it")
        await advance_to(services, START + timedelta(days=4, hours=1))
        asked = [i.message.text for i in senders["sms"].sent if i.kind == "followup"]
        assert [a.split("?")[0] for a in asked] == [
            EN.text("suggest.followup.ask", name=name).split("?")[0]
            for name in ("Abbey Walk", "River Walk")]
        await chat.send("it was ok")
        assert sorted(await feedback(services)) == [("abbey-walk", "loved"),
                                                    ("river-walk", "ok")]


async def test_follow_ups_are_handed_over_once(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS)
        await going(chat, "abbey-walk")
        services.clock.set(START + timedelta(days=3, hours=1))
        await run_due_jobs(services)
        await run_due_jobs(services)
        await services.dispatcher.drain()
        assert len([i for i in senders["sms"].sent if i.kind == "followup"]) == 1


async def test_a_follow_up_due_mid_conversation_waits_for_the_next_day(
        settings: Settings) -> None:
    """Never interrupting, but never dropping what was promised either."""
    async with running(settings) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS, consent=False)
        await going(chat, "abbey-walk")
        services.clock.set(START + timedelta(days=3) - timedelta(minutes=5))
        await chat.send("settings")  # still choosing what to change when it falls due
        await advance_to(services, START + timedelta(days=3, hours=1))
        assert [i for i in senders["sms"].sent if i.kind == "followup"] == []
        assert (await chat.state()).flow == "settings"
        await advance_to(services, START + timedelta(days=4, hours=1))
        [sent] = [i for i in senders["sms"].sent if i.kind == "followup"]
        assert sent.message.text.startswith(EN.text("suggest.followup.ask", name="Abbey Walk"))
        await chat.send("1")
        assert await feedback(services) == [("abbey-walk", "loved")]


async def test_not_today_puts_the_follow_up_off_until_tomorrow(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS)
        await going(chat, "abbey-walk")
        services.clock.set(START + timedelta(days=3) - timedelta(hours=1))
        await chat.send("not today")
        await advance_to(services, START + timedelta(days=3, hours=2))
        assert [i for i in senders["sms"].sent if i.kind == "followup"] == []
        await advance_to(services, START + timedelta(days=4, hours=2))
        assert len([i for i in senders["sms"].sent if i.kind == "followup"]) == 1


async def test_a_follow_up_that_keeps_meeting_a_pause_is_let_go(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS)
        await going(chat, "abbey-walk")
        await chat.send("pause")
        await advance_to(services, START + timedelta(days=10))
        assert [i for i in senders["sms"].sent if i.kind == "followup"] == []
        statuses = [status for _k, _d, status, _p in await reminders(services, "followup")]
        assert statuses and all(s == "skipped" for s in statuses)
        assert len(statuses) <= 4  # tried a few days, then let go


async def test_asking_about_an_idea_for_home_reads_naturally(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        use_catalogue(services, place("walk-from-your-door", kind="at_home",
                                      name="A walk from your door", setting="outdoors",
                                      district=None),
                      place("nhs-videos", kind="online", name="NHS Fitness Studio",
                            setting="online", district=None, activities=("home",)))
        chat = await resident(services, SMS, consent=False)
        await going(chat, "walk-from-your-door")
        await advance_to(services, START + timedelta(days=3, hours=1))
        await chat.send("1")
        await going(chat, "nhs-videos")
        await advance_to(services, START + timedelta(days=7))
        asked = [i.message.text for i in senders["sms"].sent if i.kind == "followup"]
        assert [a.split("\n")[0] for a in asked] == [
            EN.text("suggest.followup.ask_remote", name="a walk from your door"),
            EN.text("suggest.followup.ask_remote", name="NHS Fitness Studio")]


async def test_changing_their_wishes_keeps_a_promised_follow_up(settings: Settings) -> None:
    """New days, a pause and a resume replan the friendly messages; the follow-up for a
    place they chose is not the planner's to drop."""
    async with running(settings) as (services, senders):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS)
        await going(chat, "abbey-walk")
        await chat.send("pause")
        await chat.send("resume")
        assert [(k, s) for k, _d, s, _p in await reminders(services, "followup")] == [
            ("followup", "pending")]
        await advance_to(services, START + timedelta(days=3, hours=1))
        assert len([i for i in senders["sms"].sent if i.kind == "followup"]) == 1
