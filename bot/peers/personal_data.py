"""Peer support's part in "my data" and erasure: their volunteer record, open chats and a
request waiting for a supporter; leaving ends their chats (the other side is told)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from bot.core.content import ContentLibrary
from bot.peers import service
from bot.peers.models import BuddyRequest, PeerChat
from bot.storage.models import Volunteer


class PeerSupportData:
    def describe(self, connection: Connection, person_id: int) -> dict[str, Any]:
        volunteer = connection.execute(
            select(Volunteer.role, Volunteer.alias, Volunteer.shared_experience)
            .where(Volunteer.person_id == person_id)).first()
        chats = connection.scalar(select(func.count()).select_from(PeerChat).where(
            (PeerChat.resident_id == person_id) | (PeerChat.supporter_id == person_id),
            PeerChat.status.in_(("active", "paused", "reported"))))
        waiting = connection.scalar(select(func.count()).select_from(BuddyRequest).where(
            BuddyRequest.resident_id == person_id,
            BuddyRequest.status.in_(("waiting", "offered"))))
        return {"volunteer_role": volunteer.role if volunteer else None,
                "volunteer_alias": volunteer.alias if volunteer else None,
                "volunteer_experience": volunteer.shared_experience if volunteer else None,
                "peer_chats": int(chats or 0), "waiting_for_supporter": bool(waiting)}

    def forget(self, connection: Connection, content: ContentLibrary, person_id: int,
               now: datetime) -> None:
        service.leaving(connection, content, person_id, now)


PART = PeerSupportData()
