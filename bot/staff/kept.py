"""Housekeeping for what console forms keep for the page after them (`staff_kept`, written
and read by `bot.console.shared.Kept`): values past their time go. Here, with the table's
feature, so the hourly tidy job (`bot.jobs`) needs nothing of the console."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete

from bot.staff.models import StaffFormUse, StaffKept


def forget_expired(connection: Connection, now: datetime) -> int:
    """Kept values past their time go (at each `Kept.keep`, and hourly with the tidy job);
    returns how many."""
    gone = int(connection.execute(
        delete(StaffKept).where(StaffKept.expires_at <= now)).rowcount or 0)
    # Forms sent once (`bot.console.once`) past their time go with them (not counted).
    connection.execute(delete(StaffFormUse).where(StaffFormUse.expires_at <= now))
    return gone
