"""The staff console in a real browser: Debian's Chromium (/usr/bin/chromium, installed by
`make test`) driven by Playwright, against `movemates serve` itself on a free port, with
SMS on (signed Twilio webhooks in, the Twilio stub out), on SQLite and PostgreSQL.

A coordinator is made with `movemates staff add`, sets a password through the link it
prints, signs in (after a wrong password), sees a resident's crisis text arrive in the
inbox, opens it with the keyboard alone, claims it, notes it and closes it. A second
coordinator adds a second step and signs in with a code. axe-core (npm, in web/) checks
every page on the way: no serious or critical WCAG 2.2 A/AA problem. Nothing the pages do
may break their Content-Security-Policy.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
from twilio.request_validator import RequestValidator

from bot.config import Settings
from support.twilio_stub import ACCOUNT_SID, AUTH_TOKEN, SERVICE_SID, TwilioStub, running_twilio
from test_serve import clean_env, free_port, launch, stop, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "a walk by the canal at ten"
RESIDENT = "+447700900777"
OUR_NUMBER = "+447700900999"
LINK = re.compile(r"^(http://\S+/staff/setup/\S+)$", re.M)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

try:
    from playwright.async_api import Page, async_playwright, expect
except ImportError:  # pragma: no cover - the dev extras install it
    async_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(async_playwright is None,
                       reason="Playwright for Python is missing: .venv/bin/pip install -e "
                              "'.[dev]'"),
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Chromium is not installed at /usr/bin/chromium and could not "
                              "be (make test runs: apt-get install -y chromium "
                              "chromium-driver); the console's browser tests did not run"),
    pytest.mark.skipif(not AXE.exists(),
                       reason="axe-core is missing: npm ci --prefix web (make install)"),
]


@dataclass
class Service:
    base: str
    env: dict[str, str]
    stub: TwilioStub
    sids: int = 0

    async def movemates(self, *args: str) -> subprocess.CompletedProcess[str]:
        return await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "bot.cli", *args], capture_output=True,
            text=True, env=self.env, cwd=ROOT, timeout=120)

    async def setup_link(self, email: str, name: str) -> str:
        done = await self.movemates("staff", "add", email, "--name", name, "--role",
                                    "coordinator")
        assert done.returncode == 0, done.stderr
        found = LINK.search(done.stdout)
        assert found, done.stdout
        return found.group(1)

    async def text_from_resident(self, body: str) -> None:
        """A text to our number, as Twilio posts it: signed for the public URL."""
        self.sids += 1
        params = {"MessageSid": f"SM{self.sids:032x}", "AccountSid": ACCOUNT_SID,
                  "From": RESIDENT, "To": OUR_NUMBER, "Body": body, "NumMedia": "0"}
        url = f"{self.base}/sms/inbound"
        signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
        async with httpx.AsyncClient() as client:
            response = await client.post(url, data=params,
                                         headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200, response.text

    async def texts_to_resident(self, containing: str, seconds: float = 30) -> list[str]:
        for _ in range(int(seconds * 10)):
            bodies = [m.body for m in self.stub.sent if m.to == RESIDENT]
            if any(containing in body for body in bodies):
                return bodies
            await asyncio.sleep(0.1)
        raise AssertionError(f"no text with {containing!r} reached the resident: "
                             f"{[m.body for m in self.stub.sent if m.to == RESIDENT]}")


@pytest.fixture
async def service(settings: Settings) -> AsyncIterator[Service]:
    """`movemates serve` with SMS on, answering on a free port."""
    async with running_twilio(TwilioStub()) as stub:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = clean_env(DATABASE_URL=settings.database_url, PUBLIC_BASE_URL=base,
                        TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                        TWILIO_MESSAGING_SERVICE_SID=SERVICE_SID,
                        TWILIO_API_BASE_URL=stub.base_url, LOG_LEVEL="WARNING")
        process = launch([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], env)
        try:
            response = await asyncio.to_thread(wait_healthy, port, process)
            assert response.status_code == 200
            yield Service(base, env, stub)
        finally:
            output = stop(process)
            assert "Traceback" not in output, output
        assert stub.violations == [], stub.violations


@dataclass
class Checked:
    """Each page's axe-core results and any Content-Security-Policy complaint."""

    page: Page
    problems: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)

    async def axe(self) -> None:
        await self.page.evaluate(AXE.read_text(encoding="utf-8"))
        found: list[dict[str, Any]] = await self.page.evaluate(
            """async (tags) => {
                 const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                 return result.violations.map(v => ({id: v.id, impact: v.impact,
                   help: v.help, targets: v.nodes.map(n => n.target.join(' '))}));
               }""", AXE_TAGS)
        url = self.page.url
        self.pages.append(url)
        for violation in found:
            if violation["impact"] in ("serious", "critical"):
                self.problems.append(f"{url}: {violation['id']} ({violation['impact']}): "
                                     f"{violation['help']} at {violation['targets'][:3]}")


