"""Sending broadcasts: the job (`bot/jobs.py`, every 30 seconds in `serve`) and the console's
"send now" both call `send_due`; nothing else puts a broadcast in the outbox.

**Once per person.** A due broadcast's copies are all queued in one transaction, each with
a `broadcast_copies` row unique per (broadcast, person) and an outbox key made from the
same pair; the broadcast row is locked first on PostgreSQL (two workers: the second finds
it sent) and SQLite has one writer. A crash half way rolls everything back, and the next
run starts again from nothing: no copy twice.

**Who, decided when it goes.** The audience is read at that moment
(`bot.broadcasts.audience`): consent, pause, STOP and blocking as they are then, not when
the coordinator composed it. After that the outbox's own rules hold for every copy: STOP
cancels what is queued to that address and the dispatcher asks again just before each
message goes. Consent withdrawn or a pause while a copy is still waiting takes it back
(`take_back`, each run).

**Never in quiet hours; later, not never.** A copy is due when the person's quiet hours
(Europe/London) are over, and expires when their next quiet hours begin: if the
dispatcher could not send it in time (a backlog, a restart), it is skipped, and the next
run queues it again for the end of those quiet hours (`after_quiet_hours`), for up to
`GIVE_UP_AFTER` after the broadcast was due.

**Below everything else.** Copies have `PRIORITY_BROADCAST`: replies, notices and planned
messages to the same person, and every reply waiting anywhere, go first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, func, insert, select, update

from bot.broadcasts import audience as who
from bot.broadcasts.message import as_sent
from bot.broadcasts.models import SCHEDULED, SENT, Broadcast, BroadcastCopy
from bot.broadcasts.store import GIVE_UP_AFTER
from bot.core.clock import LONDON
from bot.core.content import ContentLibrary
from bot.core.events import Address
from bot.core.london import DEFAULT_QUIET, in_quiet_hours, outside_quiet_hours, parse_hhmm
from bot.dispatch.priority import PRIORITY_BROADCAST
from bot.staff import audit
from bot.storage import repository as repo
from bot.storage.models import OutboxMessage, Person

KIND = "broadcast"  # outbox kind
# With no quiet hours (start equal to end), a copy may wait this long for the dispatcher.
LONGEST_WAIT = timedelta(days=1)


@dataclass(frozen=True)
class Sent:
    """A broadcast whose copies were just queued."""

    broadcast_id: int
    queued: int
    left_out: int


def due(connection: Connection, now: datetime) -> list[int]:
    """Scheduled broadcasts whose time has come, the earliest first."""
    return list(connection.scalars(select(Broadcast.id).where(
        Broadcast.status == SCHEDULED, Broadcast.scheduled_at <= now)
        .order_by(Broadcast.scheduled_at, Broadcast.id)))


def send_due(connection: Connection, content: ContentLibrary, now: datetime) -> list[Sent]:
    """Queue every due broadcast's copies, put back copies quiet hours kept back, and take
    back copies whose person may no longer have one. Safe to run at any time, in any
    number of workers."""
    sent = [done for broadcast_id in due(connection, now)
            if (done := send_one(connection, content, broadcast_id, now)) is not None]
    after_quiet_hours(connection, content, now)
    take_back(connection, now)
    return sent


def send_one(connection: Connection, content: ContentLibrary, broadcast_id: int,
             now: datetime) -> Sent | None:
    """Queue one due broadcast's copies (None: not due, cancelled, or already sent)."""
    query = select(Broadcast.__table__).where(Broadcast.id == broadcast_id)
    if connection.dialect.name != "sqlite":
        query = query.with_for_update()
    row = connection.execute(query).first()
    if row is None or row.status != SCHEDULED or row.scheduled_at > now:
        return None
    selection = who.recipients(connection, who.Audience.from_json(row.audience), now)
    queued = sum(_queue_copy(connection, content, row.id, row.text, person, 1, now)
                 for person in selection.recipients)
    total = int(connection.scalar(select(func.count()).select_from(BroadcastCopy).where(
        BroadcastCopy.broadcast_id == row.id)) or 0)
    connection.execute(update(Broadcast).where(Broadcast.id == row.id).values(
        status=SENT, sent_at=now, recipients=total, skipped=selection.left_out))
    audit.record(connection, now, row.created_by, "broadcast_sent",
                 target=f"broadcast:{row.id}",
                 detail=f"queued for {queued} people ({selection.by_channel.get('telegram', 0)}"
                        f" Telegram, {selection.by_channel.get('sms', 0)} SMS); "
                        f"{selection.left_out} left out (STOP, no consent or paused)")
    return Sent(row.id, queued, selection.left_out)


