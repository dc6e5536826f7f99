"""A request to talk to a person, in the console (`bot.staff.help` holds every rule).

Opening one shows the thread (what the resident sent, replies, notes, and any safety alert
raised since they asked) and is written in the audit log. Pick it up and the conversation
is yours: what they send comes here, not to the bot. A reply is checked before it goes:
`/check` keeps it for this session (`shared.Kept`) and redirects to the request's page with
the check's handle (`?check=`), which shows the texts as their channel will carry them, with
SMS segments and the estimated cost; a reload shows the same. Then `/send` sends what was
checked, once: it takes the kept reply, so a second press, or Back and Send again, finds
nothing and sends nothing. Hand it back with what happened and the bot carries on with
them. Moderators and coordinators alike may do all of it. Every form posts and comes back
here with a banner (Post/Redirect/Get: a reload never posts again).

A safety alert is answered the same way (`answer_alert`): "Answer them" on the alert opens
(or picks up) a conversation with the person here, so the one reply path above, with its
check, segments, cost, STOP rule and audit, serves alerts too.

A hand-back that can no longer happen (closed, or taken over, from another tab) comes back
with its words in the note box rather than losing them: a note may still be added.

A form sent back (a field to mend, or words that could not be saved) redirects too: what
the page must show again is kept for this session (`Returned`, `send_back`) and the page
its POST redirects to (`?back=`) shows it, so no form of these pages (nor of reports and
alerts, which use the same) leaves its answer at the POST address: a reload never asks to
send the form again, and Back never repeats anything.

A conversation the team opened to answer a safety alert (`answer_alert`) says so, here
and in the inbox: the resident never asked for a person (`opened_from_alerts`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, or_, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.console.shared import Console, redirect, signed_in
from bot.core.gsm7 import smart, to_gsm7
from bot.dispatch.notify import preferred_address
from bot.peers.models import ModerationCase
from bot.safety import alerts as safety_alerts
from bot.safety.models import SafetyAlert
from bot.staff import audit, help
from bot.staff.models import TeamRequest
from bot.staff.sessions import Session
from bot.storage.models import AuditEntry

# Outcomes worth a banner on the request's page (content: console.request.done.*).
OUTCOMES = ("claimed", "taken_over", "already_yours", "already_picked_up", "already_closed", "held",
            "stopped", "sent", "noted", "handed_back", "not_yours", "unreachable",
            "check_gone", "send_again")
GOOD = ("claimed", "taken_over", "already_yours", "sent", "noted", "handed_back")
# A hand-back refused for these keeps its words in the note box (nothing typed is lost).
KEEP_WORDS = ("already_closed", "not_yours", "stopped")


@dataclass(frozen=True)
class Draft:
    """A reply checked and not yet sent, kept for the page that shows the check."""

    request_id: int
    text: str


@dataclass(frozen=True)
class Returned:
    """A form sent back, for the GET its POST redirects to (`send_back`): the page it
    belongs to, what to mend (field, content key), what was typed (field, words) and a
    banner, if any."""

    path: str
    errors: tuple[tuple[str, str], ...] = ()
    values: tuple[tuple[str, str], ...] = ()
    banner: str = ""


async def send_back(console: Console, session: Session, path: str, *,
                    errors: dict[str, str] | None = None,
                    values: dict[str, str] | None = None, banner: str = ""
                    ) -> RedirectResponse:
    """Post/Redirect/Get for a form that did not go through: to `path` with what to show
    again (kept for this session only, never in the URL)."""
    handle = await console.kept.keep(session, Returned(
        path, tuple((errors or {}).items()), tuple((values or {}).items()), banner))
    return redirect(f"{path}?back={handle}")


async def sent_back(console: Console, session: Session, request: Request,
                    path: str) -> Returned | None:
    """What a form sent back left for this page (`send_back`), as often as it is shown."""
    found = await console.kept.read(session, request.query_params.get("back"), Returned)
    return found if found is not None and found.path == path else None


def opened_from_alerts(connection: Connection, request_ids: list[int]) -> dict[int, int]:
    """Which of these conversations the team opened to answer a safety alert, rather than
    the resident asking: request id -> the alert's id. `answer_alert` writes the answer in
    the audit log at the very time it opens one (an answer on a conversation the resident
    had already opened comes later than it)."""
    if not request_ids:
        return {}
    targets = {f"team_request:{rid}": rid for rid in request_ids}
    opened = dict(connection.execute(select(TeamRequest.id, TeamRequest.created_at)
                                     .where(TeamRequest.id.in_(request_ids))).all())
    found: dict[int, int] = {}
    for target, detail, at in connection.execute(
            select(AuditEntry.target, AuditEntry.detail, AuditEntry.at)
            .where(AuditEntry.action == "safety_alert_answered",
                   AuditEntry.detail.in_(list(targets)))
            .order_by(AuditEntry.id)):
        rid, alert = targets[detail], (target or "").removeprefix("alert:")
        if at == opened.get(rid) and alert.isdecimal():
            found.setdefault(rid, int(alert))
    return found


def _request_id(request: Request) -> int | None:
    raw = request.path_params.get("request", "")
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def _staff(session: Session) -> help.Staff:
    return help.Staff(session.account.id, session.account.display_name)


def alerts_since(connection: Connection, person_id: int, since: Any) -> list[dict[str, Any]]:
    """Safety alerts raised for this person since they asked, and any still open from
    before (the alert a conversation was opened to answer). Their words stay on the
    alert's own page, where each look is audited."""
    return [{**row, "picked_up_by": None} for row in connection.execute(
        select(SafetyAlert.id, SafetyAlert.category, SafetyAlert.topic,
               SafetyAlert.created_at, SafetyAlert.status)
        .where(SafetyAlert.person_id == person_id,
               or_(SafetyAlert.created_at >= since, SafetyAlert.status != "closed"))
        .order_by(SafetyAlert.created_at)).mappings()]


