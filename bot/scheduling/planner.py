"""Planning encouragement: for everyone who asked for it, on their days, at their times,
never in their quiet hours, never more often than they asked.

Planning writes outbox rows ahead of time (due at a moment inside the person's window,
expiring at the window's end) and check-in reminders. A unique constraint on (person,
kind, local date) means a slot can only ever be planned once, however often or in however
many workers the planner runs.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from sqlalchemy import Connection, and_, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.engine.content import Content, ContentLibrary
from bot.engine.events import Outbound
from bot.scheduling.windows import (
    DEFAULT_QUIET,
    local_date,
    local_window,
    parse_hhmm,
    spread_days,
)
from bot.scheduling.windows import day_id as weekday_id
from bot.storage.models import Identity, OutboxMessage, Person, Reminder

PER_WEEK = {"weekly": 1, "twice": 2, "most_days": 5}
SLOT_KIND = "encouragement"
CHECKIN_KIND = "checkin"
PRIORITY_SCHEDULED = 5
CHUNK = 5_000
_EPOCH = date(2024, 1, 1)  # a Monday: week numbers count from here
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Candidate:
    """What planning needs to know about one person."""

    person_id: int
    channel: str
    address: str
    name: str | None
    language: str
    answers: dict[str, object]
    paused_until: datetime | None
    gentle_until: datetime | None
    quiet_start: str
    quiet_end: str


@dataclass
class PlanResult:
    people: int = 0
    messages: int = 0
    checkins: int = 0


def _seed(*parts: object) -> int:
    """A stable number for the same inputs in every process (unlike hash())."""
    text = ":".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


@cache
def _order(person_id: int, pool_size: int, pool: str) -> tuple[int, ...]:
    """This person's own order through a pool: every message once before any repeats."""
    order = list(range(pool_size))
    random.Random(_seed(person_id, pool)).shuffle(order)
    return tuple(order)


def weeks_since_epoch(day: date) -> int:
    return (day - _EPOCH).days // 7


