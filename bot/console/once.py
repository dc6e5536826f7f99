"""Every console form is done once, however often it is sent: a double click, Back and
send again, a reload that posts again. Each form the console shows carries a one-time
token (`once`, made as the page is drawn, beside the anti-forgery token: the `csrf_field`
macro puts both in), and the first POST that brings it claims it in the database
(`staff_form_uses`), before anything is done; where that POST led (its redirect) is kept
with the claim. The same form sent again finds the claim, does nothing, and goes where the
first one went, with a note saying it was already done (`again=1`, shown by base.html):
on any worker, after a restart, and even when the two arrive at once (the claim is a
unique row: the second waits for the first to finish, then follows it).

A POST that does not end in a redirect changed nothing (a form shown again to mend, a
page not found): its claim is let go, so the same form can be sent again. So is one that
fails. A POST without a token (a script) is not checked; one with a token that is not
one of ours is treated the same, since the anti-forgery check already passed.

The token is kept only as an HMAC under the session's anti-forgery token, with the address
it was posted to: it means nothing to another session or another form. Claims go with
their session (signing out, expiry: the foreign key cascades), or after the longest a
session lasts (`sessions.ABSOLUTE`), with the hourly tidy job (`staff.kept`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Awaitable, Callable

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.clock import Clock
from bot.staff import sessions
from bot.staff.models import StaffFormUse, StaffSession
from bot.staff.sessions import Session
from bot.storage.db import Database

FIELD = "once"
AGAIN = "again"  # in the address a repeat is sent to: the page says it was already done
LASTS = sessions.ABSOLUTE
WAIT_SECONDS = 15.0  # how long a repeat waits for the first sending to finish
_STEP = 0.1
IN_PROGRESS = ""  # the claim's location while the first sending is being done
Page = Callable[[Request, Session], Awaitable[Response]]


def token_of(form: FormData) -> str | None:
    sent = form.get(FIELD)
    if not isinstance(sent, str) or not 16 <= len(sent) <= 64 or not sent.isascii():
        return None
    return sent


def claim_key(session: Session, path: str, token: str) -> str:
    return hmac.new(session.csrf_token.encode(), f"once\x00{path}\x00{token}".encode(),
                    hashlib.sha256).hexdigest()


def with_again(location: str) -> str:
    """`/staff/places/x?done=added#top` -> `/staff/places/x?done=added&again=1#top`."""
    path, hash_, fragment = location.partition("#")
    path += f"{'&' if '?' in path else '?'}{AGAIN}=1"
    return f"{path}{hash_}{fragment}"


class Once:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    async def guard(self, request: Request, session: Session, form: FormData, page: Page,
                    busy: Callable[[], Response]) -> Response:
        """`page` done once for this form's token: a repeat is sent where the first went,
        or, if the first is still being done after `WAIT_SECONDS`, shown `busy()`."""
        token = token_of(form)
        if token is None:
            return await page(request, session)
        key = claim_key(session, request.url.path, token)
        deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
        while True:
            first = await self._claim(session, key)
            if first is None:
                break  # ours: do it
            if first != IN_PROGRESS:
                return RedirectResponse(with_again(first), status_code=303)
            if asyncio.get_running_loop().time() >= deadline:
                return busy()
            await asyncio.sleep(_STEP)
        try:
            response = await page(request, session)
        except BaseException:
            await self._let_go(key)
            raise
        location = response.headers.get("location")
        if 300 <= response.status_code < 400 and location:
            await self.db.run(lambda c: c.execute(update(StaffFormUse).where(
                StaffFormUse.token_hash == key).values(location=location[:2000])))
        else:
            await self._let_go(key)
        return response

    async def _claim(self, session: Session, key: str) -> str | None:
        """None: claimed now, for this request; else where the first sending led
        (`IN_PROGRESS` while it is being done)."""
        now = self.clock.now()

        def claim(connection: Connection) -> None:
            connection.execute(delete(StaffFormUse).where(StaffFormUse.expires_at <= now))
            if connection.scalar(select(StaffSession.id)
                                 .where(StaffSession.id == session.id)) is None:
                return  # the session ended meanwhile: the page itself says so
            connection.execute(insert(StaffFormUse).values(
                session_id=session.id, token_hash=key, location=None,
                expires_at=now + LASTS))

        try:
            await self.db.run(claim)
            return None
        except IntegrityError:
            pass

        # Claimed already (or let go a moment ago: claimed on the next look).
        location = await self.db.run(lambda c: c.scalar(
            select(StaffFormUse.location).where(StaffFormUse.token_hash == key)))
        return location or IN_PROGRESS

    async def _let_go(self, key: str) -> None:
        await self.db.run(lambda c: c.execute(
            delete(StaffFormUse).where(StaffFormUse.token_hash == key)))
