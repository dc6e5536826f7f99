"""The console's Places pages in a real browser: Debian's Chromium driven by Playwright,
against `movemates serve` itself on a free port, on SQLite and PostgreSQL.

A coordinator opens Places from the menu, filters the list, opens a place with the
keyboard alone, edits it (a mistake first: the error summary), marks it verified and
retires it; adds a place; adds an OpenActive feed (a wrong address first) served by a real
RPDE server on 127.0.0.1, imports it and sees the result; and, without JavaScript, brings
the retired place back. axe-core checks every page on the way: no serious or critical WCAG
2.2 A/AA problem, and nothing may break the Content-Security-Policy.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from test_console_browser import AXE, CHROMIUM, PASSWORD, ROOT, Checked, checked_page, tab_to

from bot.config import Settings
from support.rpde_server import RpdeServer, running_rpde_server, session_series
from test_serve import clean_env, free_port, launch, stop, wait_healthy

try:
    from playwright.async_api import Page, async_playwright, expect
except ImportError:  # pragma: no cover - the dev extras install it
    async_playwright = None  # type: ignore[assignment]

LINK = re.compile(r"^(http://\S+/staff/setup/\S+)$", re.M)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(async_playwright is None,
                       reason="Playwright for Python is missing: .venv/bin/pip install -e "
                              "'.[dev]'"),
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Chromium is not installed at /usr/bin/chromium (make test "
                              "installs it); the console's browser tests did not run"),
    pytest.mark.skipif(not AXE.exists(),
                       reason="axe-core is missing: npm ci --prefix web (make install)"),
]


@dataclass
class Service:
    base: str
    env: dict[str, str]

    async def setup_link(self, email: str, name: str) -> str:
        done = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "bot.cli", "staff", "add", email, "--name",
                             name, "--role", "coordinator"],
            capture_output=True, text=True, env=self.env, cwd=ROOT, timeout=120)
        assert done.returncode == 0, done.stderr
        found = LINK.search(done.stdout)
        assert found, done.stdout
        return found.group(1)


@pytest.fixture
def rpde() -> Iterator[RpdeServer]:
    with running_rpde_server() as server:
        feed = server.add_feed("/feeds/session-series", "SessionSeries")
        for number, (name, activity) in enumerate([("Health Walk", "Walking"),
                                                   ("Chair Yoga", "Chair Yoga"),
                                                   ("Walking Football", "Walking Football")],
                                                  1):
            feed.upsert(str(number), session_series(number, name, [activity]))
        yield server


@pytest.fixture
async def service(settings: Settings) -> AsyncIterator[Service]:
    """`movemates serve` on a free port; feeds on 127.0.0.1 allowed (the test's publisher
    is there)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_env(DATABASE_URL=settings.database_url, PUBLIC_BASE_URL=base,
                    LOG_LEVEL="WARNING", OPENACTIVE_ALLOW_PRIVATE_ADDRESSES="1")
    process = launch([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], env)
    try:
        response = await asyncio.to_thread(wait_healthy, port, process)
        assert response.status_code == 200
        yield Service(base, env)
    finally:
        output = stop(process)
        assert "Traceback" not in output, output


async def sign_up_and_in(checked: Checked, link: str) -> None:
    page = checked.page
    await page.goto(link)
    await page.get_by_label("Choose a password").fill(PASSWORD)
    await page.get_by_label("Type the password again").fill(PASSWORD)
    await page.get_by_role("button", name="Save password").click()
    await page.get_by_role("button", name="Not now").click()
    await page.get_by_label("Email address").fill("sam@example.org")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()


