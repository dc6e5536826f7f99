"""Group posts, and edits of them, pass the safety screen too: someone who posts an
emergency or crisis in a Telegram group gets the urgent-help reply (privately when the bot
may write to them, else briefly in the group), and the duty team gets a safety alert, once
per post however often it is edited."""

from __future__ import annotations

from sqlalchemy import Connection
from telegram import Message, Update

from bot.core.content import ContentLibrary
from bot.groups import store
from bot.groups.runtime import GroupRuntime, tell
from bot.safety import alerts
from bot.safety.screens import screen_for
from bot.storage import repository as repo

CHANNEL = "telegram_group"  # how the alert names where it came from


class GroupSafety:
    def __init__(self, rt: GroupRuntime, content: ContentLibrary) -> None:
        self.rt = rt
        self.library = content

    async def screen(self, update: Update, message: Message, text: str) -> bool:
        """True when the post was urgent (and answered); the post itself stays up."""
        sender = message.from_user
        if sender is None or not text:
            return False
        found = screen_for(self.rt.content).assess(text)
        if not found.findings:
            return False
        first = found.findings[0]
        now = self.rt.now()
        chat_id = message.chat.id
        # One alert per post, however often it is redelivered or edited.
        key = f"safety:c{chat_id}:m{message.message_id}"
        reply_key = f"safety.reply.{first.topic}"
        if not self.rt.content.has(reply_key):
            reply_key = "safety.reply.red_flag"

        def act(connection: Connection) -> None:
            if not repo.mark_seen(connection, store.CHANNEL, key, now):
                return  # a redelivered update: answered and alerted already
            tell(connection, now, sender.id, chat_id, self.rt.text(reply_key),
                 self.rt.text("safety.group.in_group", name=sender.first_name), key)
            reach = store.reach_of(connection, sender.id)
            alerts.open_alert(connection, self.library,
                              person_id=reach.person_id if reach else None,
                              category=first.category.value, topic=first.topic,
                              channel=CHANNEL, text=text, now=now)
            repo.record_impact(connection, "safety", now, detail=first.topic,
                               channel="telegram")

        await self.rt.run(act)
        return True
