"""Keeping only what is needed: words are forgotten once their job is done.

Rows stay (they carry the counts coordinators rely on: sends, segments, cost) but the text
in them goes: sent messages after a month, relayed peer messages after a month (reports
copy what moderators need when they are made), group messages held for a helper after two
weeks, the words of a safety alert and of a closed talk with the team after a month, and
the ids of inbound updates after a
week (redeliveries come within hours). Codes that join a second channel go after a day.
The end of someone's last message (read with their next, for a crisis split over two)
goes a few minutes after its job is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, update

from bot.dispatch.outbox import FORGOTTEN_ONCE_SENT
from bot.engine.screening import RECENT_WORDS_FOR
from bot.groups import store as group_store
from bot.peers.models import RelayedMessage
from bot.safety import alerts
from bot.staff import help as staff_help
from bot.storage.linking import CODE_VALID_FOR
from bot.storage.models import Identity, InboundSeen, LinkCode, OutboxMessage

SENT_TEXT_KEPT_FOR = timedelta(days=30)
RELAYED_TEXT_KEPT_FOR = timedelta(days=30)
# A validly signed webhook can be replayed by anyone who captured it; Twilio and Telegram
# ids are only recognised while kept. 400 days outlives any redelivery or replay worth
# trying, and a hashed id is a few dozen bytes (repository.mark_seen).
SEEN_IDS_KEPT_FOR = timedelta(days=400)
LINK_CODES_KEPT_FOR = timedelta(days=1) + CODE_VALID_FOR
RECENT_WORDS_KEPT_FOR = RECENT_WORDS_FOR + timedelta(minutes=10)
FINISHED = ("sent", "delivered", "failed", "unknown", "suppressed", "skipped", "cancelled")
FORGOTTEN = {"text": ""}


@dataclass
class Tidied:
    outbox_texts: int = 0
    relayed_texts: int = 0
    held_messages: int = 0
    seen_ids: int = 0
    alert_texts: int = 0
    after_erasure: int = 0
    link_codes: int = 0
    recent_words: int = 0
    team_words: int = 0


def tidy(connection: Connection, now: datetime) -> Tidied:
    outbox = OutboxMessage.__table__
    relayed = RelayedMessage.__table__
    seen = InboundSeen.__table__
    return Tidied(
        outbox_texts=connection.execute(
            update(outbox).where(outbox.c.status.in_(FINISHED),
                                 outbox.c.updated_at < now - SENT_TEXT_KEPT_FOR,
                                 outbox.c.payload != FORGOTTEN)
            .values(payload=FORGOTTEN)).rowcount or 0,
        relayed_texts=connection.execute(
            update(relayed).where(relayed.c.created_at < now - RELAYED_TEXT_KEPT_FOR,
                                  relayed.c.text != "")
            .values(text="")).rowcount or 0,
        held_messages=group_store.forget_old_held(connection, now),
        seen_ids=connection.execute(
            delete(seen).where(seen.c.received_at < now - SEEN_IDS_KEPT_FOR)).rowcount or 0,
        alert_texts=alerts.forget_old_words(connection, now),
        after_erasure=_forget_after_erasure(connection),
        # A code is good for 10 minutes; kept a day only to count three a day.
        link_codes=connection.execute(
            delete(LinkCode).where(LinkCode.created_at < now - LINK_CODES_KEPT_FOR))
        .rowcount or 0,
        recent_words=connection.execute(
            update(Identity).where(Identity.recent_words.is_not(None),
                                   Identity.recent_words_at < now - RECENT_WORDS_KEPT_FOR)
            .values(recent_words=None, recent_words_at=None)).rowcount or 0,
        # Talk with the team: a closed thread's words go after 30 days, as alerts' do.
        team_words=staff_help.forget_old_words(connection, now),
    )


def _forget_after_erasure(connection: Connection) -> int:
    """A farewell or a "they have left" notice that ended any way but sent (suppressed, or
    of unknown fate after a crash): forgotten at once too, not after 30 days."""
    outbox = OutboxMessage.__table__
    return sum(connection.execute(
        update(outbox).where(outbox.c.kind == kind, outbox.c.status.in_(FINISHED),
                             outbox.c.payload != FORGOTTEN).values(values)).rowcount or 0
        for kind, values in FORGOTTEN_ONCE_SENT.items())
