"""Volunteer-moderated Telegram groups: the `GroupHandler` the Telegram channel calls.

In a group the bot is quiet except for: registering the group and welcoming newcomers
with its rules (setup), /rules, /report (reports), the group helpers'
/warn, /mute, /unmute and /remove (actions), and holding new members' links and
phone numbers (held). In a private chat it handles joining a group (join)
and helpers' decisions on held messages; everything else goes on to the engine.

The bot needs to be an admin of each group with the rights to delete messages, ban and
restrict members, and invite users via link; with admin rights Telegram sends it every
message and the chat_member updates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable

from telegram import Bot, Message, Update
from telegram.constants import ChatMemberStatus

from bot.core.clock import Clock
from bot.core.content import ContentLibrary
from bot.groups.actions import ModeratorActions
from bot.groups.commands import MODERATOR, GroupCommand, parse_command
from bot.groups.held import HeldMessages
from bot.groups.history import RecentMessages, Seen
from bot.groups.join import JoinFlow
from bot.groups.reports import Reports
from bot.groups.runtime import GroupRuntime
from bot.groups.safety import GroupSafety
from bot.groups.setup import GroupLifecycle
from bot.peers.contact import SPLIT_WITHIN
from bot.peers.contact_pieces import PIECES_BACK, earlier_messages
from bot.storage.db import Database

log = logging.getLogger(__name__)


class GroupModeration:
    """Satisfies bot.channels.telegram.GroupHandler."""

    def __init__(self, db: Database, clock: Clock, content: ContentLibrary, bot: Bot,
                 on_queued: Callable[[], None] | None = None) -> None:
        # Groups are shared by people of any language: their texts are English for now.
        self.rt = GroupRuntime(db, clock, content.for_language(None), bot, on_queued)
        self.history = RecentMessages()
        self.lifecycle = GroupLifecycle(self.rt)
        self.actions = ModeratorActions(self.rt)
        self.reports = Reports(self.rt, self.history)
        self.held = HeldMessages(self.rt)
        self.join = JoinFlow(self.rt)
        self.safety = GroupSafety(self.rt, content)
        # Keyed by chat id: groups are negative, people positive, so they never clash.
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    # -- GroupHandler ---------------------------------------------------------------------
    async def handle(self, update: Update) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        # One group's updates in order (strikes, joins, the recent-message buffer); groups
        # side by side.
        async with self._lock_for(chat.id):
            await self._in_group(update)

    async def handle_private(self, update: Update) -> bool:
        user = update.effective_user
        if user is None:
            return False
        # One person's presses in order: a double tap on "I agree" makes one link.
        async with self._lock_for(user.id):
            query = update.callback_query
            if query is not None and self.held.owns(query.data):
                await self.held.decide(update)
                return True
            return await self.join.handle(update)

    async def chat_migrated(self, old_chat_id: int, new_chat_id: int) -> None:
        """Telegram refused a message to a group because it is now a supergroup with a new
        id (the sender found out first): move it as the service message would."""
        async with self._lock_for(old_chat_id):
            await self.lifecycle.moved(old_chat_id, new_chat_id)
            self.history.forget(old_chat_id)

    # -- in a group -----------------------------------------------------------------------
    async def _in_group(self, update: Update) -> None:
        if update.my_chat_member is not None:
            if await self.rt.claim(update.update_id):
                await self.lifecycle.bot_status(update)
                if update.my_chat_member.new_chat_member.status in (ChatMemberStatus.LEFT,
                                                                    ChatMemberStatus.BANNED):
                    self.history.forget(update.my_chat_member.chat.id)
            return
        if update.chat_member is not None:
            if await self.rt.claim(update.update_id):
                await self.lifecycle.member_status(update)
            return
        message = update.message or update.edited_message
        if message is None:
            return
        if message.migrate_to_chat_id or message.migrate_from_chat_id or \
                message.new_chat_members or message.left_chat_member:
            if await self.rt.claim(update.update_id):
                await self._service(update, message)
            return
        sender = message.from_user
        if sender is None or sender.is_bot:
            return  # includes anonymous admins, who post as a bot
        text = message.text or message.caption or ""
        command = parse_command(text, self.rt.bot_username()) \
            if update.message is not None else None
        if command is not None:
            if await self.rt.claim(update.update_id):
                await self._command(update, message, command)
            return
        # Read for emergencies before anything else, an edit too ("nice day" changed into
        # a crisis); an urgent post stays up.
        await self.safety.screen(update, message, text)
        # The member's recent messages, read as the relay reads a person's (one rule set):
        # the last two, or a run of pieces further back ("077" / "009" / "005" / "33").
        previous = earlier_messages(self.history.recent_from(
            message.chat.id, sender.id, message.date - SPLIT_WITHIN,
            not_id=message.message_id, count=PIECES_BACK + 1))
        if await self.held.maybe_hold(update, message, text, previous):
            return
        if text:
            self.history.add(message.chat.id, Seen(message.message_id, sender.id,
                                                   sender.first_name, text, message.date))

    async def _service(self, update: Update, message: Message) -> None:
        if message.migrate_to_chat_id or message.migrate_from_chat_id:
            await self.lifecycle.migrated(message)
            self.history.forget(message.migrate_from_chat_id or message.chat.id)
        elif message.new_chat_members:
            await self.lifecycle.joined(update, message.chat, list(message.new_chat_members))
        else:
            await self.lifecycle.left(message)

    async def _command(self, update: Update, message: Message, command: GroupCommand) -> None:
        log.info("group command %s in chat %s", command.name, message.chat.id)
        if command.name == "rules":
            await self.lifecycle.rules(update, message)
        elif command.name == "report":
            await self.reports.report(update, message, command)
        elif command.name == "setup":
            await self.lifecycle.setup(update, message, command)
        elif command.name == "setrules":
            await self.lifecycle.set_rules(update, message, command)
        elif command.name in MODERATOR:
            await self.actions.handle(update, message, command)

    @contextlib.asynccontextmanager
    async def _lock_for(self, chat_id: int) -> AsyncIterator[None]:
        lock = self._locks[chat_id]
        async with lock:
            yield
        if not lock.locked() and self._locks.get(chat_id) is lock:
            del self._locks[chat_id]
