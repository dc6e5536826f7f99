"""The console's own secret (32 random bytes in `app_keys`, made by migration 0013): it
signs the anti-forgery token of forms shown before sign-in, and keys the hashes that
sign-in limits keep of email and network addresses."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.storage.models import AppKey

NAME = "console"
_NEW_KEY = {
    "sqlite": sqlite_insert(AppKey.__table__).on_conflict_do_nothing(),
    "postgresql": postgres_insert(AppKey.__table__).on_conflict_do_nothing(),
}


def console_key(connection: Connection) -> bytes:
    value = connection.scalar(select(AppKey.value).where(AppKey.name == NAME))
    if value is None:  # a database made without the migration
        connection.execute(_NEW_KEY[connection.dialect.name],
                           {"name": NAME, "value": secrets.token_hex(32)})
        value = connection.scalar(select(AppKey.value).where(AppKey.name == NAME))
    return bytes.fromhex(str(value))


def keyed(key: bytes, purpose: str, text: str) -> str:
    """An HMAC-SHA256 of `text` for one purpose: equal texts give equal values, and
    nothing in it says what the text was."""
    message = f"{purpose}\x00{text}".encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def token_hash(token: str) -> str:
    """How a random token (a set-up link's, a session's) is kept: only its SHA-256."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()
