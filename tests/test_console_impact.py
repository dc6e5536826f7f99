"""The console's impact page: the anonymous figures week by week, through the real app and
database (SQLite, and PostgreSQL with TEST_DATABASE_URL): London weeks, small counts shown
as <5 and never drawn, no totals that give a small count away, the CSV download, the date
range and its errors, coordinators only, and every view in the audit log."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

from sqlalchemy import Connection
from test_console_http import console, text_of

from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address
from bot.impact.weekly import LONDON, weekly, weeks_between
from bot.storage import repository as repo

EN = library().for_language("en")

RESIDENT = Address("sms", "+447700900611")
DUTY = Address("telegram", "61161")


def events(when: datetime, kind: str, detail: str | None, count: int):  # type: ignore[no-untyped-def]
    def add(connection: Connection) -> None:
        for _ in range(count):
            repo.record_impact(connection, kind, when, detail=detail)
    return add


def charts_of(html: str) -> dict[str, dict[str, object]]:
    """Each chart's data as the page hands it to the chart script."""
    found = [json.loads(unescape(data)) for data in re.findall(r'data-impact-chart="([^"]*)"',
                                                                 html)]
    return {chart["label"]: chart for chart in found}


async def test_weeks_are_london_weeks_across_the_clock_change(settings: Settings) -> None:
    # British Summer Time began at 01:00 UTC on Sunday 29 March 2026.
    async with console(settings) as site:
        late_sunday = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)  # 23:30 BST, Sunday
        early_monday = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)  # 00:30 BST, Monday
        await site.world.db(events(late_sunday, "going", None, 1))
        await site.world.db(events(early_monday, "going", None, 2))
        await site.world.db(events(datetime(2026, 3, 16, 12, tzinfo=UTC), "joined", "gp", 3))
        since = datetime(2026, 3, 16, tzinfo=LONDON)
        until = datetime(2026, 4, 6, tzinfo=LONDON)  # 23:00 UTC on the 5th
        charts = {c.name: c for c in await site.world.db(lambda c: weekly(c, since, until))}
    assert charts["going"].weeks == (date(2026, 3, 16), date(2026, 3, 23), date(2026, 3, 30))
    [going] = charts["going"].series
    assert going.counts == (0, 1, 2)
    [gp] = charts["starts"].series
    assert (gp.key, gp.counts) == ("gp", (3, 0, 0))
    assert [c.name for c in charts.values()] == ["starts", "checkins", "going", "peers", "alerts"]


def test_weeks_between_is_bounded_and_starts_on_a_monday() -> None:
    weeks = weeks_between(datetime(2026, 3, 4, tzinfo=UTC), datetime(2026, 3, 5, tzinfo=UTC))
    assert weeks == (date(2026, 3, 2),)
    # A UTC midnight in summer is 01:00 in London: that Monday's week is in.
    assert weeks_between(datetime(2026, 3, 30, tzinfo=LONDON), datetime(2026, 4, 6, tzinfo=UTC)) \
        == (date(2026, 3, 30), date(2026, 4, 6))
    assert weeks_between(datetime(2026, 3, 5, tzinfo=UTC), datetime(2026, 3, 5, tzinfo=UTC)) \
        == ()
    assert len(weeks_between(datetime(2020, 1, 1, tzinfo=UTC),
                             datetime(2026, 1, 1, tzinfo=UTC))) == 106


