"""Workers' leases on PostgreSQL (bot/dispatch/liveness.py): a dead worker's rows are
recovered at once, whatever their age; a live worker's never are, however old; a worker
whose lease was lost never sends what was recovered from it; rows claimed without a lease
(older versions) keep the 2-minute rule. The kill -9 of a real worker, taken over by a live
one, is in tests/test_crash.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, select, text

from bot.app import Services, build
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.events import Address, Outbound
from bot.dispatch.claims import Mark
from bot.dispatch.liveness import LEASE_MARK, is_lease_name, lease_name, lock_key
from bot.dispatch.outbox import ABANDONED_AFTER, Outcome, Outgoing, Result
from bot.storage import repository as repo
from bot.storage.models import OutboxMessage
from support.engine import START


class Recording:
    channel = "telegram"

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, item: Outgoing) -> Outcome:
        self.sent.append(item.message.text or "")
        return Outcome(Result.SENT, provider_ref=f"ref{item.id}")


def queue(connection: Connection, count: int) -> None:
    for n in range(count):
        to = Address("telegram", str(9100 + n))
        person = repo.create_person(connection, to, START)
        repo.queue_messages(connection, person_id=person.person_id, to=to,
                            messages=[Outbound(f"message {n}")], kind="relay", priority=0,
                            key_prefix=f"live:{n}", now=START)


async def rows(services: Services) -> list[tuple[str, str | None]]:
    """(status, claimed_by) of every row, in id order."""
    return [tuple(row) for row in await services.db.run(lambda c: c.execute(  # type: ignore[misc]
        select(OutboxMessage.status, OutboxMessage.claimed_by).order_by(OutboxMessage.id)))]


async def end_session(services: Services, name: str) -> None:
    """The server ends the session holding `name`'s lock, as when its process is killed
    (the worker itself is not told): found in pg_locks, so this also checks that the lock
    is really held, by a session other than the pool's."""
    key = lock_key(name) & 0xFFFF_FFFF_FFFF_FFFF  # a bigint key: high and low 32 bits

    def holder(connection: Connection) -> Any:
        return connection.scalar(text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND objsubid = 1 AND classid::bigint = :high AND objid::bigint = :low"),
            {"high": key >> 32, "low": key & 0xFFFF_FFFF})

    pid = await services.db.run(holder)
    assert pid is not None, f"nobody holds the lease of {name}"
    assert await services.db.run(lambda c: c.scalar(text("SELECT pg_backend_pid()"))) != pid
    await services.db.run(lambda c: c.execute(text("SELECT pg_terminate_backend(:pid)"),
                                              {"pid": pid}))


async def recovered(services: Services, **kwargs: Any) -> tuple[int, int]:
    """Recovery as soon as the ended session is gone (the server ends it within ms)."""
    for _ in range(100):
        found = await services.dispatcher.recover_abandoned(**kwargs)
        if found != (0, 0):
            return found
        await asyncio.sleep(0.02)
    return 0, 0


@dataclass
class Workers:
    """Dispatching workers of one database on one made-up clock, each ended (lease let go,
    connections closed) when the test ends."""

    settings: Settings
    clock: FakeClock = field(default_factory=lambda: FakeClock(START))
    started: list[Services] = field(default_factory=list)

    async def start(self, worker_id: str, *, lease: bool = True
                    ) -> tuple[Services, Recording]:
        """A worker (with its lease taken, unless `lease` is False: an older version)."""
        services = build(self.settings.model_copy(update={"worker_id": worker_id}),
                         clock=self.clock, paced=False)
        self.started.append(services)
        sender = Recording()
        services.dispatcher.senders["telegram"] = sender
        if lease:
            assert await services.dispatcher.take_lease()
        return services, sender

    async def end(self) -> None:
        for services in self.started:
            await services.dispatcher.end_lease()
            await services.close()


@pytest.fixture
def postgres(settings: Settings) -> Settings:
    if settings.database_url.startswith("sqlite"):
        pytest.skip("leases are PostgreSQL's (one worker on SQLite)")
    return settings


@pytest.fixture
async def workers(postgres: Settings) -> AsyncIterator[Workers]:
    started = Workers(postgres)
    try:
        yield started
    finally:
        await started.end()


def test_lease_names_are_new_at_each_start_and_keys_the_same_everywhere() -> None:
    name = lease_name("host:1", token="0123456789ab")
    assert name == "host:1~lease-0123456789ab" and is_lease_name(name)
    # Stable across processes and versions (not the salted `hash()`): pinned.
    assert lock_key(name) == lock_key("host:1~lease-0123456789ab") == 13165086807704698
    assert lease_name("host:1") != lease_name("host:1")
    long = lease_name("k8s-" + "x" * 90)
    assert len(long) == 64 and long.startswith("k8s-x") and LEASE_MARK in long
    assert not is_lease_name("host:1") and not is_lease_name(None)