async def checked_page(browser: Any) -> Checked:
    context = await browser.new_context()
    page = await context.new_page()
    checked = Checked(page)

    def on_console(message: Any) -> None:
        text = message.text
        # A form sent back with its errors (400), a used link (404): the page itself, as
        # meant; anything else it loads must load.
        own = message.location.get("url") == page.url and "Failed to load resource" in text
        if (message.type == "error" and not own) or "Content Security Policy" in text:
            checked.problems.append(f"{page.url}: browser console: {text} "
                                    f"({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: checked.problems.append(f"{page.url}: {error}"))
    return checked


async def tab_to(page: Page, name: str, limit: int = 60) -> None:
    """Press Tab until the focused element's text or label is `name`."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        focused = await page.evaluate(
            "() => { const e = document.activeElement; return e ? (e.getAttribute('aria-label')"
            " || e.innerText || e.value || '').trim() : ''; }")
        if focused == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


async def test_a_coordinator_handles_a_crisis_in_the_browser(service: Service) -> None:
    link = await service.setup_link("sam@example.org", "Sam Jones")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=["--no-sandbox"])
        try:
            sam = await checked_page(browser)
            page = sam.page

            # Set-up: choose a password (a short one first), then no second step for now.
            await page.goto(link)
            await expect(page.get_by_role("heading", name="Set up your account")).to_be_visible()
            await sam.axe()
            await page.get_by_label("Choose a password").fill("too short")
            await page.get_by_label("Type the password again").fill("too short")
            await page.get_by_role("button", name="Save password").click()
            await expect(page.get_by_role("alert")).to_contain_text("12 or more characters")
            await sam.axe()
            await page.get_by_label("Choose a password").fill(PASSWORD)
            await page.get_by_label("Type the password again").fill(PASSWORD)
            await page.get_by_role("button", name="Save password").click()
            await expect(page.get_by_role("heading", name="Add a second step")).to_be_visible()
            await expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
            await sam.axe()
            await page.get_by_role("button", name="Not now").click()

            # Sign in: a wrong password first.
            await expect(page.get_by_text("Your password is saved")).to_be_visible()
            await sam.axe()
            await page.get_by_label("Email address").fill("sam@example.org")
            await page.get_by_label("Password").fill("not my password at all")
            await page.get_by_role("button", name="Sign in").click()
            await expect(page.get_by_role("alert")).to_contain_text(
                "The email address or password is not right")
            await sam.axe()
            await page.get_by_label("Email address").fill("sam@example.org")
            await page.get_by_label("Password").fill(PASSWORD)
            await page.get_by_role("button", name="Sign in").click()
            await expect(page.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()
            await expect(page.get_by_text("No safety alerts need anyone right now")
                         ).to_be_visible()
            await sam.axe()

            # A resident texts in crisis: they get their reply, and the inbox shows it.
            await service.text_from_resident("hi")
            await service.text_from_resident("i want to end my life")
            await service.texts_to_resident("116 123")
            await page.reload()
            row = page.get_by_role("row").filter(has_text="Alert 1")
            await expect(row).to_contain_text("Not picked up")
            await expect(row).to_contain_text("Crisis")
            await expect(row).to_contain_text("SMS")
            await sam.axe()

            # Keyboard alone: Tab to the alert, Enter; Tab to "Pick this up", Enter.
            await page.evaluate("() => document.activeElement && document.activeElement.blur()")
            await tab_to(page, "Alert 1")
            await page.keyboard.press("Enter")
            await expect(page).to_have_url(re.compile(r"/staff/alerts/1$"))
            await expect(page.get_by_text("i want to end my life")).to_be_visible()
            await sam.axe()
            await tab_to(page, "Pick this up")
            await page.keyboard.press("Enter")
            await expect(page.get_by_text("Alert 1 is yours now.")).to_be_visible()
            await sam.axe()

            await page.get_by_label("Add a note").fill("Rang her. Her sister is with her.")
            await page.get_by_role("button", name="Add note").click()
            await expect(page.get_by_text("Note added to alert 1.")).to_be_visible()
            await expect(page.get_by_text("Rang her. Her sister is with her.")).to_be_visible()
            await page.get_by_role("button", name="Close alert").click()
            await expect(page.get_by_role("alert")).to_contain_text(
                "Say what happened before you close it")
            await sam.axe()
            await page.get_by_label("What happened").fill("Safe with family tonight.")
            await page.get_by_role("button", name="Close alert").click()
            await expect(page.get_by_text("Alert 1 is closed.")).to_be_visible()
            await sam.axe()

            await page.get_by_role("link", name="Back to the inbox").click()
            await expect(page.get_by_text("No safety alerts need anyone right now")
                         ).to_be_visible()
            await expect(page.get_by_role("row").filter(has_text="Alert 1")
                         ).to_contain_text("Closed")

            # The coordinators' pages, and a page that is not there.
            for name, heading in (("Staff", "Staff"), ("Audit log", "Audit log")):
                await page.get_by_role("link", name=name, exact=True).click()
                await expect(page.get_by_role("heading", name=heading, exact=True)
                             ).to_be_visible()
                await sam.axe()
            await expect(page.get_by_role("row").filter(has_text="Closed an alert")
                         ).to_contain_text("Sam Jones")
            await page.goto(f"{service.base}/staff/nowhere")
            await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
            await sam.axe()

            # Without JavaScript every form still works: Sam, in a second browser, signs in
            # and handles the next alert.
            await service.text_from_resident("i want to kill myself, no one would care")
            plain = await browser.new_context(java_script_enabled=False)
            bare = await plain.new_page()
            await bare.goto(f"{service.base}/staff/sign-in")
            await bare.get_by_label("Email address").fill("sam@example.org")
            await bare.get_by_label("Password").fill(PASSWORD)
            await bare.get_by_role("button", name="Sign in").click()
            await bare.get_by_role("link", name="Alert 2").click()
            await bare.get_by_role("button", name="Pick this up").click()
            await expect(bare.get_by_text("Alert 2 is yours now.")).to_be_visible()
            await bare.get_by_label("What happened").fill("Called back; she is safe.")
            await bare.get_by_role("button", name="Close alert").click()
            await expect(bare.get_by_text("Alert 2 is closed.")).to_be_visible()
            assert await bare.evaluate("document.body.className") == ""  # no script ran
            await plain.close()

            # A second coordinator turns the second step on and signs in with a code.
            kim_link = await service.setup_link("kim@example.org", "Kim Patel")
            kim = await checked_page(browser)
            await enrol_and_sign_in_with_a_code(kim, kim_link, service.base)

            await page.get_by_role("link", name="Sam Jones").click()
            await expect(page.get_by_role("heading", name="Your account")).to_be_visible()
            await sam.axe()
            await page.get_by_role("button", name="Sign out").click()
            await expect(page.get_by_text("You are signed out.")).to_be_visible()
            await sam.axe()
            await page.goto(link)  # the set-up link was used
            await expect(page.get_by_role("heading", name="This link does not work now")
                         ).to_be_visible()
            await sam.axe()
            await page.goto(f"{service.base}/staff/")
            await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

            assert sam.problems + kim.problems == [], "\n".join(sam.problems + kim.problems)
            assert len(sam.pages) + len(kim.pages) >= 18
        finally:
            await browser.close()
    done = await service.movemates("staff", "list")
    assert "kim@example.org" in done.stdout and "yes" in done.stdout


async def enrol_and_sign_in_with_a_code(kim: Checked, link: str, base: str) -> None:
    page = kim.page
    await page.goto(link)
    await page.get_by_label("Choose a password").fill(PASSWORD)
    await page.get_by_label("Type the password again").fill(PASSWORD)
    await page.get_by_role("button", name="Save password").click()
    key = (await page.locator(".mm-secret").inner_text()).replace(" ", "")
    totp = pyotp.TOTP(key)
    await page.get_by_label("Code from the app").fill("000000")
    await page.get_by_role("button", name="Turn on the second step").click()
    await expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    await kim.axe()
    await page.get_by_label("Code from the app").fill(totp.now())
    await page.get_by_role("button", name="Turn on the second step").click()
    await expect(page.get_by_text("Your password and second step are saved")).to_be_visible()
    await page.get_by_label("Email address").fill("kim@example.org")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    await kim.axe()
    # The enrolment code cannot be used twice: wait for the next one.
    used = totp.now()
    for _ in range(40):
        if totp.now() != used:
            break
        await asyncio.sleep(1)
    await page.get_by_label("Code from your authenticator app").fill(totp.now())
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()
    await page.goto(f"{base}/staff/account")
    await expect(page.get_by_text("On: a code from your app")).to_be_visible()
    await kim.axe()


def test_the_browser_tests_are_not_skipped_where_chromium_can_be_installed() -> None:
    """`make test` installs Chromium when it is missing; on a machine where it cannot, the
    skip reason says so, and this says it again without failing."""
    if os.geteuid() == 0 and not CHROMIUM.exists():
        pytest.skip("Chromium could not be installed here: the browser tests did not run")


async def tab_to_field(page: Page, field_id: str, limit: int = 80) -> None:
    """Press Tab until the form field with this id has the focus."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate("() => document.activeElement && document.activeElement.id"
                               ) == field_id:
            return
    raise AssertionError(f"Tab never reached the field {field_id!r}")


