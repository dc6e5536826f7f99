"""Volunteers: invite codes (kept hashed), becoming a supporter, moderator or
coordinator, and pausing; and the team's side (the staff console): everyone who
volunteers with their load, and pausing, resuming or removing one of them."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from bot.core.content import ContentLibrary
from bot.core.events import Outbound
from bot.core.splitting import shows_anything
from bot.peers.chats import (
    INVITE_DAYS,
    OPEN_CHAT,
    VOLUNTEER_ROLES,
    _language,
    _set_chat,
    audit,
    notify,
)
from bot.peers.contact import contact_details
from bot.peers.models import BuddyRequest, Invite, PeerChat
from bot.peers.pairing import offer_waiting
from bot.peers.whereabouts import alias_of
from bot.storage.models import Person, Volunteer

MAX_INVITE_DAYS = 365  # the longest a code may stay valid: `--days` and the console's form
# Codes the team may hand out themselves (a coordinator's comes from the command line only:
# `movemates coordinator add`).
INVITABLE_ROLES = ("supporter", "moderator")


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def create_invite(connection: Connection, role: str, now: datetime,
                  days: int = INVITE_DAYS, code: str | None = None) -> str:
    """A one-time code (only its hash is stored). `code` fixes it, for scripted tests."""
    if role not in VOLUNTEER_ROLES:
        raise ValueError(f"role must be one of {VOLUNTEER_ROLES}")
    code = (code or "-".join(secrets.token_hex(2).upper() for _ in range(3))).upper()
    connection.execute(insert(Invite.__table__).values(
        code_hash=_hash(code), role=role, created_at=now, expires_at=now + timedelta(days=days)))
    return code


def invite_role(connection: Connection, code: str, now: datetime) -> str | None:
    """The role an unused, unexpired code gives, or None."""
    return connection.scalar(select(Invite.role).where(
        Invite.code_hash == _hash(code), Invite.used_at.is_(None), Invite.expires_at > now))


def claim_invite(connection: Connection, code: str, person_id: int, now: datetime
                 ) -> str | None:
    """Use a code once: the role it gives, or None if it was used or expired meanwhile."""
    role = invite_role(connection, code, now)
    if role is None:
        return None
    used = connection.execute(update(Invite).where(
        Invite.code_hash == _hash(code), Invite.used_at.is_(None)).values(
        used_at=now, used_by=person_id)).rowcount
    return role if used else None


def become_volunteer(connection: Connection, person_id: int, role: str,
                     details: dict[str, Any], now: datetime) -> None:
    values = {"role": role, "alias": details.get("alias"),
              "capacity": int(details.get("capacity") or 1),
              "availability": {"days": details.get("days") or [],
                               "times": details.get("times") or []},
              "activities": {"ids": details.get("activities") or []},
              "shared_experience": details.get("experience"), "agreed_conduct_at": now,
              "paused": False, "suspended_at": None}
    exists = connection.scalar(select(func.count()).select_from(Volunteer).where(
        Volunteer.person_id == person_id))
    if exists:
        connection.execute(update(Volunteer).where(Volunteer.person_id == person_id)
                           .values(**values))
    else:
        connection.execute(insert(Volunteer.__table__).values(
            person_id=person_id, created_at=now, **values))
    connection.execute(update(Person).where(Person.id == person_id).values(role=role))
    audit(connection, now, person_id, "volunteer_joined", target=f"person:{person_id}",
          detail=role)


def set_volunteer_paused(connection: Connection, person_id: int, paused: bool,
                         now: datetime | None = None) -> bool:
    """False if they are not a volunteer. Pausing hands back an offer they have not
    answered, so the person asking is not left waiting on someone taking a break."""
    changed = bool(connection.execute(update(Volunteer).where(
        Volunteer.person_id == person_id).values(paused=paused)).rowcount)
    if changed and paused:
        _release_offers(connection, person_id, now)
    return changed


def _release_offers(connection: Connection, person_id: int, now: datetime | None) -> None:
    """Requests offered to this person go back to waiting (matched again later)."""
    values: dict[str, Any] = {"status": "waiting", "offered_to": None}
    if now is not None:
        values["updated_at"] = now
    connection.execute(update(BuddyRequest).where(
        BuddyRequest.offered_to == person_id, BuddyRequest.status == "offered").values(**values))


# -- the team's side: who volunteers, and what coordinators change ----------------------

@dataclass(frozen=True)
class VolunteerRow:
    """One volunteer as the team sees them. `name` is the alias they chose (else the name
    they gave us), as typed, or None when there is none or it carries contact details:
    a list for staff never shows a number or a handle. Never their condition."""

    person_id: int
    role: str  # supporter | moderator | coordinator
    name: str | None
    capacity: int  # people they said they could support at once
    chats: int  # open chats (active, paused, reported) they support someone in
    starting: int  # chats offered to a resident who has not said yes yet
    days: tuple[str, ...]  # option ids (options.days), as they answered
    times: tuple[str, ...]  # option ids (options.times)
    paused: bool
    suspended_at: datetime | None  # a moderator's SUSPEND
    since: datetime  # when they became a volunteer

    @property
    def state(self) -> str:
        """suspended | paused | active"""
        return "suspended" if self.suspended_at else "paused" if self.paused else "active"

    @property
    def can_pause(self) -> bool:
        """Only a supporter is matched, so only pausing a supporter changes anything."""
        return self.role == "supporter" and self.state == "active"

    @property
    def can_resume(self) -> bool:
        return self.state == "paused"


def safe_name(name: str | None) -> str | None:
    """A chosen name fit for a list: None when it shows nothing or carries contact details
    (a name typed as "Ann 07700 900123"); the rules alone judge it, as in `shown_name`."""
    if not name or not shows_anything(name) or contact_details(name, use_reader=False):
        return None
    return name


def roster(connection: Connection, person_id: int | None = None) -> list[VolunteerRow]:
    """Every volunteer (or the one with `person_id`), oldest id first, in three queries."""
    where = [] if person_id is None else [Volunteer.person_id == person_id]
    counts: dict[tuple[int, str], int] = {}
    for supporter, status, count in connection.execute(
            select(PeerChat.supporter_id, PeerChat.status, func.count())
            .where(PeerChat.status.in_((*OPEN_CHAT, "awaiting_resident")),
                   *([PeerChat.supporter_id == person_id] if person_id is not None else []))
            .group_by(PeerChat.supporter_id, PeerChat.status)):
        kind = "starting" if status == "awaiting_resident" else "chats"
        counts[(supporter, kind)] = counts.get((supporter, kind), 0) + int(count)
    rows = connection.execute(select(Volunteer, Person.name).join(
        Person, Person.id == Volunteer.person_id).where(*where)
        .order_by(Volunteer.person_id)).mappings()
    return [VolunteerRow(
        person_id=row["person_id"], role=row["role"],
        name=safe_name(row["alias"]) or safe_name(row["name"]),
        capacity=int(row["capacity"] or 0),
        chats=counts.get((row["person_id"], "chats"), 0),
        starting=counts.get((row["person_id"], "starting"), 0),
        days=tuple((row["availability"] or {}).get("days") or ()),
        times=tuple((row["availability"] or {}).get("times") or ()),
        paused=bool(row["paused"]), suspended_at=row["suspended_at"],
        since=row["created_at"]) for row in rows]


def find(connection: Connection, person_id: int) -> VolunteerRow | None:
    found = roster(connection, person_id)
    return found[0] if found else None


def team_pause(connection: Connection, content: ContentLibrary, person_id: int,
               paused: bool, now: datetime) -> bool:
    """A coordinator pauses (or resumes) a volunteer, as PAUSE VOLUNTEERING and RESUME
    VOLUNTEERING would: an offer they have not answered goes to someone else, and people
    waiting are offered again. They are told, on their own channel. False when nothing
    changed (not a volunteer, already so, or suspended: a moderator's decision)."""
    current = connection.execute(select(Volunteer.paused, Volunteer.suspended_at).where(
        Volunteer.person_id == person_id)).first()
    if current is None or current.suspended_at is not None or bool(current.paused) == paused:
        return False
    set_volunteer_paused(connection, person_id, paused, now)
    theirs = content.for_language(_language(connection, person_id))
    key = "peers.volunteer.paused_by_team" if paused else "peers.volunteer.resumed_by_team"
    notify(connection, person_id, [Outbound(theirs.text(key))], now, kind="peer")
    # After telling them: back on, the offer that follows makes sense.
    offer_waiting(connection, content, now)
    return True


@dataclass(frozen=True)
class Removal:
    """What removing a volunteer did: chats ended (each resident told), chats not yet
    started let go (the resident's request kept and offered again), offers passed on."""

    chats_ended: int
    chats_not_started: int
    offers_passed_on: int


def remove_volunteer(connection: Connection, content: ContentLibrary, person_id: int,
                     now: datetime) -> Removal | None:
    """End someone's volunteer role; None if they have none. Like a moderator's SUSPEND
    for the people they support (`moderation._suspend`): each chat they support someone in
    ends and that person is told, offers to them go to someone else. Unlike it, they stay
    a resident like any other (their own requests and chats carry on), and the people
    they were about to chat with keep their place in the queue."""
    if connection.scalar(select(Volunteer.person_id).where(
            Volunteer.person_id == person_id)) is None:
        return None
    ended = not_started = 0
    # Names first: the alias lives on the volunteer row, which goes below.
    for chat in connection.execute(select(PeerChat).where(
            PeerChat.supporter_id == person_id,
            PeerChat.status.in_((*OPEN_CHAT, "awaiting_resident")))
            .order_by(PeerChat.id)).mappings().all():
        resident = int(chat["resident_id"])
        mine = content.for_language(_language(connection, resident))
        alias = alias_of(connection, person_id, mine, reader=resident)
        if chat["status"] == "awaiting_resident":
            _set_chat(connection, chat["id"], now, status="declined", ended_at=now)
            _back_to_waiting(connection, chat["request_id"], person_id, now)
            key, not_started = "peers.volunteer.removed_offer", not_started + 1
        else:
            _set_chat(connection, chat["id"], now, status="ended", ended_at=now)
            key, ended = "peers.volunteer.removed_partner", ended + 1
        notify(connection, resident, [Outbound(mine.text(key, alias=alias))], now,
               kind="peer")
    offers = int(connection.scalar(select(func.count()).select_from(BuddyRequest).where(
        BuddyRequest.offered_to == person_id, BuddyRequest.status == "offered")) or 0)
    _release_offers(connection, person_id, now)
    connection.execute(delete(Volunteer).where(Volunteer.person_id == person_id))
    connection.execute(update(Person).where(Person.id == person_id).values(role="resident"))
    theirs = content.for_language(_language(connection, person_id))
    notify(connection, person_id, [Outbound(theirs.text("peers.volunteer.removed_you"))],
           now, kind="peer")
    offer_waiting(connection, content, now)
    return Removal(ended, not_started, offers)


def _back_to_waiting(connection: Connection, request_id: int | None, supporter_id: int,
                     now: datetime) -> None:
    """A matched request whose chat never started waits again, not offered to them."""
    if request_id is None:
        return
    declined = connection.scalar(select(BuddyRequest.declined_by).where(
        BuddyRequest.id == request_id)) or {}
    connection.execute(update(BuddyRequest).where(
        BuddyRequest.id == request_id, BuddyRequest.status == "matched").values(
        status="waiting", offered_to=None, updated_at=now,
        declined_by={"ids": [*declined.get("ids", []), supporter_id]}))