def answer_follow_up(connection: Connection, content: Any, case_id: int, staff: help.Staff,
                     now: Any) -> tuple[str, int | None]:
    """Open the way to write to the person a report suspended (the call back it promised
    them): their conversation with the team, picked up by `staff`, as `answer_alert` does.
    Outcomes as there, with `no_case` (no such report) and `no_person` (nobody suspended,
    or erased) in place of the alert's."""
    subject = connection.scalar(select(ModerationCase.subject_id)
                                .where(ModerationCase.id == case_id))
    exists = connection.scalar(select(ModerationCase.id).where(ModerationCase.id == case_id))
    if exists is None:
        return "no_case", None
    if subject is None:
        return "no_person", None
    return _open_for(connection, content, subject, None, staff, now, f"case:{case_id}",
                     "follow_up_answered")


def answer_alert(connection: Connection, content: Any, alert_id: int, staff: help.Staff,
                 now: Any) -> tuple[str, int | None]:
    """Open the way to answer the person a safety alert is about: their conversation with
    the team (`bot.staff.help`), picked up by `staff`, whose page has the one reply path.

    Returns (outcome, request id or None). Outcomes: `claimed` / `taken_over` (theirs now;
    the resident is told who has it), `already_yours`, `held` (a colleague holds their
    conversation: its page offers to take it over), or, with no request, `no_alert`,
    `already_closed`, `no_person` (erased, or not a resident) and `unreachable` (STOP on
    every channel, or blocked: nothing is opened, nothing goes). An open alert is picked
    up as well, as answering it is picking it up; each step is audited."""
    alert = connection.execute(select(SafetyAlert.person_id, SafetyAlert.status,
                                      SafetyAlert.channel)
                               .where(SafetyAlert.id == alert_id)).first()
    if alert is None:
        return "no_alert", None
    if alert.status == "closed":
        return "already_closed", None
    if alert.person_id is None:
        return "no_person", None
    def pick_up() -> None:  # answering an open alert is picking it up
        if alert.status == "open":
            safety_alerts.apply(connection, alert_id, "ok", "", actor=None, now=now,
                                staff=safety_alerts.StaffActor(staff.id, staff.name))

    return _open_for(connection, content, alert.person_id, alert.channel, staff, now,
                     f"alert:{alert_id}", "safety_alert_answered", pick_up)


