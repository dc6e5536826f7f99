"""Signing in with an organisation account (OpenID Connect: Microsoft Entra ID, NHSmail):
from the claims of an ID token the console has already checked (issuer, audience, nonce,
expiry, signature), who this is, which role they have, and the same server-side session a
password sign-in starts (`bot.staff.sessions`: one session system, not two).

Roles come from one of two places (`RoleSource`):
- a claim of the ID token (OIDC_ROLE_CLAIM, such as Entra's app roles in "roles"): its
  values name the role. The organisation decides, so a newcomer with a role gets an account
  here (for sessions and the audit log), and a changed role is followed, except that the
  last coordinator is never made a moderator (`sign_in` says why);
- otherwise staff accounts: the account whose email is the verified email address of the
  token, compared without case. Someone with no account has no role.

Refused, and written in the audit log with the reason: no verified email address, no role,
an account that is turned off. Every function runs in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from bot.staff import accounts, audit, limits, sessions
from bot.staff.accounts import Account, StaffError
from bot.staff.keys import keyed
from bot.staff.models import StaffAccount, StaffSignInAttempt

# What the audit log says about how they signed in (a reason, never a resident's words).
HOW = "organisation account"
# Refusals, as `Outcome.status`: content keys console_organisation.refused.<status>.
REFUSALS = ("no_email", "no_role", "disabled")


@dataclass(frozen=True)
class RoleSource:
    """Where roles come from: `claim` (with the values that name each role), or staff
    accounts when `claim` is None."""

    claim: str | None = None
    coordinator: frozenset[str] = frozenset()
    moderator: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, claim: str | None, coordinator: str, moderator: str
                      ) -> RoleSource:
        """`coordinator` and `moderator`: values separated by commas ("Admin, Lead")."""
        def values(raw: str) -> frozenset[str]:
            return frozenset(v.strip() for v in raw.split(",") if v.strip())

        return cls((claim or "").strip() or None, values(coordinator), values(moderator))

    def role_from_claims(self, claims: Mapping[str, Any]) -> str | None:
        """The role the claim gives (coordinator wins when both match), or None."""
        if self.claim is None:
            return None
        given = set(_strings(claims.get(self.claim)))
        if given & self.coordinator:
            return "coordinator"
        if given & self.moderator:
            return "moderator"
        return None


@dataclass(frozen=True)
class Outcome:
    """`status`: ok, or one of REFUSALS. `token` (for the session cookie) only when ok;
    `account` whenever one was found or made."""

    status: str
    account: Account | None = None
    token: str | None = None
    # The claim said moderator, but they are the last coordinator: kept one (and told).
    kept_coordinator: bool = False


def verified_email(claims: Mapping[str, Any]) -> str | None:
    """The email address the provider vouches for, lower-cased: `email` with
    `email_verified` true (the OpenID Connect claim), or Entra ID's `xms_edov` (the email's
    domain owner is verified). Never `preferred_username` or an unverified `email`: anyone
    can type an address into some directories, and the address is what finds an account."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    if not (_true(claims.get("email_verified")) or _true(claims.get("xms_edov"))):
        return None
    return accounts.normalise_email(email)


def display_name(claims: Mapping[str, Any], email: str) -> str:
    """Their name as the organisation gives it, else the part of the email before the @."""
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(p for p in parts if isinstance(p, str))
    name = accounts.plain_name(str(name))[:accounts.MAX_NAME]
    return name or email.split("@", 1)[0][:accounts.MAX_NAME]


def sign_in(connection: Connection, claims: Mapping[str, Any], source: RoleSource,
            now: datetime) -> Outcome:
    """Decide, record it in the audit log and, when they may come in, start a signed-in
    session. An organisation that checks a second step itself is trusted with it: no code
    from an authenticator app is asked for here."""
    email = verified_email(claims)
    if email is None:
        return _refused(connection, now, None, "no_email")
    account = accounts.find(connection, email)
    kept = False
    if source.claim is not None:
        role = source.role_from_claims(claims)
        if role is None:
            return _refused(connection, now, account, "no_role")
        if account is None:
            try:
                account = accounts.add(connection, email, display_name(claims, email), role,
                                       now)
            except StaffError:  # an address the console cannot hold (too long, no dot)
                return _refused(connection, now, None, "no_email")
            audit.record(connection, now, account.id, "staff_added", detail=HOW)
        elif account.disabled_at is None and account.role != role and \
                accounts.is_last_coordinator(connection, account):
            # Kept a coordinator, not refused: the organisation's directory still decides
            # who comes in (no role at all is refused above), but a service with no
            # coordinator cannot add staff, make set-up links or read its audit log, and
            # with roles from a claim nobody could put that right from the console. A
            # refusal would also lock out the one person who can; an NHS or council
            # service keeps a named lead. It lasts only while nobody else is a
            # coordinator: their next sign-in after someone is follows the claim. It is in
            # the audit log each time, and they are told (`kept_coordinator`).
            audit.record(connection, now, account.id, "staff_role_kept",
                         detail=f"coordinator, the last one; {HOW} says {role}")
            kept = True
        elif account.disabled_at is None and account.role != role:
            connection.execute(update(StaffAccount).where(StaffAccount.id == account.id)
                               .values(role=role, updated_at=now))
            audit.record(connection, now, account.id, "staff_role_changed",
                         detail=f"{account.role} to {role}, by {HOW}")
            account = accounts.get(connection, account.id)
            assert account is not None
    elif account is None:
        return _refused(connection, now, None, "no_role")
    if account.disabled_at is not None:
        return _refused(connection, now, account, "disabled")
    sessions.tidy(connection, now)
    token = sessions.start(connection, account.id, sessions.SIGNED_IN, now)
    connection.execute(update(StaffAccount).where(StaffAccount.id == account.id)
                       .values(last_sign_in_at=now))
    audit.record(connection, now, account.id, "staff_signed_in", detail=f"with {HOW}")
    return Outcome("ok", account, token, kept_coordinator=kept)


def address_allowed(connection: Connection, key: bytes, address: str, now: datetime) -> bool:
    """The per-network-address half of `limits.allowed`. Refusals here are recorded with
    no email (`limits.record(..., "", ...)`): before the issuer has said who this is there
    is no email to count, and a refusal is no guess at a password, so it must never lock
    anyone's password sign-in."""
    wrong = connection.scalar(select(func.count()).select_from(StaffSignInAttempt).where(
        StaffSignInAttempt.succeeded.is_(False), StaffSignInAttempt.at > now - limits.WINDOW,
        StaffSignInAttempt.ip_key == keyed(key, "ip", address)))
    return int(wrong or 0) < limits.PER_ADDRESS


def refused_before_claims(connection: Connection, now: datetime, reason: str) -> None:
    """A sign-in that ended before anyone was known (a bad or late answer from the
    provider): in the audit log with its reason, nobody named."""
    audit.record(connection, now, None, "staff_sign_in_refused", detail=f"{HOW}: {reason}")


def _refused(connection: Connection, now: datetime, account: Account | None,
             status: str) -> Outcome:
    audit.record(connection, now, account.id if account else None, "staff_sign_in_refused",
                 detail=f"{HOW}: {status.replace('_', ' ')}")
    return Outcome(status, account)


def _strings(value: object) -> Iterable[str]:
    """A claim as strings: one string, or a list of them (Entra's roles, groups)."""
    if isinstance(value, str):
        return [value.strip()]
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str)]
    return []


def _true(value: object) -> bool:
    # Some providers send JSON true, some the string "true".
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")
