"""Signing in with an organisation account (OpenID Connect) through the real app, against a
real OpenID provider on a localhost port (`support.oidc_provider`: discovery, JWKS, a code
flow with PKCE, RS256 ID tokens), on SQLite and PostgreSQL: nothing of Authlib is mocked.

A coordinator by the "roles" claim (an account made for them, a changed role followed), a
moderator by their staff account (email matched without case), refusals with a kind page
and an audit entry (no role, account turned off, no checked email, a wrong state, nonce,
audience, issuer or signature, an expired token, someone who pressed Cancel, a sign-in
started in another browser), limits per network address, an issuer that cannot be reached;
password sign-in beside it; and with OIDC_* unset, no button and /staff/oidc/* are 404.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from sqlalchemy import update
from test_console_http import Browser, Console, console, text_of

from bot.config import Settings
from bot.core.content import library
from bot.staff import accounts, limits
from bot.staff.models import StaffAccount, StaffSession
from support.net import free_port
from support.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider, running_provider

EN = library().for_language("en")
BUTTON = "Sign in with your organisation account"
COORDINATOR = "MoveMates.Coordinator"
MODERATOR = "MoveMates.Moderator"


def words(key: str) -> str:
    """A text as `text_of` reads it: spaces collapsed."""
    return " ".join(EN.text(key).split())


def with_oidc(settings: Settings, issuer: str, *, claim: bool) -> Settings:
    roles = {"oidc_role_claim": "roles", "oidc_coordinator_values": f"{COORDINATOR}, Lead",
             "oidc_moderator_values": MODERATOR} if claim else {}
    return settings.model_copy(update={"oidc_issuer": issuer, "oidc_client_id": CLIENT_ID,
                                       "oidc_client_secret": CLIENT_SECRET, **roles})


@asynccontextmanager
async def site_with(settings: Settings, *, claim: bool
                    ) -> AsyncIterator[tuple[Console, OidcProvider]]:
    with running_provider() as provider:
        async with console(with_oidc(settings, provider.issuer, claim=claim)) as site:
            yield site, provider


async def through_the_provider(site: Console, browser: Browser,
                               edit_callback: Any = None, *, login: str = "/staff/oidc/login"
                               ) -> httpx.Response:
    """The whole dance: our redirect, the organisation's page (which sends the browser
    straight back), our callback. Returns the callback's answer."""
    start = await browser.client.get(login)
    assert start.status_code == 302, text_of(start)
    async with httpx.AsyncClient() as at_the_organisation:  # real HTTP to the provider
        answer = await at_the_organisation.get(start.headers["location"])
    assert answer.status_code == 302, answer.text
    back = answer.headers["location"]
    assert back.startswith(f"{site.base_url}/staff/oidc/callback?"), back
    path = back.removeprefix(site.base_url)
    if edit_callback is not None:
        path = edit_callback(path)
    return await browser.get(path)


async def staff_rows(site: Console) -> list[dict[str, Any]]:
    return await site.world.rows(StaffAccount)


async def add_account(site: Console, email: str, role: str, *, disabled: bool = False
                      ) -> None:
    now = site.clock.now()

    def add(connection: Any) -> None:
        account = accounts.add(connection, email, "Sam Jones", role, now)
        if disabled:
            accounts.disable(connection, account.id, now)

    await site.world.db(add)


def assert_signed_in_cookie(response: httpx.Response) -> None:
    cookies = response.headers.get_list("set-cookie")
    session = [c for c in cookies if c.startswith("mm_staff=")]
    assert session and "HttpOnly" in session[0] and "SameSite=lax" in session[0], cookies
    # The flow cookie is gone once used.
    assert any(c.startswith("mm_oidc=") and "Max-Age=0" in c for c in cookies), cookies


