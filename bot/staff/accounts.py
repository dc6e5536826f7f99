"""Staff accounts: adding, listing, disabling; one-time set-up links; signing in with a
password and, when they chose one, a code from an authenticator app.

Five wrong passwords or codes in a row lock an account for 15 minutes. A disabled account
cannot sign in and its sessions end at once. Every function runs in the caller's
transaction; the audit trail is the caller's (`bot.staff.audit`), who knows who acted.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from bot.staff import credentials
from bot.staff.keys import token_hash
from bot.staff.models import ROLES, StaffAccount, StaffKept, StaffSession, StaffSetupLink
from bot.staff.typed import cleaned

LINK_VALID_FOR = timedelta(hours=24)
LOCK_AFTER = 5
LOCKED_FOR = timedelta(minutes=15)
MAX_NAME = 80
SETUP_PATH = "/staff/setup/"
# A session whose account was turned off while it was open: it can do nothing, and is kept
# only so that its browser is told why, once (`sessions.load_or_why`), or until it idles out.
TURNED_OFF = "turned_off"
# One @, something before it, a dot in the part after it, no spaces: enough to catch a
# typing slip; the set-up link sent to it is what proves the address.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class StaffError(Exception):
    """Something about an account that cannot be done; `reason` names it for the words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    display_name: str
    role: str
    has_password: bool
    two_step: bool
    created_at: datetime
    disabled_at: datetime | None
    locked_until: datetime | None
    last_sign_in_at: datetime | None

    @property
    def coordinator(self) -> bool:
        return self.role == "coordinator"

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True)
class SignIn:
    """The outcome of a password (or code): `status` is ok | second_step | wrong |
    used (a code that was right, but has signed in already) | locked | disabled;
    `account` is None when no account has that email."""

    status: str
    account: Account | None


def normalise_email(email: str) -> str:
    return cleaned(email).strip().lower()


def plain_name(name: str) -> str:
    """A name as kept: one space between words, no NUL or bidi controls (`typed`)."""
    return " ".join(cleaned(name).split())


def _account(row: Any) -> Account:
    return Account(id=row.id, email=row.email, display_name=row.display_name, role=row.role,
                   has_password=row.password_hash is not None,
                   two_step=row.totp_secret is not None, created_at=row.created_at,
                   disabled_at=row.disabled_at, locked_until=row.locked_until,
                   last_sign_in_at=row.last_sign_in_at)


def _row(connection: Connection, *where: Any) -> Any:
    return connection.execute(select(StaffAccount).where(*where)).first()


def get(connection: Connection, staff_id: int) -> Account | None:
    row = _row(connection, StaffAccount.id == staff_id)
    return _account(row) if row is not None else None


def find(connection: Connection, email: str) -> Account | None:
    row = _row(connection, StaffAccount.email == normalise_email(email))
    return _account(row) if row is not None else None


def list_all(connection: Connection) -> list[Account]:
    rows = connection.execute(select(StaffAccount).order_by(
        StaffAccount.disabled_at.is_not(None), func.lower(StaffAccount.display_name),
        StaffAccount.id)).all()
    return [_account(row) for row in rows]


def count_coordinators(connection: Connection) -> int:
    return int(connection.scalar(select(func.count()).select_from(StaffAccount).where(
        StaffAccount.role == "coordinator", StaffAccount.disabled_at.is_(None))) or 0)


def is_last_coordinator(connection: Connection, account: Account) -> bool:
    """Whether `account` is the only coordinator still turned on. The one rule for every
    way someone could stop being a coordinator (turned off, a role changed by their
    organisation): the last one never does, or nobody could add staff, make set-up links
    or read the audit log without a shell on the server."""
    return account.coordinator and account.disabled_at is None \
        and count_coordinators(connection) <= 1


def add(connection: Connection, email: str, name: str, role: str, now: datetime) -> Account:
    """A new account with no password yet: give them a set-up link (`issue_link`)."""
    email, name = normalise_email(email), plain_name(name)
    if len(email) > 254 or not _EMAIL.match(email):
        raise StaffError("bad_email")
    if not name or len(name) > MAX_NAME:
        raise StaffError("bad_name")
    if role not in ROLES:
        raise StaffError("bad_role")
    if find(connection, email) is not None:
        raise StaffError("exists")
    staff_id = connection.execute(insert(StaffAccount).values(
        email=email, display_name=name, role=role, created_at=now, updated_at=now,
        failed_sign_ins=0).returning(StaffAccount.id)).scalar_one()
    account = get(connection, int(staff_id))
    assert account is not None
    return account


