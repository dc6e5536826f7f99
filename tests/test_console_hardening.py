"""What a newcomer testing the console broke (issue 15), through the real app over HTTP, on
SQLite and PostgreSQL: the inbox while another process holds SQLite's write lock, a body
over the size limit, NUL and bidi controls typed into forms, a second-step code typed
twice, and sign-in limits on a network many staff share."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from test_console_http import CSP, PASSWORD, RESIDENT, console, text_of

from bot.config import Settings
from bot.safety.models import SafetyAlert
from bot.staff import accounts, limits
from bot.staff.keys import console_key
from bot.staff.models import StaffAccount, StaffSession
from bot.web import MAX_BODY_BYTES

RLO, LRO, RLI, PDI, RLM = "\u202e", "\u202d", "\u2067", "\u2069", "\u200f"
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def is_sqlite(settings: Settings) -> bool:
    return make_url(settings.database_url).get_backend_name() == "sqlite"


@contextmanager
def write_lock_held(settings: Settings) -> Iterator[None]:
    """Another process's write lock on the SQLite file (as `movemates chat` takes it)."""
    other = sqlite3.connect(make_url(settings.database_url).database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE staff_accounts SET updated_at = updated_at")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


def assert_console_headers(headers: Any) -> None:
    assert headers["content-security-policy"] == CSP
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    assert headers["content-type"].startswith("text/html")


# -- 1. another process holds SQLite's write lock ---------------------------------------------
async def test_the_inbox_shows_while_another_process_holds_the_write_lock(
        settings: Settings) -> None:
    if not is_sqlite(settings):
        pytest.skip("SQLite's write lock: PostgreSQL readers never wait for writers")
    settings = settings.model_copy(update={"sqlite_busy_seconds": 1.0})
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        await site.world.resident(RESIDENT, "Ann")
        await site.world.says(RESIDENT, "i want to end my life tonight")
        await site.staff(sam, "sam@example.org")  # a coordinator: places reported too
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        seen_before = await site.world.db(lambda c: c.scalar(
            select(StaffSession.last_seen_at).where(StaffSession.staff_id == 1)))
        site.clock.advance(timedelta(minutes=1))
        db = site.services.db

        with write_lock_held(settings):
            # A job in this process (hand_over_due, say) waiting for the lock meanwhile.
            waiting = asyncio.create_task(db.run(lambda c: c.execute(
                update(SafetyAlert).values(topic=SafetyAlert.topic))))
            await asyncio.sleep(0.1)
            live = await mo.get("/staff/inbox/live")  # writes nothing at all
            assert live.status_code == 200 and "Alert 1" in text_of(live)
            assert not waiting.done()  # it did not queue behind the waiting write
            with pytest.raises(OperationalError, match="database is locked"):
                await waiting
            for browser in (sam, mo):
                inbox = await browser.get("/staff/")
                assert inbox.status_code == 200, inbox.text
                assert "Alert 1" in text_of(inbox)
                live = await browser.get("/staff/inbox/live")
                assert live.status_code == 200 and "Alert 1" in text_of(live)
            # A page that must write (opening an alert is audited), or a form: 503, the
            # console's page and headers, and when to try again; never a 500.
            for busy in (await sam.get("/staff/alerts/1"),
                         await sam.post("/staff/alerts/1/claim")):
                assert busy.status_code == 503, busy.text
                assert busy.headers["retry-after"] == "30"
                assert_console_headers(busy.headers)
                assert "The console is busy for a moment" in text_of(busy)
            # Nothing written while it was held: the session's last use too (skipped).
            assert await db.read(lambda c: c.scalar(
                select(StaffSession.last_seen_at).where(StaffSession.staff_id == 1))) \
                == seen_before

        page = await sam.get("/staff/alerts/1")
        assert page.status_code == 200 and "end my life" in text_of(page)
        assert (await sam.post("/staff/alerts/1/claim")).status_code == 303
        assert (await site.alert())["status"] == "acknowledged"
        assert await site.world.db(lambda c: c.scalar(
            select(StaffSession.last_seen_at).where(StaffSession.staff_id == 1))) \
            == site.clock.now()


# -- 2. a body over the size limit ------------------------------------------------------------
async def test_a_body_too_large_gets_the_consoles_page_and_headers(settings: Settings
                                                                   ) -> None:
    async with console(settings) as site, site.browser() as sam:
        await site.staff(sam, "sam@example.org")
        big = "note=" + "x" * (MAX_BODY_BYTES + 1)

        async def streamed() -> AsyncIterator[bytes]:  # no Content-Length: counted as read
            for _ in range(MAX_BODY_BYTES // 4096 + 2):
                yield b"x" * 4096

        for sent in (
                await sam.client.post("/staff/alerts/1/note", content=big, headers={
                    "content-type": "application/x-www-form-urlencoded"}),
                await sam.client.post("/staff/sign-in", content=streamed(), headers={
                    "content-type": "application/x-www-form-urlencoded"})):
            assert sent.status_code == 413
            assert_console_headers(sent.headers)
            assert "That was too much to send" in text_of(sent)
            assert "Nothing was saved" in text_of(sent)
        # Elsewhere (a webhook) the plain answer stands.
        webhook = await sam.client.post("/healthz", content=big)
        assert webhook.status_code == 413 and webhook.text == ""


# -- 3. NUL, which PostgreSQL refuses in text -------------------------------------------------
async def test_nul_in_any_form_field_is_taken_out(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as eve:
        await site.world.resident(RESIDENT, "Ann")
        await site.world.says(RESIDENT, "i want to end my life tonight")
        await site.staff(sam, "sam@example.org")
        await sam.get("/staff/staff/new")
        added = await sam.post("/staff/staff/new", {
            "email": "pat\x00@example.org", "name": "Pat\x00 Lee", "role": "moderator"})
        assert added.status_code == 303, text_of(added)
        account = await site.world.db(lambda c: accounts.find(c, "pat@example.org"))
        assert account is not None and account.display_name == "Pat Lee"

        await sam.get("/staff/alerts/1")
        noted = await sam.post("/staff/alerts/1/note", {"note": "Rang\x00 her"})
        assert noted.status_code == 303, text_of(noted)
        assert [n["text"] for n in (await site.alert())["notes"]["notes"]] == ["Rang her"]

        await sam.post("/staff/sign-out")
        await eve.get("/staff/sign-in")
        wrong = await eve.post("/staff/sign-in", {"email": "sam\x00@example.org",
                                                  "password": "not\x00 it"})
        assert wrong.status_code == 400 and "not right" in text_of(wrong)
        right = await eve.post("/staff/sign-in", {"email": "sam@example.org\x00",
                                                  "password": PASSWORD})
        assert right.headers["location"] == "/staff/", text_of(right)


# -- 4. bidi controls in names and notes ------------------------------------------------------
async def test_bidi_controls_never_reorder_the_console(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        await site.world.resident(RESIDENT, "Ann")
        await site.world.says(RESIDENT, "i want to end my life tonight")
        await site.staff(sam, "sam@example.org")
        await sam.get("/staff/staff/new")
        assert (await sam.post("/staff/staff/new", {
            "email": "kim@example.org", "name": f"Kim {RLO}nimda{PDI}", "role": "moderator",
        })).status_code == 303
        # One typed at the command line (or given by an organisation) loses them too.
        await site.world.db(lambda c: accounts.add(
            c, "lee@example.org", f"Lee{RLM} {LRO}Ross", "moderator", site.clock.now()))
        names = await site.world.db(lambda c: c.scalars(
            select(StaffAccount.display_name).order_by(StaffAccount.id)).all())
        assert names == ["Sam Jones", "Kim nimda", "Lee Ross"]
        # A name stored with one before this (or written by hand): shown without it, apart.
        await site.world.db(lambda c: c.execute(update(StaffAccount).where(
            StaffAccount.id == 1).values(display_name=f"Sam {RLO}senoJ")))
        await sam.get("/staff/alerts/1")
        await sam.post("/staff/alerts/1/claim")
        noted = await sam.post("/staff/alerts/1/note", {"note": f"Rang {RLI}her{PDI} {RLO}"})
        assert noted.status_code == 303
        assert [n["text"] for n in (await site.alert())["notes"]["notes"]] == ["Rang her"]

        staff = await sam.get("/staff/staff")
        assert "<bdi>Sam senoJ</bdi>" in staff.text and "<bdi>Kim nimda</bdi>" in staff.text
        alert = await sam.get("/staff/alerts/1")
        assert '<p class="mm-words" dir="auto">Rang her</p>' in alert.text
        inbox = await sam.get("/staff/")
        assert "<bdi>Sam senoJ</bdi>" in inbox.text
        for page in (staff, alert, inbox, await sam.get("/staff/account"),
                     await sam.get("/staff/audit")):
            assert not BIDI.search(page.text), BIDI.findall(page.text)


# -- 5. a second-step code typed twice --------------------------------------------------------
async def test_a_code_used_already_is_said_plainly(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        link = await site.link("sam@example.org")
        await sam.get(link)
        await sam.post(link, {"password": PASSWORD, "confirm": PASSWORD})
        page = await sam.get("/staff/two-step")
        key = re.search(r'mm-secret">([A-Z2-7 ]+)<', page.text)
        assert key, page.text
        totp = pyotp.TOTP(key.group(1).replace(" ", ""))
        site.clock.advance(timedelta(seconds=60))
        await sam.post("/staff/two-step", {"code": totp.at(site.clock.now())})
        site.clock.advance(timedelta(seconds=60))

        code = totp.at(site.clock.now())
        await sam.sign_in("sam@example.org")
        await sam.get("/staff/sign-in/code")
        assert (await sam.post("/staff/sign-in/code", {"code": code})).headers[
            "location"] == "/staff/"
        await sam.get("/staff/")
        assert (await sam.post("/staff/sign-out")).status_code == 303
        site.clock.advance(timedelta(seconds=5))  # the same 30 seconds: the same code
        await sam.sign_in("sam@example.org")
        await sam.get("/staff/sign-in/code")
        again = await sam.post("/staff/sign-in/code", {"code": code})
        assert again.status_code == 400, again.headers.get("location")
        assert "You have used that code already. Wait for your app to show a new code" \
            in text_of(again)
        assert "not right" not in text_of(again)
        wrong = await sam.post("/staff/sign-in/code", {"code": "000000" if code != "000000"
                                                       else "111111"})
        assert "That code is not right" in text_of(wrong)  # still half-way: tried again
        site.clock.advance(timedelta(seconds=30))
        signed = await sam.post("/staff/sign-in/code", {"code": totp.at(site.clock.now())})
        assert signed.headers["location"] == "/staff/"


# -- 6. many staff behind one network address -------------------------------------------------
async def test_one_persons_wrong_tries_do_not_lock_out_their_network(settings: Settings
                                                                     ) -> None:
    async with console(settings) as site, site.browser() as ana, site.browser() as ben:
        for email in ("ana@example.org", "ben@example.org"):
            await site.staff(ana, email)
            await ana.post("/staff/sign-out")
        # Ana, and colleagues who mistype theirs, on the same network (one address).
        for email in ("ana@example.org", *[f"colleague{n}@example.org" for n in range(4)]):
            for attempt in range(limits.PER_EMAIL + 2):
                tried = await ana.sign_in(email, f"guess number {attempt}")
        assert "too many tries" in text_of(tried)
        assert "too many tries" in text_of(await ana.sign_in("ana@example.org"))
        # 25 wrong tries from the address (an old limit was 20): Ben still signs in.
        signed = await ben.sign_in("ben@example.org")
        assert signed.headers.get("location") == "/staff/", text_of(signed)

        # One machine trying many emails still meets the address's ceiling.
        key, now = await site.world.db(console_key), site.clock.now()
        address = "127.0.0.1"  # where httpx's ASGI transport says every request is from

        def many(connection: Any) -> None:
            for n in range(limits.PER_ADDRESS - 25):
                limits.record(connection, key, f"sprayed{n}@example.org", address, now,
                              succeeded=False)

        await site.world.db(many)
        async with site.browser() as cat:
            limited = await cat.sign_in("ben@example.org")
            assert limited.status_code == 429 and "too many tries" in text_of(limited)
        site.clock.advance(timedelta(minutes=16))
        async with site.browser() as later:
            assert (await later.sign_in("ben@example.org")).headers["location"] == "/staff/"
