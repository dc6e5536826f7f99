"""What a worker writes about a message when the row is no longer its own (PostgreSQL, two
workers): a worker whose lease was lost may answer for rows another worker has recovered
since (bot/dispatch/results.py `record`). Its answer is written only where it is the truth
about its own send and cannot undo the new owner's: nothing doubled, nothing lost.

Real dispatchers of two workers (two names, two leases, two connection pools) on one
database; a lease lost the way a killed process or a broken network loses it (the server
ends its session: test_dispatch_liveness.end_session)."""

from __future__ import annotations

from datetime import datetime, timedelta

import test_dispatch_liveness as liveness
from sqlalchemy import Connection, select, update
from test_dispatch_liveness import Workers, end_session, queue, recovered

from bot.app import Services
from bot.core.events import Address, Outbound
from bot.dispatch.outbox import Outcome, Outgoing, Result
from bot.storage import repository as repo
from bot.storage.models import Identity, OutboxMessage
from support.engine import START

# Its fixtures: two workers and more on PostgreSQL (skipped on SQLite, where one runs).
postgres, workers = liveness.postgres, liveness.workers


async def state(services: Services) -> list[tuple[object, ...]]:
    """(status, claimed_by, provider_ref) of every row, in id order."""
    return [tuple(row) for row in await services.db.run(lambda c: c.execute(
        select(OutboxMessage.status, OutboxMessage.claimed_by, OutboxMessage.provider_ref)
        .order_by(OutboxMessage.id)).all())]


def listen(services: Services) -> list[int]:
    """The ids the dispatcher tells features will never arrive (a relay's writer is told,
    or the relay moves to the reader's other channel)."""
    told: list[int] = []

    def hook(connection: Connection, item: Outgoing, now: datetime) -> bool:
        told.append(item.id)
        return False

    services.dispatcher.after_undelivered = (*services.dispatcher.after_undelivered, hook)
    return told


async def lose_lease(lost: Services, other: Services, expected: tuple[int, int]) -> str:
    """`lost`'s lease ends under it (it lives on, not yet aware), and `other` recovers
    what `lost` held. Returns the name `lost` claimed under."""
    name = lost.dispatcher.claimer
    await end_session(other, name)
    assert await recovered(other) == expected
    return name


async def test_answers_that_come_after_the_row_was_recovered_mid_send_are_kept(
        workers: Workers) -> None:
    """Recovered `sending` rows become `unknown` and are never resent; the worker that was
    sending them is still the only one that knows what became of them, and its answer is
    written: a sent one is `sent` with its reference (receipts find it), a refused relay
    is failed and the features told (else its writer never hears, and the relay never
    moves to the reader's other channel), a 5xx goes back to the queue."""
    lost, _ = await workers.start("lost")
    other, other_sent = await workers.start("other")
    told = listen(lost)
    await lost.db.run(lambda c: queue(c, 3))
    claimed = await lost.dispatcher.claim()
    marks = await lost.dispatcher.record_then_mark([], [], claimed)
    assert len(marks) == 3
    name = await lose_lease(lost, other, (0, 3))
    assert [s for s, _, _ in await state(other)] == ["unknown"] * 3
    await lost.dispatcher.write_results([
        (claimed[0], Outcome(Result.SENT, provider_ref="ref-a")),
        (claimed[1], Outcome(Result.UNREACHABLE, error="telegram_403")),
        (claimed[2], Outcome(Result.RETRY, error="telegram_502"))], [])
    assert await state(other) == [("sent", name, "ref-a"), ("failed", name, None),
                                  ("queued", name, None)]
    assert told == [claimed[1].id]
    blocked = await other.db.run(lambda c: c.scalar(select(Identity.unreachable_at).where(
        Identity.channel == "telegram", Identity.address == claimed[1].address)))
    assert blocked is not None
    workers.clock.advance(timedelta(minutes=1))  # the retry falls due
    assert await other.dispatcher.drain() == 1  # the 5xx one, once; the sent one never
    assert other_sent.sent == ["message 2"]


async def test_a_stale_answer_never_overwrites_the_new_owners_send(workers: Workers) -> None:
    """A worker that only held a row (its address closed behind an earlier refusal, so the
    lane answers `suppressed` without sending) writes that answer after the row was
    recovered, claimed and marked sending by another worker: the other's send is not
    undone, the relay not moved or its writer told while it arrives, and the other's
    answer settles the row."""
    lost, lost_sent = await workers.start("lost")
    other, other_sent = await workers.start("other")
    told = listen(lost) + listen(other)
    await lost.db.run(lambda c: queue(c, 1))
    held = await lost.dispatcher.claim()
    await lose_lease(lost, other, (1, 0))
    taken = await other.dispatcher.claim()
    assert [i.id for i in taken] == [i.id for i in held]
    assert set((await other.dispatcher.record_then_mark([], [], taken)).values()) == \
        {"sending"}
    await lost.dispatcher.write_results([(held[0], Outcome(Result.SUPPRESSED))], [])
    other_name = other.dispatcher.claimer
    assert await state(other) == [("sending", other_name, None)]
    await other.dispatcher.write_results([(taken[0], Outcome(Result.SENT,
                                                             provider_ref="ref-b"))], [])
    assert await state(other) == [("sent", other_name, "ref-b")]
    assert told == [] and lost_sent.sent == [] and other_sent.sent == []