def _open_for(connection: Connection, content: Any, person_id: int, channel: str | None,
              staff: help.Staff, now: Any, target: str, action: str,
              opened: Callable[[], None] | None = None) -> tuple[str, int | None]:
    """The person's conversation with the team, opened if need be (on `channel`, else the
    one they last wrote from) and picked up by `staff`; the STOP rule first."""
    request = help.open_for(connection, person_id)
    if request is not None and help.end_if_stopped(connection, request, now):
        request = None
    if request is None:
        # The STOP rule before anything is opened: nobody we may reach, nothing to answer.
        address = preferred_address(connection, person_id)
        if address is None:
            audit.record(connection, now, staff.id, "team_reply_refused",
                         target=target, detail="unreachable")
            return "unreachable", None
        request = help.ask(connection, person_id, channel or address.channel, None, now,
                           out_of_hours=False, reply_after=None)
    audit.record(connection, now, staff.id, action, target=target,
                 detail=f"team_request:{request.id}")
    if opened is not None:
        opened()
    if request.held_by(staff):
        return "already_yours", request.id
    if request.status == help.HELD:
        return "held", request.id
    return help.claim(connection, content, request.id, staff, now).outcome, request.id


def as_received(lines: list[help.Line], allow_unicode: bool) -> dict[int, str]:
    """What the resident's phone showed for each reply sent by SMS whose words a text
    could not carry as typed (emoji, dashes, other scripts), by its place in `lines`: the
    same conversion the SMS channel makes (`render_sms`)."""
    convert = smart if allow_unicode else to_gsm7
    received = {}
    for at, line in enumerate(lines):
        if line.direction == "out" and line.channel == "sms" and line.text:
            sent = convert(line.text)
            if sent != line.text:
                received[at] = sent
    return received


