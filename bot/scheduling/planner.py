"""Planning encouragement: for everyone who asked for it, on their days, at their times,
never in their quiet hours, never more often than they asked.

Planning writes outbox rows ahead of time (due at a moment inside the person's window,
expiring at the window's end) and check-in reminders. A unique constraint on (person,
kind, local date) means a slot can only ever be planned once, however often or in however
many workers the planner runs.
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property, lru_cache
from typing import Any

from asyncpg.exceptions import UniqueViolationError
from sqlalchemy import Connection, and_, delete, select
from sqlalchemy.util import await_only

from bot.core.content import Content, ContentLibrary
from bot.core.events import Outbound
from bot.core.london import (
    DEFAULT_QUIET,
    local_date,
    local_window,
    parse_hhmm,
    spread_days,
)
from bot.core.london import day_id as weekday_id
from bot.core.turn import TEAM_FLOW, TEAM_HELD
from bot.dispatch.priority import PRIORITY_SCHEDULED
from bot.storage.models import Identity, OutboxMessage, Person, Reminder

PER_WEEK = {"weekly": 1, "twice": 2, "most_days": 5}
SLOT_KIND = "encouragement"
CHECKIN_KIND = "checkin"
IDEA_KIND = "suggestion"
IDEA_EVERY = 6  # one scheduled message in six is a local idea, for people we can place
CHUNK = 5_000
_EPOCH = date(2024, 1, 1)  # a Monday: week numbers count from here
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)
_POOL_SALT = {"general": 0x9E37, "benefits": 0x7F4A, "what_matters": 0x2545, "gentle": 0x6C8E}


@dataclass(frozen=True)
class Recipient:
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
    district: str | None = None  # where they are, so an idea can be local

    @cached_property
    def seed(self) -> int:
        return _person_seed(self.person_id)


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
def _person_seed(person_id: int) -> int:
    return _seed(person_id)


@cache
def _coprimes(size: int) -> tuple[int, ...]:
    return tuple(a for a in range(1, max(size, 2)) if math.gcd(a, size) == 1) or (1,)


def _pick(seed: int, pool: str, size: int, turn: int) -> int:
    """This person's own order through a list, as (a * turn + b) mod size with a coprime
    to size: every message once before any repeats, and no state to keep."""
    mixed = seed ^ _POOL_SALT.get(pool, 0)
    coprimes = _coprimes(size)
    step = coprimes[mixed % len(coprimes)]
    return (step * turn + (mixed >> 8)) % size


def weeks_since_epoch(day: date) -> int:
    return (day - _EPOCH).days // 7


def wishes(candidate: Recipient, gentle: bool) -> tuple[tuple[str, ...], int]:
    """(the days they chose, how many messages a week they asked for)."""
    chosen = tuple(d for d in _list(candidate.answers.get("days")) if d != "any")
    per_week = PER_WEEK.get(str(candidate.answers.get("frequency") or "weekly"), 1)
    if gentle:
        per_week = max(1, per_week // 2)  # fewer, gentler messages after a hard week
    return chosen, per_week


def days_for_week(candidate: Recipient, gentle: bool) -> list[str]:
    chosen, per_week = wishes(candidate, gentle)
    return list(_spread(chosen, per_week, candidate.seed % 7))


def _spread(chosen: tuple[str, ...], per_week: int, offset: int) -> tuple[str, ...]:
    # The order they were chosen in makes no difference, so it is not part of the key.
    return _spread_set(frozenset(chosen), per_week, offset)


@cache
def _spread_set(chosen: frozenset[str], per_week: int, offset: int) -> tuple[str, ...]:
    return tuple(spread_days(list(chosen), per_week, offset))


def message_for(content: Content, candidate: Recipient, sequence: int, gentle: bool) -> str:
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
    key = keys[_pick(candidate.seed, pool, len(keys), turn)]
    return _compose(content, pool, key, str(matters or ""), candidate.name)


@lru_cache(maxsize=65_536)
def _compose(content: Content, pool: str, key: str, matters: str, name: str | None) -> str:
    body = content.text(f"encouragement.{pool}.{key}", what_matters=matters)
    hello = content.text("encouragement.hello_name", name=name) if name \
        else content.text("encouragement.hello")
    return f"{hello} {body}"


@dataclass(frozen=True)
class SlotPlan:
    """One message slot in someone's week, before the person-specific minute is chosen."""

    day: date
    start: datetime
    end: datetime
    index_in_week: int
    week_size: int
    is_checkin: bool
    span_minutes: int = 1

    def __post_init__(self) -> None:
        half = int((self.end - self.start).total_seconds() // 60) // 2
        object.__setattr__(self, "span_minutes", max(1, half))


@dataclass(frozen=True, eq=False)
class Day:
    """A day in the planning horizon, with what every person's plan needs to know of it.
    Compared by identity: one planning run shares the same Day objects, and hashing them
    is part of every person's schedule lookup."""

    date: date
    weekday: str
    ordinal: int
    fortnight_start: bool  # check-ins fall on the first slot of every other week


@lru_cache(maxsize=64)
def horizon(days: tuple[date, ...]) -> tuple[Day, ...]:
    """The same Day objects for the same dates in every run, so schedules worked out in
    one planning run are found again by the next (Days compare by identity)."""
    return tuple(Day(d, weekday_id(d), d.toordinal(), weeks_since_epoch(d) % 2 == 0)
                 for d in days)


@lru_cache(maxsize=1024)
def _quiet(start: str, end: str) -> tuple[time, time]:
    return parse_hhmm(start, DEFAULT_QUIET[0]), parse_hhmm(end, DEFAULT_QUIET[1])


@lru_cache(maxsize=65_536)
def _signature_slots(days: tuple[Day, ...], week_days: tuple[str, ...],
                     times: tuple[str, ...], time_turn: int,
                     quiet: tuple[str, str]) -> tuple[SlotPlan, ...]:
    """Everyone whose week falls on the same days at the same times shares these slots
    (only their minute differs), so a big wave is a few thousand distinct schedules, not
    one per person."""
    quiet_start, quiet_end = _quiet(*quiet)
    found = []
    for day in days:
        if day.weekday not in week_days:
            continue
        time_of_day = times[(day.ordinal + time_turn) % len(times)]
        window = local_window(day.date, time_of_day, quiet_start, quiet_end)
        if window is not None:
            found.append(SlotPlan(day.date, window.start, window.end,
                                  week_days.index(day.weekday), len(week_days),
                                  day.fortnight_start and day.weekday == week_days[0]))
    return tuple(found)


def slots(candidate: Recipient, days: tuple[Day, ...], now: datetime
          ) -> Iterator[tuple[SlotPlan, datetime]]:
    """Each slot this person should get a message in, with the moment it is due."""
    gentle = candidate.gentle_until is not None and candidate.gentle_until > now
    chosen, per_week = wishes(candidate, gentle)
    seed = candidate.seed
    times = tuple(t for t in _list(candidate.answers.get("times")) if t != "varies") or \
        ("varies",)
    paused = candidate.paused_until
    week_days = _spread(chosen, per_week, seed % 7)
    for slot in _signature_slots(days, week_days, times, seed % len(times),
                                 (candidate.quiet_start, candidate.quiet_end)):
        if slot.end <= now:
            continue  # the window has gone: a missed message is skipped, never sent late
        if paused is not None and paused > slot.start:
            continue
        # Spread a wave across the first part of the window, the same minute each time.
        yield slot, max(slot.start + timedelta(minutes=seed % slot.span_minutes), now)


# Someone a member of staff holds (talk to a person, bot/staff/help.py) gets nothing
# friendly from the bot meanwhile: the hold drops what was queued, and nothing new is
# planned until it is handed back (the next planning round plans them again).
_NOT_HELD = "(flow IS NULL OR step IS NULL OR flow <> {flow} OR step <> {step})"


def candidates(connection: Connection, after_id: int, limit: int) -> list[Recipient]:
    """People who asked for encouragement, with the identity they last wrote from; not
    those a member of staff holds the conversation of."""
    if connection.dialect.name == "sqlite":
        people, identities = _fetch_sqlite(connection, after_id, limit)
    else:
        people, identities = _fetch(connection, after_id, limit)
    reachable: dict[int, tuple[str, str, datetime]] = {}
    for person_id, channel, address, last in identities:
        # The channel they last wrote from is the one they use now.
        when = last or _NEVER
        best = reachable.get(person_id)
        if best is None or when > best[2]:
            reachable[person_id] = (channel, address, when)
    return [
        Recipient(p[0], *reachable[p[0]][:2], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8])
        for p in people if p[0] in reachable
    ]


