"""What became of each message, recorded: sent, tried again later, failed, suppressed or of
unknown fate; the person's identity marked when the platform says they can't be reached or
opted out; and the features told, in the same transaction, about a message that will never
arrive (peer support tells a relay's writer).

A message that could not go for a reason that passes (a 5xx, the network, flood control) is
queued again with backoff, its attempts counted. It keeps its place in its address's line:
what was queued after it to the same address waits for it (bot/dispatch/claims.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, update

from bot.dispatch.message import Outcome, Outgoing, Result
from bot.storage.models import Delivery, Identity, OutboxMessage

# A message that could not go for a reason that passes is tried again with backoff (2 s
# doubling to 10 min) this many times: about six hours, so an outage of the platform, or
# of ours, loses nothing. Planned messages still give up at their own expiry.
MAX_ATTEMPTS = 44
FORGOTTEN_ONCE_SENT: dict[str, dict[str, object]] = {
    "erasure": {"address": "", "payload": {"text": ""}},
    "peer_left": {"payload": {"text": ""}},
}
# Runs a message's "it will never arrive" hooks: (connection, the row, when).
NeverArrives = Callable[[Connection, Outgoing, datetime], None]

_OUTBOX = OutboxMessage.__table__
_IDENTITIES = Identity.__table__


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(600, 2 ** attempts))


def goes_again(item: Outgoing, outcome: Outcome, max_attempts: int) -> bool:
    """Whether this answer puts the message back in the queue, to be tried again."""
    return outcome.result is Result.RETRY and item.attempts + 1 < max_attempts


def record(connection: Connection, item: Outgoing, outcome: Outcome, now: datetime, *,
           max_attempts: int, never_arrives: NeverArrives) -> None:
    """Write what the channel said about `item` (on its way: `sending`, or still `claimed`
    when it never went)."""
    values: dict[str, object] = {"updated_at": now, "error": outcome.error}
    if outcome.segments is not None:
        values["segments"] = outcome.segments
    if outcome.provider_ref is not None:
        values["provider_ref"] = outcome.provider_ref
    if outcome.parts_sent is not None:
        values["parts_sent"] = outcome.parts_sent
    if outcome.result is Result.SENT:
        values.update(status="sent", sent_at=now)
    elif goes_again(item, outcome, max_attempts):
        wait = timedelta(seconds=outcome.retry_after) if outcome.retry_after \
            else backoff(item.attempts + 1)
        values.update(status="queued", due_at=now + wait)
    elif outcome.result in (Result.OPTED_OUT, Result.SUPPRESSED):
        values.update(status="suppressed")
    elif outcome.result is Result.UNKNOWN:
        values.update(status="unknown")
    else:
        values.update(status="failed")
    settled = connection.execute(
        update(_OUTBOX)
        .where(_OUTBOX.c.id == item.id, _OUTBOX.c.status.in_(("sending", "claimed")))
        .values(**values)).rowcount
    if outcome.parts:
        connection.execute(insert(Delivery.__table__), [
            {"outbox_id": item.id, "channel": item.channel, "provider_ref": part.provider_ref,
             "part": part.number, "segments": part.segments, "status": "sent",
             "updated_at": now} for part in outcome.parts])
    if outcome.result in (Result.UNREACHABLE, Result.OPTED_OUT):
        column = "unreachable_at" if outcome.result is Result.UNREACHABLE else "opted_out_at"
        connection.execute(
            update(_IDENTITIES)
            .where(_IDENTITIES.c.channel == item.channel,
                   _IDENTITIES.c.address == item.address, _IDENTITIES.c[column].is_(None))
            .values({column: now}))
    if settled and values["status"] in ("failed", "suppressed"):
        never_arrives(connection, item, now)
    if item.kind in FORGOTTEN_ONCE_SENT and values["status"] != "queued":
        # After an erasure: once it has gone, keep no trace of what it said (a farewell:
        # nor where it went; a "they have left" notice may name the person forgotten).
        connection.execute(update(_OUTBOX).where(_OUTBOX.c.id == item.id)
                           .values(FORGOTTEN_ONCE_SENT[item.kind]))


def record_all(connection: Connection, results: Sequence[tuple[Outgoing, Outcome]],
               now: datetime, *, max_attempts: int, never_arrives: NeverArrives) -> None:
    for item, outcome in results:
        record(connection, item, outcome, now, max_attempts=max_attempts,
               never_arrives=never_arrives)
