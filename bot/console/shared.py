"""What every console page shares: the session it reads, and the checks every form passes
(signed in, the right role, the anti-forgery token), with the error pages they lead to."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from functools import cache
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.background import BackgroundTask
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.console import going, security
from bot.console.once import AGAIN, Once
from bot.console.pages import PREFIX, REPEATED, Pages
from bot.core.clock import Clock
from bot.core.content import ContentLibrary
from bot.staff import sessions
from bot.staff.help import Pricing
from bot.staff.kept import forget_expired
from bot.staff.keys import console_key
from bot.staff.models import StaffKept, StaffSession
from bot.staff.sessions import Session
from bot.storage.db import Database

T = TypeVar("T")
Handler = Callable[[Request], Awaitable[Response]]
log = logging.getLogger(__name__)


class Kept:
    """What a form's POST leaves for the page its redirect leads to (Post/Redirect/Get), so
    a reload or Back repeats nothing: an invite code to show once, a reply or a broadcast
    being checked. Kept in the database (`staff_kept`), so the GET finds it whichever
    worker serves it; never in a URL or a cookie: only a random handle travels in the
    redirect, and it opens nothing for any other session (the row is found by the session
    too, and sealed with the session's anti-forgery token as associated data, so a later
    session that reuses the row id opens nothing either). Each value lasts as long as an
    idle session (`sessions.IDLE`) and goes with its session (signing out, disabling,
    expiry: the foreign key cascades).

    Why a shown-once secret (an invite code, a set-up link) may be stored here: the
    member of staff is being shown it anyway, it lives at most the idle limit (the GET
    that shows it takes it at once), and it is stored sealed. The handle is 128 random
    bits that only the browser holds; the table keeps an HMAC of it and an AES-GCM
    ciphertext under a key made from it, so a copy of the database (a backup taken in
    those seconds) opens nothing, and nothing secret reaches a log (a database error
    prints its parameters: ciphertext and a hash). The app's own key (`app_keys`) lives
    in the same database, so it would add nothing.

    `take` reads a value once (the invite code: a second look finds nothing, even with
    two workers racing: it is removed only by the delete that finds it); `read` as often
    as asked (a draft, shown again on a reload) until it expires or is taken. Values are
    found by handle and by their class, so one kind is never read as another. A value is
    a str, a number or a dataclass of those, datetimes, tuples and dataclasses, stored as
    JSON.
    """

    PER_SESSION = 20  # the oldest go first: a few tabs' worth, never unbounded
    MAX_BYTES = 64 * 1024  # a broadcast's words and settings fit many times over

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    async def keep(self, session: Session, value: object) -> str:
        """Keep `value` for this session; returns its handle (22 URL-safe characters).
        TypeError: a value that would not come back equal from JSON; ValueError: over
        `MAX_BYTES` as JSON."""
        _checked(value, self.MAX_BYTES)  # before anything is stored
        handle = secrets.token_urlsafe(16)
        await self.db.run(lambda c: self._store(c, session, handle, value))
        return handle

    async def keep_once(self, session: Session, key: str,
                        make: Callable[[Connection], T]) -> str:
        """Idempotent `keep`: the value `make` returns (made in the same transaction as it
        is kept) under a handle that follows from this session and `key` (a form's one-off
        token with what it asked for). The same `key` again, while the value is still
        there, makes nothing and returns the same handle, on any worker and even when two
        requests arrive at once: the handle's row is unique, so of two at once one keeps
        its value and the other's whole transaction (what `make` did too) is undone. Once
        the value is taken (shown), the same `key` makes a new one. Returns the handle."""
        handle = base64.urlsafe_b64encode(hmac.new(
            session.csrf_token.encode(), f"once\x00{key}".encode(), hashlib.sha256
        ).digest()[:16]).decode().rstrip("=")

        def make_and_store(connection: Connection) -> None:
            if connection.scalar(select(StaffKept.id).where(
                    StaffKept.handle_hash == _lookup(handle))) is not None:
                return  # made already (its page not yet shown): nothing new
            self._store(connection, session, handle, None, make)

        # IntegrityError: another request with this key, at the same moment, kept its
        # value first; this one's transaction is undone and its value stands.
        with suppress(IntegrityError):
            await self.db.run(make_and_store)
        return handle

    def _store(self, connection: Connection, session: Session, handle: str, value: object,
               make: Callable[[Connection], object] | None = None) -> None:
        now = self.clock.now()
        forget_expired(connection, now)
        oldest = connection.scalars(
            select(StaffKept.id).where(StaffKept.session_id == session.id)
            .order_by(StaffKept.id.desc()).offset(self.PER_SESSION - 1)).all()
        if oldest:
            connection.execute(delete(StaffKept).where(StaffKept.id.in_(oldest)))
        if connection.scalar(select(StaffSession.id)
                             .where(StaffSession.id == session.id)) is None:
            return  # the session ended meanwhile: its page finds nothing, as if expired
        if make is not None:
            value = make(connection)
        kind, data = _kind_of(type(value)), _checked(value, self.MAX_BYTES)
        connection.execute(insert(StaffKept).values(
            session_id=session.id, handle_hash=_lookup(handle), kind=kind,
            sealed=_seal(handle, _sealed_for(session, kind), data),
            expires_at=now + sessions.IDLE))

    async def read(self, session: Session, handle: str | None, kind: type[T]) -> T | None:
        """The value of this `kind` kept under `handle` for this session, if still there."""
        return await self._find(session, handle, kind, take=False)

    async def take(self, session: Session, handle: str | None, kind: type[T]) -> T | None:
        """As `read`, and gone after, in the same transaction: of two requests at once (on
        any workers), only one has it."""
        return await self._find(session, handle, kind, take=True)

    async def _find(self, session: Session, handle: str | None, kind: type[T], *,
                    take: bool) -> T | None:
        # Ours are 22 ASCII characters; anything else (a made-up address) is looked up never.
        if not handle or len(handle) > 64 or not handle.isascii():
            return None
        name, now = _kind_of(kind), self.clock.now()

        def find(connection: Connection) -> T | None:
            row = connection.execute(select(StaffKept.id, StaffKept.sealed).where(
                StaffKept.handle_hash == _lookup(handle), StaffKept.session_id == session.id,
                StaffKept.kind == name, StaffKept.expires_at > now)).first()
            value = None if row is None else _opened(handle, session, kind, row.sealed)
            if value is None or not take:
                return value
            # Removed only if still there: a worker that took it first leaves 0 rows here
            # (PostgreSQL waits for its commit, then finds the row gone).
            gone = connection.execute(delete(StaffKept).where(StaffKept.id == row.id))
            return value if gone.rowcount == 1 else None

        return await self.db.run(find)


def _checked(value: object, max_bytes: int) -> bytes:
    """`value` as the JSON kept; TypeError when it would not come back equal from JSON,
    ValueError when over `max_bytes`."""
    kind = _kind_of(type(value))
    plain = json.dumps(_plain(value), separators=(",", ":"))  # ASCII, escapes and all
    if _typed(type(value), json.loads(plain)) != value:
        raise TypeError(f"{kind} does not come back equal from JSON")
    data = plain.encode()
    if len(data) > max_bytes:
        raise ValueError(f"{kind}: {len(data)} bytes, more than {max_bytes}")
    return data


def _opened(handle: str, session: Session, kind: type[T], sealed: bytes) -> T | None:
    data = _open(handle, _sealed_for(session, _kind_of(kind)), sealed)
    if data is None:
        return None  # not this session's (a later one with the same row id)
    try:
        return _typed(kind, json.loads(data))  # type: ignore[no-any-return]
    except (TypeError, ValueError, KeyError):
        return None  # kept by an older release, in a shape its class no longer has


def _kind_of(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def _lookup(handle: str) -> str:
    """How a handle is found: an HMAC-SHA256 keyed by it, apart from the sealing key."""
    return hmac.new(handle.encode("ascii"), b"kept: lookup", hashlib.sha256).hexdigest()


def _sealed_for(session: Session, kind: str) -> bytes:
    """Associated data: a value opens only for its session (and not a later one with the
    same row id: the token differs) and as its kind."""
    return f"{session.id}\x00{session.csrf_token}\x00{kind}".encode()


def _seal(handle: str, associated: bytes, data: bytes) -> bytes:
    key = hmac.new(handle.encode("ascii"), b"kept: key", hashlib.sha256).digest()
    nonce = os.urandom(12)  # each key seals one value; random anyway, as AES-GCM expects
    return nonce + AESGCM(key).encrypt(nonce, data, associated)


def _open(handle: str, associated: bytes, sealed: bytes) -> bytes | None:
    key = hmac.new(handle.encode("ascii"), b"kept: key", hashlib.sha256).digest()
    try:
        return AESGCM(key).decrypt(sealed[:12], sealed[12:], associated)
    except InvalidTag:
        return None


def _plain(value: object) -> Any:
    """`value` as JSON can hold it; TypeError for anything `_typed` cannot bring back."""
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return value
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value) if f.init}
    raise TypeError(f"{type(value).__qualname__} is not kept: not a plain value")


def _typed(hint: Any, raw: Any) -> Any:
    """`raw` (from JSON) as `hint` says: datetimes, tuples and dataclasses made again."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, UnionType):
        if raw is None:
            return None
        [hint] = [a for a in args if a is not type(None)]  # Optional[X] only
        origin, args = get_origin(hint), get_args(hint)
    if hint is Any or raw is None:
        return raw
    if hint is datetime:
        return datetime.fromisoformat(raw)
    if hint is date:
        return date.fromisoformat(raw)
    if origin is tuple:
        each = args[:1] * len(raw) if len(args) == 2 and args[1] is Ellipsis else args
        if len(each) != len(raw):
            raise ValueError("a tuple of another length")
        return tuple(_typed(h, r) for h, r in zip(each, raw, strict=True))
    if origin is list:
        return [_typed(args[0] if args else Any, r) for r in raw]
    if isinstance(hint, type) and is_dataclass(hint):
        hints = _hints(hint)
        return hint(**{f.name: _typed(hints[f.name], raw[f.name])
                       for f in fields(hint) if f.init})
    if (isinstance(hint, type) and not isinstance(raw, hint)
            and not (hint is float and isinstance(raw, int))):  # a whole number in a float field
        raise TypeError(f"{raw!r} is not a {hint.__qualname__}")
    return raw


