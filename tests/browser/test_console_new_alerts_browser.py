"""New safety alerts reach a coordinator who has only the console open, in a real browser
(Debian's Chromium driven by Playwright) against `movemates serve` itself, on SQLite and
PostgreSQL: a resident texts in crisis while the inbox is open, and without a reload the
alert appears in its list, is said in the polite live region, and the page title and
heading count it; axe-core finds no serious or critical problem, and nothing breaks the
Content-Security-Policy. The page's timers run on Playwright's clock, so the 30 seconds
pass at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from test_console_browser import Checked, Service, expect

pytestmark = pytest.mark.slow


async def test_a_new_alert_appears_and_is_announced_without_a_reload(
        staff_page: Callable[..., Awaitable[Checked]], service: Service) -> None:
    # The page's timers on Playwright's clock from the start, before anyone signs in.
    sam = await staff_page(before=lambda page: page.clock.install())
    page = sam.page
    await expect(page).to_have_title("Inbox - Move Mates staff")
    await expect(page.get_by_text("This list updates by itself every 30 seconds")
                 ).to_be_visible()
    region = page.get_by_role("status")
    await expect(region).to_have_attribute("aria-live", "polite")
    await expect(region).to_have_text("")
    await sam.axe()
    # A mark on this very page: a reload would lose it.
    await page.evaluate("() => { window.sameInbox = true; }")

    await service.text_from_resident("hi")
    await service.text_from_resident("i want to end my life")
    await service.texts_to_resident("116 123")
    await expect(page.get_by_role("row").filter(has_text="Alert 1")).to_have_count(0)

    await page.clock.run_for(31_000)
    row = page.get_by_role("row").filter(has_text="Alert 1")
    await expect(row).to_contain_text("Not picked up")
    await expect(region).to_have_text("New safety alert 1: crisis.")
    await expect(page).to_have_title("(1) Inbox - Move Mates staff")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Inbox 1 new alert")
    assert await page.evaluate("() => window.sameInbox") is True
    await sam.axe()

    # Nothing new next time: nothing more is said, the count stays.
    await page.clock.run_for(31_000)
    await expect(page).to_have_title("(1) Inbox - Move Mates staff")
    await expect(region).to_have_text("New safety alert 1: crisis.")

    # The alert link in the refreshed list works like any other.
    await row.get_by_role("link", name="Alert 1").click()
    await expect(page.get_by_text("i want to end my life")).to_be_visible()
    assert sam.problems == [], "\n".join(sam.problems)
