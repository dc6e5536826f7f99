"""Messages without words (a photo, a voice note, a sticker, a contact card, a location
nobody asked for): what each means for the person who sent it, and a kind word back.

The engine reads words. Today a photo reached it as an empty text, and the answer was
"Sorry, I didn't quite get that" (or, in a peer chat, nothing passed on and the same
puzzled reply). Here, before the engine, a message without words is:
- from someone we don't know yet: handed on as before (they get the welcome);
- after STOP: handed on as before (the engine keeps quiet);
- a location while the question they face asks for one: handed on as a location;
- a shared contact with a number while their words go to a peer (one chat): passed to
  the relay as the text of the card (name and number), so the relay's own contact-detail
  check holds a personal number back until both agree to swap details, exactly like a
  typed number (bot/peers/contact.py), and a public one (Samaritans 116 123) may pass.
  It goes straight to the relay, not through the engine: the name on a card is someone's
  name, not the sender's words, so it is never read as a command (a contact called
  "Stop") nor screened as their own crisis (a contact called "Crisis line"). A card with
  no number (or none anyone could dial) is only a name, and is answered like a photo;
- an edited message: the edit is answered (the change was not passed on or read), never
  the live location updates Telegram sends as edits;
- the photos of one album: answered once, and rightly. Telegram sends an album as one
  message per item, the caption on any of them, so the answer to an uncaptioned item
  waits a moment (ALBUM_SETTLE): if a caption of the album then went to their peer, the
  answer becomes "your words went, the photos didn't"; if a caption was read (a command,
  a held number, an answer to us), the album is answered as that caption was, as one
  photo with it would be;
- anything else: answered with a kind "I can only pass on words" (in a peer chat) or "I
  can only read words" (anywhere else), queued like any reply, so STOP, pacing and the
  record of what was sent apply. The question they were on stays open.
A caption is words: the channel hands it on as a typed message. When those words went to
a peer, the photo (video, file) they came with did not, and `left_out` says so afterwards,
so nobody thinks their picture was seen: once the words have been tried (RELAY_SETTLE), and
never when the reader could not get them (then the writer hears only that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from sqlalchemy import Connection, func, select, update

from bot.core.events import Address, Inbound, Outbound
from bot.dispatch.priority import PRIORITY_REPLY
from bot.engine.handler import Handler
from bot.peers import service as peer_service
from bot.peers.models import RelayedMessage
from bot.peers.undelivered import photo_note_key
from bot.storage import repository as repo
from bot.storage.models import Identity, OutboxMessage

REPLY_KIND = "reply"
# How far back to look for the question someone faces (its message carries its ref).
RECENT_REPLIES = 10
# How long the answer to an uncaptioned photo of an album waits for a caption on another
# item of it (Telegram delivers an album's items together, within a second).
ALBUM_SETTLE = timedelta(seconds=3)
# How long "your words went, the photo didn't" waits for those words to be tried: a reader
# who blocked us since is found out only then, and the writer hears just that the words
# didn't go (one notice, not two that contradict each other).
RELAY_SETTLE = timedelta(seconds=3)


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
        chats = peer_service.open_chats(connection, person) if state.flow is None else []
        words_to_peer = bool(chats)
        if external_id is not None and not repo.mark_seen(connection, address.channel,
                                                          external_id, now):
            return _Routed(None)  # a redelivery: answered the first time
        key = f"in:{address}:album:{message.album}" if message.album else \
            f"in:{address}:{external_id or uuid4().hex}"
        if message.album and (_queued(connection, key) or repo.already_seen(
                connection, address.channel, _album_words(address, message.album))):
            # Another photo of an album already answered, or whose caption was read.
            return _Routed(None)
        # Writing to us, in any form, proves we can reach them.
        repo.update_identity(connection, stored.identity_id, last_inbound_at=now,
                             unreachable_at=None)
        if message.kind == "contact" and message.card and len(chats) == 1:
            # Straight to the relay (see the module's docstring): held, or passed on.
            said = peer_service.relay(connection, self.engine.content, person,
                                      int(chats[0]["id"]), message.card, now)
            repo.queue_messages(connection, person_id=person, to=address, messages=said,
                                kind=REPLY_KIND, priority=PRIORITY_REPLY, key_prefix=key,
                                now=now)
            return _Routed(None, queued=True)
        content = self.engine.content.for_language(stored.person["language"])
        about = "telegram.edited" if message.kind == "edited" else "telegram.wordless"
        text = content.text(f"{about}.to_peer" if words_to_peer else f"{about}.to_us")
        if peer_service.chatting(connection, person):
            # In a chat, our words say who they are from, as every reply of ours does.
            text = content.text("peers.relay.from_us", text=text)
        repo.queue_messages(connection, person_id=person, to=address, messages=[Outbound(text)],
                            kind=REPLY_KIND, priority=PRIORITY_REPLY, key_prefix=key, now=now,
                            due_at=now + ALBUM_SETTLE if message.album else None)
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
        relayed = _last_relay(connection, address)
        went = relayed > relayed_before
        album_key = f"in:{address}:album:{album}" if album else None
        first_words = album_key is not None and repo.mark_seen(
            connection, address.channel, _album_words(address, album or ""), now)
        if not went:
            # An answer, a command, a held number, a refusal: nothing went, and the album
            # is answered as one photo with those words would be (nothing about photos).
            if album_key is not None and first_words:
                _cancel(connection, album_key, now)
            return False
        stored = repo.load(connection, address, lock=False)
        if stored is None or stored.opted_out_at is not None:
            return False
        content = self.engine.content.for_language(stored.person["language"])
        text = content.text("peers.relay.from_us",
                            text=content.text("telegram.wordless.caption_only"))
        # Under its relay's key: if the reader turns out to be unreachable (their Telegram
        # blocked us since), the refusal withdraws it (bot/peers/undelivered.py), and the
        # writer hears only that the words didn't go either.
        key = photo_note_key(relayed)
        if _queued(connection, key):
            return False  # a redelivered update
        if album_key is not None:
            if not repo.mark_seen(connection, address.channel,
                                  f"{_album_words(address, album or '')}:left", now):
                return False  # the album was already told its words went
            # The answer to an uncaptioned photo of it, still waiting: this one replaces
            # it (or, rarely, "that one didn't go" already went: this puts it right).
            _cancel(connection, album_key, now)
        # It waits until its words have been tried (RELAY_SETTLE): only words that went
        # are said to have gone.
        return bool(repo.queue_messages(
            connection, person_id=stored.person_id, to=address, messages=[Outbound(text)],
            kind=REPLY_KIND, priority=PRIORITY_REPLY, key_prefix=key, now=now,
            due_at=now + RELAY_SETTLE))


def _last_relay(connection: Connection, address: Address) -> int:
    person = connection.scalar(select(Identity.person_id).where(
        Identity.channel == address.channel, Identity.address == address.address))
    if person is None:
        return 0
    return int(connection.scalar(select(func.max(RelayedMessage.id)).where(
        RelayedMessage.sender_id == person, RelayedMessage.held.is_(False))) or 0)


def _row_key(connection: Connection, key: str) -> str:
    """The stored key of the first message queued under `key` (repo.queue_messages keeps
    only the keyed hash of it, numbered from 0)."""
    return f"{repo.opaque(connection, key)}:0"


def _cancel(connection: Connection, key: str, now: datetime) -> None:
    """The message queued under `key`, if still waiting, never goes."""
    connection.execute(update(OutboxMessage).where(
        OutboxMessage.idempotency_key == _row_key(connection, key),
        OutboxMessage.status == "queued").values(status="cancelled", updated_at=now))


def _queued(connection: Connection, key: str) -> bool:
    """Whether a message was already queued under this key."""
    return connection.scalar(select(OutboxMessage.id).where(
        OutboxMessage.idempotency_key == _row_key(connection, key))) is not None


def _album_words(address: Address, album: str) -> str:
    """The inbound mark (kept hashed, like an update id) that a caption of this album
    was read."""
    return f"album:{address}:{album}:words"


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
