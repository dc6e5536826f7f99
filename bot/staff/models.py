"""The staff console's tables, registered on the one `Base` (see bot/all_tables.py).

Staff accounts are people who run the service, not residents: no row here holds a
resident's id. Accounts are never deleted, only disabled, so the audit log
(`audit_log.actor_staff_id`) and the safety alerts (`acknowledged_by_staff`) can always say
who acted. Secrets are kept only as hashes: argon2 for passwords, SHA-256 for the random
tokens of set-up links and sessions (a copy of the database lets nobody in).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base

ROLES = ("coordinator", "moderator")


class StaffAccount(Base):
    """One member of staff. `email` is kept lower-cased: one account per address."""

    __tablename__ = "staff_accounts"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16))  # coordinator | moderator
    # None until they use their set-up link.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # The second step (TOTP, RFC 6238), when they chose one; base32.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last 30-second step a code was accepted for: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]
    # Wrong passwords (or codes) in a row; 5 lock the account for 15 minutes.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]


class StaffSetupLink(Base):
    """A one-time link to choose a password (a new account, or a reset): valid 24 hours,
    used once; a newer link for the same account replaces it."""

    __tablename__ = "staff_setup_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"),
                                          index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # A reset that also removes the second step (a lost phone).
    reset_two_step: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class StaffSession(Base):
    """A signed-in browser (or one half-way: password right, second step to come). The
    cookie holds a random token; only its hash is here. Ended by signing out, by the
    account being disabled or reset, after 30 idle minutes or 12 hours at most."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"),
                                          index=True)
    stage: Mapped[str] = mapped_column(String(16))  # signed_in | second_step | setup
    csrf_token: Mapped[str] = mapped_column(String(64))
    # A TOTP secret being set up, until they confirm a code from it.
    pending_totp_secret: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class StaffSignInAttempt(Base):
    """Recent sign-in attempts, to limit them per email address and per network address.
    Both are kept only as keyed hashes, and rows go after a day."""

    __tablename__ = "staff_sign_in_attempts"
    __table_args__ = (Index("ix_staff_sign_in_attempts_email", "email_key", "at"),
                      Index("ix_staff_sign_in_attempts_ip", "ip_key", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    email_key: Mapped[str] = mapped_column(String(40))
    ip_key: Mapped[str] = mapped_column(String(40))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
