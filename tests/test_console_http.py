"""The staff console through the real app (`bot.serve.make_asgi_app`, the one app the
service runs) over HTTP, on SQLite and PostgreSQL: set-up, sign-in with and without a
second step, sign-out, the anti-forgery token on every form, roles, headers and cookies,
session expiry, disabled accounts, sign-in limits, and a resident's crisis handled in the
console while the duty team's text commands see the same alert."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from html import unescape
from typing import Any

import httpx
import pyotp
from sqlalchemy import select

from bot.app import Services
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.content import library
from bot.core.events import Address
from bot.jobs import escalate_alerts
from bot.safety.models import SafetyAlert
from bot.serve import make_asgi_app
from bot.staff import accounts, limits
from bot.staff.keys import console_key
from bot.storage.models import AuditEntry
from support.engine import START, running
from support.peers import PeerWorld

PASSWORD = "a walk by the canal at ten"
CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')
RESIDENT = Address("sms", "+447700900501")
DUTY = Address("telegram", "50599")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")


def text_of(response: httpx.Response) -> str:
    """The page's words, without tags, entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


async def sent_back(browser: Browser, response: httpx.Response, path: str
                    ) -> httpx.Response:
    """A form sent back to mend, by Post/Redirect/Get: a 303 to `path` with the handle of
    what was kept (never the words), then that page, which a reload shows the same."""
    assert response.status_code == 303, response.status_code
    where = response.headers["location"]
    assert re.fullmatch(rf"{re.escape(path)}\?back=[\w-]{{22}}", where), where
    page, reloaded = await browser.get(where), await browser.get(where)
    assert page.status_code == reloaded.status_code == 200

    def shown(response: httpx.Response) -> list[str]:  # errors, banners and words typed
        return re.findall(r'class="nhsuk-(?:error-message|notification-banner__heading)"'
                          r"[^>]*>(.*?)</|<textarea[^>]*>([^<]*)</textarea>", response.text,
                          re.S)

    assert shown(reloaded) == shown(page)  # a reload shows the same again
    return page


@dataclass
class Browser:
    """One person's browser: its own cookies, the token of the last form it saw."""

    client: httpx.AsyncClient
    csrf: str = ""

    async def get(self, path: str) -> httpx.Response:
        response = await self.client.get(path)
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    async def post(self, path: str, data: dict[str, str] | None = None, *,
                   token: str | None = None) -> httpx.Response:
        form = {"csrf_token": self.csrf if token is None else token, **(data or {})}
        if token == "":
            form.pop("csrf_token")
        response = await self.client.post(path, data=form)
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    async def sign_in(self, email: str, password: str = PASSWORD) -> httpx.Response:
        await self.get("/staff/sign-in")
        return await self.post("/staff/sign-in", {"email": email, "password": password})


@dataclass
class Console:
    services: Services
    world: PeerWorld
    app: Any
    base_url: str

    @property
    def clock(self) -> FakeClock:
        return self.world.clock

    @asynccontextmanager
    async def browser(self) -> AsyncIterator[Browser]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                     base_url=self.base_url) as client:
            yield Browser(client)

    async def link(self, email: str, name: str = "Sam Jones", role: str = "coordinator"
                   ) -> str:
        now = self.clock.now()

        def add(connection: Any) -> str:
            account = accounts.add(connection, email, name, role, now)
            return accounts.issue_link(connection, account.id, now)

        return f"/staff/setup/{await self.world.db(add)}"

    async def staff(self, browser: Browser, email: str, name: str = "Sam Jones",
                    role: str = "coordinator") -> None:
        """An account set up through its link (no second step) and signed in."""
        link = await self.link(email, name, role)
        await browser.get(link)
        done = await browser.post(link, {"password": PASSWORD, "confirm": PASSWORD})
        assert done.headers["location"] == "/staff/two-step", done.text
        await browser.get("/staff/two-step")
        assert (await browser.post("/staff/two-step", {"skip": "1"})).status_code == 303
        signed = await browser.sign_in(email)
        assert signed.headers["location"] == "/staff/", text_of(signed)
        assert (await browser.get("/staff/")).status_code == 200

    async def audit(self) -> list[dict[str, Any]]:
        return await self.world.rows(AuditEntry)

    async def alert(self) -> dict[str, Any]:
        [alert] = await self.world.rows(SafetyAlert)
        return alert


