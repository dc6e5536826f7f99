"""Impact figures week by week, for the staff console's charts: how many started (by how
they heard of us), how moving has felt (check-in answers), ideas taken up, peer
connections and safety alerts to the duty team by kind.

`weekly(connection, since, until)` returns one `Chart` per figure: `weeks` are the Mondays
(Europe/London) the range touches, and each series holds one count per week. Counts are
exact here; whoever shows them suppresses small ones (`figures.shown`), as the report does.
Events are counted in the London week they happened in, so a Sunday-night event is never
pushed into the next week by the hour between UTC and British Summer Time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from bot.safety.models import SafetyAlert
from bot.storage.models import ImpactEvent

LONDON = ZoneInfo("Europe/London")
# Each chart: its name, the event kind it counts, and whether it is split by the event's
# detail (a referral code, a check-in answer, an alert's kind) or counted whole.
CHARTS: tuple[tuple[str, str, bool], ...] = (
    ("starts", "joined", True),
    ("checkins", "checkin", True),
    ("going", "going", False),
    ("peers", "buddy_connected", False),
)
# Safety alerts come from their own table (one per alert, whoever it was about, kept after
# the person's data is erased as an anonymous row), split by the reply that was sent.
ALERTS = "alerts"
NAMES = (*(name for name, _, _ in CHARTS), ALERTS)
# Weeks a chart can span: two years of Mondays, so a page stays readable and quick.
MAX_WEEKS = 106


@dataclass(frozen=True)
class Series:
    """One line of a chart: `key` is the event's detail ("gp", "better") or the kind itself
    for a chart counted whole; `counts[i]` is the count in week `i`."""

    key: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Chart:
    name: str  # one of CHARTS' names: its words are console.impact.charts.<name>
    weeks: tuple[date, ...]  # each week's Monday
    series: tuple[Series, ...]  # biggest first


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_between(since: datetime, until: datetime) -> tuple[date, ...]:
    """The Mondays of the London weeks from `since` up to (not including) `until`."""
    if until <= since:
        return ()
    first = monday(since.astimezone(LONDON).date())
    last = (until - timedelta(microseconds=1)).astimezone(LONDON).date()
    count = min(MAX_WEEKS, (last - first).days // 7 + 1)
    return tuple(first + timedelta(weeks=i) for i in range(max(count, 0)))


def weekly(connection: Connection, since: datetime, until: datetime) -> list[Chart]:
    """Every chart (`NAMES`: `CHARTS` and the alerts), in that order, for what happened at
    or after `since` and before `until` (aware datetimes). An empty range gives charts with
    no weeks."""
    weeks = weeks_between(since, until)
    index = {week: i for i, week in enumerate(weeks)}
    kinds = {kind: (name, split) for name, kind, split in CHARTS}
    tallies: dict[str, Counter[tuple[str, int]]] = {name: Counter() for name in NAMES}

    def count(name: str, key: str, moment: datetime) -> None:
        week = index.get(monday(moment.astimezone(LONDON).date()))  # stored aware, UTC
        if week is not None:
            tallies[name][(key, week)] += 1

    for occurred_at, kind, detail in connection.execute(
            select(ImpactEvent.occurred_at, ImpactEvent.kind, ImpactEvent.detail)
            .where(ImpactEvent.occurred_at >= since, ImpactEvent.occurred_at < until,
                   ImpactEvent.kind.in_(list(kinds)))):
        name, split = kinds[kind]
        count(name, (detail or "unknown") if split else kind, occurred_at)
    for created_at, topic in connection.execute(
            select(SafetyAlert.created_at, SafetyAlert.topic)
            .where(SafetyAlert.created_at >= since, SafetyAlert.created_at < until)):
        count(ALERTS, topic, created_at)
    charts = []
    for name in NAMES:
        keys = sorted({key for key, _ in tallies[name]})
        series = [Series(key, tuple(tallies[name][(key, i)] for i in range(len(weeks))))
                  for key in keys]
        series.sort(key=lambda s: (-s.total, s.key))
        charts.append(Chart(name, weeks, tuple(series)))
    return charts
