"""What a Telegram message carries, in plain terms: words (its text, a photo's, video's or
document's caption, a checklist), something without words (bot/channels/wordless.py), or
nothing a person said at all (a service message: a pin, a timer, a shared chat...).

- A caption counts as words only when a reader would see some of it: a zero-width space,
  the blank braille pattern (U+2800), the Hangul filler (U+3164) or a variation selector on
  its own is sent to look empty, and is answered like the photo without a caption.
- A checklist is the person's own typed words (a title and tasks): it goes on as their
  text, one task a line, so it is read (the safety screen, the contact-detail hold, an
  answer to our question) like anything typed, and nothing they wrote is lost. Only the
  tick boxes cannot travel, and a list of lines says all a reader needs.
- Anything else with no words that is not a service message (a live photo, a story, paid
  media, a giveaway, whatever kind Telegram adds next) gets the kind "I can only pass on
  words" reply.
- Service messages in a private chat (a pinned message, the auto-delete timer changed,
  "allowed to write", users or chats shared with the bot...) are not someone talking to us:
  no reply at all.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import shortnumberinfo
from telegram import Message

from bot.channels.wordless import Wordless
from bot.core.splitting import shows_anything

# Attributes of a Message that carry something other than words, in the order checked (an
# animation also fills `document`, so it comes first).
_WORDLESS = ("live_photo", "photo", "video", "video_note", "animation", "voice", "audio",
             "sticker", "document", "poll", "dice", "game", "story", "paid_media", "invoice",
             "giveaway", "giveaway_winners", "checklist")
# Service messages (Bot API "Message"): something that happened in the chat, not words or
# media from a person. Never answered. Names PTB does not know yet are looked for in its
# api_kwargs too.
SERVICE = (
    "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo",
    "delete_chat_photo", "group_chat_created", "supergroup_chat_created",
    "channel_chat_created", "message_auto_delete_timer_changed", "migrate_to_chat_id",
    "migrate_from_chat_id", "pinned_message", "successful_payment", "refunded_payment",
    "users_shared", "chat_shared", "gift", "unique_gift", "gift_upgrade_sent",
    "connected_website", "write_access_allowed", "passport_data", "proximity_alert_triggered",
    "boost_added", "chat_background_set", "checklist_tasks_done", "checklist_tasks_added",
    "direct_message_price_changed", "forum_topic_created", "forum_topic_edited",
    "forum_topic_closed", "forum_topic_reopened", "general_forum_topic_hidden",
    "general_forum_topic_unhidden", "giveaway_created", "giveaway_completed",
    "paid_message_price_changed", "suggested_post_approved", "suggested_post_approval_failed",
    "suggested_post_declined", "suggested_post_paid", "suggested_post_refunded",
    "video_chat_scheduled", "video_chat_started", "video_chat_ended",
    "video_chat_participants_invited", "web_app_data", "chat_owner_changed",
    "chat_owner_left", "managed_bot_created", "poll_option_added", "poll_option_deleted",
)
# Formatting in a card's number that is not part of it.
_NUMBER_MARKS = " -.()/\u00a0\u2010\u2011\u2012\u2013\u2014\u2212"
CARD_REGION = "GB"


@dataclass(frozen=True)
class Read:
    text: str = ""
    wordless: Wordless | None = None
    # A caption's words go on; what they came with (photo, video, document...) cannot.
    left_out: str | None = None
    album: str | None = None  # media_group_id: the photos of one album
    # A service message: nothing a person said, so nothing is answered.
    service: bool = False


def _has(message: Message, name: str) -> bool:
    return bool(getattr(message, name, None)) or bool(message.api_kwargs.get(name))


def _words(text: str | None) -> str:
    """The words of a caption (or an edit), or "" when a reader would see nothing."""
    return text if text and shows_anything(text) else ""


def read_edit(message: Message) -> Read:
    """An edited message: words changed after they were sent are answered (nothing passes
    on an edit), and the new words come too, for the safety screen; a live location moving
    (sent as edits, every few seconds) is not answered."""
    words = _words(message.text) or _words(message.caption).strip()
    if words:
        return Read(text=words, wordless=Wordless("edited"))
    return Read()


def read_message(message: Message) -> Read:
    """Text, captions and checklists are words; a location, a venue, a contact card, a
    photo without a caption (and the like) are not; a service message is nothing at all."""
    if message.text:
        return Read(text=message.text)
    if _words(message.caption):
        # A photo (video, document) with words: the words, and what was left out.
        carried = next((name for name in _WORDLESS if _has(message, name)), "other")
        return Read(text=message.caption or "", left_out=carried,
                    album=message.media_group_id)
    checklist = checklist_text(message)
    if checklist:
        return Read(text=checklist)
    if message.contact is not None:
        contact = message.contact
        number = card_number(contact.phone_number or "")
        # Without a number a card is only a name: nothing to pass on, nothing to read.
        card = " ".join(part for part in (contact.first_name, contact.last_name, number)
                        if part) if number else ""
        return Read(wordless=Wordless("contact", card=card))
    place = message.location if message.location is not None else \
        message.venue.location if message.venue is not None else None
    if place is not None:
        return Read(wordless=Wordless("location", latitude=place.latitude,
                                      longitude=place.longitude))
    for name in _WORDLESS:
        if _has(message, name):
            return Read(wordless=Wordless(name, album=message.media_group_id))
    if any(_has(message, name) for name in SERVICE):
        return Read(service=True)
    # Something a person sent that we cannot read (a kind newer than this code): no words,
    # so the kind reply, never "didn't quite get that".
    return Read(wordless=Wordless("other", album=message.media_group_id))


def checklist_text(message: Message) -> str:
    """A checklist as the words it holds: its title, then one task a line."""
    checklist = message.checklist
    if checklist is None:
        return ""
    lines = [_words(checklist.title).strip()]
    lines += [f"- {task.text.strip()}" for task in checklist.tasks if _words(task.text)]
    return "\n".join(line for line in lines if line)


def card_number(raw: str) -> str:
    """The number on a shared contact card as someone could dial it, or "" when it is no
    phone number at all ("1", "*#06#"). Telegram writes international numbers without
    their "+" ("447700900123"): it is put back only when the digits make a possible
    international number, never on a short or service number (116123, 999, 123), which
    stays as it is."""
    number = raw.strip()
    compact = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in number
                      if c not in _NUMBER_MARKS)
    plus = compact.startswith("+")
    digits = compact[1:] if plus else compact
    if not digits.isascii() or not digits.isdigit():
        return ""
    if plus or digits.startswith("00"):
        return number if _possible(f"+{digits.removeprefix('00')}" if not plus
                                   else f"+{digits}") else ""
    if digits.startswith("0"):
        return number if _possible(digits, CARD_REGION) else ""
    if _possible(f"+{digits}"):
        return f"+{digits}"
    if _possible(digits, CARD_REGION) or _short_number(digits):
        return number
    return ""


def _possible(number: str, region: str | None = None) -> bool:
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:
        return False


def _short_number(digits: str) -> bool:
    """A short or service number here (999, 111, 116 123)."""
    try:
        parsed = phonenumbers.parse(digits, CARD_REGION)
    except phonenumbers.NumberParseException:
        return False
    return shortnumberinfo.is_valid_short_number_for_region(parsed, CARD_REGION)
