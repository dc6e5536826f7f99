"""Volunteers, for coordinators (moderators get 403: the list holds people's names and when
they are free): everyone who volunteers with their role, how many they support of how many
they offered, when they are usually free and whether they are paused; invite codes; and
pausing, resuming or removing someone.

The work is peer support's own (`bot.peers.volunteers`), the same functions as
`movemates volunteers` and the volunteers' own PAUSE VOLUNTEERING: nothing here decides
anything. A new code is shown once, on the page the form's POST returns: only its hash is
stored, so it cannot be shown again, and nobody's reload of a list can reveal it. Removing
someone asks "are you sure?" on a page of its own. Each look and each change is in the
audit log (never the code itself). Every form posts and comes back: no JavaScript needed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.shared import Console, redirect, signed_in
from bot.core.content import Content
from bot.peers import volunteers
from bot.peers.volunteers import INVITABLE_ROLES, MAX_INVITE_DAYS, VolunteerRow
from bot.staff import audit
from bot.staff.sessions import Session

# Outcomes a change comes back to the list with (content: console_volunteers.done.*).
DONE = ("paused", "resumed", "removed", "unchanged")


def _person_id(request: Request) -> int | None:
    raw = request.path_params.get("person", "")
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def name_of(row: VolunteerRow, content: Content) -> str:
    """The name they chose, or "Volunteer 12" when there is none fit to show."""
    return row.name or content.text("console_volunteers.no_name", number=row.person_id)


def free_when(row: VolunteerRow, content: Content) -> str:
    """"Monday, Friday; Morning" from their answers (option ids), in the bot's words."""
    parts = [", ".join(_label(content, options, i) for i in ids)
             for options, ids in (("days", row.days), ("times", row.times)) if ids]
    return "; ".join(parts) or content.text("console_volunteers.not_given")


def _label(content: Content, options: str, option_id: str) -> str:
    key = f"options.{options}.{option_id}.label"
    return content.text(key) if content.has(key) else option_id


def _banner(request: Request, rows: list[VolunteerRow], content: Content) -> str | None:
    """What the last change did, by the name of whom it was done to (a removed volunteer
    is not in the list any more, and needs no name)."""
    done, who = request.query_params.get("done"), request.query_params.get("who", "")
    if done == "removed":
        return content.text("console_volunteers.done.removed")
    named = next((row for row in rows if str(row.person_id) == who), None)
    if done not in DONE or named is None:
        return None
    return content.text(f"console_volunteers.done.{done}", name=name_of(named, content))


def read_invite(role: str, days: str) -> tuple[int, dict[str, str]]:
    """The form's days (default 14), with the fields that were wrong (field -> key)."""
    errors: dict[str, str] = {}
    if role not in INVITABLE_ROLES:
        errors["role"] = "console_volunteers.errors.role"
    days = days.strip() or str(volunteers.INVITE_DAYS)
    number = int(days) if days.isdecimal() and len(days) <= 3 else 0
    if not 1 <= number <= MAX_INVITE_DAYS:
        errors["days"] = "console_volunteers.errors.days"
    return number, errors


