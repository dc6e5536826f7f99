"""Peer support's shared parts: its limits, the audit trail, sending to someone through
whatever identity they last used, and small helpers on chats (who the partner is, their
language, whether they can be reached). Underscored names are the package's own helpers,
shared by its modules; nothing outside `bot/peers` uses them.

Nobody's number or account ever reaches the other person: messages to them are queued
through the outbox to whatever identity *they* last used, under the sender's alias.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, or_, select, update

from bot.core.content import Content
from bot.core.events import Option, Outbound
from bot.core.peer_context import REPORT_OPTION
from bot.dispatch.notify import notify, preferred_address  # noqa: F401 (the package's own)
from bot.peers.models import PeerChat
from bot.storage.audit import audit  # noqa: F401 (the package's own)
from bot.storage.models import Person

INVITE_DAYS = 14


RELAY_PER_DAY = 40  # messages one person may relay in a day: plenty for a chat, not spam


# How long an offer or a "would you like to start?" waits for an answer before it lapses.
OFFER_ANSWER_WAIT = timedelta(hours=48)


CONSENT_WAIT = timedelta(days=7)


RELAY_MAX_CHARS = 1000  # about seven SMS segments: a long message, not a letter


# The notice that someone who asked to be forgotten has left: kept only until sent.
LEFT_KIND = "peer_left"


REPORT_ENDED_DAYS = 7  # a chat can still be reported this long after it ended


HISTORY_IN_CASE = 20


# When volunteer moderators are usually about (London time); outside, reports still pause
# the chat at once and say when someone will look.
MODERATION_HOURS = (9, 20)


OPEN_CHAT = ("active", "paused", "reported")


VOLUNTEER_ROLES = ("supporter", "moderator", "coordinator")


# Whether texts may carry emoji and other scripts (UCS-2): SMS_ALLOW_UNICODE, told by the
# app when it is built. Off, what a text cannot carry is left out and the sender is told.
_SMS = {"allow_unicode": False}


def set_sms_unicode(allowed: bool) -> None:
    _SMS["allow_unicode"] = allowed


def _chat(connection: Connection, chat_id: int, member: int) -> Any:
    return connection.execute(select(PeerChat).where(
        PeerChat.id == chat_id,
        or_(PeerChat.resident_id == member, PeerChat.supporter_id == member),
        PeerChat.status.in_(OPEN_CHAT))).mappings().first()


def _busy(connection: Connection, supporter_id: int) -> int:
    """Chats a supporter is in or has offered to start."""
    return int(connection.scalar(select(func.count()).select_from(PeerChat).where(
        PeerChat.supporter_id == supporter_id,
        PeerChat.status.in_((*OPEN_CHAT, "awaiting_resident")))) or 0)


def _partner(chat: Any, person_id: int) -> int:
    return int(chat["supporter_id"] if chat["resident_id"] == person_id else chat["resident_id"])


def _set_chat(connection: Connection, chat_id: int, now: datetime, **values: Any) -> None:
    connection.execute(update(PeerChat).where(PeerChat.id == chat_id)
                       .values(updated_at=now, **values))


def _language(connection: Connection, person_id: int) -> str:
    return str(connection.scalar(select(Person.language).where(Person.id == person_id)) or "en")


def _reachable(connection: Connection, person_id: int) -> bool:
    return preferred_address(connection, person_id) is not None


def _options(content: Content, name: str) -> tuple[Option, ...]:
    prefix = f"options.{name}"
    return tuple(Option(i, content.text(f"{prefix}.{i}.label"))
                 for i in content.keys_under(prefix))


def _report_button(connection: Connection, content: Content, person_id: int, chat_id: int
                   ) -> tuple[Option, ...]:
    """A Report button under relayed messages on Telegram; SMS has the word REPORT. It
    names its chat, so a press reports the right one even among several."""
    address = preferred_address(connection, person_id)
    if address is None or address.channel != "telegram":
        return ()
    return (Option(f"{REPORT_OPTION}{chat_id}", content.text("peers.relay.button_report")),)


def _labels(content: Content, options: str, ids: Sequence[str]) -> str:
    labels = [_label(content, options, i) for i in ids]
    if len(labels) <= 1:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} {content.text('suggest.and')} {labels[-1]}"


def _label(content: Content, options: str, option_id: str) -> str:
    key = f"options.{options}.{option_id}.label"
    return content.text(key) if content.has(key) else option_id


def _by_sms(connection: Connection, person_id: int, message: Outbound
            ) -> tuple[int, int, int] | None:
    """When a relayed message goes by SMS: its segments (recorded, so coordinators can see
    the cost), the texts it becomes and the most one message may become. None otherwise."""
    address = preferred_address(connection, person_id)
    if address is None or address.channel != "sms":
        return None
    from bot.core.render import MAX_PARTS, render_sms

    rendered = render_sms(message, allow_unicode=_SMS["allow_unicode"])
    return rendered.segments, len(rendered.parts), MAX_PARTS


def _when(content: Content, now: datetime) -> str:
    from bot.core.clock import LONDON

    local = now.astimezone(LONDON)
    start, end = MODERATION_HOURS
    if start <= local.hour < end:
        return content.text("peers.relay.when_soon")
    return content.text("peers.relay.when_later", answer=content.text(
        "suggest.clock.am", hour=start))
