"""Safety alerts: a person on our side hears about every urgent or crisis message.

Opening an alert tells everyone on duty at once, on their own channel, without the
message itself ("Safety alert 12: crisis, 14:02. Reply ALERT 12"); with nobody on duty,
every coordinator is told. An alert nobody picks up within 15 minutes goes to every
coordinator. The duty team sees, picks up, notes and closes alerts with ALERT commands
or `movemates alerts`; every look and action is in the audit log. The words are kept 30
days for the duty team, then forgotten; erasure takes the person and their words out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, insert, or_, select, true, update

from bot.core.content import Content, ContentLibrary
from bot.core.events import Outbound
from bot.dispatch.notify import notify
from bot.safety.models import SafetyAlert
from bot.storage.audit import audit
from bot.storage.models import AuditEntry, Person, Volunteer

log = logging.getLogger(__name__)

ACKNOWLEDGE_WITHIN = timedelta(minutes=15)
TEXT_KEPT_FOR = timedelta(days=30)
MAX_NOTE = 500
# More of the same trouble from the same person this soon joins the open alert (one notice).
JOINS_WITHIN = timedelta(minutes=30)
ALERT_TEXT_KEPT = 8000  # characters of joined words kept, the latest
LONDON = ZoneInfo("Europe/London")
STAFF_ROLES = ("moderator", "coordinator")
CLOSED_SHOWN = 20  # recently closed alerts the console's inbox lists under the open ones


@dataclass(frozen=True)
class StaffActor:
    """A member of staff acting in the web console (`bot/staff`): not one of our people,
    so `actor` is None and this says who it was, by account and by name."""

    id: int
    name: str


def open_alert(connection: Connection, content: ContentLibrary, *, person_id: int | None,
               category: str, topic: str, channel: str, text: str, now: datetime) -> int:
    """Record the alert and tell the duty team (or every coordinator). Returns its id.
    More words from the same person about the same trouble (the same topic) while its alert
    is still open and recent (a crisis told over several messages) join that alert, and
    nobody is told twice; other trouble opens an alert of its own."""
    if person_id is not None:
        same = connection.execute(
            select(SafetyAlert.id, SafetyAlert.text).where(
                SafetyAlert.person_id == person_id, SafetyAlert.category == category,
                # The same trouble only: "my husband has collapsed" after "can't breathe"
                # is news the duty team must be told of, under its own kind.
                SafetyAlert.topic == topic,
                SafetyAlert.status == "open", SafetyAlert.created_at >= now - JOINS_WITHIN)
            .order_by(SafetyAlert.id.desc()).limit(1)).first()
        if same is not None:
            joined = f"{same.text}\n{text}" if same.text else text
            connection.execute(update(SafetyAlert).where(SafetyAlert.id == same.id)
                               .values(text=joined[-ALERT_TEXT_KEPT:]))
            return int(same.id)
    alert_id = int(connection.execute(insert(SafetyAlert).values(
        person_id=person_id, category=category, topic=topic, channel=channel, text=text,
        status="open", created_at=now, notes={}).returning(SafetyAlert.id)).scalar_one())
    told = _tell_and_record(connection, content, _first_told(connection, person_id),
                            "safety.alerts.notice", alert_id, topic, now, "opened")
    connection.execute(update(SafetyAlert).where(SafetyAlert.id == alert_id)
                       .values(notified=told))
    return alert_id


def escalate(connection: Connection, content: ContentLibrary, now: datetime) -> int:
    """Alerts nobody picked up within 15 minutes go to every coordinator, once."""
    due = connection.execute(select(SafetyAlert.id, SafetyAlert.topic, SafetyAlert.person_id,
                                    SafetyAlert.created_at)
                             .where(SafetyAlert.status == "open",
                                    SafetyAlert.escalated_at.is_(None),
                                    SafetyAlert.created_at <= now - ACKNOWLEDGE_WITHIN)
                             .order_by(SafetyAlert.id)).all()
    escalated = 0
    for alert_id, topic, person_id, raised in due:
        # Claimed before telling anyone: with several workers, each alert goes up once.
        claimed = connection.execute(update(SafetyAlert).where(
            SafetyAlert.id == alert_id, SafetyAlert.escalated_at.is_(None),
            SafetyAlert.status == "open").values(escalated_at=now)).rowcount
        if claimed:
            # The time it was raised, not now: "09:02, nobody has picked it up" is urgent.
            _tell_and_record(connection, content, _coordinators(connection, person_id),
                             "safety.alerts.escalated", alert_id, topic, now, "escalated",
                             raised=raised)
            escalated += 1
    return escalated


def forget_old_words(connection: Connection, now: datetime) -> int:
    """The message kept for the duty team goes after 30 days; the alert stays, for counts."""
    return int(connection.execute(update(SafetyAlert).where(
        SafetyAlert.created_at < now - TEXT_KEPT_FOR, SafetyAlert.text.is_not(None))
        .values(text=None)).rowcount or 0)


def forget_person(connection: Connection, person_id: int) -> None:
    """Erasure: alerts about them stay as anonymous counts, without them or their words."""
    connection.execute(update(SafetyAlert).where(SafetyAlert.person_id == person_id)
                       .values(person_id=None, text=None))


def exists(connection: Connection, alert_id: int) -> bool:
    return connection.scalar(select(SafetyAlert.id).where(SafetyAlert.id == alert_id)) \
        is not None


def next_escalation(connection: Connection) -> datetime | None:
    """When the next unacknowledged alert falls due to go to every coordinator."""
    oldest = connection.scalar(select(func.min(SafetyAlert.created_at)).where(
        SafetyAlert.status == "open", SafetyAlert.escalated_at.is_(None)))
    return oldest + ACKNOWLEDGE_WITHIN if oldest is not None else None


def count_for(connection: Connection, person_id: int) -> int:
    """Alerts that still name this person (for "my data")."""
    return int(connection.scalar(select(func.count()).select_from(SafetyAlert).where(
        SafetyAlert.person_id == person_id)) or 0)


# -- the duty team -------------------------------------------------------------------------
def is_duty_staff(connection: Connection, person_id: int) -> bool:
    """Moderators, coordinators and any volunteer on duty may see and act on alerts."""
    return bool(connection.scalar(select(func.count()).select_from(Volunteer).where(
        Volunteer.person_id == person_id, Volunteer.suspended_at.is_(None),
        or_(Volunteer.role.in_(STAFF_ROLES), Volunteer.on_duty.is_(True)))))


def set_on_duty(connection: Connection, person_id: int, on_duty: bool, now: datetime) -> bool:
    """False when they are not a volunteer or coordinator (or are suspended)."""
    changed = connection.execute(update(Volunteer).where(
        Volunteer.person_id == person_id, Volunteer.suspended_at.is_(None))
        .values(on_duty=on_duty)).rowcount
    if changed:
        audit(connection, now, person_id, "on_duty" if on_duty else "off_duty")
    return bool(changed)


def list_open(connection: Connection, content: Content, *, actor: int | None,
              now: datetime) -> list[Outbound]:
    rows = connection.execute(select(SafetyAlert.id, SafetyAlert.topic, SafetyAlert.status,
                                     SafetyAlert.created_at)
                              .where(SafetyAlert.status != "closed",
                                     _not_about(actor))
                              .order_by(SafetyAlert.id)).all()
    audit(connection, now, actor, "safety_alerts_listed", detail=str(len(rows)))
    if not rows:
        return [Outbound(content.text("safety.alerts.none_open"))]
    lines = [content.text("safety.alerts.list_intro")]
    lines += [content.text("safety.alerts.list_line", alert=alert_id,
                           answer=_kind(content, topic), time=_clock(created),
                           status=content.text(f"safety.alerts.status.{status}"))
              for alert_id, topic, status, created in rows]
    return [Outbound("\n".join(lines))]


def show(connection: Connection, content: Content, alert_id: int, *, actor: int | None,
         now: datetime) -> list[Outbound]:
    """One alert with the message and notes; who looked is in the audit log."""
    alert = _alert(connection, alert_id)
    if alert is None:
        return [Outbound(content.text("safety.alerts.no_alert", alert=alert_id))]
    if actor is not None and alert["person_id"] == actor:
        return [Outbound(content.text("safety.alerts.own_alert", alert=alert_id))]
    audit(connection, now, actor, "safety_alert_viewed", target=f"alert:{alert_id}")
    name = connection.scalar(select(Person.name).where(Person.id == alert["person_id"])) \
        if alert["person_id"] else None
    values = {"alert": alert_id, "answer": _kind(content, alert["topic"]),
              "time": _clock(alert["created_at"]), "channel": alert["channel"],
              "name": name or content.text("safety.alerts.someone"),
              "status": content.text(f"safety.alerts.status.{alert['status']}")}
    lines = [content.text("safety.alerts.show", text=alert["text"], **values) if alert["text"]
             else content.text("safety.alerts.show_forgotten", **values)]
    if alert["status"] == "acknowledged":
        lines.append(content.text("safety.alerts.picked_up_by",
                                  name=_picker(connection, content, alert)))
    lines += [content.text("safety.alerts.note_line", text=n.get("text", ""))
              for n in (alert["notes"] or {}).get("notes", [])]
    if alert["status"] == "open":
        lines.append(content.text("safety.alerts.how_to", alert=alert_id))
    elif alert["status"] == "acknowledged":
        lines.append(content.text("safety.alerts.how_to_close", alert=alert_id))
    return [Outbound("\n".join(lines))]


def act(connection: Connection, content: Content, alert_id: int, action: str, note: str, *,
        actor: int | None, now: datetime, staff: StaffActor | None = None) -> list[Outbound]:
    """`ok` picks it up, `note` adds a note, `close` closes it with what was done."""
    done = apply(connection, alert_id, action, note, actor=actor, now=now, staff=staff)
    if done.outcome == "no_alert":
        return [Outbound(content.text("safety.alerts.no_alert", alert=alert_id))]
    if done.outcome == "already_picked_up":
        return [Outbound(content.text("safety.alerts.already_picked_up", alert=alert_id,
                                      name=done.name or content.text("safety.alerts.the_team")))]
    said = content.text(f"safety.alerts.{done.outcome}", alert=alert_id)
    if done.shortened:
        said = f"{said} {content.text('safety.alerts.note_shortened', limit=MAX_NOTE)}"
    return [Outbound(said)]


@dataclass(frozen=True)
class Done:
    """What `apply` did: `outcome` is acknowledged | noted | closed, or why nothing was
    done (no_alert | own_alert | already_closed | need_note | already_picked_up, with
    `name`, who has it)."""

    outcome: str
    name: str | None = None
    shortened: bool = False


def apply(connection: Connection, alert_id: int, action: str, note: str, *,
          actor: int | None, now: datetime, staff: StaffActor | None = None) -> Done:
    """The duty team's `ok`, `note` or `close`, by one of our people (`actor`, by text or
    Telegram), the command line (neither) or a member of staff in the console (`staff`)."""
    # Locked until this transaction ends (PostgreSQL; SQLite has one writer at a time):
    # two people pressing at once are served one after the other.
    alert = _alert(connection, alert_id, lock=True)
    if alert is None:
        return Done("no_alert")
    if actor is not None and alert["person_id"] == actor:
        # Someone on the team who raised it themselves: another member picks it up, so the
        # 15-minute escalation still runs (hazard log H4).
        return Done("own_alert")
    if alert["status"] == "closed":
        return Done("already_closed")
    note = " ".join(note.split())
    shortened = len(note) > MAX_NOTE
    note = note[:MAX_NOTE]
    if action in ("note", "close") and not note:
        return Done("need_note")
    if action == "ok" and alert["status"] != "open":
        # Already someone's: say whose, change nothing.
        return Done("already_picked_up", name=_picker(connection, None, alert))
    values: dict[str, Any] = {}
    if note:
        notes = list((alert["notes"] or {}).get("notes", []))
        notes.append({"by": actor, "at": now.isoformat(), "text": note} if staff is None else
                     {"by": None, "staff": staff.id, "name": staff.name,
                      "at": now.isoformat(), "text": note})
        values["notes"] = {"notes": notes}
    if alert["status"] == "open":
        values.update(status="acknowledged", acknowledged_at=now, acknowledged_by=actor)
        if staff is not None:
            values.update(acknowledged_by_staff=staff.id, acknowledged_by_staff_name=staff.name)
    if action == "close":
        values.update(status="closed", closed_at=now, closed_by=actor)
        if staff is not None:
            values.update(closed_by_staff=staff.id)
    connection.execute(update(SafetyAlert).where(SafetyAlert.id == alert_id).values(**values))
    if staff is None:
        audit(connection, now, actor, f"safety_alert_{action}", target=f"alert:{alert_id}",
              detail=note or None)
    else:
        # The note stays on the alert; the audit trail says only that there was one.
        _staff_audit(connection, now, staff, f"safety_alert_{action}", alert_id,
                     detail=f"{len(note)} characters" if note else None)
    key = {"ok": "acknowledged", "note": "noted", "close": "closed"}[action]
    return Done(key, shortened=shortened)


# -- the web console ----------------------------------------------------------------------
def inbox(connection: Connection, *, closed_shown: int = CLOSED_SHOWN
          ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Alerts still needing someone (not picked up first, then picked up; the longest
    waiting first), and the most recently closed. No words: those are seen one at a time."""
    columns = (SafetyAlert.id, SafetyAlert.category, SafetyAlert.topic, SafetyAlert.channel,
               SafetyAlert.status, SafetyAlert.created_at, SafetyAlert.acknowledged_by,
               SafetyAlert.acknowledged_by_staff_name, SafetyAlert.closed_at)
    waiting = connection.execute(select(*columns).where(SafetyAlert.status != "closed")
                                 .order_by((SafetyAlert.status == "acknowledged"),
                                           SafetyAlert.created_at, SafetyAlert.id)
                                 ).mappings().all()
    closed = connection.execute(select(*columns).where(SafetyAlert.status == "closed")
                                .order_by(SafetyAlert.closed_at.desc(), SafetyAlert.id.desc())
                                .limit(closed_shown)).mappings().all()

    def described(row: Any) -> dict[str, Any]:
        return {**row, "picked_up_by": _picker(connection, None, row)
                if row["status"] != "open" else None}

    return [described(r) for r in waiting], [described(r) for r in closed]


