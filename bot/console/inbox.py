"""The inbox (the console's home page) and one alert's page: safety alerts as the duty team
sees them by text message, the same rows and the same rules (`bot.safety.alerts`), so a
claim in the console and `ALERT 12 OK` by text are one and the same; and beside them the
residents who asked to talk to a person (their pages: `requests.py`), reports and
suspended people to call back (`cases.py`) and, for coordinators, places people said were
not as described (`places.py`).

Opening an alert shows the person's words (while they are kept, 30 days) and is written in
the audit log, like `ALERT 12`. Claiming, noting and closing are forms that post and come
back to the alert with a banner saying what happened (or why nothing did). Answering them
opens their conversation with the team (`requests.answer_alert`) and goes to its page,
where a reply is checked (segments, cost) and sent by the one reply path.

A note or an outcome posted after someone else closed the alert (a stale tab) is shown
back, in a box to copy, with the "already closed" message: a closed alert takes no more
notes (the same rule as `ALERT 12 NOTE` by text), so it cannot be saved there, and losing
what someone typed about a crisis is worse than showing it twice. Those words, and a field
to mend, are sent back to the alert's page after a redirect (`requests.send_back`), so a
reload or Back posts nothing again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console import cases
from bot.console import places as place_pages
from bot.console import requests as request_pages
from bot.console.shared import Console, redirect, signed_in
from bot.safety import alerts
from bot.safety.alerts import StaffActor
from bot.staff import help
from bot.staff.sessions import Session

ACTIONS = {"claim": "ok", "note": "note", "close": "close"}
# Outcomes worth a banner on the alert's page (content: console.alert.done.*).
OUTCOMES = ("acknowledged", "noted", "closed", "already_closed", "already_picked_up",
            "shortened", "unreachable", "no_person")


def _alert_id(request: Request) -> int | None:
    raw = request.path_params.get("alert", "")
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def routes(console: Console) -> list[Route]:
    pages = console.pages

    @signed_in(console)
    async def home(request: Request, session: Session) -> Response:
        now = console.clock.now()

        def load(connection: Connection) -> Any:
            asked = help.inbox(connection, now)
            return alerts.inbox(connection), asked, cases.for_inbox(
                connection, console.content.for_language(None)), \
                alerts.anyone_told_by_text(connection), request_pages.opened_from_alerts(
                    connection, [r.id for rows in asked for r in rows])

        # Only read (no write lock): the inbox shows while another process holds SQLite's.
        (waiting, closed), (asking, answered), reports, told, from_alert = \
            await console.read(load)
        # Places are the coordinators' (moderators don't see the Places pages).
        with console.db.reading():
            flagged = await place_pages.reported(console) if session.account.coordinator \
                else None
        return pages.render("inbox.html", session=session, csrf=session.csrf_token,
                            current="inbox", waiting=waiting, closed=closed,
                            asking=asking, answered=answered, now=now, flagged=flagged,
                            nobody_by_text=not told, from_alert=from_alert,
                            **reports)

    @signed_in(console)
    async def alert_page(request: Request, session: Session) -> Response:
        alert_id = _alert_id(request)
        if alert_id is None:
            return console.not_found(session)
        done = request.query_params.get("done")
        back = await request_pages.sent_back(console, session, request, f"/alerts/{alert_id}")
        if back is not None:  # a form sent back: what to mend, words not saved (a reload too)
            return await alert_view(session, alert_id, banner=back.banner or None,
                                    errors=dict(back.errors),
                                    kept=dict(back.values).get("kept", ""))
        return await alert_view(session, alert_id, banner=done if done in OUTCOMES else None)

    async def alert_view(session: Session, alert_id: int, *,
                         banner: str | None = None, errors: dict[str, str] | None = None,
                         kept: str = "") -> Response:
        """The alert's page; `kept`: words posted that could not be saved, shown back."""
        staff = StaffActor(session.account.id, session.account.display_name)
        now = console.clock.now()

        def load(connection: Connection) -> Any:
            alert = alerts.staff_view(connection, alert_id, staff, now)
            talk = help.open_for(connection, alert["person_id"]) \
                if alert is not None and alert["person_id"] is not None else None
            return alert, talk

        alert, talk = await console.run(load)
        if alert is None:
            return console.not_found(session)
        return pages.render("alert.html", session=session,
                            csrf=session.csrf_token, current="inbox", alert=alert,
                            talk=talk, errors=errors or {}, values={}, banner=banner,
                            kept=kept)

    @signed_in(console)
    async def answer(request: Request, session: Session) -> Response:
        """Answer the person: to their conversation's page, picked up, where the reply is
        checked and sent (or back here saying why nobody can answer them)."""
        alert_id = _alert_id(request)
        if alert_id is None:
            return console.not_found(session)
        staff = help.Staff(session.account.id, session.account.display_name)
        now = console.clock.now()
        outcome, request_id = await console.run(lambda c: request_pages.answer_alert(
            c, console.content, alert_id, staff, now))
        if outcome == "no_alert":
            return console.not_found(session)
        if request_id is None:
            return redirect(f"/alerts/{alert_id}?done={outcome}")
        console.queued()  # the resident is told who has their message
        return redirect(f"/requests/{request_id}?done={outcome}#answer")

    def acting(name: str):  # type: ignore[no-untyped-def]
        @signed_in(console)
        async def act(request: Request, session: Session) -> Response:
            alert_id = _alert_id(request)
            if alert_id is None:
                return console.not_found(session)
            form = await console.form(request)
            note = str(form.get("note", ""))[:5000]
            staff = StaffActor(session.account.id, session.account.display_name)
            now = console.clock.now()
            done = await console.run(lambda c: alerts.apply(
                c, alert_id, ACTIONS[name], note, actor=None, now=now, staff=staff))
            if done.outcome == "no_alert":
                return console.not_found(session)
            here = f"/alerts/{alert_id}"
            if done.outcome == "need_note":
                field = "outcome" if name == "close" else "note"
                return await request_pages.send_back(
                    console, session, here, errors={field: f"console.alert.need_{field}"})
            if done.outcome == "already_closed" and note.strip():
                # Closed from another tab meanwhile: what they typed is shown back.
                return await request_pages.send_back(console, session, here,
                                                     values={"kept": note.strip()},
                                                     banner="already_closed")
            outcome = "shortened" if done.shortened else done.outcome
            return redirect(f"/alerts/{alert_id}?done={outcome}")

        return act

    return [Route("/", home, methods=["GET"]),
            Route("/alerts/{alert}", alert_page, methods=["GET"]),
            Route("/alerts/{alert}/answer", answer, methods=["POST"]),
            *[Route(f"/alerts/{{alert}}/{name}", acting(name), methods=["POST"])
              for name in ACTIONS]]
