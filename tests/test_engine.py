"""The engine: one event, one transaction; restarts, second workers, duplicates, erasure."""

from __future__ import annotations

import asyncio
import io
import logging

from sqlalchemy import func, select

from bot import logs
from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address, Inbound
from bot.storage import repository as repo
from bot.storage.models import HealthDetail, Identity, ImpactEvent, OutboxMessage, Person
from support.engine import ONBOARDING, running, say

MARGARET = Address("sms", "+447700900123")


async def person_row(services, address: Address) -> Person:
    async with services.db.transaction() as session:
        identity = (await session.execute(
            select(Identity).where(Identity.channel == address.channel,
                                   Identity.address == address.address))).scalar_one()
        return await session.get(Person, identity.person_id)


async def test_a_restart_continues_exactly_where_the_person_was(settings: Settings) -> None:
    async with running(settings) as (services, _):
        await say(services, MARGARET, *ONBOARDING[:6])
        await services.dispatcher.drain()
    # A new process: new engine, new connections, same database.
    async with running(settings) as (services, senders):
        await say(services, MARGARET, "1")
        await services.dispatcher.drain()
        [reply] = senders["sms"].texts_to(MARGARET.address)
        assert reply.startswith("Which days suit you")
        person = await person_row(services, MARGARET)
        assert person.answers["activities"] == ["walking", "swimming"]
        assert person.answers["helps"] == ["company"]


async def test_two_workers_share_one_person_without_losing_anything(settings: Settings) -> None:
    async with running(settings) as (one, _), running(settings) as (two, _):
        for n, line in enumerate(ONBOARDING):
            worker = one if n % 2 == 0 else two
            await worker.engine.handle(MARGARET, Inbound.from_text(line))
        person = await person_row(one, MARGARET)
        assert person.onboarded_at is not None
        assert person.name == "Margaret"
        assert person.district == "LE4"


async def test_concurrent_messages_for_one_person_are_each_handled_once(
        settings: Settings) -> None:
    async with running(settings) as (one, _), running(settings) as (two, _):
        await say(one, MARGARET, "hi", "1", "1", "1", "Margaret")
        # Ten 'help' messages at once from two workers: each is answered exactly once.
        async with one.db.transaction() as session:
            before = await session.scalar(select(func.count()).select_from(OutboxMessage))
        jobs = [(one if n % 2 else two).engine.handle(MARGARET, Inbound.from_text("help"),
                                                     external_id=f"m{n}") for n in range(10)]
        results = await asyncio.gather(*jobs)
        assert all(not r.duplicate for r in results)
        async with one.db.transaction() as session:
            replies = await session.scalar(
                select(func.count()).select_from(OutboxMessage)) - before
        help_messages = 3  # the help text, the urgent-help line, and the question again
        assert replies == 10 * help_messages
        person = await person_row(one, MARGARET)
        assert person.step == "activities"


async def test_a_redelivered_message_is_processed_once(settings: Settings) -> None:
    async with running(settings) as (services, _):
        first = await services.engine.handle(MARGARET, Inbound.from_text("hi"), external_id="SM1")
        again = await services.engine.handle(MARGARET, Inbound.from_text("hi"), external_id="SM1")
        assert first.outbox_ids and not first.duplicate
        assert again.duplicate and not again.outbox_ids


async def test_erasure_leaves_nothing_but_an_anonymous_count(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        await say(services, MARGARET, *ONBOARDING, "delete my data", "yes")
        await services.dispatcher.drain()
        assert senders["sms"].texts_to(MARGARET.address)[-1].startswith("Done. Everything")
        async with services.db.transaction() as session:
            for model in (Person, Identity, HealthDetail):
                assert await session.scalar(select(func.count()).select_from(model)) == 0
            rows = (await session.execute(select(OutboxMessage))).scalars().all()
            # Only the farewell is left, and once sent it no longer says where it went.
            assert [(r.person_id, r.address, r.status) for r in rows] == [(None, "", "sent")]
            kinds = (await session.execute(select(ImpactEvent.kind))).scalars().all()
            assert "erased" in kinds and "onboarded" in kinds


async def test_stop_is_honoured_at_once_and_forever(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        await say(services, MARGARET, "hi", "1")
        # Something already queued for them (say, encouragement) must never go out.
        await say(services, MARGARET, "STOP")
        await say(services, MARGARET, "hello", "1", "menu", "help")
        await services.dispatcher.drain()
        texts = senders["sms"].texts_to(MARGARET.address)
        assert texts[-1].startswith("You won't get any more messages")
        assert sum("won't get any more" in t for t in texts) == 1
        await say(services, MARGARET, "START")
        await services.dispatcher.drain()
        # One text: the welcome back, then the question they had reached.
        back = senders["sms"].texts_to(MARGARET.address)[-1]
        assert back.startswith("Welcome back") and "Some people like to tell us" in back


async def test_their_data_is_theirs_after_stop(settings: Settings) -> None:
    """After STOP, "my data" and "delete my data" (and its "are you sure?") are answered,
    each a reply to their own words; anything else is not; erasure then leaves nothing."""
    content = library().for_language("en")
    async with running(settings) as (services, senders):
        await say(services, MARGARET, "hi", "1", "skip", "skip", "Margaret", "STOP")
        await services.dispatcher.drain()
        before = len(senders["sms"].texts_to(MARGARET.address))
        await say(services, MARGARET, "hello", "menu")
        await services.dispatcher.drain()
        assert len(senders["sms"].texts_to(MARGARET.address)) == before  # nothing
        await say(services, MARGARET, "delete my data")
        await services.dispatcher.drain()
        asked = senders["sms"].texts_to(MARGARET.address)[before:]
        assert len(asked) == 1 and "sure" in asked[0].lower(), asked
        # Urgent words there are met as ever (hazard H3), and the question still stands.
        await say(services, MARGARET, "yes i want to die")
        await services.dispatcher.drain()
        assert "116 123" in senders["sms"].texts_to(MARGARET.address)[-1]
        assert await services.db.run(lambda c: repo.load(c, MARGARET, lock=False)) is not None
        await say(services, MARGARET, "yes")
        await services.dispatcher.drain()
        assert await services.db.run(
            lambda c: repo.load(c, MARGARET, lock=False)) is None
        farewell = senders["sms"].texts_to(MARGARET.address)[-1]
        assert farewell != asked[0]
        assert content.text("optout.stopped") not in farewell


async def test_suppression_is_enforced_where_messages_are_sent(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        await say(services, MARGARET, "hi")
        async with services.db.transaction() as session:
            identity = (await session.execute(select(Identity))).scalar_one()
            identity.opted_out_at = services.clock.now()
        assert await services.dispatcher.drain() == 0
        assert senders["sms"].sent == []
        async with services.db.transaction() as session:
            statuses = (await session.execute(select(OutboxMessage.status))).scalars().all()
        assert set(statuses) == {"suppressed"}


async def test_logs_carry_no_message_text_or_phone_numbers(settings: Settings) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    logs.configure("DEBUG", stream)
    try:
        async with running(settings) as (services, _):
            await say(services, MARGARET, *ONBOARDING, "my data", "delete my data", "yes")
            await services.dispatcher.drain()
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    logged = stream.getvalue()
    assert "erased person" in logged  # the log is really being written
    for secret in ("7700900123", "Margaret", "Arthritis", "Walk to the shops"):
        assert secret not in logged
