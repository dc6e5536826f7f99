"""Scheduling: windows in London time across clock changes, quiet hours, frequency,
rotation without repeats, and a planner that can run any number of times."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Connection, func, select, update

from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address, Inbound
from bot.core.london import DAY_IDS, local_window, spread_days
from bot.jobs import advance_to, run_due_jobs
from bot.scheduling import planner
from bot.storage.models import Identity, OutboxMessage, Person, Reminder
from support.engine import ONBOARDING, START, running

QUIET = (time(21, 0), time(8, 30))


@pytest.mark.parametrize(("day", "utc_hour"), [
    (date(2026, 3, 28), 9),   # GMT: 09:00 London is 09:00 UTC
    (date(2026, 3, 29), 8),   # the clocks went forward that night: 09:00 BST is 08:00 UTC
    (date(2026, 10, 24), 8),  # still BST
    (date(2026, 10, 25), 9),  # back to GMT
])
def test_windows_are_london_time_across_clock_changes(day: date, utc_hour: int) -> None:
    window = local_window(day, "morning", *QUIET)
    assert window is not None
    assert window.start == datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC)
    assert window.end - window.start == timedelta(hours=3)


def test_quiet_hours_trim_a_window_and_can_close_it() -> None:
    late_risers = local_window(date(2026, 6, 1), "morning", time(21, 0), time(10, 30))
    assert late_risers is not None
    assert late_risers.start.astimezone(UTC).hour == 9  # 10:30 BST
    assert late_risers.start.minute == 30
    early_sleepers = local_window(date(2026, 6, 1), "evening", time(17, 0), time(8, 0))
    assert early_sleepers is None


def test_frequency_picks_evenly_spread_chosen_days_only() -> None:
    assert spread_days(["tue", "fri"], 2) == ["tue", "fri"]
    assert spread_days(["tue", "fri"], 5) == ["tue", "fri"]  # never more than they chose
    assert len(spread_days(list(DAY_IDS), 2)) == 2
    assert len(spread_days([], 1)) == 1


def candidate(**answers: object) -> planner.Recipient:
    base = {"days": ["tue", "fri"], "times": ["morning"], "frequency": "twice"}
    return planner.Recipient(42, "sms", "+447700900131", "Ann", "en", {**base, **answers},
                             None, None, "21:00", "08:30")


def test_rotation_uses_every_message_before_any_repeats() -> None:
    content = library().for_language("en")
    person = candidate()
    general = [planner.message_for(content, person, n, gentle=False)
               for n in range(200) if n % 4 in (0, 1, 2)]
    pool = len(list(content.keys_under("encouragement.general")))
    first_cycle = general[:pool]
    assert len(set(first_cycle)) == pool
    assert general[pool:2 * pool] and set(general[pool:2 * pool]) == set(first_cycle)


def test_their_own_words_are_used_and_benefits_come_round() -> None:
    content = library().for_language("en")
    person = candidate(what_matters="dance at my granddaughter's wedding")
    texts = [planner.message_for(content, person, n, gentle=False) for n in range(8)]
    assert any("dance at my granddaughter's wedding" in t for t in texts)
    benefits = set(content.all_texts()[f"encouragement.benefits.{k}"]
                   for k in content.keys_under("encouragement.benefits"))
    assert any(any(b in t for b in benefits) for t in texts)
    assert all(t.startswith("Hi Ann!") for t in texts)


def test_gentle_mode_halves_and_softens() -> None:
    content = library().for_language("en")
    person = candidate(frequency="most_days", days=list(DAY_IDS))
    assert len(planner.days_for_week(person, gentle=False)) == 5
    assert len(planner.days_for_week(person, gentle=True)) == 2
    gentle = set(content.all_texts()[f"encouragement.gentle.{k}"]
                 for k in content.keys_under("encouragement.gentle"))
    text = planner.message_for(content, person, 3, gentle=True)
    assert any(g in text for g in gentle)


async def onboarded(services, address: Address, days: str = "2 5", times: str = "1",
                    frequency: str = "2") -> None:
    answers = list(ONBOARDING)
    answers[7], answers[8], answers[9] = days, times, frequency
    # The last "2" turns down the offer of ideas right now, leaving them between chats.
    for line in [*answers, "2"]:
        await services.engine.handle(address, Inbound.from_text(line))
    await services.dispatcher.drain()


async def planned(services) -> list[tuple[date, datetime, datetime | None]]:
    return await services.db.run(lambda c: [tuple(r) for r in c.execute(
        select(OutboxMessage.slot_date, OutboxMessage.due_at, OutboxMessage.expires_at)
        .where(OutboxMessage.slot_kind == "encouragement").order_by(OutboxMessage.slot_date))])


async def test_planning_twice_or_side_by_side_plans_each_slot_once(settings: Settings) -> None:
    address = Address("sms", "+447700900132")
    async with running(settings) as (services, _):
        await onboarded(services, address, days="8", frequency="3")  # any day, most days
        settings_horizon = 7
        results = await asyncio.gather(*(services.db.run(
            lambda c: planner.plan(c, services.content, services.clock.now(), settings_horizon))
            for _ in range(4)))
        again = await services.db.run(
            lambda c: planner.plan(c, services.content, services.clock.now(), settings_horizon))
        rows = await planned(services)
    slots = [r[0] for r in rows]
    assert len(slots) == len(set(slots))  # one per day at most, whoever planned it
    assert sum(r.messages + r.checkins for r in results) <= 5 + 1
    assert again.messages == 0 and again.checkins == 0


async def test_a_planner_that_finds_its_slots_taken_keeps_the_first_and_adds_nothing(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another planner can commit the same slots after this one looked: the unique
    constraint keeps the first rows, and the fast path falls back without an error."""
    address = Address("sms", "+447700900136")
    async with running(settings) as (services, _):
        await onboarded(services, address, days="8", frequency="3")
        plan = lambda c: planner.plan(c, services.content, services.clock.now(), 7)  # noqa: E731
        first = await services.db.run(plan)
        before = await planned(services)
        monkeypatch.setattr(planner, "_already_planned", lambda *_args: set())
        second = await services.db.run(plan)
        after = await planned(services)
    assert first.messages >= 1
    assert second.messages == 0 and second.checkins == 0
    assert after == before


