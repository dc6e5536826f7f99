"""A group's life: registered when a group helper makes the bot an admin (or types
/setup), newcomers welcomed with the rules, settings and rules changed by helpers, and
forgotten when the bot is removed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection
from telegram import Chat, ChatInviteLink, ChatMember, Message, Update, User
from telegram.constants import ChatMemberStatus

from bot.groups import store
from bot.groups.commands import GroupCommand, parse_setup
from bot.groups.runtime import GroupRuntime, paragraphs, tell, to_group

MAX_RULES_CHARS = 3000  # the welcome and the rules together stay one Telegram message
RULES_COOLDOWN_SECONDS = 120  # /rules in a busy group is shown once, not once per asker
TIMELY_FOR = timedelta(minutes=15)  # a welcome later than this would only be noise
_IN = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER)


def is_in(member: ChatMember) -> bool:
    if member.status in _IN:
        return True
    return member.status == ChatMemberStatus.RESTRICTED and bool(getattr(member, "is_member",
                                                                         False))


class GroupLifecycle:
    def __init__(self, rt: GroupRuntime) -> None:
        self.rt = rt
        self._rules_shown: dict[int, datetime] = {}

    # -- the bot itself -------------------------------------------------------------------
    async def bot_status(self, update: Update) -> None:
        change = update.my_chat_member
        assert change is not None
        chat, actor, status = change.chat, change.from_user, change.new_chat_member.status
        now, key = self.rt.now(), f"u{update.update_id}"

        def work(connection: Connection) -> None:
            if status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
                if store.forget_group(connection, chat.id):
                    store.audit(connection, now, "group_forgotten", actor_telegram_id=actor.id,
                                target=f"chat:{chat.id}")
                return
            if status != ChatMemberStatus.ADMINISTRATOR:
                return
            helper = store.moderator_id(connection, actor.id)
            if helper is None:
                # Anyone can make a group and add the bot; only our helpers put it on /groups.
                if store.get_group(connection, chat.id) is None:
                    to_group(connection, now, chat.id, self.rt.text("groups.not_set_up"), key)
                return
            if store.register_group(connection, chat.id, chat.title or "", now):
                store.audit(connection, now, "group_registered", actor_id=helper,
                            actor_telegram_id=actor.id, target=f"chat:{chat.id}")
                to_group(connection, now, chat.id, self.rt.text("groups.hello"), key)

        await self.rt.run(work)

    async def migrated(self, message: Message) -> None:
        """A group that became a supergroup has a new id; settings, members and the
        messages waiting to go there move. Telegram says so twice: in the old group
        (`migrate_to_chat_id`) and in the new supergroup (`migrate_from_chat_id`); the bot
        may see only one of them, so either moves it."""
        if message.migrate_to_chat_id:
            await self.moved(message.chat.id, message.migrate_to_chat_id)
        elif message.migrate_from_chat_id:
            await self.moved(message.migrate_from_chat_id, message.chat.id)

    async def moved(self, old: int, new: int) -> None:
        now = self.rt.now()

        def work(connection: Connection) -> None:
            if store.migrate_chat(connection, old, new):
                store.audit(connection, now, store.MOVED,
                            target=f"chat:{store.moved_on(connection, new)}",
                            detail=f"from chat:{old}")

        await self.rt.run(work)

    # -- members coming and going ---------------------------------------------------------
    async def member_status(self, update: Update) -> None:
        change = update.chat_member
        assert change is not None
        user = change.new_chat_member.user
        if user.is_bot:
            return
        was_in, now_in = is_in(change.old_chat_member), is_in(change.new_chat_member)
        if now_in and not was_in:
            await self.joined(update, change.chat, [user], change.invite_link)
        elif was_in and not now_in:
            now = self.rt.now()
            await self.rt.run(lambda c: store.record_leave(c, change.chat.id, user.id, now))

    async def joined(self, update: Update, chat: Chat, users: list[User],
                     invite: ChatInviteLink | None = None) -> None:
        """Welcome each newcomer once: Telegram may announce one join twice (a chat_member
        update and a service message), and the member row tells them apart."""
        now = self.rt.now()

        def work(connection: Connection) -> None:
            group = store.get_group(connection, chat.id)
            if group is None:
                return
            if invite is not None:
                store.mark_invite_used(connection, chat.id, invite.invite_link, now)
            for user in users:
                if user.is_bot or not store.record_join(connection, group, user.id, now):
                    continue
                welcome = self.rt.text("groups.welcome", group=group.title,
                                       name=user.first_name)
                to_group(connection, now, chat.id, paragraphs(welcome, self.rt.rules(group)),
                         f"welcome:u{update.update_id}:{user.id}",
                         expires_at=now + TIMELY_FOR)

        await self.rt.run(work)

    async def left(self, message: Message) -> None:
        user = message.left_chat_member
        if user is None or user.is_bot:
            return
        now = self.rt.now()
        await self.rt.run(lambda c: store.record_leave(c, message.chat.id, user.id, now))

    # -- commands -------------------------------------------------------------------------
    async def rules(self, update: Update, message: Message) -> None:
        chat_id, now = message.chat.id, self.rt.now()
        shown = self._rules_shown.get(chat_id)
        if shown is not None and (now - shown).total_seconds() < RULES_COOLDOWN_SECONDS:
            return
        self._rules_shown[chat_id] = now

        def work(connection: Connection) -> None:
            group = store.get_group(connection, chat_id)
            if group is not None:
                heading = self.rt.text("groups.rules.heading", group=group.title)
                to_group(connection, now, chat_id, paragraphs(heading, self.rt.rules(group)),
                         f"rules:u{update.update_id}", expires_at=now + TIMELY_FOR)

        await self.rt.run(work)

    async def setup(self, update: Update, message: Message, command: GroupCommand) -> None:
        """`/setup [strikes N] [days N] [hold on|off]`: register the group and change its
        settings, then show them."""
        chat, actor = message.chat, message.from_user
        assert actor is not None
        values = parse_setup(command.argument)
        now, key = self.rt.now(), f"setup:u{update.update_id}"

        def work(connection: Connection) -> None:
            helper = store.moderator_id(connection, actor.id)
            if helper is None:
                tell(connection, now, actor.id, chat.id,
                     self.rt.text("groups.moderate.not_allowed"), None, key)
                return
            if values is None:
                tell(connection, now, actor.id, chat.id, self.rt.text("groups.setup.bad"),
                     None, key)
                return
            created = store.register_group(connection, chat.id, chat.title or "", now)
            store.configure_group(connection, chat.id, **values)
            store.audit(connection, now, "group_setup", actor_id=helper,
                        actor_telegram_id=actor.id, target=f"chat:{chat.id}",
                        detail=" ".join(f"{k}={v}" for k, v in values.items()) or None)
            group = store.get_group(connection, chat.id)
            assert group is not None
            to_group(connection, now, chat.id, paragraphs(
                self.rt.text("groups.hello") if created else "",
                self._settings(group)), key)

        await self.rt.run(work)

    def _settings(self, group: store.GroupInfo) -> str:
        holding = (self.rt.text("groups.setup.holding", count=group.new_member_days)
                   if group.hold_new_member_links and group.new_member_days
                   else self.rt.text("groups.setup.not_holding"))
        return " ".join(part for part in (
            self.rt.text("groups.setup.done", limit=group.strike_limit), holding,
            self.rt.text("groups.setup.own_rules") if group.rules else "") if part)

    async def set_rules(self, update: Update, message: Message, command: GroupCommand) -> None:
        """`/setrules <the rules>` for this group's own; `/setrules default` for ours."""
        chat, actor = message.chat, message.from_user
        assert actor is not None
        argument = command.argument.strip()
        now, key = self.rt.now(), f"setrules:u{update.update_id}"

        def work(connection: Connection) -> None:
            helper = store.moderator_id(connection, actor.id)
            if helper is None:
                tell(connection, now, actor.id, chat.id,
                     self.rt.text("groups.moderate.not_allowed"), None, key)
                return
            if not argument:
                tell(connection, now, actor.id, chat.id, self.rt.text("groups.setup.rules_how"),
                     None, key)
                return
            rules = None if argument.lower() == "default" else argument[:MAX_RULES_CHARS]
            store.register_group(connection, chat.id, chat.title or "", now)
            store.configure_group(connection, chat.id, rules=rules)
            store.audit(connection, now, "group_rules", actor_id=helper,
                        actor_telegram_id=actor.id, target=f"chat:{chat.id}",
                        detail="default" if rules is None else f"{len(rules)} characters")
            self._rules_shown.pop(chat.id, None)
            to_group(connection, now, chat.id, self.rt.text(
                "groups.setup.rules_default" if rules is None else "groups.setup.rules_set"),
                key)

        await self.rt.run(work)
