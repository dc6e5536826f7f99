"""The impact page in a real browser (Debian's Chromium driven by Playwright) against
`movemates serve` itself, on SQLite and PostgreSQL: the charts are drawn by Chart.js from the
app's own assets under the page's Content-Security-Policy, small counts are gaps in the
chart and "<5" in the table, the date range works by keyboard, axe-core finds no serious
or critical WCAG 2.2 A/AA problem, and without JavaScript the tables carry the figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection
from test_console_browser import (  # noqa: F401  (`service` is a fixture)
    CHROMIUM,
    PASSWORD,
    Service,
    async_playwright,
    checked_page,
    expect,
    service,
    tab_to,
)
from test_console_places_browser import sign_up_and_in

from bot.config import Settings
from bot.storage import repository as repo
from bot.storage.db import Database

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(async_playwright is None or not CHROMIUM.exists(),
                       reason="Playwright or Debian's Chromium is missing (make test installs "
                              "both); the impact page's browser test did not run"),
]


async def add_events(settings: Settings) -> None:
    """Starts in two weeks of March 2026: 6 then 2 by a GP's link."""
    db = Database(settings.database_url)

    def add(connection: Connection) -> None:
        for day, count in ((2, 6), (10, 2)):
            for _ in range(count):
                repo.record_impact(connection, "joined",
                                   datetime(2026, 3, day, 12, tzinfo=UTC), detail="gp")

    try:
        await db.run(add)
    finally:
        await db.dispose()


async def test_the_impact_charts_in_the_browser(service: Service, settings: Settings) -> None:  # noqa: F811
    await add_events(settings)
    link = await service.setup_link("sam@example.org", "Sam Jones")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=["--no-sandbox"])
        try:
            sam = await checked_page(browser)
            page = sam.page
            await sign_up_and_in(sam, link)

            await page.get_by_role("link", name="Impact", exact=True).click()
            await expect(page.get_by_role("heading", name="Move Mates in numbers")
                         ).to_be_visible()
            await sam.axe()

            # The date range by keyboard alone: type the dates, Tab to the button, Enter.
            await page.get_by_label("From", exact=True).fill("2026-03-02")
            await page.get_by_label("To", exact=True).fill("2026-03-15")
            await page.get_by_label("To", exact=True).focus()
            await tab_to(page, "Show these dates")
            await page.keyboard.press("Enter")
            await expect(page).to_have_url(
                f"{service.base}/staff/impact?from=2026-03-02&to=2026-03-15")

            starts = page.get_by_role("region", name="People who started, by how they heard "
                                                     "of us: the figures")
            await expect(starts.get_by_role("row")).to_have_count(3)  # a header, two weeks
            await expect(starts.get_by_role("row").nth(1)).to_contain_text("6")
            await expect(starts.get_by_role("row").nth(2)).to_contain_text("<5")
            chart = page.get_by_role("img", name="People who started, by how they heard of us")
            await expect(chart).to_be_visible()
            drawn = await chart.evaluate(
                "canvas => Chart.getChart(canvas).data.datasets.map(d => d.data)")
            assert drawn == [[6, None]]  # the 2 is a gap, as in the table
            await sam.axe()

            # Without JavaScript: no chart, the same figures in the table.
            plain = await browser.new_context(java_script_enabled=False)
            bare = await plain.new_page()
            await bare.goto(f"{service.base}/staff/sign-in")
            await bare.get_by_label("Email address").fill("sam@example.org")
            await bare.get_by_label("Password").fill(PASSWORD)
            await bare.get_by_role("button", name="Sign in").click()
            await bare.goto(f"{service.base}/staff/impact?from=2026-03-02&to=2026-03-15")
            await expect(bare.locator("canvas")).to_have_count(0)
            await expect(bare.get_by_role("row").filter(has_text="9 Mar 2026")
                         ).to_contain_text("<5")
            await plain.close()

            assert sam.problems == [], "\n".join(sam.problems)
        finally:
            await browser.close()
