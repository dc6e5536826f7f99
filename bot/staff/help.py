""""Talk to a person": a resident's request for someone from the team, and a member of staff
holding their conversation from the console. Every row and every rule is here; the engine's
side (`bot/extensions/staff_help.py`) and the console's pages (`bot/console/requests.py`)
call these.

- A request is `waiting` until someone picks it up (`claim`): then it is `held`, the person
  is put in the `staff_help` conversation at step `held` (what they were in is kept to go
  back to), and they are told who has it. What they send then comes to the thread here,
  after the safety screen, as the engine's interceptor takes it.
- A reply (`send`) is checked (`preview`: the texts as their channel will carry them, SMS
  segments and cost), recorded in the outbox to the identity they last wrote from
  (`bot.dispatch.notify`), and kept in the thread with its outbox row.
- Handing back (`hand_back`) closes it with an outcome, tells them, and puts them back where
  they were. STOP ends a hold at once: from the moment they send it nothing more goes, and
  the request closes the next time anyone looks at it or they write again (`stopped_since`).
- Every look and every action is in the audit log, without anyone's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from bot.core.content import ContentLibrary
from bot.core.events import Outbound
from bot.core.gsm7 import keeps_words, left_out
from bot.core.render import MAX_PARTS, render_sms
from bot.core.turn import TEAM_FLOW, TEAM_HELD
from bot.dispatch.notify import notify, preferred_address
from bot.staff import audit
from bot.staff.models import TeamMessage, TeamRequest
from bot.storage.models import Identity, OutboxMessage, Person

WAITING, HELD, CLOSED = "waiting", "held", "closed"
OPEN = (WAITING, HELD)
WORDS_KEPT_FOR = timedelta(days=30)  # the thread's words, like every sent text
MAX_REPLY = 1000  # characters a staff reply may have (about eight SMS segments)
MAX_NOTE = 500
CLOSED_SHOWN = 20  # requests handed back lately, under the open ones in the inbox
OUTBOX_KIND = "team"  # staff replies and notices in the outbox
_STATE_TRIES = 5


@dataclass(frozen=True)
class Staff:
    """The member of staff acting, as the console knows them."""

    id: int
    name: str

    @property
    def first_name(self) -> str:
        return (self.name.split() or [self.name])[0]


@dataclass(frozen=True)
class Request:
    id: int
    person_id: int
    person_name: str | None
    channel: str
    status: str
    created_at: datetime
    out_of_hours: bool
    reply_after: datetime | None
    last_message_at: datetime
    claimed_at: datetime | None
    claimed_by: int | None
    claimed_by_name: str | None
    closed_at: datetime | None
    closed_by_name: str | None
    ended_by: str | None
    outcome: str | None

    def held_by(self, staff: Staff) -> bool:
        return self.status == HELD and self.claimed_by == staff.id


@dataclass(frozen=True)
class Line:
    """One line of the thread, as the console shows it."""

    at: datetime
    direction: str  # in | out | note
    kind: str
    text: str | None
    staff_name: str | None
    channel: str | None
    segments: int | None


@dataclass(frozen=True)
class Pricing:
    """What an SMS segment costs (`SMS_PRICE_PER_SEGMENT`) and whether texts may be UCS-2."""

    per_segment: float = 0.04
    allow_unicode: bool = False


@dataclass(frozen=True)
class Preview:
    """A reply as the resident would get it now: by `channel` (None: nobody can reach
    them), as `parts` (separate texts, for SMS), `segments` and their cost."""

    text: str
    channel: str | None
    parts: tuple[str, ...]
    segments: int
    cost: float
    too_long: bool = False
    # What a text cannot carry and is left out (emoji, letters of other scripts, symbols;
    # `bot.core.gsm7.left_out`), when texts are GSM-7 only.
    left_out: str | None = None
    # By SMS, none of the words would arrive: only "Move Mates team (Cora):" and, at most,
    # punctuation (`bot.core.gsm7.keeps_words`). Never sent.
    nothing_left: bool = False

    @property
    def sendable(self) -> bool:
        return self.channel is not None and not self.too_long and bool(self.text) \
            and not self.nothing_left


@dataclass(frozen=True)
class Done:
    outcome: str
    preview: Preview | None = None


# -- the resident's side: in the engine's transaction -------------------------------------
def open_for(connection: Connection, person_id: int) -> Request | None:
    """Their waiting or held request, if any (a person has one at a time)."""
    row = connection.execute(_select().where(
        TeamRequest.person_id == person_id, TeamRequest.status.in_(OPEN))
        .order_by(TeamRequest.id.desc()).limit(1)).first()
    return _request(row) if row else None


def get(connection: Connection, request_id: int, *, lock: bool = False) -> Request | None:
    query = _select().where(TeamRequest.id == request_id)
    if lock and connection.dialect.name != "sqlite":
        query = query.with_for_update(of=TeamRequest.__table__)
    row = connection.execute(query).first()
    return _request(row) if row else None


def ask(connection: Connection, person_id: int, channel: str, text: str | None,
        now: datetime, *, out_of_hours: bool, reply_after: datetime | None) -> Request:
    """A new request (their words, if they asked in words, start its thread)."""
    request_id = connection.execute(insert(TeamRequest).values(
        person_id=person_id, channel=channel, status=WAITING, created_at=now,
        out_of_hours=out_of_hours, reply_after=reply_after, last_message_at=now)
        .returning(TeamRequest.id)).scalar_one()
    if text:
        add_inbound(connection, request_id, "text", text, now, channel=channel)
    found = get(connection, request_id)
    assert found is not None
    return found


def add_inbound(connection: Connection, request_id: int, kind: str, text: str | None,
                now: datetime, *, channel: str | None = None) -> None:
    connection.execute(insert(TeamMessage).values(
        request_id=request_id, at=now, direction="in", kind=kind, text=text or None,
        channel=channel))
    connection.execute(update(TeamRequest).where(TeamRequest.id == request_id)
                       .values(last_message_at=now))


def stopped_since(connection: Connection, person_id: int, since: datetime) -> datetime | None:
    """When they sent STOP (on any of their channels) at or after `since`, if they did:
    still opted out, or the "you're stopped" reply queued then (they may have sent START
    since, which the opt-out alone would not show)."""
    opted = connection.scalar(select(func.max(Identity.opted_out_at)).where(
        Identity.person_id == person_id, Identity.opted_out_at >= since))
    replied = connection.scalar(select(func.min(OutboxMessage.created_at)).where(
        OutboxMessage.person_id == person_id, OutboxMessage.kind == "optout",
        OutboxMessage.created_at >= since))
    found = [t for t in (opted, replied) if t is not None]
    return min(found) if found else None


def end_if_stopped(connection: Connection, request: Request, now: datetime, *,
                   release: bool = True) -> bool:
    """A waiting or held request whose resident sent STOP since asking is closed (nothing
    more may go to them), and their conversation is theirs again (`release`; not inside
    the engine's own turn for them, which moves them itself). True if it was."""
    if request.status not in OPEN:
        return False
    stopped = stopped_since(connection, request.person_id, request.created_at)
    if stopped is None:
        return False
    closed = connection.execute(update(TeamRequest).where(
        TeamRequest.id == request.id, TeamRequest.status.in_(OPEN)).values(
        status=CLOSED, closed_at=stopped, ended_by="stop")).rowcount
    if closed and release:
        _release(connection, request.person_id, request.id)
    return bool(closed)


# -- the console ---------------------------------------------------------------------------
def _still_open(connection: Connection, request_id: int, now: datetime) -> Request | Done:
    """The request, locked, if staff may still act on it; else why not (no such request,
    closed because they sent STOP, or already closed)."""
    request = get(connection, request_id, lock=True)
    if request is None:
        return Done("no_request")
    if end_if_stopped(connection, request, now):
        return Done("stopped")
    if request.status == CLOSED:
        return Done("already_closed")
    return request


def inbox(connection: Connection, now: datetime, *, closed_shown: int = CLOSED_SHOWN
          ) -> tuple[list[Request], list[Request]]:
    """(waiting and held, the longest waiting first; the latest closed)."""
    for request in _open(connection):
        end_if_stopped(connection, request, now)
    open_rows = _open(connection)
    closed = [_request(row) for row in connection.execute(
        _select().where(TeamRequest.status == CLOSED)
        .order_by(TeamRequest.closed_at.desc(), TeamRequest.id.desc()).limit(closed_shown))]
    waiting = [r for r in open_rows if r.status == WAITING]
    held = [r for r in open_rows if r.status == HELD]
    return waiting + held, closed


def view(connection: Connection, request_id: int, staff: Staff, now: datetime
         ) -> tuple[Request, list[Line]] | None:
    """A request and its thread; each look is in the audit log."""
    request = get(connection, request_id)
    if request is None:
        return None
    if end_if_stopped(connection, request, now):
        request = get(connection, request_id)
        assert request is not None
    audit.record(connection, now, staff.id, "team_request_viewed",
                 target=f"team_request:{request_id}")
    return request, thread(connection, request_id)


def thread(connection: Connection, request_id: int) -> list[Line]:
    return [Line(row.at, row.direction, row.kind, row.text, row.staff_name, row.channel,
                 row.segments)
            for row in connection.execute(
                select(TeamMessage.__table__).where(TeamMessage.request_id == request_id)
                .order_by(TeamMessage.at, TeamMessage.id))]


def claim(connection: Connection, content: ContentLibrary, request_id: int, staff: Staff,
          now: datetime) -> Done:
    """Pick a request up (or take it over from a colleague): the conversation is theirs
    until they hand it back, and the resident is told who has it."""
    request = _still_open(connection, request_id, now)
    if isinstance(request, Done):
        return request
    if request.held_by(staff):
        return Done("already_yours")
    took_over = request.status == HELD
    changed = connection.execute(update(TeamRequest).where(
        TeamRequest.id == request_id, TeamRequest.status == request.status,
        or_(TeamRequest.claimed_by.is_(None), TeamRequest.claimed_by == request.claimed_by))
        .values(status=HELD, claimed_at=now, claimed_by=staff.id,
                claimed_by_name=staff.name)).rowcount
    if not changed:
        return Done("already_picked_up")
    if took_over:
        _rename_hold(connection, request.person_id, request_id, staff.first_name)
    else:
        _hold(connection, request.person_id, request_id, staff.first_name)
    words = _content_for(connection, content, request.person_id)
    ids = notify(connection, request.person_id,
                 [Outbound(words.text("staff_help.claimed", name=staff.first_name))],
                 now, kind=OUTBOX_KIND)
    if ids:
        _add_line(connection, request_id, "out", words.text(
            "staff_help.claimed", name=staff.first_name), now, staff=staff,
            outbox_id=ids[0], kind="notice")
    audit.record(connection, now, staff.id, "team_request_claimed",
                 target=f"team_request:{request_id}",
                 detail=f"from {request.claimed_by_name}" if took_over else None)
    return Done("taken_over" if took_over else "claimed")


def preview(connection: Connection, content: ContentLibrary, request_id: int, staff: Staff,
            text: str, pricing: Pricing) -> Preview | None:
    """The reply as it would reach them now (their channel, texts, segments, cost)."""
    request = get(connection, request_id)
    if request is None:
        return None
    return _preview(connection, content, request, staff, text, pricing)


def send(connection: Connection, content: ContentLibrary, request_id: int, staff: Staff,
         text: str, pricing: Pricing, now: datetime) -> Done:
    """Record the reply in the outbox (the dispatcher sends it) and in the thread. Only by
    whoever holds the conversation, never after STOP."""
    text = text.strip()
    request = _still_open(connection, request_id, now)
    if isinstance(request, Done):
        if request.outcome == "stopped":
            audit.record(connection, now, staff.id, "team_reply_refused",
                         target=f"team_request:{request_id}", detail="stop")
        return request
    if not request.held_by(staff):
        return Done("not_yours")
    if not text:
        return Done("need_reply")
    checked = _preview(connection, content, request, staff, text, pricing)
    if checked.too_long:
        return Done("too_long", checked)
    if checked.nothing_left:
        return Done("nothing_left", checked)
    if checked.channel is None:
        audit.record(connection, now, staff.id, "team_reply_refused",
                     target=f"team_request:{request_id}", detail="unreachable")
        return Done("unreachable", checked)
    words = _content_for(connection, content, request.person_id)
    message = Outbound(words.text("staff_help.reply", name=staff.first_name, text=text))
    ids = notify(connection, request.person_id, [message], now, kind=OUTBOX_KIND)
    if not ids:
        return Done("unreachable", checked)
    _add_line(connection, request_id, "out", text, now, staff=staff, outbox_id=ids[0],
              channel=checked.channel, segments=checked.segments or None)
    audit.record(connection, now, staff.id, "team_reply_sent",
                 target=f"team_request:{request_id}",
                 detail=f"{checked.channel}, {checked.segments} segments"
                 if checked.channel == "sms" else checked.channel)
    return Done("sent", checked)


def note(connection: Connection, request_id: int, staff: Staff, text: str,
         now: datetime) -> Done:
    """A note only staff see (what they did, a call made)."""
    text = text.strip()[:MAX_NOTE]
    if get(connection, request_id) is None:
        return Done("no_request")
    if not text:
        return Done("need_note")
    _add_line(connection, request_id, "note", text, now, staff=staff)
    audit.record(connection, now, staff.id, "team_request_note",
                 target=f"team_request:{request_id}")
    return Done("noted")


def hand_back(connection: Connection, content: ContentLibrary, request_id: int,
              staff: Staff, outcome: str, now: datetime) -> Done:
    """Close a held request with what happened; the resident is told and is back with the
    bot where they were (nothing is sent to someone who has sent STOP)."""
    outcome = outcome.strip()[:MAX_NOTE]
    request = _still_open(connection, request_id, now)
    if isinstance(request, Done):
        return request
    if not request.held_by(staff):
        return Done("not_yours")
    if not outcome:
        return Done("need_outcome")
    connection.execute(update(TeamRequest).where(TeamRequest.id == request_id).values(
        status=CLOSED, closed_at=now, closed_by=staff.id, closed_by_name=staff.name,
        outcome=outcome, ended_by="staff"))
    _release(connection, request.person_id, request_id)
    words = _content_for(connection, content, request.person_id)
    notice = words.text("staff_help.handed_back", name=staff.first_name)
    ids = notify(connection, request.person_id, [Outbound(notice)], now, kind=OUTBOX_KIND)
    if ids:
        _add_line(connection, request_id, "out", notice, now, staff=staff,
                  outbox_id=ids[0], kind="notice")
    audit.record(connection, now, staff.id, "team_request_handed_back",
                 target=f"team_request:{request_id}")
    return Done("handed_back")


# -- "my data", erasure and retention -----------------------------------------------------
def count_for(connection: Connection, person_id: int) -> int:
    return int(connection.scalar(select(func.count()).select_from(TeamRequest).where(
        TeamRequest.person_id == person_id)) or 0)


def forget_person(connection: Connection, person_id: int) -> None:
    """Their requests and threads go (the audit log keeps only who on the team did what)."""
    ids = select(TeamRequest.id).where(TeamRequest.person_id == person_id)
    connection.execute(delete(TeamMessage).where(TeamMessage.request_id.in_(ids)))
    connection.execute(delete(TeamRequest).where(TeamRequest.person_id == person_id))


def forget_old_words(connection: Connection, now: datetime) -> int:
    """Words in closed threads older than `WORDS_KEPT_FOR` are forgotten (the lines stay,
    so the thread still shows who wrote when)."""
    closed = select(TeamRequest.id).where(TeamRequest.status == CLOSED)
    return int(connection.execute(update(TeamMessage).where(
        TeamMessage.at < now - WORDS_KEPT_FOR, TeamMessage.text.is_not(None),
        TeamMessage.request_id.in_(closed)).values(text=None)).rowcount or 0)


# -- inside --------------------------------------------------------------------------------
def _select() -> Any:
    return (select(TeamRequest.__table__, Person.name.label("person_name"))
            .join(Person, Person.id == TeamRequest.person_id))


def _request(r: Any) -> Request:
    return Request(r.id, r.person_id, r.person_name, r.channel, r.status, r.created_at,
                   r.out_of_hours, r.reply_after, r.last_message_at, r.claimed_at,
                   r.claimed_by, r.claimed_by_name, r.closed_at, r.closed_by_name,
                   r.ended_by, r.outcome)


def _open(connection: Connection) -> list[Request]:
    return [_request(row) for row in connection.execute(
        _select().where(TeamRequest.status.in_(OPEN)).order_by(TeamRequest.created_at,
                                                                TeamRequest.id))]


def _add_line(connection: Connection, request_id: int, direction: str, text: str,
              now: datetime, *, staff: Staff, outbox_id: int | None = None,
              channel: str | None = None, segments: int | None = None,
              kind: str = "text") -> None:
    connection.execute(insert(TeamMessage).values(
        request_id=request_id, at=now, direction=direction, kind=kind, text=text,
        staff_id=staff.id, staff_name=staff.name, channel=channel, outbox_id=outbox_id,
        segments=segments))


def _content_for(connection: Connection, content: ContentLibrary, person_id: int) -> Any:
    language = connection.scalar(select(Person.language).where(Person.id == person_id))
    return content.for_language(language)


def _preview(connection: Connection, content: ContentLibrary, request: Request, staff: Staff,
             text: str, pricing: Pricing) -> Preview:
    text = text.strip()
    words = _content_for(connection, content, request.person_id)
    full = words.text("staff_help.reply", name=staff.first_name, text=text)
    address = preferred_address(connection, request.person_id)
    too_long = len(text) > MAX_REPLY
    if address is None:
        return Preview(text, None, (full,), 0, 0.0, too_long)
    if address.channel != "sms":
        return Preview(text, address.channel, (full,), 0, 0.0, too_long)
    rendered = render_sms(Outbound(full), allow_unicode=pricing.allow_unicode)
    too_long = too_long or len(rendered.parts) > MAX_PARTS
    return Preview(text, "sms", rendered.parts, rendered.segments,
                   round(rendered.segments * pricing.per_segment, 4), too_long,
                   None if pricing.allow_unicode else left_out(full),
                   not keeps_words(text, allow_unicode=pricing.allow_unicode))


def _hold(connection: Connection, person_id: int, request_id: int, staff_first: str) -> None:
    """Put them in the held step, keeping where they were to go back to afterwards. The
    version moves on, so a turn of theirs running now retries and sees it."""
    for _ in range(_STATE_TRIES):
        row = connection.execute(select(Person.flow, Person.step, Person.flow_data,
                                        Person.state_version)
                                 .where(Person.id == person_id)).first()
        if row is None:
            return
        data = dict(row.flow_data or {})
        if row.flow == TEAM_FLOW:
            resume = data.get("resume")  # asked "peer or team?", or held before
        else:
            resume = {"flow": row.flow, "step": row.step, "data": data} if row.flow else None
        held = {"request": request_id, "staff": staff_first, "resume": resume}
        if _write_state(connection, person_id, row.state_version, TEAM_FLOW, TEAM_HELD, held):
            _drop_planned(connection, person_id)
            return
    raise RuntimeError("could not hold a conversation after repeated conflicts")


def _drop_planned(connection: Connection, person_id: int) -> None:
    """The bot's own friendly messages already queued for them (check-in nudges, ideas)
    don't go while a person from the team holds the conversation; the planner leaves held
    people out and plans them again once handed back. (The same rows the planner's
    `drop_planned` forgets; features don't import each other, so it is said here.)"""
    connection.execute(delete(OutboxMessage).where(
        OutboxMessage.person_id == person_id, OutboxMessage.status == "queued",
        OutboxMessage.slot_kind.is_not(None)))


def _rename_hold(connection: Connection, person_id: int, request_id: int,
                 staff_first: str) -> None:
    """A colleague took it over: the hold (where they are, or what a command they are in
    comes back to) names them now."""
    for _ in range(_STATE_TRIES):
        row = connection.execute(select(Person.flow, Person.step, Person.flow_data,
                                        Person.state_version)
                                 .where(Person.id == person_id)).first()
        if row is None:
            return
        data = dict(row.flow_data or {})
        resume = data.get("resume")
        if _holds(row.flow, row.step, data, request_id):
            data["staff"] = staff_first
        elif isinstance(resume, dict) and _holds(resume.get("flow"), resume.get("step"),
                                                 dict(resume.get("data") or {}), request_id):
            data["resume"] = {**resume, "data": {**resume["data"], "staff": staff_first}}
        else:
            _hold(connection, person_id, request_id, staff_first)  # put back on hold
            return
        if _write_state(connection, person_id, row.state_version, row.flow, row.step, data):
            return
    raise RuntimeError("could not hand a conversation over after repeated conflicts")


def _release(connection: Connection, person_id: int, request_id: int) -> None:
    """Take them out of the held step for this request, back where they were; if a command
    took them elsewhere meanwhile, what it would come back to is where they were instead."""
    for _ in range(_STATE_TRIES):
        row = connection.execute(select(Person.flow, Person.step, Person.flow_data,
                                        Person.state_version)
                                 .where(Person.id == person_id)).first()
        if row is None:
            return
        data = dict(row.flow_data or {})
        if _holds(row.flow, row.step, data, request_id):
            back = data.get("resume") if isinstance(data.get("resume"), dict) else {}
            done = _write_state(connection, person_id, row.state_version, back.get("flow"),
                                back.get("step"), dict(back.get("data") or {}))
        else:
            resume = data.get("resume")
            if not (isinstance(resume, dict) and _holds(
                    resume.get("flow"), resume.get("step"), dict(resume.get("data") or {}),
                    request_id)):
                return
            inner = (resume.get("data") or {}).get("resume")
            if isinstance(inner, dict) and inner.get("flow"):
                data["resume"] = inner
            else:
                data.pop("resume", None)
            done = _write_state(connection, person_id, row.state_version, row.flow, row.step,
                                data)
        if done:
            return
    raise RuntimeError("could not hand a conversation back after repeated conflicts")


def _holds(flow: Any, step: Any, data: dict[str, Any], request_id: int) -> bool:
    return flow == TEAM_FLOW and step == TEAM_HELD and data.get("request") == request_id


def _write_state(connection: Connection, person_id: int, version: int, flow: str | None,
                 step: str | None, data: dict[str, Any]) -> bool:
    return bool(connection.execute(update(Person).where(
        Person.id == person_id, Person.state_version == version).values(
        flow=flow, step=step if flow else None, flow_data=data if flow else {},
        state_version=version + 1)).rowcount)
