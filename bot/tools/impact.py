"""The impact report: anonymous counts over a period, from the events the engine records
(`impact_events`: no person id, no text), visit feedback and a snapshot of who is held.

Small counts are shown as "<5" unless the team asks for exact figures, so a report can be
shared with partners without anyone being picked out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select

from bot.core.content import Content
from bot.places.models import PlaceFeedback
from bot.safety.alerts import ACKNOWLEDGE_WITHIN
from bot.safety.models import SafetyAlert
from bot.storage.models import Identity, ImpactEvent, Person

SMALL = 5
EVENT_SECTIONS = {
    "joined": "reach", "onboarded": "reach", "opted_out": "reach", "opted_in": "reach",
    "erased": "reach", "checkin": "checkins", "safety": "safety", "going": "suggestions",
    "buddy_requested": "peers", "buddy_connected": "peers", "report": "peers",
    "medical_question": "safety", "distress": "safety", "safety_net": "safety",
    "ignored_sender": "reach",
}
# Events whose detail is worth a breakdown, and where to find words for it.
DETAIL_OPTIONS = {"checkin": "checkin", "feedback": "followup"}


@dataclass
class Impact:
    since: datetime
    until: datetime
    events: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    feedback: Counter[str] = field(default_factory=Counter)
    flagged: Counter[str] = field(default_factory=Counter)
    now: dict[str, int] = field(default_factory=dict)
    alerts: dict[str, int] = field(default_factory=dict)  # safety alerts and their handling

    def total(self, kind: str) -> int:
        return sum(n for (k, _), n in self.events.items() if k == kind)

    def details(self, kind: str) -> list[tuple[str, int]]:
        found = [(d or "", n) for (k, d), n in self.events.items() if k == kind and d]
        return sorted(found, key=lambda item: (-item[1], item[0]))


def gather(connection: Connection, since: datetime, until: datetime) -> Impact:
    impact = Impact(since, until)
    for kind, detail, count in connection.execute(
            select(ImpactEvent.kind, ImpactEvent.detail, func.count())
            .where(ImpactEvent.occurred_at >= since, ImpactEvent.occurred_at < until)
            .group_by(ImpactEvent.kind, ImpactEvent.detail)):
        impact.events[(kind, detail)] += count
    for place, answer, count in connection.execute(
            select(PlaceFeedback.opportunity_id, PlaceFeedback.answer, func.count())
            .where(PlaceFeedback.created_at >= since, PlaceFeedback.created_at < until)
            .group_by(PlaceFeedback.opportunity_id, PlaceFeedback.answer)):
        impact.feedback[answer] += count
        if answer == "not_as_described":
            impact.flagged[place] += count
    impact.alerts = _alerts(connection, since, until)
    opted_out = select(Identity.person_id).where(Identity.opted_out_at.is_not(None))
    impact.now = {
        "people": connection.scalar(select(func.count()).select_from(Person)) or 0,
        "encouragement_on": connection.scalar(select(func.count()).select_from(Person).where(
            Person.consent_encouragement.is_(True), Person.id.not_in(opted_out))) or 0,
        "paused": connection.scalar(select(func.count()).select_from(Person).where(
            Person.paused_until > until)) or 0,
        "opted_out_now": connection.scalar(
            select(func.count(func.distinct(Identity.person_id))).where(
                Identity.opted_out_at.is_not(None))) or 0,
    }
    return impact


def shown(count: int, exact: bool) -> str:
    return str(count) if exact or count == 0 or count >= SMALL else f"<{SMALL}"


def as_text(impact: Impact, content: Content, *, exact: bool = False) -> str:
    t = content.text
    last_day = impact.until - timedelta(days=1)  # `until` is the midnight after it
    lines = [t("impact.title", since=_day(impact.since), until=_day(last_day)),
             t("impact.exact") if exact else t("impact.small")]

    def section(name: str, rows: Iterable[tuple[str, int, int]]) -> None:
        rows = list(rows)
        lines.extend(["", t(f"impact.sections.{name}")])
        if not rows:
            lines.append(f"  {t('impact.none')}")
        for label, count, depth in rows:
            lines.append(f"{'  ' * (depth + 1)}{label}: {shown(count, exact)}")

    def figure(kind: str) -> tuple[str, int, int]:
        return t(f"impact.figures.{kind}"), impact.total(kind), 0

    reach = []
    for kind in ("joined", "onboarded", "opted_out", "opted_in", "erased"):
        reach.append(figure(kind))
        if kind == "joined":
            reach += [(t("impact.joined_from", answer=source), n, 1)
                      for source, n in impact.details("joined")]
    # Texts from services (short codes, names) and other channels: not people, no reply.
    reach.append(figure("ignored_sender"))
    reach += [(_sender(content, kind), n, 1) for kind, n in impact.details("ignored_sender")]
    section("reach", reach)
    section("checkins", [(_option(content, "checkin", d), n, 0)
                         for d, n in impact.details("checkin")])
    section("safety", [
        *[(_topic(content, topic), n, 0) for topic, n in impact.details("safety")],
        figure("medical_question"), figure("safety_net"), figure("distress"),
        *[(t(f"impact.figures.{k}"), v, 0) for k, v in impact.alerts.items()]])
    section("suggestions", [figure("going")])
    section("feedback", [(_option(content, "followup", a), n, 0)
                         for a, n in sorted(impact.feedback.items(), key=lambda i: -i[1])])
    # Which places people found not as described: about places, never people, so exact.
    lines.extend(["", t("impact.sections.flagged")])
    lines.extend(f"  {place}: {n}" for place, n in impact.flagged.most_common())
    if not impact.flagged:
        lines.append(f"  {t('impact.none')}")
    section("peers", [figure(k) for k in ("buddy_requested", "buddy_connected", "report")])
    section("now", [(t(f"impact.figures.{k}"), v, 0) for k, v in impact.now.items()])
    return "\n".join(lines)


def as_json(impact: Impact, *, exact: bool = False) -> dict[str, object]:
    def counts(pairs: Iterable[tuple[str, int]]) -> dict[str, str]:
        return {key: shown(n, exact) for key, n in pairs}

    return {
        "since": impact.since.isoformat(), "until": impact.until.isoformat(),
        "exact": exact,
        "events": {kind: {"total": shown(impact.total(kind), exact),
                          "by_detail": counts(impact.details(kind))}
                   for kind in sorted({k for k, _ in impact.events})},
        "feedback": counts(impact.feedback.items()),
        "places_not_as_described": dict(impact.flagged.most_common()),
        "now": counts(impact.now.items()),
        "safety_alerts": counts(impact.alerts.items()),
    }


def _alerts(connection: Connection, since: datetime, until: datetime) -> dict[str, int]:
    """How the duty team handled alerts: picked up within 15 minutes, sent to every
    coordinator because nobody did, still open."""
    rows = connection.execute(select(SafetyAlert.created_at, SafetyAlert.acknowledged_at,
                                     SafetyAlert.escalated_at, SafetyAlert.status).where(
        SafetyAlert.created_at >= since, SafetyAlert.created_at < until)).all()
    return {
        "alerts": len(rows),
        "alerts_picked_up_in_time": sum(
            1 for created, acknowledged, _, _ in rows
            if acknowledged is not None and acknowledged - created <= ACKNOWLEDGE_WITHIN),
        "alerts_escalated": sum(1 for _, _, escalated, _ in rows if escalated is not None),
        "alerts_open": sum(1 for *_, status in rows if status != "closed"),
    }


def _topic(content: Content, topic: str) -> str:
    key = f"safety.alerts.kind.{topic}"
    return content.text(key).capitalize() if content.has(key) else topic


def _sender(content: Content, kind: str) -> str:
    key = f"impact.ignored_from.{kind}"
    return content.text(key) if content.has(key) else kind


def _option(content: Content, options: str, option_id: str) -> str:
    key = f"options.{options}.{option_id}.label"
    return content.text(key) if content.has(key) else option_id


def _day(moment: datetime) -> str:
    return moment.strftime("%d %b %Y").lstrip("0")
