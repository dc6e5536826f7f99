"""The staff console's part of the one audit trail (`audit_log`): what a member of staff
did, with their account in `actor_staff_id`; and the trail as coordinators read it, every
actor named (staff by name, the duty team by the alias they chose).

One table for everything, not a staff table of its own: an alert's history reads the same
whether it was handled by text message or in the console. Never a resident's words: a
`detail` is a reason or a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from bot.staff.models import StaffAccount
from bot.storage.models import AuditEntry, Person, Volunteer

PAGE = 100


def record(connection: Connection, now: datetime, staff_id: int | None, action: str, *,
           target: str | None = None, detail: str | None = None) -> None:
    connection.execute(insert(AuditEntry.__table__).values(
        at=now, actor_staff_id=staff_id, action=action, target=target,
        detail=detail[:500] if detail else None))


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    action: str
    target: str | None
    detail: str | None
    staff_name: str | None  # a member of staff in the console
    person_id: int | None  # someone on the duty team, by text or Telegram
    person_name: str | None


def page(connection: Connection, *, before: int | None = None,
         limit: int = PAGE) -> list[Entry]:
    """The newest entries first, `limit` at a time, older than entry `before`."""
    query = _named().order_by(AuditEntry.id.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    return _entries(connection, query)


def for_case(connection: Connection, case_id: int, *, limit: int = PAGE * 5) -> list[Entry]:
    """A moderation case's history, oldest first: every look and action on it, by text,
    Telegram or the console, each actor named as on the audit page."""
    return _entries(connection, _named().where(AuditEntry.case_id == case_id)
                    .order_by(AuditEntry.id).limit(limit))


def _named() -> Any:
    return (select(AuditEntry.id, AuditEntry.at, AuditEntry.action, AuditEntry.target,
                   AuditEntry.detail, AuditEntry.actor_id, StaffAccount.display_name,
                   Volunteer.alias, Person.name)
            .outerjoin(StaffAccount, StaffAccount.id == AuditEntry.actor_staff_id)
            .outerjoin(Volunteer, Volunteer.person_id == AuditEntry.actor_id)
            .outerjoin(Person, Person.id == AuditEntry.actor_id))


def _entries(connection: Connection, query: Any) -> list[Entry]:
    return [Entry(row.id, row.at, row.action, row.target, row.detail, row.display_name,
                  row.actor_id, row.alias or row.name)
            for row in connection.execute(query)]