async def row_of(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


async def test_a_coordinator_looks_after_places_and_feeds(service: Service,
                                                          rpde: RpdeServer) -> None:
    link = await service.setup_link("sam@example.org", "Sam Jones")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=["--no-sandbox"])
        try:
            sam = await checked_page(browser)
            page = sam.page
            await sign_up_and_in(sam, link)

            # The list, from the menu: where each place comes from, and a filter.
            await page.get_by_role("link", name="Places", exact=True).click()
            await expect(page.get_by_role("heading", name="Places", exact=True)).to_be_visible()
            row = await row_of(page, "Braunstone parkrun")
            await expect(row).to_contain_text("First catalogue")
            await expect(row).to_contain_text("Not verified yet")
            await sam.axe()
            await page.get_by_label("District").select_option("LE3")
            await page.get_by_role("button", name="Show places").click()
            await expect(page).to_have_url(re.compile(r"district=LE3"))
            await expect(page.get_by_role("link", name="Abbey Park parkrun")).to_have_count(0)
            await sam.axe()

            # Keyboard alone: Tab to the place, Enter.
            await page.evaluate("() => document.activeElement && document.activeElement.blur()")
            await tab_to(page, "Braunstone parkrun")
            await page.keyboard.press("Enter")
            await expect(page).to_have_url(re.compile(r"/staff/places/parkrun-braunstone$"))
            await expect(page.get_by_role("heading", name="Braunstone parkrun")).to_be_visible()
            await sam.axe()

            # Edited: a mistake first, shown in the error summary, then put right.
            await page.get_by_role("link", name="Edit this place").click()
            await expect(page.get_by_label("Name", exact=True)).to_have_value(
                "Braunstone parkrun")
            await sam.axe()
            await page.get_by_label("Name", exact=True).fill("")
            await page.get_by_label("Postcode district").fill("XX99")
            await page.get_by_role("button", name="Save changes").click()
            summary = page.get_by_role("alert")
            await expect(summary).to_contain_text("There is a problem")
            await expect(summary).to_contain_text("Enter the name of the place")
            await expect(summary).to_contain_text("Enter a postcode district in our area")
            await expect(page).to_have_title(re.compile(r"^Error:"))
            await sam.axe()
            await summary.get_by_role("link", name="Enter the name of the place").click()
            await expect(page.get_by_label("Name", exact=True)).to_be_focused()
            await page.keyboard.type("Braunstone Park parkrun")
            await page.get_by_label("Postcode district").fill("LE3")
            await page.get_by_label("Wheelchair access").select_option("no")
            await page.get_by_role("button", name="Save changes").click()
            await expect(page.get_by_text("Your changes are saved.")).to_be_visible()
            await expect(page.get_by_role("heading", name="Braunstone Park parkrun")
                         ).to_be_visible()
            await expect(page.get_by_text("Wheelchair access: No")).to_be_visible()
            await sam.axe()

            # Verified, by keyboard, with how it was checked.
            await page.get_by_label("How you checked").fill("Rang the run director")
            await page.get_by_label("How you checked").focus()
            await tab_to(page, "Mark as verified")
            await page.keyboard.press("Enter")
            await expect(page.get_by_text("This place is marked as verified today.")
                         ).to_be_visible()
            history = page.get_by_role("row").filter(has_text="Marked as verified")
            await expect(history).to_contain_text("Sam Jones")
            await expect(history).to_contain_text("Rang the run director")
            await sam.axe()

            # Retired: gone from the places in use.
            await page.get_by_label("Why you are retiring it").fill("The run has moved")
            await page.get_by_role("button", name="Retire place").click()
            await expect(page.get_by_text("This place is retired.")).to_be_visible()
            await sam.axe()
            await page.get_by_role("link", name="Back to places").click()
            await expect(page.get_by_role("link", name="Braunstone Park parkrun")
                         ).to_have_count(0)
            await page.get_by_label("Show").select_option("retired")
            await page.get_by_role("button", name="Show places").click()
            row = await row_of(page, "Braunstone Park parkrun")
            await expect(row).to_contain_text("Retired")
            await expect(row).to_contain_text("by Sam Jones")
            await sam.axe()

            # A new place.
            await page.get_by_role("link", name="Add a place").click()
            await expect(page.get_by_role("heading", name="Add a place")).to_be_visible()
            await sam.axe()
            await page.get_by_label("Name", exact=True).fill("Knighton Park Walk")
            await page.get_by_label("Kind", exact=True).select_option("session")
            await page.get_by_label("Summary").fill("A gentle walk round the park, with tea.")
            await page.get_by_label("Walking").check()
            await page.get_by_label("Postcode district").fill("LE2")
            await page.get_by_label("Weekly times").fill("tue 10:00-11:00")
            await page.get_by_label("Where the facts come from").fill("Rang the park office")
            await page.get_by_role("button", name="Add place").click()
            await expect(page.get_by_text("The place is added.")).to_be_visible()
            await expect(page.get_by_text("Added by staff")).to_be_visible()
            await sam.axe()

            # A feed: a wrong address first, then one from the publisher, imported.
            await page.get_by_role("link", name="Back to places").click()
            await page.get_by_role("link", name="OpenActive feeds").click()
            await expect(page.get_by_text("No feeds yet.")).to_be_visible()
            await sam.axe()
            await page.get_by_label("Feed address").fill("ftp://example.org/feed")
            await page.get_by_role("button", name="Add feed").click()
            await expect(page.get_by_role("alert")).to_contain_text(
                "Enter a web address that starts with https://")
            await sam.axe()
            await page.get_by_label("Feed address").fill(rpde.url("/feeds/session-series"))
            await page.get_by_role("button", name="Add feed").click()
            await expect(page.get_by_text("The feed is added.")).to_be_visible()
            await sam.axe()
            await page.get_by_role("button", name="Import now").click()
            await expect(page.get_by_text("The import has started.")).to_be_visible()
            for _ in range(60):
                if await page.get_by_text("Up to date").count():
                    break
                await asyncio.sleep(0.5)
                await page.reload()
            await expect(page.get_by_role("row").filter(has_text="Sam Jones")
                         ).to_contain_text("Up to date")
            await expect(page.locator(".nhsuk-summary-list__row", has_text="Items stored")
                         ).to_contain_text("3")
            await sam.axe()
            await page.get_by_role("link", name="Back to feeds").click()
            # The feed by its publisher, with its address under it.
            await expect(page.get_by_role("row").filter(has_text="Example Leisure Trust")
                         ).to_contain_text("3")
            await expect(page.get_by_text("127-0-0-1")).to_have_count(0)
            await sam.axe()
            await page.goto(f"{service.base}/staff/places?origin=feed")
            row = await row_of(page, "Health Walk")
            await expect(row).to_contain_text("OpenActive feed")
            await sam.axe()
            await page.get_by_role("link", name="Health Walk").click()
            await expect(page.get_by_text("always counts as not verified")).to_be_visible()
            await sam.axe()

            # Without JavaScript the forms work the same: the retired place comes back.
            plain = await browser.new_context(java_script_enabled=False)
            bare = await plain.new_page()
            await bare.goto(f"{service.base}/staff/sign-in")
            await bare.get_by_label("Email address").fill("sam@example.org")
            await bare.get_by_label("Password").fill(PASSWORD)
            await bare.get_by_role("button", name="Sign in").click()
            await bare.goto(f"{service.base}/staff/places?show=retired")
            await bare.get_by_role("link", name="Braunstone Park parkrun").click()
            await bare.get_by_role("button", name="Bring back").click()
            await expect(bare.get_by_text("This place is back.")).to_be_visible()
            assert await bare.evaluate("document.body.className") == ""  # no script ran
            await plain.close()

            await page.goto(f"{service.base}/staff/audit")
            await expect(page.get_by_role("row").filter(has_text="Retired a place")
                         ).to_contain_text("Sam Jones")
            assert sam.problems == [], "\n".join(sam.problems)
            assert len(sam.pages) >= 18
        finally:
            await browser.close()
    assert any(r.path.startswith("/feeds/session-series") for r in rpde.requests)