def routes(console: Console) -> list[Route]:
    pages = console.pages

    async def page(session: Session, request_id: int, *,
                   banner: str | None = None, errors: dict[str, str] | None = None,
                   preview: help.Preview | None = None, reply: str = "",
                   check: str = "", note: str = "") -> Response:
        staff = _staff(session)
        now = console.clock.now()

        def load(connection: Connection) -> Any:
            found = help.view(connection, request_id, staff, now)
            if found is None:
                return None
            request, lines = found
            return request, lines, alerts_since(connection, request.person_id,
                                                request.created_at), \
                opened_from_alerts(connection, [request.id]).get(request.id)

        found = await console.run(load)
        if found is None:
            return console.not_found(session)
        request, lines, alerts, from_alert = found
        return pages.render(
            "request.html", session=session, csrf=session.csrf_token,
            current="inbox", request=request, lines=lines, alerts=alerts,
            from_alert=from_alert,
            mine=request.held_by(staff), banner=banner, good=banner in GOOD,
            errors=errors or {}, preview=preview, reply=reply, check=check, note=note,
            received=as_received(lines, console.pricing.allow_unicode),
            price=console.pricing.per_segment, max_reply=help.MAX_REPLY)

    @signed_in(console)
    async def show(request: Request, session: Session) -> Response:
        request_id = _request_id(request)
        if request_id is None:
            return console.not_found(session)
        done = request.query_params.get("done")
        check = request.query_params.get("check")
        if check:  # the page a reply's check redirected to: the reply as it would go
            draft = await console.kept.read(session, check, Draft)
            if draft is not None and draft.request_id == request_id:
                staff = _staff(session)
                preview = await console.run(lambda c: help.preview(
                    c, console.content, request_id, staff, draft.text, console.pricing))
                return await page(session, request_id, preview=preview, reply=draft.text,
                                  check=check)
            done = "check_gone"  # sent already (Back after Send), or too old
        back = await sent_back(console, session, request, f"/requests/{request_id}")
        if back is not None:  # a form sent back: its errors and words (a reload too)
            values = dict(back.values)
            return await page(session, request_id, banner=back.banner or None,
                              errors=dict(back.errors), reply=values.get("reply", ""),
                              note=values.get("note", ""))
        return await page(session, request_id, banner=done if done in OUTCOMES else None)

    def acting(work: Callable[[Connection, int, help.Staff, Any, Any], help.Done],
               field: str = ""):  # type: ignore[no-untyped-def]
        """A form that changes something, then back to the page with what happened."""

        @signed_in(console)
        async def act(request: Request, session: Session) -> Response:
            request_id = _request_id(request)
            if request_id is None:
                return console.not_found(session)
            form = await console.form(request)
            words = str(form.get(field, "")) if field else ""
            staff = _staff(session)
            now = console.clock.now()
            done = await console.run(lambda c: work(c, request_id, staff, words, now))
            if done.outcome == "no_request":
                return console.not_found(session)
            if done.outcome.startswith("need_"):
                return await send_back(console, session, f"/requests/{request_id}",
                                       errors={field: f"console.request.{done.outcome}"})
            if field == "outcome" and done.outcome in KEEP_WORDS and words.strip():
                # Closed or taken over from another tab: the words typed are not lost,
                # they wait in the note box (a closed request still takes notes).
                return await send_back(console, session, f"/requests/{request_id}",
                                       values={"note": words.strip()[:help.MAX_NOTE]},
                                       banner=done.outcome)
            console.queued()
            return redirect(f"/requests/{request_id}?done={done.outcome}")

        return act

    @signed_in(console)
    async def check(request: Request, session: Session) -> Response:
        """The reply as they will get it, with segments and cost: nothing is sent yet."""
        request_id = _request_id(request)
        if request_id is None:
            return console.not_found(session)
        form = await console.form(request)
        reply = str(form.get("reply", ""))[:help.MAX_REPLY * 2]
        here = f"/requests/{request_id}"
        if not reply.strip():
            return await send_back(console, session, here,
                                   errors={"reply": "console.request.need_reply"})
        staff = _staff(session)
        preview = await console.run(lambda c: help.preview(
            c, console.content, request_id, staff, reply, console.pricing))
        if preview is None:
            return console.not_found(session)
        if preview.too_long or preview.nothing_left:
            # Too long, or by SMS none of the words would arrive (only the team's name):
            # said plainly beside the reply, with no check to send.
            problem = "too_long" if preview.too_long else "nothing_left"
            return await send_back(console, session, here, values={"reply": reply},
                                   errors={"reply": f"console.request.{problem}"})
        handle = await console.kept.keep(session, Draft(request_id, reply))
        return redirect(f"/requests/{request_id}?check={handle}#preview")

    @signed_in(console)
    async def send(request: Request, session: Session) -> Response:
        """The checked reply, sent once: only what `/check` kept (and showed) can go."""
        request_id = _request_id(request)
        if request_id is None:
            return console.not_found(session)
        form = await console.form(request)
        draft = await console.kept.take(session, str(form.get("check", ""))[:64], Draft)
        # No live check: nothing to send. `help.send` still says first whether it could
        # have gone at all (not theirs, STOP), and refuses the empty reply.
        reply = draft.text if draft is not None and draft.request_id == request_id else ""
        staff = _staff(session)
        now = console.clock.now()
        done = await console.run(lambda c: help.send(
            c, console.content, request_id, staff, reply, console.pricing, now))
        if done.outcome == "no_request":
            return console.not_found(session)
        if done.outcome == "need_reply":  # sent already from this check, or it is too old
            return redirect(f"/requests/{request_id}?done=send_again")
        if done.outcome in ("too_long", "nothing_left"):  # nothing queued
            return await send_back(console, session, f"/requests/{request_id}",
                                   values={"reply": reply},
                                   errors={"reply": f"console.request.{done.outcome}"})
        console.queued()
        return redirect(f"/requests/{request_id}?done={done.outcome}")

    claim = acting(lambda c, rid, staff, _w, now: help.claim(
        c, console.content, rid, staff, now))
    note = acting(lambda c, rid, staff, words, now: help.note(c, rid, staff, words, now),
                  field="note")
    hand_back = acting(lambda c, rid, staff, words, now: help.hand_back(
        c, console.content, rid, staff, words, now), field="outcome")

    return [Route("/requests/{request}", show, methods=["GET"]),
            Route("/requests/{request}/claim", claim, methods=["POST"]),
            Route("/requests/{request}/check", check, methods=["POST"]),
            Route("/requests/{request}/send", send, methods=["POST"]),
            Route("/requests/{request}/note", note, methods=["POST"]),
            Route("/requests/{request}/hand-back", hand_back, methods=["POST"])]
