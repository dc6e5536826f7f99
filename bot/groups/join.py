"""Joining a group from a private chat: /groups lists them as buttons, choosing one shows
its rules with "I agree" / "Not now", and agreeing brings an invite link that works once
(member_limit=1) for a day.

Where the flow's state lives: the buttons carry it (the group's chat id is in the
callback data), so a press works at any time, after a restart and on any worker. Typed
answers ("1", "agree", "yes") need to know what was asked last; that is kept in memory,
per Telegram user, for 30 minutes, and dropped as soon as they say anything else, which
then goes to the engine as usual. The engine's own conversation state is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection
from telegram import Update

from bot.channels import telegram_keyboards as keyboards
from bot.core.events import Outbound, ref_token
from bot.core.textnorm import tokens
from bot.groups import store
from bot.groups.runtime import GroupRuntime, private_prompt, reply_privately, settle
from bot.storage import repository as repo

PICK_REF = "groups.pick"
AGREE_REF = "groups.agree"
_TOKENS = {ref_token(PICK_REF): PICK_REF, ref_token(AGREE_REF): AGREE_REF}
REMEMBER_FOR = timedelta(minutes=30)
LINK_LIFETIME = timedelta(hours=24)
REUSE_LINK_FOR = timedelta(hours=12)  # so a reused link still has half a day to run
INVITE_NAME = "Move Mates"  # shown to the group's admins beside the link
MAX_REMEMBERED = 10_000


@dataclass(frozen=True)
class _Asked:
    step: str  # "pick" (the list) or "agree" (one group's rules)
    chat_ids: tuple[int, ...]
    until: datetime


def is_groups_command(text: str) -> bool:
    first = text.strip().split(maxsplit=1)[0] if text.strip() else ""
    return first.split("@", 1)[0].lower() == "/groups"


class JoinFlow:
    def __init__(self, rt: GroupRuntime) -> None:
        self.rt = rt
        self._asked: dict[int, _Asked] = {}

    @staticmethod
    def owns(data: str | None) -> bool:
        callback = keyboards.decode(data)
        return callback is not None and callback.action == "c" and callback.token in _TOKENS

    async def handle(self, update: Update) -> bool:
        """True if this update was part of joining a group; False leaves it to the engine."""
        user = update.effective_user
        if user is None:
            return False
        if update.callback_query is not None:
            return await self._pressed(update) if self.owns(update.callback_query.data) \
                else False
        text = update.message.text if update.message is not None else None
        if not text:
            return False
        if is_groups_command(text):
            verdict = await self._accept(update)
            if verdict == "ours":
                await self._list(update, user.id)
            return verdict != "engine"
        asked = self._current(user.id)
        if asked is None:
            return False
        answer = " ".join(tokens(text))
        if asked.step == "pick":
            number = int(answer) if answer.isdigit() else 0
            if not 1 <= number <= len(asked.chat_ids):
                self._asked.pop(user.id, None)
                return False
            chosen, act = asked.chat_ids[number - 1], self._show_rules
        elif answer in {" ".join(tokens(w)) for w in self.rt.words("groups.words.agree")}:
            chosen, act = asked.chat_ids[0], self._agree
        elif answer in {" ".join(tokens(w)) for w in self.rt.words("groups.words.not_now")}:
            chosen, act = asked.chat_ids[0], self._decline
        else:
            self._asked.pop(user.id, None)
            return False
        verdict = await self._accept(update)
        if verdict == "ours":
            await act(update, user.id, chosen)
        return verdict != "engine"

    async def _pressed(self, update: Update) -> bool:
        query = update.callback_query
        assert query is not None and update.effective_user is not None
        callback = keyboards.decode(query.data)
        assert callback is not None
        verdict = await self._accept(update)
        if verdict == "engine":
            return False
        await settle(query)
        kind, number = callback.option_id[:1], callback.option_id[1:]
        if verdict != "ours" or not number.lstrip("-").isdigit():
            return True
        user_id, chat_id = update.effective_user.id, int(number)
        step = {(PICK_REF, "g"): self._show_rules, (AGREE_REF, "a"): self._agree,
                (AGREE_REF, "n"): self._decline}.get((_TOKENS[callback.token], kind))
        if step is not None:
            await step(update, user_id, chat_id)
        return True

    async def _accept(self, update: Update) -> str:
        """"ours" to go ahead, "seen" for a redelivered update, "engine" for someone who
        said STOP (only the engine may hear from them until they say START)."""
        user = update.effective_user
        assert user is not None
        now = self.rt.now()

        def work(connection: Connection) -> str:
            reach = store.reach_of(connection, user.id)
            if reach is not None and reach.opted_out:
                return "engine"
            if not repo.mark_seen(connection, store.CHANNEL, f"u{update.update_id}", now):
                return "seen"
            store.mark_reachable(connection, user.id)
            return "ours"

        return await self.rt.db.run(work)

    # -- the steps ------------------------------------------------------------------------
    async def _list(self, update: Update, user_id: int) -> None:
        now, key = self.rt.now(), f"join:u{update.update_id}"

        def work(connection: Connection) -> tuple[int, ...]:
            groups = store.list_groups(connection)
            if not groups:
                reply_privately(connection, now, user_id,
                                Outbound(text=self.rt.text("groups.join.none")), key)
                return ()
            options = [(f"g{g.chat_id}", f"{n}. {g.title}") for n, g in enumerate(groups, 1)]
            reply_privately(connection, now, user_id, private_prompt(
                self.rt.text("groups.join.list"), options, PICK_REF), key)
            return tuple(g.chat_id for g in groups)

        self._remember(user_id, "pick", await self.rt.run(work))

    async def _show_rules(self, update: Update, user_id: int, chat_id: int) -> None:
        now, key = self.rt.now(), f"join:u{update.update_id}"

        def work(connection: Connection) -> bool:
            group = store.get_group(connection, chat_id)
            if group is None:
                reply_privately(connection, now, user_id,
                                Outbound(text=self.rt.text("groups.join.gone")), key)
                return False
            member = store.get_member(connection, chat_id, user_id)
            if member is not None and member.removed_at is None:
                reply_privately(connection, now, user_id, Outbound(
                    text=self.rt.text("groups.join.already", group=group.title)), key)
                return False
            text = "\n\n".join((self.rt.text("groups.join.rules_intro", group=group.title),
                                self.rt.rules(group), self.rt.text("groups.join.ask_agree")))
            reply_privately(connection, now, user_id, private_prompt(text, [
                (f"a{chat_id}", self.rt.text("groups.join.agree")),
                (f"n{chat_id}", self.rt.text("groups.join.not_now"))], AGREE_REF), key)
            return True

        shown = await self.rt.run(work)
        self._remember(user_id, "agree", (chat_id,) if shown else ())

    async def _agree(self, update: Update, user_id: int, chat_id: int) -> None:
        self._asked.pop(user_id, None)
        now, key = self.rt.now(), f"join:u{update.update_id}"

        def look(connection: Connection) -> tuple[store.GroupInfo | None, int | None,
                                                   str | None]:
            reach = store.reach_of(connection, user_id)
            person_id = reach.person_id if reach else None
            # Agreeing twice brings the same link while it still works, not a pile of them.
            given = store.unused_invite(connection, chat_id, person_id, now - REUSE_LINK_FOR) \
                if person_id is not None else None
            return store.get_group(connection, chat_id), person_id, given

        group, person_id, link = await self.rt.db.run(look)
        fresh = link is None and group is not None
        if fresh:
            made = await self.rt.call("createChatInviteLink", self.rt.bot.create_chat_invite_link(
                chat_id, expire_date=now + LINK_LIFETIME, member_limit=1, name=INVITE_NAME))
            link = made.invite_link if made is not None else None

        def work(connection: Connection) -> None:
            if group is None or link is None:
                reply_privately(connection, now, user_id, Outbound(text=self.rt.text(
                    "groups.join.gone" if group is None else "groups.join.no_link")), key)
                return
            if fresh:
                store.record_invite(connection, now, chat_id, person_id, link)
            text = self.rt.text("groups.join.link", group=group.title)
            reply_privately(connection, now, user_id, Outbound(text=f"{text}\n{link}"), key)

        await self.rt.run(work)

    async def _decline(self, update: Update, user_id: int, _chat_id: int) -> None:
        self._asked.pop(user_id, None)
        now, key = self.rt.now(), f"join:u{update.update_id}"
        await self.rt.run(lambda c: reply_privately(
            c, now, user_id, Outbound(text=self.rt.text("groups.join.declined")), key))

    # -- what was asked last, for typed answers -------------------------------------------
    def _remember(self, user_id: int, step: str, chat_ids: tuple[int, ...]) -> None:
        if not chat_ids:
            self._asked.pop(user_id, None)
            return
        now = self.rt.now()
        if len(self._asked) >= MAX_REMEMBERED:
            self._asked = {k: v for k, v in self._asked.items() if v.until > now}
        self._asked[user_id] = _Asked(step, chat_ids, now + REMEMBER_FOR)

    def _current(self, user_id: int) -> _Asked | None:
        asked = self._asked.get(user_id)
        if asked is not None and asked.until <= self.rt.now():
            del self._asked[user_id]
            return None
        return asked
