"""What group helpers do in a group, replying to a member's message: /warn (a strike, which
escalates), /mute <time>, /unmute and /remove. Only moderators and coordinators in our
Volunteer table may; anyone else is told so privately (or nothing, if the bot can't
write to them) and nothing happens. Every action, and every automatic escalation, goes
in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection
from telegram import ChatPermissions, Message, Update, User

from bot.groups import store
from bot.groups.commands import ESCALATION_MUTE, GroupCommand, Step, escalation, parse_mute
from bot.groups.runtime import GroupRuntime, member_target, paragraphs, tell, to_group


@dataclass(frozen=True)
class _Act:
    """One helper acting on one member in one group."""

    group: store.GroupInfo
    helper_id: int
    helper: User
    member: User
    key: str


class ModeratorActions:
    def __init__(self, rt: GroupRuntime) -> None:
        self.rt = rt

    async def handle(self, update: Update, message: Message, command: GroupCommand) -> None:
        act = await self._authorise(update, message)
        if act is None:
            return
        if command.name == "warn":
            await self.warn(act, command.argument)
        elif command.name == "mute":
            await self.mute(act, command.argument)
        elif command.name == "unmute":
            await self.unmute(act)
        elif command.name == "remove":
            await self.remove(act, command.argument)

    async def _authorise(self, update: Update, message: Message) -> _Act | None:
        helper, chat_id = message.from_user, message.chat.id
        assert helper is not None
        replied = message.reply_to_message
        member = replied.from_user if replied is not None else None
        now, key = self.rt.now(), f"u{update.update_id}"

        def work(connection: Connection) -> _Act | None:
            group = store.get_group(connection, chat_id)
            if group is None:
                return None  # not one of ours: stay quiet
            helper_id = store.moderator_id(connection, helper.id)
            if helper_id is None:
                tell(connection, now, helper.id, chat_id,
                     self.rt.text("groups.moderate.not_allowed"), None, key)
                return None
            if member is None or member.is_bot or member.id == helper.id:
                tell(connection, now, helper.id, chat_id,
                     self.rt.text("groups.moderate.reply_needed"), None, key)
                return None
            return _Act(group, helper_id, helper, member, key)

        return await self.rt.run(work)

    # -- the four actions -----------------------------------------------------------------
    async def warn(self, act: _Act, reason: str) -> None:
        now = self.rt.now()

        def add(connection: Connection) -> int:
            strikes = store.add_strike(connection, act.group, act.member.id)
            self._audit(connection, now, act, "warn",
                        f"strike {strikes} of {act.group.strike_limit}", reason)
            return strikes

        strikes = await self.rt.run(add)
        step = escalation(strikes, act.group.strike_limit)
        name = act.member.first_name
        warned = self.rt.text("groups.moderate.warned", member=name, count=strikes,
                              limit=act.group.strike_limit)
        if step is Step.WARN:
            await self.rt.run(lambda c: to_group(c, now, act.group.chat_id, warned, act.key))
        elif step is Step.MUTE:
            await self._mute(act, ESCALATION_MUTE, "auto_mute", f"strike {strikes}",
                             lead=warned)
        else:
            await self._remove(act, "auto_remove", f"strike {strikes}")

    async def mute(self, act: _Act, argument: str) -> None:
        length = parse_mute(argument)
        if length is None:
            now = self.rt.now()
            await self.rt.run(lambda c: tell(c, now, act.helper.id, act.group.chat_id, self.rt.text(
                "groups.moderate.bad_duration"), None, act.key))
            return
        await self._mute(act, length, "mute", " ".join(argument.split()[1:]))

    async def unmute(self, act: _Act) -> None:
        done = await self.rt.call("restrictChatMember", self.rt.bot.restrict_chat_member(
            act.group.chat_id, act.member.id, ChatPermissions.all_permissions()))
        now = self.rt.now()

        def record(connection: Connection) -> None:
            if not done:
                self._cannot(connection, now, act)
                return
            store.update_member(connection, act.group, act.member.id, muted_until=None)
            self._audit(connection, now, act, "unmute")
            to_group(connection, now, act.group.chat_id, self.rt.text(
                "groups.moderate.unmuted", member=act.member.first_name), act.key)

        await self.rt.run(record)

    async def remove(self, act: _Act, reason: str) -> None:
        await self._remove(act, "remove", reason)

    # -- shared steps ---------------------------------------------------------------------
    async def _mute(self, act: _Act, length: timedelta, action: str, detail: str,
                    lead: str = "") -> None:
        until = self.rt.now() + length
        done = await self.rt.call("restrictChatMember", self.rt.bot.restrict_chat_member(
            act.group.chat_id, act.member.id, ChatPermissions.no_permissions(),
            until_date=until))
        now = self.rt.now()
        words = self.rt.duration(length)

        def record(connection: Connection) -> None:
            if not done:
                self._cannot(connection, now, act, lead)
                return
            store.update_member(connection, act.group, act.member.id, muted_until=until)
            self._audit(connection, now, act, action, words, detail,
                        automatic=action.startswith("auto"))
            to_group(connection, now, act.group.chat_id, paragraphs(lead, self.rt.text(
                "groups.moderate.muted", member=act.member.first_name, duration=words)),
                act.key)

        await self.rt.run(record)

    async def _remove(self, act: _Act, action: str, detail: str) -> None:
        """Banned and at once unbanned: out of the group now, free to come back later
        through a new invite link (after agreeing to the rules again)."""
        chat_id, user_id = act.group.chat_id, act.member.id
        done = await self.rt.call("banChatMember",
                                  self.rt.bot.ban_chat_member(chat_id, user_id))
        if done:
            await self.rt.call("unbanChatMember", self.rt.bot.unban_chat_member(
                chat_id, user_id, only_if_banned=True))
        now = self.rt.now()

        def record(connection: Connection) -> None:
            if not done:
                self._cannot(connection, now, act)
                return
            # Removal uses up the strikes: someone let back in starts afresh.
            store.update_member(connection, act.group, user_id, removed_at=now, strikes=0,
                                muted_until=None)
            self._audit(connection, now, act, action, None, detail,
                        automatic=action.startswith("auto"))
            to_group(connection, now, chat_id, self.rt.text(
                "groups.moderate.removed", member=act.member.first_name), act.key)

        await self.rt.run(record)

    def _cannot(self, connection: Connection, now: datetime, act: _Act, lead: str = "") -> None:
        """Telegram refused (the member is an admin, or the bot lost its rights)."""
        if lead:
            to_group(connection, now, act.group.chat_id, lead, act.key)
        tell(connection, now, act.helper.id, act.group.chat_id,
             self.rt.text("groups.moderate.cannot"), None, f"{act.key}:cannot")

    def _audit(self, connection: Connection, now: datetime, act: _Act, action: str,
               *details: str | None, automatic: bool = False) -> None:
        # An automatic step has no actor of its own; the helper's /warn that caused it is
        # the entry just before.
        store.audit(connection, now, action,
                    actor_id=None if automatic else act.helper_id,
                    actor_telegram_id=None if automatic else act.helper.id,
                    target=member_target(act.group.chat_id, act.member.id),
                    detail="; ".join(d for d in details if d) or None)