def problems_adding(connection: Connection, email: str, name: str, role: str) -> list[str]:
    """Every reason `add` would refuse these, in the order it checks them (so the first
    is the one it raises), not only the first: a form marks each field that is wrong.
    Reasons: bad_email | bad_name | bad_role | exists."""
    email, name = normalise_email(email), plain_name(name)
    reasons = []
    if len(email) > 254 or not _EMAIL.match(email):
        reasons.append("bad_email")
    if not name or len(name) > MAX_NAME:
        reasons.append("bad_name")
    if role not in ROLES:
        reasons.append("bad_role")
    if "bad_email" not in reasons and find(connection, email) is not None:
        reasons.append("exists")
    return reasons


def disable(connection: Connection, staff_id: int, now: datetime) -> None:
    """No more signing in; their sessions and unused links end now. Each session is
    marked `TURNED_OFF` (it opens nothing: what its forms kept goes now) so that its
    browser can be told, on its next request, that the account was turned off."""
    connection.execute(update(StaffAccount).where(
        StaffAccount.id == staff_id, StaffAccount.disabled_at.is_(None))
        .values(disabled_at=now, updated_at=now))
    theirs = select(StaffSession.id).where(StaffSession.staff_id == staff_id)
    connection.execute(delete(StaffKept).where(StaffKept.session_id.in_(theirs)))
    connection.execute(update(StaffSession).where(StaffSession.staff_id == staff_id)
                       .values(stage=TURNED_OFF, pending_totp_secret=None))
    _retire_links(connection, staff_id, now)


def enable(connection: Connection, staff_id: int, now: datetime) -> None:
    """Signing in again; sessions from before it was turned off stay ended."""
    end_sessions(connection, staff_id)
    connection.execute(update(StaffAccount).where(StaffAccount.id == staff_id)
                       .values(disabled_at=None, failed_sign_ins=0, locked_until=None,
                               updated_at=now))


def end_sessions(connection: Connection, staff_id: int) -> None:
    connection.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))


# -- set-up links ---------------------------------------------------------------------------
def issue_link(connection: Connection, staff_id: int, now: datetime, *,
               reset_two_step: bool = False) -> str:
    """A fresh one-time token (only its hash is kept), valid 24 hours; earlier unused
    links for the account stop working."""
    account = get(connection, staff_id)
    if account is None:
        raise StaffError("no_account")
    if account.disabled_at is not None:
        raise StaffError("disabled")
    _retire_links(connection, staff_id, now)
    token = secrets.token_urlsafe(32)
    connection.execute(insert(StaffSetupLink).values(
        staff_id=staff_id, token_hash=token_hash(token), reset_two_step=reset_two_step,
        created_at=now, expires_at=now + LINK_VALID_FOR))
    return token


def setup_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{SETUP_PATH}{token}"


def _retire_links(connection: Connection, staff_id: int, now: datetime) -> None:
    connection.execute(update(StaffSetupLink).where(
        StaffSetupLink.staff_id == staff_id, StaffSetupLink.used_at.is_(None))
        .values(used_at=now))


def _live_link(connection: Connection, token: str, now: datetime) -> Any:
    if not token or len(token) > 128:
        return None
    return connection.execute(select(StaffSetupLink).where(
        StaffSetupLink.token_hash == token_hash(token), StaffSetupLink.used_at.is_(None),
        StaffSetupLink.expires_at > now)).first()


def link_account(connection: Connection, token: str, now: datetime) -> Account | None:
    """Whose set-up link this is, while it is unused, unexpired and they are not disabled."""
    link = _live_link(connection, token, now)
    if link is None:
        return None
    account = get(connection, link.staff_id)
    return account if account is not None and account.disabled_at is None else None


