"""The tables. Every change here needs an Alembic migration; a test checks they agree."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONData = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSONData}


class Person(Base):
    """One resident or volunteer. Their channel identities point here."""

    __tablename__ = "persons"
    # Never reuse an erased person's id for someone new.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    role: Mapped[str] = mapped_column(String(16), default="resident")
    status: Mapped[str] = mapped_column(String(16), default="active")
    language: Mapped[str] = mapped_column(String(8), default="en")
    name: Mapped[str | None] = mapped_column(String(80))
    consent_health: Mapped[bool | None] = mapped_column(Boolean)
    consent_encouragement: Mapped[bool | None] = mapped_column(Boolean)
    consents_changed_at: Mapped[datetime | None]
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    district: Mapped[str | None] = mapped_column(String(8))
    # A shared location, rounded to about a kilometre: enough to find nearby places.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    paused_until: Mapped[datetime | None]
    # After a hard week or a flare-up: fewer, gentler messages until then.
    gentle_until: Mapped[datetime | None]
    quiet_start: Mapped[str] = mapped_column(String(5), default="21:00")
    quiet_end: Mapped[str] = mapped_column(String(5), default="08:30")
    referral_source: Mapped[str | None] = mapped_column(String(40))
    onboarded_at: Mapped[datetime | None]
    # Where the person is in a conversation; `state_version` guards against two workers
    # handling the same person at once.
    flow: Mapped[str | None] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(40))
    flow_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state_version: Mapped[int] = mapped_column(Integer, default=0)

    identities: Mapped[list[Identity]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )
    health: Mapped[HealthDetail | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )
    __mapper_args__ = {"version_id_col": state_version}


class HealthDetail(Base):
    """Health details a person chose to share: special-category data, kept apart."""

    __tablename__ = "health_details"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    notes: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class LinkCode(Base):
    """A one-time code that joins a second channel to a person: six digits texted to a
    phone typed on Telegram (`kind` "sms"), or a `t.me` link texted to an SMS user ("telegram").
    Only an HMAC of the code is kept; `address` (the phone number to join) lives only as
    long as the code (10 minutes, then retention removes it)."""

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str | None] = mapped_column(String(64))
    tries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Identity(Base):
    """How to reach a person on one channel: a Telegram chat, a phone number, a console name."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_inbound_at: Mapped[datetime | None]
    opted_out_at: Mapped[datetime | None]
    unreachable_at: Mapped[datetime | None]
    # The end of their last message, kept minutes (RECENT_WORDS_FOR in the engine) so a
    # crisis split over two messages is screened whole; then forgotten (retention).
    recent_words: Mapped[str | None] = mapped_column(String(200))
    recent_words_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(back_populates="identities")


class OutboxMessage(Base):
    """Every message the bot sends, recorded before it is sent."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("person_id", "slot_kind", "slot_date"),
        # Lookups by person use the slot constraint's index (it starts with person_id);
        # every extra index costs on each of the hundreds of thousands of planned rows.
        Index("ix_outbox_due", "status", "channel", "priority", "due_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))
    priority: Mapped[int] = mapped_column(SmallInteger, default=5)
    payload: Mapped[dict[str, Any]]
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    slot_kind: Mapped[str | None] = mapped_column(String(24))
    slot_date: Mapped[date | None] = mapped_column(Date)
    due_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    segments: Mapped[int | None] = mapped_column(Integer)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(String(64))
    bypass_suppression: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


# Messages to one address keep their order: "is anything earlier to this address still to
# go?" is asked for every row the dispatcher claims (migration 0014). Only unsettled rows.
_UNSETTLED = OutboxMessage.status.in_(("queued", "claimed", "sending"))
Index("ix_outbox_line", OutboxMessage.channel, OutboxMessage.address,
      sqlite_where=_UNSETTLED, postgresql_where=_UNSETTLED)


class Delivery(Base):
    """One message as the provider knows it (an SMS part has its own id), for delivery
    receipts. Goes when its outbox row goes."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("channel", "provider_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"),
                                           index=True)
    channel: Mapped[str] = mapped_column(String(16))
    provider_ref: Mapped[str] = mapped_column(String(64))
    part: Mapped[int] = mapped_column(Integer, default=1)
    segments: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="sent")
    error: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class Reminder(Base):
    """Something due for a person at a time (a check-in, a follow-up): when due, the
    scheduler hands it to the engine like a message. One per person, kind and day."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("person_id", "kind", "slot_date"),
                      Index("ix_reminders_due", "status", "due_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    slot_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class AppKey(Base):
    """Secrets the service makes for itself, once per database: "id_hash" keys the HMAC
    that keeps phone numbers and Telegram ids out of idempotency keys (repository.opaque)."""

    __tablename__ = "app_keys"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class InboundSeen(Base):
    """Ids of inbound updates already handled, so a redelivery is processed once."""

    __tablename__ = "inbound_seen"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class ImpactEvent(Base):
    """Anonymous counts for coordinators: no person id, no text, nothing that identifies."""

    __tablename__ = "impact_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(16))


# Staff: volunteers (peer supporters, moderators, coordinators) and what they did. Core
# tables, because peer support, groups and safety alerts all read who is on the team.
class Volunteer(Base):
    """A peer supporter or group moderator: a person with a volunteer role and their terms."""

    __tablename__ = "volunteers"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # supporter | moderator | coordinator
    alias: Mapped[str | None] = mapped_column(String(40))
    capacity: Mapped[int] = mapped_column(Integer, default=1)  # people supported at once
    availability: Mapped[dict[str, Any]] = mapped_column(default=dict)  # days, times
    activities: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what they'd go along to
    # Experience of a condition, only if they chose to share it for matching.
    shared_experience: Mapped[str | None] = mapped_column(String(200))
    agreed_conduct_at: Mapped[datetime | None]
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # On the duty team: told at once of safety alerts (ON DUTY / OFF DUTY).
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AuditEntry(Base):
    """Every moderator and coordinator action, who did it and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)  # kept even if the actor leaves
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    # A member of staff in the web console (`staff_accounts.id`, never deleted); actor_id
    # is then empty. No foreign key: storage knows no feature's tables.
    actor_staff_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(String(500))


def utcnow() -> datetime:
    return datetime.now(UTC)
