"""The inbox (the console's home page) and one alert's page: safety alerts as the duty team
sees them by text message, the same rows and the same rules (`bot.safety.alerts`), so a
claim in the console and `ALERT 12 OK` by text are one and the same; and beside them the
residents who asked to talk to a person (their pages: `requests.py`), reports and
suspended people to call back (`cases.py`) and, for coordinators, places people said were
not as described (`places.py`).

Opening an alert shows the person's words (while they are kept, 30 days) and is written in
the audit log, like `ALERT 12`. Claiming, noting and closing are forms that post and come
back to the alert with a banner saying what happened (or why nothing did).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console import cases
from bot.console import places as place_pages
from bot.console.shared import Console, redirect, signed_in
from bot.safety import alerts
from bot.safety.alerts import StaffActor
from bot.staff import help
from bot.staff.sessions import Session

ACTIONS = {"claim": "ok", "note": "note", "close": "close"}
# Outcomes worth a banner on the alert's page (content: console.alert.done.*).
OUTCOMES = ("acknowledged", "noted", "closed", "already_closed", "already_picked_up",
            "shortened")


def _alert_id(request: Request) -> int | None:
    raw = request.path_params.get("alert", "")
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def routes(console: Console) -> list[Route]:
    pages = console.pages

    @signed_in(console)
    async def home(request: Request, session: Session) -> Response:
        now = console.clock.now()

        def load(connection: Connection) -> Any:
            return alerts.inbox(connection), help.inbox(connection, now), \
                cases.for_inbox(connection), alerts.anyone_told_by_text(connection)

        (waiting, closed), (asking, answered), reports, told = await console.run(load)
        # Places are the coordinators' (moderators don't see the Places pages).
        flagged = await place_pages.reported(console) if session.account.coordinator \
            else None
        return pages.render("inbox.html", session=session, csrf=session.csrf_token,
                            current="inbox", waiting=waiting, closed=closed,
                            asking=asking, answered=answered, now=now, flagged=flagged,
                            nobody_by_text=not told,
                            **reports)

    @signed_in(console)
    async def alert_page(request: Request, session: Session) -> Response:
        alert_id = _alert_id(request)
        if alert_id is None:
            return console.not_found(session)
        staff = StaffActor(session.account.id, session.account.display_name)
        now = console.clock.now()
        alert = await console.run(lambda c: alerts.staff_view(c, alert_id, staff, now))
        if alert is None:
            return console.not_found(session)
        done = request.query_params.get("done")
        return pages.render("alert.html", session=session, csrf=session.csrf_token,
                            current="inbox", alert=alert, errors={}, values={},
                            banner=done if done in OUTCOMES else None)

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
            if done.outcome == "need_note":
                alert = await console.run(lambda c: alerts.staff_view(c, alert_id, staff, now))
                field = "outcome" if name == "close" else "note"
                return pages.render(
                    "alert.html", 400, session=session, csrf=session.csrf_token,
                    current="inbox", alert=alert, banner=None,
                    errors={field: f"console.alert.need_{field}"}, values={})
            outcome = "shortened" if done.shortened else done.outcome
            return redirect(f"/alerts/{alert_id}?done={outcome}")

        return act

    return [Route("/", home, methods=["GET"]),
            Route("/alerts/{alert}", alert_page, methods=["GET"]),
            *[Route(f"/alerts/{{alert}}/{name}", acting(name), methods=["POST"])
              for name in ACTIONS]]
