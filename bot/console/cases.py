"""Reports from peer chats and groups (moderation cases) in the console, on the same rules
as the CASE commands (`bot.peers.moderation.decide`): warning, pausing, ending, suspending
and closing with a note send the people in it exactly what a moderator's `CASE 12 WARN`
would, through the outbox. Beside those, what only the console has
(`bot.peers.casework`): picking a report up, notes, and following up someone who was
suspended. Moderators and coordinators alike may do all of it.

Opening a report shows the messages it holds and is written in the audit log, like
`CASE 12`; its history is every audit entry for the case, whoever made it and however.
Every form posts and comes back to the report with a banner; one sent back to mend comes
back by a redirect too (`requests.send_back`), so a reload or Back never sends it again.

Suspending someone asks first (`GET /cases/12/suspend`: what it means for them and the
very words they will be sent, with Confirm and Cancel); a suspension is done once, however
often the form is sent. A suspension can be lifted here too, with a note saying why
(`casework.lift`): they are told, it is in the history, and their call back leaves the
inbox.

Closing asks what happens to the chat, where there is one still open: `CASE 12 CLOSE`
starts a chat paused for a moderator again, which staff may not want (the person may be
waiting for a call first). The choice left alone keeps the chat as it is, and the two
people are told only of what changes. A chat kept paused can be started again or ended
from the closed report's page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console import requests as request_pages
from bot.console.requests import send_back, sent_back
from bot.console.shared import Console, Handler, redirect, signed_in
from bot.core.content import Content
from bot.peers import casework, moderation
from bot.peers.moderation import StaffActor
from bot.staff import audit, help
from bot.staff.sessions import Session

# Outcomes worth a banner on a report's page (content: console_cases.done.*).
CLOSED_AND = ("close_resumed", "close_kept", "close_ended")  # what became of the chat
OUTCOMES = (*moderation.ACTIONS, *CLOSED_AND, "nothing_to_do", "already_closed", "claimed",
            "taken_over", "already_yours", "noted", "follow_up_claimed",
            "follow_up_taken_over", "follow_up_already_yours", "follow_up_noted",
            "follow_up_closed", "follow_up_already_closed", "chat_resumed", "chat_ended",
            "chat_not_held", "already_suspended", "lifted", "not_suspended",
            "follow_up_unreachable", "follow_up_no_person")
GOOD = (*moderation.ACTIONS, *CLOSED_AND, "claimed", "taken_over", "already_yours", "noted",
        "follow_up_claimed", "follow_up_taken_over", "follow_up_already_yours",
        "follow_up_noted", "follow_up_closed", "chat_resumed", "chat_ended", "lifted")
# The form fields each action reads (the first one is where its error goes).
FORM_FIELDS = {"close": ("close_note", "chat"), "note": ("note",),
               "follow_up_note": ("follow_up_note",), "follow_up_close": ("outcome",),
               "chat": ("chat",), "lift": ("lift_note",)}
Work = Callable[[Connection, int, StaffActor, dict[str, str], Any], str]


def case_id(request: Request) -> int | None:
    raw = request.path_params.get("case", "")
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def staff_of(session: Session) -> StaffActor:
    return StaffActor(session.account.id, session.account.display_name)


def for_inbox(connection: Connection, content: Content) -> dict[str, Any]:
    """The inbox's part: open reports and suspended people awaiting follow-up, with the
    name staff see for each suspended person (`follow_up_names`)."""
    reports, follow_ups = casework.inbox(connection)
    return {"reports": reports, "follow_ups": follow_ups,
            "follow_up_names": casework.names_for_staff(
                connection, content, (f.person_id for f in follow_ups))}


def routes(console: Console) -> list[Route]:
    pages = console.pages
    words = console.content.for_language(None)  # moderators read English

    @signed_in(console)
    async def listing(request: Request, session: Session) -> Response:
        staff, now = staff_of(session), console.clock.now()

        def load(connection: Connection) -> list[casework.Case]:
            found = casework.cases(connection)
            audit.record(connection, now, staff.id, "cases_listed", detail=str(len(found)))
            return found

        return pages.render("cases.html", session=session, csrf=session.csrf_token,
                            current="cases", cases=await console.run(load), now=now)

    async def page(session: Session, number: int, *,
                   banner: str | None = None, errors: dict[str, str] | None = None,
                   chose: str | None = None) -> Response:
        staff, now = staff_of(session), console.clock.now()

        def load(connection: Connection) -> Any:
            report = casework.report(connection, words, number, staff, now)
            if report is None:
                return None
            lift_told = casework.told(connection, console.content, report.subject.person_id,
                                      lifting=True) if report.suspended and report.subject \
                and report.subject.person_id else ""
            # The people in the report by the names this page gives them (the audit log
            # names no resident); a name with contact details in it is not shown here
            # either ("Person 12").
            named = {p.person_id: p.name for p in (report.reporter, report.subject)
                     if p is not None and p.person_id}
            return report, lift_told, [replace(e, person_name=named.get(
                e.person_id, casework.fit_name(connection, words, e.person_name or "")))
                if e.person_id else e for e in audit.for_case(connection, number)]

        found = await console.run(load)
        if found is None:
            return console.not_found(session)
        report, lift_told, history = found
        case = report.case
        open_chat = case.chat_status in ("active", "paused", "reported")
        return pages.render(
            "case.html", session=session, csrf=session.csrf_token,
            current="cases", report=report, case=case, history=history,
            mine=case.held_by(staff),
            follow_mine=bool(case.follow_up and case.follow_up.claimed_by == staff.id),
            open_chat=open_chat,
            # What closing may do to the chat: the first is the choice already made.
            chat_choices=("keep", "resume", "end") if case.chat_held
            else ("keep", "end") if open_chat else (),
            chose=chose or "keep",
            banner=banner, good=banner in GOOD, errors=errors or {},
            max_note=casework.MAX_NOTE, lift_told=lift_told)

    @signed_in(console)
    async def confirm_suspend(request: Request, session: Session) -> Response:
        """Are you sure? What suspending means for them, and what they will be told."""
        number = case_id(request)
        if number is None:
            return console.not_found(session)
        staff, now = staff_of(session), console.clock.now()

        def load(connection: Connection) -> Any:
            report = casework.report(connection, words, number, staff, now)
            if report is None or report.subject is None or not report.subject.person_id:
                return report
            return report, casework.told(connection, console.content,
                                         report.subject.person_id)

        found = await console.run(load)
        if found is None:
            return console.not_found(session)
        if not isinstance(found, tuple):  # nobody we know to suspend
            return redirect(f"/cases/{number}?done=nothing_to_do")
        report, told = found
        if report.case.status != "open":
            return redirect(f"/cases/{number}?done=already_closed")
        if report.suspended:
            return redirect(f"/cases/{number}?done=already_suspended")
        return pages.render("case_suspend.html", session=session, csrf=session.csrf_token,
                            current="cases", report=report, case=report.case, told=told)

    @signed_in(console)
    async def show(request: Request, session: Session) -> Response:
        number = case_id(request)
        if number is None:
            return console.not_found(session)
        back = await sent_back(console, session, request, f"/cases/{number}")
        if back is not None:  # a form sent back to mend (a reload shows it again)
            return await page(session, number, errors=dict(back.errors),
                              chose=dict(back.values).get("chat"))
        done = request.query_params.get("done")
        return await page(session, number, banner=done if done in OUTCOMES else None)

    def acting(name: str, work: Work) -> Handler:
        """A form that changes something, then back to the report with what happened."""
        fields = FORM_FIELDS.get(name, ())

        @signed_in(console)
        async def act(request: Request, session: Session) -> Response:
            number = case_id(request)
            if number is None:
                return console.not_found(session)
            form = await console.form(request)
            said = {f: str(form.get(f, ""))[:casework.MAX_NOTE * 4] for f in fields}
            staff, now = staff_of(session), console.clock.now()

            def run(connection: Connection) -> str:
                if casework.get(connection, number) is None:
                    return "no_case"
                return work(connection, number, staff, said, now)

            outcome = await console.run(run)
            if outcome in ("no_case", "no_follow_up"):
                return console.not_found(session)
            if outcome.startswith("need_"):
                return await send_back(console, session, f"/cases/{number}",
                                       errors={fields[0]: f"console_cases.errors.{outcome}"},
                                       values={"chat": said.get("chat") or ""})
            console.queued()
            return redirect(f"/cases/{number}?done={outcome}")

        return act

    def deciding(action: str) -> Work:
        def work(connection: Connection, number: int, staff: StaffActor,
                 said: dict[str, str], now: Any) -> str:
            note = " ".join(said.get("close_note", "").split())[:casework.MAX_NOTE]
            if action == "close" and not note:
                return "need_close_note"
            # Whatever the form says or leaves out, closing never starts a chat again
            # unless asked to (moderation.decide reads anything else as keep).
            chat_after = (said.get("chat") or "keep") if action == "close" else None
            done = moderation.decide(connection, console.content, number, action, note, now,
                                     staff=staff, chat_after=chat_after)
            if done.outcome == "no_case":  # there, but not open any more
                return "already_closed"
            if done.outcome == "done" and action == "close" and done.chat:
                return f"close_{done.chat}"
            return action if done.outcome == "done" else done.outcome

        return work

    def settling(connection: Connection, number: int, staff: StaffActor,
                 said: dict[str, str], now: Any) -> str:
        """A chat kept paused when its report closed: started again or ended now."""
        done = casework.settle(connection, console.content, number, staff, said["chat"], now)
        # Still open: the closing form asks instead (an old page, or a forged form).
        return "chat_not_held" if done in ("not_held", "not_closed") else f"chat_{done}"

    def following(outcome: str) -> str:
        return outcome if outcome.startswith(("need_", "no_")) else f"follow_up_{outcome}"

    handlers = {action: acting(action, deciding(action)) for action in moderation.ACTIONS}
    handlers["suspend"] = acting("suspend", lambda c, n, staff, _w, now: casework.suspend(
        c, console.content, n, staff, now))
    handlers["lift"] = acting("lift", lambda c, n, staff, said, now: casework.lift(
        c, console.content, n, staff, said["lift_note"], now))
    handlers["claim"] = acting("claim", lambda c, n, staff, _w, now: casework.claim(
        c, n, staff, now))
    handlers["note"] = acting("note", lambda c, n, staff, said, now: casework.note(
        c, n, staff, said["note"], now))
    handlers["chat"] = acting("chat", settling)
    handlers["follow-up/claim"] = acting("follow_up_claim", lambda c, n, staff, _w, now:
                                         following(casework.claim(
                                             c, n, staff, now, follow_up=True)))
    handlers["follow-up/note"] = acting("follow_up_note", lambda c, n, staff, said, now:
                                        following(casework.note(
                                            c, n, staff, said["follow_up_note"], now,
                                            follow_up=True)))
    handlers["follow-up/close"] = acting("follow_up_close", lambda c, n, staff, said, now:
                                         following(casework.close_follow_up(
                                             c, n, staff, said["outcome"], now)))
    @signed_in(console)
    async def answer(request: Request, session: Session) -> Response:
        """Write to a suspended person: their conversation with the team, picked up, where
        the reply is checked and sent (or back to the report saying why nobody can)."""
        number = case_id(request)
        if number is None:
            return console.not_found(session)
        staff = help.Staff(session.account.id, session.account.display_name)
        now = console.clock.now()
        outcome, request_id = await console.run(lambda c: request_pages.answer_follow_up(
            c, console.content, number, staff, now))
        if outcome == "no_case":
            return console.not_found(session)
        if request_id is None:
            return redirect(f"/cases/{number}?done=follow_up_{outcome}#follow-up")
        console.queued()  # the resident is told who has their conversation
        return redirect(f"/requests/{request_id}?done={outcome}#answer")

    return [Route("/cases", listing, methods=["GET"]),
            Route("/cases/{case}/follow-up/answer", answer, methods=["POST"]),
            Route("/cases/{case}", show, methods=["GET"]),
            Route("/cases/{case}/suspend", confirm_suspend, methods=["GET"]),
            *[Route(f"/cases/{{case}}/{path}", handler, methods=["POST"])
              for path, handler in handlers.items()]]
