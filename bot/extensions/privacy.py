"""A person's rights over their data, across every feature: "my data" (what we hold, in
counts and the last digits of a number) and "delete my data" (everything, at once).

Storage knows only its core tables; each feature describes and forgets its own rows. This
module is the one place that knows them all, so a new feature adds its part here (and
`tests/test_erasure_coverage.py` fails until it does).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from bot.core.content import ContentLibrary
from bot.core.events import Outbound
from bot.core.turn import EraseEverything, FlowState, PersonRecord, ShowMyData
from bot.engine.effects import EffectCall
from bot.groups import store as group_store
from bot.peers import service as peer_service
from bot.peers.models import BuddyRequest, GroupMember, PeerChat
from bot.safety import alerts
from bot.storage import repository as repo
from bot.storage.models import Person, Reminder, Volunteer
from conversations.my_data import my_data


def person_record(connection: Connection, person_id: int,
                  created_at: datetime | None) -> PersonRecord:
    """Everything "my data" shows, as counts and plain values."""
    identities, messages = repo.core_record(connection, person_id)

    def how_many(table: Any, *where: Any) -> int:
        return int(connection.scalar(select(func.count()).select_from(table).where(*where)) or 0)

    volunteer = connection.execute(
        select(Volunteer.role, Volunteer.alias, Volunteer.shared_experience)
        .where(Volunteer.person_id == person_id)).first()
    return PersonRecord(
        identities=identities, messages_stored=messages, created_at=created_at,
        volunteer_role=volunteer.role if volunteer else None,
        volunteer_alias=volunteer.alias if volunteer else None,
        volunteer_experience=volunteer.shared_experience if volunteer else None,
        peer_chats=how_many(PeerChat, (PeerChat.resident_id == person_id) |
                            (PeerChat.supporter_id == person_id),
                            PeerChat.status.in_(("active", "paused", "reported"))),
        waiting_for_supporter=how_many(BuddyRequest, BuddyRequest.resident_id == person_id,
                                       BuddyRequest.status.in_(("waiting", "offered"))) > 0,
        groups=how_many(GroupMember, GroupMember.person_id == person_id,
                        GroupMember.removed_at.is_(None)),
        safety_alerts=alerts.count_for(connection, person_id),
        follow_ups=how_many(Reminder, Reminder.person_id == person_id,
                            Reminder.kind == "followup", Reminder.status == "pending"),
    )


def erase_everything(connection: Connection, content: ContentLibrary, person_id: int,
                     now: datetime) -> None:
    """Irreversible, in the caller's transaction: their peer chats are ended (the other
    side is told, what they said there becomes "[removed]"), their name and words leave
    safety alerts, Telegram groups forget their account, then the core tables forget
    them."""
    peer_service.leaving(connection, content, person_id, now)
    alerts.forget_person(connection, person_id)
    group_store.forget_person(connection, repo.telegram_accounts(connection, person_id))
    repo.erase_person(connection, person_id)


def show_my_data(call: EffectCall, effect: ShowMyData) -> tuple[list[Outbound], FlowState | None]:
    """The `ShowMyData` effect: everything held, said in the person's language."""
    created_at = call.connection.scalar(select(Person.created_at).where(
        Person.id == call.person_id))
    record = person_record(call.connection, call.person_id, created_at)
    return my_data(call.ctx, call.profile, record), None


def erase(call: EffectCall, effect: EraseEverything) -> tuple[list[Outbound], FlowState | None]:
    """The `EraseEverything` effect, once the person's goodbye is ready to queue."""
    erase_everything(call.connection, call.content, call.person_id, call.now)
    return [], None
