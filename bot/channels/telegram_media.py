"""What a Telegram message carries, in plain terms: words (its text, or a photo's,
video's or document's caption), or something without words (bot/channels/wordless.py)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message

from bot.channels.wordless import Wordless

# Attributes of a Message that carry something other than words, in the order checked.
_WORDLESS = ("photo", "video", "video_note", "animation", "voice", "audio", "sticker",
             "document", "poll", "dice", "game", "story", "paid_media", "invoice")


@dataclass(frozen=True)
class Read:
    text: str = ""
    wordless: Wordless | None = None
    # A caption's words go on; what they came with (photo, video, document...) cannot.
    left_out: str | None = None
    album: str | None = None  # media_group_id: the photos of one album


def read_edit(message: Message) -> Read:
    """An edited message: words changed after they were sent are answered (nothing passes
    on an edit), and the new words come too, for the safety screen; a live location moving
    (sent as edits, every few seconds) is not answered."""
    words = message.text or (message.caption.strip() if message.caption else "")
    if words:
        return Read(text=words, wordless=Wordless("edited"))
    return Read()


def read_message(message: Message) -> Read:
    """Text and captions are words; a location, a venue, a contact card, a photo without a
    caption (and the like) are not."""
    if message.text:
        return Read(text=message.text)
    if message.caption and message.caption.strip():
        # A photo (video, document) with words: the words, and what was left out.
        carried = next((name for name in _WORDLESS if getattr(message, name, None)), "other")
        return Read(text=message.caption, left_out=carried, album=message.media_group_id)
    if message.contact is not None:
        contact = message.contact
        number = (contact.phone_number or "").strip()
        if number.isdigit() and not number.startswith("0"):
            number = f"+{number}"  # Telegram gives international numbers without the +
        # Without a number a card is only a name: nothing to pass on, nothing to read.
        card = " ".join(part for part in (contact.first_name, contact.last_name, number)
                        if part) if any(c.isdigit() for c in number) else ""
        return Read(wordless=Wordless("contact", card=card))
    place = message.location if message.location is not None else \
        message.venue.location if message.venue is not None else None
    if place is not None:
        return Read(wordless=Wordless("location", latitude=place.latitude,
                                      longitude=place.longitude))
    for name in _WORDLESS:
        if getattr(message, name, None):
            return Read(wordless=Wordless(name, album=message.media_group_id))
    return Read()  # nothing we know (a service message): an empty text, as before
