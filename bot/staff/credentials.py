"""Passwords and the second step, as plain functions: argon2id (argon2-cffi's defaults,
RFC 9106's low-memory profile) for passwords, TOTP (RFC 6238, pyotp) for the codes an
authenticator app shows, and a QR code of its set-up address (segno, as SVG)."""

from __future__ import annotations

import hmac
import io
from datetime import datetime
from functools import cache

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD = 12
# Long enough for any pass phrase; short enough that hashing one costs no more than usual.
MAX_PASSWORD = 256
ISSUER = "Move Mates"
STEP_SECONDS = 30
# A code from the step before or after is accepted too (a phone's clock a little out).
DRIFT_STEPS = 1

_HASHER = PasswordHasher()


@cache
def _stand_in_hash() -> str:
    """Checked against when there is no account, so a wrong email costs the same time."""
    return _HASHER.hash("no account has this password, it only spends the same time")


def password_problem(password: str, confirm: str, email: str) -> str | None:
    """Why a new password will not do, as a content key's last part; None when it will.

    Spaces are allowed, as NCSC advises (three random words), but spaces are not a
    password: one that is blank once spaces are taken off is "blank", and the length
    counts the space between two words once, and spaces before or after none ("cat dog
    fish" is 12; "a" and 14 spaces is 1), so padding never makes a short one long."""
    if not password.strip():
        return "blank"
    if len(" ".join(password.split())) < MIN_PASSWORD:
        return "too_short"
    if len(password) > MAX_PASSWORD:
        return "too_long"
    plain = password.strip().casefold()
    address = email.strip().casefold()
    if plain in (address, address.partition("@")[0]) or address in plain:
        return "is_email"
    if password != confirm:
        return "no_match"
    return None


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_password(stored: str | None, password: str) -> tuple[bool, str | None]:
    """(right, a new hash when the stored one used weaker settings than today's)."""
    if len(password) > MAX_PASSWORD:
        return False, None
    try:
        _HASHER.verify(stored or _stand_in_hash(), password)
    except (VerificationError, InvalidHashError):
        return False, None
    if stored is None:
        return False, None
    return True, (_HASHER.hash(password) if _HASHER.check_needs_rehash(stored) else None)


def new_totp_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def spaced(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def code_step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    """The time step a 6-digit code belongs to, if it is right now (give or take one
    step) and later than `after` (a code is never accepted twice); otherwise None."""
    code = "".join(code.split())
    if not (code.isdecimal() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def qr_svg(uri: str) -> bytes:
    """The set-up address as a QR code an authenticator app can scan."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=2,
                                     title="QR code", xmldecl=False)
    return buffer.getvalue()
