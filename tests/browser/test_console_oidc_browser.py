"""Signing in with an organisation account in a real browser (Debian's Chromium driven by
Playwright) against `movemates serve` itself with OIDC_* set, and a real OpenID provider on
another localhost port (`support.oidc_provider`), on SQLite and PostgreSQL: the button on
the sign-in page, the trip to the provider and back, landing on the page a link led to
while signed out (`next=`), or the inbox; and someone with no role
gets the kind page. axe-core checks each page (no serious or critical WCAG 2.2 A/AA
problem), and nothing breaks the Content-Security-Policy."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator

import pytest
from test_console_browser import CHROMIUM, ROOT, async_playwright, checked_page, expect

from bot.config import Settings
from support.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider, running_provider
from test_serve import clean_env, free_port, launch, stop, wait_healthy

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(async_playwright is None or not CHROMIUM.exists(),
                       reason="Playwright or Debian's Chromium is missing (make test installs "
                              "both); the organisation sign-in browser test did not run"),
]


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    with running_provider() as running:
        yield running


@pytest.fixture
async def base(settings: Settings, provider: OidcProvider) -> AsyncIterator[str]:
    """`movemates serve` with organisation sign-in on (roles from staff accounts), and a
    coordinator's account for sam@trust.nhs.uk."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = clean_env(DATABASE_URL=settings.database_url, PUBLIC_BASE_URL=url,
                    OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID=CLIENT_ID,
                    OIDC_CLIENT_SECRET=CLIENT_SECRET, LOG_LEVEL="WARNING")
    process = launch([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], env)
    try:
        await asyncio.to_thread(wait_healthy, port, process)
        added = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "bot.cli", "staff", "add",
                             "sam@trust.nhs.uk", "--name", "Sam Jones", "--role",
                             "coordinator"], capture_output=True, text=True, env=env, cwd=ROOT,
            timeout=120)
        assert added.returncode == 0, added.stderr
        yield url
    finally:
        output = stop(process)
        assert "Traceback" not in output, output


async def test_sign_in_with_an_organisation_account_in_the_browser(
        base: str, provider: OidcProvider) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=["--no-sandbox"])
        try:
            sam = await checked_page(browser)
            page = sam.page
            await page.goto(f"{base}/staff/sign-in")
            button = page.get_by_role("button", name="Sign in with your organisation account")
            await expect(button).to_be_visible()
            await expect(page.get_by_role("heading", name="Or sign in with your email "
                                                           "address and password")
                         ).to_be_visible()
            await sam.axe()

            # Someone the service does not know: a kind page, with the ways on.
            provider.person = {"email": "ann@trust.nhs.uk", "email_verified": True}
            await button.click()
            await expect(page.get_by_role("heading", name="We could not sign you in")
                         ).to_be_visible()
            await expect(page.get_by_text("does not have a role in Move Mates")).to_be_visible()
            await sam.axe()
            await page.get_by_role("link", name="Sign in with your email address and "
                                                "password").click()

            # Sam, whose coordinator account has that address, follows a link to the
            # audit log while signed out: to the provider and back, and there, not the inbox.
            provider.person = {"email": "Sam@Trust.NHS.uk", "email_verified": True}
            await page.goto(f"{base}/staff/audit?show=everything")
            await expect(page).to_have_url(re.compile(r"/staff/sign-in\?next="))
            await page.get_by_role("button", name="Sign in with your organisation account"
                                   ).click()
            await expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
            await expect(page).to_have_url(f"{base}/staff/audit?show=everything")
            await expect(page.get_by_role("link", name="Sam Jones")).to_be_visible()
            await sam.axe()
            # Signed out, and straight to the button: the inbox, as before.
            await page.get_by_role("button", name="Sign out").click()
            await page.get_by_role("button", name="Sign in with your organisation account"
                                   ).click()
            await expect(page.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()
            await expect(page).to_have_url(f"{base}/staff/")
            assert len(provider.authorize_requests) == 3
            assert provider.token_refusals == []
            assert sam.problems == [], "\n".join(sam.problems)
        finally:
            await browser.close()
