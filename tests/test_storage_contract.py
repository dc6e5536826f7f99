"""The storage contract, run on every backend (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from bot.all_tables import Base
from bot.core.events import Address, Outbound
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


async def count(db: Database, model: type) -> int:
    return await db.run(lambda c: int(c.scalar(select(func.count()).select_from(model)) or 0))


async def test_migrations_match_the_models(db_url: str) -> None:
    assert await pending_differences(db_url, Base.metadata) == []


async def test_person_with_identity_round_trips_aware_utc_times(db: Database) -> None:
    address = Address("sms", "+447700900123")
    created = await db.run(lambda c: repo.create_person(c, address, NOW))
    found = await db.run(lambda c: repo.load(c, address, lock=False))
    assert found is not None and found.person_id == created.person_id
    assert found.person["created_at"] == NOW
    assert found.person["created_at"].tzinfo is not None
    async with db.transaction() as session:  # and through the ORM, the same
        identity = await session.get(Identity, found.identity_id)
        assert identity is not None and identity.created_at == NOW


async def test_an_address_belongs_to_one_person(db: Database) -> None:
    address = Address("telegram", "42")
    await db.run(lambda c: repo.create_person(c, address, NOW))
    with pytest.raises(IntegrityError):
        await db.run(lambda c: repo.create_person(c, address, NOW))
    assert await count(db, Person) == 1  # the failed attempt left nothing behind


async def test_inbound_ids_are_remembered_once(db: Database) -> None:
    assert not await db.run(lambda c: repo.already_seen(c, "sms", "SM1"))
    assert await db.run(lambda c: repo.mark_seen(c, "sms", "SM1", NOW))
    assert await db.run(lambda c: repo.already_seen(c, "sms", "SM1"))
    assert not await db.run(lambda c: repo.mark_seen(c, "sms", "SM1", NOW))  # a redelivery


async def test_a_scheduled_slot_can_be_planned_only_once(db: Database) -> None:
    address = Address("sms", "+447700900111")
    person_id = (await db.run(lambda c: repo.create_person(c, address, NOW))).person_id

    def row(key: str) -> OutboxMessage:
        return OutboxMessage(
            person_id=person_id, channel="sms", address=address.address, kind="encouragement",
            priority=5, payload=Outbound("Hi").to_json(), idempotency_key=key,
            slot_kind="encouragement", slot_date=date(2026, 3, 3), due_at=NOW, status="queued",
            attempts=0, bypass_suppression=False, created_at=NOW, updated_at=NOW)

    async with db.transaction() as session:
        session.add(row("enc-1"))
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            session.add(row("enc-2"))


async def test_replies_have_no_slot_and_never_collide(db: Database) -> None:
    address = Address("sms", "+447700900112")

    def queue_two_batches(c: Connection) -> list[int]:
        person_id = repo.create_person(c, address, NOW).person_id
        first = repo.queue_messages(c, person_id=person_id, to=address,
                                    messages=[Outbound("a"), Outbound("b")], kind="reply",
                                    priority=0, key_prefix="in:x", now=NOW)
        second = repo.queue_messages(c, person_id=person_id, to=address,
                                     messages=[Outbound("c")], kind="reply", priority=0,
                                     key_prefix="in:y", now=NOW)
        return first + second

    ids = await db.run(queue_two_batches)
    assert len(set(ids)) == 3
    assert await count(db, OutboxMessage) == 3


async def test_a_stale_save_is_refused_not_lost(db: Database) -> None:
    """Two workers load the same person; the second to save must start again."""
    address = Address("console", "race")
    await db.run(lambda c: repo.create_person(c, address, NOW))
    first = await db.run(lambda c: repo.load(c, address, lock=False))
    second = await db.run(lambda c: repo.load(c, address, lock=False))
    assert first is not None and second is not None
    await db.run(lambda c: repo.save(c, first, repo.to_profile(first).changed(name="One"),
                                     repo.to_state(first), NOW))
    with pytest.raises(repo.ConcurrentUpdate):
        await db.run(lambda c: repo.save(c, second, repo.to_profile(second).changed(name="Two"),
                                         repo.to_state(second), NOW))
    found = await db.run(lambda c: repo.load(c, address, lock=False))
    assert found is not None and found.person["name"] == "One"


async def test_orm_updates_are_also_version_checked(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite takes the write lock at BEGIN, so two writers never interleave")
    person_id = (await db.run(
        lambda c: repo.create_person(c, Address("console", "orm"), NOW))).person_id
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

    def create(c: Connection) -> int:
        person_id = repo.create_person(c, address, NOW).person_id
        c.execute(HealthDetail.__table__.insert().values(person_id=person_id, notes="asthma",
                                                         updated_at=NOW))
        repo.queue_messages(c, person_id=person_id, to=address, messages=[Outbound("hi")],
                            kind="reply", priority=0, key_prefix="k", now=NOW)
        return person_id

    person_id = await db.run(create)
    await db.run(lambda c: repo.erase_person(c, person_id))
    for model in (Person, Identity, HealthDetail, OutboxMessage):
        assert await count(db, model) == 0


async def test_concurrent_writers_all_finish(db: Database) -> None:
    """Many transactions at once: SQLite queues them, PostgreSQL runs them side by side."""
    await asyncio.wait_for(asyncio.gather(*(
        db.run(lambda c, n=n: repo.create_person(c, Address("console", f"p{n}"), NOW))
        for n in range(20))), timeout=60)
    assert await count(db, Person) == 20


async def test_ids_are_never_reused_after_erasure(db: Database) -> None:
    first_id = (await db.run(lambda c: repo.create_person(c, Address("console", "a"), NOW))
                ).person_id
    await db.run(lambda c: repo.erase_person(c, first_id))
    second = await db.run(
        lambda c: repo.create_person(c, Address("console", "b"), NOW + timedelta(1)))
    assert second.person_id != first_id


async def test_a_failed_transaction_leaves_nothing(db: Database) -> None:
    def half_done(c: Connection) -> None:
        repo.create_person(c, Address("console", "half"), NOW)
        raise RuntimeError("the work failed after writing")

    with pytest.raises(RuntimeError):
        await db.run(half_done)
    assert await count(db, Person) == 0
