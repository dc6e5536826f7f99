"""Coordinators' pages: everyone with a staff account (and turning one off), and the audit
log of everything the team has done. Moderators get 403 here."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.shared import Console, redirect, signed_in
from bot.staff import accounts, audit
from bot.staff.sessions import Session


def routes(console: Console) -> list[Route]:
    pages = console.pages

    @signed_in(console, coordinator=True)
    async def staff_page(request: Request, session: Session) -> Response:
        everyone = await console.run(accounts.list_all)
        done = request.query_params.get("done")
        return pages.render("staff.html", session=session, csrf=session.csrf_token,
                            current="staff", everyone=everyone, now=console.clock.now(),
                            banner="console.staff.disabled_done" if done == "disabled"
                            else None)

    @signed_in(console, coordinator=True)
    async def disable_page(request: Request, session: Session) -> Response:
        """Are you sure? What turning the account off does, and how it is undone."""
        raw = request.path_params["staff"]
        staff_id = int(raw) if raw.isdecimal() and len(raw) <= 9 else None
        person = await console.run(lambda c: accounts.get(c, staff_id)) \
            if staff_id is not None else None
        if person is None or person.disabled_at is not None or person.id == session.account.id:
            return redirect("/staff") if person is not None else console.not_found(session)
        return pages.render("staff_disable.html", session=session, csrf=session.csrf_token,
                            current="staff", person=person)

    @signed_in(console, coordinator=True)
    async def disable(request: Request, session: Session) -> Response:
        raw = request.path_params["staff"]
        staff_id = int(raw) if raw.isdecimal() and len(raw) <= 9 else None
        if staff_id is None:
            return console.not_found(session)
        if staff_id == session.account.id:
            return redirect("/staff")  # the page offers no button for their own account
        now = console.clock.now()

        def turn_off(connection: Connection) -> bool:
            account = accounts.get(connection, staff_id)
            if account is None:
                return False
            if account.disabled_at is None:
                accounts.disable(connection, staff_id, now)
                audit.record(connection, now, session.account.id, "staff_disabled",
                             target=f"staff:{staff_id}")
            return True

        if not await console.run(turn_off):
            return console.not_found(session)
        return redirect("/staff?done=disabled")

    @signed_in(console, coordinator=True)
    async def audit_page(request: Request, session: Session) -> Response:
        raw = request.query_params.get("before", "")
        before = int(raw) if raw.isdecimal() and len(raw) <= 12 else None
        entries = await console.run(lambda c: audit.page(c, before=before))
        older = entries[-1].id if len(entries) == audit.PAGE else None
        return pages.render("audit.html", session=session, csrf=session.csrf_token,
                            current="audit", entries=entries, older=older)

    return [Route("/staff", staff_page, methods=["GET"]),
            Route("/staff/{staff}/disable", disable_page, methods=["GET"]),
            Route("/staff/{staff}/disable", disable, methods=["POST"]),
            Route("/audit", audit_page, methods=["GET"])]
