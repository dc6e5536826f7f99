"""What every feature that keeps rows about a person owes them: to say what it holds (for
"my data") and to forget it (for "delete my data"). Each feature has one (`bot/peers/
personal_data.py`, `bot/groups/personal_data.py`, `bot/safety/personal_data.py`) and
`bot/app.py` lists them, in the order erasure runs them, before the core tables go
(`repository.erase_person`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection

from bot.core.content import ContentLibrary


class PersonalData(Protocol):
    """One feature's part in a person's rights over their data."""

    def describe(self, connection: Connection, person_id: int) -> dict[str, Any]:
        """The `bot.core.turn.PersonRecord` fields this feature fills: counts and plain
        values, never other people's details."""
        ...

    def forget(self, connection: Connection, content: ContentLibrary, person_id: int,
               now: datetime) -> None:
        """Erase (or anonymise, where safeguarding needs a count) this feature's rows
        about the person, in the caller's transaction. `content` words any notice others
        get (a peer told the chat has ended)."""
        ...
