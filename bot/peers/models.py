"""Tables for peer support: volunteers, invites, matching, relayed conversations, groups,
moderation cases and the audit log. Registered on the one `Base` (see storage/models.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base


class Invite(Base):
    """A one-time code that makes whoever uses it a volunteer of the given role."""

    __tablename__ = "volunteer_invites"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))


class BuddyRequest(Base):
    """A resident asking to be connected with a peer supporter."""

    __tablename__ = "buddy_requests"
    __table_args__ = (Index("ix_buddy_requests_open", "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    # waiting -> offered (to a supporter) -> matched | cancelled
    share_experience: Mapped[str | None] = mapped_column(String(200))
    offered_to: Mapped[int | None] = mapped_column(ForeignKey("persons.id",
                                                              ondelete="SET NULL"))
    declined_by: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"ids": [...]}
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PeerChat(Base):
    """A resident and a supporter talking through the bot, neither seeing the other's
    number or account."""

    __tablename__ = "peer_connections"
    __table_args__ = (Index("ix_peer_connections_members", "resident_id", "supporter_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("buddy_requests.id", ondelete="SET NULL"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    supporter_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    # awaiting_resident -> active <-> paused -> ended; reported pauses it for a moderator
    status: Mapped[str] = mapped_column(String(20), default="awaiting_resident")
    resident_shares_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    supporter_shares_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class RelayedMessage(Base):
    """What passed through a connection: kept so a report can show moderators the recent
    history, and counted to stop spam. Deleted with the connection's people."""

    __tablename__ = "relayed_messages"
    __table_args__ = (Index("ix_relayed_messages_connection", "connection_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("peer_connections.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    held: Mapped[bool] = mapped_column(Boolean, default=False)  # contact details held back
    segments: Mapped[int] = mapped_column(Integer, default=0)  # SMS cost, for coordinators
    # The message as the other person got it: scrubbed if the sender asks to be forgotten.
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class ModerationCase(Base):
    """A report: a relayed conversation or a group message, for moderators to handle."""

    __tablename__ = "moderation_cases"
    __table_args__ = (Index("ix_moderation_cases_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # connection | group
    connection_id: Mapped[int | None] = mapped_column(
        ForeignKey("peer_connections.id", ondelete="SET NULL"))
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id",
                                                               ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id",
                                                              ondelete="SET NULL"))
    subject_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(500))
    history: Mapped[dict[str, Any]] = mapped_column(default=dict)  # recent messages, as seen
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)


class Group(Base):
    """A volunteer-moderated Telegram group the bot administers."""

    __tablename__ = "peer_groups"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    title: Mapped[str] = mapped_column(String(128))
    rules: Mapped[str | None] = mapped_column(Text)  # None: the default rules in content/
    strike_limit: Mapped[int] = mapped_column(Integer, default=3)
    hold_new_member_links: Mapped[bool] = mapped_column(Boolean, default=True)
    new_member_days: Mapped[int] = mapped_column(Integer, default=7)
    created_at: Mapped[datetime]


class GroupMember(Base):
    __tablename__ = "peer_group_members"
    __table_args__ = (UniqueConstraint("chat_id", "telegram_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("peer_groups.chat_id", ondelete="CASCADE"))
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    strikes: Mapped[int] = mapped_column(Integer, default=0)
    muted_until: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    joined_at: Mapped[datetime]


class GroupInvite(Base):
    """A one-time invite link, given in a private chat after someone accepts the rules."""

    __tablename__ = "peer_group_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("peer_groups.chat_id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    link: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class HeldMessage(Base):
    """A group message held for a moderator (a new member posting a number or a link)."""

    __tablename__ = "peer_group_held"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("peer_groups.chat_id", ondelete="CASCADE"))
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="held")  # held|approved|removed
    created_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
