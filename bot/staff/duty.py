"""The duty team, as coordinators see and change it in the console: which volunteers are
on duty (told at once, by text or Telegram, of every new safety alert), and putting
someone on or off duty for them, as their own ON DUTY and OFF DUTY would (the flag is
`volunteers.on_duty`; `bot.safety.alerts` reads it). They are told on their own channel,
in their language, that a coordinator did it; the caller audits who did. Every function
runs in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, update

from bot.core.content import ContentLibrary
from bot.core.events import Outbound
from bot.dispatch.notify import notify
from bot.storage.models import Person, Volunteer


def on_duty(connection: Connection) -> set[int]:
    """The volunteers on duty now (person ids)."""
    return set(connection.scalars(select(Volunteer.person_id).where(
        Volunteer.on_duty.is_(True))))


def set_on_duty(connection: Connection, content: ContentLibrary, person_id: int, on: bool,
                now: datetime) -> bool:
    """Put a volunteer on duty (or off): False when nothing changed (not a volunteer,
    already so, or suspended: never on duty while suspended)."""
    changed = connection.execute(update(Volunteer).where(
        Volunteer.person_id == person_id, Volunteer.on_duty.is_not(on),
        Volunteer.suspended_at.is_(None) if on else Volunteer.person_id.is_not(None))
        .values(on_duty=on)).rowcount
    if not changed:
        return False
    language = connection.scalar(select(Person.language).where(Person.id == person_id))
    theirs = content.for_language(language or "en")
    key = "safety.alerts.on_duty_by_team" if on else "safety.alerts.off_duty_by_team"
    notify(connection, person_id, [Outbound(theirs.text(key))], now, kind="peer")
    return True
