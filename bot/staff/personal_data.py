"""Requests to talk to a person, in "my data" and erasure: how many they made (what they
and the team wrote is kept with them for 30 days), and forgetting deletes every request and
its thread. The audit log keeps only which member of staff did what, never their words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete

from bot.core.content import ContentLibrary
from bot.staff import help
from bot.staff.models import StaffKept


class TeamRequestsData:
    def describe(self, connection: Connection, person_id: int) -> dict[str, Any]:
        return {"team_requests": help.count_for(connection, person_id)}

    def forget(self, connection: Connection, content: ContentLibrary, person_id: int,
               now: datetime) -> None:
        help.forget_person(connection, person_id)
        # A reply being checked in the console (staff_kept, encrypted, at most 30 minutes)
        # names no person, so every kept value goes: staff check their reply again.
        connection.execute(delete(StaffKept))


PART = TeamRequestsData()