def staff_view(connection: Connection, alert_id: int, staff: StaffActor,
               now: datetime) -> dict[str, Any] | None:
    """One alert for a member of staff, with the person's words while they are kept and
    every note with its author's name. Each look is in the audit log."""
    alert = _alert(connection, alert_id)
    if alert is None:
        return None
    _staff_audit(connection, now, staff, "safety_alert_viewed", alert_id)
    name = connection.scalar(select(Person.name).where(Person.id == alert["person_id"])) \
        if alert["person_id"] else None
    notes = [{"name": n.get("name") or _name(connection, None, n.get("by")),
              "at": datetime.fromisoformat(n["at"]) if n.get("at") else None,
              "text": n.get("text", "")}
             for n in (alert["notes"] or {}).get("notes", [])]
    closer = None
    if alert["status"] == "closed":
        closer = _closer(connection, alert, notes)
    return {**alert, "person_name": name, "notes": notes,
            "picked_up_by": _picker(connection, None, alert)
            if alert["status"] != "open" else None, "closed_by_name": closer}


def _closer(connection: Connection, alert: Any, notes: list[dict[str, Any]]) -> str | None:
    if alert["closed_by_staff"] is not None:
        # Closing takes a note: the last one by them says who they were.
        for raw in reversed((alert["notes"] or {}).get("notes", [])):
            if raw.get("staff") == alert["closed_by_staff"]:
                return str(raw.get("name"))
    return _name(connection, None, alert["closed_by"]) if alert["closed_by"] else None


