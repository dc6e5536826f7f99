"""Signed-in browsers, kept on the server: the cookie holds a random token and this table
only its hash, so signing out, disabling an account or a password reset ends a session
everywhere at once, which a signed cookie alone cannot do.

A session ends after 30 minutes without a request, or 12 hours after signing in, however
busy. Half-way (password right, code to come) it lasts 5 minutes; just after set-up (to add
a second step, nothing else), 15. Each has its own
anti-forgery token for forms. Privileges change only with a new token (a session id seen
before signing in is never the signed-in one).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, or_, select, update

from bot.staff import accounts
from bot.staff.accounts import TURNED_OFF, Account
from bot.staff.keys import token_hash
from bot.staff.models import StaffSession

IDLE = timedelta(minutes=30)
SIGNED_IN, SECOND_STEP, SETUP = "signed_in", "second_step", "setup"
# How long a session of each kind can last at most: signed in; half-way through signing
# in (password right, code to come); just set up (may add a second step, nothing else).
LASTS = {SIGNED_IN: timedelta(hours=12), SECOND_STEP: timedelta(minutes=5),
         SETUP: timedelta(minutes=15)}
ABSOLUTE = LASTS[SIGNED_IN]
ENDED = "ended"  # why a session is no more, besides `TURNED_OFF`


@dataclass(frozen=True)
class Session:
    id: int
    account: Account
    stage: str
    csrf_token: str
    pending_totp_secret: str | None
    created_at: datetime

    @property
    def signed_in(self) -> bool:
        return self.stage == SIGNED_IN


def start(connection: Connection, staff_id: int, stage: str, now: datetime) -> str:
    """A new session; returns the token for the cookie (kept nowhere else)."""
    token = secrets.token_urlsafe(32)
    connection.execute(insert(StaffSession).values(
        token_hash=token_hash(token), staff_id=staff_id, stage=stage,
        csrf_token=secrets.token_urlsafe(32), created_at=now, last_seen_at=now))
    return token


def load(connection: Connection, token: str | None, now: datetime, *,
         touch: bool = True) -> Session | None:
    """The live session for this cookie, seen now; None (and the row gone) when it has
    ended, timed out, or its account was disabled. `touch=False` looks without counting
    as a request: a page refreshing itself must not keep an idle session alive (nor
    take the one chance to say an account was turned off: that row stays)."""
    found = load_or_why(connection, token, now, touch=touch, keep_turned_off=not touch)
    return found if isinstance(found, Session) else None


def load_or_why(connection: Connection, token: str | None, now: datetime, *,
                touch: bool = True, keep_turned_off: bool = False) -> Session | str | None:
    """As `load`, and for a session that has just ended, why: `TURNED_OFF` when its account
    was turned off while it was open (said once: the row goes), else `ENDED` (idle, too
    long, or gone with its account). None when the cookie names no session at all."""
    seen = look(connection, token, now, touch=touch, keep_turned_off=keep_turned_off)
    settle(connection, seen, now)
    return seen.found


@dataclass(frozen=True)
class Seen:
    """A session looked up without writing (`look`), and what seeing it changes, for
    `settle` to write: `touch`, the row seen now; `forget`, a row that has ended."""

    found: Session | str | None
    touch: int | None = None
    forget: int | None = None


def look(connection: Connection, token: str | None, now: datetime, *,
         touch: bool = True, keep_turned_off: bool = False) -> Seen:
    """`load_or_why`'s answer, only reading: a page can know who is asking while another
    process holds SQLite's write lock, and write what changed later (`settle`)."""
    if not token or len(token) > 128:
        return Seen(None)
    row = connection.execute(select(StaffSession).where(
        StaffSession.token_hash == token_hash(token))).first()
    if row is None:
        return Seen(None)
    account = accounts.get(connection, row.staff_id)
    limit = LASTS.get(row.stage, timedelta(0))
    if (account is None or account.disabled_at is not None or now - row.last_seen_at > IDLE
            or now - row.created_at > limit):
        turned_off = row.stage == TURNED_OFF and now - row.last_seen_at <= IDLE
        if turned_off and keep_turned_off:
            return Seen(ENDED)
        return Seen(TURNED_OFF if turned_off else ENDED, forget=row.id)
    return Seen(Session(row.id, account, row.stage, row.csrf_token, row.pending_totp_secret,
                        row.created_at), touch=row.id if touch else None)


def settle(connection: Connection, seen: Seen, now: datetime) -> None:
    """Write what `look` saw: the session seen now, or an ended one gone."""
    if seen.forget is not None:
        connection.execute(delete(StaffSession).where(StaffSession.id == seen.forget))
    if seen.touch is not None:
        connection.execute(update(StaffSession).where(StaffSession.id == seen.touch)
                           .values(last_seen_at=now))


def promote(connection: Connection, session: Session, now: datetime) -> str:
    """The second step done: the half-way session ends and a signed-in one starts."""
    end(connection, session.id)
    return start(connection, session.account.id, SIGNED_IN, now)


def end(connection: Connection, session_id: int) -> None:
    connection.execute(delete(StaffSession).where(StaffSession.id == session_id))


def set_pending_totp(connection: Connection, session_id: int, secret: str | None) -> None:
    connection.execute(update(StaffSession).where(StaffSession.id == session_id)
                       .values(pending_totp_secret=secret))


def tidy(connection: Connection, now: datetime) -> int:
    """Sessions that can no longer be used go (run at each sign-in)."""
    return int(connection.execute(delete(StaffSession).where(or_(
        StaffSession.last_seen_at < now - IDLE,
        StaffSession.created_at < now - ABSOLUTE))).rowcount or 0)
