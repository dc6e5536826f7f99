"""Links and phone numbers from new members wait for a helper.

The message is deleted from the group and kept as a HeldMessage; the member is told
kindly why; every helper gets it privately with "Share it" / "Remove it" buttons. Sharing
re-posts it from the bot under the member's first name (Telegram can't undelete, and a
bare "approved" would lose what they said); removing keeps it out and tells them. The
first helper to press decides; later presses are told it was dealt with.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection
from telegram import Message, Update

from bot.channels import telegram_keyboards as keyboards
from bot.core.events import ref_token
from bot.groups import store
from bot.groups.runtime import (
    GroupRuntime,
    member_target,
    paragraphs,
    private_prompt,
    quoted,
    settle,
    tell,
    to_moderators,
)
from bot.peers import group_posts
from bot.peers.contact import ContactKind, contact_details

HELD_REF = "groups.held"
# What a new member's post is held for. Mentions and handles are how members greet each
# other in a group; a meeting place's street address is fine to post.
GROUP_KINDS = (ContactKind.PHONE, ContactKind.EMAIL, ContactKind.LINK)
HELD_TOKEN = ref_token(HELD_REF)
_DECISIONS = {"a": "approved", "r": "removed"}


def entity_types(message: Message) -> list[str]:
    return [str(entity.type) for entity in (*message.entities, *message.caption_entities)]


class HeldMessages:
    def __init__(self, rt: GroupRuntime) -> None:
        self.rt = rt

    # -- in the group ---------------------------------------------------------------------
    async def maybe_hold(self, update: Update, message: Message, text: str,
                         previous: str | Sequence[str] = "") -> bool:
        """True if the message was held (or was a repeat of one already handled).
        `previous`: the member's recent messages in the split window, newest first (or one),
        for a detail split over several posts."""
        sender, chat_id = message.from_user, message.chat.id
        if sender is None or not contact_details(text, entity_types(message), previous,
                                                   kinds=GROUP_KINDS):
            return False
        now = self.rt.now()

        def check(connection: Connection) -> store.GroupInfo | None:
            group = store.get_group(connection, chat_id)
            if group is None or not group.hold_new_member_links:
                return None
            if store.moderator_id(connection, sender.id) is not None:
                return None
            member = store.get_member(connection, chat_id, sender.id)
            return group if store.is_new_member(group, member, now) else None

        group = await self.rt.db.run(check)
        if group is None:
            return False
        if not await self.rt.claim(update.update_id):
            return True
        deleted = await self.rt.call("deleteMessage",
                                     self.rt.bot.delete_message(chat_id, message.message_id))
        key = f"held:u{update.update_id}"

        def hold(connection: Connection) -> None:
            held_id = store.hold_message(connection, now, chat_id=chat_id, telegram_id=sender.id,
                                         message_id=message.message_id, text=text)
            store.audit(connection, now, "hold", target=member_target(chat_id, sender.id),
                        detail=f"held:{held_id}" + ("" if deleted else "; could not delete"))
            alert = paragraphs(self.rt.text("groups.held.alert", member=sender.first_name,
                                            group=group.title), quoted(text))
            to_moderators(connection, now, private_prompt(alert, [
                (f"a{held_id}", self.rt.text("groups.held.approve")),
                (f"r{held_id}", self.rt.text("groups.held.remove"))], HELD_REF), key)
            if deleted:  # if it is still up, there is nothing to explain
                tell(connection, now, sender.id, chat_id,
                     self.rt.text("groups.held.to_member", name=sender.first_name,
                                  group=group.title),
                     self.rt.text("groups.held.to_member_in_group", name=sender.first_name),
                     key)

        await self.rt.run(hold)
        return True

    # -- a helper's decision, pressed in their private chat --------------------------------
    @staticmethod
    def owns(data: str | None) -> bool:
        callback = keyboards.decode(data)
        return callback is not None and callback.action == "c" and callback.token == HELD_TOKEN

    async def decide(self, update: Update) -> None:
        query = update.callback_query
        assert query is not None
        callback = keyboards.decode(query.data)
        assert callback is not None
        option = callback.option_id
        status = _DECISIONS.get(option[:1])
        if status is None or not option[1:].isdigit() or \
                not await self.rt.claim(update.update_id):
            await settle(query)
            return
        held_id, helper, now = int(option[1:]), query.from_user, self.rt.now()

        def look(connection: Connection) -> tuple[int | None, store.HeldInfo | None]:
            return (store.moderator_id(connection, helper.id),
                    store.get_held(connection, held_id))

        helper_id, held = await self.rt.db.run(look)
        if helper_id is None:
            await settle(query, self.rt.text("groups.moderate.not_allowed"))
            return
        if held is None or held.status != "held":
            await settle(query, self.rt.text("groups.held.already"))
            return
        name = await self._first_name(held) if status == "approved" else ""
        key = f"decided:{held_id}"

        def record(connection: Connection) -> bool:
            # One rule for a helper's button here and the staff console's form.
            return group_posts.settle_held(connection, self.rt.content, held_id, status, now,
                                           name=name, key=key, helper_id=helper_id,
                                           helper_telegram_id=helper.id)

        done = await self.rt.run(record)
        await settle(query, self.rt.text("groups.held.done" if done else "groups.held.already"))

    async def _first_name(self, held: store.HeldInfo) -> str:
        member = await self.rt.call("getChatMember",
                                    self.rt.bot.get_chat_member(held.chat_id, held.telegram_id))
        if member is None or not member.user.first_name:
            return self.rt.text("groups.held.someone")
        return member.user.first_name
