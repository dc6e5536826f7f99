"""/report, in reply to a message: a moderation case with the message and a few before
it, an alert to every group helper through the outbox, and thanks to the reporter. The
/report itself is deleted from the group, so nobody sees who reported."""

from __future__ import annotations

from sqlalchemy import Connection
from telegram import Message, Update

from bot.core.events import Outbound
from bot.groups import store
from bot.groups.commands import GroupCommand
from bot.groups.history import RecentMessages, Seen
from bot.groups.runtime import (
    GroupRuntime,
    member_target,
    paragraphs,
    quoted,
    tell,
    to_moderators,
)

CONTEXT_MESSAGES = 5


class Reports:
    def __init__(self, rt: GroupRuntime, history: RecentMessages) -> None:
        self.rt = rt
        self.history = history

    async def report(self, update: Update, message: Message, command: GroupCommand) -> None:
        reporter, chat_id = message.from_user, message.chat.id
        assert reporter is not None
        reported = message.reply_to_message
        subject = reported.from_user if reported is not None else None
        now, key = self.rt.now(), f"report:u{update.update_id}"
        if await self.rt.db.run(lambda c: store.get_group(c, chat_id)) is None:
            return  # not one of ours: stay quiet
        if reported is None or subject is None or subject.is_bot:
            await self.rt.run(lambda c: tell(
                c, now, reporter.id, chat_id, self.rt.text("groups.report.how"),
                self.rt.text("groups.report.how"), key))
            return
        await self.rt.call("deleteMessage",
                           self.rt.bot.delete_message(chat_id, message.message_id))
        seen = self.history.find(chat_id, reported.message_id) or Seen(
            reported.message_id, subject.id, subject.first_name,
            reported.text or reported.caption or "", reported.date)
        before = self.history.before(chat_id, reported.message_id, CONTEXT_MESSAGES)

        def work(connection: Connection) -> None:
            group = store.get_group(connection, chat_id)
            if group is None:
                return  # forgotten meanwhile
            by, about = store.reach_of(connection, reporter.id), store.reach_of(connection,
                                                                                subject.id)
            case_id = store.open_case(
                connection, now, chat_id=chat_id, reported_by=by.person_id if by else None,
                subject_id=about.person_id if about else None, subject_telegram_id=subject.id,
                reason=command.argument or None,
                history={"group": group.title, "reported": seen.as_json(),
                         "before": [s.as_json() for s in before]})
            store.audit(connection, now, "report", actor_id=by.person_id if by else None,
                        actor_telegram_id=reporter.id, case_id=case_id,
                        target=member_target(chat_id, subject.id))
            reason = (f"{self.rt.text('groups.report.reason')} {quoted(command.argument)}"
                      if command.argument else "")
            alert = paragraphs(
                self.rt.text("groups.report.alert", count=case_id, name=reporter.first_name,
                             member=subject.first_name, group=group.title),
                quoted(seen.text) if seen.text else self.rt.text("groups.report.no_text"),
                reason)
            to_moderators(connection, now, Outbound(text=alert), f"case:{case_id}")
            tell(connection, now, reporter.id, chat_id, self.rt.text("groups.report.thanks"),
                 self.rt.text("groups.report.thanks_in_group"), key)

        await self.rt.run(work)