async def test_the_impact_page_and_its_download(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        world = site.world
        start = site.clock.now()  # Monday 2 March 2026, 09:00
        await world.db(events(start, "joined", "physio", 7))
        await world.db(events(start + timedelta(days=1), "joined", "gp", 2))
        await world.db(events(start + timedelta(days=8), "joined", "physio", 5))
        await world.db(events(start, "checkin", "better", 6))
        await world.db(events(start, "checkin", "harder", 1))
        await world.moderator(DUTY, "Dee", role="coordinator")
        await world.resident(RESIDENT, "Ann")
        heard = await world.says(RESIDENT, "i want to end my life tonight")
        assert "116 123" in heard.text(RESIDENT)
        site.clock.advance(timedelta(days=10))  # Thursday 12 March
        await site.staff(sam, "sam@example.org")
        await site.staff(mo, "mo@example.org", "Mo Patel", role="moderator")

        assert (await mo.get("/staff/impact")).status_code == 403
        assert (await mo.get("/staff/impact.csv")).status_code == 403

        page = await sam.get("/staff/impact?from=2026-03-02&to=2026-03-15")
        assert page.status_code == 200
        words = text_of(page)
        assert "Move Mates in numbers" in words
        assert "Ann" not in words and "end my life" not in words  # counts only
        charts = charts_of(page.text)
        starts = charts["People who started, by how they heard of us"]
        assert starts["weeks"] == ["2 Mar 2026", "9 Mar 2026"]
        by_label = {s["label"]: s["counts"] for s in starts["series"]}  # type: ignore[index]
        # 7 and 5 are drawn; 2 is under five: a gap in the chart, "<5" in the table.
        assert by_label["physio"] == [7, 5]
        assert by_label["gp"] == [None, 0]
        # The resident who joined by text came in with no link: 1, so "<5" too.
        assert by_label["direct"] == [None, 0]
        checkins = {s["label"]: s["counts"]
                    for s in charts["How moving has felt (check-in answers)"]["series"]}  # type: ignore[index]
        assert [6, 0] in checkins.values() and [None, 0] in checkins.values()
        alerts = charts["Safety alerts, by kind"]["series"]  # type: ignore[index]
        assert [(s["label"], s["counts"]) for s in alerts] == [("Crisis", [None, 0])]
        # The table shows what the chart draws, small counts as <5, and no totals.
        table = re.search(r'id="table-starts".*?</table>', page.text, re.S)
        assert table is not None
        cells = [unescape(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", table.group(0))]
        assert cells == ["7", "<5", "<5", "5", "0", "0"]
        assert "Total" not in text_of(page)

        download = await sam.get("/staff/impact.csv?from=2026-03-02&to=2026-03-15")
        assert download.status_code == 200
        assert download.headers["content-type"].startswith("text/csv")
        assert "move-mates-impact-2026-03-02-to-2026-03-15.csv" in \
            download.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(download.text)))
        assert rows[0] == ["chart", "week_starting", "part", "count"]
        assert ["starts", "2026-03-02", "physio", "7"] in rows
        assert ["starts", "2026-03-02", "gp", "<5"] in rows
        assert ["alerts", "2026-03-02", "Crisis", "<5"] in rows
        assert not any(r[3] in {"1", "2", "3", "4"} for r in rows[1:])

        default = await sam.get("/staff/impact")  # the last twelve weeks, this one included
        assert default.status_code == 200
        assert 'id="from" name="from" type="date" value="2025-12-19"' in default.text
        assert 'id="to" name="to" type="date" value="2026-03-12"' in default.text

        for query, message in (
                ("from=2026-02-30&to=2026-03-01", "Enter a real date to start from"),
                ("from=2026-03-09&to=2026-03-02", "Pick an end date on or after the start"),
                ("from=2020-01-01&to=2026-03-01", "Pick two years or less"),
                ("from=%00%ff&to=" + "9" * 5000, "Enter a real date to start from")):
            wrong = await sam.get(f"/staff/impact?{query}")
            assert wrong.status_code == 400 and "There is a problem" in text_of(wrong)
            assert message in text_of(wrong), query
            # A download with such dates: the page in the console, saying what to mend.
            refused = await sam.get(f"/staff/impact.csv?{query}")
            assert refused.status_code == 400
            assert refused.headers["content-type"].startswith("text/html")
            assert "content-disposition" not in refused.headers
            assert EN.text("console_impact.errors.csv") in text_of(refused)
            assert message in text_of(refused) and 'id="from"' in refused.text
            assert 'href="/staff/impact"' in refused.text  # the console's own menu

        actions = [r["action"] for r in await site.audit()]
        assert actions.count("impact_viewed") == 6  # the page, the default, four wrong ones
        assert actions.count("impact_downloaded") == 1
