"""What became of each message, recorded: sent, tried again later, failed, suppressed or of
unknown fate; the person's identity marked when the platform says they can't be reached or
opted out; and the features told, in the same transaction, about a message that will never
arrive (peer support tells a relay's writer).

A message that could not go for a reason that passes (a 5xx, the network, flood control) is
queued again with backoff, its attempts counted. It keeps its place in its address's line:
what was queued after it to the same address waits for it (bot/dispatch/claims.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, insert, or_, update

from bot.dispatch.claims import STOPPED_MID_SEND
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

log = logging.getLogger(__name__)

_OUTBOX = OutboxMessage.__table__
_IDENTITIES = Identity.__table__


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(600, 2 ** attempts))


def goes_again(item: Outgoing, outcome: Outcome, max_attempts: int) -> bool:
    """Whether this answer puts the message back in the queue, to be tried again."""
    return outcome.result is Result.RETRY and item.attempts + 1 < max_attempts


def record(connection: Connection, item: Outgoing, outcome: Outcome, now: datetime, *,
           worker_id: str, earlier_names: Collection[str] = (), max_attempts: int,
           never_arrives: NeverArrives) -> bool:
    """Write what the channel said about `item` (on its way: `sending`, or still `claimed`
    when it never went), if the row is still ours: claimed by `worker_id` (the name we
    claim under now) or by one of our `earlier_names` (a lease lost and taken again is a
    new name, and the rows on their way under the old one are still our sends). Returns
    whether it was written.

    **A row taken over.** A worker whose lease was lost (the database restarted, the
    network broke) may still be holding rows that another worker has since recovered
    (claims.recover_abandoned): `claimed` ones went back to the queue, and may be claimed,
    marked `sending` and sent by the new owner; `sending` ones became `unknown`. Its late
    answer must neither undo the new owner's work nor be lost:
    - Ours, or `unknown` only because it was recovered from us mid-send (still under our
      name): our answer is the truth about our own send, so it is written as if nothing had
      happened: `sent` with its provider reference (receipts find it, the cost counts), or
      queued again after a 5xx, or failed and the features told (a relay moves to the
      reader's other channel, or its writer hears it didn't go), none of which `unknown`
      does. Nobody else can be sending it: recovered `sending` rows are never resent.
    - Queued again or claimed by another worker, not yet on its way, when something of it
      left us (`went`): our answer is written and the row taken back under our name, so
      it is not sent twice (the other worker's `mark_sending` then finds it no longer its
      own and drops it). Parts sent are kept, so a retry resumes after them.
    - Anything else is left to its owner: the other worker is sending it (a double is
      already under way; its answer settles the row, and overwriting it could lose that
      answer, or tell a relay's writer "it didn't go" while it arrives), or it is settled,
      or nothing of it left us (a row we only held, e.g. `suppressed` behind an address
      that closed: the new owner asks STOP and reachability again at its own send, so
      nothing is lost and nothing doubled).
    The parts the provider accepted are stored whoever owns the row (they left: receipts
    must find them), and a refused address is marked whoever owns the row (a fact about
    the address); the features are told a message never arrives, and an erasure's farewell
    forgotten, only when our answer was written (else its owner does it, once)."""
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
    names = {worker_id, *earlier_names}
    ours = and_(_OUTBOX.c.id == item.id, _OUTBOX.c.claimed_by.in_(names), or_(
        _OUTBOX.c.status.in_(("sending", "claimed")),
        and_(_OUTBOX.c.status == "unknown", _OUTBOX.c.error == STOPPED_MID_SEND)))
    settled = bool(connection.execute(update(_OUTBOX).where(ours).values(**values)).rowcount)
    if not settled and went(outcome):
        taken_back = {**values, "claimed_by": None if values["status"] == "queued"
                      else worker_id}
        settled = bool(connection.execute(
            update(_OUTBOX).where(_OUTBOX.c.id == item.id, or_(
                _OUTBOX.c.status == "queued",
                and_(_OUTBOX.c.status == "claimed", _OUTBOX.c.claimed_by.not_in(names))))
            .values(**taken_back)).rowcount)
        if not settled:
            log.warning("outbox %s: %s by %s, but another worker had it by then",
                        item.id, outcome.result.value, worker_id)
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
    if settled and item.kind in FORGOTTEN_ONCE_SENT and values["status"] != "queued":
        # After an erasure: once it has gone, keep no trace of what it said (a farewell:
        # nor where it went; a "they have left" notice may name the person forgotten).
        # Only when settled by us: a row another worker holds, or queued again, must still
        # have its words and address when it goes.
        connection.execute(update(_OUTBOX).where(_OUTBOX.c.id == item.id)
                           .values(FORGOTTEN_ONCE_SENT[item.kind]))
    return settled


def went(outcome: Outcome) -> bool:
    """Whether something of the message left us: sent, or some of its parts accepted."""
    return outcome.result is Result.SENT or bool(outcome.parts) or bool(outcome.parts_sent)


def record_all(connection: Connection, results: Sequence[tuple[Outgoing, Outcome]],
               now: datetime, *, worker_id: str, earlier_names: Collection[str] = (),
               max_attempts: int, never_arrives: NeverArrives) -> None:
    for item, outcome in results:
        record(connection, item, outcome, now, worker_id=worker_id,
               earlier_names=earlier_names, max_attempts=max_attempts,
               never_arrives=never_arrives)
