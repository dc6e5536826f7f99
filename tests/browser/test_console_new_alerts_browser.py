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


async def test_a_talk_opened_from_an_alert_says_so_and_every_form_redirects(
        staff_page: Callable[..., Awaitable[Checked]], service: Service) -> None:
    """"Answer them" on a crisis alert opens a conversation that says the team opened it
    from the alert (they never asked for a person), on its page and in the inbox. Handing
    it back without an outcome comes back at a GET address that a reload shows again;
    handed back, reload, Back and Forward send nothing twice. By keyboard; axe-core on
    every page."""
    import asyncio
    import re

    from test_console_browser import RESIDENT, tab_to
    from test_console_cases_browser import mended_by_keyboard

    sam = await staff_page()
    page = sam.page
    await service.text_from_resident("hi")
    await service.text_from_resident("i want to end my life")
    await service.texts_to_resident("116 123")
    await page.reload()

    def texts(containing: str) -> int:
        return sum(containing in m.body for m in service.stub.sent if m.to == RESIDENT)

    await page.get_by_role("link", name="Alert 1").click()
    await page.evaluate("() => document.activeElement && document.activeElement.blur()")
    await tab_to(page, "Answer them")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"/staff/requests/1\?done=claimed#answer$"))
    facts = page.locator(".nhsuk-summary-list").first
    await expect(facts).to_contain_text("Opened")
    await expect(facts).to_contain_text(
        "The team opened this to answer a safety alert. They did not ask to talk to a person.")
    await expect(facts).not_to_contain_text("Asked")
    await expect(facts).not_to_contain_text("We told them")
    await expect(page.get_by_role("link", name="Alert 1").first).to_be_visible()
    await sam.axe()
    await page.get_by_role("link", name="Back to the inbox").click()
    row = page.get_by_role("row").filter(has_text="Request 1")
    await expect(row).to_contain_text("Nothing: the team opened this from alert 1")
    await expect(page.get_by_role("heading", name="People talking to a person from the team")
                 ).to_be_visible()
    await sam.axe()

    await page.get_by_role("link", name="Request 1").click()
    await mended_by_keyboard(sam, "/staff/requests/1", "Hand back to the bot",
                             "Say what happened before you hand them back", "outcome",
                             "Rang her; she is safe with her sister.")
    await expect(page).to_have_url(re.compile(r"/staff/requests/1\?done=handed_back$"))
    await expect(page.get_by_text("They are back with the bot.")).to_be_visible()
    await sam.axe()
    await service.texts_to_resident("You are back with the Move Mates bot")
    await page.reload()
    await page.go_back()
    await page.go_forward()
    await expect(page.get_by_text("They are back with the bot.")).to_be_visible()
    await asyncio.sleep(1)  # anything sent twice would have gone by now
    assert texts("You are back with the Move Mates bot") == 1
    assert sam.problems == [], "\n".join(sam.problems)
