"""One person on two channels: one-time codes, and joining two people into one.

Someone who texts today and gets a smartphone tomorrow keeps everything. On Telegram they
type their mobile number and we text it a six-digit code (valid 10 minutes, 3 tries); from
SMS they get a one-time `t.me/<bot>?start=link-...` link. Either way, the two people we
held become one: identities, answers, history, peer chats, alerts and reminders all move to
the one who joined us first; each channel's opt-out stays as it was.

Joining finds every column that points at `persons.id` by reflecting the live database, so
a feature's new table is carried over without this module knowing it (and storage never
imports a feature).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    MetaData,
    Table,
    and_,
    delete,
    exists,
    func,
    insert,
    inspect,
    select,
    update,
)

from bot.core.events import Address
from bot.storage import repository as repo
from bot.storage.models import HealthDetail, Identity, LinkCode, Person

CODE_VALID_FOR = timedelta(minutes=10)
CODE_TRIES = 3
CODES_PER_DAY = 3  # texts of codes a person may ask for in a day: nobody's phone is spammed
CODE_DIGITS = 6


@dataclass(frozen=True)
class Checked:
    """The outcome of a typed code: `status` is ok, wrong, used_up, expired or none;
    `tries_left` after a wrong one; `person_id` the person they now are (ok)."""

    status: str
    tries_left: int = 0
    person_id: int | None = None


def _hash(connection: Connection, kind: str, code: str) -> str:
    return repo.opaque(connection, f"link:{kind}:{code}")


def ask_sms_code(connection: Connection, person_id: int, number: str, now: datetime
                 ) -> tuple[str, str | None]:
    """(status, code) for joining `number` (E.164) to this person. status: new (a code to
    text), yours (already joined), opted_out (that number sent STOP: nothing is texted),
    too_many (three codes in the last day)."""
    owner = connection.execute(select(Identity.person_id, Identity.opted_out_at).where(
        Identity.channel == "sms", Identity.address == number)).first()
    if owner is not None and owner.person_id == person_id:
        return "yours", None
    if owner is not None and owner.opted_out_at is not None:
        return "opted_out", None
    asked = connection.scalar(select(func.count()).select_from(LinkCode).where(
        LinkCode.person_id == person_id, LinkCode.kind == "sms",
        LinkCode.created_at > now - timedelta(days=1)))
    if asked >= CODES_PER_DAY:
        return "too_many", None
    # A new code replaces any earlier one (kept, spent, to count three a day).
    connection.execute(update(LinkCode).where(
        LinkCode.person_id == person_id, LinkCode.kind == "sms", LinkCode.used_at.is_(None))
        .values(expires_at=now, address=None))
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    connection.execute(insert(LinkCode).values(
        person_id=person_id, kind="sms", code_hash=_hash(connection, "sms", code),
        address=number, tries=0, created_at=now, expires_at=now + CODE_VALID_FOR))
    return "new", code


def check_sms_code(connection: Connection, person_id: int, typed: str, now: datetime
                   ) -> Checked:
    """A code typed on Telegram: right, and the phone joins this person (or the person
    already behind that phone joins them)."""
    row = connection.execute(select(LinkCode).where(
        LinkCode.person_id == person_id, LinkCode.kind == "sms", LinkCode.used_at.is_(None))
        .order_by(LinkCode.id.desc()).limit(1)).mappings().first()
    if row is None:
        return Checked("none")
    if row["expires_at"] <= now:
        return Checked("expired")
    if row["code_hash"] != _hash(connection, "sms", typed):
        tries = row["tries"] + 1
        left = CODE_TRIES - tries
        values: dict[str, Any] = {"tries": tries}
        if left <= 0:
            values.update(used_at=now, address=None)  # spent: it can never match now
        connection.execute(update(LinkCode).where(LinkCode.id == row["id"]).values(**values))
        return Checked("wrong" if left > 0 else "used_up", tries_left=max(left, 0))
    connection.execute(update(LinkCode).where(LinkCode.id == row["id"]).values(
        used_at=now, address=None))
    try:
        kept = attach(connection, person_id, Address("sms", str(row["address"])), now)
    except CannotJoin:
        return Checked("cannot_join")
    return Checked("ok", person_id=kept)


def ask_telegram_link(connection: Connection, person_id: int, now: datetime) -> str | None:
    """A one-time token for `t.me/<bot>?start=link-<token>`, or None after three today."""
    asked = connection.scalar(select(func.count()).select_from(LinkCode).where(
        LinkCode.person_id == person_id, LinkCode.kind == "telegram",
        LinkCode.created_at > now - timedelta(days=1)))
    if asked >= CODES_PER_DAY:
        return None
    token = secrets.token_urlsafe(12)  # 16 characters of A-Z a-z 0-9 - _, as Telegram allows
    connection.execute(insert(LinkCode).values(
        person_id=person_id, kind="telegram", code_hash=_hash(connection, "telegram", token),
        tries=0, created_at=now, expires_at=now + CODE_VALID_FOR))
    return token


def use_telegram_link(connection: Connection, person_id: int, token: str, now: datetime
                      ) -> Checked:
    """Someone opened a link on Telegram: the person who asked for it and this Telegram
    person become one."""
    row = connection.execute(select(LinkCode).where(
        LinkCode.kind == "telegram", LinkCode.code_hash == _hash(connection, "telegram", token))
    ).mappings().first()
    if row is None or row["used_at"] is not None:
        return Checked("none")
    if row["expires_at"] <= now:
        return Checked("expired")
    connection.execute(update(LinkCode).where(LinkCode.id == row["id"]).values(used_at=now))
    if row["person_id"] == person_id:
        return Checked("ok", person_id=person_id)
    try:
        return Checked("ok", person_id=join(connection, int(row["person_id"]), person_id, now))
    except CannotJoin:
        return Checked("cannot_join")


def attach(connection: Connection, person_id: int, address: Address, now: datetime) -> int:
    """`address` becomes one of this person's ways in: a new identity, or the person
    already behind it joins them. Returns the person they are now."""
    owner = connection.scalar(select(Identity.person_id).where(
        Identity.channel == address.channel, Identity.address == address.address))
    if owner is None:
        connection.execute(insert(Identity).values(
            person_id=person_id, channel=address.channel, address=address.address,
            created_at=now))
        return person_id
    if owner == person_id:
        return person_id
    return join(connection, int(owner), person_id, now)


class CannotJoin(Exception):
    """Two people who must stay two: they chat or were reported with each other (one
    person would be talking to themselves), or both are volunteers (each resident knows
    one of them by name). A coordinator can sort it out by hand."""


PersonColumns = list[tuple[Table, str, list[list[str]]]]


def joinable(connection: Connection, one: int, other: int,
             columns: PersonColumns | None = None) -> bool:
    """Whether two people may become one (see CannotJoin). `columns`: the reflection,
    if the caller already has it."""
    roles = list(connection.scalars(select(Person.role).where(Person.id.in_((one, other)))))
    if len(roles) == 2 and all(role != "resident" for role in roles):
        return False
    for table, names in _tables_naming_two(columns or _person_columns(connection)):
        for a in names:
            for b in names:
                if a != b and connection.scalar(select(func.count()).select_from(table).where(
                        table.c[a] == one, table.c[b] == other)):
                    return False
    return True


def _tables_naming_two(columns: PersonColumns) -> list[tuple[Table, list[str]]]:
    """Tables with two or more columns that point at persons.id (a chat, a report)."""
    by_table: dict[str, list[str]] = {}
    tables: dict[str, Table] = {}
    for table, column, _unique in columns:
        by_table.setdefault(table.name, []).append(column)
        tables[table.name] = table
    return [(tables[name], cols) for name, cols in by_table.items() if len(cols) > 1]


def join(connection: Connection, one: int, other: int, now: datetime) -> int:
    """Two people we held are one: everything moves to whoever joined us first, their
    answers filled in from the other's; returns the id kept. Raises CannotJoin."""
    columns = _person_columns(connection)
    if not joinable(connection, one, other, columns):
        raise CannotJoin
    first, second = sorted((one, other), key=lambda p: (_created(connection, p), p))
    _join_profiles(connection, first, second, now)
    for table, column, unique_sets in columns:
        _move(connection, table, column, unique_sets, keep=first, fold=second)
    connection.execute(delete(Person).where(Person.id == second))
    return first


