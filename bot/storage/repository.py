"""Storage operations the engine and channels need, each on a caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.engine.events import Address, Outbound
from bot.engine.session import FlowState, PersonRecord, Profile
from bot.storage.models import (
    HealthDetail,
    Identity,
    ImpactEvent,
    InboundSeen,
    OutboxMessage,
    Person,
)

FINAL_STATUSES = ("sent", "delivered", "failed", "unknown", "suppressed", "skipped", "cancelled")


async def already_seen(session: AsyncSession, channel: str, external_id: str) -> bool:
    found = await session.get(InboundSeen, (channel, external_id))
    return found is not None


async def mark_seen(session: AsyncSession, channel: str, external_id: str, now: datetime) -> None:
    session.add(InboundSeen(channel=channel, external_id=external_id, received_at=now))
    await session.flush()


async def find_identity(session: AsyncSession, address: Address, *, lock: bool) -> Identity | None:
    query = (
        select(Identity)
        .where(Identity.channel == address.channel, Identity.address == address.address)
        .options(selectinload(Identity.person).selectinload(Person.health),
                 selectinload(Identity.person).selectinload(Person.identities))
    )
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def create_person(session: AsyncSession, address: Address, now: datetime,
                        referral: str | None = None) -> Identity:
    person = Person(created_at=now, updated_at=now, answers={}, flow_data={},
                    referral_source=referral, health=None)
    identity = Identity(channel=address.channel, address=address.address, created_at=now)
    person.identities.append(identity)
    identity.person = person
    session.add(person)
    await session.flush()
    return identity


def to_profile(person: Person) -> Profile:
    return Profile(
        person_id=person.id,
        role=person.role,
        language=person.language,
        name=person.name,
        consent_health=person.consent_health,
        consent_encouragement=person.consent_encouragement,
        answers=dict(person.answers or {}),
        district=person.district,
        latitude=person.latitude,
        longitude=person.longitude,
        health_notes=person.health.notes if person.health is not None else None,
        paused_until=person.paused_until,
        quiet_start=person.quiet_start,
        quiet_end=person.quiet_end,
        referral_source=person.referral_source,
        onboarded_at=person.onboarded_at,
    )


def to_state(person: Person) -> FlowState:
    return FlowState(person.flow, person.step, dict(person.flow_data or {}))


def save(person: Person, profile: Profile, state: FlowState, now: datetime) -> None:
    """Copy a conversation's results back onto the stored person."""
    if (person.consent_health, person.consent_encouragement) != (
        profile.consent_health, profile.consent_encouragement
    ):
        person.consents_changed_at = now
    person.language = profile.language
    person.name = profile.name
    person.consent_health = profile.consent_health
    person.consent_encouragement = profile.consent_encouragement
    person.answers = dict(profile.answers)
    person.district = profile.district
    person.latitude = profile.latitude
    person.longitude = profile.longitude
    person.paused_until = profile.paused_until
    person.quiet_start = profile.quiet_start
    person.quiet_end = profile.quiet_end
    person.referral_source = profile.referral_source
    person.onboarded_at = profile.onboarded_at
    person.flow, person.step, person.flow_data = state.flow, state.step, dict(state.data)
    # Health details exist only while there is consent to keep them.
    notes = profile.health_notes if profile.consent_health else None
    if notes:
        if person.health is None:
            person.health = HealthDetail(notes=notes, updated_at=now)
        elif person.health.notes != notes:
            person.health.notes, person.health.updated_at = notes, now
    elif person.health is not None:
        person.health = None
    person.updated_at = now


def queue_messages(session: AsyncSession, *, person_id: int | None, to: Address,
                   messages: Sequence[Outbound], kind: str, priority: int, key_prefix: str,
                   now: datetime, bypass_suppression: bool = False) -> list[OutboxMessage]:
    rows = []
    for n, message in enumerate(messages):
        row = OutboxMessage(
            person_id=person_id, channel=to.channel, address=to.address, kind=kind,
            priority=priority, payload=message.to_json(), idempotency_key=f"{key_prefix}:{n}",
            due_at=now, status="queued", attempts=0, bypass_suppression=bypass_suppression,
            created_at=now, updated_at=now,
        )
        session.add(row)
        rows.append(row)
    return rows


async def cancel_queued(session: AsyncSession, channel: str, address: str, now: datetime) -> int:
    """Nothing queued may reach someone who has just opted out."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.channel == channel, OutboxMessage.address == address,
               OutboxMessage.status == "queued", OutboxMessage.bypass_suppression.is_(False))
        .values(status="cancelled", updated_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def person_record(session: AsyncSession, person: Person) -> PersonRecord:
    count = await session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.person_id == person.id,
               OutboxMessage.status.in_(("sent", "delivered")))
    )
    # Only the last digits of a number: enough to recognise, not enough to leak.
    identities = [(i.channel, i.address[-4:] if i.channel == "sms" else "", i.opted_out_at)
                  for i in person.identities]
    return PersonRecord(identities=identities, messages_stored=int(count or 0),
                        created_at=person.created_at)


async def erase_person(session: AsyncSession, person_id: int) -> None:
    """Irreversible: the person, their identities, health details, state and messages."""
    await session.execute(delete(OutboxMessage).where(OutboxMessage.person_id == person_id))
    await session.execute(delete(HealthDetail).where(HealthDetail.person_id == person_id))
    await session.execute(delete(Identity).where(Identity.person_id == person_id))
    await session.execute(delete(Person).where(Person.id == person_id))


def record_impact(session: AsyncSession, kind: str, now: datetime, detail: str | None = None,
                  channel: str | None = None) -> None:
    session.add(ImpactEvent(occurred_at=now, kind=kind, detail=detail, channel=channel))


def payload_of(row: OutboxMessage) -> dict[str, Any]:
    return dict(row.payload or {})
