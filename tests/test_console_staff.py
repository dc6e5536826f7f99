"""The console's Staff and Audit log pages through the real app (`bot.serve.make_asgi_app`)
on SQLite and PostgreSQL: adding a member of staff (the command line's rules and reasons,
shown as an error summary and beside each field), the set-up link shown once (never in an
address, never in the audit log, never cached, not shown again on a reload, and a
resubmitted form makes no second account), a fresh link with or without the second step,
turning an account back on, every change audited with the member of staff who made it;
accounts that sign in with their organisation; the audit log's "About" in words, its
filter (actions first) and paging that keeps the filter; moderators and forged forms
refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from sqlalchemy import Connection, func, insert, select
from test_console_http import PASSWORD, Browser, Console, console, text_of

from bot.config import Settings
from bot.console.admin import state
from bot.console.pages import london
from bot.core.content import CONTENT_ROOT, library
from bot.peers.group_posts import member_target
from bot.peers.models import Group
from bot.places import live
from bot.places.models import OpenActiveFeed
from bot.staff import accounts, audit, organisation
from bot.staff.accounts import StaffError
from bot.staff.models import StaffAccount, StaffSetupLink
from bot.storage.audit import audit as write_audit
from bot.storage.models import Person, Volunteer

EN = library().for_language("en")
SETUP = re.compile(r"http://127\.0\.0\.1:8000/staff/setup/([A-Za-z0-9_-]{20,})")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def words(key: str, **params: object) -> str:
    """A text as `text_of` reads it: spaces collapsed."""
    return " ".join(EN.text(key, **params).split())


async def coordinator(site: Console, browser: Browser) -> None:
    await site.staff(browser, "sam@example.org", "Sam Jones")


async def staff_actions(site: Console) -> list[tuple[int | None, str, str | None, str | None]]:
    return [(row["actor_staff_id"], row["action"], row["target"], row["detail"])
            for row in await site.audit()
            if row["action"] in ("staff_added", "staff_link_issued", "staff_enabled",
                                 "staff_disabled")]


async def links(site: Console) -> int:
    return int(await site.world.db(lambda c: c.scalar(
        select(func.count()).select_from(StaffSetupLink))))


def row_text(page: str, name: str) -> str:
    """One table row's words, found by the name in its row header."""
    for row in re.findall(r'<tr class="nhsuk-table__row">(.*?)</tr>', page, re.S):
        if f">{name}<" in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no row for {name!r}")


