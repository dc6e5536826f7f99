"""The storage contract, run on every backend (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from bot.engine.events import Address, Outbound
from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.migrate import pending_differences
from bot.storage.models import HealthDetail, Identity, OutboxMessage, Person

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(db_url: str):
    database = Database(db_url)
    yield database
    await database.dispose()


async def test_migrations_match_the_models(db_url: str) -> None:
    assert await pending_differences(db_url) == []


async def test_person_with_identity_round_trips_aware_utc_times(db: Database) -> None:
    async with db.transaction() as session:
        identity = await repo.create_person(session, Address("sms", "+447700900123"), NOW)
        person_id = identity.person_id
    async with db.transaction() as session:
        found = await repo.find_identity(session, Address("sms", "+447700900123"), lock=False)
        assert found is not None and found.person_id == person_id
        assert found.created_at == NOW
        assert found.created_at.tzinfo is not None


async def test_an_address_belongs_to_one_person(db: Database) -> None:
    async with db.transaction() as session:
        await repo.create_person(session, Address("telegram", "42"), NOW)
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await repo.create_person(session, Address("telegram", "42"), NOW)


async def test_inbound_ids_are_remembered_once(db: Database) -> None:
    async with db.transaction() as session:
        assert not await repo.already_seen(session, "sms", "SM1")
        await repo.mark_seen(session, "sms", "SM1", NOW)
    async with db.transaction() as session:
        assert await repo.already_seen(session, "sms", "SM1")
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await repo.mark_seen(session, "sms", "SM1", NOW)


async def test_a_scheduled_slot_can_be_planned_only_once(db: Database) -> None:
    async with db.transaction() as session:
        identity = await repo.create_person(session, Address("sms", "+447700900111"), NOW)
        person_id = identity.person_id

    def row(key: str) -> OutboxMessage:
        return OutboxMessage(
            person_id=person_id, channel="sms", address="+447700900111", kind="encouragement",
            priority=5, payload=Outbound("Hi").to_json(), idempotency_key=key,
            slot_kind="encouragement", slot_date=date(2026, 3, 3), due_at=NOW, status="queued",
            attempts=0, bypass_suppression=False, created_at=NOW, updated_at=NOW)

    async with db.transaction() as session:
        session.add(row("enc-1"))
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            session.add(row("enc-2"))


async def test_replies_have_no_slot_and_never_collide(db: Database) -> None:
    async with db.transaction() as session:
        identity = await repo.create_person(session, Address("sms", "+447700900112"), NOW)
        repo.queue_messages(session, person_id=identity.person_id,
                            to=Address("sms", "+447700900112"),
                            messages=[Outbound("a"), Outbound("b")], kind="reply", priority=0,
                            key_prefix="in:x", now=NOW)
        repo.queue_messages(session, person_id=identity.person_id,
                            to=Address("sms", "+447700900112"),
                            messages=[Outbound("c")], kind="reply", priority=0,
                            key_prefix="in:y", now=NOW)
    async with db.transaction() as session:
        count = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert count == 3


async def test_concurrent_updates_to_one_person_are_detected(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite takes the write lock at BEGIN, so two writers never interleave")
    async with db.transaction() as session:
        identity = await repo.create_person(session, Address("console", "race"), NOW)
        person_id = identity.person_id
    first = db.sessions()
    second = db.sessions()
    try:
        one = await first.get(Person, person_id)
        two = await second.get(Person, person_id)
        assert one is not None and two is not None
        one.name = "One"
        await first.commit()
        two.name = "Two"
        with pytest.raises(StaleDataError):
            await second.commit()
    finally:
        await first.close()
        await second.close()


async def test_erasing_a_person_removes_everything_about_them(db: Database) -> None:
    address = Address("sms", "+447700900113")
    async with db.transaction() as session:
        identity = await repo.create_person(session, address, NOW)
        person = identity.person
        person.health = HealthDetail(notes="asthma", updated_at=NOW)
        repo.queue_messages(session, person_id=person.id, to=address,
                            messages=[Outbound("hi")], kind="reply", priority=0,
                            key_prefix="k", now=NOW)
        person_id = person.id
    async with db.transaction() as session:
        await repo.erase_person(session, person_id)
    async with db.transaction() as session:
        for model in (Person, Identity, HealthDetail, OutboxMessage):
            assert await session.scalar(select(func.count()).select_from(model)) == 0


async def test_sessions_do_not_block_each_other_forever(db: Database) -> None:
    """Several concurrent writers all finish (SQLite serialises them; PostgreSQL runs them)."""

    async def write(n: int) -> None:
        async with db.transaction() as session:
            await repo.create_person(session, Address("console", f"p{n}"), NOW)

    await asyncio.wait_for(asyncio.gather(*(write(n) for n in range(20))), timeout=60)
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 20


async def test_ids_are_never_reused_after_erasure(db: Database) -> None:
    async with db.transaction() as session:
        first = await repo.create_person(session, Address("console", "a"), NOW)
        first_id = first.person_id
    async with db.transaction() as session:
        await repo.erase_person(session, first_id)
    async with db.transaction() as session:
        second = await repo.create_person(session, Address("console", "b"), NOW + timedelta(1))
        assert second.person_id != first_id
