"""What the app plugs into the engine besides effect handlers (`effects.py`): the safety
screen (`bot.core.safety.Screen`, one per language) and peer support's directory, read
before a person is heard. Protocols, so the engine imports no feature."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection

from bot.core.content import Content
from bot.core.peer_context import PeerContext
from bot.core.safety import Assessment


class NoScreen:
    """No screening at all: for a wiring without the safety feature (never the service)."""

    def assess(self, text: str) -> Assessment:
        return Assessment()


class PeerDirectory(Protocol):
    """What the engine reads of peer support before it decides (`bot.peers.service`
    provides it): where a person stands, as plain values a conversation may know."""

    def asked_since(self, connection: Connection, person_id: int,
                    since: datetime) -> bool: ...

    def chatting(self, connection: Connection, person_id: int) -> bool: ...

    def context_for(self, connection: Connection, person_id: int, content: Content, *,
                    now: datetime, since: datetime | None = None) -> PeerContext: ...