def days_for_week(candidate: Candidate, gentle: bool) -> list[str]:
    chosen = [d for d in _list(candidate.answers.get("days")) if d != "any"]
    per_week = PER_WEEK.get(str(candidate.answers.get("frequency") or "weekly"), 1)
    if gentle:
        per_week = max(1, per_week // 2)  # fewer, gentler messages after a hard week
    return spread_days(chosen, per_week, offset=_seed(candidate.person_id) % 7)


def time_of_day(candidate: Candidate, day: date) -> str:
    """One of their chosen times; with several, they take turns through the week."""
    times = [t for t in _list(candidate.answers.get("times")) if t != "varies"] or ["varies"]
    return times[(day.toordinal() + _seed(candidate.person_id)) % len(times)]


def message_for(content: Content, candidate: Candidate, sequence: int, gentle: bool) -> str:
    """The nth message for this person: a mix of encouragement, benefits-outweigh-risks
    and their own words, each list rotating without repeats."""
    matters = candidate.answers.get("what_matters")
    cycle, position = divmod(sequence, 4)
    # Each list has its own count of turns, so it goes through every message before any
    # repeats: benefits take one place in four, their own words another (if given).
    general_places = (0, 2) if matters else (0, 1, 2)
    if gentle:
        pool, turn = "gentle", sequence
    elif position == 3:
        pool, turn = "benefits", cycle
    elif matters and position == 1:
        pool, turn = "what_matters", cycle
    else:
        pool = "general"
        turn = cycle * len(general_places) + general_places.index(position)
    keys = list(content.keys_under(f"encouragement.{pool}"))
    key = keys[_order(candidate.person_id, len(keys), pool)[turn % len(keys)]]
    body = content.text(f"encouragement.{pool}.{key}", what_matters=matters or "")
    hello = content.text("encouragement.hello_name", name=candidate.name) if candidate.name \
        else content.text("encouragement.hello")
    return f"{hello} {body}"


def slots(candidate: Candidate, days: Sequence[date], now: datetime
          ) -> Iterator[tuple[date, datetime, datetime, bool]]:
    """(day, due, expires, is_checkin) for each message this person should get."""
    quiet_start = parse_hhmm(candidate.quiet_start, DEFAULT_QUIET[0])
    quiet_end = parse_hhmm(candidate.quiet_end, DEFAULT_QUIET[1])
    for day in days:
        gentle = candidate.gentle_until is not None and candidate.gentle_until > now
        if weekday_id(day) not in days_for_week(candidate, gentle):
            continue
        window = local_window(day, time_of_day(candidate, day), quiet_start, quiet_end)
        if window is None or window.end <= now:
            continue  # the window has gone: a missed message is skipped, never sent late
        if candidate.paused_until is not None and candidate.paused_until > window.start:
            continue
        # Spread a wave across the first part of the window, the same minute each time.
        span = max(1, int((window.end - window.start).total_seconds() // 60) // 2)
        due = max(window.start + timedelta(minutes=_seed(candidate.person_id) % span), now)
        week_days = days_for_week(candidate, gentle)
        is_checkin = (weeks_since_epoch(day) % 2 == 0 and weekday_id(day) == week_days[0])
        yield day, due, window.end, is_checkin


def candidates(connection: Connection, after_id: int, limit: int) -> list[Candidate]:
    """People who asked for encouragement, with the identity they last wrote from."""
    people = connection.execute(
        select(Person.id, Person.name, Person.language, Person.answers, Person.paused_until,
               Person.gentle_until, Person.quiet_start, Person.quiet_end)
        .where(Person.id > after_id, Person.consent_encouragement.is_(True),
               Person.onboarded_at.is_not(None), Person.status == "active")
        .order_by(Person.id).limit(limit)
    ).all()
    if not people:
        return []
    ids = [p.id for p in people]
    reachable: dict[int, tuple[str, str, datetime]] = {}
    for person_id, channel, address, last in connection.execute(
        select(Identity.person_id, Identity.channel, Identity.address, Identity.last_inbound_at)
        .where(Identity.person_id.between(ids[0], ids[-1]), Identity.opted_out_at.is_(None),
               Identity.unreachable_at.is_(None))
    ):
        # The channel they last wrote from is the one they use now.
        when = last or _NEVER
        best = reachable.get(person_id)
        if best is None or when > best[2]:
            reachable[person_id] = (channel, address, when)
    return [
        Candidate(p.id, *reachable[p.id][:2], p.name, p.language, dict(p.answers or {}),
                  p.paused_until, p.gentle_until, p.quiet_start, p.quiet_end)
        for p in people if p.id in reachable
    ]


def plan(connection: Connection, content: ContentLibrary, now: datetime,
         horizon_days: int = 2) -> PlanResult:
    """Plan every slot from today (London time) for `horizon_days` days. Safe to repeat."""
    today = local_date(now)
    days = [today + timedelta(days=n) for n in range(horizon_days)]
    result = PlanResult()
    dialect_insert = sqlite_insert if connection.dialect.name == "sqlite" else postgres_insert
    # RETURNING gives back only the rows really inserted, so the counts are honest (a
    # batch's rowcount is not, on every driver).
    insert_outbox = dialect_insert(OutboxMessage.__table__).on_conflict_do_nothing(
        index_elements=["person_id", "slot_kind", "slot_date"]).returning(
        OutboxMessage.__table__.c.id)
    insert_reminder = dialect_insert(Reminder.__table__).on_conflict_do_nothing(
        index_elements=["person_id", "kind", "slot_date"]).returning(Reminder.__table__.c.id)
    after = 0
    while batch := candidates(connection, after, CHUNK):
        after = batch[-1].person_id
        messages, reminders = [], []
        for candidate in batch:
            result.people += 1
            language = content.for_language(candidate.language)
            for day, due, expires, is_checkin in slots(candidate, days, now):
                if is_checkin:
                    reminders.append(_reminder(candidate, day, due, expires, now))
                    continue
                gentle = candidate.gentle_until is not None and candidate.gentle_until > now
                sequence = _sequence(candidate, day, gentle)
                text = message_for(language, candidate, sequence, gentle)
                messages.append(_outbox_row(candidate, day, due, expires, text, now))
        if messages:
            result.messages += len(connection.execute(insert_outbox, messages).all())
        if reminders:
            result.checkins += len(connection.execute(insert_reminder, reminders).all())
    return result


def _sequence(candidate: Candidate, day: date, gentle: bool) -> int:
    """A count that goes up by one with each planned message, so rotation needs no state."""
    week_days = days_for_week(candidate, gentle)
    return weeks_since_epoch(day) * len(week_days) + week_days.index(weekday_id(day))


def _outbox_row(candidate: Candidate, day: date, due: datetime, expires: datetime, text: str,
                now: datetime) -> dict[str, object]:
    return {
        "person_id": candidate.person_id, "channel": candidate.channel,
        "address": candidate.address, "kind": SLOT_KIND, "priority": PRIORITY_SCHEDULED,
        "payload": Outbound(text).to_json(),
        "idempotency_key": f"plan:{candidate.person_id}:{SLOT_KIND}:{day.isoformat()}",
        "slot_kind": SLOT_KIND, "slot_date": day, "due_at": due, "expires_at": expires,
        "status": "queued", "attempts": 0, "parts_sent": 0, "bypass_suppression": False,
        "created_at": now, "updated_at": now,
    }


def _reminder(candidate: Candidate, day: date, due: datetime, expires: datetime,
              now: datetime) -> dict[str, object]:
    return {"person_id": candidate.person_id, "kind": CHECKIN_KIND, "slot_date": day,
            "due_at": due, "expires_at": expires, "payload": {}, "status": "pending",
            "created_at": now}


def due_reminders(connection: Connection, now: datetime, limit: int = 500
                  ) -> list[tuple[int, int, str, str, str, datetime | None, dict[str, object]]]:
    """Pending reminders whose time has come, with the identity to use."""
    rows = connection.execute(
        select(Reminder.id, Reminder.person_id, Reminder.kind, Reminder.expires_at,
               Reminder.payload, Identity.channel, Identity.address)
        .join(Identity, and_(Identity.person_id == Reminder.person_id,
                             Identity.opted_out_at.is_(None), Identity.unreachable_at.is_(None)))
        .where(Reminder.status == "pending", Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id).limit(limit)
    ).all()
    seen: set[int] = set()
    found = []
    for r in rows:
        if r.id not in seen:  # one identity per reminder is enough
            seen.add(r.id)
            found.append((r.id, r.person_id, r.kind, r.channel, r.address, r.expires_at,
                          dict(r.payload or {})))
    return found


def _list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