# -- adding someone -------------------------------------------------------------------------
async def test_adding_someone_shows_their_link_once(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as lee, \
            site.browser() as mo:
        await coordinator(site, sam)
        await site.staff(lee, "lee@example.org", "Lee Chan")
        listed = await sam.get("/staff/staff")
        assert 'href="/staff/staff/new"' in listed.text
        assert words("console.staff.add_button") in text_of(listed)
        form = await sam.get("/staff/staff/new")
        assert form.status_code == 200 and words("console.staff.add_page.intro") in \
            text_of(form)

        # Everything wrong at once: each field says what, and the summary links to it.
        wrong = await sam.post("/staff/staff/new", {"email": "mo at example", "name": " ",
                                                    "role": "boss"})
        page = text_of(wrong)
        assert wrong.status_code == 400 and words("console.error_summary") in page
        for field, reason in (("email", "bad_email"), ("name", "bad_name"),
                              ("role", "bad_role")):
            message = words(f"console.staff.add_page.errors.{reason}")
            assert page.count(message) == 2, (field, page)  # summary and field
            assert f'<a href="#{field}">' in wrong.text
            assert f'id="{field}-error"' in wrong.text
        assert 'value="mo at example"' in wrong.text  # what they typed stays
        assert await links(site) == 2  # sam's and lee's only

        # Right: 303 to the page that shows the link; the address holds no token.
        added = await sam.post("/staff/staff/new", {"email": " Mo@Example.org ",
                                                    "name": " Mo   Khan ", "role": "moderator"})
        assert added.status_code == 303
        where = added.headers["location"]
        assert re.fullmatch(r"/staff/staff/3/new-link\?made=[\w-]{22}", where), where
        mo_account = await site.world.db(lambda c: accounts.find(c, "mo@example.org"))
        assert (mo_account.display_name, mo_account.role, mo_account.has_password) == \
            ("Mo Khan", "moderator", False)

        # Someone else's session cannot see it, nor another account's address; the
        # coordinator who made it can, once.
        assert (await lee.get(where)).status_code == 410
        assert (await sam.get(where.replace("/3/", "/2/"))).status_code == 410
        shown = await sam.get(where)
        assert shown.status_code == 200
        assert shown.headers["cache-control"] == "no-store"
        [token] = SETUP.findall(shown.text)
        page = text_of(shown)
        assert words("console.staff.shown.added", name="Mo Khan", role="moderator") in page
        assert words("console.staff.shown.once") in page
        assert words("console.staff.shown.copy") in page
        expires = london(site.clock.now() + timedelta(hours=24))
        assert words("console.staff.shown.expires", date=expires) in page
        assert await site.world.db(lambda c: accounts.link_account(
            c, token, site.clock.now())) == mo_account
        assert all(token not in str(row) for row in await site.audit())
        assert (1, "staff_added", "staff:3", "moderator") in await staff_actions(site)

        # A reload shows it no more, and offers a new one; the link still works.
        again = await sam.get(where)
        assert again.status_code == 410 and token not in again.text
        assert words("console.staff.gone.title") in text_of(again)
        assert 'href="/staff/staff/3/link"' in again.text
        # The form sent again (a browser's "resubmit"): a clear error, nothing new.
        resent = await sam.post("/staff/staff/new", {"email": "mo@example.org",
                                                     "name": "Mo Khan", "role": "moderator"})
        assert resent.status_code == 400
        assert words("console.staff.add_page.errors.exists") in text_of(resent)
        assert await links(site) == 3
        assert [a for a in await staff_actions(site) if a[1] == "staff_added"] == \
            [(1, "staff_added", "staff:3", "moderator")]

        # The link is theirs: they choose a password with it.
        await mo.get(f"/staff/setup/{token}")
        chosen = await mo.post(f"/staff/setup/{token}", {"password": PASSWORD,
                                                         "confirm": PASSWORD})
        assert chosen.headers["location"] == "/staff/two-step"
        listed = await sam.get("/staff/staff")
        assert "Moderator" in row_text(listed.text, "Mo Khan")
        assert words("console.staff.states.active") in row_text(listed.text, "Mo Khan")


async def test_the_form_has_the_command_lines_rules(settings: Settings) -> None:
    """Each reason the form gives first is the one `accounts.add` (and so `movemates staff
    add`) refuses with."""
    cases = [("not-an-email", "Mo", "moderator"), ("mo@example.org", "", "moderator"),
             ("mo@example.org", "x" * 81, "coordinator"), ("mo@example.org", "Mo", "admin"),
             ("sam@example.org", "Sam again", "moderator"), ("a@b", "", "admin")]
    async with console(settings) as site, site.browser() as sam:
        await coordinator(site, sam)

        def check(connection: Connection) -> list[tuple[list[str], str]]:
            found = []
            for email, name, role in cases:
                problems = accounts.problems_adding(connection, email, name, role)
                try:
                    with connection.begin_nested() as nested:
                        accounts.add(connection, email, name, role, NOW)
                        nested.rollback()
                    raised = "none"
                except StaffError as error:
                    raised = error.reason
                found.append((problems, raised))
            return found

        found = await site.world.db(check)
        assert [problems[0] for problems, _ in found] == [raised for _, raised in found]
        assert found[-1][0] == ["bad_email", "bad_name", "bad_role"]
        assert found[4][0] == ["exists"]


# -- a fresh link, turning an account on ----------------------------------------------------
async def test_a_fresh_link_with_and_without_the_second_step(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        await coordinator(site, sam)
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        secret = pyotp.random_base32()
        assert await site.world.db(lambda c: accounts.add_two_step(
            c, 2, secret, pyotp.TOTP(secret).at(site.clock.now()), site.clock.now()))

        listed = await sam.get("/staff/staff")
        assert 'aria-label="New set-up link for Mo Khan"' in listed.text
        asked = await sam.get("/staff/staff/2/link")
        page = text_of(asked)
        assert words("console.staff.link_page.title", name="Mo Khan") in page
        assert words("console.staff.link_page.replaces") in page
        assert 'name="reset_two_step"' in asked.text  # they have a second step to lose
        assert await links(site) == 2

        # A lost phone: the link also removes the second step, once used.
        made = await sam.post("/staff/staff/2/link", {"reset_two_step": "yes"})
        assert made.status_code == 303
        assert made.headers["location"].startswith("/staff/staff/2/new-link?made=")
        shown = await sam.get(made.headers["location"])
        [token] = SETUP.findall(shown.text)
        assert words("console.staff.shown.reset") in text_of(shown)
        assert words("console.staff.shown.replaces") in text_of(shown)
        assert (await sam.get(made.headers["location"])).status_code == 410
        assert (1, "staff_link_issued", "staff:2", "with the second step reset") in \
            await staff_actions(site)
        assert all(token not in str(row) for row in await site.audit())
        assert (await mo.get("/staff/")).status_code == 200  # signed in until it is used

        # A second link replaces the first; without the box ticked, the step stays.
        again = await sam.post("/staff/staff/2/link", {})
        second = SETUP.findall((await sam.get(again.headers["location"])).text)[0]
        assert await site.world.db(lambda c: accounts.link_account(
            c, token, site.clock.now())) is None
        assert (1, "staff_link_issued", "staff:2", None) in await staff_actions(site)
        assert await links(site) == 4
        async with site.browser() as fresh:
            await fresh.get(f"/staff/setup/{second}")
            done = await fresh.post(f"/staff/setup/{second}", {
                "password": PASSWORD + " now", "confirm": PASSWORD + " now"})
            assert done.status_code == 303
        assert (await site.world.db(lambda c: accounts.get(c, 2))).two_step
        assert (await mo.get("/staff/")).headers["location"] == "/staff/sign-in?why=ended"

        # With the box ticked, using the link takes the second step away.
        made = await sam.post("/staff/staff/2/link", {"reset_two_step": "yes"})
        third = SETUP.findall((await sam.get(made.headers["location"])).text)[0]
        async with site.browser() as fresh:
            await fresh.get(f"/staff/setup/{third}")
            await fresh.post(f"/staff/setup/{third}", {"password": PASSWORD,
                                                       "confirm": PASSWORD})
        assert not (await site.world.db(lambda c: accounts.get(c, 2))).two_step
        asked = await sam.get("/staff/staff/2/link")
        assert 'name="reset_two_step"' not in asked.text  # nothing to remove now

        # Turned off: no link until it is turned on again.
        await sam.post("/staff/staff/2/disable")
        asked = await sam.get("/staff/staff/2/link")
        assert words("console.staff.link_page.turned_off") in text_of(asked)
        assert 'action="/staff/staff/2/link"' not in asked.text
        before = await links(site)
        refused = await sam.post("/staff/staff/2/link", {})
        assert refused.status_code == 409
        assert words("console.staff.link_page.turned_off") in text_of(refused)
        assert await links(site) == before
        assert (await sam.get("/staff/staff/99/link")).status_code == 404


async def test_a_sole_coordinator_makes_a_link_for_themselves(settings: Settings) -> None:
    """Nobody else to ask: from the staff page (or their account page) a coordinator makes
    their own set-up link. Their password keeps working until it is used, so making one
    (and losing it) never locks them out; they still cannot turn themselves off."""
    async with console(settings) as site, site.browser() as sam, site.browser() as other:
        await coordinator(site, sam)
        mine = await sam.get("/staff/account")
        assert 'href="/staff/staff/1/link"' in mine.text
        assert words("console.account.password_coordinator") in text_of(mine)
        listed = await sam.get("/staff/staff")
        assert 'href="/staff/staff/1/link"' in listed.text
        assert 'href="/staff/staff/1/disable"' not in listed.text
        asked = await sam.get("/staff/staff/1/link")
        assert words("console.staff.link_page.title_yours") in text_of(asked)
        assert words("console.staff.link_page.yours_password") in text_of(asked)
        made = await sam.post("/staff/staff/1/link", {})
        shown = await sam.get(made.headers["location"])
        assert words("console.staff.shown.title_yours") in text_of(shown)
        [token] = SETUP.findall(shown.text)
        assert [a for a in await staff_actions(site) if a[1] == "staff_link_issued"] == \
            [(1, "staff_link_issued", "staff:1", None)]

        # Unused, the link changes nothing: the old password still signs in.
        assert (await other.sign_in("sam@example.org")).headers["location"] == "/staff/"
        await other.get("/staff/")
        await other.post("/staff/sign-out")
        # Turning themselves off stays impossible, by page or by a forged POST.
        assert (await sam.get("/staff/staff/1/disable")).headers["location"] == "/staff/staff"
        await sam.get("/staff/staff")
        assert (await sam.post("/staff/staff/1/disable")).headers["location"] == "/staff/staff"
        assert (await site.world.db(lambda c: accounts.get(c, 1))).disabled_at is None

        # Used: a new password, every session ended (this one too), the new one works.
        new = "a brand new walk by the river"
        await other.get(f"/staff/setup/{token}")
        done = await other.post(f"/staff/setup/{token}", {"password": new, "confirm": new})
        assert done.status_code == 303
        assert (await sam.client.get("/staff/")).headers["location"].startswith(
            "/staff/sign-in?why=ended")
        assert (await sam.sign_in("sam@example.org", new)).headers["location"] == "/staff/"
        assert (await sam.sign_in("sam@example.org")).status_code == 400  # the old one

        # Signed out with nobody to ask: the sign-in page names the way on the server.
        page = await other.get("/staff/sign-in")
        assert words("console.sign_in.only_coordinator_command") in text_of(page)


async def test_moderators_ask_a_coordinator_for_a_link(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo:
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        mine = await mo.get("/staff/account")
        assert words("console.account.password") in text_of(mine)
        assert "/link" not in mine.text
        assert (await mo.get("/staff/staff/1/link")).status_code == 403


async def test_a_moderator_who_never_finished_set_up_gets_a_fresh_link(
        settings: Settings) -> None:
    """Their first link lost or too old: a coordinator makes a fresh one from the Staff
    page (a form with its anti-forgery token; a forged one makes nothing), shown once and
    in the audit log without the link. The first link stops working; the fresh one works
    once, and not after 24 hours."""
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        await coordinator(site, sam)
        first = await site.link("mo@example.org", "Mo Khan", "moderator")
        listed = await sam.get("/staff/staff")
        assert words("console.staff.states.waiting") in row_text(listed.text, "Mo Khan")
        assert 'href="/staff/staff/2/link" aria-label="New set-up link for Mo Khan"' in \
            listed.text

        await sam.get("/staff/staff/2/link")
        before = await links(site)
        for forged in ("", "0" * 43):
            assert (await sam.post("/staff/staff/2/link", {}, token=forged)).status_code == 403
        assert await links(site) == before
        assert (await mo.get(first)).status_code == 200  # forged forms changed nothing

        async def fresh_link() -> str:
            await sam.get("/staff/staff/2/link")
            made = await sam.post("/staff/staff/2/link", {})
            assert made.status_code == 303
            shown = await sam.get(made.headers["location"])
            [token] = SETUP.findall(shown.text)
            assert (await sam.get(made.headers["location"])).status_code == 410
            return str(token)

        token = await fresh_link()
        assert (await mo.get(first)).status_code == 404  # the first link works no more
        assert [a for a in await staff_actions(site) if a[1] == "staff_link_issued"] == \
            [(1, "staff_link_issued", "staff:2", None)]
        assert all(token not in str(row) for row in await site.audit())

        # 24 hours on, it works no more either; a coordinator makes another.
        site.clock.advance(timedelta(hours=24, seconds=1))
        assert (await mo.get(f"/staff/setup/{token}")).status_code == 404
        assert (await sam.sign_in("sam@example.org")).headers["location"] == "/staff/"
        token = await fresh_link()
        site.clock.advance(timedelta(hours=23, minutes=59))
        assert (await mo.get(f"/staff/setup/{token}")).status_code == 200
        done = await mo.post(f"/staff/setup/{token}", {"password": PASSWORD,
                                                       "confirm": PASSWORD})
        assert done.headers["location"] == "/staff/two-step"
        # Used: refused from then on, on its page and by a form sent again.
        async with site.browser() as again:
            assert (await again.get(f"/staff/setup/{token}")).status_code == 404
        assert (await mo.post(f"/staff/setup/{token}", {"password": PASSWORD + " x",
                                                        "confirm": PASSWORD + " x"})
                ).status_code != 303
        assert (await mo.sign_in("mo@example.org")).headers["location"] == "/staff/"
        await sam.sign_in("sam@example.org")  # idled out meanwhile
        listed = await sam.get("/staff/staff")
        assert words("console.staff.states.active") in row_text(listed.text, "Mo Khan")


async def test_turning_an_account_back_on(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        await coordinator(site, sam)
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        assert (await sam.get("/staff/staff/2/enable")).headers["location"] == "/staff/staff"
        await sam.post("/staff/staff/2/disable")
        listed = await sam.get("/staff/staff")
        assert 'href="/staff/staff/2/enable"' in listed.text
        assert "Turned off" in row_text(listed.text, "Mo Khan")
        asked = await sam.get("/staff/staff/2/enable")
        assert words("console.staff.enable_page.title", name="Mo Khan") in text_of(asked)
        assert words("console.staff.enable_page.sign_in") in text_of(asked)
        done = await sam.post("/staff/staff/2/enable")
        assert done.headers["location"] == "/staff/staff?done=enabled"
        back = await sam.get(done.headers["location"])
        assert words("console.staff.enabled_done") in text_of(back)
        assert "Active" in row_text(back.text, "Mo Khan")
        assert (await mo.sign_in("mo@example.org")).headers["location"] == "/staff/"
        assert (await sam.post("/staff/staff/2/enable")).status_code == 303  # no-op
        assert [a for a in await staff_actions(site) if a[1] == "staff_enabled"] == \
            [(1, "staff_enabled", "staff:2", None)]
        assert (await sam.post("/staff/staff/99/enable")).status_code == 404

        # Never set up: turning on says a set-up link is still to come.
        added = await sam.post("/staff/staff/new", {"email": "jo@example.org",
                                                    "name": "Jo Bell", "role": "moderator"})
        await sam.get(added.headers["location"])
        await sam.post("/staff/staff/3/disable")
        assert words("console.staff.enable_page.no_password") in \
            text_of(await sam.get("/staff/staff/3/enable"))


async def test_someone_turned_off_mid_session_is_told_so(settings: Settings) -> None:
    """Not the idle-timeout words: their account was turned off. Said once; turning the
    account on again does not bring the old session back."""
    async with console(settings) as site, site.browser() as sam, site.browser() as mo, \
            site.browser() as mo_again:
        await coordinator(site, sam)
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        cookies = dict(mo.client.cookies)
        await sam.get("/staff/staff")
        await sam.post("/staff/staff/2/disable")
        sent = await mo.client.get("/staff/cases")
        assert sent.headers["location"] == "/staff/sign-in?why=turned_off", sent.headers
        told = await mo.get(sent.headers["location"])
        assert words("console.sign_in.turned_off") in text_of(told)
        assert words("console.sign_in.ended") not in text_of(told)
        # The same cookie again (another tab): the plain words, nothing opens.
        mo_again.client.cookies.update(cookies)
        again = await mo_again.client.get("/staff/cases")
        assert again.headers["location"].startswith("/staff/sign-in?why=ended")
        # Turned on again: the old cookie stays dead, a fresh sign-in works.
        await sam.get("/staff/staff")
        await sam.post("/staff/staff/2/enable")
        mo_again.client.cookies.update(cookies)
        assert (await mo_again.client.get("/staff/")).status_code == 303
        assert (await mo.sign_in("mo@example.org")).headers["location"] == "/staff/"
        # An account turned off while idle past the limit: just "ended".
        await sam.get("/staff/staff")
        await sam.post("/staff/staff/2/disable")
        site.clock.advance(timedelta(minutes=31))
        late = await mo.client.get("/staff/")
        assert late.headers["location"] == "/staff/sign-in?why=ended"


async def test_moderators_and_forged_forms_are_refused(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        await coordinator(site, sam)
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        for path in ("/staff/staff/new", "/staff/staff/1/link", "/staff/staff/1/new-link?made=x",
                     "/staff/staff/1/enable", "/staff/audit"):
            assert (await mo.get(path)).status_code == 403, path
        await mo.get("/staff/")
        for path, data in (("/staff/staff/new", {"email": "x@example.org", "name": "X",
                                                 "role": "coordinator"}),
                           ("/staff/staff/1/link", {}), ("/staff/staff/1/enable", {})):
            assert (await mo.post(path, data)).status_code == 403
        await sam.get("/staff/staff")
        count = await links(site)
        for token in ("", "0" * 43):
            assert (await sam.post("/staff/staff/new", {
                "email": "x@example.org", "name": "X", "role": "coordinator"},
                token=token)).status_code == 403
            assert (await sam.post("/staff/staff/2/link", {}, token=token)).status_code == 403
        assert await site.world.db(lambda c: accounts.find(c, "x@example.org")) is None
        assert await links(site) == count


# -- organisation accounts ------------------------------------------------------------------
async def test_organisation_accounts_are_not_waiting_for_set_up(settings: Settings) -> None:
    source = organisation.RoleSource("roles", frozenset({"Lead"}), frozenset({"Mod"}))
    async with console(settings) as site, site.browser() as sam:
        await coordinator(site, sam)
        now = site.clock.now()

        def sign_ins(connection: Connection) -> None:
            for email, name, role in (("ola@nhs.net", "Ola Bello", "Mod"),
                                      ("sam@example.org", "Sam", "Lead")):
                outcome = organisation.sign_in(connection, {
                    "email": email, "email_verified": True, "name": name, "roles": [role]},
                    source, now)
                assert outcome.status == "ok", outcome
            accounts.add(connection, "wai@example.org", "Wai Lam", "moderator", now)

        await site.world.db(sign_ins)
        page = (await sam.get("/staff/staff")).text
        ola = row_text(page, "Ola Bello")
        assert words("console.staff.states.organisation") in ola
        assert words("console.staff.states.waiting") not in ola
        assert words("console.staff.by_organisation") in ola
        assert words("console.staff.states.waiting") in row_text(page, "Wai Lam")
        assert words("console.staff.states.organisation") not in row_text(page, "Wai Lam")
        # A password of their own as well: active, and tagged.
        sam_row = row_text(page, "Sam Jones")
        assert "Active" in sam_row and words("console.staff.organisation") in sam_row
        asked = await sam.get("/staff/staff/2/link")
        assert words("console.staff.link_page.organisation") in text_of(asked)


def test_an_organisation_account_without_a_password_is_never_waiting() -> None:
    account = accounts.Account(1, "a@b.org", "A", "moderator", False, False, NOW, None, None,
                               NOW)
    assert state(account, True, NOW) == "organisation"
    assert state(account, False, NOW) == "waiting"
    off = accounts.Account(1, "a@b.org", "A", "moderator", False, False, NOW, NOW, None, NOW)
    assert state(off, True, NOW) == "disabled"


# -- the audit log --------------------------------------------------------------------------
async def test_the_audit_log_says_what_each_entry_is_about(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        await coordinator(site, sam)
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        now = site.clock.now()
        [place, *_] = await live.staff_view(site.services.db, CONTENT_ROOT, now)
        chat = -1001234567
        member = member_target(chat, 4242)

        def entries(connection: Connection) -> None:
            connection.execute(insert(Group).values(chat_id=chat, title="Walking Buddies",
                                                    created_at=now))
            feed = connection.execute(insert(OpenActiveFeed).values(
                name="Leisure centres", base_url="https://feeds.example.org/rpde",
                created_at=now).returning(OpenActiveFeed.id)).scalar_one()
            for action, target, case, detail in (
                    ("safety_alert_ok", "alert:3", None, None),
                    ("team_request_claimed", "team_request:4", None, None),
                    ("staff_disabled", "staff:2", None, None),
                    ("volunteer_paused", "person:12", None, None),
                    ("broadcast_cancelled", "broadcast:2", None, None),
                    ("place_verified", f"place:{place.id}", None, None),
                    ("feed_added", f"feed:{feed}", None, None),
                    ("case_warn", "connection:9", 5, "be kind"),
                    ("report", "connection:8", None, None),
                    ("case_claimed", None, 6, "Sam Jones"),
                    ("group_setup", f"chat:{chat}", None, "strike_limit=3"),
                    ("group_setup", "chat:-100999", None, None),
                    ("warn", member, None, "spam"),
                    ("hold", member, None, "held:7; could not delete"),
                    ("mystery", "thing:odd/shape", None, None)):
                write_audit(connection, now, None, action, target=target, case_id=case,
                            detail=detail, staff_id=1)

        await site.world.db(entries)
        page = await sam.get("/staff/audit?show=everything")
        html, words_on_page = page.text, text_of(page)

        def link(href: str, text: str) -> None:
            assert f'<a href="/staff{href}">{text}</a>' in html, (href, text)

        link("/alerts/3", "Alert 3")
        link("/requests/4", "Request 4")
        link("/broadcasts/2", "Broadcast 2")
        link(f"/places/{place.id}", place.item.name.replace("'", "&#39;"))
        link("/places/feeds/1", "Leisure centres")
        link("/cases/5", "Report 5")
        link("/cases/6", "Report 6")
        link("/groups", "Walking Buddies")
        link("/groups", "A Telegram group")
        link("/groups", "A member of Walking Buddies")
        link("/groups/held/7", "Held post 7 in Walking Buddies")
        for shown in ("Mo Khan", "Resident 12", "Peer chat 8", "could not delete",
                      "thing:odd/shape"):
            assert shown in words_on_page, shown
        for raw in ("alert:3", "team_request:4", "staff:2", "person:12", "broadcast:2",
                    "feed:1", "connection:9", "connection:8", f"chat:{chat}", "held:7",
                    "tg:4242", "4242"):
            assert raw not in words_on_page, raw


async def test_the_audit_log_filter_and_its_pages(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        await coordinator(site, sam)
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        now = site.clock.now()

        def entries(connection: Connection) -> None:
            for staff, action, target in (
                    (2, "safety_alert_viewed", "alert:1"), (2, "case_viewed", "connection:1"),
                    (1, "volunteers_listed", None), (1, "place_viewed", "place:x"),
                    (1, "impact_downloaded", None), (2, "safety_alert_ok", "alert:1"),
                    (1, "broadcast_composed", "broadcast:1")):
                audit.record(connection, now, staff, action, target=target)

        await site.world.db(entries)

        def actions_on(page: Any) -> list[str]:
            return re.findall(r'<td class="nhsuk-table__cell">([^<]+)</td>\s*<td class='
                              r'"nhsuk-table__cell mm-break">', page.text)

        def said(action: str) -> str:
            return EN.text(f"console.audit.actions.{action}")

        default = await sam.get("/staff/audit")
        shown = actions_on(default)
        assert said("safety_alert_ok") in shown and said("broadcast_composed") in shown
        assert said("staff_signed_in") in shown
        for look in ("safety_alert_viewed", "case_viewed", "volunteers_listed",
                     "place_viewed", "impact_downloaded"):
            assert said(look) not in shown, look
        assert '<option value="actions" selected>' in default.text
        assert 'method="get"' in default.text

        views = actions_on(await sam.get("/staff/audit?show=views"))
        assert sorted(views) == sorted(said(a) for a in (
            "safety_alert_viewed", "case_viewed", "volunteers_listed"))
        everything = actions_on(await sam.get("/staff/audit?show=everything"))
        assert said("place_viewed") in everything and said("impact_downloaded") in everything
        mine = await sam.get("/staff/audit?show=views&who=2")
        assert sorted(actions_on(mine)) == sorted(said(a) for a in ("safety_alert_viewed",
                                                                    "case_viewed"))
        assert '<option value="2" selected>Mo Khan</option>' in mine.text
        assert '<option value="views" selected>' in mine.text
        nobody = await sam.get("/staff/audit?show=views&who=77")
        assert words("console.audit.none") in text_of(nobody)
        odd = await sam.get("/staff/audit?show=<script>&who=x&before=y")
        assert odd.status_code == 200 and '<option value="actions" selected>' in odd.text

        # A page is 100 entries; the link to older ones keeps the filter.
        def many(connection: Connection) -> None:
            for number in range(audit.PAGE + 5):
                audit.record(connection, now, 2, "safety_alert_note", target=f"alert:{number}")
            for _ in range(audit.PAGE):  # views after them must not push them off
                audit.record(connection, now, 2, "safety_alert_viewed", target="alert:1")

        await site.world.db(many)
        first = await sam.get("/staff/audit?who=2")
        assert len(actions_on(first)) == audit.PAGE
        assert set(actions_on(first)) == {said("safety_alert_note")}
        [older] = re.findall(r'href="(/staff/audit\?[^"]*before=\d+[^"]*)"', first.text)
        older = older.replace("&amp;", "&")
        assert "show=actions" in older and "who=2" in older
        second = await sam.get(older)
        # The rest of Mo's actions, their sign-in among them, and no look.
        assert actions_on(second) == [said("safety_alert_note")] * 5 + [
            said("safety_alert_ok"), said("staff_signed_in"), said("staff_password_set")]
        assert 'href="/staff/audit?show=actions&amp;who=2"' in second.text  # the newest


async def test_the_audit_log_filters_by_who_and_by_action_and_names_no_resident(
        settings: Settings) -> None:
    """Done by: a member of staff, or a volunteer of the duty team acting by text (by the
    name they chose); what: one kind of action. A resident who appears as the actor (a
    report they sent) is "Resident 12", never their name, and is not offered as a filter."""
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        await coordinator(site, sam)
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        now = site.clock.now()

        def entries(connection: Connection) -> tuple[int, int]:
            def person(name: str) -> int:
                return int(connection.execute(insert(Person).values(
                    created_at=now, updated_at=now, name=name).returning(Person.id)
                ).scalar_one())

            kit, ruth = person("Kit Duty"), person("Ruth Private")
            connection.execute(insert(Volunteer).values(
                person_id=kit, role="moderator", alias="Kit", created_at=now, on_duty=True))
            write_audit(connection, now, kit, "safety_alert_ok", target="alert:1")
            write_audit(connection, now, kit, "on_duty")
            write_audit(connection, now, ruth, "report", target="connection:4")
            write_audit(connection, now, None, "safety_alert_note", target="alert:1",
                        staff_id=2)
            write_audit(connection, now, None, "safety_alert_ok", target="alert:2",
                        staff_id=2)
            return kit, ruth

        kit, ruth = await site.world.db(entries)

        def who_did(page: Any) -> list[tuple[str, str]]:
            rows = re.findall(r'</time></td>\s*<td class="nhsuk-table__cell">(?:<bdi>)?'
                              r'([^<]*)(?:</bdi>)?</td>\s*'
                              r'<td class="nhsuk-table__cell">([^<]*)</td>', page.text)
            return [(who.strip(), what.strip()) for who, what in rows]

        everything = await sam.get("/staff/audit")
        assert "Ruth Private" not in everything.text and "Kit Duty" not in everything.text
        assert (f"Resident {ruth}", said("report")) in who_did(everything)
        assert ("Kit", said("safety_alert_ok")) in who_did(everything)
        # The filter offers staff and the duty team, never a resident; and the actions.
        assert f'<option value="p{kit}">Kit</option>' in everything.text
        assert f'value="p{ruth}"' not in everything.text
        assert f'<option value="safety_alert_ok">{said("safety_alert_ok")}</option>' in \
            everything.text

        kits = await sam.get(f"/staff/audit?who=p{kit}")
        assert who_did(kits) == [("Kit", said("on_duty")), ("Kit", said("safety_alert_ok"))]
        assert f'<option value="p{kit}" selected>Kit</option>' in kits.text
        # A resident's id as a filter shows nothing of theirs.
        assert who_did(await sam.get(f"/staff/audit?who=p{ruth}")) == []

        oks = await sam.get("/staff/audit?action=safety_alert_ok")
        assert who_did(oks) == [("Mo Khan", said("safety_alert_ok")),
                                ("Kit", said("safety_alert_ok"))]
        assert '<option value="safety_alert_ok" selected>' in oks.text
        both = await sam.get("/staff/audit?who=2&action=safety_alert_ok")
        assert who_did(both) == [("Mo Khan", said("safety_alert_ok"))]
        # An action nobody did (or made up) is no filter at all.
        odd = await sam.get("/staff/audit?action=<b>&who=p")
        assert odd.status_code == 200 and len(who_did(odd)) == len(who_did(everything))


def said(action: str) -> str:
    key = f"console.audit.actions.{action}"
    return EN.text(key) if EN.has(key) else action.replace("_", " ")


async def test_tables_sit_in_labelled_scrolling_regions(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        await coordinator(site, sam)
        for path, caption in (("/staff/staff", "staff-caption"),
                              ("/staff/audit", "audit-caption")):
            page = (await sam.get(path)).text
            assert f'<div class="mm-table-scroll" tabindex="0" role="region" ' \
                   f'aria-labelledby="{caption}">' in page
            assert f'id="{caption}"' in page
        staff_page = text_of(await sam.get("/staff/staff"))
        for command in ("add_command", "link_command", "enable_command"):
            assert words(f"console.staff.{command}") in staff_page  # the command line too


# -- units ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("target", "case", "detail", "about"), [
    ("alert:3", None, None, audit.About("alert", "3")),
    ("connection:9", 5, None, audit.About("case", "5")),
    ("connection:9", None, None, audit.About("peer_chat", "9")),
    (None, 6, None, audit.About("case", "6")),
    ("chat:-100/tg:7", None, "held:4; could not delete", audit.About("held", "4", "-100")),
    ("chat:-100/tg:7", None, "spam", audit.About("group_member", "7", "-100")),
    ("chat:-100", None, "from chat:-99", audit.About("group", "-100")),
    ("place:the-park.1", None, None, audit.About("place", "the-park.1")),
    ("alert:x", None, None, audit.About("other", "alert:x", raw="alert:x")),
    (None, None, None, None),
])
def test_what_an_entry_is_about(target: str | None, case: int | None, detail: str | None,
                                about: audit.About | None) -> None:
    entry = audit.Entry(1, NOW, "x", target, detail, None, None, None, case)
    assert entry.about() == about


def test_looks_and_actions() -> None:
    assert audit.is_resident_look("case_viewed") and audit.is_resident_look("groups_listed")
    assert audit.is_look("place_viewed") and not audit.is_resident_look("place_viewed")
    assert not audit.is_look("staff_added") and not audit.is_look("hold")
    with pytest.raises(ValueError):
        audit.page(None, show="all")  # type: ignore[arg-type]


async def test_audit_details_read_as_words(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        await coordinator(site, sam)
        now = site.clock.now()

        def entries(connection: Connection) -> None:
            for action, target, detail in (
                    ("safety_alert_raised", "alert:3", "chest_pain; told 0"),
                    ("safety_alert_raised", "alert:4", "no_such_topic; told 2"),
                    ("team_reply_sent", "team_request:4", "sms, 1 segments"),
                    ("team_reply_sent", "team_request:5", "telegram"),
                    ("cases_listed", None, "0"),
                    ("groups_listed", None, "7"),
                    ("volunteer_invite_created", None, "supporter, 14 days")):
                write_audit(connection, now, None, action, target=target, detail=detail,
                            staff_id=1)

        await site.world.db(entries)
        words = text_of(await sam.get("/staff/audit?show=everything"))
        chest = EN.text("safety.alerts.kind.chest_pain")
        assert f"{chest[:1].upper()}{chest[1:]}. People told: 0" in words
        red = EN.text("safety.alerts.kind.red_flag")
        assert f"{red[:1].upper()}{red[1:]}. People told: 2" in words
        assert "By text message. Texts it took: 1" in words and "By Telegram" in words
        assert "Number shown: 0" in words and "Number shown: 7" in words
        assert "supporter, 14 days" in words  # already words: as recorded
        for code_like in ("chest_pain", "told 0", "sms, 1 segments", "no_such_topic"):
            assert code_like not in words, code_like


async def test_a_password_of_spaces_is_no_password(settings: Settings) -> None:
    """NCSC: allow spaces (three random words), but spaces alone are no password, and
    padding never makes a short one long: blank after spaces are taken off is refused,
    the length counts one space between words; the link still works after a refusal."""
    async with console(settings) as site, site.browser() as mo:
        link = await site.link("mo@example.org", "Mo Khan", "moderator")
        await mo.get(link)
        for typed, says in ((" " * 15, words("console.setup.blank")),
                            ("\t \u3000" * 8, words("console.setup.blank")),
                            ("  cat    dog  ", words("console.setup.too_short")),
                            ("a" + " " * 14 + "b", words("console.setup.too_short"))):
            refused = await mo.post(link, {"password": typed, "confirm": typed})
            assert refused.status_code == 400, repr(typed)
            assert says in text_of(refused) and text_of(refused).startswith("Error:")
        assert [a for a in await site.world.rows(StaffAccount)
                if a["password_hash"] is not None and a["email"] == "mo@example.org"] == []
        three = "cat dog fish"  # 12 with the spaces between the words: allowed
        chosen = await mo.post(link, {"password": three, "confirm": three})
        assert chosen.headers["location"] == "/staff/two-step"
        assert (await mo.get(link)).status_code == 404  # used now
