"""Storage for groups: plain synchronous SQL on a Connection, run through `Database.run`
like the rest of the hot path. Every function works inside its caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.core.textnorm import storable
from bot.peers.group_posts import (  # noqa: F401 (the groups' own names for them)
    CHANNEL,
    HeldInfo,
    Reach,
    decide_held,
    get_held,
    reach_of,
)
from bot.peers.models import Group, GroupInvite, GroupMember, HeldMessage, ModerationCase
from bot.storage.models import AuditEntry, Identity, OutboxMessage, Volunteer

MODERATOR_ROLES = ("moderator", "coordinator")
MAX_LISTED = 30
# A held message waits this long for a helper, then is forgotten: it may hold a number.
HELD_KEPT_FOR = timedelta(days=14)
_GROUPS = Group.__table__
_MEMBERS = GroupMember.__table__
_HELD = HeldMessage.__table__
_IDENTITIES = Identity.__table__
_OUTBOX = OutboxMessage.__table__
_CASES = ModerationCase.__table__
_VOLUNTEERS = Volunteer.__table__
_INSERT_IGNORING = {"sqlite": sqlite_insert, "postgresql": postgres_insert}


@dataclass(frozen=True)
class GroupInfo:
    chat_id: int
    title: str
    rules: str | None
    strike_limit: int
    hold_new_member_links: bool
    new_member_days: int
    created_at: datetime


@dataclass(frozen=True)
class MemberInfo:
    telegram_id: int
    person_id: int | None
    strikes: int
    muted_until: datetime | None
    removed_at: datetime | None
    joined_at: datetime


def is_new_member(group: GroupInfo, member: MemberInfo | None, now: datetime) -> bool:
    """Joined under `new_member_days` ago, as we saw it happen. Rows made without seeing a
    join (people already in the group when the bot came) carry the group's own creation
    time as joined_at, so they never count as new."""
    if member is None or member.joined_at <= group.created_at:
        return False
    return now - member.joined_at < timedelta(days=group.new_member_days)


# -- groups -------------------------------------------------------------------------------
def get_group(connection: Connection, chat_id: int) -> GroupInfo | None:
    row = connection.execute(select(_GROUPS).where(_GROUPS.c.chat_id == chat_id)).mappings().first()
    return _group(row) if row else None


def list_groups(connection: Connection) -> list[GroupInfo]:
    rows = connection.execute(
        select(_GROUPS).order_by(_GROUPS.c.title, _GROUPS.c.chat_id).limit(MAX_LISTED))
    return [_group(row) for row in rows.mappings()]


def register_group(connection: Connection, chat_id: int, title: str, now: datetime) -> bool:
    """Add the group, or refresh its title; True if it is new."""
    title = storable(title or str(chat_id))[:128]
    inserted = connection.execute(
        _insert_ignoring(connection, Group).values(
            chat_id=chat_id, title=title, strike_limit=3, hold_new_member_links=True,
            new_member_days=7, created_at=now).on_conflict_do_nothing()).rowcount
    if not inserted:
        connection.execute(update(_GROUPS).where(_GROUPS.c.chat_id == chat_id,
                                                 _GROUPS.c.title != title).values(title=title))
    return bool(inserted)


def configure_group(connection: Connection, chat_id: int, **values: Any) -> None:
    if values:
        connection.execute(update(_GROUPS).where(_GROUPS.c.chat_id == chat_id).values(**values))


def forget_group(connection: Connection, chat_id: int) -> bool:
    """The bot left or was removed: the group is no longer offered. Its members, invites and
    held messages go with it (cascade); cases and the audit log stay."""
    return bool(connection.execute(delete(_GROUPS).where(_GROUPS.c.chat_id == chat_id)).rowcount)


def move_group(connection: Connection, old_chat_id: int, new_chat_id: int) -> bool:
    """A group became a supergroup and got a new id: carry everything over."""
    row = connection.execute(select(_GROUPS).where(_GROUPS.c.chat_id == old_chat_id)
                             ).mappings().first()
    if row is None or get_group(connection, new_chat_id) is not None:
        return False
    connection.execute(insert(_GROUPS).values({**row, "chat_id": new_chat_id}))
    for table in (_MEMBERS, GroupInvite.__table__, _HELD):
        connection.execute(update(table).where(table.c.chat_id == old_chat_id)
                           .values(chat_id=new_chat_id))
    connection.execute(delete(_GROUPS).where(_GROUPS.c.chat_id == old_chat_id))
    return True


def migrate_chat(connection: Connection, old_chat_id: int, new_chat_id: int) -> bool:
    """A group became a supergroup (Telegram's `migrate_to_chat_id`, or "group chat was
    upgraded to a supergroup chat" when we sent to it): the group, its members, invites and
    held messages, its open cases, and every message still waiting to go there move to the
    new id. Safe to run twice (the service message and a refused send both say so), and
    in any order: if the new id has itself moved on (old -> mid -> new), everything goes
    to the last one. A message being sent at that moment gets the new address too, so a
    retry goes where the group is. True if the group itself moved."""
    new_chat_id = moved_on(connection, new_chat_id)
    if new_chat_id == old_chat_id:
        return False
    moved = move_group(connection, old_chat_id, new_chat_id)
    connection.execute(update(_CASES).where(_CASES.c.group_chat_id == old_chat_id)
                       .values(group_chat_id=new_chat_id))
    connection.execute(
        update(_OUTBOX).where(_OUTBOX.c.channel == CHANNEL,
                              _OUTBOX.c.address == str(old_chat_id),
                              _OUTBOX.c.status.in_(("queued", "claimed", "sending")))
        .values(address=str(new_chat_id)))
    return moved


MOVED = "group_moved"  # the audit entry of a move: target "chat:<new>", detail "from chat:<old>"
_MOST_MOVES = 8


def moved_on(connection: Connection, chat_id: int) -> int:
    """Where a group that was `chat_id` is now, following recorded moves to the end."""
    seen = {chat_id}
    for _ in range(_MOST_MOVES):
        target = connection.scalar(
            select(AuditEntry.target).where(AuditEntry.action == MOVED,
                                            AuditEntry.detail == f"from chat:{chat_id}")
            .order_by(AuditEntry.id.desc()).limit(1))
        if not target or not target.startswith("chat:"):
            break
        try:
            onward = int(target.removeprefix("chat:"))
        except ValueError:
            break
        if onward in seen:
            break
        seen.add(onward)
        chat_id = onward
    return chat_id


# -- members ------------------------------------------------------------------------------
def get_member(connection: Connection, chat_id: int, telegram_id: int) -> MemberInfo | None:
    row = connection.execute(select(_MEMBERS).where(
        _MEMBERS.c.chat_id == chat_id, _MEMBERS.c.telegram_id == telegram_id)).mappings().first()
    return _member(row) if row else None


def record_join(connection: Connection, group: GroupInfo, telegram_id: int,
                now: datetime) -> bool:
    """Someone joined; True if this is news (Telegram may tell us twice about one join)."""
    reach = reach_of(connection, telegram_id)
    person_id = reach.person_id if reach else None
    inserted = connection.execute(
        _insert_ignoring(connection, GroupMember).values(
            chat_id=group.chat_id, telegram_id=telegram_id, person_id=person_id, strikes=0,
            joined_at=now).on_conflict_do_nothing()).rowcount
    if inserted:
        return True
    # Back after leaving or being removed: new again, so their links wait for a helper.
    return bool(connection.execute(
        update(_MEMBERS).where(_MEMBERS.c.chat_id == group.chat_id,
                               _MEMBERS.c.telegram_id == telegram_id,
                               _MEMBERS.c.removed_at.is_not(None))
        .values(joined_at=now, removed_at=None, muted_until=None,
                person_id=person_id)).rowcount)


def record_leave(connection: Connection, chat_id: int, telegram_id: int, now: datetime) -> None:
    connection.execute(update(_MEMBERS).where(
        _MEMBERS.c.chat_id == chat_id, _MEMBERS.c.telegram_id == telegram_id,
        _MEMBERS.c.removed_at.is_(None)).values(removed_at=now))


def ensure_member(connection: Connection, group: GroupInfo, telegram_id: int) -> None:
    """A row for someone whose join we never saw (see is_new_member)."""
    reach = reach_of(connection, telegram_id)
    connection.execute(
        _insert_ignoring(connection, GroupMember).values(
            chat_id=group.chat_id, telegram_id=telegram_id,
            person_id=reach.person_id if reach else None, strikes=0,
            joined_at=group.created_at).on_conflict_do_nothing())


def add_strike(connection: Connection, group: GroupInfo, telegram_id: int) -> int:
    """One more strike, counted in the database so two helpers at once both count."""
    ensure_member(connection, group, telegram_id)
    return int(connection.execute(
        update(_MEMBERS).where(_MEMBERS.c.chat_id == group.chat_id,
                               _MEMBERS.c.telegram_id == telegram_id)
        .values(strikes=_MEMBERS.c.strikes + 1).returning(_MEMBERS.c.strikes)).scalar_one())


def update_member(connection: Connection, group: GroupInfo, telegram_id: int,
                  **values: Any) -> None:
    ensure_member(connection, group, telegram_id)
    connection.execute(update(_MEMBERS).where(
        _MEMBERS.c.chat_id == group.chat_id, _MEMBERS.c.telegram_id == telegram_id
    ).values(**values))


# -- people -------------------------------------------------------------------------------
def mark_reachable(connection: Connection, telegram_id: int) -> None:
    """Writing to us proves we can reach them again (as the engine does for its messages)."""
    connection.execute(update(_IDENTITIES).where(
        _IDENTITIES.c.channel == CHANNEL, _IDENTITIES.c.address == str(telegram_id),
        _IDENTITIES.c.unreachable_at.is_not(None)).values(unreachable_at=None))


def moderator_id(connection: Connection, telegram_id: int) -> int | None:
    """The person id of a group helper (a moderator or coordinator in our own Volunteer
    table: being a Telegram admin is not enough), or None."""
    return connection.scalar(
        select(_VOLUNTEERS.c.person_id)
        .select_from(_VOLUNTEERS.join(_IDENTITIES,
                                      _IDENTITIES.c.person_id == _VOLUNTEERS.c.person_id))
        .where(_IDENTITIES.c.channel == CHANNEL, _IDENTITIES.c.address == str(telegram_id),
               _VOLUNTEERS.c.role.in_(MODERATOR_ROLES), _VOLUNTEERS.c.suspended_at.is_(None)))


def alert_recipients(connection: Connection) -> list[tuple[int, str]]:
    """(person id, Telegram chat) of every group helper on duty and reachable."""
    rows = connection.execute(
        select(_VOLUNTEERS.c.person_id, _IDENTITIES.c.address)
        .select_from(_VOLUNTEERS.join(_IDENTITIES,
                                      _IDENTITIES.c.person_id == _VOLUNTEERS.c.person_id))
        .where(_IDENTITIES.c.channel == CHANNEL, _VOLUNTEERS.c.role.in_(MODERATOR_ROLES),
               _VOLUNTEERS.c.suspended_at.is_(None), _VOLUNTEERS.c.paused.is_(False),
               _IDENTITIES.c.opted_out_at.is_(None), _IDENTITIES.c.unreachable_at.is_(None))
        .order_by(_VOLUNTEERS.c.person_id))
    return [(row.person_id, row.address) for row in rows]


# -- cases, audit, held messages, invites -------------------------------------------------
def audit(connection: Connection, now: datetime, action: str, *, actor_id: int | None = None,
          actor_telegram_id: int | None = None, target: str | None = None,
          case_id: int | None = None, detail: str | None = None) -> None:
    connection.execute(insert(AuditEntry.__table__).values(
        at=now, action=action, actor_id=actor_id, actor_telegram_id=actor_telegram_id,
        target=target, case_id=case_id, detail=detail[:500] if detail else None))


def open_case(connection: Connection, now: datetime, *, chat_id: int, reported_by: int | None,
              subject_id: int | None, subject_telegram_id: int, reason: str | None,
              history: dict[str, Any]) -> int:
    return int(connection.execute(insert(ModerationCase.__table__).values(
        kind="group", group_chat_id=chat_id, reported_by=reported_by, subject_id=subject_id,
        subject_telegram_id=subject_telegram_id, reason=reason[:500] if reason else None,
        history=history, status="open", created_at=now,
    ).returning(ModerationCase.id)).scalar_one())


def hold_message(connection: Connection, now: datetime, *, chat_id: int, telegram_id: int,
                 message_id: int, text: str) -> int:
    return int(connection.execute(insert(_HELD).values(
        chat_id=chat_id, telegram_id=telegram_id, message_id=message_id, text=storable(text),
        status="held", created_at=now).returning(_HELD.c.id)).scalar_one())


def forget_old_held(connection: Connection, now: datetime) -> int:
    """Held messages nobody decided on in time: forgotten, like the rest, after a while."""
    gone = connection.execute(delete(_HELD).where(_HELD.c.created_at < now - HELD_KEPT_FOR))
    return int(gone.rowcount or 0)


def forget_person(connection: Connection, telegram_ids: list[int]) -> None:
    """Erasure: what groups hold under someone's Telegram id. Reports about them stay for
    safeguarding, with their id and words taken out; the audit log keeps who acted."""
    if not telegram_ids:
        return
    connection.execute(delete(_MEMBERS).where(_MEMBERS.c.telegram_id.in_(telegram_ids)))
    connection.execute(delete(_HELD).where(_HELD.c.telegram_id.in_(telegram_ids)))
    cases = ModerationCase.__table__
    connection.execute(update(cases).where(cases.c.subject_telegram_id.in_(telegram_ids))
                       .values(subject_telegram_id=None))
    wanted = set(telegram_ids)
    for case_id, history in connection.execute(
            select(cases.c.id, cases.c.history).where(cases.c.kind == "group")).all():
        redacted = _without(history or {}, wanted)
        if redacted != history:
            connection.execute(update(cases).where(cases.c.id == case_id)
                               .values(history=redacted))


def _without(history: dict[str, Any], telegram_ids: set[int]) -> dict[str, Any]:
    def scrub(seen: Any) -> Any:
        if isinstance(seen, dict) and seen.get("telegram_id") in telegram_ids:
            return {**seen, "telegram_id": None, "name": "", "text": ""}
        return seen

    return {key: [scrub(s) for s in value] if isinstance(value, list) else scrub(value)
            for key, value in history.items()}


def record_invite(connection: Connection, now: datetime, chat_id: int, person_id: int | None,
                  link: str) -> None:
    connection.execute(insert(GroupInvite.__table__).values(
        chat_id=chat_id, person_id=person_id, link=link[:255], created_at=now))


def unused_invite(connection: Connection, chat_id: int, person_id: int,
                  since: datetime) -> str | None:
    """A link this person was given since `since` and has not used yet."""
    invites = GroupInvite.__table__
    return connection.scalar(
        select(invites.c.link).where(
            invites.c.chat_id == chat_id, invites.c.person_id == person_id,
            invites.c.used_at.is_(None), invites.c.created_at >= since)
        .order_by(invites.c.created_at.desc()).limit(1))


def mark_invite_used(connection: Connection, chat_id: int, link: str, now: datetime) -> None:
    invites = GroupInvite.__table__
    connection.execute(update(invites).where(
        invites.c.chat_id == chat_id, invites.c.link == link, invites.c.used_at.is_(None)
    ).values(used_at=now))


def _insert_ignoring(connection: Connection, model: type[Any]) -> Any:
    return _INSERT_IGNORING[connection.dialect.name](model.__table__)


def _group(row: Any) -> GroupInfo:
    return GroupInfo(row["chat_id"], row["title"], row["rules"], row["strike_limit"],
                     row["hold_new_member_links"], row["new_member_days"], row["created_at"])


def _member(row: Any) -> MemberInfo:
    return MemberInfo(row["telegram_id"], row["person_id"], row["strikes"], row["muted_until"],
                      row["removed_at"], row["joined_at"])