async def sign_up_and_in(checked: Checked, link: str, email: str) -> None:
    """A password chosen through the set-up link, no second step, then signed in."""
    page = checked.page
    await page.goto(link)
    await page.get_by_label("Choose a password").fill(PASSWORD)
    await page.get_by_label("Type the password again").fill(PASSWORD)
    await page.get_by_role("button", name="Save password").click()
    await page.get_by_role("button", name="Not now").click()
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()


async def test_a_resident_who_asks_for_a_person_is_answered_from_the_console(
        service: Service) -> None:
    """A resident texts "can I talk to a real person" (signed Twilio webhook); the request
    is in the inbox beside the safety alerts; reached by keyboard alone, picked up, a reply
    typed and checked (texts, SMS segments, cost shown before it goes), sent, received by
    SMS as from "Move Mates team (Sam)", and handed back. axe-core on every page."""
    await service.text_from_resident("hi")
    await service.text_from_resident("can i talk to a real person please")
    await service.texts_to_resident("I've asked the Move Mates team")
    link = await service.setup_link("sam@example.org", "Sam Jones")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=["--no-sandbox"])
        try:
            sam = await checked_page(browser)
            page = sam.page
            await sign_up_and_in(sam, link, "sam@example.org")
            row = page.get_by_role("row").filter(has_text="Request 1")
            await expect(row).to_contain_text("Waiting")
            await expect(row).to_contain_text("SMS")
            await expect(page.get_by_text("No safety alerts need anyone right now")
                         ).to_be_visible()
            await sam.axe()

            # Keyboard alone: Tab to the request, Enter; Tab to "Pick this up", Enter.
            await page.evaluate("() => document.activeElement && document.activeElement.blur()")
            await tab_to(page, "Request 1")
            await page.keyboard.press("Enter")
            await expect(page).to_have_url(re.compile(r"/staff/requests/1$"))
            await expect(page.get_by_text("can i talk to a real person please")).to_be_visible()
            await sam.axe()
            await tab_to(page, "Pick this up")
            await page.keyboard.press("Enter")
            await expect(page.get_by_text("Request 1 is yours now.")).to_be_visible()
            await sam.axe()
            await service.texts_to_resident("Sam from the Move Mates team has your message")

            # Held: what the resident sends comes here, not to the bot.
            before = len([m for m in service.stub.sent if m.to == RESIDENT])
            await service.text_from_resident("Is there a walking group near Hinckley")
            await page.get_by_role("link", name="See the latest").click()
            await expect(page.get_by_text("Is there a walking group near Hinckley")
                         ).to_be_visible()

            # The reply, typed and checked with the keyboard: segments and cost first.
            await tab_to_field(page, "reply")
            await expect(page.get_by_label("Your reply")).to_be_focused()
            await page.keyboard.type("Hi, yes: Hinckley Health Walks meet on Fridays at 10.")
            await tab_to(page, "Check reply")
            await page.keyboard.press("Enter")
            await expect(page.get_by_role("heading", name="Check your reply before it goes")
                         ).to_be_visible()
            preview = page.locator("#preview")
            await expect(preview).to_contain_text("SMS segments")
            await expect(preview).to_contain_text("About £0.04 (£0.04 a segment)")
            await expect(preview).to_contain_text(
                "Move Mates team (Sam): Hi, yes: Hinckley Health Walks meet on Fridays at 10.")
            await sam.axe()
            assert len([m for m in service.stub.sent if m.to == RESIDENT]) == before
            await tab_to(page, "Send reply")
            await page.keyboard.press("Enter")
            await expect(page.get_by_text("Your reply is on its way.")).to_be_visible()
            await sam.axe()
            bodies = await service.texts_to_resident("Move Mates team (Sam): Hi, yes")
            assert "Move Mates team (Sam): Hi, yes: Hinckley Health Walks meet on Fridays " \
                   "at 10." in bodies

            # Hand back: an outcome first.
            await page.get_by_role("button", name="Hand back to the bot").click()
            await expect(page.get_by_role("alert")).to_contain_text(
                "Say what happened before you hand them back")
            await sam.axe()
            await page.get_by_label("What happened").fill("Told him about the Friday walk.")
            await page.get_by_role("button", name="Hand back to the bot").click()
            await expect(page.get_by_text("They are back with the bot.")).to_be_visible()
            await sam.axe()
            await service.texts_to_resident("You are back with the Move Mates bot")

            await page.get_by_role("link", name="Back to the inbox").click()
            await expect(page.get_by_text("Nobody is waiting to talk to a person.")
                         ).to_be_visible()
            await expect(page.get_by_role("row").filter(has_text="Request 1")
                         ).to_contain_text("Handed back by Sam Jones")
            await sam.axe()
            await page.get_by_role("link", name="Audit log", exact=True).click()
            await expect(page.get_by_role("row").filter(has_text="Replied to a resident")
                         ).to_contain_text("Sam Jones")
            assert sam.problems == [], "\n".join(sam.problems)
            assert len(sam.pages) >= 8
        finally:
            await browser.close()
