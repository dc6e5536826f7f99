"""Reports (moderation cases) as the staff console works on them, beside the CASE commands
(`moderation.py` holds the rules both use): the list, one report with what it holds, and
the follow-up work the commands never had: picking a report up, notes, and calling back
someone who was suspended.

No table of its own: the audit log already says, for each case (`audit_log.case_id`), who
did what and when, by text, Telegram or console. Picking up (`case_claimed`, with the
name of whoever did, as it was then), notes (`case_note`) and a suspended person's
follow-up (`follow_up_claimed`, `follow_up_note`, `follow_up_closed` with the outcome) are
entries there too, so the history is one list and the state is read from it.

A suspended person awaits follow-up from the moment a case suspends them (`case_suspend`)
until someone closes the follow-up with what happened, or lifts the suspension
(`case_unsuspend`, with a note: `lift`), which closes the follow-up too.

Staff read people as staff: the name they gave (or chose as a volunteer) and their part
in the report (who reported, who was reported, resident or peer supporter), never the
words residents see for a name we can't show ("Your match"): that is "Person 12" here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from bot.core.content import Content, ContentLibrary
from bot.peers.chats import _language, audit
from bot.peers.models import Group, ModerationCase, PeerChat
from bot.peers.moderation import (
    CHAT_AUDIT,
    StaffActor,
    decide,
    held_by_moderator,
    is_suspended,
    lift_suspension,
    settle_chat,
)
from bot.peers.whereabouts import shown_name
from bot.storage.models import AuditEntry, Person, Volunteer

CLAIMED, NOTED = "case_claimed", "case_note"
FOLLOW_UP_CLAIMED, FOLLOW_UP_NOTE, FOLLOW_UP_CLOSED = (
    "follow_up_claimed", "follow_up_note", "follow_up_closed")
SUSPENDED, LIFTED = "case_suspend", "case_unsuspend"
MAX_NOTE = 500  # as long as an audit entry's detail
CLOSED_SHOWN = 30  # closed reports listed under the open ones


@dataclass(frozen=True)
class FollowUp:
    """Someone a case suspended, for a coordinator to call: `status` waiting | held |
    closed."""

    case_id: int
    suspended_at: datetime
    status: str
    claimed_by: int | None  # staff account
    claimed_by_name: str | None
    closed_at: datetime | None
    outcome: str | None
    lifted: bool = False  # closed by lifting the suspension (`outcome`: the note)
    person_id: int | None = None  # who was suspended (the case's subject), to call back


@dataclass(frozen=True)
class Case:
    id: int
    kind: str  # connection | group
    status: str  # open | closed
    created_at: datetime
    closed_at: datetime | None
    note: str | None
    chat_status: str | None  # the peer chat's, while it is kept
    claimed_by: int | None  # staff account holding an open report
    claimed_by_name: str | None
    follow_up: FollowUp | None
    chat_held: bool = False  # the chat is open and paused for a moderator

    def held_by(self, staff: StaffActor) -> bool:
        return self.status == "open" and self.claimed_by == staff.id


@dataclass(frozen=True)
class Party:
    """Someone in a report as staff see them. `name`: the name they gave or chose, None
    when there is none fit to show (blank, or it carries contact details); `person_id`
    when they are one of our people (a group member may not be); `role`: resident |
    supporter (in a peer chat) | member (of a group) | None (not known now); `side`:
    reporter | subject (the person reported) | None (neither)."""

    name: str | None
    person_id: int | None = None
    role: str | None = None
    side: str | None = None


@dataclass(frozen=True)
class Message:
    """A message a report holds, as moderators see it (None text: erased)."""

    by: Party
    text: str | None
    at: datetime | None
    held: bool = False
    reported: bool = False


@dataclass(frozen=True)
class Report:
    """One case in full for the console: who is in it (by safe names: no number, no
    handle), the reason given and the messages it holds."""

    case: Case
    reporter: Party | None
    subject: Party | None
    group: str | None
    reason: str | None
    messages: list[Message] = field(default_factory=list)
    suspendable: bool = False  # someone we know was reported (not a stranger in a group)
    suspended: bool = False  # the person reported is suspended now (by any report)


# -- reading ------------------------------------------------------------------------------
def cases(connection: Connection, *, closed_shown: int = CLOSED_SHOWN) -> list[Case]:
    """Open reports first (the oldest first), then the latest closed."""
    open_rows = connection.execute(_select().where(ModerationCase.status == "open")
                                   .order_by(ModerationCase.created_at, ModerationCase.id)).all()
    closed = connection.execute(_select().where(ModerationCase.status != "open")
                                .order_by(ModerationCase.closed_at.desc(),
                                          ModerationCase.id.desc())
                                .limit(closed_shown)).all()
    return _with_state(connection, [*open_rows, *closed])


def get(connection: Connection, case_id: int) -> Case | None:
    row = connection.execute(_select().where(ModerationCase.id == case_id)).first()
    return _with_state(connection, [row])[0] if row else None


def follow_ups(connection: Connection) -> list[FollowUp]:
    """Suspended people still awaiting follow-up, the longest waiting first."""
    ids = connection.scalars(select(AuditEntry.case_id).where(
        AuditEntry.action == SUSPENDED, AuditEntry.case_id.is_not(None))
        .group_by(AuditEntry.case_id)).all()
    found = [f for f in _follow_ups(connection, list(ids)).values() if f.status != "closed"]
    return sorted(found, key=lambda f: (f.suspended_at, f.case_id))


def inbox(connection: Connection) -> tuple[list[Case], list[FollowUp]]:
    """What the inbox lists: open reports and suspended people awaiting follow-up."""
    return [c for c in cases(connection, closed_shown=0)], follow_ups(connection)


def report(connection: Connection, content: Content, case_id: int, staff: StaffActor,
           now: datetime) -> Report | None:
    """One case with the messages it holds, for a member of staff: reading it is written
    in the audit log, as `CASE 12` is."""
    case = get(connection, case_id)
    if case is None:
        return None
    row = connection.execute(select(ModerationCase).where(ModerationCase.id == case_id)
                             ).mappings().one()
    audit(connection, now, None, "case_viewed", case_id=case_id, staff_id=staff.id,
          target=f"connection:{row['connection_id']}" if row["connection_id"] else None)
    history = row["history"] or {}
    reporter_id, subject_id = row["reported_by"], row["subject_id"]
    sides = {reporter_id: "reporter", subject_id: "subject"}
    sides.pop(None, None)
    if case.kind == "group":
        roles = dict.fromkeys(sides, "member")
    else:
        chat = connection.execute(select(PeerChat.resident_id, PeerChat.supporter_id).where(
            PeerChat.id == row["connection_id"])).first() if row["connection_id"] else None
        roles = {chat.resident_id: "resident", chat.supporter_id: "supporter"} if chat \
            else {}

    def party(person_id: int | None, typed: str | None = None) -> Party:
        """Our person by their record; someone we only know by a name as typed (a group
        member who never wrote to the bot, or a message kept without who sent it)."""
        name = _staff_name(connection, content, person_id) if person_id else \
            fit_name(connection, content, typed or "")
        return Party(name, person_id, roles.get(person_id) if person_id else None,
                     sides.get(person_id) if person_id else None)

    if case.kind == "group":
        seen = [*(history.get("before") or []), history.get("reported")]
        reported = history.get("reported") if isinstance(history.get("reported"), dict) \
            else {}
        subject = party(subject_id, str(reported.get("name") or "")) \
            if subject_id or reported.get("name") else None
        if subject is not None and subject.side is None:
            subject = Party(subject.name, None, "member", "subject")
        # Their earlier posts are theirs too: the same Telegram account.
        theirs = row["subject_telegram_id"]
        messages = [_group_message(s, subject if subject and theirs is not None and
                                   s.get("telegram_id") == theirs
                                   else party(None, str(s.get("name") or "")),
                                   reported=s is seen[-1])
                    for s in seen if isinstance(s, dict)]
        group = connection.scalar(select(Group.title).where(
            Group.chat_id == row["group_chat_id"])) or history.get("group")
    else:
        messages = [Message(Party(None), None, _at(m.get("at"))) if m.get("erased") else
                    Message(party(m.get("sender_id"), str(m.get("alias") or "")),
                            str(m.get("text") or ""), _at(m.get("at")), bool(m.get("held")))
                    for m in history.get("messages") or []]
        subject, group = (party(subject_id) if subject_id else None), None
    return Report(case, party(reporter_id) if reporter_id else None, subject, group,
                  row["reason"], messages, suspendable=subject_id is not None,
                  suspended=subject_id is not None and is_suspended(connection, subject_id))


# -- working on it ------------------------------------------------------------------------
def claim(connection: Connection, case_id: int, staff: StaffActor, now: datetime, *,
          follow_up: bool = False) -> str:
    """Pick up an open report (or a suspended person's follow-up), taking it over from a
    colleague if need be. Returns claimed | taken_over | already_yours | already_closed |
    no_case | no_follow_up."""
    case = get(connection, case_id)
    if case is None:
        return "no_case"
    if follow_up:
        if case.follow_up is None:
            return "no_follow_up"
        status, holder = case.follow_up.status, case.follow_up.claimed_by
    else:
        status = "closed" if case.status != "open" else ("held" if case.claimed_by else
                                                         "waiting")
        holder = case.claimed_by
    if status == "closed":
        return "already_closed"
    if holder == staff.id:
        return "already_yours"
    audit(connection, now, None, FOLLOW_UP_CLAIMED if follow_up else CLAIMED,
          case_id=case_id, staff_id=staff.id, detail=staff.name)
    return "taken_over" if holder else "claimed"


def note(connection: Connection, case_id: int, staff: StaffActor, text: str, now: datetime,
         *, follow_up: bool = False) -> str:
    """A note only staff see. Returns noted | need_note | no_case | no_follow_up."""
    text = " ".join(text.split())[:MAX_NOTE]
    case = get(connection, case_id)
    if case is None:
        return "no_case"
    if follow_up and case.follow_up is None:
        return "no_follow_up"
    if not text:
        return "need_note"
    audit(connection, now, None, FOLLOW_UP_NOTE if follow_up else NOTED, case_id=case_id,
          staff_id=staff.id, detail=text)
    return "noted"


def settle(connection: Connection, content: ContentLibrary, case_id: int, staff: StaffActor,
           then: str, now: datetime) -> str:
    """A closed report whose chat was kept paused for a moderator: start it again or end
    it (`then`: resume | end), the two told as on closing. Audited as on closing
    (case_resume, case_end). Returns resumed | ended | not_held (nothing to do: the chat
    is not paused for a moderator any more) | not_closed | no_case."""
    case = get(connection, case_id)
    if case is None:
        return "no_case"
    if case.status == "open":
        return "not_closed"
    chat = connection.execute(select(PeerChat).join(
        ModerationCase, ModerationCase.connection_id == PeerChat.id).where(
        ModerationCase.id == case_id)).mappings().first()
    if then not in ("resume", "end") or chat is None or not held_by_moderator(chat):
        return "not_held"
    done = settle_chat(connection, content, chat, then, now)
    if done not in ("resumed", "ended"):
        return "not_held"
    audit(connection, now, None, CHAT_AUDIT[done], case_id=case_id,
          target=f"connection:{chat['id']}", staff_id=staff.id)
    return done


def close_follow_up(connection: Connection, case_id: int, staff: StaffActor, outcome: str,
                    now: datetime) -> str:
    """The suspended person has been followed up: what happened. Returns closed |
    need_outcome | already_closed | no_case | no_follow_up."""
    outcome = " ".join(outcome.split())[:MAX_NOTE]
    case = get(connection, case_id)
    if case is None:
        return "no_case"
    if case.follow_up is None:
        return "no_follow_up"
    if case.follow_up.status == "closed":
        return "already_closed"
    if not outcome:
        return "need_outcome"
    audit(connection, now, None, FOLLOW_UP_CLOSED, case_id=case_id, staff_id=staff.id,
          detail=outcome)
    return "closed"


def suspend(connection: Connection, content: ContentLibrary, case_id: int, staff: StaffActor,
            now: datetime) -> str:
    """Suspend the person an open report is about (`moderation.decide`, as `CASE 12
    SUSPEND`), once: someone suspended already is not suspended (nor told) again, as a
    form sent twice would. Returns suspend | already_suspended | already_closed |
    nothing_to_do (nobody we know to suspend) | no_case."""
    case = get(connection, case_id)
    if case is None:
        return "no_case"
    subject = connection.scalar(select(ModerationCase.subject_id).where(
        ModerationCase.id == case_id))
    if case.status == "open" and subject is not None and is_suspended(connection, subject):
        return "already_suspended"
    done = decide(connection, content, case_id, "suspend", "", now, staff=staff)
    return {"done": "suspend", "no_case": "already_closed"}.get(done.outcome, done.outcome)


def told(connection: Connection, content: ContentLibrary, person_id: int, *,
         lifting: bool = False) -> str:
    """What someone is sent, in their language, on being suspended
    (`moderation._suspend`), or with `lifting`, when that is lifted."""
    return content.for_language(_language(connection, person_id)).text(
        "peers.moderation.unsuspended_you" if lifting else "peers.moderation.suspended_you")


def lift(connection: Connection, content: ContentLibrary, case_id: int, staff: StaffActor,
         text: str, now: datetime) -> str:
    """Lift the suspension of the person this report is about, with a note saying why
    (`moderation.lift_suspension`: they are told). Written in the history of this report
    and of every other whose call back for them was still open, which closes those call
    backs. Returns lifted | need_lift_note | not_suspended | no_case."""
    text = " ".join(text.split())[:MAX_NOTE]
    case = get(connection, case_id)
    if case is None:
        return "no_case"
    subject = connection.scalar(select(ModerationCase.subject_id).where(
        ModerationCase.id == case_id))
    if subject is None or not is_suspended(connection, subject):
        return "not_suspended"
    if not text:
        return "need_lift_note"
    lift_suspension(connection, content, subject, now)
    theirs = connection.scalars(select(ModerationCase.id).where(
        ModerationCase.subject_id == subject, ModerationCase.id != case_id)).all()
    waiting = [c for c, f in _follow_ups(connection, list(theirs)).items()
               if f.status != "closed"]
    for each in (case_id, *sorted(waiting)):
        audit(connection, now, None, LIFTED, case_id=each, staff_id=staff.id, detail=text)
    return "lifted"


# -- inside --------------------------------------------------------------------------------
def _select() -> Any:
    return (select(ModerationCase.id, ModerationCase.kind, ModerationCase.status,
                   ModerationCase.created_at, ModerationCase.closed_at, ModerationCase.note,
                   PeerChat.status.label("chat_status"), PeerChat.paused_by,
                   PeerChat.resident_id, PeerChat.supporter_id)
            .outerjoin(PeerChat, PeerChat.id == ModerationCase.connection_id))


def _with_state(connection: Connection, rows: list[Any]) -> list[Case]:
    """The rows as cases, with who holds each (the latest pick-up, while it is open) and
    any follow-up, read from the audit log in two queries."""
    ids = [row.id for row in rows]
    holders: dict[int, tuple[int | None, str | None]] = {}
    if ids:
        latest = (select(func.max(AuditEntry.id)).where(
            AuditEntry.action == CLAIMED, AuditEntry.case_id.in_(ids))
            .group_by(AuditEntry.case_id))
        for case_id, staff_id, name in connection.execute(
                select(AuditEntry.case_id, AuditEntry.actor_staff_id, AuditEntry.detail)
                .where(AuditEntry.id.in_(latest))):
            holders[case_id] = (staff_id, name)
    follow = _follow_ups(connection, ids)
    return [Case(row.id, row.kind, row.status, row.created_at, row.closed_at, row.note,
                 row.chat_status,
                 *(holders.get(row.id, (None, None)) if row.status == "open" else (None, None)),
                 follow.get(row.id),
                 chat_held=row.chat_status is not None and held_by_moderator(
                     {"status": row.chat_status, "paused_by": row.paused_by,
                      "resident_id": row.resident_id, "supporter_id": row.supporter_id}))
            for row in rows]


def _follow_ups(connection: Connection, ids: list[int]) -> dict[int, FollowUp]:
    """Each suspension's follow-up, replayed from its audit entries in order."""
    if not ids:
        return {}
    state: dict[int, dict[str, Any]] = {}
    for case_id, action, at, staff_id, detail in connection.execute(
            select(AuditEntry.case_id, AuditEntry.action, AuditEntry.at,
                   AuditEntry.actor_staff_id, AuditEntry.detail)
            .where(AuditEntry.case_id.in_(ids), AuditEntry.action.in_(
                (SUSPENDED, LIFTED, FOLLOW_UP_CLAIMED, FOLLOW_UP_CLOSED)))
            .order_by(AuditEntry.id)):
        if action == SUSPENDED:
            if case_id not in state or state[case_id]["status"] == "closed":
                # The first suspension, or one again after its call back was done.
                state[case_id] = {"suspended_at": at, "status": "waiting",
                                  "claimed_by": None, "claimed_by_name": None,
                                  "closed_at": None, "outcome": None, "lifted": False}
        elif case_id in state and action == FOLLOW_UP_CLAIMED:
            state[case_id].update(status="held", claimed_by=staff_id, claimed_by_name=detail)
        elif (case_id in state and action in (FOLLOW_UP_CLOSED, LIFTED)
              and state[case_id]["status"] != "closed"):  # a lift after the call back: kept
            state[case_id].update(status="closed", closed_at=at, outcome=detail,
                                  lifted=action == LIFTED)
    subjects = dict(connection.execute(select(ModerationCase.id, ModerationCase.subject_id)
                                       .where(ModerationCase.id.in_(list(state)))).all()) \
        if state else {}
    return {case_id: FollowUp(case_id, **values, person_id=subjects.get(case_id))
            for case_id, values in state.items()}


def _group_message(seen: dict[str, Any], by: Party, *, reported: bool) -> Message:
    """A group message kept in a report: the member's first name as the group saw it
    (unless it carries contact details), never their Telegram id."""
    erased = seen.get("telegram_id") is None and not seen.get("text")
    if by.role is None:
        by = Party(by.name, by.person_id, "member", by.side)
    return Message(by, None if erased else str(seen.get("text") or ""),
                   _at(seen.get("at")), reported=reported)


def names_for_staff(connection: Connection, content: Content,
                    person_ids: Iterable[int | None]) -> dict[int, str | None]:
    """Each person's name as staff see it (`_staff_name`): None where it is not fit."""
    return {pid: _staff_name(connection, content, pid) for pid in set(person_ids) if pid}


def _staff_name(connection: Connection, content: Content, person_id: int) -> str | None:
    """Their volunteer alias, else the name they gave us, if fit to show staff."""
    alias = connection.scalar(select(Volunteer.alias).where(Volunteer.person_id == person_id))
    if not alias:
        alias = connection.scalar(select(Person.name).where(Person.id == person_id))
    return fit_name(connection, content, str(alias or ""))


def fit_name(connection: Connection, content: Content, name: str) -> str | None:
    """The name, or None where residents would read the words for no name ("Your
    match"): blank, unreadable, or carrying contact details."""
    shown = shown_name(connection, None, name, content)
    return None if shown == content.text("peers.no_name") else shown


def _at(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