def complete_setup(connection: Connection, token: str, password: str, confirm: str,
                   now: datetime) -> Account:
    """Choose a password with a set-up link: the link is used up, any lock is lifted and
    any other session ends (a reset means someone else may have had the old password)."""
    link = _live_link(connection, token, now)
    account = get(connection, link.staff_id) if link is not None else None
    if link is None or account is None or account.disabled_at is not None:
        raise StaffError("link_gone")
    problem = credentials.password_problem(password, confirm, account.email)
    if problem is not None:
        raise StaffError(problem)
    # Used up first, and only if still unused: two tabs cannot both use one link.
    used = connection.execute(update(StaffSetupLink).where(
        StaffSetupLink.id == link.id, StaffSetupLink.used_at.is_(None))
        .values(used_at=now)).rowcount
    if not used:
        raise StaffError("link_gone")
    values: dict[str, Any] = {"password_hash": credentials.hash_password(password),
                              "failed_sign_ins": 0, "locked_until": None, "updated_at": now}
    if link.reset_two_step:
        values.update(totp_secret=None, totp_last_step=None)
    connection.execute(update(StaffAccount).where(StaffAccount.id == account.id)
                       .values(**values))
    end_sessions(connection, account.id)
    fresh = get(connection, account.id)
    assert fresh is not None
    return fresh


# -- signing in -----------------------------------------------------------------------------
def check_password(connection: Connection, email: str, password: str,
                   now: datetime) -> SignIn:
    """The first step. An unknown email costs the same time as a wrong password."""
    row = _row(connection, StaffAccount.email == normalise_email(email))
    right, rehashed = credentials.check_password(
        row.password_hash if row is not None else None, password)
    if row is None:
        return SignIn("wrong", None)
    account = _account(row)
    if account.disabled_at is not None:  # said only to someone who knows the password
        return SignIn("disabled" if right else "wrong", account)
    if account.locked(now):
        return SignIn("locked", account)
    if not right:
        return SignIn(_wrong(connection, row, now), account)
    if rehashed:
        connection.execute(update(StaffAccount).where(StaffAccount.id == row.id)
                           .values(password_hash=rehashed))
    if account.two_step:
        return SignIn("second_step", account)
    _signed_in(connection, row.id, now)
    return SignIn("ok", account)


def check_code(connection: Connection, staff_id: int, code: str, now: datetime) -> SignIn:
    """The second step: a code from their authenticator app."""
    row = _row(connection, StaffAccount.id == staff_id)
    if row is None:
        return SignIn("wrong", None)
    account = _account(row)
    if account.disabled_at is not None:
        return SignIn("disabled", account)
    if account.locked(now):
        return SignIn("locked", account)
    step = credentials.code_step(row.totp_secret or "", code, now, row.totp_last_step) \
        if row.totp_secret else None
    if step is None:
        # A code used already (typed again in the same 30 seconds): said plainly, as it is
        # not a mistyped one; it still counts as a wrong try, as any replay would.
        used = row.totp_secret is not None and row.totp_last_step is not None and \
            credentials.code_step(row.totp_secret, code, now, None) is not None
        status = _wrong(connection, row, now)
        return SignIn("used" if used and status == "wrong" else status, account)
    connection.execute(update(StaffAccount).where(StaffAccount.id == row.id)
                       .values(totp_last_step=step))
    _signed_in(connection, row.id, now)
    return SignIn("ok", account)


def add_two_step(connection: Connection, staff_id: int, secret: str, code: str,
                 now: datetime) -> bool:
    """Turn the second step on, once they show a code from the new secret."""
    step = credentials.code_step(secret, code, now, None)
    if step is None:
        return False
    connection.execute(update(StaffAccount).where(StaffAccount.id == staff_id)
                       .values(totp_secret=secret, totp_last_step=step, updated_at=now))
    return True


def _wrong(connection: Connection, row: Any, now: datetime) -> str:
    """One more wrong try; the fifth in a row locks the account for 15 minutes."""
    tries = (row.failed_sign_ins or 0) + 1
    locked = tries >= LOCK_AFTER
    connection.execute(update(StaffAccount).where(StaffAccount.id == row.id).values(
        failed_sign_ins=0 if locked else tries,
        locked_until=now + LOCKED_FOR if locked else row.locked_until))
    return "locked" if locked else "wrong"


def _signed_in(connection: Connection, staff_id: int, now: datetime) -> None:
    connection.execute(update(StaffAccount).where(StaffAccount.id == staff_id).values(
        failed_sign_ins=0, locked_until=None, last_sign_in_at=now))
