"""New safety alerts for staff who use only the console, through the real app over HTTP,
on SQLite and PostgreSQL: the count in the inbox's page title and heading, the list the
inbox's script fetches (`/staff/inbox/live`) with a sentence for each new alert, and that
fetching it keeps no idle session alive. The browser half (the list refreshing itself and
the live region) is in tests/browser/test_console_new_alerts_browser.py."""

from __future__ import annotations

import re
from datetime import timedelta

from test_console_http import RESIDENT, console, text_of

from bot.config import Settings


def title_of(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found, html
    return " ".join(found.group(1).split())


def heading_of(html: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert found, html
    visible = re.sub(r"<span[^>]*hidden[^>]*>.*?</span>", "", found.group(1))
    return " ".join(re.sub(r"<[^>]+>", " ", visible).split())


async def test_the_inbox_counts_new_alerts_in_its_title_and_heading(settings: Settings
                                                                     ) -> None:
    async with console(settings) as site, site.browser() as sam:
        await site.staff(sam, "sam@example.org")
        quiet = await sam.get("/staff/")
        assert title_of(quiet.text) == "Inbox - Move Mates staff"
        assert heading_of(quiet.text) == "Inbox"

        await site.world.resident(RESIDENT, "Ann")
        await site.world.says(RESIDENT, "i want to end my life tonight")
        one = await sam.get("/staff/")
        assert title_of(one.text) == "(1) Inbox - Move Mates staff"
        assert heading_of(one.text) == "Inbox 1 new alert"
        await site.world.says(RESIDENT, "chest pain spreading to my arm")
        two = await sam.get("/staff/")
        assert title_of(two.text) == "(2) Inbox - Move Mates staff"
        assert heading_of(two.text) == "Inbox 2 new alerts"

        # Picked up is no longer new, though it still needs someone.
        await sam.get("/staff/alerts/1")
        await sam.post("/staff/alerts/1/claim")
        after = await sam.get("/staff/")
        assert title_of(after.text) == "(1) Inbox - Move Mates staff"
        assert "Alert 1" in text_of(after) and "Alert 2" in text_of(after)


async def test_the_live_list_says_each_new_alert(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        await site.staff(sam, "sam@example.org")
        empty = await sam.client.get("/staff/inbox/live")
        assert empty.status_code == 200
        assert "No safety alerts need anyone right now" in text_of(empty)
        assert 'data-mm-title="Inbox - Move Mates staff"' in empty.text
        assert 'data-mm-count=""' in empty.text and "data-mm-alert" not in empty.text

        await site.world.resident(RESIDENT, "Ann")
        await site.world.says(RESIDENT, "i want to end my life tonight")
        live = await sam.client.get("/staff/inbox/live")
        assert live.status_code == 200 and "<html" not in live.text  # a fragment
        assert 'data-mm-title="(1) Inbox - Move Mates staff"' in live.text
        assert 'data-mm-count="1 new alert"' in live.text
        assert re.search(r'<li data-mm-alert="1">New safety alert 1: crisis\.</li>',
                         live.text), live.text
        assert "Alert 1" in text_of(live)
        assert "end my life" not in live.text and "Ann" not in live.text  # no words
        assert live.headers["cache-control"] == "no-store"


async def test_the_live_list_keeps_no_idle_session_alive(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        await site.staff(sam, "sam@example.org")
        for _ in range(3):  # an inbox left open for 30 minutes, asking every 10
            site.clock.advance(timedelta(minutes=10))
            assert (await sam.client.get("/staff/inbox/live")).status_code == 200
        site.clock.advance(timedelta(minutes=1))
        gone = await sam.client.get("/staff/inbox/live")
        assert gone.status_code == 401
        assert "You were signed out" in text_of(gone) and "Alert" not in text_of(gone)
        assert (await sam.get("/staff/")).headers["location"] == "/staff/sign-in?why=ended"

    async with console(settings) as site, site.browser() as nobody:
        refused = await nobody.client.get("/staff/inbox/live")
        assert refused.status_code == 401
