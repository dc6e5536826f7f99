"""Broadcasts (bot/broadcasts/) through the real storage, job and dispatcher, on SQLite and
PostgreSQL: who is in an audience (districts, interests, channel; consent, pause, STOP),
the words and their cost, one copy per person however often and in however many workers
the job runs, STOP and consent asked again when it goes (and STOP while it is sending),
quiet hours that move a copy later and never drop it, and copies that go after replies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, func, insert, select, update

from bot.app import Services
from bot.broadcasts import message, send, store
from bot.broadcasts.audience import Audience, recipients
from bot.broadcasts.models import BroadcastCopy
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.content import library
from bot.core.events import Address, Inbound, Outbound
from bot.dispatch.outbox import Result
from bot.dispatch.priority import PRIORITY_BROADCAST, PRIORITY_REPLY, PRIORITY_SCHEDULED
from bot.staff import accounts
from bot.staff.help import Pricing
from bot.storage import repository as repo
from bot.storage.models import AuditEntry, Identity, OutboxMessage, Person
from support.engine import START, RecordingSender, running

ENGLISH = library().for_language("en")
PRICING = Pricing(per_segment=0.04)
WORDS = "The Watermead walk is back on Saturday at 10. Meet by the cafe. All welcome."


def add_person(connection: Connection, now: datetime, name: str, *, sms: str | None = None,
               telegram: str | None = None, district: str | None = "LE11",
               activities: tuple[str, ...] = ("walking",), consent: bool | None = True,
               onboarded: bool = True, quiet: tuple[str, str] = ("21:00", "08:30"),
               paused_until: datetime | None = None, reach_by: str | None = None,
               opted_out: tuple[str, ...] = ()) -> int:
    """Someone who finished starting out, with exactly these answers and identities."""
    answers: dict[str, Any] = {"activities": list(activities)}
    if reach_by:
        answers["reach_by"] = reach_by
    person_id = int(connection.execute(insert(Person).values(
        created_at=now, updated_at=now, role="resident", status="active", language="en",
        name=name, consent_encouragement=consent, consent_health=False, answers=answers,
        district=district, quiet_start=quiet[0], quiet_end=quiet[1],
        paused_until=paused_until, onboarded_at=now if onboarded else None, flow_data={},
        state_version=1).returning(Person.id)).scalar_one())
    for channel, address in (("sms", sms), ("telegram", telegram)):
        if address:
            connection.execute(insert(Identity).values(
                person_id=person_id, channel=channel, address=address, created_at=now,
                last_inbound_at=now, opted_out_at=now if channel in opted_out else None))
    return person_id


@dataclass
class World:
    services: Services
    senders: dict[str, RecordingSender]
    clock: FakeClock
    staff_id: int = 0

    async def db(self, work: Any) -> Any:
        return await self.services.db.run(work)

    async def person(self, name: str, **values: Any) -> int:
        now = self.clock.now()
        return int(await self.db(lambda c: add_person(c, now, name, **values)))

    async def broadcast(self, audience: Audience, *, text: str = WORDS,
                        at: datetime | None = None) -> int:
        now = self.clock.now()
        draft = message.draft(ENGLISH, text, PRICING)
        selection = await self.db(lambda c: recipients(c, audience, now))
        estimate = message.estimate(draft, selection.by_channel.get("telegram", 0),
                                    selection.by_channel.get("sms", 0), selection.left_out,
                                    PRICING)
        return int(await self.db(lambda c: store.create(
            c, text=text, audience=audience, scheduled_at=at or now, estimate=estimate,
            staff_id=self.staff_id, staff_name="Sam Jones", now=now)))

    async def job(self) -> list[send.Sent]:
        now = self.clock.now()
        return list(await self.db(lambda c: send.send_due(c, self.services.content, now)))

    async def drain(self) -> None:
        await self.services.dispatcher.drain()

    def got(self, address: str) -> list[str]:
        return [item.message.text for sender in self.senders.values() for item in sender.sent
                if item.address == address]

    async def outbox(self, kind: str = send.KIND) -> list[dict[str, Any]]:
        return await self.db(lambda c: [dict(r) for r in c.execute(
            select(OutboxMessage).where(OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id)).mappings()])

    async def copies(self) -> int:
        return int(await self.db(lambda c: c.scalar(
            select(func.count()).select_from(BroadcastCopy))))

    async def says(self, address: Address, text: str) -> None:
        await self.services.engine.handle(address, Inbound.from_text(text))


@asynccontextmanager
async def world(settings: Settings, start: datetime = START) -> AsyncIterator[World]:
    clock = FakeClock(start)
    async with running(settings, clock, ("sms", "telegram")) as (services, senders):
        here = World(services, senders, clock)
        account = await here.db(lambda c: accounts.add(c, "sam@example.org", "Sam Jones",
                                                        "coordinator", start))
        here.staff_id = account.id
        yield here


# -- who is in ----------------------------------------------------------------------------
async def test_the_audience_is_districts_interests_and_a_channel_of_people_who_agreed(
        settings: Settings) -> None:
    async with world(settings) as w:
        now = w.clock.now()
        ann = await w.person("Ann", sms="+447700900701")
        bob = await w.person("Bob", telegram="70702", activities=("swimming",))
        await w.person("Cat", sms="+447700900703", district="LE4")
        await w.person("Dan", sms="+447700900704", consent=False)
        await w.person("Eve", sms="+447700900705", opted_out=("sms",))
        fay = await w.person("Fay", sms="+447700900706", telegram="70706", reach_by="telegram")
        await w.person("Gus", sms="+447700900707", paused_until=now + timedelta(days=2))
        await w.person("Hal", sms="+447700900708", onboarded=False)
        await w.person("Ivy", sms="+447700900709", consent=None)  # never asked

        walkers = await w.db(lambda c: recipients(
            c, Audience(("LE11",), ("walking",), "both"), now))
        assert {r.person_id for r in walkers.recipients} == {ann, fay}
        # Fay chose Telegram for friendly messages: one copy, there.
        assert {r.person_id: r.channel for r in walkers.recipients}[fay] == "telegram"
        assert walkers.by_channel == {"telegram": 1, "sms": 1}
        assert walkers.left_out == 5  # Dan, Eve, Gus, Hal, Ivy: none of them now

        by_text = await w.db(lambda c: recipients(c, Audience(("LE11",), (), "sms"), now))
        assert {r.person_id for r in by_text.recipients} == {ann, fay}
        assert {r.channel for r in by_text.recipients} == {"sms"}
        everyone = await w.db(lambda c: recipients(c, Audience((), (), "telegram"), now))
        assert {r.person_id for r in everyone.recipients} == {bob, fay}
        either = await w.db(lambda c: recipients(
            c, Audience(("LE4", "LE11"), ("swimming", "walking"), "both"), now))
        assert either.count == 4  # Ann, Bob, Cat, Fay

        # STOP on the SMS they chose stops that channel only: Fay still gets it on Telegram
        # when that is allowed, and nothing when only SMS is.
        await w.db(lambda c: c.execute(update(Identity).where(
            Identity.person_id == fay, Identity.channel == "sms").values(opted_out_at=now)))
        by_text = await w.db(lambda c: recipients(c, Audience(("LE11",), (), "sms"), now))
        assert {r.person_id for r in by_text.recipients} == {ann}


# -- words and cost -----------------------------------------------------------------------
def test_the_words_as_each_channel_carries_them_with_segments_and_cost() -> None:
    short = message.draft(ENGLISH, "  Walk on Saturday at 10.  ", PRICING)
    assert short.ok and short.text == "Walk on Saturday at 10."
    assert short.telegram == "Move Mates team: Walk on Saturday at 10."
    assert [t.words for t in short.texts] == ["Move Mates team: Walk on Saturday at 10."]
    assert (short.segments, short.encoding, short.left_out) == (1, "GSM-7", None)

    # 150 characters and the team's name: 167, two segments (153 + 14).
    long = message.draft(ENGLISH, "a" * 150, PRICING)
    assert [(t.characters, t.segments) for t in long.texts] == [(167, 2)]
    cost = message.estimate(long, telegram=3, sms=5, left_out=2, pricing=PRICING)
    assert (cost.recipients, cost.segments, cost.cost) == (8, 10, 0.4)

    # An emoji: left out of GSM-7 texts (and said so), or UCS-2 at 70 a segment.
    smiling = "See you there \U0001F600 " + "b" * 60
    plain = message.draft(ENGLISH, smiling, PRICING)
    assert plain.encoding == "GSM-7" and plain.left_out == "emoji"
    wide = message.draft(ENGLISH, smiling, Pricing(0.05, allow_unicode=True))
    assert wide.encoding == "UCS-2" and wide.segments == 2 and wide.left_out is None
    assert message.estimate(wide, 0, 1, 0, Pricing(0.05, True)).cost == 0.1

    assert message.draft(ENGLISH, "   ", PRICING).problem == message.NEED_TEXT
    assert message.draft(ENGLISH, "x" * 1001, PRICING).problem == message.TOO_LONG
    # Over four texts by SMS is too long even under 1,000 characters: UCS-2 fits ~500.
    assert message.draft(ENGLISH, "\u0928" * 900, Pricing(0.04, True)).problem == \
        message.TOO_LONG


# -- sending ------------------------------------------------------------------------------
async def test_sent_once_per_person_never_after_stop_and_audited(settings: Settings) -> None:
    async with world(settings) as w:
        ann = await w.person("Ann", sms="+447700900711")
        await w.person("Bob", telegram="70712")
        await w.person("Eve", sms="+447700900713")
        await w.person("Dan", sms="+447700900714", consent=False)
        later = w.clock.now() + timedelta(hours=2)
        broadcast_id = await w.broadcast(Audience((), (), "both"), at=later)

        assert await w.job() == []  # not due yet
        # Eve sends STOP after it was written, before it goes.
        await w.says(Address("sms", "+447700900713"), "STOP")
        w.clock.advance(timedelta(hours=2))
        [sent] = await w.job()
        assert (sent.broadcast_id, sent.queued, sent.left_out) == (broadcast_id, 2, 2)
        # The job again (a restart, the next tick): nothing more.
        assert await w.job() == []
        assert len(await w.outbox()) == 2 and await w.copies() == 2
        rows = await w.outbox()
        assert {r["priority"] for r in rows} == {PRIORITY_BROADCAST}
        assert {r["person_id"] for r in rows} >= {ann}

        await w.drain()
        assert w.got("+447700900711") == [f"Move Mates team: {WORDS}"]
        assert w.got("70712") == [f"Move Mates team: {WORDS}"]
        assert not any("Watermead" in text for text in w.got("+447700900713"))
        assert w.got("+447700900714") == []

        [summary] = await w.db(lambda c: store.history(c, w.clock.now()))
        assert (summary.status, summary.recipients, summary.skipped) == ("sent", 2, 2)
        # Telegram took it (delivered); the SMS waits for its receipt.
        assert (summary.counts.delivered, summary.counts.on_its_way) == (1, 1)
        actions = [(a["action"], a["actor_staff_id"], a["target"])
                   for a in await w.db(lambda c: [dict(r) for r in c.execute(
                       select(AuditEntry)).mappings()]) if "broadcast" in a["action"]]
        assert actions == [("broadcast_composed", w.staff_id, f"broadcast:{broadcast_id}"),
                           ("broadcast_sent", w.staff_id, f"broadcast:{broadcast_id}")]


async def test_stop_while_it_is_sending_stops_that_copy(settings: Settings) -> None:
    async with world(settings) as w:
        await w.person("Ann", sms="+447700900721")
        await w.person("Bob", sms="+447700900722")
        await w.broadcast(Audience((), (), "sms"))
        await w.job()
        # The dispatcher has taken both copies to send; Bob's STOP arrives meanwhile.
        claimed = await w.services.dispatcher.claim()
        assert len(claimed) == 2
        await w.says(Address("sms", "+447700900722"), "STOP")
        await w.services.dispatcher.send_all(claimed)
        assert w.got("+447700900721") == [f"Move Mates team: {WORDS}"]
        assert not any("Watermead" in text for text in w.got("+447700900722"))
        [summary] = await w.db(lambda c: store.history(c, w.clock.now()))
        assert summary.counts.not_sent == 1


async def test_two_workers_at_once_queue_one_copy_each(settings: Settings) -> None:
    async with world(settings) as w:
        for n in range(6):
            await w.person(f"P{n}", sms=f"+4477009007{30 + n}")
        broadcast_id = await w.broadcast(Audience((), (), "both"))
        now = w.clock.now()

        async def worker() -> list[send.Sent]:
            return list(await w.db(lambda c: send.send_due(c, w.services.content, now)))

        results = await asyncio.gather(worker(), worker())
        assert sorted(len(r) for r in results) == [0, 1]
        assert await w.copies() == 6 and len(await w.outbox()) == 6
        # A broadcast sent by hand again (the console's "send now" after the job): nothing.
        assert await w.db(lambda c: send.send_one(c, w.services.content, broadcast_id,
                                                  now)) is None
        await w.drain()
        await w.job()
        await w.drain()
        assert sum(len(s.sent) for s in w.senders.values()) == 6


async def test_a_cancelled_broadcast_never_goes(settings: Settings) -> None:
    async with world(settings) as w:
        await w.person("Ann", sms="+447700900741")
        broadcast_id = await w.broadcast(Audience(), at=w.clock.now() + timedelta(hours=1))
        assert await w.db(lambda c: store.cancel(c, broadcast_id, w.staff_id, "Sam Jones",
                                                 w.clock.now())) == "cancelled"
        assert await w.db(lambda c: store.cancel(c, broadcast_id, w.staff_id, "Sam Jones",
                                                 w.clock.now())) == "already_cancelled"
        w.clock.advance(timedelta(hours=2))
        assert await w.job() == [] and await w.outbox() == []
        other = await w.broadcast(Audience())
        await w.job()
        assert await w.db(lambda c: store.cancel(c, other, w.staff_id, "Sam Jones",
                                                 w.clock.now())) == "already_sent"
        assert await w.db(lambda c: store.cancel(c, 999, w.staff_id, "Sam Jones",
                                                 w.clock.now())) == "no_broadcast"


# -- quiet hours ----------------------------------------------------------------------------
async def test_quiet_hours_move_a_copy_later_and_never_drop_it(settings: Settings) -> None:
    # 22:00 in London (GMT) on Monday 2 March 2026.
    async with world(settings, datetime(2026, 3, 2, 22, 0, tzinfo=UTC)) as w:
        await w.person("Owl", sms="+447700900751", quiet=("23:30", "07:00"))
        lark = await w.person("Lark", sms="+447700900752")  # 21:00 to 08:30
        await w.broadcast(Audience())
        await w.job()
        rows = {r["person_id"]: r for r in await w.outbox()}
        assert rows[lark]["due_at"] == datetime(2026, 3, 3, 8, 30, tzinfo=UTC)
        assert rows[lark]["expires_at"] == datetime(2026, 3, 3, 21, 0, tzinfo=UTC)
        await w.drain()
        assert len(w.got("+447700900751")) == 1 and w.got("+447700900752") == []

        # The dispatcher was down all of Tuesday: Lark's copy expired when her quiet hours
        # began again. It is not lost: it goes when they end.
        w.clock.set(datetime(2026, 3, 3, 21, 30, tzinfo=UTC))
        await w.drain()
        assert w.got("+447700900752") == []
        assert (await w.outbox())[-1]["status"] == "skipped"
        [summary] = await w.db(lambda c: store.history(c, w.clock.now()))
        # Still to go, not "not sent" (and Owl's text waits for its receipt).
        assert (summary.counts.on_its_way, summary.counts.not_sent) == (2, 0)
        await w.job()
        copy = await w.db(lambda c: c.execute(select(BroadcastCopy).where(
            BroadcastCopy.person_id == lark)).mappings().one())
        assert copy["attempt"] == 2
        await w.job()  # a second run takes nothing twice
        assert len(await w.outbox()) == 3
        await w.drain()
        assert w.got("+447700900752") == []  # 21:30: still her quiet hours
        w.clock.set(datetime(2026, 3, 4, 8, 31, tzinfo=UTC))
        await w.drain()
        assert w.got("+447700900752") == [f"Move Mates team: {WORDS}"]


async def test_consent_withdrawn_or_a_pause_while_waiting_takes_a_copy_back(
        settings: Settings) -> None:
    async with world(settings, datetime(2026, 3, 2, 22, 0, tzinfo=UTC)) as w:
        ann = await w.person("Ann", sms="+447700900761")
        bob = await w.person("Bob", sms="+447700900762")
        cat = await w.person("Cat", sms="+447700900763")
        await w.broadcast(Audience())
        await w.job()  # all three wait for 08:30
        now = w.clock.now()
        await w.db(lambda c: c.execute(update(Person).where(Person.id == ann).values(
            consent_encouragement=False)))
        await w.db(lambda c: c.execute(update(Person).where(Person.id == bob).values(
            paused_until=now + timedelta(days=7))))
        await w.job()
        w.clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
        await w.drain()
        assert w.got("+447700900761") == [] and w.got("+447700900762") == []
        assert w.got("+447700900763") == [f"Move Mates team: {WORDS}"]
        statuses = {r["person_id"]: r["status"] for r in await w.outbox()}
        assert statuses == {ann: "cancelled", bob: "cancelled", cat: "sent"}


def test_quiet_window_across_the_clock_change() -> None:
    # Clocks went forward at 01:00 UTC on Sunday 29 March 2026: 21:00 BST is 20:00 UTC.
    person = type("P", (), {"quiet_start": "21:00", "quiet_end": "08:30"})()
    due, expires = send.quiet_window(person, datetime(2026, 3, 28, 23, 0, tzinfo=UTC))  # type: ignore[arg-type]
    assert due == datetime(2026, 3, 29, 7, 30, tzinfo=UTC)  # 08:30 BST
    assert expires == datetime(2026, 3, 29, 20, 0, tzinfo=UTC)  # 21:00 BST
    never = type("P", (), {"quiet_start": "00:00", "quiet_end": "00:00"})()
    due, expires = send.quiet_window(never, START)  # type: ignore[arg-type]
    assert (due, expires) == (START, START + send.LONGEST_WAIT)


# -- after everything else -------------------------------------------------------------------
async def test_a_reply_queued_after_a_broadcast_goes_first(settings: Settings) -> None:
    async with world(settings) as w:
        ann = await w.person("Ann", sms="+447700900771")
        to = Address("sms", "+447700900771")
        await w.broadcast(Audience())
        await w.job()
        now = w.clock.now()

        def queue(connection: Connection) -> None:
            for text, priority, key in (("planned", PRIORITY_SCHEDULED, "p"),
                                        ("your answer", PRIORITY_REPLY, "r")):
                repo.queue_messages(connection, person_id=ann, to=to,
                                    messages=[Outbound(text)], kind="reply",
                                    priority=priority, key_prefix=key, now=now)

        await w.db(queue)
        await w.drain()
        assert w.got("+447700900771") == ["your answer", "planned",
                                          f"Move Mates team: {WORDS}"]


async def test_counts_say_what_became_of_each_copy(settings: Settings) -> None:
    async with world(settings) as w:
        await w.person("Ann", sms="+447700900781")
        await w.person("Bob", sms="+447700900782")
        await w.person("Cat", telegram="70783")
        await w.person("Dan", telegram="70784")
        w.senders["telegram"].result = Result.FAILED
        broadcast_id = await w.broadcast(Audience())
        await w.job()
        await w.drain()
        # A delivery receipt for Ann's text (what /sms/status records).
        await w.db(lambda c: c.execute(update(OutboxMessage).where(
            OutboxMessage.address == "+447700900781").values(status="delivered", segments=1)))
        found = await w.db(lambda c: store.get(c, broadcast_id, w.clock.now()))
        assert found is not None
        assert (found.counts.delivered, found.counts.on_its_way, found.counts.failed,
                found.counts.not_sent) == (1, 1, 2, 0)
        assert found.cost_so_far == 0.04  # one segment delivered so far, at £0.04


async def test_erasing_a_person_takes_their_copies(settings: Settings) -> None:
    async with world(settings) as w:
        ann = await w.person("Ann", sms="+447700900791")
        await w.broadcast(Audience())
        await w.job()
        assert await w.copies() == 1
        await w.db(lambda c: repo.erase_person(c, ann))
        assert await w.copies() == 0


@pytest.mark.parametrize("typed", ["LE11", "le11"])
def test_audience_survives_its_json(typed: str) -> None:
    audience = Audience((typed.upper(),), ("walking",), "sms")
    assert Audience.from_json(audience.to_json()) == audience
    assert Audience.from_json({"channel": "fax"}).channel == "both"


async def test_the_jobs_send_a_scheduled_broadcast_at_its_time(settings: Settings) -> None:
    """The same round every worker runs (`bot.jobs`): a fake clock moved on stops at the
    broadcast's time, as the service's 30-second job would find it."""
    from bot.jobs import advance_to, next_due

    async with world(settings) as w:
        await w.person("Ann", sms="+447700900795", quiet=("00:00", "00:00"))
        due = w.clock.now() + timedelta(hours=3)
        await w.broadcast(Audience(), at=due)
        assert await next_due(w.services) == due
        await advance_to(w.services, due - timedelta(minutes=1))
        assert w.got("+447700900795") == []
        await advance_to(w.services, due + timedelta(minutes=1))
        assert w.got("+447700900795") == [f"Move Mates team: {WORDS}"]