@asynccontextmanager
async def console(settings: Settings, public: str | None = None) -> AsyncIterator[Console]:
    settings = settings.model_copy(update={"public_base_url": public})
    clock = FakeClock(START)
    async with running(settings, clock) as (services, senders):
        app = make_asgi_app(settings, services)
        yield Console(services, PeerWorld(services, senders, clock), app,
                      public or "http://127.0.0.1:8000")


async def test_set_up_sign_in_and_sign_out(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        link = await site.link("sam@example.org")
        page = await sam.get(link)
        assert page.status_code == 200 and "Hello Sam Jones" in text_of(page)
        short = await sam.post(link, {"password": "too short", "confirm": "too short"})
        assert short.status_code == 400
        assert "Your password needs 12 or more characters" in text_of(short)
        assert text_of(short).startswith("Error:")  # the page title says so first
        same = await sam.post(link, {"password": "sam@example.org", "confirm": "x"})
        assert "not your email address" in text_of(same)
        done = await sam.post(link, {"password": PASSWORD, "confirm": PASSWORD})
        assert (done.status_code, done.headers["location"]) == (303, "/staff/two-step")
        assert (await sam.get(link)).status_code == 404  # used once
        assert "does not work now" in text_of(await sam.get(link))
        assert (await sam.get("/staff/")).headers["location"] == "/staff/two-step"  # not in
        await sam.get("/staff/two-step")
        assert (await sam.post("/staff/two-step", {"skip": "1"})).headers["location"] == \
            "/staff/sign-in?why=ready"

        wrong = await sam.sign_in("sam@example.org", "not my password")
        assert wrong.status_code == 400
        assert "email address or password is not right" in text_of(wrong)
        signed = await sam.sign_in("SAM@example.org")
        assert signed.headers["location"] == "/staff/"
        inbox = await sam.get("/staff/")
        assert inbox.status_code == 200 and "No safety alerts need anyone" in text_of(inbox)
        cookie = sam.client.cookies.get("mm_staff")
        out = await sam.post("/staff/sign-out")
        assert out.headers["location"] == "/staff/sign-in?why=signed_out"
        assert "mm_staff" not in sam.client.cookies
        # The old cookie is worth nothing now: the session was ended on the server.
        sam.client.cookies.set("mm_staff", cookie or "")
        again = await sam.get("/staff/")
        assert again.headers["location"] == "/staff/sign-in?why=ended"
        actions = [row["action"] for row in await site.audit()]
        assert actions == ["staff_password_set", "staff_sign_in_refused", "staff_signed_in",
                           "staff_signed_out"]
        assert {row["actor_staff_id"] for row in await site.audit()} == {1}


async def test_a_second_step_with_an_authenticator_app(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        link = await site.link("sam@example.org")
        await sam.get(link)
        await sam.post(link, {"password": PASSWORD, "confirm": PASSWORD})
        page = await sam.get("/staff/two-step")
        key = re.search(r'mm-secret">([A-Z2-7 ]+)<', page.text)
        assert key, page.text
        secret = key.group(1).replace(" ", "")
        qr = await sam.get("/staff/two-step/qr.svg")
        assert qr.headers["content-type"] == "image/svg+xml" and b"<svg" in qr.content
        totp = pyotp.TOTP(secret)
        wrong = await sam.post("/staff/two-step", {"code": "000000"})
        assert wrong.status_code == 400 and "That code is not right" in text_of(wrong)
        done = await sam.post("/staff/two-step", {"code": totp.at(site.clock.now())})
        assert done.headers["location"] == "/staff/sign-in?why=ready_two_step"

        half = await sam.sign_in("sam@example.org")
        assert half.headers["location"] == "/staff/sign-in/code"
        half_way = await sam.get("/staff/")  # half-way is not signed in
        assert half_way.headers["location"] == "/staff/sign-in/code"
        assert "Enter your code" in text_of(await sam.get("/staff/sign-in/code"))
        site.clock.advance(timedelta(seconds=30))
        bad = await sam.post("/staff/sign-in/code", {"code": "123456"})
        assert bad.status_code == 400
        signed = await sam.post("/staff/sign-in/code", {"code": totp.at(site.clock.now())})
        assert signed.headers["location"] == "/staff/"
        account = await sam.get("/staff/account")
        assert "On: a code from your app" in text_of(account)
        assert [r["detail"] for r in await site.audit() if r["action"] == "staff_signed_in"] \
            == ["with a code"]


async def test_every_form_refuses_a_missing_or_forged_token(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as eve:
        await site.world.resident(RESIDENT, "Ann")
        await site.world.says(RESIDENT, "i want to end my life")
        await site.staff(sam, "sam@example.org")
        await sam.get("/staff/alerts/1")
        for token in ("", "forged-token"):
            refused = await sam.post("/staff/alerts/1/claim", token=token)
            assert refused.status_code == 403 and "Nothing was changed" in text_of(refused)
            closed = await sam.post("/staff/alerts/1/close", {"note": "done"}, token=token)
            assert closed.status_code == 403
            out = await sam.post("/staff/sign-out", token=token)
            assert out.status_code == 403
        assert (await site.alert())["status"] == "open"
        assert (await sam.get("/staff/")).status_code == 200  # still signed in

        # Before sign-in: the form's token must match the cookie it was given with.
        link = await site.link("pat@example.org", "Pat", "moderator")
        await eve.get(link)
        eve.client.cookies.clear()
        assert (await eve.post(link, {"password": PASSWORD, "confirm": PASSWORD})
                ).status_code == 403
        page = await eve.get("/staff/sign-in")
        assert page.status_code == 200
        forged = await eve.post("/staff/sign-in", {"email": "sam@example.org",
                                                   "password": PASSWORD}, token="0" * 64)
        assert forged.status_code == 403
        assert await site.world.db(lambda c: accounts.link_account(
            c, link.rsplit("/", 1)[1], site.clock.now())) is not None  # still unused


async def test_moderators_see_alerts_not_staff_or_the_audit_log(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        await site.staff(sam, "sam@example.org")
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        for path in ("/staff/staff", "/staff/audit"):
            assert (await sam.get(path)).status_code == 200
            refused = await mo.get(path)
            assert refused.status_code == 403 and "only for coordinators" in text_of(refused)
        assert (await mo.post("/staff/staff/1/disable")).status_code == 403
        inbox = await mo.get("/staff/")
        assert inbox.status_code == 200
        assert "/staff/audit" not in inbox.text and "/staff/staff" not in inbox.text
        assert "/staff/audit" in (await sam.get("/staff/")).text
        staff_page = text_of(await sam.get("/staff/staff"))
        assert "Mo Khan" in staff_page and "mo@example.org" in staff_page


async def test_headers_and_cookies(settings: Settings) -> None:
    async with console(settings, public="https://mm.example.org") as site, \
            site.browser() as sam:
        page = await sam.get("/staff/sign-in")
        headers = page.headers
        assert headers["content-security-policy"] == CSP
        assert "unsafe-inline" not in CSP and "frame-ancestors 'none'" in CSP
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store"
        assert headers["strict-transport-security"].startswith("max-age=")
        form_cookie = headers["set-cookie"]
        assert form_cookie.startswith("__Host-mm_form=")
        for part in ("HttpOnly", "Secure", "Path=/", "SameSite=lax"):
            assert part in form_cookie
        assert "<script>" not in page.text and " style=" not in page.text
        link = await site.link("kim@example.org", "Kim")
        await sam.get(link)
        await sam.post(link, {"password": PASSWORD, "confirm": PASSWORD})
        await sam.get("/staff/two-step")
        await sam.post("/staff/two-step", {"skip": "1"})
        signed = await sam.sign_in("kim@example.org")
        session_cookie = signed.headers["set-cookie"]
        assert session_cookie.startswith("__Host-mm_staff=")
        for part in ("HttpOnly", "Secure", "SameSite=lax"):
            assert part in session_cookie
        css = await sam.get("/staff/assets/console.css")
        assert css.status_code == 200 and "nhsuk" in css.text
        assert "assets.nhs.uk" not in css.text  # no font or image from anywhere else
        assert css.headers["content-security-policy"] == CSP
    async with console(settings) as site, site.browser() as sam:
        cookie = (await sam.get("/staff/sign-in")).headers["set-cookie"]
        assert cookie.startswith("mm_form=") and "HttpOnly" in cookie
        assert "Secure" not in cookie and "strict-transport-security" not in \
            (await sam.get("/staff/sign-in")).headers


async def test_a_session_ends_after_30_idle_minutes_and_after_12_hours(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        await site.staff(sam, "sam@example.org")
        site.clock.advance(timedelta(minutes=29))
        assert (await sam.get("/staff/")).status_code == 200
        site.clock.advance(timedelta(minutes=30, seconds=1))
        ended = await sam.get("/staff/")
        assert ended.headers["location"] == "/staff/sign-in?why=ended"
        page = await sam.get(ended.headers["location"])
        assert "You were signed out" in text_of(page)
        assert (await sam.get("/staff/")).headers["location"] == "/staff/sign-in"
        await sam.sign_in("sam@example.org")
        for _ in range(24):  # busy, a page every 29 minutes: 11 h 36 min
            site.clock.advance(timedelta(minutes=29))
            assert (await sam.get("/staff/")).status_code == 200
        site.clock.advance(timedelta(minutes=25))
        assert (await sam.get("/staff/")).headers["location"] == "/staff/sign-in?why=ended"


async def test_a_disabled_account_is_signed_out_at_once(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        await site.staff(sam, "sam@example.org")
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        listed = await sam.get("/staff/staff")
        assert 'href="/staff/staff/2/disable"' in listed.text  # a link: asked first
        asked = await sam.get("/staff/staff/2/disable")
        assert "Turn off the account of Mo Khan?" in text_of(asked)
        assert "movemates staff enable mo@example.org" in text_of(asked)
        assert (await sam.get("/staff/staff/1/disable")).headers["location"] == \
            "/staff/staff"  # not their own
        assert (await sam.get("/staff/staff/99/disable")).status_code == 404
        done = await sam.post("/staff/staff/2/disable")
        assert done.headers["location"] == "/staff/staff?done=disabled"
        assert "Turned off" in text_of(await sam.get("/staff/staff"))
        # Told plainly why (not the idle-timeout words), once.
        assert (await mo.get("/staff/")).headers["location"] == "/staff/sign-in?why=turned_off"
        refused = await mo.sign_in("mo@example.org")
        assert refused.status_code == 403 and "This account is turned off" in text_of(refused)
        assert "staff_disabled" in [r["action"] for r in await site.audit()]


async def test_sign_in_is_limited(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as bot:
        await site.staff(sam, "sam@example.org")
        await sam.post("/staff/sign-out")
        for attempt in range(5):
            wrong = await sam.sign_in("sam@example.org", f"guess number {attempt}")
        assert wrong.status_code == 403 and "too many tries" in text_of(wrong)
        right = await sam.sign_in("sam@example.org")
        assert right.status_code in (403, 429) and "too many tries" in text_of(right)
        # An address with no account answers the same way after as many tries.
        for attempt in range(5):
            nobody = await bot.sign_in("nobody@example.org", f"guess number {attempt}")
            assert nobody.status_code == 400
        nobody = await bot.sign_in("nobody@example.org", "one more")
        assert "too many tries" in text_of(nobody)
        # One network address: a ceiling of 100 wrong tries in 15 minutes, whatever the
        # emails (much higher than per email: many staff may share one NHS network).
        assert limits.PER_ADDRESS == 100
        key, now = await site.world.db(console_key), site.clock.now()
        await site.world.db(lambda c: [limits.record(
            c, key, f"sprayed{n}@example.org", "127.0.0.1", now, succeeded=False)
            for n in range(limits.PER_ADDRESS - 20)])  # as many tries, made quicker
        for attempt in range(9):
            await bot.sign_in(f"person{attempt}@example.org", "guess")
        assert (await bot.sign_in("person9@example.org", "guess")).status_code == 400
        limited = await bot.sign_in("someone.else@example.org", "guess")
        assert limited.status_code == 429
        site.clock.advance(timedelta(minutes=16))
        assert (await sam.sign_in("sam@example.org")).headers["location"] == "/staff/"


async def test_a_new_set_up_link_lifts_a_lockout(settings: Settings) -> None:
    """As the lockout page says (found by a newcomer's walk-through: it did not)."""
    async with console(settings) as site, site.browser() as sam:
        await site.staff(sam, "sam@example.org")
        await sam.post("/staff/sign-out")
        for attempt in range(5):
            await sam.sign_in("sam@example.org", f"guess number {attempt}")
        assert "too many tries" in text_of(await sam.sign_in("sam@example.org"))
        link = await site.world.db(lambda c: accounts.issue_link(
            c, accounts.find(c, "sam@example.org").id, site.clock.now()))
        async with site.browser() as fresh:
            await fresh.get(f"/staff/setup/{link}")
            chosen = await fresh.post(f"/staff/setup/{link}", {
                "password": PASSWORD + " again", "confirm": PASSWORD + " again"})
            assert chosen.status_code == 303, text_of(chosen)
        async with site.browser() as later:
            back = await later.sign_in("sam@example.org", PASSWORD + " again")
        assert back.headers.get("location") == "/staff/", text_of(back)


async def test_the_inbox_says_when_nobody_gets_alerts_by_text(settings: Settings) -> None:
    """Found by a newcomer's walk-through: alerts reached nobody and the console was
    silent about it."""
    nobody = library().for_language("en").text("console.inbox.nobody.title")
    async with console(settings) as site, site.browser() as sam:
        await site.staff(sam, "sam@example.org")
        assert nobody in text_of(await sam.get("/staff/"))
        await site.world.moderator(Address("sms", "+447700900777"), "Jo")
        assert nobody in text_of(await sam.get("/staff/"))  # a moderator off duty
        await site.world.says(Address("sms", "+447700900777"), "ON DUTY")
        assert nobody not in text_of(await sam.get("/staff/"))


async def test_the_inbox_says_what_it_holds(settings: Settings) -> None:
    """Its intro names every kind of item its sections list, and places only to the
    coordinators who see them."""
    en = library().for_language("en")
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        await site.staff(sam, "sam@example.org")
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        theirs = {"coordinator": text_of(await sam.get("/staff/")),
                  "moderator": text_of(await mo.get("/staff/"))}
        for role, page in theirs.items():
            for part in ("alerts", "talk", "reports", "follow_ups"):
                assert en.text(f"console.inbox.holds.{part}") in page, (role, part)
            assert en.text("console.inbox.intro") in page
            assert (en.text("console.inbox.holds.places") in page) == (role == "coordinator")


async def test_a_crisis_is_handled_in_the_console_as_by_text(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        world = site.world
        await world.moderator(DUTY, "Dee", role="coordinator")
        await world.resident(RESIDENT, "Ann")
        heard = await world.says(RESIDENT, "i want to end my life tonight")
        assert "116 123" in heard.text(RESIDENT)
        await site.staff(sam, "sam@example.org")

        inbox = await sam.get("/staff/")
        words = text_of(inbox)
        assert "Needing someone" in words and "Alert 1" in words
        assert "Alert 1 About Crisis Type Crisis" in words and "By SMS" in words
        assert "Not picked up" in words and "Mon 2 Mar 2026, 09:0" in words  # London time
        assert "end my life" not in words  # words only on the alert's own page
        page = await sam.get("/staff/alerts/1")
        assert "i want to end my life tonight" in text_of(page) and "Ann" in text_of(page)
        viewed = [r for r in await site.audit() if r["action"] == "safety_alert_viewed"]
        assert [(r["actor_staff_id"], r["target"]) for r in viewed] == [(1, "alert:1")]

        claimed = await sam.post("/staff/alerts/1/claim")
        assert claimed.headers["location"] == "/staff/alerts/1?done=acknowledged"
        assert "Alert 1 is yours now" in text_of(await sam.get(claimed.headers["location"]))
        alert = await site.alert()
        assert alert["status"] == "acknowledged" and alert["acknowledged_by"] is None
        assert (alert["acknowledged_by_staff"], alert["acknowledged_by_staff_name"]) == \
            (1, "Sam Jones")
        # Picked up in the console, so it does not go to every coordinator at 15 minutes.
        site.clock.advance(timedelta(minutes=16))
        assert await escalate_alerts(site.services) == 0
        # The duty team by text sees the same alert, picked up by Sam.
        by_text = (await world.says(DUTY, "ALERT 1 OK")).only(DUTY)
        assert by_text == "Alert 1 is already picked up, by Sam Jones."
        assert "Picked up by Sam Jones" in (await world.says(DUTY, "ALERT 1")).only(DUTY)
        assert "Picked up Sam Jones" in text_of(await sam.get("/staff/"))

        empty = await sent_back(sam, await sam.post("/staff/alerts/1/note", {"note": "   "}),
                                "/staff/alerts/1")
        assert "Write a note first" in text_of(empty)
        noted = await sam.post("/staff/alerts/1/note", {"note": "Rang her; her sister is there"})
        assert noted.headers["location"] == "/staff/alerts/1?done=noted"
        await world.says(DUTY, "ALERT 1 NOTE texted her the crisis line too")
        no_outcome = await sent_back(
            sam, await sam.post("/staff/alerts/1/close", {"note": ""}), "/staff/alerts/1")
        assert "Say what happened before you close it" in text_of(no_outcome)
        closed = await sam.post("/staff/alerts/1/close", {"note": "Safe with family tonight"})
        assert closed.headers["location"] == "/staff/alerts/1?done=closed"
        page = text_of(await sam.get(closed.headers["location"]))
        assert "Alert 1 is closed" in page and "Pick this up" not in page
        assert "Sam Jones, Mon 2 Mar 2026" in page and "Dee, Mon 2 Mar 2026" in page
        alert = await site.alert()
        assert alert["status"] == "closed" and alert["closed_by_staff"] == 1
        assert [n["text"] for n in alert["notes"]["notes"]] == [
            "Rang her; her sister is there", "texted her the crisis line too",
            "Safe with family tonight"]
        assert (await world.says(DUTY, "ALERT 1 CLOSE again")).only(DUTY) == \
            "Alert 1 is already closed."
        inbox = text_of(await sam.get("/staff/"))
        assert "No safety alerts need anyone right now" in inbox and "Recently closed" in inbox

        staff_rows = [r for r in await site.audit() if r["actor_staff_id"] == 1]
        assert [r["action"] for r in staff_rows if r["action"].startswith("safety")] == [
            "safety_alert_viewed", "safety_alert_ok", "safety_alert_viewed",
            "safety_alert_viewed", "safety_alert_viewed", "safety_alert_note",
            "safety_alert_viewed", "safety_alert_viewed", "safety_alert_close",
            "safety_alert_viewed"]  # a form sent back shows it again (and on a reload)
        for row in staff_rows:  # the audit trail keeps no words, theirs or ours
            assert "end my life" not in str(row["detail"]) and "sister" not in \
                str(row["detail"])
        audit_page = text_of(await sam.get("/staff/audit"))
        assert "Sam Jones Closed an alert Alert 1" in audit_page
        assert "Dee Added a note to an alert Alert 1" in audit_page

        # The resident asks us to forget them: the alert stays, without them or their words.
        await world.conversation(RESIDENT, "delete my data", "1")
        page = text_of(await sam.get("/staff/alerts/1"))
        assert "Their words are no longer kept" in page
        assert "end my life" not in page and "Ann" not in page.replace("Anne", "")
        rows = await world.db(lambda c: [str(dict(r)) for r in c.execute(
            select(AuditEntry)).mappings()])
        assert not any("end my life" in row for row in rows)


async def test_unknown_pages_and_alerts(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        await site.staff(sam, "sam@example.org")
        for path in ("/staff/alerts/99", "/staff/alerts/abc", "/staff/nothing-here"):
            missing = await sam.get(path)
            assert missing.status_code == 404 and "Page not found" in text_of(missing)
        assert (await sam.post("/staff/alerts/99/claim")).status_code == 404
        assert (await sam.get("/staff/setup/not-a-token")).status_code == 404
        assert (await sam.get("/staff")).status_code in (301, 307, 308)


# -- a deep link followed while signed out ---------------------------------------------------
HIDDEN_NEXT = re.compile(r'<input type="hidden" name="next" value="([^"]*)">')
# Where nobody may be sent after signing in: other sites, and tricks to reach one.
NOT_OURS = (
    "https://evil.example/staff/", "//evil.example/staff/", "///evil.example",
    "/\\evil.example", "\\\\evil.example", "/staff\\..\\evil", "/staff/\\evil.example",
    "javascript:alert(1)", "http:/staff/alerts/1", "/elsewhere", "/staffing/alerts/1",
    "/staff//evil.example", "/staff/%2F%2Fevil.example", "/staff/%2f%2fevil.example",
    "/staff/%5Cevil.example", "/staff/%252F%252Fevil.example", "/staff/..//evil.example",
    "/staff/%2e%2e/%2e%2e/evil", "/staff/./x", "/staff/alerts/1#x", "/staff/ alerts/1",
    "/staff/\talerts", "/staff/alerts/\u0131", "/staff/%E2%80%AEx", "/staff/%0d%0aSet-Cookie",
    "/staff/%25252F", " /staff/alerts/1", "/staff/sign-in", "/staff/sign-in/code",
    "/staff/sign-out", "/staff/setup/abc", "/staff/two-step", "/staff/", "/staff",
    "/staff/" + "a" * 2100, "")


def test_only_a_path_of_the_console_is_a_place_to_land() -> None:
    from bot.console import going

    for value in ("/staff/alerts/12", "/staff/cases/3", "/staff/places?show=retired&page=2",
                  "/staff/places/bradgate-park", "/staff/?done=x", "/staff/audit?before=9"):
        assert going.safe(value) == value, value
    for value in NOT_OURS:
        assert going.safe(value) is None, value
    assert going.safe(None) is None and going.safe(["/staff/alerts/1"]) is None


async def test_a_deep_link_survives_signing_in(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        await site.staff(sam, "sam@example.org")  # an account to sign in with
        async with site.browser() as fresh:
            sent = await fresh.get("/staff/alerts/12")
            assert sent.headers["location"] == "/staff/sign-in?next=/staff/alerts/12"
            page = await fresh.get(sent.headers["location"])
            assert HIDDEN_NEXT.findall(page.text) == ["/staff/alerts/12"]
            wrong = await fresh.post("/staff/sign-in", {"email": "sam@example.org",
                                                        "password": "not it",
                                                        "next": "/staff/alerts/12"})
            assert wrong.status_code == 400  # tried again, still going there
            assert HIDDEN_NEXT.findall(wrong.text) == ["/staff/alerts/12"]
            signed = await fresh.post("/staff/sign-in", {"email": "sam@example.org",
                                                         "password": PASSWORD,
                                                         "next": "/staff/alerts/12"})
            assert signed.headers["location"] == "/staff/alerts/12"
            # Signed in already: the sign-in page sends them straight on.
            assert (await fresh.get("/staff/sign-in?next=/staff/cases")).headers[
                "location"] == "/staff/cases"

        # A list with its filters, and a session that ended: both kept.
        async with site.browser() as fresh:
            sent = await fresh.get("/staff/places?show=retired&page=2")
            assert sent.headers["location"] == \
                "/staff/sign-in?next=/staff/places%3Fshow%3Dretired%26page%3D2"
            await fresh.get(sent.headers["location"])
            signed = await fresh.post("/staff/sign-in", {
                "email": "sam@example.org", "password": PASSWORD,
                "next": "/staff/places?show=retired&page=2"})
            assert signed.headers["location"] == "/staff/places?show=retired&page=2"
            site.clock.advance(timedelta(minutes=31))
            ended = await fresh.get("/staff/cases/4")
            assert ended.headers["location"] == "/staff/sign-in?why=ended&next=/staff/cases/4"
            # A form sent while signed out is not a place to come back to.
            posted = await fresh.post("/staff/cases/4/warn")
            assert posted.headers["location"] == "/staff/sign-in"

        # With a second step: the page for the code carries it on.
        link = await site.link("mo@example.org", "Mo Khan", "moderator")
        await mo.get(link)
        await mo.post(link, {"password": PASSWORD, "confirm": PASSWORD})
        page = await mo.get("/staff/two-step")
        key = re.search(r'mm-secret">([A-Z2-7 ]+)<', page.text)
        assert key, page.text
        totp = pyotp.TOTP(key.group(1).replace(" ", ""))
        await mo.post("/staff/two-step", {"code": totp.at(site.clock.now())})
        sent = await mo.get("/staff/cases/7")
        assert sent.headers["location"] == "/staff/sign-in?next=/staff/cases/7"
        await mo.get(sent.headers["location"])
        half = await mo.post("/staff/sign-in", {"email": "mo@example.org",
                                                "password": PASSWORD, "next": "/staff/cases/7"})
        assert half.headers["location"] == "/staff/sign-in/code?next=/staff/cases/7"
        code_page = await mo.get(half.headers["location"])
        assert HIDDEN_NEXT.findall(code_page.text) == ["/staff/cases/7"]
        assert 'href="/staff/sign-in?next=/staff/cases/7"' in code_page.text
        site.clock.advance(timedelta(seconds=30))
        bad = await mo.post("/staff/sign-in/code", {"code": "123456",
                                                    "next": "/staff/cases/7"})
        assert bad.status_code == 400 and HIDDEN_NEXT.findall(bad.text) == ["/staff/cases/7"]
        signed = await mo.post("/staff/sign-in/code", {"code": totp.at(site.clock.now()),
                                                       "next": "/staff/cases/7"})
        assert signed.headers["location"] == "/staff/cases/7"


async def test_a_deep_link_never_leads_off_the_console(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        await site.staff(sam, "sam@example.org")
        await sam.post("/staff/sign-out")
        for value in NOT_OURS:
            page = await sam.client.get("/staff/sign-in", params={"next": value})
            assert HIDDEN_NEXT.findall(page.text) == [], value
            found = CSRF.search(page.text)
            assert found
            sam.csrf = found.group(1)
            signed = await sam.post("/staff/sign-in", {"email": "sam@example.org",
                                                       "password": PASSWORD, "next": value})
            assert signed.headers["location"] == "/staff/", value
            await sam.get("/staff/")
            await sam.post("/staff/sign-out")


async def test_an_outcome_typed_in_a_stale_tab_is_shown_back(settings: Settings) -> None:
    """Closing (or noting) an alert someone else closed meanwhile: the words typed come
    back, beside the "already closed" message, not lost; the alert stays as closed."""
    async with console(settings) as site, site.browser() as sam, site.browser() as kim:
        await site.world.resident(RESIDENT, "Ann")
        await site.world.says(RESIDENT, "i want to end my life tonight")
        await site.staff(sam, "sam@example.org")
        await site.staff(kim, "kim@example.org", "Kim Ross")
        await sam.get("/staff/alerts/1")
        await kim.get("/staff/alerts/1")
        await kim.post("/staff/alerts/1/close", {"note": "Her sister is with her"})
        # Post/Redirect/Get: the words wait for the page the form redirects to (a reload
        # shows them again and posts nothing).
        refused = await sam.post("/staff/alerts/1/close", {"note": "Called 999 at 9:10"})
        late = await sent_back(sam, refused, "/staff/alerts/1")
        page = text_of(late)
        assert "Alert 1 is already closed. What you wrote is shown below." in page
        assert "What you wrote was not saved" in page
        assert ">Called 999 at 9:10</textarea>" in late.text
        # Only for Sam's session.
        assert "Called 999" not in (await kim.get(refused.headers["location"])).text
        late_note = await sent_back(sam, await sam.post(
            "/staff/alerts/1/note", {"note": "Ambulance came"}), "/staff/alerts/1")
        assert ">Ambulance came</textarea>" in late_note.text
        alert = await site.alert()
        assert [n["text"] for n in alert["notes"]["notes"]] == ["Her sister is with her"]
        # Nothing typed: the plain banner, as before.
        empty = await sam.post("/staff/alerts/1/close", {"note": ""})
        assert empty.headers["location"] == "/staff/alerts/1?done=already_closed"
