"""Messages for someone other than the person who wrote (a peer, a moderator, the duty
team), queued to whatever identity *they* last used: nobody learns anyone's number or
account. When that identity turns out to be unreachable (they blocked the bot there), the
message can go to the next one they use (`elsewhere`, `requeue_elsewhere`)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, select, update

from bot.core.events import Address, Outbound
from bot.dispatch.outbox import Outgoing
from bot.dispatch.priority import PRIORITY_REPLY
from bot.storage import repository as repo
from bot.storage.models import Identity, OutboxMessage


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


def elsewhere(connection: Connection, item: Outgoing) -> Address | None:
    """Where a message refused because its address can't be reached (blocked,
    deactivated, opted out there) may go instead: the identity the person last used that
    we may still reach. None when there is none (then whoever is waiting for it should be
    told), when the address is fine (the message itself failed), or when it is not for a
    person. The refusal must be recorded first (the address marked), as the dispatcher's
    undelivered hooks find it."""
    if item.person_id is None:
        return None
    refused = connection.execute(
        select(Identity.opted_out_at, Identity.unreachable_at)
        .where(Identity.channel == item.channel, Identity.address == item.address)).first()
    if refused is None or (refused[0] is None and refused[1] is None):
        return None
    address = preferred_address(connection, item.person_id)
    if address is None or (address.channel, address.address) == (item.channel, item.address):
        return None
    return address


def requeue_elsewhere(connection: Connection, item: Outgoing, now: datetime,
                      message: Outbound | None = None) -> int | None:
    """A refused message queued again to `elsewhere(item)`: the new row's id, or None when
    there is nowhere else. `message` is what goes there, made for that channel by the
    feature that wrote it (a relay names its writer and is cut as the new channel needs:
    bot/peers/relay.py `for_reader`); without it the payload goes unchanged, which is only
    right for a message that reads the same on every channel.

    Only for messages queued for someone else (`notify`: a relay, a peer notice), which
    may reach them wherever they are; never for a reply, which answers the address that
    wrote. The outbox does not know which is which, so the caller decides, by its own
    kinds: an undelivered hook (`Dispatcher.after_undelivered`), in the transaction that
    records the refusal (the address is marked by then). The refused row keeps no copy of
    the words, which went with the new row: a feature that links to its outbox row (peer
    relays, for erasure) follows the id returned, and tells the writer only when None."""
    address = elsewhere(connection, item)
    if address is None or item.person_id is None:
        return None
    [queued] = repo.queue_messages(
        connection, person_id=item.person_id, to=address,
        messages=[item.message if message is None else message],
        kind=item.kind, priority=item.priority,
        key_prefix=f"elsewhere:{item.idempotency_key}:{address.channel}", now=now)
    connection.execute(update(OutboxMessage).where(OutboxMessage.id == item.id)
                       .values(payload={"text": ""}, updated_at=now))
    return queued