async def test_a_coordinator_by_the_roles_claim(settings: Settings) -> None:
    async with site_with(settings, claim=True) as (site, provider), site.browser() as sam:
        page = await sam.get("/staff/sign-in")
        assert BUTTON in text_of(page)
        assert 'href="/staff/oidc/login"' in page.text
        provider.person = {"email": "Sam.Jones@Trust.NHS.uk", "email_verified": True,
                           "name": "Sam  Jones", "roles": ["Someone.Else", COORDINATOR]}
        done = await through_the_provider(site, sam)
        assert (done.status_code, done.headers["location"]) == (303, "/staff/"), \
            text_of(done)
        assert_signed_in_cookie(done)

        # What the console asked for: state, nonce, PKCE (S256), openid, our callback.
        [asked] = provider.authorize_requests
        assert asked["client_id"] == CLIENT_ID and asked["response_type"] == "code"
        assert set(asked["scope"].split()) == {"openid", "email", "profile"}
        assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) >= 43
        assert len(asked["state"]) >= 20 and len(asked["nonce"]) >= 20
        assert asked["redirect_uri"] == "http://127.0.0.1:8000/staff/oidc/callback"
        assert provider.token_refusals == []
        assert len(provider.token_requests[0]["code_verifier"]) >= 43

        inbox = await sam.get("/staff/")
        assert inbox.status_code == 200 and "Sam Jones" in text_of(inbox)
        assert (await sam.get("/staff/staff")).status_code == 200  # a coordinator's page
        [account] = await staff_rows(site)
        assert (account["email"], account["role"], account["display_name"]) == \
            ("sam.jones@trust.nhs.uk", "coordinator", "Sam Jones")
        assert account["last_sign_in_at"] is not None
        # The same server-side session as a password sign-in: sign-out ends it.
        assert len(await site.world.rows(StaffSession)) == 1
        out = await sam.post("/staff/sign-out")
        assert out.headers["location"] == "/staff/sign-in?why=signed_out"
        assert await site.world.rows(StaffSession) == []

        # Next time the organisation says moderator: the role follows, in the audit log
        # (another coordinator is there: the last one is kept, as a test below shows).
        await add_account(site, "lee.chan@trust.nhs.uk", "coordinator")
        provider.person["roles"] = MODERATOR
        again = await through_the_provider(site, sam)
        assert again.headers["location"] == "/staff/"
        assert (await sam.get("/staff/staff")).status_code == 403
        [account] = [row for row in await staff_rows(site) if row["id"] == 1]
        assert account["role"] == "moderator"
        trail = [(r["action"], r["detail"], r["actor_staff_id"]) for r in await site.audit()]
        assert trail == [
            ("staff_added", "organisation account", 1),
            ("staff_signed_in", "with organisation account", 1),
            ("staff_signed_out", None, 1),
            ("staff_role_changed", "coordinator to moderator, by organisation account", 1),
            ("staff_signed_in", "with organisation account", 1)]
        audit_page = await sam.get("/staff/audit")
        assert audit_page.status_code == 403  # a moderator now