@cache
def _hints(kind: type) -> dict[str, Any]:
    return get_type_hints(kind)


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
        self.kept = Kept(db, clock)  # what a POST leaves for the GET after it
        self.once = Once(db, clock)  # each form done once, however often it is sent
        self._key: bytes | None = None

    async def run(self, work: Callable[[Connection], T]) -> T:
        return await self.db.run(work)

    async def read(self, work: Callable[[Connection], T]) -> T:
        """`work` that only reads: on SQLite it needs no write lock, so a page still shows
        while another process (a `chat`, a long job) holds it (`Database.read`)."""
        return await self.db.read(work)

    def queued(self) -> None:
        if self.on_queued is not None:
            self.on_queued()

    async def key(self) -> bytes:
        if self._key is None:
            self._key = await self.run(console_key)
        return self._key

    # -- sessions -------------------------------------------------------------------------
    async def session(self, request: Request) -> Session | None:
        found = await self.session_or_why(request)
        return found if isinstance(found, Session) else None

    async def session_or_why(self, request: Request) -> Session | str | None:
        """The session, or why the cookie's has ended (`sessions.load_or_why`)."""
        seen = await self.seen(request)
        await self.settle(seen)
        return seen.found

    async def seen(self, request: Request, *, touch: bool = True) -> sessions.Seen:
        """The session, only read (`sessions.look`): what seeing it changes is for
        `settle`, which may wait or fail while another process holds SQLite's write lock;
        a page is drawn without it."""
        token = request.cookies.get(self.cookies.session)
        if not token:
            return sessions.Seen(None)
        now = self.clock.now()
        return await self.read(lambda c: sessions.look(c, token, now, touch=touch))

    async def settle(self, seen: sessions.Seen) -> None:
        """Write what seeing a session changed (seen now; an ended one gone). Skipped when
        the database is busy: the next request writes it, and a session seen a moment
        earlier than it was only ends that much sooner."""
        if seen.touch is None and seen.forget is None:
            return
        now = self.clock.now()
        try:
            await self.run(lambda c: sessions.settle(c, seen, now))
        except OperationalError as error:
            log.warning("console: a session's last use not written (%s)", error.orig)

    def settle_after(self, response: Response, seen: sessions.Seen) -> Response:
        """`settle` once `response` has gone (its page never waits for the write)."""
        if seen.touch is None and seen.forget is None:
            return response
        before = response.background

        async def settle() -> None:
            if before is not None:
                await before()
            await self.settle(seen)

        response.background = BackgroundTask(settle)
        return response

    def signed_out(self, request: Request, reason: str, then: str | None = None
                   ) -> RedirectResponse:
        """To the sign-in page, saying why, with the dead cookie gone (`then`: a checked
        page to land on after signing in, `going.safe`)."""
        response = redirect(f"/sign-in?why={reason}{going.query(then, first=False)}")
        self.cookies.clear(response, self.cookies.session)
        return response

    # -- forms ----------------------------------------------------------------------------
    async def form(self, request: Request) -> FormData:
        """The form, every field but a password without NUL or bidi controls
        (`security.cleaned_form`): the one door console text comes in by."""
        return security.cleaned_form(await request.form(max_files=0, max_fields=20))

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

    def busy(self, session: Session) -> Response:
        """409: the same form, sent a moment ago, is still being done (`once.py`)."""
        return self.pages.render("error.html", 409, session=session, csrf=session.csrf_token,
                                 title_key="console.errors.busy_title",
                                 body_key="console.errors.busy")

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
    the session's anti-forgery token or get 403 with nothing changed, and are done once
    for each form's one-time token (`once.py`)."""

    def wrap(page: Callable[[Request, Session], Awaitable[Response]]) -> Handler:
        async def handler(request: Request) -> Response:
            # Who is asking, only read: the page is drawn, then the session marked as
            # seen (`Console.settle_after`), so looking needs no write lock.
            seen = await console.seen(request)
            return console.settle_after(await checked(request, seen.found), seen)

        async def checked(request: Request, session: Session | str | None) -> Response:
            if not isinstance(session, Session):
                then = going.wanted(request)  # back there once signed in
                if session == sessions.TURNED_OFF:  # told plainly, and nowhere to go back
                    return console.signed_out(request, sessions.TURNED_OFF)
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
                return await console.once.guard(request, session, form, page,
                                                lambda: console.busy(session))
            # A form sent again comes here, where the first went: the page says so.
            repeated = REPEATED.set(request.query_params.get(AGAIN) == "1")
            try:
                return await page(request, session)
            finally:
                REPEATED.reset(repeated)

        return handler

    return wrap
