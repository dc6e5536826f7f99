"""A person's rights over their data, across every feature: "my data" (what we hold, in
counts and the last digits of a number) and "delete my data" (everything, at once).

Storage knows only its core tables; each feature describes and forgets its own rows
(`bot.storage.personal_data.PersonalData`, one per feature), and `bot/app.py` hands this
module the list, in the order erasure runs. A new table that holds a person's id fails
`tests/test_erasure_coverage.py` until it says what erasure does to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, func, select

from bot.core.content import ContentLibrary
from bot.core.events import Outbound
from bot.core.turn import EraseEverything, FlowState, PersonRecord, ShowMyData
from bot.engine.effects import EffectCall
from bot.storage import repository as repo
from bot.storage.models import Person, Reminder
from bot.storage.personal_data import PersonalData
from conversations.my_data import my_data


class PersonalRights:
    """"My data" and erasure over the core tables and every feature's `parts`."""

    def __init__(self, parts: Sequence[PersonalData]) -> None:
        self.parts = tuple(parts)

    def person_record(self, connection: Connection, person_id: int,
                      created_at: datetime | None) -> PersonRecord:
        """Everything "my data" shows, as counts and plain values."""
        identities, messages = repo.core_record(connection, person_id)
        follow_ups = connection.scalar(select(func.count()).select_from(Reminder).where(
            Reminder.person_id == person_id, Reminder.kind == "followup",
            Reminder.status == "pending"))
        described = {}
        for part in self.parts:
            described.update(part.describe(connection, person_id))
        return PersonRecord(identities=identities, messages_stored=messages,
                            created_at=created_at, follow_ups=int(follow_ups or 0),
                            **described)

    def erase_everything(self, connection: Connection, content: ContentLibrary,
                         person_id: int, now: datetime) -> None:
        """Irreversible, in the caller's transaction: each feature forgets its rows (peer
        chats end and the other side is told; alerts lose their name and words; groups
        forget their account), then the core tables forget them."""
        for part in self.parts:
            part.forget(connection, content, person_id, now)
        repo.erase_person(connection, person_id)

    def show_my_data(self, call: EffectCall, effect: ShowMyData
                     ) -> tuple[list[Outbound], FlowState | None]:
        """The `ShowMyData` effect: everything held, said in the person's language."""
        created_at = call.connection.scalar(select(Person.created_at).where(
            Person.id == call.person_id))
        record = self.person_record(call.connection, call.person_id, created_at)
        return my_data(call.ctx, call.profile, record), None

    def erase(self, call: EffectCall, effect: EraseEverything
              ) -> tuple[list[Outbound], FlowState | None]:
        """The `EraseEverything` effect, once the person's goodbye is ready to queue."""
        self.erase_everything(call.connection, call.content, call.person_id, call.now)
        return [], None
