"""Messages for someone other than the person who wrote (a peer, a moderator, the duty
team), queued to whatever identity *they* last used: nobody learns anyone's number or
account."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, select

from bot.core.events import Address, Outbound
from bot.dispatch.priority import PRIORITY_REPLY
from bot.storage import repository as repo
from bot.storage.models import Identity


def preferred_address(connection: Connection, person_id: int) -> Address | None:
    """The identity they last wrote from that we may still reach."""
    row = connection.execute(
        select(Identity.channel, Identity.address).where(
            Identity.person_id == person_id, Identity.opted_out_at.is_(None),
            Identity.unreachable_at.is_(None))
        .order_by(Identity.last_inbound_at.desc().nulls_last(), Identity.id.desc()).limit(1)
    ).first()
    return Address(row[0], row[1]) if row else None


def notify(connection: Connection, person_id: int, messages: Sequence[Outbound],
           now: datetime, *, kind: str) -> list[int]:
    """Queue messages for someone else, to their own channel: nobody learns anyone's."""
    address = preferred_address(connection, person_id)
    if address is None:
        return []
    key = f"{kind}:{person_id}:{secrets.token_hex(8)}"
    return repo.queue_messages(connection, person_id=person_id, to=address, messages=messages,
                               kind=kind, priority=PRIORITY_REPLY, key_prefix=key, now=now)