async def test_the_last_coordinator_stays_one(settings: Settings) -> None:
    """The claim now says moderator, but nobody else is a coordinator: they stay one (the
    rule local accounts follow too, `accounts.is_last_coordinator`), in the audit log each
    time, and their account page says why and what to do. Once someone else is a
    coordinator, the claim is followed."""
    async with site_with(settings, claim=True) as (site, provider), \
            site.browser() as sam, site.browser() as lee:
        provider.person = {"email": "sam@trust.nhs.uk", "email_verified": True,
                           "name": "Sam Jones", "roles": [COORDINATOR]}
        await through_the_provider(site, sam)
        await sam.get("/staff/")
        await sam.post("/staff/sign-out")
        # A coordinator whose account is turned off does not count.
        await add_account(site, "old@trust.nhs.uk", "coordinator", disabled=True)

        provider.person["roles"] = [MODERATOR]
        for _ in range(2):
            kept = await through_the_provider(
                site, sam, login="/staff/oidc/login?next=/staff/cases")
            assert kept.headers["location"] == "/staff/account?done=kept_coordinator", \
                text_of(kept)
            page = text_of(await sam.get(kept.headers["location"]))
            for part in ("title", "body", "next"):
                assert words(f"console_organisation.kept_coordinator.{part}") in page
            assert (await sam.get("/staff/staff")).status_code == 200
            await sam.post("/staff/sign-out")
        [sam_row] = [row for row in await staff_rows(site) if row["id"] == 1]
        assert sam_row["role"] == "coordinator"
        trail = [(r["action"], r["detail"]) for r in await site.audit()
                 if r["action"].startswith("staff_role")]
        assert trail == [("staff_role_kept",
                          "coordinator, the last one; organisation account says moderator")] * 2

        # The notice is for that moment only, and only for a coordinator.
        await through_the_provider(site, sam)  # kept again
        plain = text_of(await sam.get("/staff/account"))
        assert words("console_organisation.kept_coordinator.title") not in plain
        audit_page = text_of(await sam.get("/staff/audit"))
        assert words("console.audit.actions.staff_role_kept") in audit_page
        await sam.post("/staff/sign-out")

        # Someone else is given the coordinator role and signs in: now the claim is followed.
        provider.person = {"email": "lee@trust.nhs.uk", "email_verified": True,
                           "name": "Lee Chan", "roles": [COORDINATOR]}
        assert (await through_the_provider(site, lee)).headers["location"] == "/staff/"
        provider.person = {"email": "sam@trust.nhs.uk", "email_verified": True,
                           "name": "Sam Jones", "roles": [MODERATOR]}
        demoted = await through_the_provider(site, sam)
        assert demoted.headers["location"] == "/staff/"
        assert (await sam.get("/staff/staff")).status_code == 403
        [sam_row] = [row for row in await staff_rows(site) if row["id"] == 1]
        assert sam_row["role"] == "moderator"
        assert [r["detail"] for r in await site.audit()
                if r["action"] == "staff_role_changed"] == \
            ["coordinator to moderator, by organisation account"]
        # Even a moderator sent to the notice's address is not told they are a coordinator.
        page = text_of(await sam.get("/staff/account?done=kept_coordinator"))
        assert words("console_organisation.kept_coordinator.title") not in page


async def test_the_page_they_were_going_to_survives_the_round_trip(settings: Settings
                                                                     ) -> None:
    """A link followed while signed out (`?next=`) leads there after the organisation's
    page too; only a path of this console does, checked again on the way back."""
    async with site_with(settings, claim=False) as (site, provider), site.browser() as mo:
        await add_account(site, "mo.khan@council.gov.uk", "moderator")
        provider.person = {"email": "mo.khan@council.gov.uk", "email_verified": True}
        wanted = "/staff/cases?show=open"
        sent = await mo.client.get(wanted)
        assert sent.headers["location"] == "/staff/sign-in?next=/staff/cases%3Fshow%3Dopen"
        page = await mo.get(sent.headers["location"])
        assert 'href="/staff/oidc/login?next=/staff/cases%3Fshow%3Dopen"' in page.text, \
            page.text
        done = await through_the_provider(site, mo,
                                          login="/staff/oidc/login?next=/staff/cases%3Fshow%3Dopen")
        assert (done.status_code, done.headers["location"]) == (303, wanted), text_of(done)
        assert (await mo.get(wanted)).status_code == 200
        await mo.post("/staff/sign-out")

        # Another site, a protocol-relative address, a sign-in page: the inbox instead.
        for elsewhere in ("https://evil.example/staff/", "//evil.example/staff/x",
                          "/staff/%2F%2Fevil.example", "/staff/sign-in", "/elsewhere"):
            done = await through_the_provider(
                site, mo, login=f"/staff/oidc/login?{urlencode({'next': elsewhere})}")
            assert done.headers["location"] == "/staff/", (elsewhere, text_of(done))
            assert (await mo.get("/staff/")).status_code == 200
            await mo.post("/staff/sign-out")


async def test_a_moderator_by_their_staff_account(settings: Settings) -> None:
    async with site_with(settings, claim=False) as (site, provider), site.browser() as mo:
        await add_account(site, "mo.khan@council.gov.uk", "moderator")
        # Roles in the token mean nothing without OIDC_ROLE_CLAIM: the account decides.
        provider.person = {"email": "MO.KHAN@Council.gov.uk", "email_verified": "true",
                           "roles": [COORDINATOR]}
        done = await through_the_provider(site, mo)
        assert done.headers["location"] == "/staff/", text_of(done)
        assert (await mo.get("/staff/")).status_code == 200
        assert (await mo.get("/staff/staff")).status_code == 403
        [account] = await staff_rows(site)
        assert account["role"] == "moderator" and account["display_name"] == "Sam Jones"
        assert [(r["action"], r["actor_staff_id"]) for r in await site.audit()] == \
            [("staff_signed_in", 1)]