async def test_places_speak_plainly_to_coordinators(service: Service, chromium: Any) -> None:
    """What a coordinator reads instead of the catalogue's insides: a summary too hard to
    read says why, with the figures and the aim, beside the field; the first catalogue's
    own notes and a feed's logged problem are there only when asked for (a details
    element, which works without script); every page passes axe-core."""
    import socket

    with socket.socket() as probe:  # a feed address nothing answers on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    link = await service.setup_link("sam@example.org", "Sam Jones")
    sam = await checked_page(chromium)  # Chromium: the shared fixture (conftest.py)
    page = sam.page
    await sign_up_and_in(sam, link)

    await page.goto(f"{service.base}/staff/places/new")
    await page.get_by_label("Name", exact=True).fill("Canal Walk")
    await page.get_by_label("Kind", exact=True).select_option("session")
    await page.get_by_label("Summary").fill(
        "We walk along the canal and then we stop for a cup of tea and a chat with "
        "the others who come along on the day and we go home at noon.")
    await page.get_by_label("Where the facts come from").fill("Rang the organiser")
    await page.get_by_role("button", name="Add place").click()
    error = page.locator("#summary-error")
    await expect(error).to_contain_text("Use shorter words and sentences")
    await expect(error).to_contain_text(re.compile(
        r"It has a reading age of about 1[2-8]\. Aim for 11 or under\."))
    await expect(error).to_contain_text(
        "The longest sentence has 32 words. Split it, so each has 15 or fewer.")
    await expect(page.get_by_label("Summary")).to_have_attribute(
        "aria-describedby", "summary-hint summary-error")
    await sam.axe()

    await page.goto(f"{service.base}/staff/places/bradgate-park")
    source = page.locator(".nhsuk-summary-list__row",
                          has_text="Where the facts come from")
    await expect(source).to_contain_text("Added with the first catalogue")
    await expect(source.get_by_text("DOMAIN.md", exact=False)).to_be_hidden()
    await source.get_by_text("The note kept with it").click()
    await expect(source.get_by_text("DOMAIN.md", exact=False)).to_be_visible()
    await sam.axe()

    await page.goto(f"{service.base}/staff/places/feeds")
    await page.get_by_label("Feed address").fill(
        f"http://127.0.0.1:{port}/feeds/sessions")
    await page.get_by_role("button", name="Add feed").click()
    await expect(page.get_by_role("heading", name=f"127.0.0.1:{port}/feeds/sessions")
                 ).to_be_visible()
    await page.get_by_role("button", name="Import now").click()
    problem = page.locator(".nhsuk-summary-list__row", has_text="Last problem")
    for _ in range(60):
        if await problem.get_by_text("Couldn't reach the feed").count():
            break
        await asyncio.sleep(0.5)
        await page.reload()
    await expect(problem).to_contain_text("Couldn't reach the feed")
    await expect(problem.get_by_text("ConnectError", exact=False)).to_be_hidden()
    await problem.get_by_text("What the import said").click()
    await expect(problem.get_by_text("ConnectError", exact=False)).to_be_visible()
    await sam.axe()
    assert sam.problems == [], "\n".join(sam.problems)
