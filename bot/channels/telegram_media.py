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


def read_message(message: Message) -> Read:
    """Text and captions are words; a location, a venue, a contact card, a photo without a
    caption (and the like) are not."""
    if message.text:
        return Read(text=message.text)
    if message.caption and message.caption.strip():
        # A photo (video, document) with words: the words, and what was left out.
        carried = next((name for name in _WORDLESS if getattr(message, name, None)), "other")
        return Read(text=message.caption, left_out=carried)
    if message.contact is not None:
        contact = message.contact
        number = contact.phone_number or ""
        if number and number.isdigit():
            number = f"+{number}"  # Telegram gives international numbers without the +
        card = " ".join(part for part in (contact.first_name, contact.last_name, number)
                        if part)
        return Read(wordless=Wordless("contact", card=card))
    place = message.location if message.location is not None else \
        message.venue.location if message.venue is not None else None
    if place is not None:
        return Read(wordless=Wordless("location", latitude=place.latitude,
                                      longitude=place.longitude))
    for name in _WORDLESS:
        if getattr(message, name, None):
            return Read(wordless=Wordless(name))
    return Read()  # nothing we know (a service message): an empty text, as before