async def test_a_message_we_sent_is_taken_back_before_another_worker_sends_it_again(
        workers: Workers) -> None:
    """However a row we sent came to be queued again or claimed by someone else before our
    answer was written, our answer is written and the row taken back: the other worker
    finds it no longer its own and sends nothing (a double avoided); when the other is
    already sending it, its answer is the one kept (the double is under way; overwriting it
    could lose its answer)."""
    lost, _ = await workers.start("lost")
    other, other_sent = await workers.start("other")
    await lost.db.run(lambda c: queue(c, 2))
    claimed = await lost.dispatcher.claim()
    await lost.dispatcher.record_then_mark([], [], claimed)
    name = await lose_lease(lost, other, (0, 2))

    def queued_again(connection: Connection) -> None:
        connection.execute(update(OutboxMessage).where(OutboxMessage.status == "unknown")
                           .values(status="queued", claimed_by=None))

    await other.db.run(queued_again)
    taken = await other.dispatcher.claim()
    assert len(taken) == 2
    marks = await other.dispatcher.record_then_mark([], [], taken[1:])  # the second goes
    other_name = other.dispatcher.claimer
    await lost.dispatcher.write_results(
        [(item, Outcome(Result.SENT, provider_ref=f"lost-{n}"))
         for n, item in enumerate(claimed)], [])
    assert await state(other) == [("sent", name, "lost-0"), ("sending", other_name, None)]
    # The first was taken back: never marked sending by the other worker.
    marks |= await other.dispatcher.record_then_mark([], [], taken[:1])
    assert marks[taken[0].id] == "gone" and marks[taken[1].id] == "sending"
    await other.dispatcher.write_results([(taken[1], Outcome(Result.SENT,
                                                             provider_ref="other-1"))], [])
    assert await state(other) == [("sent", name, "lost-0"), ("sent", other_name, "other-1")]
    assert other_sent.sent == []


async def test_a_farewell_after_erasure_keeps_its_words_until_its_owner_sends_it(
        workers: Workers) -> None:
    """An erasure's farewell is forgotten once it has gone, by whoever sent it: a stale
    answer from a worker that only held it must not blank the words and address of the
    row now queued again, or the next worker sends an empty text to nowhere."""
    lost, _ = await workers.start("lost")
    other, other_sent = await workers.start("other")
    to = Address("telegram", "9200")

    def farewell(connection: Connection) -> None:
        person = repo.create_person(connection, to, START)
        repo.queue_messages(connection, person_id=person.person_id, to=to,
                            messages=[Outbound("Done: we have forgotten you.")],
                            kind="erasure", priority=0, key_prefix="bye", now=START)

    await lost.db.run(farewell)
    held = await lost.dispatcher.claim()
    await lose_lease(lost, other, (1, 0))
    await lost.dispatcher.write_results([(held[0], Outcome(Result.SUPPRESSED))], [])
    assert await other.dispatcher.drain() == 1
    assert other_sent.sent == ["Done: we have forgotten you."]
    row = await other.db.run(lambda c: c.execute(
        select(OutboxMessage.status, OutboxMessage.address, OutboxMessage.payload)).one())
    assert tuple(row) == ("sent", "", {"text": ""})  # forgotten once it went


async def test_a_lease_taken_again_still_answers_for_the_sends_of_the_old_one(
        workers: Workers) -> None:
    """The lease is lost and taken again (a new name) while messages are on their way
    under the old one: their answers are about our own sends, and are written, whether or
    not another worker has recovered the rows meanwhile."""
    lost, _ = await workers.start("lost")
    other, _ = await workers.start("other")
    await lost.db.run(lambda c: queue(c, 2))
    claimed = await lost.dispatcher.claim()
    await lost.dispatcher.record_then_mark([], [], claimed)
    old = lost.dispatcher.claimer
    await end_session(other, old)
    await lost.dispatcher.keep_alive()  # a new lease, a new name
    assert lost.dispatcher.claimer != old
    await lost.dispatcher.write_results([(claimed[0], Outcome(Result.SENT,
                                                              provider_ref="ref-0"))], [])
    assert await recovered(other) == (0, 1)  # the second, still unanswered
    await lost.dispatcher.write_results([(claimed[1], Outcome(Result.SENT,
                                                              provider_ref="ref-1"))], [])
    assert await state(other) == [("sent", old, "ref-0"), ("sent", old, "ref-1")]


async def test_rows_marked_but_never_handed_over_go_back_even_if_recovered_meanwhile(
        workers: Workers) -> None:
    """The lane stopped between marking rows `sending` and handing them to the channel,
    and meanwhile they were recovered as `unknown`: they never went, so they go back to
    the queue (nobody resends an unknown row: else they would be lost), and are sent once."""
    lost, lost_sent = await workers.start("lost")
    other, other_sent = await workers.start("other")
    await lost.db.run(lambda c: queue(c, 2))
    claimed = await lost.dispatcher.claim()
    await lost.dispatcher.record_then_mark([], [], claimed)
    await lose_lease(lost, other, (0, 2))
    await lost.dispatcher.write_results([], [], unsent=claimed)
    assert [s for s, _, _ in await state(other)] == ["queued"] * 2
    assert await other.dispatcher.drain() == 2
    assert sorted(other_sent.sent) == ["message 0", "message 1"] and lost_sent.sent == []
    assert [s for s, _, _ in await state(other)] == ["sent"] * 2