async def test_no_lease_on_sqlite(settings: Settings) -> None:
    started = Workers(settings)
    try:
        services, _ = await started.start("solo", lease=False)
        taken = await services.dispatcher.take_lease()
        assert taken is not services.db.is_sqlite
        assert (services.dispatcher.claimer == "solo") is services.db.is_sqlite
    finally:
        await started.end()


async def test_a_held_lease_keeps_its_rows_and_a_free_one_gives_them_back_at_once(
        workers: Workers) -> None:
    clock = workers.clock
    alive, alive_sent = await workers.start("alive")
    other, other_sent = await workers.start("other")
    await alive.db.run(lambda c: queue(c, 6))
    claimed = await alive.dispatcher.claim()
    assert len(claimed) == 6
    marks = await alive.dispatcher.record_then_mark([], [], claimed[:2])
    assert set(marks.values()) == {Mark.SENDING}
    name = alive.dispatcher.claimer
    held = [("sending", name)] * 2 + [("claimed", name)] * 4
    # Alive: its rows stay, however old (the age rule is for rows claimed without a lease).
    assert await other.dispatcher.recover_abandoned(older_than=timedelta(0)) == (0, 0)
    clock.advance(timedelta(hours=1))
    assert await other.dispatcher.recover_abandoned() == (0, 0)
    assert await rows(other) == held
    assert await other.dispatcher.drain() == 0  # its addresses are alive's
    # Its process dies (a session ended by the server, as with kill -9): at once, not in
    # 2 minutes, the claimed rows go back and the ones on their way are of unknown fate.
    await end_session(other, name)
    assert await recovered(other) == (4, 2)
    assert await other.dispatcher.drain() == 4
    assert await other.dispatcher.drain() == 0  # the unknown ones are never resent
    assert sorted(other_sent.sent) == [f"message {n}" for n in range(2, 6)]
    assert alive_sent.sent == []
    assert [status for status, _ in await rows(other)] == ["unknown"] * 2 + ["sent"] * 4


async def test_a_worker_whose_lease_was_lost_never_sends_what_was_taken_from_it(
        workers: Workers) -> None:
    lost, lost_sent = await workers.start("lost")
    other, other_sent = await workers.start("other")
    await lost.db.run(lambda c: queue(c, 3))
    claimed = await lost.dispatcher.claim()
    first_name = lost.dispatcher.claimer
    # Its lease's session ends (the database restarted, the network broke) but it lives on.
    await end_session(other, first_name)
    assert await recovered(other) == (3, 0)
    assert not await lost.dispatcher.lease.check()  # type: ignore[union-attr]
    assert await lost.dispatcher.claim() == []  # no claiming without a lease
    taken = await other.dispatcher.claim()
    assert len(taken) == 3
    # What it still has in hand is neither marked sending nor put back: it is other's now.
    marks = await lost.dispatcher.record_then_mark([], [], claimed)
    assert set(marks.values()) == {Mark.GONE}
    await lost.dispatcher.write_results([], held=claimed)
    assert await rows(other) == [("claimed", other.dispatcher.claimer)] * 3
    # A new lease, under a new name, and it claims again.
    await lost.dispatcher.keep_alive()
    assert lost.dispatcher.lease is not None and lost.dispatcher.lease.held
    assert lost.dispatcher.claimer != first_name
    assert await other.dispatcher.send_all(taken) == 3
    assert lost_sent.sent == [] and len(other_sent.sent) == 3
    assert [status for status, _ in await rows(other)] == ["sent"] * 3


async def test_a_worker_restarted_under_the_same_id_recovers_its_predecessors_rows(
        workers: Workers) -> None:
    """WORKER_ID fixed, or a container's host name and pid 1: each start is a new name."""
    before, _ = await workers.start("worker-1")
    await before.db.run(lambda c: queue(c, 2))
    assert len(await before.dispatcher.claim()) == 2
    await end_session(before, before.dispatcher.claimer)
    after, sent = await workers.start("worker-1")
    assert after.dispatcher.claimer != before.dispatcher.claimer
    assert await recovered(after) == (2, 0)  # what `serve` does at start
    assert await after.dispatcher.drain() == 2 and len(sent.sent) == 2


async def test_rows_claimed_without_a_lease_keep_the_two_minute_rule(
        workers: Workers) -> None:
    """A worker of an older version takes no lease: nobody can tell it is alive, so its
    rows are recovered only once ABANDONED_AFTER has passed."""
    clock = workers.clock
    old, _ = await workers.start("old-version", lease=False)
    other, _ = await workers.start("other")
    await old.db.run(lambda c: queue(c, 2))
    claimed = await old.dispatcher.claim()
    await old.dispatcher.record_then_mark([], [], claimed[:1])
    assert await rows(other) == [("sending", "old-version"), ("claimed", "old-version")]
    clock.advance(ABANDONED_AFTER - timedelta(seconds=1))
    assert await other.dispatcher.recover_abandoned() == (0, 0)
    clock.advance(timedelta(seconds=2))
    assert await other.dispatcher.recover_abandoned() == (1, 1)
