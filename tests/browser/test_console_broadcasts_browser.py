"""Broadcasts in a real browser (Debian's Chromium driven by Playwright) against `movemates
serve` itself with SMS on (the Twilio stub), on SQLite and PostgreSQL: a coordinator writes
one by keyboard (a link first: the preview's warning, then "Change"), the preview shows the
texts with their segments, the people it goes to and the cost, they send it, the texts
reach everyone who agreed, the resident who texted STOP gets nothing, and the history
counts them; axe-core finds no serious or critical WCAG 2.2 A/AA problem on any of its
pages."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from test_broadcasts import add_person
from test_console_browser import RESIDENT, Checked, Service, expect, tab_to

from bot.config import Settings
from bot.storage.db import Database

pytestmark = pytest.mark.slow

ANN, BOB, CAT = "+447700900881", "+447700900882", "+447700900883"
WORDS = "The Watermead walk is back on Saturday at 10. Meet by the cafe. All welcome."
LINKED = "All our walks are on movemates.org.uk/walks now."


async def add_people(settings: Settings) -> None:
    """Three in LE11 who like walking and agreed to messages (one of them the resident who
    will text STOP), and one in LE4."""
    db = Database(settings.database_url)
    now = datetime.now(UTC)
    try:
        for name, number, district in (("Ann", ANN, "LE11"), ("Bob", BOB, "LE11"),
                                       ("Rae", RESIDENT, "LE11"), ("Cat", CAT, "LE4")):
            await db.run(lambda c, n=name, a=number, d=district: add_person(
                c, now, n, sms=a, district=d, quiet=("00:00", "00:00")))
    finally:
        await db.dispose()


async def texts_to(running: Service, number: str, containing: str,
                   seconds: float = 30) -> list[str]:
    for _ in range(int(seconds * 10)):
        bodies = [m.body for m in running.stub.sent if m.to == number]
        if any(containing in body for body in bodies):
            return bodies
        await asyncio.sleep(0.1)
    raise AssertionError(f"no text with {containing!r} to {number}")


async def test_a_broadcast_in_the_browser(staff_page: Callable[..., Awaitable[Checked]],
                                          service: Service, settings: Settings) -> None:
    await add_people(settings)
    # The resident texts STOP (a signed Twilio webhook): the real opt-out.
    await service.text_from_resident("STOP")
    await service.texts_to_resident("")
    sam = await staff_page()
    page = sam.page

    await page.get_by_role("link", name="Broadcasts", exact=True).click()
    await expect(page.get_by_role("heading", name="Broadcasts", exact=True)
                 ).to_be_visible()
    await sam.axe()
    await page.get_by_role("button", name="Write a broadcast").click()
    await expect(page.get_by_role("heading", name="Write a broadcast")).to_be_visible()
    await sam.axe()

    # Something wrong first: the form comes back with the error and the words kept.
    await page.get_by_label("Your message").fill(WORDS)
    await page.get_by_label("Postcode districts").fill("LE11 ZZ99")
    await page.get_by_role("button", name="Check the broadcast").click()
    await expect(page.get_by_role("alert").filter(has_text="There is a problem")
                 ).to_be_visible()
    await expect(page.get_by_label("Your message")).to_have_value(WORDS)
    await sam.axe()

    # Words the checks warn about (a link): the preview says so and asks for a tick; a
    # reload shows it again and sends nothing; "Change" brings the form back as it was.
    await page.get_by_label("Your message").fill(LINKED)
    await page.get_by_label("Postcode districts").fill("le11")
    await page.get_by_role("button", name="Check the broadcast").click()
    await expect(page.locator("#screen-warning")).to_contain_text("A link to a website.")
    await expect(page.get_by_label("Yes, I have read the warning", exact=False)
                 ).not_to_be_checked()
    await sam.axe()
    await page.reload()
    await expect(page.get_by_role("heading", name="Check your broadcast")).to_be_visible()
    await page.get_by_role("button", name="Change the broadcast").click()
    await expect(page.get_by_label("Your message")).to_have_value(LINKED)
    await page.get_by_label("Your message").fill(WORDS)

    # By keyboard: the districts, a tick for walking, Tab to the button, Enter.
    await page.get_by_label("Postcode districts").fill("le11")
    await page.get_by_label("Postcode districts").focus()
    await page.keyboard.press("Tab")
    await page.keyboard.press("Space")  # the first interest: Walking
    await expect(page.get_by_label("Walking")).to_be_checked()
    await tab_to(page, "Check the broadcast")
    await page.keyboard.press("Enter")

    await expect(page.get_by_role("heading", name="Check your broadcast")
                 ).to_be_visible()
    telegram = page.locator("#telegram-preview")
    await expect(telegram).to_have_text(f"Move Mates team: {WORDS}")
    texts = page.get_by_role("region", name="The text messages one person gets")
    await expect(texts.get_by_role("row")).to_have_count(2)  # a header, one text
    await expect(texts.get_by_role("row").nth(1)).to_contain_text("93")
    numbers = page.locator("#numbers")
    await expect(numbers.locator('[data-number="recipients"]')).to_have_text("2")
    await expect(numbers.locator('[data-number="sms"]')).to_have_text("2")
    await expect(numbers.locator('[data-number="left_out"]')).to_have_text("1")
    await expect(numbers.locator('[data-number="segments_each"]')).to_have_text("1")
    await expect(numbers.locator('[data-number="cost"]')).to_have_text(
        "£0.08 (2 segments at £0.04 each)")
    await expect(page.get_by_text("only standard text characters")).to_be_visible()
    await expect(page.get_by_text(
        "This sends your message to 2 people. It will cost about £0.08.")
    ).to_be_visible()
    await sam.axe()

    await tab_to(page, "Yes, send it to 2 people")
    await page.keyboard.press("Enter")
    await expect(page.get_by_text("Your broadcast is on its way.")).to_be_visible()
    await sam.axe()

    for number in (ANN, BOB):
        assert f"Move Mates team: {WORDS}" in await texts_to(service, number,
                                                             "Watermead")
    await asyncio.sleep(1)  # anything else on its way has gone by now
    assert not any("Watermead" in m.body for m in service.stub.sent
                   if m.to in (RESIDENT, CAT))

    await page.get_by_role("link", name="Back to broadcasts").click()
    row = page.get_by_role("row").filter(has_text="The Watermead walk")
    await expect(row.locator('[data-count="recipients"]')).to_have_text("2")
    await expect(row.locator('[data-count="not_sent"]')).to_have_text("0")
    await expect(row.locator('[data-count="failed"]')).to_have_text("0")
    await sam.axe()

    assert sam.problems == [], "\n".join(sam.problems)