Row = tuple[Any, ...]


def _fetch(connection: Connection, after_id: int, limit: int) -> tuple[list[Row], list[Row]]:
    """PostgreSQL, through asyncpg directly: the ORM's per-value processing was a fifth of
    the planning time at 100,000 people. timestamptz columns come back in UTC."""
    raw = connection.connection.driver_connection  # type: ignore[union-attr]
    # Only the answers planning reads, taken apart by PostgreSQL: arrays of text decode
    # natively, where whole JSON documents would each go through json.loads.
    people = await_only(raw.fetch(
        "SELECT id, name, language, "
        "ARRAY(SELECT jsonb_array_elements_text(CASE jsonb_typeof(answers->'days') "
        "WHEN 'array' THEN answers->'days' ELSE '[]' END)), "
        "ARRAY(SELECT jsonb_array_elements_text(CASE jsonb_typeof(answers->'times') "
        "WHEN 'array' THEN answers->'times' ELSE '[]' END)), "
        "answers->>'frequency', answers->>'what_matters', "
        "paused_until, gentle_until, quiet_start, quiet_end, district FROM persons "
        "WHERE id > $1 AND consent_encouragement AND onboarded_at IS NOT NULL "
        f"AND status = 'active' AND {_NOT_HELD.format(flow='$3', step='$4')} "
        "ORDER BY id LIMIT $2",
        after_id, limit, TEAM_FLOW, TEAM_HELD))
    if not people:
        return [], []
    identities = await_only(raw.fetch(
        "SELECT person_id, channel, address, last_inbound_at FROM identities "
        "WHERE person_id BETWEEN $1 AND $2 AND opted_out_at IS NULL "
        "AND unreachable_at IS NULL", people[0][0], people[-1][0]))
    return (
        [(p[0], p[1], p[2], {"days": p[3], "times": p[4], "frequency": p[5],
                             "what_matters": p[6]}, *tuple(p)[7:]) for p in people],
        [tuple(i) for i in identities],
    )