async def test_entra_ids_own_verified_email_claim_counts(settings: Settings) -> None:
    async with site_with(settings, claim=False) as (site, provider), site.browser() as mo:
        await add_account(site, "mo@council.gov.uk", "coordinator")
        provider.person = {"email": "mo@council.gov.uk", "xms_edov": True}
        done = await through_the_provider(site, mo)
        assert done.headers["location"] == "/staff/", text_of(done)


async def test_no_role_is_refused_kindly(settings: Settings) -> None:
    async with site_with(settings, claim=False) as (site, provider), site.browser() as ann:
        provider.person = {"email": "ann@trust.nhs.uk", "email_verified": True}
        refused = await through_the_provider(site, ann)
        assert refused.status_code == 403
        words = text_of(refused)
        assert "We could not sign you in" in words and "does not have a role" in words
        assert "Sign in with your email address and password" in words
        assert "mm_staff" not in ann.client.cookies
        assert (await ann.get("/staff/")).headers["location"] == "/staff/sign-in"
        assert await staff_rows(site) == []  # nobody made an account
        [entry] = await site.audit()
        assert (entry["action"], entry["detail"], entry["actor_staff_id"]) == \
            ("staff_sign_in_refused", "organisation account: no role", None)


async def test_a_claim_with_no_known_role_is_refused(settings: Settings) -> None:
    async with site_with(settings, claim=True) as (site, provider), site.browser() as ann:
        await add_account(site, "ann@trust.nhs.uk", "coordinator")
        provider.person = {"email": "ann@trust.nhs.uk", "email_verified": True,
                           "roles": ["Pharmacy.Reader"]}
        refused = await through_the_provider(site, ann)
        assert refused.status_code == 403 and "does not have a role" in text_of(refused)
        [entry] = await site.audit()
        assert (entry["action"], entry["actor_staff_id"]) == ("staff_sign_in_refused", 1)
        assert await site.world.rows(StaffSession) == []


@pytest.mark.parametrize("claim", [False, True], ids=["by_account", "by_claim"])
async def test_an_account_turned_off_is_refused(settings: Settings, claim: bool) -> None:
    async with site_with(settings, claim=claim) as (site, provider), site.browser() as sam:
        await add_account(site, "sam@trust.nhs.uk", "moderator", disabled=True)
        provider.person = {"email": "sam@trust.nhs.uk", "email_verified": True,
                           "roles": [COORDINATOR]}
        refused = await through_the_provider(site, sam)
        assert refused.status_code == 403
        assert "account is turned off" in text_of(refused)
        [account] = await staff_rows(site)
        assert account["role"] == "moderator"  # not changed by the claim either
        assert [(r["action"], r["detail"]) for r in await site.audit()] == \
            [("staff_sign_in_refused", "organisation account: disabled")]
        assert await site.world.rows(StaffSession) == []


async def test_an_unchecked_email_is_refused(settings: Settings) -> None:
    async with site_with(settings, claim=True) as (site, provider), site.browser() as eve:
        for person in ({"email": "eve@trust.nhs.uk", "email_verified": False},
                       {"email": "eve@trust.nhs.uk"},
                       {"preferred_username": "eve@trust.nhs.uk", "email_verified": True},
                       {"email": "not an address", "email_verified": True}):
            provider.person = {**person, "roles": [COORDINATOR]}
            refused = await through_the_provider(site, eve)
            assert refused.status_code == 403, person
            assert "checked email address" in text_of(refused)
        assert await staff_rows(site) == []
        assert {r["detail"] for r in await site.audit()} == {"organisation account: no email"}


