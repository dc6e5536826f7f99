"""The staff console's part of the one audit trail (`audit_log`): what a member of staff
did, with their account in `actor_staff_id`; and the trail as coordinators read it, every
actor named (staff by name, the duty team by the alias they chose), filtered to actions
or to looks at residents' details, and what each entry is about read from its `target`.

One table for everything, not a staff table of its own: an alert's history reads the same
whether it was handled by text message or in the console. Never a resident's words: a
`detail` is a reason or a count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, insert, not_, or_, select

from bot.core.clock import LONDON
from bot.staff.models import StaffAccount
from bot.storage.models import AuditEntry, Person, Volunteer

PAGE = 100
# What the audit page shows: actions (the default, so that looks never bury them), looks
# at residents' details, or everything.
SHOWS = ("actions", "views", "everything")
# A look is an action named `..._viewed` or `..._listed`, or a download. New pages that
# record a look count as looks at residents' details unless they are named here.
LOOK_ENDINGS = ("_viewed", "_listed", "_downloaded")
NOT_ABOUT_RESIDENTS = frozenset({"places_listed", "place_viewed", "feeds_listed",
                                 "feed_viewed", "impact_viewed", "impact_downloaded"})
# `kind:number` (alert:3), `chat:-100123/tg:456` (a member of a Telegram group), and
# `place:some-id`: how `target` is written by every feature.
_TARGET = re.compile(r"^([a-z_]+):(-?[\w.-]{1,64})(?:/tg:(-?\d{1,20}))?$")
_HELD = re.compile(r"^held:(\d{1,12})(?:; (.*))?$", re.S)
# Details written in a code-like shape, read back in words by `Entry.detail_words`:
# a safety alert's "chest_pain; told 0", a reply's "sms, 1 segments".
_ALERT_TOLD = re.compile(r"^([a-z_]{1,40}); told (\d{1,6})$")
_SEGMENTS = re.compile(r"^sms, (\d{1,4}) segments$")
# A broadcast's "3 people (1 Telegram, 2 SMS), 1 segments, about £0.12, due <UTC time>".
_COMPOSED = re.compile(r"^(\d{1,9}) people \((\d{1,9}) Telegram, (\d{1,9}) SMS\), "
                       r"(\d{1,9}) segments, about £([\d.]{1,12}), due (\S{10,40})$")
# A broadcast's "queued for 3 people (1 Telegram, 2 SMS); 0 left out (STOP, ...)".
_QUEUED = re.compile(r"^queued for (\d{1,9}) people \((\d{1,9}) Telegram, (\d{1,9}) SMS\); "
                     r"(\d{1,9}) left out \(STOP, no consent or paused\)$")
# A moment written as ISO 8601 with its offset (UTC as stored): read in London time.
_MOMENT = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-]\d\d:\d\d)")
# A case's history shows one look per member of staff in this long (each opening is
# still in the audit log): a look after every action would bury the actions.
LOOK_QUIET = timedelta(minutes=30)


def record(connection: Connection, now: datetime, staff_id: int | None, action: str, *,
           target: str | None = None, detail: str | None = None) -> None:
    connection.execute(insert(AuditEntry.__table__).values(
        at=now, actor_staff_id=staff_id, action=action, target=target,
        detail=detail[:500] if detail else None))


def is_look(action: str) -> bool:
    """Whether an action only looked at something (True for `case_viewed`)."""
    return action.endswith(LOOK_ENDINGS)


def is_resident_look(action: str) -> bool:
    """A look at residents' details: an alert, a request, a report, a volunteer..."""
    return is_look(action) and action not in NOT_ABOUT_RESIDENTS