async def test_never_more_often_than_asked_over_four_weeks(settings: Settings) -> None:
    address = Address("sms", "+447700900133")
    async with running(settings) as (services, senders):
        await onboarded(services, address, days="2 5", frequency="2")
        senders["sms"].sent.clear()
        await advance_to(services, START + timedelta(days=28))
        scheduled = [i for i in senders["sms"].sent if i.kind in ("encouragement", "checkin")]
        days = await services.db.run(lambda c: [r[0] for r in c.execute(
            select(OutboxMessage.sent_at).where(OutboxMessage.slot_kind == "encouragement",
                                                OutboxMessage.status == "sent"))])
    assert 6 <= len(scheduled) <= 8  # twice a week for four weeks (check-ins replace some)
    assert {d.astimezone(UTC).strftime("%a") for d in days} <= {"Tue", "Fri"}


async def test_a_missed_window_is_skipped_not_sent_late(settings: Settings) -> None:
    address = Address("sms", "+447700900134")
    async with running(settings) as (services, senders):
        await onboarded(services, address)  # Monday 09:00: Tuesday morning is next
        await run_due_jobs(services)
        senders["sms"].sent.clear()
        # The service is down from Monday until Tuesday 13:00, after the morning window.
        services.clock.set(datetime(2026, 3, 3, 13, 0, tzinfo=UTC))
        await run_due_jobs(services)
        await services.dispatcher.drain()
        assert senders["sms"].sent == []
        statuses = await services.db.run(lambda c: c.execute(
            select(OutboxMessage.slot_date, OutboxMessage.status)
            .where(OutboxMessage.slot_kind == "encouragement")).all())
    assert (date(2026, 3, 3), "skipped") in statuses


async def test_late_inside_the_window_is_still_sent(settings: Settings) -> None:
    address = Address("sms", "+447700900135")
    async with running(settings) as (services, senders):
        await onboarded(services, address)
        # Down until Tuesday 11:30: still inside the 09:00-12:00 window.
        services.clock.set(datetime(2026, 3, 3, 11, 30, tzinfo=UTC))
        await run_due_jobs(services)
        await services.dispatcher.drain()
        assert [i.kind for i in senders["sms"].sent if i.kind != "reply"] == ["encouragement"]