def _fetch_sqlite(connection: Connection, after_id: int, limit: int
                  ) -> tuple[list[Row], list[Row]]:
    """The same query through the driver: with 100,000 people, per-value conversion in the
    ORM layer was a third of the planning time."""
    raw = connection.connection.driver_connection  # type: ignore[union-attr]
    people = raw.execute(
        "SELECT id, name, language, answers, paused_until, gentle_until, quiet_start, "
        "quiet_end, district FROM persons WHERE id > ? AND consent_encouragement = 1 "
        "AND onboarded_at IS NOT NULL AND status = 'active' "
        f"AND {_NOT_HELD.format(flow='?', step='?')} ORDER BY id LIMIT ?",
        (after_id, TEAM_FLOW, TEAM_HELD, limit)).fetchall()
    if not people:
        return [], []
    identities = raw.execute(
        "SELECT person_id, channel, address, last_inbound_at FROM identities "
        "WHERE person_id BETWEEN ? AND ? AND opted_out_at IS NULL AND unreachable_at IS NULL",
        (people[0][0], people[-1][0])).fetchall()
    return (
        [(p[0], p[1], p[2], json.loads(p[3]) if p[3] else {}, _from_sqlite(p[4]),
          _from_sqlite(p[5]), p[6], p[7], p[8]) for p in people],
        [(i[0], i[1], i[2], _from_sqlite(i[3])) for i in identities],
    )


