"""Moderation: the cases reports open, shown to volunteer moderators, and what they
decide (dismiss, warn, end the chat, suspend someone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from bot.core.content import Content, ContentLibrary
from bot.core.events import Outbound
from bot.peers.chats import OPEN_CHAT, _language, _partner, _set_chat, audit, notify
from bot.peers.models import BuddyRequest, ModerationCase, PeerChat
from bot.peers.volunteers import _release_offers
from bot.peers.whereabouts import open_chats, shown_name
from bot.storage.models import Person, Volunteer


def is_moderator(connection: Connection, person_id: int) -> bool:
    return bool(connection.scalar(select(func.count()).select_from(Volunteer).where(
        Volunteer.person_id == person_id, Volunteer.role.in_(("moderator", "coordinator")),
        Volunteer.suspended_at.is_(None))))


def open_cases(connection: Connection, content: Content, *, actor: int,
               now: datetime) -> list[Outbound]:
    """The list of open reports; looking is logged like any other moderator action."""
    rows = connection.execute(select(ModerationCase.id, ModerationCase.kind).where(
        ModerationCase.status == "open").order_by(ModerationCase.id)).all()
    audit(connection, now, actor, "cases_listed", detail=str(len(rows)))
    if not rows:
        return [Outbound(content.text("peers.moderation.none_open"))]
    lines = [content.text("peers.moderation.list_intro")]
    lines += [content.text("peers.moderation.list_line", case=case_id,
                           answer=content.text(f"peers.moderation.alert_kind.{kind}"))
              for case_id, kind in rows]
    return [Outbound("\n".join(lines))]


def show_case(connection: Connection, content: Content, case_id: int, *, actor: int,
              now: datetime) -> list[Outbound]:
    """One open report with the messages it holds: who read them is logged."""
    case = connection.execute(select(ModerationCase).where(
        ModerationCase.id == case_id, ModerationCase.status == "open")).mappings().first()
    if case is None:
        return [Outbound(content.text("peers.moderation.no_case", case=case_id))]
    audit(connection, now, actor, "case_viewed", case_id=case_id,
          target=f"connection:{case['connection_id']}" if case["connection_id"] else None)
    lines = [content.text("peers.moderation.case_intro", case=case_id,
                          answer=content.text(f"peers.moderation.alert_kind.{case['kind']}"))]
    messages = (case["history"] or {}).get("messages") or []
    lines += [content.text("peers.moderation.history_erased") if m.get("erased") else
              content.text("peers.moderation.history_line",
                           alias=shown_name(connection, actor, m["alias"], content),
                           text=m["text"])
              for m in messages] or [content.text("peers.moderation.no_history")]
    return [Outbound("\n".join(lines))]


@dataclass(frozen=True)
class StaffActor:
    """A member of staff acting in the web console (`bot/staff`): not one of our people,
    so the audit log names their account, and nothing is paused in their person's name."""

    id: int
    name: str


ACTIONS = ("warn", "pause", "end", "suspend", "close")
# What closing a report does to its chat, when staff say (the CASE command resumes it).
CHAT_AFTER = ("keep", "resume", "end")
CHAT_AUDIT = {"resumed": "case_resume", "kept": "case_keep_paused", "ended": "case_end"}


@dataclass(frozen=True)
class Decision:
    """What `decide` did: `outcome` is done | no_case (not open) | nothing_to_do (the chat
    already ended, or nobody to suspend) | unknown (not an action); `chat`, on closing,
    what happened to the chat: resumed | kept (still paused for a moderator) | ended |
    None (nothing to do to it)."""

    outcome: str
    action: str
    chat: str | None = None


def held_by_moderator(chat: Any) -> bool:
    """An open chat paused for a moderator (reported, or paused by none of its two)."""
    members = (chat["resident_id"], chat["supporter_id"])
    return chat["status"] == "reported" or (chat["status"] == "paused" and
                                            chat["paused_by"] not in members)


def settle_chat(connection: Connection, content: ContentLibrary, chat: Any, then: str,
                now: datetime) -> str | None:
    """A report's chat once the report is done with, as `then` (CHAT_AFTER) says: resume
    starts a chat held for a moderator again, end ends an open chat, keep leaves it. Each
    of the two is told only what happened to them (nothing, when nothing did). Returns
    resumed | ended | kept | None (nothing to do: not held, or not open any more)."""
    if chat is None or chat["status"] not in OPEN_CHAT:
        return None
    people = [chat["resident_id"], chat["supporter_id"]]
    if then == "end":
        _set_chat(connection, chat["id"], now, status="ended", ended_at=now)
        key = "peers.moderation.ended_you"
    elif then == "resume" and held_by_moderator(chat):
        _set_chat(connection, chat["id"], now, status="active", paused_by=None)
        key = "peers.moderation.back_on"
    else:
        return "kept" if held_by_moderator(chat) else None
    for person in people:
        theirs = content.for_language(_language(connection, person))
        notify(connection, person, [Outbound(theirs.text(key))], now, kind="moderation")
    return "ended" if then == "end" else "resumed"


def act_on_case(connection: Connection, content: ContentLibrary, moderator_id: int,
                case_id: int, action: str, note: str, now: datetime) -> list[Outbound]:
    """`CASE 12 WARN` (and PAUSE, END, SUSPEND, CLOSE with a note) by text or Telegram."""
    mine = content.for_language(_language(connection, moderator_id))
    done = decide(connection, content, case_id, action, note, now, moderator=moderator_id)
    if done.outcome == "no_case":
        return [Outbound(mine.text("peers.moderation.no_case", case=case_id))]
    if done.outcome == "nothing_to_do":
        return [Outbound(mine.text("peers.moderation.nothing_to_do"))]
    if done.outcome == "unknown":
        return show_case(connection, mine, case_id, actor=moderator_id, now=now)
    return [Outbound(mine.text("peers.moderation.done",
                               answer=mine.text(f"peers.moderation.actions.{action}")))]