async def test_pausing_drops_planned_messages_and_resuming_replans(settings: Settings) -> None:
    address = Address("sms", "+447700900136")
    async with running(settings) as (services, _):
        await onboarded(services, address)
        await run_due_jobs(services)
        assert await planned(services)
        await services.engine.handle(address, Inbound.from_text("pause"))
        assert await planned(services) == []
        await run_due_jobs(services)
        assert await planned(services) == []
        await services.engine.handle(address, Inbound.from_text("resume"))
        await run_due_jobs(services)
        assert await planned(services)


async def test_nobody_without_consent_or_opted_out_is_planned(settings: Settings) -> None:
    async with running(settings) as (services, _):
        no_thanks = Address("sms", "+447700900137")
        answers = list(ONBOARDING)
        answers[3] = "2"  # no messages, thanks
        del answers[9]  # so no frequency question
        for line in answers:
            await services.engine.handle(no_thanks, Inbound.from_text(line))
        stopped = Address("sms", "+447700900138")
        await onboarded(services, stopped)
        await services.engine.handle(stopped, Inbound.from_text("STOP"))
        await run_due_jobs(services)
        assert await planned(services) == []


def check_in_due_now(connection: Connection) -> None:
    """A check-in for the only person, due at START."""
    person_id = connection.scalar(select(Person.id))
    connection.execute(Reminder.__table__.insert().values(
        person_id=person_id, kind="checkin", slot_date=date(2026, 3, 2),
        due_at=START, expires_at=START + timedelta(hours=3), payload={},
        status="pending", created_at=START))


async def test_check_in_waits_while_someone_is_mid_conversation(settings: Settings) -> None:
    address = Address("sms", "+447700900139")
    async with running(settings) as (services, senders):
        await onboarded(services, address)
        await services.db.run(check_in_due_now)
        await services.engine.handle(address, Inbound.from_text("settings"))  # busy
        await services.dispatcher.drain()
        senders["sms"].sent.clear()
        await run_due_jobs(services)
        await services.dispatcher.drain()
        assert [i.kind for i in senders["sms"].sent] == []
        status = await services.db.run(lambda c: c.scalar(select(Reminder.status)))
    assert status == "skipped"


async def test_a_reminder_is_handed_over_once(settings: Settings) -> None:
    address = Address("sms", "+447700900140")
    async with running(settings) as (services, senders):
        await onboarded(services, address)
        await services.db.run(check_in_due_now)
        senders["sms"].sent.clear()
        await run_due_jobs(services)
        # A crash before the reminder was marked done: it is handed over again...
        await services.db.run(lambda c: c.execute(update(Reminder).values(status="pending")))
        await run_due_jobs(services)
        await services.dispatcher.drain()
        checkins = [i for i in senders["sms"].sent if i.kind == "checkin"]
    assert len(checkins) == 1  # ...and the engine knows it has seen it


async def test_planning_copes_with_many_people_quickly(settings: Settings) -> None:
    """A smoke test at small scale; bench/planning.py measures 100,000 people."""
    async with running(settings) as (services, _):
        now = services.clock.now()

        def many(connection: Connection) -> None:
            rows = [{"created_at": now, "updated_at": now, "role": "resident",
                     "status": "active", "language": "en", "answers": {
                         "days": ["mon", "wed", "fri"], "times": ["morning"],
                         "frequency": "twice"}, "flow_data": {}, "quiet_start": "21:00",
                     "quiet_end": "08:30", "consent_encouragement": True,
                     "onboarded_at": now, "state_version": 1} for _ in range(500)]
            connection.execute(Person.__table__.insert(), rows)
            ids = connection.scalars(select(Person.id)).all()
            connection.execute(Identity.__table__.insert(), [
                {"person_id": i, "channel": "sms", "address": f"+4477009{i:05d}",
                 "created_at": now} for i in ids])

        await services.db.run(many)
        result = await services.db.run(
            lambda c: planner.plan(c, services.content, now, 7))
        count = await services.db.run(lambda c: c.scalar(
            select(func.count()).select_from(OutboxMessage)))
    assert result.people == 500
    assert count == result.messages
    assert 500 <= result.messages + result.checkins <= 1000