@dataclass(frozen=True)
class About:
    """What an entry is about, read from its `target` (and `case_id`, `detail`): `kind`
    is alert | team_request | staff | person | broadcast | place | feed | case |
    peer_chat | group | group_member | held | other; `key` the id within the kind (an
    int as a string, a place id, a chat id); `group` the Telegram chat of a member or a
    held post; `raw` the target as stored, for `other`."""

    kind: str
    key: str
    group: str | None = None
    raw: str | None = None


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    action: str
    target: str | None
    detail: str | None
    staff_name: str | None  # a member of staff in the console
    person_id: int | None  # someone on the duty team (by text or Telegram), or a resident
    # The name a volunteer goes by; None for a resident (who is never named here: a
    # resident's report is in the log as "Resident 12").
    person_name: str | None
    case_id: int | None = None
    staff_id: int | None = None
    team: bool = False  # `person_id` is a volunteer (the duty team), not a resident

    def about(self) -> About | None:
        """What this entry is about, or None when it names nothing."""
        held = _HELD.match(self.detail or "")
        found = _TARGET.match(self.target or "")
        if found is not None:
            kind, key, member = found.groups()
            if member is not None and kind == "chat":
                if held is not None:
                    return About("held", held.group(1), group=key)
                return About("group_member", member, group=key)
            if kind == "connection":
                if self.case_id is not None:
                    return About("case", str(self.case_id))
                return About("peer_chat", key)
            if kind == "chat":
                return About("group", key)
            if kind in ("alert", "team_request", "staff", "person", "broadcast", "feed") \
                    and key.isdecimal():
                return About(kind, key)
            if kind == "place":
                return About("place", key)
        if self.case_id is not None:
            return About("case", str(self.case_id))
        if self.target:
            return About("other", self.target, raw=self.target)
        return None

    def shown_detail(self) -> str:
        """The detail as the page shows it: a held post's number is in "About" already."""
        held = _HELD.match(self.detail or "")
        if held is not None and _TARGET.match(self.target or ""):
            return held.group(2) or ""
        return self.detail or ""

    def detail_words(self, t: Callable[..., str], has: Callable[[str], bool]) -> str:
        """`shown_detail` read as words (`t`, `has`: the pages' content lookups): a count
        on a list "Number shown: 4", a safety alert "Chest pain. People told: 0", a reply
        "By text message. Texts it took: 1"; any other detail as it was recorded."""
        shown = self.shown_detail()
        told = _ALERT_TOLD.match(shown)
        if told is not None and self.action.startswith("safety_alert_"):
            key = f"safety.alerts.kind.{told.group(1)}"
            kind = t(key if has(key) else "safety.alerts.kind.red_flag")
            return (f"{kind[:1].upper()}{kind[1:]}. "
                    f"{t('console.audit.details.told', count=told.group(2))}")
        segments = _SEGMENTS.match(shown)
        if segments is not None:
            return t("console.audit.details.by_sms", count=segments.group(1))
        if shown == "telegram" and self.action == "team_reply_sent":
            return t("console.audit.details.by_telegram")
        if shown.isdecimal() and self.action.endswith("_listed"):
            return t("console.audit.details.listed", count=shown)
        composed = _COMPOSED.match(shown)
        if composed is not None:
            people, telegram, sms, segments, cost, due = composed.groups()
            key = "console.audit.details.composed"
            return t(key, text=t(f"{key}_people{_one(people)}", count=people,
                                 number=telegram, other=sms),
                     other=t(f"{key}_segments{_one(segments)}", count=segments),
                     price=cost, time=_MOMENT.sub(_in_london, due))
        queued = _QUEUED.match(shown)
        if queued is not None:
            people, telegram, sms, left_out = queued.groups()
            key = "console.audit.details.queued"
            return t(key, text=t(f"{key}_people{_one(people)}", count=people,
                                 number=telegram, other=sms), count=left_out)
        return _MOMENT.sub(_in_london, shown)


def _one(count: str) -> str:
    """The suffix of a text's words for exactly one (`..._one`), as the console's are."""
    return "_one" if count == "1" else ""


def _in_london(found: re.Match[str]) -> str:
    """A stored moment as the console shows times: `Tue 1 Dec 2026, 14:02`, London."""
    try:
        moment = datetime.fromisoformat(found.group(0).replace("Z", "+00:00"))
    except ValueError:
        return found.group(0)
    local = moment.astimezone(LONDON)
    return f"{local.strftime('%a')} {local.day} {local.strftime('%b %Y, %H:%M')}"


def fewer_looks(entries: list[Entry], quiet: timedelta = LOOK_QUIET) -> list[Entry]:
    """`entries` (oldest first) without the looks that repeat one by the same person
    within `quiet` of the last look of theirs kept: actions are all kept."""
    last: dict[tuple[int | None, int | None], datetime] = {}
    kept: list[Entry] = []
    for entry in entries:
        if is_look(entry.action):
            who = (entry.staff_id, entry.person_id)
            before = last.get(who)
            if before is not None and entry.at - before < quiet:
                continue
            last[who] = entry.at
        kept.append(entry)
    return kept


