"""Who a broadcast is for, and who of them may get it now.

An audience is postcode districts, interests (the activities people picked: options.yaml
`activities`) and a channel (Telegram, SMS or both); an empty list means everyone. Of the
people it matches, a copy goes only to someone who

- agreed to messages from us (`consent_encouragement`, the consent the planner asks for),
  finished starting out, and has not deleted their account;
- is not paused (PAUSE, "not today": they asked for no messages for now);
- can be reached on the channel: an identity that has not sent STOP and has not blocked
  the bot (the dispatcher asks again, for every message, just before it goes).

One copy per person: on "both", by the channel they chose for friendly messages when we
can still reach them there (`answers.reach_by`, as the planner's reminders do), else the
one they last wrote from. Quiet hours are not decided here: they move a copy later
(`bot.broadcasts.send`), they never leave anyone out.

`recipients` answers for the preview (how many, by channel) and for the job (whom to
queue), so the two can never disagree on who is in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from bot.storage.models import Identity, Person

TELEGRAM, SMS, BOTH = "telegram", "sms", "both"
CHANNELS = (TELEGRAM, SMS, BOTH)
# What each choice reaches (the terminal chat's "console" identities never get one).
REACHES: dict[str, tuple[str, ...]] = {TELEGRAM: (TELEGRAM,), SMS: (SMS,), BOTH: (TELEGRAM, SMS)}
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Audience:
    """Districts ("LE11"), interest ids ("walking") and a channel (one of CHANNELS)."""

    districts: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    channel: str = BOTH

    def to_json(self) -> dict[str, Any]:
        return {"districts": list(self.districts), "interests": list(self.interests),
                "channel": self.channel}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Audience:
        data = data or {}
        channel = str(data.get("channel") or BOTH)
        return cls(tuple(str(d) for d in data.get("districts") or ()),
                   tuple(str(i) for i in data.get("interests") or ()),
                   channel if channel in CHANNELS else BOTH)


@dataclass(frozen=True)
class Recipient:
    """One person a copy may go to now, where, and what decides when."""

    person_id: int
    channel: str
    address: str
    language: str
    quiet_start: str
    quiet_end: str


@dataclass(frozen=True)
class Selection:
    """Who gets a copy, and how many the audience matched who may not have one now
    (STOP on every channel asked for, no consent, paused, unreachable)."""

    recipients: tuple[Recipient, ...]
    left_out: int
    by_channel: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.recipients)


def recipients(connection: Connection, audience: Audience, now: datetime, *,
               only: Iterable[int] | None = None) -> Selection:
    """Everyone `audience` matches who may get a copy at `now` (`only`: just these people,
    for asking again about copies already queued). Interests are read from the answers in
    Python: SQLite and PostgreSQL keep JSON differently, and a broadcast reads each person
    once."""
    channels = REACHES.get(audience.channel, REACHES[BOTH])
    query = (select(Person.id, Person.language, Person.quiet_start, Person.quiet_end,
                    Person.answers, Person.consent_encouragement, Person.onboarded_at,
                    Person.status, Person.paused_until, Identity.channel, Identity.address,
                    Identity.opted_out_at, Identity.unreachable_at, Identity.last_inbound_at)
             .join(Identity, Identity.person_id == Person.id)
             .where(Identity.channel.in_(channels))
             .order_by(Person.id, Identity.id))
    if audience.districts:
        query = query.where(Person.district.in_(audience.districts))
    if only is not None:
        query = query.where(Person.id.in_(list(only)))
    matched: dict[int, list[Any]] = {}
    for row in connection.execute(query):
        if audience.interests and not _shares_interest(row.answers, audience.interests):
            continue
        matched.setdefault(row.id, []).append(row)
    chosen = [pick for rows in matched.values()
              if (pick := _reachable(rows, now, audience.channel)) is not None]
    by_channel = {channel: sum(r.channel == channel for r in chosen) for channel in channels}
    return Selection(tuple(chosen), len(matched) - len(chosen), by_channel)


def may_message(row: Any, now: datetime) -> bool:
    """Consent to messages, started, active and not paused (a person's row)."""
    return (bool(row.consent_encouragement) and row.onboarded_at is not None
            and row.status == "active"
            and (row.paused_until is None or row.paused_until <= now))


def _reachable(rows: Sequence[Any], now: datetime, channel: str) -> Recipient | None:
    """The identity a person's copy goes to, or None when they may not have one."""
    first = rows[0]
    if not may_message(first, now):
        return None
    open_rows = [r for r in rows if r.opted_out_at is None and r.unreachable_at is None]
    if not open_rows:
        return None
    chosen = (first.answers or {}).get("reach_by") if channel == BOTH else None
    best = max(open_rows, key=lambda r: (r.channel == chosen, r.last_inbound_at or _NEVER))
    return Recipient(first.id, best.channel, best.address, first.language or "en",
                     first.quiet_start, first.quiet_end)


def _shares_interest(answers: Any, interests: Sequence[str]) -> bool:
    picked = (answers or {}).get("activities") if isinstance(answers, Mapping) else None
    return isinstance(picked, list) and any(str(p) in interests for p in picked)

