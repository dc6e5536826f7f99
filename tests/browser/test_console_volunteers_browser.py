"""The Volunteers pages in a real browser (Debian's Chromium driven by Playwright) against
`movemates serve` itself with SMS on, on SQLite and PostgreSQL.

A coordinator makes an invite code with the keyboard alone (a mistake first: the error
summary), shown once (a reload finds it gone); the new volunteer texts it to the bot
(signed Twilio webhooks) and joins; the coordinator sees them in the list, pauses and
resumes them and puts them on duty and off (each time the volunteer gets a text saying
so), and removes them after "are you sure?"; Back then says plainly they were removed.
axe-core checks every page: no serious or critical WCAG 2.2 A/AA problem, and
nothing may break the Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from test_console_browser import Checked, Service, expect, tab_to

pytestmark = pytest.mark.slow


async def test_a_coordinator_invites_pauses_resumes_and_removes_a_volunteer(
        staff_page: Callable[..., Awaitable[Checked]], service: Service) -> None:
    lee = await staff_page()
    page = lee.page

    await page.get_by_role("link", name="Volunteers", exact=True).click()
    await expect(page.get_by_role("heading", name="Volunteers", exact=True)
                 ).to_be_visible()
    await expect(page.get_by_text("No volunteers yet.")).to_be_visible()
    await lee.axe()

    # The keyboard alone: to the form, a mistake (no role), then a code for 7 days.
    await page.evaluate("() => document.activeElement && document.activeElement.blur()")
    await tab_to(page, "Make an invite code")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Make an invite code")).to_be_visible()
    await lee.axe()
    await tab_to(page, "Make the code")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text(
        "Choose who the code is for")
    await lee.axe()
    await page.evaluate("() => document.activeElement && document.activeElement.blur()")
    await tab_to(page, "supporter")
    await page.keyboard.press("Space")
    await expect(page.get_by_label("A peer supporter", exact=False)).to_be_checked()
    await tab_to(page, "14")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("7")
    await tab_to(page, "Make the code")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Invite code for a peer supporter")
                 ).to_be_visible()
    await expect(page.get_by_text("valid for 7 days")).to_be_visible()
    await expect(page.get_by_text("This is the only time you will see this code")
                 ).to_be_visible()
    code = (await page.locator("#invite-code").inner_text()).strip()
    assert len(code) == 14, code
    await lee.axe()
    # A reload (or Back and Forward) shows it is gone, and makes no second code.
    await page.reload()
    await expect(page.get_by_role("heading", name="This code was shown once")).to_be_visible()
    await expect(page.get_by_text(code)).to_have_count(0)
    await lee.axe()

    # The volunteer texts the code and answers the bot's questions.
    for line in (f"volunteer {code}", "1", "Sam", "1", "8", "1", "1", "skip"):
        await service.text_from_resident(line)
    await service.texts_to_resident("You're now a peer supporter")

    await page.get_by_role("link", name="Back to volunteers").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Sam"))
    await expect(row).to_contain_text("Peer supporter")
    await expect(row).to_contain_text("0 of 1")
    await expect(row).to_contain_text("Active")
    await lee.axe()

    # Pause by keyboard; resume by pointer. The volunteer is told each time.
    await page.evaluate("() => document.activeElement && document.activeElement.blur()")
    await tab_to(page, "Pause Sam")
    await page.keyboard.press("Enter")
    await expect(page.get_by_text("We will not ask Sam to help anyone new")
                 ).to_be_visible()
    await expect(row).to_contain_text("Paused")
    await lee.axe()
    await service.texts_to_resident("A coordinator has paused your volunteering")
    await page.get_by_role("button", name="Resume Sam").click()
    await expect(page.get_by_text("Sam can be matched again")).to_be_visible()
    await expect(row).to_contain_text("Active")
    await lee.axe()
    await service.texts_to_resident("turned your volunteering back on")

    # On duty and off again without a text command: Sam is told each time.
    await page.get_by_role("button", name="Put on duty: Sam").click()
    await expect(page.get_by_text("Sam is on duty now.")).to_be_visible()
    await expect(row.get_by_role("button", name="Take off duty: Sam")).to_be_visible()
    await lee.axe()
    await service.texts_to_resident("A coordinator has put you on duty")
    await page.get_by_role("button", name="Take off duty: Sam").click()
    await expect(page.get_by_text("Sam is off duty now.")).to_be_visible()
    await service.texts_to_resident("A coordinator has taken you off duty")

    # Remove: "are you sure?" first.
    await page.get_by_role("link", name="Remove Sam").click()
    await expect(page.get_by_role("heading", name="Remove Sam as a volunteer?")
                 ).to_be_visible()
    await lee.axe()
    await page.get_by_role("button", name="Yes, remove them").click()
    await expect(page.get_by_text("They are not a volunteer now.")).to_be_visible()
    await expect(page.get_by_text("No volunteers yet.")).to_be_visible()
    await lee.axe()
    await service.texts_to_resident("You're not a Move Mates volunteer now")

    # Back, to the page that asked "are you sure?": it says plainly they were removed.
    await page.go_back()
    await expect(page.get_by_role("heading", name="This person is no longer a volunteer")
                 ).to_be_visible()
    await expect(page.get_by_text("Page not found")).to_have_count(0)
    await lee.axe()
    await page.get_by_role("link", name="Back to volunteers").click()
    await expect(page.get_by_text("No volunteers yet.")).to_be_visible()

    assert len(lee.pages) == 12
    assert lee.problems == [], "\n".join(lee.problems)
