"""Sign-in limits, kept in the database so every worker shares them: 5 wrong tries for one
email address in 15 minutes, from anywhere (whether or not it has an account, so the answer
never says which addresses do), and a much higher ceiling of 100 from one network address.

Per account first, because many staff share one address: an NHS trust's network reaches
us from a handful of addresses, so a limit per address alone would let a few people's
mistyped passwords (or one person's, on purpose) shut out everyone behind it. The
address's ceiling stops one machine trying many emails; the email's limit (and the
account's own lock, `accounts.LOCK_AFTER`) stops anyone, from one address or many,
guessing one account's password. Emails and addresses are kept only as keyed hashes, for
a day."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select, update

from bot.staff.accounts import normalise_email
from bot.staff.keys import keyed
from bot.staff.models import StaffSignInAttempt

WINDOW = timedelta(minutes=15)
PER_EMAIL = 5
PER_ADDRESS = 100
KEPT_FOR = timedelta(days=1)


def _keys(key: bytes, email: str, address: str) -> tuple[str, str]:
    return keyed(key, "email", normalise_email(email)), keyed(key, "ip", address)


def allowed(connection: Connection, key: bytes, email: str, address: str,
            now: datetime) -> bool:
    email_key, ip_key = _keys(key, email, address)

    def wrong_tries(*where: object) -> int:
        return int(connection.scalar(select(func.count()).select_from(StaffSignInAttempt)
                                     .where(StaffSignInAttempt.succeeded.is_(False),
                                            StaffSignInAttempt.at > now - WINDOW,
                                            *where)) or 0)

    return (wrong_tries(StaffSignInAttempt.email_key == email_key) < PER_EMAIL and
            wrong_tries(StaffSignInAttempt.ip_key == ip_key) < PER_ADDRESS)


def record(connection: Connection, key: bytes, email: str, address: str, now: datetime,
           succeeded: bool) -> None:
    email_key, ip_key = _keys(key, email, address)
    connection.execute(delete(StaffSignInAttempt).where(StaffSignInAttempt.at < now - KEPT_FOR))
    if succeeded:  # the person who knows the password starts afresh
        connection.execute(delete(StaffSignInAttempt).where(
            StaffSignInAttempt.email_key == email_key))
    connection.execute(insert(StaffSignInAttempt).values(
        at=now, email_key=email_key, ip_key=ip_key, succeeded=succeeded))


def clear(connection: Connection, key: bytes, email: str) -> None:
    """A new password chosen with a set-up link: the wrong tries against that email no
    longer count (the lockout page says a coordinator's new link is the way back in)."""
    email_key, _ip_key = _keys(key, email, "")
    # Kept, without the email, so they still count against their network address.
    connection.execute(update(StaffSignInAttempt).where(
        StaffSignInAttempt.email_key == email_key).values(email_key="cleared"))
