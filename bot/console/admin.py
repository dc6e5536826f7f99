"""Coordinators' pages: everyone with a staff account, adding someone, a fresh set-up link
(a forgotten password, with or without their second step for a lost phone), turning an
account off and on again; and the audit log of everything the team has done, filtered by
who and by action. Moderators get 403 here.

A coordinator may make a set-up link for themselves too (to change their password, or
before a phone with their second step goes): a sole coordinator needs nobody else. It
cannot lock them out: their password and second step keep working until the link is used,
and nobody can turn their own account off. Signed out with no other coordinator, the way
back is on the server (`movemates staff link EMAIL`), as the sign-in page says.

The rules are the command line's (`bot.staff.accounts`, as `movemates staff` uses them),
and every change is audited with the member of staff who made it. A set-up link is a
secret: only its hash is stored, it is never in the audit log nor in any address, and it
is shown once. The form's POST keeps the link for its session (`shared.Kept`, in the
database, so any worker serves the next page) and redirects with a random handle; the GET
that follows shows it and forgets it, so reloading neither makes a second link nor shows
the first again (the page then offers a new one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.shared import Console, Handler, redirect, signed_in
from bot.core.content import CONTENT_ROOT, Content
from bot.peers.models import Group
from bot.places import live
from bot.places.models import OpenActiveFeed
from bot.staff import accounts, audit
from bot.staff import organisation as organisation_sign_in
from bot.staff.accounts import Account, StaffError
from bot.staff.models import ROLES, StaffAccount
from bot.staff.sessions import Session

# Changes the Staff page comes back with (content: console.staff.<done>_done).
DONE = ("disabled", "enabled")
# The form's reasons (as `accounts.add` names them) and the field each belongs to.
FIELD_OF = {"bad_email": "email", "exists": "email", "bad_name": "name", "bad_role": "role"}
# How the audit log says someone signed in with their organisation account.
ORGANISATION_SIGN_IN = ("staff_signed_in", f"with {organisation_sign_in.HOW}")


@dataclass(frozen=True)
class Reveal:
    """A set-up link just made, kept (`console.kept`) for the one page that shows it."""

    staff_id: int
    token: str
    reset_two_step: bool
    added: bool  # a new account, not a fresh link for an existing one
    made_at: datetime


def state(account: Account, organisation: bool, now: datetime) -> str:
    """The Staff page's state (content: console.staff.states.<state>): someone with no
    password who signs in with their organisation account is not waiting for set-up."""
    if account.disabled_at is not None:
        return "disabled"
    if not account.has_password:
        return "organisation" if organisation else "waiting"
    return "locked" if account.locked(now) else "active"


def signs_in_with_organisation(connection: Connection, everyone: Sequence[Account]
                               ) -> set[int]:
    """Accounts that have signed in with their organisation account: by the audit log,
    or (once old entries are gone) signed in with no password of their own."""
    return audit.staff_with(connection, *ORGANISATION_SIGN_IN) | {
        account.id for account in everyone
        if not account.has_password and account.last_sign_in_at is not None}


def _number(raw: str, digits: int = 9) -> int | None:
    return int(raw) if raw.isdecimal() and len(raw) <= digits else None


# -- the audit log in words --------------------------------------------------------------
@dataclass(frozen=True)
class Shown:
    """What an entry is about as the page shows it: words, and where they link (a path
    under /staff) when there is a page for it."""

    words: str
    href: str | None = None


LINKS = {"alert": "/alerts/{key}", "team_request": "/requests/{key}",
         "broadcast": "/broadcasts/{key}", "feed": "/places/feeds/{key}",
         "case": "/cases/{key}", "held": "/groups/held/{key}", "group": "/groups",
         "group_member": "/groups", "place": "/places/{key}"}


def describe(connection: Connection, content: Content, entries: Sequence[audit.Entry],
             places: dict[str, str]) -> dict[int, Shown]:
    """Each entry's "About" in words, by entry id: staff by name, groups, feeds and places
    by their names (`places`: id -> name), everything else by kind and number ("Alert 3",
    "Resident 12")."""
    abouts = {entry.id: about for entry in entries if (about := entry.about()) is not None}
    def named(key: Any, name: Any, keys: set[int]) -> dict[int, str]:
        if not keys:
            return {}
        return {int(row[0]): str(row[1])
                for row in connection.execute(select(key, name).where(key.in_(keys)))}

    def keys(kind: str) -> set[int]:
        return {int(a.key) for a in abouts.values() if a.kind == kind}

    staff = named(StaffAccount.id, StaffAccount.display_name, keys("staff"))
    feeds = named(OpenActiveFeed.id, OpenActiveFeed.name, keys("feed"))
    groups = named(Group.chat_id, Group.title, keys("group") | {
        int(a.group) for a in abouts.values() if a.group is not None})

    def words(kind: str, **values: object) -> str:
        return content.text(f"console.audit.about_words.{kind}", **values)

    def group_name(chat: str | None) -> str:
        title = groups.get(int(chat)) if chat is not None else None
        return title or words("unknown_group")

    shown: dict[int, Shown] = {}
    for entry_id, about in abouts.items():
        href = LINKS.get(about.kind, "").format(key=about.key) or None
        if about.kind == "staff":
            text = staff.get(int(about.key)) or words("staff", number=about.key)
        elif about.kind == "feed":
            text = feeds.get(int(about.key)) or words("feed", number=about.key)
        elif about.kind == "place":
            text = places.get(about.key, about.key)
        elif about.kind == "group":
            text = groups.get(int(about.key)) or words("group")
        elif about.kind == "group_member":
            text = words("group_member", group=group_name(about.group))
        elif about.kind == "held":
            text = words("held", number=about.key, group=group_name(about.group))
        elif about.kind == "other":
            text = about.raw or ""
        else:
            text = words(about.kind, number=about.key)
        shown[entry_id] = Shown(text, href)
    return shown


def routes(console: Console, base_url: str | None = None) -> list[Route]:
    """`base_url`: where people reach the service, for set-up links; without it, the
    address this coordinator's browser used (https when the console's cookies are)."""
    pages = console.pages
    content = pages.content
    coordinators = signed_in(console, coordinator=True)
    folder = content.folder
    content_root = folder.parent if folder is not None else CONTENT_ROOT

    def render(template: str, session: Session, status_code: int = 200, *,
               current: str = "staff", **values: object) -> Response:
        return pages.render(template, status_code, session=session, csrf=session.csrf_token,
                            current=current, **values)

    async def someone(request: Request) -> Account | None:
        staff_id = _number(request.path_params["staff"])
        return await console.run(lambda c: accounts.get(c, staff_id)) \
            if staff_id is not None else None

    async def shown_once(session: Session, reveal: Reveal) -> Response:
        """Post/Redirect/Get: only a random handle goes in the address, never the link."""
        handle = await console.kept.keep(session, reveal)
        return redirect(f"/staff/{reveal.staff_id}/new-link?made={handle}")

    def link_base(request: Request) -> str:
        if base_url:
            return base_url
        scheme = "https" if console.https else request.url.scheme
        return f"{scheme}://{request.url.netloc}"

    # -- everyone ---------------------------------------------------------------------
    @coordinators
    async def staff_page(request: Request, session: Session) -> Response:
        def load(connection: Connection) -> tuple[list[Account], set[int]]:
            everyone = accounts.list_all(connection)
            return everyone, signs_in_with_organisation(connection, everyone)

        everyone, organisation = await console.run(load)
        now = console.clock.now()
        done = request.query_params.get("done")
        return render("staff.html", session, everyone=everyone, now=now,
                      organisation=organisation,
                      states={a.id: state(a, a.id in organisation, now) for a in everyone},
                      banner=f"console.staff.{done}_done" if done in DONE else None)

    # -- adding someone ---------------------------------------------------------------
    @coordinators
    async def add_page(request: Request, session: Session) -> Response:
        return render("staff_add.html", session, roles=ROLES, values={})

    @coordinators
    async def add(request: Request, session: Session) -> Response:
        form = await console.form(request)
        values = {name: str(form.get(name, ""))[:300] for name in ("email", "name", "role")}
        now = console.clock.now()

        def make(connection: Connection) -> tuple[list[str], Reveal | None]:
            problems = accounts.problems_adding(connection, values["email"], values["name"],
                                                values["role"])
            if problems:
                return problems, None
            account = accounts.add(connection, values["email"], values["name"],
                                   values["role"], now)
            audit.record(connection, now, session.account.id, "staff_added",
                         target=f"staff:{account.id}", detail=account.role)
            token = accounts.issue_link(connection, account.id, now)
            return [], Reveal(account.id, token, False, True, now)

        try:
            problems, reveal = await console.run(make)
        except IntegrityError:  # the same address added at the same moment by another tab
            problems, reveal = ["exists"], None
        if reveal is None:
            errors: dict[str, str] = {}
            for reason in problems:
                errors.setdefault(FIELD_OF.get(reason, "email"),
                                  f"console.staff.add_page.errors.{reason}")
            return render("staff_add.html", session, 400, roles=ROLES, values=values,
                          errors=errors)
        return await shown_once(session, reveal)

    # -- a fresh set-up link ----------------------------------------------------------
    async def link_form(session: Session, person: Account, status_code: int = 200
                        ) -> Response:
        organisation = await console.run(
            lambda c: bool(signs_in_with_organisation(c, [person]) & {person.id}))
        return render("staff_link.html", session, status_code, person=person,
                      organisation=organisation, yours=person.id == session.account.id)

    @coordinators
    async def link_page(request: Request, session: Session) -> Response:
        """Are you sure? What a new link does; and, for a lost phone, the second step."""
        person = await someone(request)
        if person is None:
            return console.not_found(session)
        return await link_form(session, person)

    @coordinators
    async def link(request: Request, session: Session) -> Response:
        person = await someone(request)
        if person is None:
            return console.not_found(session)
        form = await console.form(request)
        reset = form.get("reset_two_step") == "yes" and person.two_step
        now = console.clock.now()

        def make(connection: Connection) -> str:
            token = accounts.issue_link(connection, person.id, now, reset_two_step=reset)
            audit.record(connection, now, session.account.id, "staff_link_issued",
                         target=f"staff:{person.id}",
                         detail="with the second step reset" if reset else None)
            return token

        try:
            token = await console.run(make)
        except StaffError:  # turned off since the page was shown: it says so now
            fresh = await someone(request)
            return await link_form(session, fresh or person, 409)
        return await shown_once(session, Reveal(person.id, token, reset, False, now))

    @coordinators
    async def new_link(request: Request, session: Session) -> Response:
        """The link, once: a reload finds nothing waiting and says how to make another."""
        person = await someone(request)
        if person is None:
            return console.not_found(session)
        now = console.clock.now()
        handle = request.query_params.get("made")
        reveal = await console.kept.read(session, handle, Reveal)
        # Taken only under its own account's address (once: if another request took it
        # since, nothing).
        reveal = await console.kept.take(session, handle, Reveal) \
            if reveal is not None and reveal.staff_id == person.id else None
        live_for = await console.run(lambda c: accounts.link_account(c, reveal.token, now)) \
            if reveal is not None else None
        if reveal is None or live_for is None or live_for.id != person.id:
            return render("staff_link_gone.html", session, 410, person=person)
        return render("staff_link_shown.html", session, person=person, reveal=reveal,
                      yours=person.id == session.account.id,
                      url=accounts.setup_url(link_base(request), reveal.token),
                      expires=reveal.made_at + accounts.LINK_VALID_FOR)

    # -- turning an account off and on ------------------------------------------------
    @coordinators
    async def disable_page(request: Request, session: Session) -> Response:
        """Are you sure? What turning the account off does, and how it is undone."""
        person = await someone(request)
        if person is None or person.disabled_at is not None or person.id == session.account.id:
            return redirect("/staff") if person is not None else console.not_found(session)
        return render("staff_disable.html", session, person=person)

    @coordinators
    async def enable_page(request: Request, session: Session) -> Response:
        """Are you sure? What turning it back on does."""
        person = await someone(request)
        if person is None:
            return console.not_found(session)
        if person.disabled_at is None:
            return redirect("/staff")
        return render("staff_enable.html", session, person=person)

    def turning(done: str) -> Handler:
        """The POST that turns an account off (`done` "disabled") or on ("enabled"): a
        second press changes nothing, and nobody turns their own account off (the page
        offers no button for it: the last coordinator can never lock everyone out)."""
        off = done == "disabled"
        change = accounts.disable if off else accounts.enable

        @coordinators
        async def turn(request: Request, session: Session) -> Response:
            staff_id = _number(request.path_params["staff"])
            if staff_id is None:
                return console.not_found(session)
            if off and staff_id == session.account.id:
                return redirect("/staff")
            now = console.clock.now()

            def turn_it(connection: Connection) -> bool:
                account = accounts.get(connection, staff_id)
                if account is None:
                    return False
                if (account.disabled_at is None) == off:
                    change(connection, staff_id, now)
                    audit.record(connection, now, session.account.id, f"staff_{done}",
                                 target=f"staff:{staff_id}")
                return True

            if not await console.run(turn_it):
                return console.not_found(session)
            return redirect(f"/staff?done={done}")

        return turn

    # -- the audit log ----------------------------------------------------------------
    @coordinators
    async def audit_page(request: Request, session: Session) -> Response:
        query = request.query_params
        before = _number(query.get("before", ""), 12)
        show = query.get("show", "")
        show = show if show in audit.SHOWS else audit.SHOWS[0]
        who_raw = query.get("who", "")
        # A member of staff by account number; a volunteer of the duty team as "p12".
        staff_id = _number(who_raw)
        person_id = _number(who_raw[1:]) if who_raw.startswith("p") else None
        wanted = query.get("action", "")

        def load(connection: Connection
                 ) -> tuple[list[audit.Entry], list[Account], audit.Choices, str | None]:
            choices = audit.choices(connection)
            action = wanted if wanted in choices.actions else None
            return (audit.page(connection, before=before, show=show, staff_id=staff_id,
                               person_id=person_id, action=action),
                    accounts.list_all(connection), choices, action)

        entries, everyone, choices, action = await console.run(load)
        places: dict[str, str] = {}
        if any((a := e.about()) is not None and a.kind == "place" for e in entries):
            rows = await live.staff_view(console.db, content_root, console.clock.now())
            places = {row.id: row.item.name for row in rows}
        about = await console.run(lambda c: describe(c, content, entries, places))
        who = who_raw if staff_id is not None or person_id is not None else None
        kept = {"show": show, **({"who": who} if who is not None else {}),
                **({"action": action} if action is not None else {})}
        older = (f"?{urlencode({**kept, 'before': entries[-1].id})}"
                 if len(entries) == audit.PAGE else None)
        return render("audit.html", session, current="audit", entries=entries, about=about,
                      older=older, newest=f"?{urlencode(kept)}" if before else None,
                      shows=audit.SHOWS, show=show, who=who, action=action,
                      actions=sorted(choices.actions, key=lambda a: action_words(a).lower()),
                      action_words=action_words, team=choices.team,
                      everyone=sorted(everyone, key=lambda a: a.display_name.lower()))

    def action_words(action: str) -> str:
        key = f"console.audit.actions.{action}"
        return content.text(key) if content.has(key) else action.replace("_", " ")

    return [Route("/staff", staff_page, methods=["GET"]),
            Route("/staff/new", add_page, methods=["GET"]),
            Route("/staff/new", add, methods=["POST"]),
            Route("/staff/{staff}/link", link_page, methods=["GET"]),
            Route("/staff/{staff}/link", link, methods=["POST"]),
            Route("/staff/{staff}/new-link", new_link, methods=["GET"]),
            Route("/staff/{staff}/disable", disable_page, methods=["GET"]),
            Route("/staff/{staff}/disable", turning("disabled"), methods=["POST"]),
            Route("/staff/{staff}/enable", enable_page, methods=["GET"]),
            Route("/staff/{staff}/enable", turning("enabled"), methods=["POST"]),
            Route("/audit", audit_page, methods=["GET"])]