def routes(console: Console) -> list[Route]:
    pages = console.pages
    content = pages.content  # the console speaks English
    coordinators = signed_in(console, coordinator=True)

    def render(template: str, session: Session, status_code: int = 200,
               **values: object) -> Response:
        return pages.render(template, status_code, session=session, csrf=session.csrf_token,
                            current="volunteers", name_of=lambda row: name_of(row, content),
                            free_when=lambda row: free_when(row, content), **values)

    @coordinators
    async def list_page(request: Request, session: Session) -> Response:
        now = console.clock.now()

        def load(connection: Connection) -> list[VolunteerRow]:
            rows = volunteers.roster(connection)
            audit.record(connection, now, session.account.id, "volunteers_listed",
                         detail=str(len(rows)))
            return rows

        rows = await console.run(load)
        return render("volunteers.html", session, rows=rows,
                      banner=_banner(request, rows, content))

    @coordinators
    async def invite_page(request: Request, session: Session) -> Response:
        return render("volunteers_invite.html", session, roles=INVITABLE_ROLES,
                      values={"days": str(volunteers.INVITE_DAYS)})

    @coordinators
    async def invite(request: Request, session: Session) -> Response:
        form = await console.form(request)
        role, raw_days = str(form.get("role", "")), str(form.get("days", ""))[:20]
        days, errors = read_invite(role, raw_days)
        if errors:
            return render("volunteers_invite.html", session, 400, roles=INVITABLE_ROLES,
                          errors=errors, values={"role": role, "days": raw_days})
        now = console.clock.now()

        def make(connection: Connection) -> str:
            code = volunteers.create_invite(connection, role, now, days)
            # Never the code: only that one was made, for whom, for how long.
            audit.record(connection, now, session.account.id, "volunteer_invite_created",
                         detail=f"{role}, {days} days")
            return code

        code = await console.run(make)
        return render("volunteers_code.html", session, code=code, role=role, days=days,
                      expires=now + timedelta(days=days))

    def changing(paused: bool):  # type: ignore[no-untyped-def]
        @coordinators
        async def change(request: Request, session: Session) -> Response:
            person_id = _person_id(request)
            if person_id is None:
                return console.not_found(session)
            now = console.clock.now()

            def act(connection: Connection) -> bool | None:
                row = volunteers.find(connection, person_id)
                if row is None:
                    return None
                allowed = row.can_pause if paused else row.can_resume
                if not allowed or not volunteers.team_pause(connection, console.content,
                                                            person_id, paused, now):
                    return False
                audit.record(connection, now, session.account.id,
                             "volunteer_paused" if paused else "volunteer_resumed",
                             target=f"person:{person_id}")
                return True

            changed = await console.run(act)
            if changed is None:
                return console.not_found(session)
            if changed:
                console.queued()  # they are told on their own channel
            done = ("paused" if paused else "resumed") if changed else "unchanged"
            return redirect(f"/volunteers?done={done}&who={person_id}")

        return change

    @coordinators
    async def remove_page(request: Request, session: Session) -> Response:
        person_id = _person_id(request)
        if person_id is None:
            return console.not_found(session)
        now = console.clock.now()

        def load(connection: Connection) -> VolunteerRow | None:
            row = volunteers.find(connection, person_id)
            if row is not None:
                audit.record(connection, now, session.account.id, "volunteer_viewed",
                             target=f"person:{person_id}")
            return row

        row = await console.run(load)
        if row is None:
            return console.not_found(session)
        return render("volunteers_remove.html", session, row=row)

    @coordinators
    async def remove(request: Request, session: Session) -> Response:
        person_id = _person_id(request)
        if person_id is None:
            return console.not_found(session)
        now = console.clock.now()

        def act(connection: Connection) -> bool:
            done = volunteers.remove_volunteer(connection, console.content, person_id, now)
            if done is None:
                return False
            audit.record(connection, now, session.account.id, "volunteer_removed",
                         target=f"person:{person_id}",
                         detail=f"chats ended {done.chats_ended}, not started "
                                f"{done.chats_not_started}, offers passed on "
                                f"{done.offers_passed_on}")
            return True

        if not await console.run(act):
            return console.not_found(session)
        console.queued()  # the people told are waiting in the outbox
        return redirect("/volunteers?done=removed")

    return [Route("/volunteers", list_page, methods=["GET"]),
            Route("/volunteers/invite", invite_page, methods=["GET"]),
            Route("/volunteers/invite", invite, methods=["POST"]),
            Route("/volunteers/{person}/pause", changing(True), methods=["POST"]),
            Route("/volunteers/{person}/resume", changing(False), methods=["POST"]),
            Route("/volunteers/{person}/remove", remove_page, methods=["GET"]),
            Route("/volunteers/{person}/remove", remove, methods=["POST"])]
