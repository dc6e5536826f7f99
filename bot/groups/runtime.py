"""What every part of group moderation shares: storage, time, words, the Bot API, and the
outbox through which every message goes.

Messages are never sent from here: they are recorded in the outbox (channel "telegram",
address the private chat or the negative group id) and the dispatcher sends them. Its
pacer keeps each group under Telegram's 20 messages a minute and each private chat
under one a second, however many moderation events arrive at once. Bot API calls that
are not messages (restrict, ban, delete, invite links) are made directly.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Connection
from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message
from telegram.constants import MessageLimit
from telegram.error import TelegramError

from bot.channels import telegram_keyboards as keyboards
from bot.core.clock import Clock
from bot.core.content import Content
from bot.core.events import Address, Option, Outbound
from bot.dispatch.priority import PRIORITY_NOTICE, PRIORITY_REPLY
from bot.groups import store
from bot.peers.group_posts import member_target, to_group, to_person  # noqa: F401
from bot.storage import repository as repo
from bot.storage.db import Database

log = logging.getLogger(__name__)
T = TypeVar("T")

# A reply someone is waiting for goes first (the engine's replies use 0 too); alerts and
# group notices come straight after.
QUOTE_CHARS = 600


@dataclass
class GroupRuntime:
    db: Database
    clock: Clock
    content: Content
    bot: Bot
    on_queued: Callable[[], None] | None = None

    def now(self) -> datetime:
        return self.clock.now()

    def text(self, key: str, **params: object) -> str:
        return self.content.text(key, **params)

    def words(self, key: str) -> tuple[str, ...]:
        return self.content.words(key)

    def rules(self, group: store.GroupInfo) -> str:
        return group.rules or self.text("groups.rules.default")

    def duration(self, length: timedelta) -> str:
        """30 minutes, 2 hours, 1 day: the largest whole unit."""
        minutes = max(1, round(length.total_seconds() / 60))
        if minutes % 1440 == 0:
            days = minutes // 1440
            return self.text("groups.duration.day") if days == 1 else \
                self.text("groups.duration.days", count=days)
        if minutes % 60 == 0:
            hours = minutes // 60
            return self.text("groups.duration.hour") if hours == 1 else \
                self.text("groups.duration.hours", count=hours)
        return self.text("groups.duration.minute") if minutes == 1 else \
            self.text("groups.duration.minutes", count=minutes)

    async def run(self, work: Callable[[Connection], T]) -> T:
        """One transaction; afterwards the dispatcher is woken for anything it queued."""
        result = await self.db.run(work)
        if self.on_queued is not None:
            self.on_queued()
        return result

    async def claim(self, update_id: int) -> bool:
        """Each update acts once: a redelivered /warn must not add a second strike. Claimed
        before acting, so a crash part-way loses the action rather than repeating it."""
        now = self.now()
        return await self.db.run(
            lambda connection: repo.mark_seen(connection, store.CHANNEL, f"u{update_id}", now))

    def bot_username(self) -> str | None:
        try:
            return self.bot.username
        except RuntimeError:  # not initialised yet: accept any /cmd@name
            return None

    async def call(self, what: str, action: Awaitable[T]) -> T | None:
        """A Bot API call that may fail for reasons outside our control (rights taken
        away, the person left): None then, and the caller says so kindly."""
        try:
            return await action
        except TelegramError as error:
            log.warning("telegram %s failed: %s", what, type(error).__name__)
            return None


# -- the outbox (called inside a transaction) ---------------------------------------------
def reply_privately(connection: Connection, now: datetime, telegram_id: int,
                    message: Outbound, key: str) -> None:
    """An answer in a private chat the person has just written in (so Telegram allows it),
    whether or not the engine has met them yet."""
    reach = store.reach_of(connection, telegram_id)
    repo.queue_messages(connection, person_id=reach.person_id if reach else None,
                        to=Address(store.CHANNEL, str(telegram_id)), messages=[message],
                        kind="group_private", priority=PRIORITY_REPLY,
                        key_prefix=f"grp:{key}:{telegram_id}", now=now)


def tell(connection: Connection, now: datetime, telegram_id: int, chat_id: int,
         private: str, in_group: str | None, key: str) -> None:
    """Privately if possible, else briefly in the group (or not at all without `in_group`)."""
    if not to_person(connection, now, telegram_id, Outbound(text=private), key) and in_group:
        to_group(connection, now, chat_id, in_group, key)


def to_moderators(connection: Connection, now: datetime, message: Outbound, key: str) -> int:
    """Every group helper on duty, privately; returns how many."""
    recipients = store.alert_recipients(connection)
    for person_id, address in recipients:
        repo.queue_messages(connection, person_id=person_id,
                            to=Address(store.CHANNEL, address), messages=[message],
                            kind="group_alert", priority=PRIORITY_NOTICE,
                            key_prefix=f"grp:{key}:{address}", now=now)
    if not recipients:
        log.warning("no group helper is reachable for a group alert")
    return len(recipients)


def quoted(text: str) -> str:
    """Someone's message shown to helpers, cut to a readable length."""
    text = text.strip()
    if len(text) > QUOTE_CHARS:
        text = text[:QUOTE_CHARS].rstrip() + "..."
    return f'"{text}"'


def paragraphs(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


# -- buttons pressed ----------------------------------------------------------------------
async def settle(query: CallbackQuery, answer: str | None = None) -> None:
    """Acknowledge a press, take the keyboard away and show what was chosen, so the same
    buttons cannot be pressed twice (as the channel does for conversation buttons)."""
    with contextlib.suppress(TelegramError):
        await query.answer(text=answer)
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        return
    markup = message.reply_markup if isinstance(message.reply_markup,
                                                InlineKeyboardMarkup) else None
    label = keyboards.label_of(markup, query.data or "") or ""
    text = message.text or ""
    if label:
        text = f"{text}\n\n{keyboards.TICK}{label}"
    with contextlib.suppress(TelegramError):  # cosmetic: never worth failing the action
        await message.edit_text(text[:MessageLimit.MAX_TEXT_LENGTH])


def private_prompt(text: str, options: Sequence[tuple[str, str]], ref: str) -> Outbound:
    """A private message with buttons; `ref` makes the callback data ours (see groups.py)."""
    return Outbound(text=text, options=tuple(Option(i, label) for i, label in options), ref=ref)