def page(connection: Connection, *, before: int | None = None, limit: int = PAGE,
         show: str = "everything", staff_id: int | None = None,
         person_id: int | None = None, action: str | None = None) -> list[Entry]:
    """The newest entries first, `limit` at a time, older than entry `before`; only
    actions or only looks at residents' details (`show`, one of SHOWS), only what one
    member of staff did (`staff_id`) or one volunteer of the duty team by text or
    Telegram (`person_id`), only one kind of action (`action`). Raises ValueError for a
    `show` not in SHOWS."""
    if show not in SHOWS:
        raise ValueError(show)
    query = _named().order_by(AuditEntry.id.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    looks = or_(*(AuditEntry.action.endswith(end, autoescape=True) for end in LOOK_ENDINGS))
    if show == "actions":
        query = query.where(not_(looks))
    elif show == "views":
        query = query.where(and_(looks, AuditEntry.action.not_in(NOT_ABOUT_RESIDENTS)))
    if staff_id is not None:
        query = query.where(AuditEntry.actor_staff_id == staff_id)
    if person_id is not None:
        query = query.where(AuditEntry.actor_id == person_id, Volunteer.person_id.is_not(None))
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return _entries(connection, query)


@dataclass(frozen=True)
class Choices:
    """What the audit page's filter offers: the kinds of action in the log, and the
    volunteers of the duty team who acted by text or Telegram (person id, name)."""

    actions: list[str]
    team: list[tuple[int, str | None]]


def choices(connection: Connection) -> Choices:
    actions = sorted(connection.scalars(select(AuditEntry.action).distinct()))
    team = connection.execute(
        select(Volunteer.person_id, Volunteer.alias, Person.name).distinct()
        .join(AuditEntry, AuditEntry.actor_id == Volunteer.person_id)
        .outerjoin(Person, Person.id == Volunteer.person_id)).all()
    return Choices(actions, sorted(((row.person_id, row.alias or row.name) for row in team),
                                   key=lambda t: ((t[1] or "").lower(), t[0])))


def for_case(connection: Connection, case_id: int, *, limit: int = PAGE * 5) -> list[Entry]:
    """A moderation case's history, oldest first: every action on it, by text, Telegram
    or the console, each actor named as on the audit page; a look at most once per person
    in `LOOK_QUIET` (`fewer_looks`: the audit page has every one)."""
    return fewer_looks(_entries(connection, _named().where(AuditEntry.case_id == case_id)
                                .order_by(AuditEntry.id).limit(limit)))


def last_at(connection: Connection, action: str, target: str) -> datetime | None:
    """When `action` was last done to `target` (a volunteer removed: "person:12"), if ever."""
    return connection.scalar(select(AuditEntry.at).where(
        AuditEntry.action == action, AuditEntry.target == target)
        .order_by(AuditEntry.id.desc()).limit(1))


def staff_with(connection: Connection, action: str, detail: str) -> set[int]:
    """The staff accounts with at least one entry of this action and detail (such as
    `staff_signed_in` "with organisation account")."""
    return {int(staff_id) for staff_id in connection.scalars(
        select(AuditEntry.actor_staff_id).distinct().where(
            AuditEntry.action == action, AuditEntry.detail == detail,
            AuditEntry.actor_staff_id.is_not(None)))}


def _named() -> Any:
    return (select(AuditEntry.id, AuditEntry.at, AuditEntry.action, AuditEntry.target,
                   AuditEntry.detail, AuditEntry.actor_id, AuditEntry.case_id,
                   AuditEntry.actor_staff_id, StaffAccount.display_name,
                   Volunteer.person_id.label("volunteer"), Volunteer.alias, Person.name)
            .outerjoin(StaffAccount, StaffAccount.id == AuditEntry.actor_staff_id)
            .outerjoin(Volunteer, Volunteer.person_id == AuditEntry.actor_id)
            .outerjoin(Person, Person.id == AuditEntry.actor_id))


def _entries(connection: Connection, query: Any) -> list[Entry]:
    return [Entry(row.id, row.at, row.action, row.target, row.detail, row.display_name,
                  row.actor_id, (row.alias or row.name) if row.volunteer is not None else None,
                  row.case_id, row.actor_staff_id, team=row.volunteer is not None)
            for row in connection.execute(query)]