async def test_a_wrong_or_late_id_token_is_refused(settings: Settings) -> None:
    """Each check of the ID token, one at a time: nobody gets in, and each is audited."""
    now = int(time.time())
    cases: dict[str, dict[str, Any]] = {
        "someone else's nonce": {"tamper": {"nonce": "a-nonce-we-never-sent"}},
        "no nonce": {"tamper": {"nonce": None}},
        "another client's token": {"tamper": {"aud": "another-client"}},
        "another client's, naming us as azp": {"tamper": {"aud": "another-client",
                                                          "azp": CLIENT_ID}},
        "another issuer": {"tamper": {"iss": "https://login.example.com/other/v2.0"}},
        "expired ten minutes ago": {"tamper": {"exp": now - 600, "iat": now - 1200}},
        "no expiry": {"tamper": {"exp": None}},
        "signed by another key": {"forge": True},
    }
    async with site_with(settings, claim=False) as (site, provider), site.browser() as sam:
        await add_account(site, "sam@trust.nhs.uk", "coordinator")
        provider.person = {"email": "sam@trust.nhs.uk", "email_verified": True}
        for name, case in cases.items():
            provider.tamper, provider.forge = case.get("tamper", {}), case.get("forge", False)
            refused = await through_the_provider(site, sam)
            assert refused.status_code == 400, name
            assert "did not finish" in text_of(refused), name
            assert "mm_staff" not in sam.client.cookies, name
        assert await site.world.rows(StaffSession) == []
        trail = await site.audit()
        assert len(trail) == len(cases)
        assert all(r["action"] == "staff_sign_in_refused" and r["actor_staff_id"] is None
                   and r["detail"].startswith("organisation account: ") for r in trail)
        # The same provider, untampered, lets them in: the refusals were the checks.
        provider.tamper, provider.forge = {}, False
        assert (await through_the_provider(site, sam)).headers["location"] == "/staff/"


async def test_a_wrong_state_or_another_browser_is_refused(settings: Settings) -> None:
    async with site_with(settings, claim=False) as (site, provider), site.browser() as sam:
        await add_account(site, "sam@trust.nhs.uk", "coordinator")
        provider.person = {"email": "sam@trust.nhs.uk", "email_verified": True}

        def other_state(path: str) -> str:
            query = parse_qs(urlsplit(path).query)
            return f"/staff/oidc/callback?code={query['code'][0]}&state=not-the-state"

        wrong = await through_the_provider(site, sam, other_state)
        assert wrong.status_code == 400 and "did not finish" in text_of(wrong)
        assert provider.token_requests == []  # refused before the code was used

        # A callback from someone else's sign-in (login forgery): this browser started
        # none, so the code is never swapped and nobody is signed in here.
        start = await sam.client.get("/staff/oidc/login")
        async with httpx.AsyncClient() as at_the_organisation:
            back = (await at_the_organisation.get(start.headers["location"])
                    ).headers["location"].removeprefix(site.base_url)
        async with site.browser() as victim:
            forged = await victim.get(back)
            assert forged.status_code == 400 and "mm_staff" not in victim.client.cookies

        # A flow cookie someone edited is not ours.
        [real] = [c for c in sam.client.cookies.jar if c.name == "mm_oidc"]
        sam.client.cookies.set("mm_oidc", real.value[:-4] + "0000", domain=real.domain)
        assert (await sam.get(back)).status_code == 400
        # Replaying a finished callback: its state and its code are used up.
        used: list[str] = []
        done = await through_the_provider(site, sam, lambda path: used.append(path) or path)
        assert done.headers["location"] == "/staff/"
        again = await sam.get(used[0])
        assert again.status_code == 400
        refusals = [r for r in await site.audit() if r["action"] == "staff_sign_in_refused"]
        assert len(refusals) == 4


async def test_someone_who_presses_cancel_gets_a_kind_page(settings: Settings) -> None:
    async with site_with(settings, claim=False) as (site, provider), site.browser() as sam:
        provider.deny = True
        refused = await through_the_provider(site, sam)
        assert refused.status_code == 400 and "Please try again" in text_of(refused)
        assert 'href="/staff/oidc/login"' in refused.text
        [entry] = await site.audit()
        assert entry["detail"] == "organisation account: OAuthError: access_denied"


