"""Telegram groups as the staff console shows them: each group's rules and settings, the
members with strikes (by a safe name: the name they gave us if they have talked to the
bot, else a number; never a Telegram id or handle), and the posts held back for a helper.
A held post's words are shown one at a time, and each look is in the audit log; deciding
on one is `group_posts.settle_held`, the helpers' own rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select

from bot.core.content import Content
from bot.peers.chats import audit
from bot.peers.group_posts import member_target
from bot.peers.models import Group, GroupMember, HeldMessage
from bot.peers.moderation import StaffActor
from bot.peers.whereabouts import alias_of

GROUPS_SHOWN = 50


@dataclass(frozen=True)
class Member:
    """A member who has had strikes (or been muted or removed). `name`: what they asked us
    to call them, if they have talked to the bot; else None and `number` labels them."""

    number: int
    name: str | None
    strikes: int
    muted_until: datetime | None
    removed_at: datetime | None


@dataclass(frozen=True)
class Held:
    id: int
    chat_id: int
    group: str
    member: str | None
    member_number: int | None
    created_at: datetime
    status: str
    text: str = ""


@dataclass(frozen=True)
class GroupView:
    chat_id: int
    title: str
    rules: str
    custom_rules: bool
    strike_limit: int
    hold_new_member_links: bool
    new_member_days: int
    members: list[Member] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)


def groups(connection: Connection, content: Content) -> list[GroupView]:
    """Every group with its rules, the members with strikes and the posts still held
    (their words are not here: see `held_post`)."""
    found = []
    for group in connection.execute(select(Group).order_by(Group.title, Group.chat_id)
                                    .limit(GROUPS_SHOWN)).mappings():
        members = [Member(row.id, _name(connection, content, row.person_id), row.strikes,
                          row.muted_until, row.removed_at)
                   for row in connection.execute(
                       select(GroupMember).where(
                           GroupMember.chat_id == group["chat_id"],
                           or_(GroupMember.strikes > 0, GroupMember.muted_until.is_not(None),
                               GroupMember.removed_at.is_not(None)))
                       .order_by(GroupMember.strikes.desc(), GroupMember.id))]
        held = [_held(connection, content, row, group["title"]) for row in connection.execute(
            select(HeldMessage).where(HeldMessage.chat_id == group["chat_id"],
                                      HeldMessage.status == "held")
            .order_by(HeldMessage.created_at, HeldMessage.id))]
        found.append(GroupView(group["chat_id"], group["title"],
                               group["rules"] or content.text("groups.rules.default"),
                               group["rules"] is not None, group["strike_limit"],
                               group["hold_new_member_links"], group["new_member_days"],
                               members, held))
    return found


def held_post(connection: Connection, content: Content, held_id: int, staff: StaffActor,
              now: datetime) -> Held | None:
    """One held post with its words (while it waits), for a member of staff: each look
    is in the audit log."""
    row = connection.execute(select(HeldMessage).where(HeldMessage.id == held_id)).first()
    if row is None:
        return None
    title = connection.scalar(select(Group.title).where(Group.chat_id == row.chat_id)) or ""
    audit(connection, now, None, "held_viewed", staff_id=staff.id,
          target=member_target(row.chat_id, row.telegram_id), detail=f"held:{held_id}")
    return _held(connection, content, row, title, with_text=True)


def _held(connection: Connection, content: Content, row: Any, title: str, *,
          with_text: bool = False) -> Held:
    member = connection.execute(select(GroupMember.id, GroupMember.person_id).where(
        GroupMember.chat_id == row.chat_id, GroupMember.telegram_id == row.telegram_id)
    ).first()
    name = _name(connection, content, member.person_id) if member else None
    return Held(row.id, row.chat_id, title, name, member.id if member else None,
                row.created_at, row.status, row.text if with_text else "")


def _name(connection: Connection, content: Content, person_id: int | None) -> str | None:
    return alias_of(connection, person_id, content, reader=None) if person_id else None
