"""A new member's post held back for a group helper, and what deciding on it does: shared
by the helpers' "Share it" / "Remove it" buttons on Telegram (`bot/groups/held.py`, which
holds posts and asks) and the staff console's groups page, so both follow one rule.

Sharing re-posts the words from the bot under the member's first name (Telegram cannot
undelete) and tells the member; removing keeps them out and tells the member. The first
decision wins; the words are not kept once decided. Also here, because the decision needs
them and the console cannot import the Telegram adapter: who someone is on Telegram to us
(`reach_of`), and queueing a message to a group or to a person privately (`to_group`,
`to_person`). Nothing is sent from here: the outbox's dispatcher sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from bot.core.content import Content
from bot.core.events import Address, Outbound
from bot.dispatch.priority import PRIORITY_NOTICE, PRIORITY_REPLY
from bot.peers.models import Group, HeldMessage
from bot.peers.moderation import StaffActor
from bot.storage import repository as repo
from bot.storage.audit import audit
from bot.storage.models import Identity

CHANNEL = "telegram"
DECISIONS = ("approved", "removed")
_HELD = HeldMessage.__table__
_IDENTITIES = Identity.__table__


@dataclass(frozen=True)
class Reach:
    """Someone's Telegram identity with us: they have talked to the bot privately."""

    person_id: int
    opted_out: bool  # said STOP: nothing at all until they say START
    unreachable: bool  # blocked the bot

    @property
    def reachable(self) -> bool:
        return not (self.opted_out or self.unreachable)


@dataclass(frozen=True)
class HeldInfo:
    id: int
    chat_id: int
    telegram_id: int
    message_id: int
    text: str
    status: str


def reach_of(connection: Connection, telegram_id: int) -> Reach | None:
    row = connection.execute(
        select(_IDENTITIES.c.person_id, _IDENTITIES.c.opted_out_at, _IDENTITIES.c.unreachable_at)
        .where(_IDENTITIES.c.channel == CHANNEL, _IDENTITIES.c.address == str(telegram_id))
    ).first()
    if row is None:
        return None
    return Reach(row.person_id, row.opted_out_at is not None, row.unreachable_at is not None)


def member_target(chat_id: int, telegram_id: int) -> str:
    """How the audit log names a member of a group."""
    return f"chat:{chat_id}/tg:{telegram_id}"


# -- the outbox (called inside a transaction) ---------------------------------------------
def to_group(connection: Connection, now: datetime, chat_id: int, text: str, key: str, *,
             expires_at: datetime | None = None) -> None:
    """`expires_at` for what is only worth saying now: if a crowd joins at once, the
    dispatcher skips welcomes that waited too long behind the group's 20 a minute."""
    repo.queue_messages(connection, person_id=None, to=Address(CHANNEL, str(chat_id)),
                        messages=[Outbound(text=text)], kind="group", priority=PRIORITY_NOTICE,
                        key_prefix=f"grp:{key}:{chat_id}", now=now, expires_at=expires_at)


def to_person(connection: Connection, now: datetime, telegram_id: int, message: Outbound,
              key: str, *, priority: int = PRIORITY_REPLY) -> bool:
    """Privately, if they have talked to the bot and not blocked it or said STOP: Telegram
    lets a bot write only to people who started a chat with it."""
    reach = reach_of(connection, telegram_id)
    if reach is None or not reach.reachable:
        return False
    repo.queue_messages(connection, person_id=reach.person_id,
                        to=Address(CHANNEL, str(telegram_id)), messages=[message],
                        kind="group_private", priority=priority,
                        key_prefix=f"grp:{key}:{telegram_id}", now=now)
    return True


# -- held posts ---------------------------------------------------------------------------
def get_held(connection: Connection, held_id: int) -> HeldInfo | None:
    row = connection.execute(
        select(_HELD.c.id, _HELD.c.chat_id, _HELD.c.telegram_id, _HELD.c.message_id,
               _HELD.c.text, _HELD.c.status).where(_HELD.c.id == held_id)).first()
    return HeldInfo(*row) if row else None


def decide_held(connection: Connection, held_id: int, status: str,
                by_telegram_id: int | None) -> HeldInfo | None:
    """Settle a held message once; None if it is gone or another helper got there first."""
    row = connection.execute(
        update(_HELD).where(_HELD.c.id == held_id, _HELD.c.status == "held")
        .values(status=status, decided_by=by_telegram_id)
        .returning(_HELD.c.id, _HELD.c.chat_id, _HELD.c.telegram_id, _HELD.c.message_id,
                   _HELD.c.text, _HELD.c.status)).first()
    if row is None:
        return None
    # Once decided, the words are either in the group again or gone: keep no copy.
    connection.execute(update(_HELD).where(_HELD.c.id == held_id).values(text=""))
    return HeldInfo(*row)


def settle_held(connection: Connection, content: Content, held_id: int, status: str,
                now: datetime, *, name: str, key: str, helper_id: int | None = None,
                helper_telegram_id: int | None = None,
                staff: StaffActor | None = None) -> bool:
    """Share (`approved`) or keep out (`removed`) a held post, by a group helper on Telegram
    (`helper_id`, `helper_telegram_id`) or a member of staff (`staff`): the post goes up
    under `name` (the member's first name) or stays out, the member is told, and it is in
    the audit log. False if it was already decided (or is gone): nothing is done then.
    `content`: the groups' words (English: a group is shared by people of any language)."""
    if status not in DECISIONS:
        raise ValueError(f"unknown decision {status!r}")
    decided = decide_held(connection, held_id, status, helper_telegram_id)
    if decided is None:
        return False
    title = connection.scalar(select(Group.title).where(Group.chat_id == decided.chat_id)) or ""
    audit(connection, now, helper_id, f"held_{status}", telegram_id=helper_telegram_id,
          staff_id=staff.id if staff else None,
          target=member_target(decided.chat_id, decided.telegram_id), detail=f"held:{held_id}")
    if status == "approved":
        to_group(connection, now, decided.chat_id, "\n\n".join(
            part for part in (content.text("groups.held.reposted", member=name), decided.text)
            if part), key)
        told = content.text("groups.held.approved_member", group=title)
    else:
        told = content.text("groups.held.removed_member", group=title)
    to_person(connection, now, decided.telegram_id, Outbound(text=told), key)
    return True