async def test_organisation_sign_in_is_limited_per_network_address(settings: Settings
                                                                   ) -> None:
    async with site_with(settings, claim=False) as (site, provider), site.browser() as sam:
        await add_account(site, "sam@trust.nhs.uk", "coordinator")
        for _ in range(limits.PER_ADDRESS):
            assert (await sam.get("/staff/oidc/callback?code=x&state=y")).status_code == 400
        provider.person = {"email": "sam@trust.nhs.uk", "email_verified": True}
        limited = await through_the_provider(site, sam)
        assert limited.status_code == 429 and "too many tries" in text_of(limited)
        # Not a guess at a password: Sam's password sign-in is not locked by it.
        [account] = await staff_rows(site)
        assert account["locked_until"] is None and account["failed_sign_ins"] == 0


async def test_an_issuer_that_cannot_be_reached_or_lies(settings: Settings) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/tenant/v2.0"
    async with console(with_oidc(settings, nowhere, claim=False)) as site, \
            site.browser() as sam:
        page = await sam.get("/staff/oidc/login")
        assert page.status_code == 503 and "not working right now" in text_of(page)
        assert "Sign in with your email address and password" in text_of(page)
    with running_provider() as provider:
        provider.discovery_issuer = "https://login.example.com/someone-else/v2.0"
        async with console(with_oidc(settings, provider.issuer, claim=False)) as site, \
                site.browser() as sam:
            assert (await sam.get("/staff/oidc/login")).status_code == 503
            assert provider.authorize_requests == []


async def test_password_sign_in_works_beside_it(settings: Settings) -> None:
    async with site_with(settings, claim=True) as (site, _provider), site.browser() as sam:
        await site.staff(sam, "sam@example.org")  # set up, then signed in with a password
        assert (await sam.get("/staff/account")).status_code == 200
        # Signed in already: the organisation's button just goes home.
        assert (await sam.client.get("/staff/oidc/login")).headers["location"] == "/staff/"


async def test_without_oidc_settings_there_is_no_button_and_no_routes(settings: Settings
                                                                      ) -> None:
    async with console(settings) as site, site.browser() as sam:
        page = await sam.get("/staff/sign-in")
        assert page.status_code == 200 and BUTTON not in text_of(page)
        assert "/oidc/" not in page.text
        for path in ("/staff/oidc/login", "/staff/oidc/callback?code=x&state=y"):
            assert (await sam.get(path)).status_code == 404, path
    partial = settings.model_copy(update={"oidc_issuer": "https://login.example.com/t/v2.0",
                                          "oidc_client_id": CLIENT_ID})
    assert not partial.oidc_enabled  # all three, or none


async def test_a_sign_in_left_too_long_is_refused(settings: Settings) -> None:
    """The flow cookie lasts 10 minutes, checked on the server too (its own clock)."""
    import bot.console.organisation as organisation

    async with site_with(settings, claim=False) as (site, provider), site.browser() as sam:
        await add_account(site, "sam@trust.nhs.uk", "coordinator")
        provider.person = {"email": "sam@trust.nhs.uk", "email_verified": True}
        real = organisation.time.time
        try:
            start = await sam.client.get("/staff/oidc/login")
            organisation.time.time = lambda: real() + 601  # type: ignore[assignment]
            async with httpx.AsyncClient() as at_the_organisation:
                back = (await at_the_organisation.get(start.headers["location"])
                        ).headers["location"].removeprefix(site.base_url)
            late = await sam.get(back)
        finally:
            organisation.time.time = real  # type: ignore[assignment]
        assert late.status_code == 400 and provider.token_requests == []


async def test_the_session_is_the_local_one(settings: Settings) -> None:
    """Idle expiry and turning an account off end an organisation sign-in as any other."""
    from datetime import timedelta

    async with site_with(settings, claim=False) as (site, provider), site.browser() as sam:
        await add_account(site, "sam@trust.nhs.uk", "coordinator")
        provider.person = {"email": "sam@trust.nhs.uk", "email_verified": True}
        await through_the_provider(site, sam)
        site.clock.advance(timedelta(minutes=31))
        assert (await sam.get("/staff/")).headers["location"] == "/staff/sign-in?why=ended"
        await through_the_provider(site, sam)
        assert (await sam.get("/staff/")).status_code == 200
        await site.world.db(lambda c: c.execute(update(StaffAccount).values(
            disabled_at=site.clock.now())))
        assert (await sam.get("/staff/")).headers["location"] == "/staff/sign-in?why=ended"
