"""What every console page shares: the session it reads, and the checks every form passes
(signed in, the right role, the anti-forgery token), with the error pages they lead to."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.console import going, security
from bot.console.pages import PREFIX, Pages
from bot.core.clock import Clock
from bot.core.content import ContentLibrary
from bot.staff import sessions
from bot.staff.help import Pricing
from bot.staff.keys import console_key
from bot.staff.sessions import Session
from bot.storage.db import Database

T = TypeVar("T")
Handler = Callable[[Request], Awaitable[Response]]


class Kept:
    """What a form's POST leaves for the page its redirect leads to (Post/Redirect/Get), so
    a reload or Back repeats nothing: an invite code to show once, a reply or a broadcast
    being checked. Kept in this process's memory, never in a URL, a cookie or the database:
    only a random handle travels in the redirect, and it opens nothing for any other
    session (nor for a later one that happens to reuse the session's row id). Each value
    lasts as long as an idle session (`sessions.IDLE`); a restart forgets them all (an
    invite code not yet shown is then never shown: its hash alone is stored, and it
    expires unused).

    `take` reads a value once (the invite code: a second look finds nothing); `read` as
    often as asked (a draft, shown again on a reload) until it expires or is taken.
    Values are found by handle and by their class, so one kind is never read as another.
    """

    PER_SESSION = 20  # the oldest go first: a few tabs' worth, never unbounded

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        # (session row id, its anti-forgery token) -> handle -> (class, value, until)
        self._kept: dict[tuple[int, str], dict[str, tuple[type, object, datetime]]] = {}

    @staticmethod
    def _owner(session: Session) -> tuple[int, str]:
        return session.id, session.csrf_token

    def keep(self, session: Session, value: object) -> str:
        """Keep `value` for this session; returns its handle (22 URL-safe characters)."""
        now = self.clock.now()
        for owner in [o for o, kept in self._kept.items()
                      if all(until <= now for _k, _v, until in kept.values())]:
            del self._kept[owner]  # sessions long gone, or idle past their end
        kept = self._kept.setdefault(self._owner(session), {})
        while len(kept) >= self.PER_SESSION:
            del kept[next(iter(kept))]
        handle = secrets.token_urlsafe(16)
        kept[handle] = (type(value), value, now + sessions.IDLE)
        return handle

    def read(self, session: Session, handle: str | None, kind: type[T]) -> T | None:
        """The value of this `kind` kept under `handle` for this session, if still there."""
        kept = self._kept.get(self._owner(session), {})
        found = kept.get(handle or "")
        if found is None or found[0] is not kind:
            return None
        if found[2] <= self.clock.now():
            del kept[handle or ""]
            return None
        return found[1]  # type: ignore[return-value]

    def take(self, session: Session, handle: str | None, kind: type[T]) -> T | None:
        """As `read`, and gone after: nobody can read it again. No await comes between the
        look and the removal, so two requests at once can never both have it."""
        value = self.read(session, handle, kind)
        if value is not None:
            del self._kept[self._owner(session)][handle or ""]
        return value


class Console:
    """What every page needs: the database, the clock, the words, the cookies."""

    def __init__(self, db: Database, clock: Clock, content: ContentLibrary, base_url: str,
                 *, pricing: Pricing | None = None,
                 on_queued: Callable[[], None] | None = None) -> None:
        self.db, self.clock = db, clock
        self.content = content  # every language: a resident is written to in theirs
        self.pages = Pages(content.for_language("en"))
        # What an SMS segment costs, shown before a reply is sent.
        self.pricing = pricing or Pricing()
        # Wakes the dispatcher once a form has queued a message (it looks every second
        # anyway).
        self.on_queued = on_queued
        self.https = base_url.lower().startswith("https://")
        self.cookies = security.Cookies(self.https)
        self.kept = Kept(clock)  # what a POST leaves for the GET after it
        self._key: bytes | None = None

    async def run(self, work: Callable[[Connection], T]) -> T:
        return await self.db.run(work)

    def queued(self) -> None:
        if self.on_queued is not None:
            self.on_queued()

    async def key(self) -> bytes:
        if self._key is None:
            self._key = await self.run(console_key)
        return self._key

    # -- sessions -------------------------------------------------------------------------
    async def session(self, request: Request) -> Session | None:
        token = request.cookies.get(self.cookies.session)
        if not token:
            return None
        now = self.clock.now()
        return await self.run(lambda c: sessions.load(c, token, now))

    def signed_out(self, request: Request, reason: str, then: str | None = None
                   ) -> RedirectResponse:
        """To the sign-in page, saying why, with the dead cookie gone (`then`: a checked
        page to land on after signing in, `going.safe`)."""
        response = redirect(f"/sign-in?why={reason}{going.query(then, first=False)}")
        self.cookies.clear(response, self.cookies.session)
        return response

    # -- forms ----------------------------------------------------------------------------
    async def form(self, request: Request) -> FormData:
        return await request.form(max_files=0, max_fields=20)

    async def form_secret(self, request: Request) -> tuple[str, bool]:
        """The random value behind pre-sign-in forms: (value, whether it is new)."""
        secret = request.cookies.get(self.cookies.form)
        if secret and 20 <= len(secret) <= 64:
            return secret, False
        return security.new_form_secret(), True

    async def anonymous_form(self, request: Request, template: str, status_code: int = 200,
                             **values: Any) -> Response:
        """A page with a pre-sign-in form: its token, and the cookie it pairs with."""
        secret, new = await self.form_secret(request)
        response = self.pages.render(template, status_code,
                                     csrf=security.form_token(await self.key(), secret),
                                     **values)
        if new:
            self.cookies.set(response, self.cookies.form, secret)
        return response

    async def anonymous_form_ok(self, request: Request, form: FormData) -> bool:
        return security.form_token_ok(await self.key(), request.cookies.get(self.cookies.form),
                                      form.get(security.FIELD))

    def refused(self, session: Session | None = None) -> Response:
        """403: the form's anti-forgery token was missing or wrong; nothing was changed."""
        return self.pages.render("error.html", 403, session=session,
                                 csrf=session.csrf_token if session else "",
                                 title_key="console.errors.csrf_title",
                                 body_key="console.errors.csrf")

    def forbidden(self, session: Session) -> Response:
        return self.pages.render("error.html", 403, session=session, csrf=session.csrf_token,
                                 title_key="console.errors.forbidden_title",
                                 body_key="console.errors.forbidden")

    def not_found(self, session: Session | None) -> Response:
        return self.pages.render("error.html", 404, session=session,
                                 csrf=session.csrf_token if session else "",
                                 title_key="console.errors.not_found_title",
                                 body_key="console.errors.not_found")


def redirect(path: str) -> RedirectResponse:
    """303 See Other, so a form's POST is followed by a GET (reloading posts nothing)."""
    return RedirectResponse(f"{PREFIX}{path}", status_code=303)


def signed_in(console: Console, *, coordinator: bool = False,
              ) -> Callable[[Callable[[Request, Session], Awaitable[Response]]], Handler]:
    """A page for signed-in staff (coordinators only, with `coordinator`); its POSTs carry
    the session's anti-forgery token or get 403 with nothing changed."""

    def wrap(page: Callable[[Request, Session], Awaitable[Response]]) -> Handler:
        async def handler(request: Request) -> Response:
            session = await console.session(request)
            if session is None:
                then = going.wanted(request)  # back there once signed in
                if request.cookies.get(console.cookies.session):
                    return console.signed_out(request, "ended", then)
                return redirect(f"/sign-in{going.query(then)}")
            if not session.signed_in:  # half-way: back to where they are
                return redirect("/two-step" if session.stage == sessions.SETUP
                                else f"/sign-in/code{going.query(going.wanted(request))}")
            if coordinator and not session.account.coordinator:
                return console.forbidden(session)
            if request.method == "POST":
                form = await console.form(request)
                if not security.session_token_ok(session.csrf_token, form.get(security.FIELD)):
                    return console.refused(session)
            return await page(request, session)

        return handler

    return wrap