def _from_sqlite(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


def plan(connection: Connection, content: ContentLibrary, now: datetime,
         horizon_days: int = 2) -> PlanResult:
    """Plan every slot from today (London time) for `horizon_days` days. Safe to repeat."""
    # Hundreds of thousands of short-lived tuples: the cyclic collector would rescan them
    # all again and again (none of them form cycles), doubling the time for a big wave.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _plan(connection, content, now, horizon_days)
    finally:
        if collecting:
            gc.enable()


def _plan(connection: Connection, content: ContentLibrary, now: datetime,
          horizon_days: int) -> PlanResult:
    # The driver-level reads and writes below must share the transaction SQLAlchemy begins
    # lazily, on its first statement: so make that statement now.
    connection.execute(select(1))
    today = local_date(now)
    days = horizon(tuple(today + timedelta(days=n) for n in range(horizon_days)))
    result = PlanResult()
    writer = _Writer(connection, now)
    after = 0
    while batch := candidates(connection, after, CHUNK):
        after = batch[-1].person_id
        # What earlier runs planned for these people: skipped before any work is done, so
        # the planner can run every few minutes.
        done = _already_planned(connection, batch[0].person_id, after, days[0].date)
        messages, reminders = [], []
        for candidate in batch:
            result.people += 1
            language = content.for_language(candidate.language)
            gentle = candidate.gentle_until is not None and candidate.gentle_until > now
            for slot, due in slots(candidate, days, now):
                if (candidate.person_id, slot.day) in done:
                    continue
                sequence = weeks_since_epoch(slot.day) * slot.week_size + slot.index_in_week
                if slot.is_checkin:
                    reminders.append((candidate.person_id, CHECKIN_KIND, slot.day, due, slot.end))
                    continue
                if candidate.district and sequence % IDEA_EVERY == IDEA_EVERY - 1:
                    # Now and then, a local idea drawn from what they told us, chosen
                    # when it's due so it reflects the catalogue and their wishes then.
                    reminders.append((candidate.person_id, IDEA_KIND, slot.day, due, slot.end))
                    continue
                text = message_for(language, candidate, sequence, gentle)
                messages.append((candidate, slot.day, due, slot.end, text))
        result.messages += writer.messages(messages)
        result.checkins += writer.reminders(reminders)
    return result


def _already_planned(connection: Connection, first: int, last: int, since: date
                     ) -> set[tuple[int, date]]:
    outbox = connection.execute(
        select(OutboxMessage.person_id, OutboxMessage.slot_date)
        .where(OutboxMessage.person_id.between(first, last), OutboxMessage.slot_kind.is_not(None),
               OutboxMessage.slot_date >= since))
    reminders = connection.execute(
        select(Reminder.person_id, Reminder.slot_date)
        .where(Reminder.person_id.between(first, last), Reminder.slot_date >= since))
    return {(person, day) for person, day in (*outbox, *reminders)}


class _Writer:
    """Writes planned rows, skipping any already planned. On SQLite it goes straight to the
    driver's executemany: at 100,000 people the ORM's per-value processing was most of the
    time. Elsewhere it uses SQLAlchemy's insert with ON CONFLICT DO NOTHING."""

    def __init__(self, connection: Connection, now: datetime) -> None:
        self.connection = connection
        self.now = now
        self.sqlite = connection.dialect.name == "sqlite"

    def messages(self, rows: list[tuple[Recipient, date, datetime, datetime, str]]) -> int:
        if not rows:
            return 0
        if self.sqlite:
            values = [(c.person_id, c.channel, c.address, _payload_json(text),
                       _plan_key(c.person_id, day), _iso_date(day), _sqlite_time(due),
                       _sqlite_time(expires)) for c, day, due, expires, text in rows]
            return self._raw(_SQLITE_OUTBOX.format(now=_sqlite_time(self.now)), values)
        records = [(c.person_id, c.channel, c.address, SLOT_KIND, PRIORITY_SCHEDULED,
                    _payload_json(text), _plan_key(c.person_id, day), SLOT_KIND, day, due,
                    expires, "queued", 0, 0, False, self.now, self.now)
                   for c, day, due, expires, text in rows]
        return self._copy("outbox", _OUTBOX_COLUMNS, records)

    def reminders(self, rows: list[tuple[int, str, date, datetime, datetime]]) -> int:
        if not rows:
            return 0
        if self.sqlite:
            stamp = _sqlite_time(self.now)
            values = [(person, kind, day.isoformat(), _sqlite_time(due),
                       _sqlite_time(expires), stamp) for person, kind, day, due, expires in rows]
            return self._raw(_SQLITE_REMINDER, values)
        records = [(person, kind, day, due, expires, "{}", "pending", self.now)
                   for person, kind, day, due, expires in rows]
        return self._copy("reminders", _REMINDER_COLUMNS, records)

    def _copy(self, table: str, columns: tuple[str, ...], records: list[tuple[Any, ...]]) -> int:
        """PostgreSQL: COPY straight into the table. Rows planned earlier were left out
        already, so a clash means another planner is at work right now: then undo to the
        savepoint and let ON CONFLICT DO NOTHING keep whichever row came first."""
        raw = self.connection.connection.driver_connection  # asyncpg, inside run_sync
        await_only(raw.execute("SAVEPOINT planning_copy"))
        try:
            await_only(raw.copy_records_to_table(table, records=records, columns=list(columns)))
        except UniqueViolationError:
            await_only(raw.execute("ROLLBACK TO SAVEPOINT planning_copy"))
            await_only(raw.execute("RELEASE SAVEPOINT planning_copy"))
            return self._copy_skipping_planned(table, columns, records)
        await_only(raw.execute("RELEASE SAVEPOINT planning_copy"))
        return len(records)

    def _copy_skipping_planned(self, table: str, columns: tuple[str, ...],
                               records: list[tuple[Any, ...]]) -> int:
        """COPY into a scratch table, then one INSERT ... ON CONFLICT DO NOTHING."""
        raw = self.connection.connection.driver_connection
        scratch = f"planned_{table}"
        listed = ", ".join(columns)
        await_only(raw.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {scratch} "
            f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"))
        await_only(raw.execute(f"TRUNCATE {scratch}"))
        await_only(raw.copy_records_to_table(scratch, records=records, columns=list(columns)))
        status = await_only(raw.execute(
            f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {scratch} "
            "ON CONFLICT DO NOTHING"))
        return int(str(status).rsplit(" ", 1)[-1])

    def _raw(self, sql: str, values: list[tuple[object, ...]]) -> int:
        cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(sql, values)
            return int(cursor.rowcount or 0)
        finally:
            cursor.close()


_OUTBOX_COLUMNS = ("person_id", "channel", "address", "kind", "priority", "payload",
                   "idempotency_key", "slot_kind", "slot_date", "due_at", "expires_at",
                   "status", "attempts", "parts_sent", "bypass_suppression", "created_at",
                   "updated_at")
_REMINDER_COLUMNS = ("person_id", "kind", "slot_date", "due_at", "expires_at", "payload",
                     "status", "created_at")

# Column lists match the tables; INSERT OR IGNORE skips a slot planned before.
_SQLITE_OUTBOX = (
    "INSERT OR IGNORE INTO outbox (person_id, channel, address, kind, priority, payload, "
    "idempotency_key, slot_kind, slot_date, due_at, expires_at, status, attempts, parts_sent, "
    f"bypass_suppression, created_at, updated_at) VALUES (?, ?, ?, '{SLOT_KIND}', "
    f"{PRIORITY_SCHEDULED}, ?, ?, '{SLOT_KIND}', ?, ?, ?, 'queued', 0, 0, 0, "
    "'{now}', '{now}')")
_SQLITE_REMINDER = (
    "INSERT OR IGNORE INTO reminders (person_id, kind, slot_date, due_at, expires_at, payload, "
    "status, created_at) VALUES (?, ?, ?, ?, ?, '{}', 'pending', ?)")


@lru_cache(maxsize=65_536)
def _sqlite_time(moment: datetime) -> str:
    """How SQLAlchemy stores a UTC datetime in SQLite, so comparisons keep working."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


_EMPTY_PAYLOAD = Outbound("").to_json()
_PAYLOAD_REST = json.dumps({k: v for k, v in _EMPTY_PAYLOAD.items() if k != "text"})[1:]


@lru_cache(maxsize=65_536)
def _payload_json(text: str) -> str:
    """The same JSON as Outbound(text).to_json(), built without a dict per message."""
    return '{"text": ' + json.dumps(text) + ", " + _PAYLOAD_REST


def _plan_key(person_id: int, day: date) -> str:
    return f"plan:{person_id}:{_iso_date(day)}"


@lru_cache(maxsize=1024)
def _iso_date(day: date) -> str:
    return day.isoformat()


def due_reminders(connection: Connection, now: datetime, limit: int = 500
                  ) -> list[tuple[int, int, str, str, str, datetime | None, dict[str, object]]]:
    """Pending reminders whose time has come, with the identity to use."""
    rows = connection.execute(
        select(Reminder.id, Reminder.person_id, Reminder.kind, Reminder.expires_at,
               Reminder.payload, Identity.channel, Identity.address, Identity.last_inbound_at,
               Person.answers)
        .join(Identity, and_(Identity.person_id == Reminder.person_id,
                             Identity.opted_out_at.is_(None), Identity.unreachable_at.is_(None)))
        .join(Person, Person.id == Reminder.person_id)
        .where(Reminder.status == "pending", Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id).limit(limit)
    ).all()
    # One identity per reminder: the channel they chose for friendly messages if we may
    # still reach them there, else the one they last wrote from.
    best: dict[int, Any] = {}
    for r in rows:
        chosen = (r.answers or {}).get("reach_by")
        rank = (r.channel == chosen, r.last_inbound_at or _NEVER)
        if r.id not in best or rank > best[r.id][0]:
            best[r.id] = (rank, r)
    # Dicts keep first-seen order: due time, then id, as queried.
    return [(r.id, r.person_id, r.kind, r.channel, r.address, r.expires_at,
             dict(r.payload or {})) for _rank, r in best.values()]


def _list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def drop_planned(connection: Connection, person_id: int) -> int:
    """Forget scheduled messages not yet sent, so the planner replans them with the
    person's new wishes (a pause, other days). Sent ones stay: never twice on one day.
    Only what the planner made goes: a follow-up promised in a conversation stays."""
    outbox = OutboxMessage.__table__
    dropped = connection.execute(
        delete(outbox).where(outbox.c.person_id == person_id, outbox.c.status == "queued",
                             outbox.c.slot_kind.is_not(None))).rowcount
    connection.execute(delete(Reminder.__table__).where(
        Reminder.person_id == person_id, Reminder.status == "pending",
        Reminder.kind.in_((CHECKIN_KIND, IDEA_KIND))))
    return int(dropped or 0)
