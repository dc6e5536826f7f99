"""The Staff and Audit log pages in a real browser (Debian's Chromium driven by Playwright)
against `movemates serve` itself with SMS on, on SQLite and PostgreSQL.

A coordinator (signed in by conftest's `staff_page`) adds a member of staff (a mistake
first: the error summary), copies the set-up link shown once (a reload does not show it
again), makes a fresh link, which the new member uses to sign in; turns the account off
(the new member, mid-session, is told plainly it was turned off) and on again; makes a
set-up link for themselves, the only coordinator; and reads the audit log with its
filter, by who and by action. Then, at 320 CSS pixels
wide (WCAG 1.4.10 reflow), the Staff, Audit log and Volunteers pages do not scroll
sideways: their tables scroll inside a labelled region that the keyboard can scroll.
axe-core checks every page: no serious or critical WCAG 2.2 A/AA problem, and nothing may
break the Content-Security-Policy.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from test_console_browser import (
    AXE,
    CHROMIUM,
    Checked,
    Service,
    async_playwright,
    checked_page,
    expect,
    sign_up_and_in,
    tab_to,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(async_playwright is None or not CHROMIUM.exists() or not AXE.exists(),
                       reason="Playwright, Debian's Chromium or axe-core is missing (make test "
                              "installs them); the staff pages' browser test did not run"),
]
CODE = re.compile(r"valid for \d+ days: ([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})")
NARROW = {"width": 320, "height": 640}
StaffPage = Callable[..., Awaitable[Checked]]


async def test_a_coordinator_adds_and_looks_after_staff(staff_page: StaffPage, service: Service,
                                                        chromium: Any) -> None:
    sam = await staff_page()
    page = sam.page
    await page.get_by_role("link", name="Staff", exact=True).click()
    await expect(page.get_by_role("heading", name="Staff", exact=True)).to_be_visible()
    await sam.axe()

    # Add someone by keyboard: nothing filled in first, then the form done right.
    await page.evaluate("() => document.activeElement && document.activeElement.blur()")
    await tab_to(page, "Add a member of staff")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Add a member of staff")
                 ).to_be_visible()
    await sam.axe()
    await page.get_by_role("button", name="Add them").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Enter an email address")
    await expect(summary).to_contain_text("Enter a name of 1 to 80 characters")
    await expect(summary).to_contain_text("Choose a role")
    await sam.axe()
    await summary.get_by_role("link", name="Choose a role").click()
    await page.get_by_label("Email address").fill("mo@example.org")
    await page.get_by_label("Name", exact=True).fill("Mo Khan")
    await page.get_by_label("Moderator").check()
    await page.get_by_role("button", name="Add them").click()
    await expect(page.get_by_role("heading", name="Set-up link for Mo Khan")
                 ).to_be_visible()
    await expect(page.get_by_text("Mo Khan is added as a moderator.")).to_be_visible()
    first = (await page.locator("#setup-link").inner_text()).strip()
    assert first.startswith(f"{service.base}/staff/setup/"), first
    assert "/staff/staff/" in page.url and "setup" not in page.url.split("/staff/")[-1]
    await sam.axe()

    # A reload does not show it again.
    await page.reload()
    await expect(page.get_by_role("heading", name="This link is not shown again")
                 ).to_be_visible()
    assert first not in await page.content()
    await sam.axe()
    await page.get_by_role("link", name="Go back to staff").click()
    row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Mo Khan"))
    await expect(row).to_contain_text("Waiting for set-up")

    # A fresh link (the first was not sent, say): asked first, then shown once.
    await row.get_by_role("link", name="New set-up link for Mo Khan").click()
    await expect(page.get_by_role("heading", name="Make a new set-up link for Mo Khan?")
                 ).to_be_visible()
    await sam.axe()
    await page.get_by_role("button", name="Make the link").click()
    await expect(page.get_by_text("Any earlier link for them no longer works.")
                 ).to_be_visible()
    second = (await page.locator("#setup-link").inner_text()).strip()
    assert second != first and second.startswith(f"{service.base}/staff/setup/")
    await sam.axe()

    # Mo sets up with it and signs in, in a browser of their own.
    mo = await checked_page(chromium)
    await sign_up_and_in(mo, second, "mo@example.org")

    # Turned off, then on again; each asks first. Mo, mid-session, is told plainly.
    await page.get_by_role("link", name="Go back to staff").click()
    await expect(row).to_contain_text("Active")
    await row.get_by_role("link", name="Turn off Mo Khan").click()
    await page.get_by_role("button", name="Yes, turn it off").click()
    await expect(row).to_contain_text("Turned off")
    await mo.page.get_by_role("link", name="Inbox", exact=True).first.click()
    await expect(mo.page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    await expect(mo.page.get_by_text("Your account has been turned off")).to_be_visible()
    await expect(mo.page.get_by_text("You were signed out, so nobody else")).to_have_count(0)
    await mo.axe()
    assert mo.problems == [], "\n".join(mo.problems)
    await row.get_by_role("link", name="Turn on Mo Khan").click()
    await expect(page.get_by_role("heading", name="Turn on the account of Mo Khan?")
                 ).to_be_visible()
    await sam.axe()
    await page.get_by_role("button", name="Yes, turn it on").click()
    await expect(page.get_by_text("That account is turned on.")).to_be_visible()
    await expect(row).to_contain_text("Active")
    await sam.axe()

    # Sam, the only coordinator, makes a set-up link for themselves (to change their
    # password): from their own row, asked first, shown once; their password still works.
    mine = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Sam Jones"))
    await mine.get_by_role("link", name="New set-up link for yourself").click()
    await expect(page.get_by_role("heading", name="Make a new set-up link for yourself?")
                 ).to_be_visible()
    await expect(page.get_by_text("Your password and second step keep working")
                 ).to_be_visible()
    await sam.axe()
    await page.get_by_role("button", name="Make the link").click()
    await expect(page.get_by_role("heading", name="Your new set-up link")).to_be_visible()
    own = (await page.locator("#setup-link").inner_text()).strip()
    assert own.startswith(f"{service.base}/staff/setup/"), own
    await sam.axe()
    await page.get_by_role("link", name="Go back to staff").click()
    await expect(mine).to_contain_text("Active")

    # The audit log: actions, by whom, about whom, in words; then a filter.
    await page.get_by_role("link", name="Audit log", exact=True).click()
    await expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    added = page.get_by_role("row").filter(has_text="Added a staff account")
    await expect(added.filter(has_text="Mo Khan")).to_contain_text("Sam Jones")
    await expect(added.filter(has_text="The command line")).to_contain_text(
        "Sam Jones")  # the first coordinator, by `movemates staff add`
    links = page.get_by_role("row").filter(has_text="Made a set-up link")
    await expect(links.filter(has_text="Mo Khan")).to_have_count(1)
    await expect(links.filter(has_text="Sam Jones Made a set-up link Sam Jones")
                 ).to_have_count(1)  # their own
    assert "staff:2" not in await page.locator("main").inner_text()
    await sam.axe()
    await page.get_by_label("Show", exact=True).select_option("everything")
    await page.get_by_label("Done by").select_option(label="Sam Jones")
    await page.get_by_role("button", name="Show entries").click()
    await expect(page).to_have_url(re.compile(r"show=everything&who=1"))
    await expect(page.get_by_label("Show", exact=True)).to_have_value("everything")
    await sam.axe()
    # By action: only the accounts turned off, whoever did it.
    await page.get_by_label("Done by").select_option("")
    await page.get_by_label("Action", exact=True).select_option(
        label="Turned off a staff account")
    await page.get_by_role("button", name="Show entries").click()
    await expect(page).to_have_url(re.compile(r"action=staff_disabled"))
    rows = page.locator("tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Mo Khan")
    await expect(rows.first).to_contain_text("Sam Jones")
    await sam.axe()

    # A volunteer, so that the Volunteers page has its table.
    made = await service.movemates("volunteers", "invite", "--role", "moderator")
    code = CODE.search(made.stdout)
    assert code, made.stdout
    for line in (f"volunteer {code.group(1)}", "1", "Dee"):
        await service.text_from_resident(line)
    await service.texts_to_resident("You're now a group moderator")

    # 320 CSS pixels wide: the page never scrolls sideways; a wide table scrolls
    # in its own region, which takes the keyboard's focus and arrow keys.
    await page.set_viewport_size(NARROW)
    scrolled = 0
    for path, caption in (("/staff/staff", "Staff accounts"),
                          ("/staff/audit?show=everything", "Audit log entries"),
                          ("/staff/volunteers", "Volunteers")):
        await page.goto(f"{service.base}{path}")
        region = page.get_by_role("region", name=caption, exact=False)
        await expect(region).to_be_visible()
        width = await page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
        wide = await region.evaluate("e => e.scrollWidth > e.clientWidth")
        scrolled += wide
        if wide:
            # Without its region the table would widen the page (so this can fail).
            unwrapped = await region.evaluate(
                "e => { e.style.overflowX = 'visible'; const w = document"
                ".documentElement.scrollWidth; e.style.overflowX = ''; return w; }")
            print(f"{path} at 320 px: page {width} px wide, {unwrapped} px "
                  "without the scrolling region")
            assert unwrapped > 320, (path, unwrapped)
            await region.focus()
            await page.keyboard.press("ArrowRight")
            await page.keyboard.press("ArrowRight")
            await page.wait_for_function(
                "() => document.querySelector('.mm-table-scroll').scrollLeft > 0")
        await sam.axe()
    assert scrolled, "no table was wider than 320 px: the keyboard scroll went untried"
    for path in ("/staff/staff/new", "/staff/staff/2/link", "/staff/staff/2/disable"):
        await page.goto(f"{service.base}{path}")
        width = await page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, (path, width)

    assert sam.problems == [], "\n".join(sam.problems)
