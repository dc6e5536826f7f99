"""Messages without words (a photo, a voice note, a sticker, a contact card, a location
nobody asked for): what each means for the person who sent it, and a kind word back.

The engine reads words. Today a photo reached it as an empty text, and the answer was
"Sorry, I didn't quite get that" (or, in a peer chat, nothing passed on and the same
puzzled reply). Here, before the engine, a message without words is:
- from someone we don't know yet: handed on as before (they get the welcome);
- after STOP: handed on as before (the engine keeps quiet);
- a location while the question they face asks for one: handed on as a location;
- a shared contact with a number while their words go to a peer: handed on as the text of
  the card (name and number), so the relay's own contact-detail check holds it back until
  both agree to swap details, exactly like a typed number (bot/peers/contact.py); a card
  with no number is only a name, and is answered like a photo (its name is never read as
  words: a contact called "Stop" must not stop anything);
- an edited message: the edit is answered (the change was not passed on or read), never
  the live location updates Telegram sends as edits;
- the photos of one album: answered once;
- anything else: answered with a kind "I can only pass on words" (in a peer chat) or "I
  can only read words" (anywhere else), queued like any reply, so STOP, pacing and the
  record of what was sent apply. The question they were on stays open.
A caption is words: the channel hands it on as a typed message. When those words went to
a peer, the photo (video, file) they came with did not, and `left_out` says so afterwards,
so nobody thinks their picture was seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from sqlalchemy import Connection, func, select

from bot.core.events import Address, Inbound, Outbound
from bot.dispatch.priority import PRIORITY_REPLY
from bot.engine.handler import Handler
from bot.peers import service as peer_service
from bot.peers.models import RelayedMessage
from bot.storage import repository as repo
from bot.storage.models import Identity, OutboxMessage

REPLY_KIND = "reply"
# How far back to look for the question someone faces (its message carries its ref).
RECENT_REPLIES = 10


@dataclass(frozen=True)
class Wordless:
    """A message without words, in channel-neutral terms."""

    kind: str  # photo, video, voice, audio, sticker, document, location, contact, other
    latitude: float | None = None
    longitude: float | None = None
    # A shared contact card with a number, as text ("Ann Smith +447700900123"), never shown
    # by us; empty when the card has no number (then it is only a name: nothing to pass on).
    card: str = ""
    # Telegram's media_group_id: the photos of one album are answered once, not each.
    album: str | None = None


@dataclass(frozen=True)
class _Routed:
    event: Inbound | None
    queued: bool = False


class WordlessReplies:
    def __init__(self, engine: Handler) -> None:
        self.engine = engine

    async def route(self, address: Address, message: Wordless,
                    external_id: str | None) -> Inbound | None:
        """The event for the engine, or None when answered here."""
        now = self.engine.clock.now()
        routed = await self.engine.db.run(
            lambda c: self._route(c, address, message, external_id, now))
        wake = self.engine.on_queued
        if routed.queued and callable(wake):
            wake()
        return routed.event

    def _route(self, connection: Connection, address: Address, message: Wordless,
               external_id: str | None, now: datetime) -> _Routed:
        as_before = Inbound.from_location(message.latitude, message.longitude) \
            if message.kind == "location" and message.latitude is not None \
            and message.longitude is not None else Inbound.from_text("")
        stored = repo.load(connection, address, lock=False)
        if stored is None or stored.opted_out_at is not None:
            return _Routed(as_before)
        state = repo.to_state(stored)
        person = stored.person_id
        if message.kind == "location" and state.flow is not None and \
                _asked_for_location(connection, person, address, state.ref):
            return _Routed(as_before)
        words_to_peer = state.flow is None and bool(peer_service.open_chats(connection, person))
        if message.kind == "contact" and message.card and words_to_peer:
            return _Routed(Inbound.from_text(message.card))
        if external_id is not None and not repo.mark_seen(connection, address.channel,
                                                          external_id, now):
            return _Routed(None)  # a redelivery: answered the first time
        key = f"in:{address}:album:{message.album}" if message.album else \
            f"in:{address}:{external_id or uuid4().hex}"
        if message.album and _queued(connection, key):
            return _Routed(None)  # another photo of an album already answered
        # Writing to us, in any form, proves we can reach them.
        repo.update_identity(connection, stored.identity_id, last_inbound_at=now,
                             unreachable_at=None)
        content = self.engine.content.for_language(stored.person["language"])
        about = "telegram.edited" if message.kind == "edited" else "telegram.wordless"
        text = content.text(f"{about}.to_peer" if words_to_peer else f"{about}.to_us")
        if peer_service.chatting(connection, person):
            # In a chat, our words say who they are from, as every reply of ours does.
            text = content.text("peers.relay.from_us", text=text)
        repo.queue_messages(connection, person_id=person, to=address, messages=[Outbound(text)],
                            kind=REPLY_KIND, priority=PRIORITY_REPLY, key_prefix=key, now=now)
        return _Routed(None, queued=True)


    async def last_relay(self, address: Address) -> int:
        """The newest relayed (not held back) message this person wrote, by id (0: none);
        taken before a caption is handled, to see afterwards whether its words went."""
        return await self.engine.db.run(lambda c: _last_relay(c, address))

    async def left_out(self, address: Address, external_id: str, relayed_before: int,
                       album: str | None = None) -> None:
        """After a caption was handled as words: if they went to a peer (a new relayed
        message, not held back), tell the sender the photo (video, file) itself did not."""
        now = self.engine.clock.now()
        queued = await self.engine.db.run(
            lambda c: self._left_out(c, address, external_id, relayed_before, album, now))
        wake = self.engine.on_queued
        if queued and callable(wake):
            wake()

    def _left_out(self, connection: Connection, address: Address, external_id: str,
                  relayed_before: int, album: str | None, now: datetime) -> bool:
        if _last_relay(connection, address) <= relayed_before:
            return False  # an answer, a command, a held number, a refusal: nothing went
        stored = repo.load(connection, address, lock=False)
        if stored is None or stored.opted_out_at is not None:
            return False
        content = self.engine.content.for_language(stored.person["language"])
        text = content.text("peers.relay.from_us",
                            text=content.text("telegram.wordless.caption_only"))
        key = f"in:{address}:album:{album}" if album else f"in:{address}:{external_id}:left"
        if _queued(connection, key):
            return False  # a redelivered update, or the album already answered
        return bool(repo.queue_messages(
            connection, person_id=stored.person_id, to=address, messages=[Outbound(text)],
            kind=REPLY_KIND, priority=PRIORITY_REPLY, key_prefix=key, now=now))


def _last_relay(connection: Connection, address: Address) -> int:
    person = connection.scalar(select(Identity.person_id).where(
        Identity.channel == address.channel, Identity.address == address.address))
    if person is None:
        return 0
    return int(connection.scalar(select(func.max(RelayedMessage.id)).where(
        RelayedMessage.sender_id == person, RelayedMessage.held.is_(False))) or 0)


def _queued(connection: Connection, key: str) -> bool:
    """Whether a message was already queued under this key (repo.queue_messages keeps only
    the keyed hash of it, numbered from 0)."""
    return connection.scalar(select(OutboxMessage.id).where(
        OutboxMessage.idempotency_key == f"{repo.opaque(connection, key)}:0")) is not None


def _asked_for_location(connection: Connection, person_id: int, address: Address,
                        ref: str) -> bool:
    """Whether the question they face (tagged with `ref` when it was sent) offered the
    share-location button."""
    rows = connection.execute(
        select(OutboxMessage.payload).where(
            OutboxMessage.person_id == person_id, OutboxMessage.channel == address.channel,
            OutboxMessage.address == address.address,
            OutboxMessage.priority == PRIORITY_REPLY)
        .order_by(OutboxMessage.id.desc()).limit(RECENT_REPLIES)).scalars()
    for payload in rows:
        if isinstance(payload, dict) and payload.get("ref") == ref:
            return bool(payload.get("ask_location"))
    return False
