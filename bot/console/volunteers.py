"""Volunteers, for coordinators (moderators get 403: the list holds people's names and when
they are free): everyone who volunteers with their role, how many they support of how many
they offered, when they are usually free and whether they are paused; invite codes; and
pausing, resuming or removing someone. The page of someone removed (Back, after removing
them) says so, and when, and leads back to the list: 410, not a bare "not found".

The work is peer support's own (`bot.peers.volunteers`), the same functions as
`movemates volunteers` and the volunteers' own PAUSE VOLUNTEERING: nothing here decides
anything. A new code is shown once: the form's POST makes it and redirects to a page that
shows it (Post/Redirect/Get), the code itself kept (sealed, in the database) for this session
until that page has read it (`shared.Kept`), never in the address. Only its hash is stored, so a
reload, Back or anyone else's look finds it gone and no second code is made. Removing
someone asks "are you sure?" on a page of its own. A double click on "Make the code" makes
one code, not two, whichever workers the two POSTs reach: the form carries a one-off token
(`once`), and the code is made and kept under a handle that follows from it
(`Kept.keep_once`, in the database), so the second POST of the same form, while the first
code is still unshown, makes nothing and goes to the first code's page. Each look and
each change is in the audit log (never the code itself). Every form posts and comes
back: no JavaScript needed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.shared import Console, Handler, redirect, signed_in
from bot.core.content import Content, ContentLibrary
from bot.peers import volunteers
from bot.peers.volunteers import INVITABLE_ROLES, MAX_INVITE_DAYS, VolunteerRow
from bot.staff import audit, duty
from bot.staff.sessions import Session

# Outcomes a change comes back to the list with (content: console_volunteers.done.*).
DONE = ("paused", "resumed", "removed", "unchanged", "on_duty", "off_duty")
# A change to one volunteer, in one transaction: (connection, their person id, now, the
# staff member's account id) -> the outcome in DONE, or None when they are no volunteer.
Change = Callable[[Connection, int, datetime, int], str | None]


@dataclass(frozen=True)
class NewCode:
    """A code just made, kept for the one page that shows it."""

    code: str
    role: str
    days: int
    expires: datetime


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

        def load(connection: Connection) -> tuple[list[VolunteerRow], set[int]]:
            rows = volunteers.roster(connection)
            audit.record(connection, now, session.account.id, "volunteers_listed",
                         detail=str(len(rows)))
            return rows, duty.on_duty(connection)

        rows, on_duty = await console.run(load)
        return render("volunteers.html", session, rows=rows, on_duty=on_duty,
                      banner=_banner(request, rows, content))

    @coordinators
    async def invite_page(request: Request, session: Session) -> Response:
        return render("volunteers_invite.html", session, roles=INVITABLE_ROLES,
                      values={"days": str(volunteers.INVITE_DAYS),
                              "once": secrets.token_urlsafe(12)})

    @coordinators
    async def invite(request: Request, session: Session) -> Response:
        form = await console.form(request)
        role, raw_days = str(form.get("role", "")), str(form.get("days", ""))[:20]
        once = str(form.get("once", ""))[:40]
        days, errors = read_invite(role, raw_days)
        if errors:
            return render("volunteers_invite.html", session, 400, roles=INVITABLE_ROLES,
                          errors=errors, values={"role": role, "days": raw_days,
                                                 "once": once})
        now = console.clock.now()

        def make(connection: Connection) -> NewCode:
            code = volunteers.create_invite(connection, role, now, days)
            # Never the code: only that one was made, for whom, for how long.
            audit.record(connection, now, session.account.id, "volunteer_invite_created",
                         detail=f"{role}, {days} days")
            return NewCode(code, role, days, now + timedelta(days=days))

        if once:  # one code per form, however often it is sent before the code is shown
            handle = await console.kept.keep_once(
                session, f"invite\x00{once}\x00{role}\x00{days}", make)
        else:  # a script's POST: each one a new code
            handle = await console.kept.keep(session, await console.run(make))
        return redirect(f"/volunteers/invite/code?made={handle}")

    @coordinators
    async def code_page(request: Request, session: Session) -> Response:
        """The new code, once: read and forgotten, so a reload or Back shows it is gone
        (410) and never makes another."""
        new = await console.kept.take(session, request.query_params.get("made"), NewCode)
        if new is None:
            return render("volunteers_code_gone.html", session, 410)
        return render("volunteers_code.html", session, code=new.code, role=new.role,
                      days=new.days, expires=new.expires)

    def acting(change: Change) -> Handler:
        """A form that changes one volunteer, then back to the list saying what it did."""

        @coordinators
        async def act(request: Request, session: Session) -> Response:
            person_id = _person_id(request)
            if person_id is None:
                return console.not_found(session)
            now, staff_id = console.clock.now(), session.account.id
            done = await console.run(lambda c: change(c, person_id, now, staff_id))
            if done is None:
                return await not_a_volunteer(session, person_id)
            if done != "unchanged":
                console.queued()  # they, and anyone it touches, are told on their channel
            # Someone removed is not in the list any more: no name to say it by.
            who = "" if done == "removed" else f"&who={person_id}"
            return redirect(f"/volunteers?done={done}{who}")

        return act

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
            return await not_a_volunteer(session, person_id)
        return render("volunteers_remove.html", session, row=row)

    async def not_a_volunteer(session: Session, person_id: int) -> Response:
        """Someone removed (Back after removing them, a second press): 410, saying so and
        when, with the way back to the list; a number that never was a volunteer: 404."""
        removed = await console.run(lambda c: audit.last_at(
            c, "volunteer_removed", f"person:{person_id}"))
        if removed is None:
            return console.not_found(session)
        return render("volunteers_removed.html", session, 410, removed=removed)

    return [Route("/volunteers", list_page, methods=["GET"]),
            Route("/volunteers/invite", invite_page, methods=["GET"]),
            Route("/volunteers/invite", invite, methods=["POST"]),
            Route("/volunteers/invite/code", code_page, methods=["GET"]),
            Route("/volunteers/{person}/pause", acting(pausing(console.content, True)),
                  methods=["POST"]),
            Route("/volunteers/{person}/resume", acting(pausing(console.content, False)),
                  methods=["POST"]),
            Route("/volunteers/{person}/on-duty", acting(on_duty(console.content, True)),
                  methods=["POST"]),
            Route("/volunteers/{person}/off-duty", acting(on_duty(console.content, False)),
                  methods=["POST"]),
            Route("/volunteers/{person}/remove", remove_page, methods=["GET"]),
            Route("/volunteers/{person}/remove", acting(removing(console.content)),
                  methods=["POST"])]


def switching(done: str, allowed: Callable[[VolunteerRow], bool],
              turn: Callable[[Connection, int, datetime], bool]) -> Change:
    """A change that turns one thing about a volunteer on or off (`turn`: whether it
    changed anything): None when they are no volunteer, "unchanged" when it is not
    `allowed` for them or nothing changed, else `done`, audited as `volunteer_<done>`."""

    def change(connection: Connection, person_id: int, now: datetime,
               staff_id: int) -> str | None:
        row = volunteers.find(connection, person_id)
        if row is None:
            return None
        if not allowed(row) or not turn(connection, person_id, now):
            return "unchanged"
        audit.record(connection, now, staff_id, f"volunteer_{done}",
                     target=f"person:{person_id}")
        return done

    return change


def pausing(content: ContentLibrary, paused: bool) -> Change:
    """Pause (or resume) a volunteer as `movemates volunteers pause` does: "unchanged" when
    there is nothing to do (paused already, or never matched with anyone)."""
    return switching(
        "paused" if paused else "resumed",
        lambda row: row.can_pause if paused else row.can_resume,
        lambda c, person_id, now: volunteers.team_pause(c, content, person_id, paused, now))


def on_duty(content: ContentLibrary, on: bool) -> Change:
    """Put a volunteer on duty (told at once of safety alerts) or off, as their own ON DUTY
    and OFF DUTY would (`bot.staff.duty`): they are told; "unchanged" when already so (or
    suspended)."""
    return switching(
        "on_duty" if on else "off_duty", lambda row: True,
        lambda c, person_id, now: duty.set_on_duty(c, content, person_id, on, now))


def removing(content: ContentLibrary) -> Change:
    """Remove a volunteer (they, and the people they support, are told)."""

    def change(connection: Connection, person_id: int, now: datetime,
               staff_id: int) -> str | None:
        done = volunteers.remove_volunteer(connection, content, person_id, now)
        if done is None:
            return None
        audit.record(connection, now, staff_id, "volunteer_removed",
                     target=f"person:{person_id}",
                     detail=f"chats ended {done.chats_ended}, not started "
                            f"{done.chats_not_started}, offers passed on "
                            f"{done.offers_passed_on}")
        return "removed"

    return change
