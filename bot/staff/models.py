"""The staff console's tables, registered on the one `Base` (see bot/all_tables.py).

Staff accounts are people who run the service, not residents: only the requests to talk
to a person (`team_requests`, with their thread) hold a resident's id, and go when the
resident erases their data. Accounts are never deleted, only disabled, so the audit log
(`audit_log.actor_staff_id`) and the safety alerts (`acknowledged_by_staff`) can always say
who acted. Secrets are kept only as hashes: argon2 for passwords, SHA-256 for the random
tokens of set-up links and sessions (a copy of the database lets nobody in).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
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


class StaffKept(Base):
    """What a console form's POST leaves for the page its redirect leads to (an invite code
    shown once, a reply or a broadcast being checked), found by the worker that serves that
    GET, whichever it is. Only the handle's hash is here, and the value is sealed with a
    key made from the handle (`bot.console.shared.Kept`): a copy of the database opens
    none. Goes with its session (signing out, disabling, expiry) or after `expires_at`."""

    __tablename__ = "staff_kept"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("staff_sessions.id", ondelete="CASCADE"), index=True)
    handle_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(200))  # the value's class, module.qualname
    sealed: Mapped[bytes] = mapped_column(LargeBinary)  # nonce + AES-GCM of its JSON
    expires_at: Mapped[datetime] = mapped_column(index=True)


class StaffFormUse(Base):
    """A console form sent once: its one-time token (as an HMAC under the session's
    anti-forgery token, with the address it was posted to) and where its first sending
    led (`bot.console.once`), so the same form sent again (a double click, Back and send)
    does nothing twice and is shown that outcome. `location` is empty while the first is
    still being done. Goes with its session, or after `expires_at`; no resident's id."""

    __tablename__ = "staff_form_uses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("staff_sessions.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    location: Mapped[str | None] = mapped_column(String(2000))
    expires_at: Mapped[datetime] = mapped_column(index=True)


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


class TeamRequest(Base):
    """A resident asked to talk to a person from the team ("talk to a person", on any
    channel). `waiting` until a member of staff picks it up; `held` while they hold the
    conversation (the resident's messages come to them, not the bot); `closed` when handed
    back with an outcome, or when the resident sent STOP (`ended_by`). Deleted, with its
    thread, when the resident erases their data."""

    __tablename__ = "team_requests"
    __table_args__ = (Index("ix_team_requests_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"),
                                           index=True)
    channel: Mapped[str] = mapped_column(String(16))  # where they asked
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    created_at: Mapped[datetime]
    # What they were told: out of hours, and when the team would be working again.
    out_of_hours: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_after: Mapped[datetime | None]
    last_message_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    claimed_by_name: Mapped[str | None] = mapped_column(String(80))
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    closed_by_name: Mapped[str | None] = mapped_column(String(80))
    ended_by: Mapped[str | None] = mapped_column(String(16))  # staff | stop
    outcome: Mapped[str | None] = mapped_column(Text)  # what staff did, in their words


class TeamMessage(Base):
    """One line of a request's thread: what the resident sent (`in`), a staff reply as
    queued in the outbox (`out`, with its SMS segments), or a note only staff see."""

    __tablename__ = "team_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("team_requests.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    direction: Mapped[str] = mapped_column(String(8))  # in | out | note
    kind: Mapped[str] = mapped_column(String(16), default="text")  # text | location | choice
    # Forgotten after 30 days, like every sent text (`help.forget_old_words`).
    text: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    staff_name: Mapped[str | None] = mapped_column(String(80))
    channel: Mapped[str | None] = mapped_column(String(16))
    outbox_id: Mapped[int | None] = mapped_column(Integer)
    segments: Mapped[int | None] = mapped_column(Integer)