def _staff_audit(connection: Connection, now: datetime, staff: StaffActor, action: str,
                 alert_id: int, *, detail: str | None = None) -> None:
    connection.execute(insert(AuditEntry.__table__).values(
        at=now, actor_staff_id=staff.id, action=action, target=f"alert:{alert_id}",
        detail=detail))


def anyone_told_by_text(connection: Connection) -> bool:
    """Whether a new alert reaches someone by text or Telegram: a volunteer on duty, or a
    coordinator volunteer (who also hears of every alert nobody picks up). If not, the
    console's inbox is the only place alerts appear, and it says so."""
    return bool(_people(connection, or_(Volunteer.on_duty.is_(True),
                                        Volunteer.role == "coordinator"), exclude=None))


@dataclass(frozen=True)
class DutyNow:
    """Who hears of a new alert at once, by text or Telegram, as `open_alert` decides it:
    `who` is on_duty (the volunteers on duty), coordinators (nobody is on duty, so every
    coordinator volunteer) or nobody (the console's inbox alone shows it); `names` as the
    team knows them (alias, else name; None when they gave neither). Staff accounts are not
    volunteers: a member of staff hears by text only as a volunteer, by ON DUTY."""

    who: str
    names: list[str | None]


def duty_now(connection: Connection) -> DutyNow:
    on_duty = _people(connection, Volunteer.on_duty.is_(True), exclude=None)
    people = _first_told(connection, None)
    who = "on_duty" if on_duty else "coordinators" if people else "nobody"
    return DutyNow(who, [_name(connection, None, person_id) for person_id in people])


