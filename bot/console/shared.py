"""What every console page shares: the session it reads, and the checks every form passes
(signed in, the right role, the anti-forgery token), with the error pages they lead to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import Connection
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.console import security
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

    def signed_out(self, request: Request, reason: str) -> RedirectResponse:
        """To the sign-in page, saying why, with the dead cookie gone."""
        response = redirect(f"/sign-in?why={reason}")
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
                if request.cookies.get(console.cookies.session):
                    return console.signed_out(request, "ended")
                return redirect("/sign-in")
            if not session.signed_in:  # half-way: back to where they are
                return redirect("/two-step" if session.stage == sessions.SETUP
                                else "/sign-in/code")
            if coordinator and not session.account.coordinator:
                return console.forbidden(session)
            if request.method == "POST":
                form = await console.form(request)
                if not security.session_token_ok(session.csrf_token, form.get(security.FIELD)):
                    return console.refused(session)
            return await page(request, session)

        return handler

    return wrap
