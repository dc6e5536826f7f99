"""A relayed message the platform refused: it goes to the reader's other channel if they
have one, else whoever wrote it is told at once.

relay() (bot/peers/service.py) checks that the other person can be reached before it
queues their words, and says "can't get messages from us just now" when not. But we learn
that someone blocked the bot, deleted their account or texted STOP only when a message to
them fails: the first relayed message after that was lost without a word, and only the
second got the notice. The dispatcher calls `tell_sender` in the transaction that records
such a failure (Dispatcher.after_undelivered), and the SMS channel calls it when a delivery
receipt says a text never arrived (SmsChannel.record_receipt: 'undelivered' or 'failed' and
not sent again; once per message, however many parts failed); it queues the same notice
for the sender of the refused message, on their own channel.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, select, update

from bot.core.content import ContentLibrary
from bot.core.events import Outbound
from bot.dispatch.notify import elsewhere, requeue_elsewhere
from bot.dispatch.outbox import Outgoing
from bot.peers import service
from bot.peers.models import PeerChat, RelayedMessage
from bot.peers.relay import for_reader
from bot.storage import repository as repo
from bot.storage.models import OutboxMessage, Person

RELAY_KIND = "relay"  # as service.relay queues them


def photo_note_key(relayed_id: int) -> str:
    """The key "your words went, the photo didn't" is queued under for the relayed message
    its words became (bot/channels/wordless.py), so a refusal of them can withdraw it."""
    return f"relayed:{relayed_id}:photo_note"


def tell_sender(connection: Connection, content: ContentLibrary, item: Outgoing,
                now: datetime) -> bool:
    """A relayed message that didn't go: sent to the reader's other channel if they have one
    we may reach, else whoever wrote it is told. True if either was done."""
    if item.kind != RELAY_KIND:
        return False
    relayed = connection.execute(
        select(RelayedMessage.connection_id, RelayedMessage.sender_id, RelayedMessage.text,
               RelayedMessage.segments, RelayedMessage.id)
        .where(RelayedMessage.outbox_id == item.id)).first()
    if relayed is None:
        return False
    chat_id, sender_id, text = int(relayed[0]), int(relayed[1]), relayed[2]
    # A photo's note ("your words went, the photo didn't") still waiting for these words:
    # it goes only if they are sent elsewhere now, or the writer would hear both that
    # they went and that they didn't.
    note = repo.opaque(connection, photo_note_key(int(relayed[4])))
    withdraw = update(OutboxMessage).where(
        OutboxMessage.idempotency_key == f"{note}:0", OutboxMessage.status == "queued"
    ).values(status="cancelled", updated_at=now)
    open_chat = connection.scalar(select(PeerChat.id).where(
        PeerChat.id == chat_id, PeerChat.status.in_(service.OPEN_CHAT)))
    if open_chat is None:
        connection.execute(withdraw)
        return False  # the chat has ended meanwhile: nothing to carry on with
    # They use another channel too (a phone joined to their Telegram): the words go there
    # instead (issue 13), made for that channel exactly as a relay written to it is: the
    # writer's name as that reader can read it, no Telegram button turned into an SMS
    # option, and by text every SMS check (what GSM-7 can't carry, never an empty relay,
    # the part cap, the cost). The writer hears only what that channel changed; the relay
    # follows its new row, so "my data" and erasure still find the words.
    # ("" once retention forgot the words: nothing to move.)
    if text and elsewhere(connection, item) is not None:
        ready = for_reader(connection, content, sender_id, chat_id, text)
        moved = None if ready.message is None else \
            requeue_elsewhere(connection, item, now, ready.message)
        if moved is not None:
            # What it cost already (parts that left before a receipt said they never
            # arrived), and what it costs now.
            spent = int(relayed[3] or 0) if item.parts_sent else 0
            connection.execute(update(RelayedMessage).where(RelayedMessage.outbox_id == item.id)
                               .values(outbox_id=moved, segments=spent + ready.segments))
        if ready.told:
            service.notify(connection, sender_id, ready.told, now, kind="peer")
        if moved is None:
            connection.execute(withdraw)
        if moved is not None or ready.told:
            return True
    connection.execute(withdraw)
    language = connection.scalar(select(Person.language).where(Person.id == sender_id))
    mine = content.for_language(str(language or "en"))
    alias = service.label_for(connection, sender_id, chat_id, mine)
    return bool(service.notify(connection, sender_id,
                               [Outbound(mine.text("peers.relay.unreachable", alias=alias))],
                               now, kind="peer"))


def hook(content: ContentLibrary) -> Callable[[Connection, Outgoing, datetime], bool]:
    """For Dispatcher.after_undelivered and SmsChannel's delivery receipts."""
    def run(connection: Connection, item: Outgoing, now: datetime) -> bool:
        return tell_sender(connection, content, item, now)

    return run