# -- inside ---------------------------------------------------------------------------------
def _first_told(connection: Connection, exclude: int | None) -> list[int]:
    """The volunteers on duty; with none, every coordinator volunteer."""
    return _people(connection, Volunteer.on_duty.is_(True), exclude=exclude) \
        or _coordinators(connection, exclude)


def _people(connection: Connection, *where: Any, exclude: int | None) -> list[int]:
    rows = connection.scalars(select(Volunteer.person_id).where(
        Volunteer.suspended_at.is_(None), *where).order_by(Volunteer.person_id))
    return [p for p in rows if p != exclude]


def _coordinators(connection: Connection, exclude: int | None) -> list[int]:
    return _people(connection, Volunteer.role == "coordinator", exclude=exclude)


def _tell_and_record(connection: Connection, content: ContentLibrary, people: list[int],
                     key: str, alert_id: int, topic: str, now: datetime, event: str, *,
                     raised: datetime | None = None) -> int:
    """Tell these people, audit it, and log (without words) when nobody could be told:
    the person still had their reply; the log is for whoever watches the service (H4)."""
    told = _tell(connection, content, people, key, alert_id, topic, now, raised or now)
    audit(connection, now, None, f"safety_alert_{event}", target=f"alert:{alert_id}",
          detail=f"{topic}; told {told}")
    if not told:
        log.error("safety alert %d %s with nobody on duty or coordinator to tell",
                  alert_id, event)
    return told