def decide(connection: Connection, content: ContentLibrary, case_id: int, action: str,
           note: str, now: datetime, *, moderator: int | None = None,
           staff: StaffActor | None = None, chat_after: str | None = None) -> Decision:
    """One moderation action on an open case, by a moderator by text or Telegram
    (`moderator`, their person id) or a member of staff in the console (`staff`): the
    same rules and the same messages to the people in it, through the outbox.

    Closing: `chat_after` (CHAT_AFTER) says what happens to the chat, and is audited as
    case_resume, case_keep_paused or case_end; None is the CASE command's way (a chat
    held for a moderator starts again)."""
    case = connection.execute(select(ModerationCase).where(
        ModerationCase.id == case_id, ModerationCase.status == "open")).mappings().first()
    if case is None:
        return Decision("no_case", action)
    chat = connection.execute(select(PeerChat).where(
        PeerChat.id == case["connection_id"])).mappings().first() if case["connection_id"] else None
    people = [chat["resident_id"], chat["supporter_id"]] if chat else \
        [p for p in (case["subject_id"],) if p]
    chat_open = bool(chat and chat["status"] in OPEN_CHAT)
    if action == "warn":
        for person in people:
            theirs = content.for_language(_language(connection, person))
            notify(connection, person, [Outbound(theirs.text("peers.moderation.warning"))], now,
                   kind="moderation")
    elif action == "pause" and chat_open:
        # A pause by staff is nobody's in the chat: like a moderator's, only they lift it.
        _set_chat(connection, chat["id"], now, status="paused", paused_by=moderator)
    elif action == "end" and chat_open:
        settle_chat(connection, content, chat, "end", now)
    elif action == "suspend" and case["subject_id"]:
        _suspend(connection, content, case["subject_id"], now)
    elif action == "close":
        connection.execute(update(ModerationCase).where(ModerationCase.id == case_id).values(
            status="closed", closed_at=now, closed_by=moderator, note=note or None))
        then = chat_after if chat_after in CHAT_AFTER else "keep" if chat_after else "resume"
        settled = settle_chat(connection, content, chat, then, now)
    elif action in ("pause", "end", "suspend"):
        # Nothing left to do it to (the chat already ended, or nobody to suspend).
        return Decision("nothing_to_do", action)
    else:
        return Decision("unknown", action)
    target = f"connection:{chat['id']}" if chat else None
    audit(connection, now, moderator, f"case_{action}", case_id=case_id, target=target,
          detail=note or None, staff_id=staff.id if staff else None)
    if action != "close":
        return Decision("done", action)
    if chat_after is not None and settled is not None:
        audit(connection, now, moderator, CHAT_AUDIT[settled], case_id=case_id,
              target=target, staff_id=staff.id if staff else None)
    return Decision("done", action, settled)


def is_suspended(connection: Connection, person_id: int) -> bool:
    """Suspended by a moderator (`_suspend`), as a resident or as a volunteer."""
    status = connection.scalar(select(Person.status).where(Person.id == person_id))
    return status == "suspended" or connection.scalar(
        select(func.count()).select_from(Volunteer).where(
            Volunteer.person_id == person_id, Volunteer.suspended_at.is_not(None))) > 0


def lift_suspension(connection: Connection, content: ContentLibrary, subject: int,
                    now: datetime) -> bool:
    """Peer support again for someone `_suspend` stopped: they may ask for a peer
    supporter, and a volunteer may be matched again (chats that ended stay ended). They
    are told in their language. False, with nothing done, when they are not suspended."""
    if not is_suspended(connection, subject):
        return False
    connection.execute(update(Volunteer).where(Volunteer.person_id == subject)
                       .values(suspended_at=None))
    connection.execute(update(Person).where(Person.id == subject,
                                            Person.status == "suspended")
                       .values(status="active"))
    theirs = content.for_language(_language(connection, subject))
    notify(connection, subject, [Outbound(theirs.text("peers.moderation.unsuspended_you"))],
           now, kind="moderation")
    return True


def _suspend(connection: Connection, content: ContentLibrary, subject: int,
             now: datetime) -> None:
    """No more peer support for them: every chat of theirs ends (the other person is
    told), offers to them go to someone else, and they are told a coordinator will call."""
    connection.execute(update(Volunteer).where(Volunteer.person_id == subject)
                       .values(suspended_at=now))
    connection.execute(update(Person).where(Person.id == subject).values(status="suspended"))
    for chat in open_chats(connection, subject):
        _set_chat(connection, chat["id"], now, status="ended", ended_at=now)
        partner = _partner(chat, subject)
        theirs = content.for_language(_language(connection, partner))
        notify(connection, partner, [Outbound(theirs.text("peers.moderation.ended_you"))],
               now, kind="moderation")
    connection.execute(update(PeerChat).where(
        PeerChat.supporter_id == subject, PeerChat.status == "awaiting_resident").values(
        status="declined", ended_at=now, updated_at=now))
    _release_offers(connection, subject, now)
    connection.execute(update(BuddyRequest).where(
        BuddyRequest.resident_id == subject,
        BuddyRequest.status.in_(("waiting", "offered"))).values(
        status="cancelled", offered_to=None, updated_at=now))
    theirs = content.for_language(_language(connection, subject))
    notify(connection, subject, [Outbound(theirs.text("peers.moderation.suspended_you"))],
           now, kind="moderation")
