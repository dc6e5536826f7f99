"""Storage operations the engine and channels need, each inside a caller's transaction.

These are plain synchronous SQL on a Connection, run through `Database.run`: the engine's
path runs for every message, and both the ORM's bookkeeping and per-statement async
hand-offs cost several times more than the database work itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, Update, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.core.events import Address, Outbound
from bot.core.turn import FlowState, Profile
from bot.storage.models import (
    AppKey,
    HealthDetail,
    Identity,
    ImpactEvent,
    InboundSeen,
    LinkCode,
    OutboxMessage,
    Person,
    Reminder,
)

# Person columns that a conversation's Profile maps onto, one to one.
PROFILE_COLUMNS = ("role", "language", "name", "consent_health", "consent_encouragement",
                   "district", "latitude", "longitude", "paused_until", "gentle_until",
                   "quiet_start",
                   "quiet_end", "referral_source", "onboarded_at")
_PERSONS = Person.__table__
_IDENTITIES = Identity.__table__
_HEALTH = HealthDetail.__table__
_OUTBOX = OutboxMessage.__table__
_PERSON_COLUMNS = list(_PERSONS.c)
_SAVED_COLUMNS = (*PROFILE_COLUMNS, "answers", "flow", "step", "flow_data", "updated_at",
                  "state_version", "consents_changed_at")

# Statements built once: building them per message costs more than running them.
_LOAD = (
    select(_IDENTITIES.c.id.label("identity_id"), _IDENTITIES.c.opted_out_at,
           _IDENTITIES.c.unreachable_at, _IDENTITIES.c.recent_words,
           _IDENTITIES.c.recent_words_at, _HEALTH.c.notes.label("health_notes"),
           *_PERSON_COLUMNS)
    .select_from(_IDENTITIES.join(_PERSONS, _PERSONS.c.id == _IDENTITIES.c.person_id)
                 .outerjoin(_HEALTH, _HEALTH.c.person_id == _PERSONS.c.id))
    .where(_IDENTITIES.c.channel == bindparam("channel"),
           _IDENTITIES.c.address == bindparam("address"))
)
_LOAD_LOCKED = _LOAD.with_for_update(of=_PERSONS)
_SAVE = (
    update(_PERSONS)
    .where(_PERSONS.c.id == bindparam("b_id"),
           _PERSONS.c.state_version == bindparam("b_version"))
    .values({name: bindparam(name) for name in _SAVED_COLUMNS})
)
_INSERT_OUTBOX = insert(_OUTBOX).returning(_OUTBOX.c.id)
_INSERT_IMPACT = insert(ImpactEvent.__table__)
_NEW_KEY = {
    "sqlite": sqlite_insert(AppKey.__table__).on_conflict_do_nothing(),
    "postgresql": postgres_insert(AppKey.__table__).on_conflict_do_nothing(),
}
_MARK_SEEN = {
    "sqlite": sqlite_insert(InboundSeen.__table__).on_conflict_do_nothing(),
    "postgresql": postgres_insert(InboundSeen.__table__).on_conflict_do_nothing(),
}


class ConcurrentUpdate(Exception):
    """Another worker changed this person first; the caller retries from the top."""


@dataclass
class Stored:
    """A person as loaded for one event: their row, the identity they wrote from, health."""

    identity_id: int
    opted_out_at: datetime | None
    unreachable_at: datetime | None
    person: dict[str, Any]
    health_notes: str | None
    # The end of their last message on this channel, and when (a split crisis).
    recent_words: str | None = None
    recent_words_at: datetime | None = None

    @property
    def person_id(self) -> int:
        return int(self.person["id"])


def id_hash_key(connection: Connection) -> bytes:
    """This database's HMAC key for identifiers (32 random bytes, made by migration 0010).
    Read in the caller's transaction, never cached: a key made here by a transaction that
    then rolls back must not outlive it."""
    value = connection.scalar(select(AppKey.value).where(AppKey.name == "id_hash"))
    if value is None:  # a database made without the migration (it makes the key)
        connection.execute(_NEW_KEY[connection.dialect.name],
                           {"name": "id_hash", "value": secrets.token_hex(32)})
        value = connection.scalar(select(AppKey.value).where(AppKey.name == "id_hash"))
    return bytes.fromhex(str(value))


def opaque(connection: Connection, text: str) -> str:
    """`text` (which may hold a phone number or a Telegram id) as an HMAC-SHA256 under this
    database's key: equal texts give equal keys, and nothing in it says whose it was."""
    return hmac.new(id_hash_key(connection), text.encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()[:40]


def seen_key(external_id: str) -> str:
    """What is kept of an inbound id: its SHA-256 (hex), so the table holds no provider id
    and every key fits the column however long the id."""
    return hashlib.sha256(external_id.encode("utf-8", "surrogatepass")).hexdigest()


def already_seen(connection: Connection, channel: str, external_id: str) -> bool:
    return connection.scalar(select(func.count()).select_from(InboundSeen).where(
        InboundSeen.channel == channel, InboundSeen.external_id == seen_key(external_id))) == 1


def mark_seen(connection: Connection, channel: str, external_id: str, now: datetime) -> bool:
    """Remember an inbound id (hashed); False if it was already there (a redelivery or a
    replay, for as long as retention.SEEN_IDS_KEPT_FOR)."""
    result = connection.execute(
        _MARK_SEEN[connection.dialect.name],
        {"channel": channel, "external_id": seen_key(external_id), "received_at": now})
    return bool(result.rowcount)


def load(connection: Connection, address: Address, *, lock: bool) -> Stored | None:
    """The person behind an address, in one query (locked for the transaction if asked)."""
    result = connection.execute(_LOAD_LOCKED if lock else _LOAD,
                                      {"channel": address.channel, "address": address.address})
    row = result.mappings().first()
    if row is None:
        return None
    return Stored(
        identity_id=row["identity_id"],
        opted_out_at=row["opted_out_at"],
        unreachable_at=row["unreachable_at"],
        person={c.key: row[c.key] for c in _PERSON_COLUMNS},
        health_notes=row["health_notes"],
        recent_words=row["recent_words"],
        recent_words_at=row["recent_words_at"],
    )


def create_person(connection: Connection, address: Address, now: datetime,
                        referral: str | None = None) -> Stored:
    person_id = connection.scalar(
        insert(Person).values(
            created_at=now, updated_at=now, role="resident", status="active", language="en",
            answers={}, flow_data={}, quiet_start="21:00", quiet_end="08:30",
            referral_source=referral, state_version=1,
        ).returning(Person.id)
    )
    connection.execute(insert(Identity).values(
        person_id=person_id, channel=address.channel, address=address.address, created_at=now))
    found = load(connection, address, lock=False)
    assert found is not None
    return found


def to_profile(stored: Stored) -> Profile:
    person = stored.person
    return Profile(
        person_id=stored.person_id,
        answers=dict(person["answers"] or {}),
        health_notes=stored.health_notes,
        **{column: person[column] for column in PROFILE_COLUMNS},
    )


def to_state(stored: Stored) -> FlowState:
    person = stored.person
    return FlowState(person["flow"], person["step"], dict(person["flow_data"] or {}))


def close_flow(connection: Connection, person_id: int) -> bool:
    """Close whatever question someone else was left facing (their peer chat has just
    started, so what they send next is for their peer). Their last turn's time stays, and
    the version moves on, so a turn of theirs running now retries and sees it closed."""
    result = connection.execute(
        update(Person).where(Person.id == person_id, Person.flow.is_not(None))
        .values(flow=None, step=None, flow_data={},
                state_version=Person.state_version + 1))
    return bool(result.rowcount)


def save(connection: Connection, stored: Stored, profile: Profile, state: FlowState,
               now: datetime) -> None:
    """Write a conversation's results back, if nobody else wrote this person meanwhile."""
    person = stored.person
    values: dict[str, Any] = {column: getattr(profile, column) for column in PROFILE_COLUMNS}
    consents_changed = (person["consent_health"], person["consent_encouragement"]) != (
        profile.consent_health, profile.consent_encouragement)
    values.update(answers=dict(profile.answers), flow=state.flow, step=state.step,
                  flow_data=dict(state.data), updated_at=now,
                  state_version=person["state_version"] + 1,
                  consents_changed_at=now if consents_changed else person["consents_changed_at"],
                  b_id=stored.person_id, b_version=person["state_version"])
    result = connection.execute(_SAVE, values)
    if not result.rowcount:
        raise ConcurrentUpdate(stored.person_id)
    _save_health(connection, stored, profile, now)


def _save_health(connection: Connection, stored: Stored, profile: Profile,
                       now: datetime) -> None:
    """Health details exist only while there is consent to keep them."""
    notes = profile.health_notes if profile.consent_health else None
    if notes == stored.health_notes:
        return
    if notes is None:
        connection.execute(delete(HealthDetail).where(
            HealthDetail.person_id == stored.person_id))
    elif stored.health_notes is None:
        connection.execute(insert(HealthDetail).values(
            person_id=stored.person_id, notes=notes, updated_at=now))
    else:
        connection.execute(update(HealthDetail).where(
            HealthDetail.person_id == stored.person_id).values(notes=notes, updated_at=now))


def update_identity(connection: Connection, identity_id: int, **values: Any) -> None:
    connection.execute(_update_identity(tuple(sorted(values))),
                             {**values, "b_id": identity_id})


@cache
def _update_identity(columns: tuple[str, ...]) -> Update:
    return (update(_IDENTITIES).where(_IDENTITIES.c.id == bindparam("b_id"))
            .values({name: bindparam(name) for name in columns}))


def queue_messages(connection: Connection, *, person_id: int | None, to: Address,
                   messages: Sequence[Outbound], kind: str, priority: int, key_prefix: str,
                   now: datetime, due_at: datetime | None = None,
                   expires_at: datetime | None = None,
                   bypass_suppression: bool = False) -> list[int]:
    """Record outbound messages; the dispatcher sends them. Returns their ids. The key is
    kept only as `opaque(key_prefix)`: prefixes carry addresses ("in:sms:+44...")."""
    if not messages:
        return []
    prefix = opaque(connection, key_prefix)
    rows = [
        {"person_id": person_id, "channel": to.channel, "address": to.address, "kind": kind,
         "priority": priority, "payload": message.to_json(),
         "idempotency_key": f"{prefix}:{n}", "due_at": due_at or now,
         "expires_at": expires_at, "status": "queued",
         "attempts": 0, "parts_sent": 0, "bypass_suppression": bypass_suppression,
         "created_at": now, "updated_at": now}
        for n, message in enumerate(messages)
    ]
    if len(rows) == 1:
        inserted = [connection.execute(_INSERT_OUTBOX, rows[0]).scalar_one()]
    else:
        result = connection.execute(_INSERT_OUTBOX, rows)
        inserted = list(result.scalars())
    return [int(i) for i in inserted]


def add_reminder(connection: Connection, person_id: int, kind: str, due_at: datetime,
                 payload: dict[str, Any], now: datetime) -> bool:
    """Come back to this person at `due_at` (one reminder per kind and day). False when
    that day already has one of this kind."""
    from bot.core.london import local_date

    exists = connection.scalar(select(func.count()).select_from(Reminder).where(
        Reminder.person_id == person_id, Reminder.kind == kind,
        Reminder.slot_date == local_date(due_at)))
    if not exists:
        connection.execute(insert(Reminder.__table__).values(
            person_id=person_id, kind=kind, slot_date=local_date(due_at), due_at=due_at,
            expires_at=due_at + timedelta(days=2), payload=payload, status="pending",
            created_at=now))
    return not exists


def cancel_queued(connection: Connection, channel: str, address: str, now: datetime, *,
                  leave_kinds: Collection[str] = ()) -> int:
    """Nothing queued may reach someone who has just opted out. Rows of `leave_kinds` stay
    queued: the dispatcher suppresses them at its next look (their identity is opted out
    in this same transaction, and it checks again as it marks a row sending) and runs
    their undelivered hooks, so the writer of a relay waiting there hears it didn't go."""
    query = update(OutboxMessage).where(
        OutboxMessage.channel == channel, OutboxMessage.address == address,
        OutboxMessage.status == "queued", OutboxMessage.bypass_suppression.is_(False))
    if leave_kinds:
        query = query.where(OutboxMessage.kind.not_in(list(leave_kinds)))
    result = connection.execute(query.values(status="cancelled", updated_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


def other_channels(connection: Connection, person_id: int, identity_id: int) -> list[str]:
    """The channels of their other identities we may still message, most recent first."""
    return list(connection.scalars(select(Identity.channel).where(
        Identity.person_id == person_id, Identity.id != identity_id,
        Identity.opted_out_at.is_(None), Identity.unreachable_at.is_(None))
        .order_by(Identity.last_inbound_at.desc().nulls_last(), Identity.id.desc())))


def core_record(connection: Connection, person_id: int) -> tuple[list[tuple[str, str, Any]], int]:
    """The core tables' part of "my data": their identities (channel, the last four digits
    of a number, when they opted out) and how many messages we hold that were sent."""
    identities = (connection.execute(
        select(Identity.channel, Identity.address, Identity.opted_out_at)
        .where(Identity.person_id == person_id).order_by(Identity.id)
    )).all()
    count = connection.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.person_id == person_id,
               OutboxMessage.status.in_(("sent", "delivered")))
    )
    # Only the last digits of a number: enough to recognise, not enough to leak.
    shown = [(channel, address[-4:] if channel == "sms" else "", opted_out)
             for channel, address, opted_out in identities]
    return shown, int(count or 0)


def telegram_accounts(connection: Connection, person_id: int) -> list[int]:
    """The Telegram user ids behind a person's identities."""
    accounts = connection.scalars(select(Identity.address).where(
        Identity.person_id == person_id, Identity.channel == "telegram"))
    return [int(a) for a in accounts if a.lstrip("-").isdigit()]


def erase_person(connection: Connection, person_id: int) -> None:
    """Irreversible: the person, their identities, health details, link codes and
    messages from the core tables. Each feature forgets its own rows first
    (`bot/extensions/privacy.py` runs them all)."""
    connection.execute(delete(OutboxMessage).where(OutboxMessage.person_id == person_id))
    connection.execute(delete(HealthDetail).where(HealthDetail.person_id == person_id))
    connection.execute(delete(LinkCode).where(LinkCode.person_id == person_id))
    connection.execute(delete(Identity).where(Identity.person_id == person_id))
    connection.execute(delete(Person).where(Person.id == person_id))


def record_impact(connection: Connection, kind: str, now: datetime,
                        detail: str | None = None, channel: str | None = None) -> None:
    connection.execute(_INSERT_IMPACT, {"occurred_at": now, "kind": kind,
                                              "detail": detail, "channel": channel})
