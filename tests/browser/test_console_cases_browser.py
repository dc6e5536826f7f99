"""Reports and groups in a real browser: Debian's Chromium driven by Playwright, against
`movemates serve` itself on a free port with SMS on (the Twilio stub), on SQLite and
PostgreSQL.

A resident texts in; their peer chat is reported (through the feature's own `report`, as
the REPORT command does) and a new member's group post is held. A moderator, made with
`movemates staff add --role moderator`, opens the report from the inbox with the keyboard
alone, reads it, sends a warning (the resident gets the CASE command's very words by
SMS), tries to close it without a note (the error summary), closes it with one (the chat
is back on, and they are told), and shares the held group post. axe-core checks every
page: no serious or critical WCAG 2.2 A/AA problem, and nothing may break the CSP.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, insert, update
from test_console_browser import RESIDENT, Checked, Service, expect, tab_to

from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address
from bot.groups import store as group_store
from bot.peers import service as peers
from bot.peers.models import PeerChat, RelayedMessage
from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.models import Person

pytestmark = pytest.mark.slow
SUPPORTER = "+447700900778"
GROUP = -1009876543
EN = library().for_language("en")


async def a_report_and_a_held_post(settings: Settings) -> None:
    """The resident (already met by text) chatting with a supporter, the chat reported by
    the resident; and a post held back in a Telegram group."""
    db = Database(settings.database_url)

    def add(connection: Connection) -> None:
        now = datetime.now(UTC)
        ann = repo.load(connection, Address("sms", RESIDENT), lock=False)
        assert ann is not None
        sam = repo.create_person(connection, Address("sms", SUPPORTER), now)
        for person, name in ((ann.person_id, "Ann"), (sam.person_id, "Sam")):
            connection.execute(update(Person).where(Person.id == person).values(name=name))
        chat = connection.scalar(insert(PeerChat).values(
            resident_id=ann.person_id, supporter_id=sam.person_id, status="active",
            created_at=now, updated_at=now).returning(PeerChat.id))
        connection.execute(insert(RelayedMessage).values(
            connection_id=chat, sender_id=sam.person_id, text="Give me your number, now",
            held=False, segments=1, created_at=now))
        peers.report(connection, library(), ann.person_id, int(chat), now)
        group_store.register_group(connection, GROUP, "Chair Yoga Friends", now)
        group_store.hold_message(connection, now, chat_id=GROUP, telegram_id=4242,
                                 message_id=9, text="Our walk is on walks.example.org")

    try:
        await db.run(add)
    finally:
        await db.dispose()


async def mended_by_keyboard(checked: Checked, path: str, button: str, error: str,
                             field: str, words: str) -> None:
    """Send a form empty with the keyboard: it comes back at a GET address (`path?back=`,
    Post/Redirect/Get) with `error`, the same after a reload (no form sent again); then
    type `words` in `field` and send it with the keyboard."""
    from test_console_browser import tab_to_field

    page = checked.page
    await page.evaluate("() => document.activeElement && document.activeElement.blur()")
    await tab_to(page, button)
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(rf"{re.escape(path)}\?back=[\w-]{{22}}$"))
    await expect(page.get_by_role("alert")).to_contain_text(error)
    await checked.axe()
    await page.reload()
    await expect(page.get_by_role("alert")).to_contain_text(error)
    await page.evaluate("() => document.activeElement && document.activeElement.blur()")
    await tab_to_field(page, field)
    await page.keyboard.type(words)
    await tab_to(page, button)
    await page.keyboard.press("Enter")


async def test_a_moderator_handles_a_report_and_a_held_post(
        staff_page: Callable[..., Awaitable[Checked]], service: Service,
        settings: Settings) -> None:
    await service.text_from_resident("hi")
    await service.texts_to_resident("")  # met: they have had their first reply
    await a_report_and_a_held_post(settings)
    mo = await staff_page("mo@example.org", "Mo Khan", "moderator")
    page = mo.page
    row = page.get_by_role("row").filter(has_text="Report 1")
    await expect(row).to_contain_text("A peer chat")
    await expect(row).to_contain_text("Not picked up")
    await expect(page.get_by_text("Give me your number")).to_have_count(0)
    await mo.axe()

    # Keyboard alone: Tab to the report, Enter.
    await page.evaluate("() => document.activeElement && document.activeElement.blur()")
    await tab_to(page, "Report 1")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"/staff/cases/1$"))
    await expect(page.get_by_text("Give me your number, now")).to_be_visible()
    await mo.axe()

    await tab_to(page, "Send warning")
    await page.keyboard.press("Enter")
    await expect(page.get_by_text("Warning sent for report 1.")).to_be_visible()
    await mo.axe()
    await service.texts_to_resident(EN.text("peers.moderation.warning"))

    await page.get_by_role("button", name="Close report").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "Say what happened before you close it")
    await mo.axe()
    await page.get_by_label("Closing note").fill("Warned them both. Chat can go on.")
    await page.get_by_label("Start it again").check()  # kept paused unless asked
    await page.get_by_role("button", name="Close report").click()
    await expect(page.get_by_text("Report 1 is closed.")).to_be_visible()
    await expect(page.get_by_role("row").filter(has_text="Sent a warning")
                 ).to_contain_text("Mo Khan")
    await mo.axe()
    await service.texts_to_resident(EN.text("peers.moderation.back_on"))

    await page.get_by_role("link", name="Reports", exact=True).click()
    await expect(page.get_by_role("heading", name="Reports", exact=True)
                 ).to_be_visible()
    await expect(page.get_by_role("row").filter(has_text="Report 1")
                 ).to_contain_text("Closed")
    await mo.axe()

    await page.get_by_role("link", name="Groups", exact=True).click()
    await expect(page.get_by_role("heading", name="Chair Yoga Friends")).to_be_visible()
    await expect(page.get_by_text("walks.example.org")).to_have_count(0)
    await mo.axe()
    await page.get_by_role("link", name="Held post 1").click()
    await expect(page.get_by_text("Our walk is on walks.example.org")).to_be_visible()
    await mo.axe()
    await page.get_by_role("button", name="Share it").click()
    await expect(page.get_by_text("The post is shared in the group.")).to_be_visible()
    await expect(page.get_by_text("No posts are waiting.")).to_be_visible()
    await mo.axe()

    assert mo.problems == [], "\n".join(mo.problems)
    assert len(mo.pages) == 9  # every page and every form sent back


async def test_a_link_to_a_report_survives_sign_in_and_closing_keeps_the_chat_paused(
        staff_page: Callable[..., Awaitable[Checked]], service: Service,
        settings: Settings) -> None:
    """Signed out, a moderator follows a link to report 1 (as from a notice): after signing
    in they are on it, not the inbox. The people in it are named as staff know them; the
    closing form asks what becomes of the chat, keeping it paused unless told otherwise,
    and nobody is texted until it is started again from the closed report."""
    from test_console_browser import PASSWORD

    await service.text_from_resident("hi")
    await service.texts_to_resident("")
    await a_report_and_a_held_post(settings)
    mo = await staff_page("mo@example.org", "Mo Khan", "moderator")
    page = mo.page
    await page.get_by_role("button", name="Sign out").click()
    await page.goto(f"{service.base}/staff/cases/1")
    await expect(page).to_have_url(re.compile(r"/staff/sign-in\?next=/staff/cases/1$"))
    await mo.axe()
    await page.get_by_label("Email address").fill("mo@example.org")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(re.compile(r"/staff/cases/1$"))
    people = page.locator(".nhsuk-summary-list").first
    await expect(people).to_contain_text("Reported by")
    await expect(people).to_contain_text("Ann, resident")
    await expect(people).to_contain_text("Person reported")
    await expect(people).to_contain_text("Sam, peer supporter")
    await expect(page.get_by_text("Your match")).to_have_count(0)
    await expect(page.get_by_label("Keep it paused")).to_be_checked()
    await expect(page.get_by_label("Start it again")).not_to_be_checked()
    await mo.axe()

    def sent() -> list[str]:
        return [m.body for m in service.stub.sent if m.to in (RESIDENT, SUPPORTER)]

    before = len(sent())
    await page.get_by_label("Closing note").fill("Calling Sam before it goes on.")
    await page.get_by_role("button", name="Close report").click()
    await expect(page.get_by_text("The chat is still paused, and nobody was told.")
                 ).to_be_visible()
    await expect(page.get_by_role("heading", name="The chat is still paused")).to_be_visible()
    await mo.axe()
    await page.get_by_role("button", name="Start the chat again").click()
    await expect(page.get_by_text("The chat in report 1 is back on.")).to_be_visible()
    await expect(page.get_by_role("row").filter(has_text="Kept a chat paused")
                 ).to_contain_text("Mo Khan")
    await mo.axe()
    await service.texts_to_resident(EN.text("peers.moderation.back_on"))
    # Only the words for starting again: nothing was sent when it was closed.
    assert sent()[before:] in ([EN.text("peers.moderation.back_on")] * 2,
                               [EN.text("peers.moderation.back_on")])
    assert mo.problems == [], "\n".join(mo.problems)


async def test_suspending_asks_first_and_a_suspension_is_lifted_by_keyboard(
        staff_page: Callable[..., Awaitable[Checked]], service: Service,
        settings: Settings) -> None:
    """Suspend asks first (what it means, their very words), Cancel changes nothing;
    confirmed, the peer supporter is told by SMS once, whatever Back and reload do. The
    suspension is lifted with a note (sent back to mend first, at a GET address a reload
    shows again without asking to send the form), they are told, and the call back leaves
    the inbox. All by keyboard; axe-core on every page."""
    await service.text_from_resident("hi")
    await service.texts_to_resident("")
    await a_report_and_a_held_post(settings)
    kim = await staff_page("kim@example.org", "Kim Patel", "coordinator")
    page = kim.page
    dialogs: list[str] = []  # "Confirm Form Resubmission" would be one
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))

    def texts_to_supporter(words: str) -> int:
        return sum(m.body == words for m in service.stub.sent if m.to == SUPPORTER)

    told, lifted = (EN.text("peers.moderation.suspended_you"),
                    EN.text("peers.moderation.unsuspended_you"))
    await page.goto(f"{service.base}/staff/cases/1")
    await page.evaluate("() => document.activeElement && document.activeElement.blur()")
    await tab_to(page, "Suspend")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"/staff/cases/1/suspend$"))
    await expect(page.get_by_role("heading", name="Suspend Sam?")).to_be_visible()
    await expect(page.get_by_text(told)).to_be_visible()
    await expect(page.get_by_text("Any peer chat they are in ends now.")).to_be_visible()
    await kim.axe()
    await tab_to(page, "Cancel, do not suspend")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"/staff/cases/1$"))
    await expect(page.get_by_role("heading", name="Suspend this person")).to_be_visible()
    assert texts_to_supporter(told) == 0

    await tab_to(page, "Suspend")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Suspend Sam?")).to_be_visible()
    await tab_to(page, "Confirm and suspend")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"/staff/cases/1\?done=suspend$"))
    await expect(page.get_by_text("This person is suspended.")).to_be_visible()
    await expect(page.get_by_role("heading", name="Lift the suspension")).to_be_visible()
    await kim.axe()
    for _ in range(50):
        if texts_to_supporter(told):
            break
        await asyncio.sleep(0.1)
    await page.reload()
    await page.go_back()  # the question again: it says nothing more is to be done
    await expect(page.get_by_text("We did not change anything")).to_be_visible()
    await kim.axe()
    await asyncio.sleep(1)  # anything sent twice would have gone by now
    assert texts_to_supporter(told) == 1

    # Lifting: a note first (the form comes back, at a GET address).
    await page.goto(f"{service.base}/staff/cases/1")
    await expect(page.get_by_role("heading", name="Lift the suspension")).to_be_visible()
    await mended_by_keyboard(kim, "/staff/cases/1", "Lift suspension",
                             "Say why you are lifting the suspension", "lift_note",
                             "Spoke to Sam: a misunderstanding.")
    await expect(page).to_have_url(re.compile(r"/staff/cases/1\?done=lifted$"))
    await expect(page.get_by_text("The suspension is lifted.")).to_be_visible()
    await expect(page.get_by_role("row").filter(has_text="Lifted a suspension")
                 ).to_contain_text("Spoke to Sam: a misunderstanding.")
    await kim.axe()
    await page.reload()
    await page.go_back()
    await page.go_forward()
    await page.get_by_role("link", name="Inbox", exact=True).click()
    await expect(page.get_by_text("Nobody is waiting for a call back.")).to_be_visible()
    await kim.axe()
    for _ in range(50):
        if texts_to_supporter(lifted):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1)
    assert texts_to_supporter(lifted) == 1 and texts_to_supporter(told) == 1
    assert dialogs == []
    assert kim.problems == [], "\n".join(kim.problems)
