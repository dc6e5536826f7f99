"""The coordinators' impact report (`movemates impact`): the anonymous figures of
bot/impact/figures.py as text or JSON. Small counts are shown as "<5" unless the team asks
for exact figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.core.content import Content
from bot.impact.figures import SMALL, Impact, gather, shown

__all__ = ["SMALL", "Impact", "as_json", "as_text", "gather", "shown"]


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