def after_quiet_hours(connection: Connection, content: ContentLibrary, now: datetime) -> int:
    """Copies that expired unsent (their person's quiet hours began first) queued again for
    when those quiet hours end, if the person may still have one; how many."""
    rows = connection.execute(
        select(BroadcastCopy.id, BroadcastCopy.person_id, BroadcastCopy.attempt,
               Broadcast.id.label("broadcast_id"), Broadcast.text, Broadcast.audience)
        .join(Broadcast, Broadcast.id == BroadcastCopy.broadcast_id)
        .join(OutboxMessage, OutboxMessage.id == BroadcastCopy.outbox_id)
        .where(OutboxMessage.status == "skipped", Broadcast.status == SENT,
               Broadcast.scheduled_at > now - GIVE_UP_AFTER)
        .order_by(BroadcastCopy.id)).all()
    again = 0
    for row in rows:
        selection = who.recipients(connection, who.Audience.from_json(row.audience), now,
                                   only=[row.person_id])
        if not selection.recipients:
            continue  # STOP, consent or a pause since: it stays not sent
        # Taken by this run alone: another worker doing the same finds the attempt moved on.
        taken = connection.execute(update(BroadcastCopy).where(
            BroadcastCopy.id == row.id, BroadcastCopy.attempt == row.attempt).values(
            attempt=row.attempt + 1)).rowcount
        if taken:
            again += _queue_copy(connection, content, row.broadcast_id, row.text,
                                 selection.recipients[0], row.attempt + 1, now,
                                 copy_id=row.id)
    return again


def take_back(connection: Connection, now: datetime) -> int:
    """Copies still waiting to go whose person withdrew consent to messages, paused or
    deleted their account since they were queued: cancelled; how many. (STOP needs
    nothing here: it cancels what is queued to that address at once.)"""
    rows = connection.execute(
        select(OutboxMessage.id, Person.consent_encouragement, Person.onboarded_at,
               Person.status, Person.paused_until)
        .select_from(BroadcastCopy)
        .join(OutboxMessage, and_(OutboxMessage.id == BroadcastCopy.outbox_id,
                                  OutboxMessage.status == "queued"))
        .join(Person, Person.id == BroadcastCopy.person_id)
        # Only lately sent broadcasts can have copies waiting (read through their index).
        .join(Broadcast, Broadcast.id == BroadcastCopy.broadcast_id)
        .where(Broadcast.status == SENT,
               Broadcast.scheduled_at > now - GIVE_UP_AFTER - LONGEST_WAIT)).all()
    lapsed = [row.id for row in rows if not who.may_message(row, now)]
    if not lapsed:
        return 0
    return int(connection.execute(update(OutboxMessage).where(
        OutboxMessage.id.in_(lapsed), OutboxMessage.status == "queued")
        .values(status="cancelled", updated_at=now)).rowcount or 0)


def quiet_window(person: who.Recipient, now: datetime) -> tuple[datetime, datetime]:
    """(when their copy may go: now, or the end of the quiet hours `now` falls in; when
    their next quiet hours begin after that, when it expires)."""
    due_at = outside_quiet_hours(now, person.quiet_start, person.quiet_end)
    start = parse_hhmm(person.quiet_start, DEFAULT_QUIET[0])
    end = parse_hhmm(person.quiet_end, DEFAULT_QUIET[1])
    if start == end:
        return due_at, due_at + LONGEST_WAIT
    local = due_at.astimezone(LONDON)
    # The next moment at `start` on their clock: today's, or tomorrow's if it has passed.
    begins = datetime.combine(local.date(), start, tzinfo=LONDON)
    if begins <= local or in_quiet_hours(local.time(), start, end):
        begins = datetime.combine(local.date() + timedelta(days=1), start, tzinfo=LONDON)
    return due_at, min(begins.astimezone(due_at.tzinfo), due_at + LONGEST_WAIT)


def _queue_copy(connection: Connection, content: ContentLibrary, broadcast_id: int,
                text: str, person: who.Recipient, attempt: int, now: datetime, *,
                copy_id: int | None = None) -> int:
    """Record one person's copy (a new one, or `copy_id` again) and its outbox row; 1 if
    queued, 0 if this person already has one."""
    if copy_id is None:
        exists = connection.scalar(select(BroadcastCopy.id).where(
            BroadcastCopy.broadcast_id == broadcast_id,
            BroadcastCopy.person_id == person.person_id))
        if exists is not None:
            return 0
        copy_id = int(connection.execute(insert(BroadcastCopy).values(
            broadcast_id=broadcast_id, person_id=person.person_id, channel=person.channel,
            attempt=attempt, queued_at=now).returning(BroadcastCopy.id)).scalar_one())
    due_at, expires_at = quiet_window(person, now)
    message = as_sent(content.for_language(person.language), text)
    [outbox_id] = repo.queue_messages(
        connection, person_id=person.person_id, to=Address(person.channel, person.address),
        messages=[message], kind=KIND, priority=PRIORITY_BROADCAST,
        key_prefix=f"broadcast:{broadcast_id}:{person.person_id}:{attempt}", now=now,
        due_at=due_at, expires_at=expires_at)
    connection.execute(update(BroadcastCopy).where(BroadcastCopy.id == copy_id).values(
        outbox_id=outbox_id, channel=person.channel, queued_at=now))
    return 1
