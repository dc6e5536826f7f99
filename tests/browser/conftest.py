"""What the console's browser tests share, as fixtures:

- `service`: `movemates serve` with SMS on (the Twilio stub), on a free port
  (`test_console_browser.service`; a module may define its own, as Places and OIDC do);
- `chromium`: Debian's Chromium (/usr/bin/chromium) launched by Playwright, closed after the
  test; the test is skipped, saying so, where Playwright, Chromium or axe-core is missing;
- `staff_page`: a member of staff made with `movemates staff add` (as a coordinator would),
  their password set through the link it prints, no second step, signed in, on a page of
  their own whose axe-core results and Content-Security-Policy complaints are collected
  (`Checked`). Call it as `await staff_page()` for Sam Jones, a coordinator.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from test_console_browser import (  # noqa: F401  (`service` is a fixture, shared from here)
    AXE,
    CHROMIUM,
    LINK,
    Checked,
    Service,
    async_playwright,
    checked_page,
    service,
    sign_up_and_in,
)

# Something to do to the page before anyone signs in (install Playwright's clock, say).
Before = Callable[[Any], Awaitable[None]]
StaffPage = Callable[..., Awaitable[Checked]]


@pytest.fixture
async def chromium(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """Debian's Chromium, launched by Playwright for this test."""
    if async_playwright is None or not CHROMIUM.exists() or not AXE.exists():
        pytest.skip("Playwright, Debian's Chromium or axe-core is missing (make test installs "
                    f"them); {request.node.name} did not run")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=["--no-sandbox"])
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
def staff_page(chromium: Any, service: Service) -> StaffPage:  # noqa: F811
    """`await staff_page(email, name, role, before=...)`: a signed-in page (`Checked`)."""

    async def open_page(email: str = "sam@example.org", name: str = "Sam Jones",
                        role: str = "coordinator", *, before: Before | None = None
                        ) -> Checked:
        done = await service.movemates("staff", "add", email, "--name", name, "--role", role)
        assert done.returncode == 0, done.stderr
        link = LINK.search(done.stdout)
        assert link, done.stdout
        checked = await checked_page(chromium)
        if before is not None:
            await before(checked.page)
        await sign_up_and_in(checked, link.group(1), email)
        return checked

    return open_page
