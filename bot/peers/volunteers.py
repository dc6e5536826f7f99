"""Volunteers: invite codes (kept hashed), becoming a supporter, moderator or
coordinator, and pausing."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from bot.peers.chats import INVITE_DAYS, VOLUNTEER_ROLES, audit
from bot.peers.models import BuddyRequest, Invite
from bot.storage.models import Person, Volunteer


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
