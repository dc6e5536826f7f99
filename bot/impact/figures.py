"""The impact figures: anonymous counts over a period, from the events the engine records
(`impact_events`: no person id, no text), visit feedback, safety alerts and a snapshot of
who is held. Read by the coordinators' report (`movemates impact`, bot/tools/impact.py) and
the staff console's impact page (bot/console/impact.py).

Small counts are shown as "<5" (`shown`) unless the team asks for exact figures, so a report
can be shared with partners without anyone being picked out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, select

from bot.places.models import PlaceFeedback
from bot.safety.alerts import ACKNOWLEDGE_WITHIN
from bot.safety.models import SafetyAlert
from bot.storage.models import Identity, ImpactEvent, Person

SMALL = 5


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
