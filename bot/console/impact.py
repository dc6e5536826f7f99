"""The impact page (coordinators): the anonymous figures week by week as charts, each with
its data table, for a date range, and the same figures as CSV.

Counts from 1 to 4 show as "<5" in the tables and the CSV and are not drawn in the charts,
as in `movemates impact`, so a page or a download can go to partners without anyone being
picked out. There are no totals beside split figures: a total and all but one of its parts
would give the last part away. Charts are drawn by Chart.js in the browser (progressive
enhancement); the tables are the figures for screen readers, print and no JavaScript.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.pages import LONDON
from bot.console.shared import Console, signed_in
from bot.core.content import Content
from bot.impact.figures import SMALL, shown
from bot.impact.weekly import MAX_WEEKS, Chart, weekly
from bot.staff import audit
from bot.staff.sessions import Session

# Shown when the page opens: the last twelve weeks, this one included.
DEFAULT_WEEKS = 12
# Where each split chart finds words for its parts (an option's label, an alert's kind).
PART_WORDS = {"checkins": "options.checkin.{key}.label",
              "alerts": "safety.alerts.kind.{key}"}


@dataclass(frozen=True)
class Period:
    first: date  # the first day shown
    last: date  # the last day shown (included)

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time(), LONDON)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), LONDON)


def _day(raw: str | None) -> date | None:
    if not raw or len(raw) != 10:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def period_from(query: dict[str, str], today: date) -> tuple[Period, dict[str, str]]:
    """The range asked for (`from`, `to`: YYYY-MM-DD, as a date field sends them), or the
    last twelve weeks; with the fields that were wrong (field -> content key)."""
    default = Period(today - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1), today)
    errors: dict[str, str] = {}
    raw_first, raw_last = query.get("from"), query.get("to")
    first = _day(raw_first) if raw_first else default.first
    last = _day(raw_last) if raw_last else default.last
    if first is None:
        errors["from"] = "console_impact.errors.from"
    if last is None:
        errors["to"] = "console_impact.errors.to"
    if first is None or last is None:
        return default, errors
    if last < first:
        return default, {"to": "console_impact.errors.order"}
    if (last - first).days > MAX_WEEKS * 7 - 7:
        return default, {"from": "console_impact.errors.too_long"}
    return Period(first, last), errors


def part_label(content: Content, chart: str, key: str) -> str:
    """Words for a part of a split chart; a referral code is shown as it is set up."""
    pattern = PART_WORDS.get(chart)
    if pattern and content.has(pattern.format(key=key)):
        words = content.text(pattern.format(key=key))
        return words[:1].upper() + words[1:]
    if chart in ("going", "peers"):
        return content.text(f"console_impact.charts.{chart}.series")
    return key


def _week(day: date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


def view(chart: Chart, content: Content) -> dict[str, object]:
    """What the template and the chart script need: labels, and each count as shown."""
    series = [{"label": part_label(content, chart.name, s.key),
               "shown": [shown(n, exact=False) for n in s.counts],
               # Suppressed counts are not drawn: None becomes a gap in the chart.
               "counts": [n if n == 0 or n >= SMALL else None for n in s.counts]}
              for s in chart.series]
    weeks = [_week(week) for week in chart.weeks]
    label = content.text(f"console_impact.charts.{chart.name}.title")
    return {"name": chart.name, "title": label, "weeks": weeks, "mondays": chart.weeks,
            "series": series,
            "data": json.dumps({"label": label, "weeks": weeks,
                                "series": [{"label": s["label"], "counts": s["counts"]}
                                           for s in series]})}


def as_csv(charts: list[Chart], content: Content) -> str:
    """chart, week (its Monday), part, count ("<5" for 1 to 4): one row per count."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["chart", "week_starting", "part", "count"])
    for chart in charts:
        for series in chart.series:
            label = part_label(content, chart.name, series.key)
            for week, count in zip(chart.weeks, series.counts, strict=True):
                writer.writerow([chart.name, week.isoformat(), _safe_cell(label),
                                 shown(count, exact=False)])
    return out.getvalue()


def _safe_cell(text: str) -> str:
    """A spreadsheet never runs a cell as a formula (OWASP CSV injection): a referral code
    is set by staff, but a leading = + - @ is still defused."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def routes(console: Console) -> list[Route]:
    pages = console.pages
    content = console.pages.content  # the console speaks English

    async def figures(period: Period) -> list[Chart]:
        return await console.run(lambda c: weekly(c, period.since, period.until))

    async def shown_page(request: Request, session: Session, period: Period,
                         errors: dict[str, str], *, download: bool = False) -> Response:
        """The page; `download`: a download asked for with dates that could not be read,
        so the page says so above its form (with the console round it, not bare text)."""
        charts = await figures(period)
        return pages.render("impact.html", 400 if errors else 200, session=session,
                            csrf=session.csrf_token, current="impact", errors=errors,
                            period=period, values=dict(request.query_params),
                            charts=[view(chart, content) for chart in charts],
                            download_problem=download)

    @signed_in(console, coordinator=True)
    async def page(request: Request, session: Session) -> Response:
        today = console.clock.now().astimezone(LONDON).date()
        period, errors = period_from(dict(request.query_params), today)
        await console.run(lambda c: audit.record(c, console.clock.now(), session.account.id,
                                                 "impact_viewed"))
        return await shown_page(request, session, period, errors)

    @signed_in(console, coordinator=True)
    async def download(request: Request, session: Session) -> Response:
        today = console.clock.now().astimezone(LONDON).date()
        period, errors = period_from(dict(request.query_params), today)
        if errors:  # the page, to pick the dates again (nothing downloaded, nor logged)
            return await shown_page(request, session, period, errors, download=True)
        charts = await figures(period)
        await console.run(lambda c: audit.record(c, console.clock.now(), session.account.id,
                                                 "impact_downloaded"))
        name = f"move-mates-impact-{period.first.isoformat()}-to-{period.last.isoformat()}.csv"
        return Response(as_csv(charts, content), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return [Route("/impact", page, methods=["GET"]),
            Route("/impact.csv", download, methods=["GET"])]