def _created(connection: Connection, person_id: int) -> datetime:
    return connection.scalar(select(Person.created_at).where(Person.id == person_id))


def _join_profiles(connection: Connection, keep: int, fold: int, now: datetime) -> None:
    """Answers and settings: the kept person's, with gaps filled from the other's."""
    rows = {r["id"]: r for r in connection.execute(
        select(Person).where(Person.id.in_((keep, fold)))).mappings()}
    kept, folded = rows[keep], rows[fold]
    answers = {**dict(folded["answers"] or {}), **dict(kept["answers"] or {})}
    values: dict[str, Any] = {"answers": answers, "updated_at": now,
                              "state_version": kept["state_version"] + 1}
    for column in ("name", "district", "latitude", "longitude", "referral_source",
                   "consent_health", "consent_encouragement", "paused_until", "gentle_until"):
        if kept[column] is None and folded[column] is not None:
            values[column] = folded[column]
    onboarded = [d for d in (kept["onboarded_at"], folded["onboarded_at"]) if d is not None]
    values["onboarded_at"] = min(onboarded) if onboarded else None
    if kept["flow"] is None and folded["flow"] is not None:
        values.update(flow=folded["flow"], step=folded["step"], flow_data=folded["flow_data"])
    connection.execute(update(Person).where(Person.id == keep).values(**values))
    consent = values.get("consent_health", kept["consent_health"])
    if not consent:
        # Health details are kept only with agreement; neither may keep them now.
        connection.execute(delete(HealthDetail).where(HealthDetail.person_id.in_((keep, fold))))


def _person_columns(connection: Connection) -> PersonColumns:
    """Every (table, column) that points at persons.id, with the unique column sets that
    include it (a primary key, a unique constraint or index)."""
    inspector = inspect(connection)
    found = []
    metadata = MetaData()
    for name in inspector.get_table_names():
        if name == "persons":
            continue
        for key in inspector.get_foreign_keys(name):
            if key["referred_table"] != "persons" or len(key["constrained_columns"]) != 1:
                continue
            column = key["constrained_columns"][0]
            sets = [inspector.get_pk_constraint(name)["constrained_columns"]]
            sets += [u["column_names"] for u in inspector.get_unique_constraints(name)]
            sets += [i["column_names"] for i in inspector.get_indexes(name) if i["unique"]]
            table = Table(name, metadata, autoload_with=connection)
            found.append((table, column, [s for s in sets if column in s]))
    return found


def _move(connection: Connection, table: Table, column: str, unique_sets: list[list[str]],
          *, keep: int, fold: int) -> None:
    """Rows of `fold` become `keep`'s, except where `keep` already has the row a unique
    set allows one of (their health details, a reminder that day): then `keep`'s stays."""
    col = table.c[column]
    for unique in unique_sets:
        others = [c for c in unique if c != column]
        twin = table.alias("twin")
        clash = exists().where(and_(twin.c[column] == keep,
                                    *[twin.c[o] == table.c[o] for o in others]))
        connection.execute(delete(table).where(col == fold, clash))
    connection.execute(update(table).where(col == fold).values({column: keep}))