def _tell(connection: Connection, content: ContentLibrary, people: list[int], key: str,
          alert_id: int, topic: str, now: datetime, raised: datetime) -> int:
    told = 0
    for person_id in people:
        language = connection.scalar(select(Person.language).where(Person.id == person_id))
        theirs = content.for_language(language)
        text = theirs.text(key, alert=alert_id, answer=_kind(theirs, topic),
                           time=_clock(raised))
        told += bool(notify(connection, person_id, [Outbound(text)], now, kind="alert"))
    return told


def _name(connection: Connection, content: Content | None, person_id: int | None) -> Any:
    """A duty team member as the team knows them (their alias), or "the team" (None
    when there is no `content` to say it in: the console says it its own way)."""
    team = content.text("safety.alerts.the_team") if content is not None else None
    if person_id is None:
        return team
    alias = connection.scalar(select(Volunteer.alias).where(Volunteer.person_id == person_id))
    name = alias or connection.scalar(select(Person.name).where(Person.id == person_id))
    return str(name) if name else team


def _picker(connection: Connection, content: Content | None, alert: Any) -> Any:
    """Who picked an alert up: a member of staff by the name they had then, or one of
    the duty team (`_name`)."""
    if alert["acknowledged_by_staff_name"]:
        return str(alert["acknowledged_by_staff_name"])
    return _name(connection, content, alert["acknowledged_by"])


def _not_about(actor: int | None) -> Any:
    """Alerts not about this person (a team member never handles their own)."""
    if actor is None:
        return true()
    return or_(SafetyAlert.person_id.is_(None), SafetyAlert.person_id != actor)


def _alert(connection: Connection, alert_id: int, *, lock: bool = False) -> Any:
    query = select(SafetyAlert).where(SafetyAlert.id == alert_id)
    return connection.execute(query.with_for_update() if lock else query).mappings().first()


def _kind(content: Content, topic: str) -> str:
    key = f"safety.alerts.kind.{topic}"
    return content.text(key) if content.has(key) else content.text("safety.alerts.kind.red_flag")


def _clock(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%H:%M")
