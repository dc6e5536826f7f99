"""Signing in and out, and setting an account up.

Sign-in is email and password, then a code when the account has a second step. Limits per
email and per network address come first (`bot.staff.limits`), then the account's own
lock. The answers never say whether an address has an account, except to someone who
knows its password.

Where they were going when they were sent here (a link to an alert, followed while signed
out) travels with the sign-in and its second step, checked each time (`going`), and is
where they land once signed in.

Set-up: a one-time link from `movemates staff add` (or `staff link`) opens a page to choose
a password; then, in a short set-up session that can do nothing else, they may add a
second step (an authenticator app, confirmed with a code), and go on to sign in. Setting
up never signs anyone in by itself, so a reset link cannot get round a second step.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console import going, security
from bot.console.shared import Console, redirect, signed_in
from bot.safety import alerts
from bot.staff import accounts, audit, credentials, limits, sessions
from bot.staff.accounts import SignIn, StaffError
from bot.staff.sessions import Session

SIGN_IN_WHY = ("ended", sessions.TURNED_OFF, "signed_out", "ready", "ready_two_step")
WARNINGS = ("ended", sessions.TURNED_OFF)  # the rest are good news
MAX_EMAIL = 254


def routes(console: Console) -> list[Route]:
    pages = console.pages

    def landing(then: str | None) -> Response:
        """Signed in: where they were going, else the inbox."""
        return redirect(going.inside(then) if then else "/")

    async def sign_in_page(request: Request) -> Response:
        session = await console.session(request)
        then = going.safe(request.query_params.get(going.FIELD))
        if session is not None and session.signed_in:
            return landing(then)
        why = request.query_params.get("why")
        return await console.anonymous_form(
            request, "sign_in.html", banner=f"console.sign_in.{why}"
            if why in SIGN_IN_WHY else None, warning=why in WARNINGS, email="", then=then)

    async def sign_in(request: Request) -> Response:
        form = await console.form(request)
        if not await console.anonymous_form_ok(request, form):
            return console.refused()
        email = str(form.get("email", "")).strip()[:MAX_EMAIL]
        password = str(form.get("password", ""))
        then = going.safe(form.get(going.FIELD))
        errors = {}
        if not email:
            errors["email"] = "console.sign_in.need_email"
        if not password:
            errors["password"] = "console.sign_in.need_password"
        if errors:
            return await console.anonymous_form(request, "sign_in.html", 400, errors=errors,
                                                email=email, then=then)
        key, address, now = await console.key(), security.client_address(request), \
            console.clock.now()

        def check(connection: Connection) -> tuple[SignIn | None, str | None]:
            if not limits.allowed(connection, key, email, address, now):
                return None, None
            outcome = accounts.check_password(connection, email, password, now)
            limits.record(connection, key, email, address, now,
                          succeeded=outcome.status in ("ok", "second_step"))
            account = outcome.account
            if outcome.status in ("ok", "second_step") and account is not None:
                sessions.tidy(connection, now)
                stage = sessions.SIGNED_IN if outcome.status == "ok" else sessions.SECOND_STEP
                token = sessions.start(connection, account.id, stage, now)
                if outcome.status == "ok":
                    audit.record(connection, now, account.id, "staff_signed_in")
                return outcome, token
            # Who tried is known only for an address with an account; the words they typed
            # for an address without one are kept nowhere (it may be a mistyped password).
            audit.record(connection, now, account.id if account else None,
                         "staff_sign_in_refused", detail=outcome.status)
            return outcome, None

        outcome, token = await console.run(check)
        if outcome is None:
            return await console.anonymous_form(
                request, "sign_in.html", 429, email=email, then=then,
                errors={"email": "console.sign_in.too_many"})
        if token is None:
            field = "email" if outcome.status in ("locked", "disabled") else "password"
            reason = {"locked": "too_many", "disabled": "disabled"}.get(outcome.status, "wrong")
            return await console.anonymous_form(
                request, "sign_in.html", 400 if reason == "wrong" else 403, email=email,
                then=then, errors={field: f"console.sign_in.{reason}"})
        response = landing(then) if outcome.status == "ok" else \
            redirect(f"/sign-in/code{going.query(then)}")
        console.cookies.set(response, console.cookies.session, token)
        return response

    async def code_page(request: Request) -> Response:
        session = await console.session(request)
        then = going.safe(request.query_params.get(going.FIELD))
        if session is None or session.stage != sessions.SECOND_STEP:
            return redirect(f"/sign-in{going.query(then)}")
        return pages.render("second_step.html", session=session, csrf=session.csrf_token,
                            then=then)

    async def code(request: Request) -> Response:
        session = await console.session(request)
        if session is None or session.stage != sessions.SECOND_STEP:
            return console.signed_out(request, "ended")
        form = await console.form(request)
        if not security.session_token_ok(session.csrf_token, form.get(security.FIELD)):
            return console.refused(session)
        then = going.safe(form.get(going.FIELD))
        sent = str(form.get("code", ""))[:20]
        if not sent.strip():
            return pages.render("second_step.html", 400, session=session,
                                csrf=session.csrf_token, then=then,
                                errors={"code": "console.second_step.need_code"})
        key, address, now = await console.key(), security.client_address(request), \
            console.clock.now()
        email = session.account.email

        def check(connection: Connection) -> tuple[str, str | None]:
            if not limits.allowed(connection, key, email, address, now):
                return "too_many", None
            outcome = accounts.check_code(connection, session.account.id, sent, now)
            limits.record(connection, key, email, address, now,
                          succeeded=outcome.status == "ok")
            if outcome.status != "ok":
                audit.record(connection, now, session.account.id, "staff_sign_in_refused",
                             detail=f"code {outcome.status}")
                if outcome.status not in ("wrong", "used"):
                    sessions.end(connection, session.id)
                return outcome.status, None
            audit.record(connection, now, session.account.id, "staff_signed_in",
                         detail="with a code")
            return "ok", sessions.promote(connection, session, now)

        status, token = await console.run(check)
        if token is not None:
            response = landing(then)
            console.cookies.set(response, console.cookies.session, token)
            return response
        if status in ("wrong", "used"):  # used: the same code again, within its 30 seconds
            return pages.render("second_step.html", 400, session=session,
                                csrf=session.csrf_token, then=then,
                                errors={"code": f"console.second_step.{status}"})
        reason = "disabled" if status == "disabled" else "too_many"
        response = await console.anonymous_form(
            request, "sign_in.html", 403, email=email, then=then,
            errors={"email": f"console.sign_in.{reason}"})
        console.cookies.clear(response, console.cookies.session)
        return response

    async def sign_out(request: Request) -> Response:
        session = await console.session(request)
        if session is None:
            return console.signed_out(request, "signed_out")
        form = await console.form(request)
        if not security.session_token_ok(session.csrf_token, form.get(security.FIELD)):
            return console.refused(session)
        now = console.clock.now()

        def end(connection: Connection) -> None:
            sessions.end(connection, session.id)
            if session.signed_in:
                audit.record(connection, now, session.account.id, "staff_signed_out")

        await console.run(end)
        return console.signed_out(request, "signed_out")

    # -- set-up ---------------------------------------------------------------------------
    async def setup_page(request: Request) -> Response:
        token = request.path_params["token"]
        now = console.clock.now()
        account = await console.run(lambda c: accounts.link_account(c, token, now))
        if account is None:
            return pages.render("link_gone.html", 404)
        return await console.anonymous_form(request, "setup.html", account=account,
                                            token=token)

    async def setup(request: Request) -> Response:
        token = request.path_params["token"]
        form = await console.form(request)
        if not await console.anonymous_form_ok(request, form):
            return console.refused()
        password, confirm = str(form.get("password", "")), str(form.get("confirm", ""))
        now = console.clock.now()
        key = await console.key()

        def save(connection: Connection) -> tuple[accounts.Account | None, str | None,
                                                   str | None]:
            try:
                account = accounts.complete_setup(connection, token, password, confirm, now)
            except StaffError as error:
                return accounts.link_account(connection, token, now), error.reason, None
            limits.clear(connection, key, account.email)
            audit.record(connection, now, account.id, "staff_password_set")
            if account.two_step:
                return account, None, None
            return account, None, sessions.start(connection, account.id, sessions.SETUP, now)

        account, problem, setup_token = await console.run(save)
        if account is None or problem == "link_gone":
            return pages.render("link_gone.html", 404)
        if problem is not None:
            field = "confirm" if problem == "no_match" else "password"
            return await console.anonymous_form(
                request, "setup.html", 400, account=account, token=token,
                errors={field: f"console.setup.{problem}"})
        if setup_token is None:  # a reset that kept their second step: sign in with it
            return redirect("/sign-in?why=ready")
        response = redirect("/two-step")
        console.cookies.set(response, console.cookies.session, setup_token)
        return response

    # -- the second step ------------------------------------------------------------------
    async def enrolling(request: Request) -> Session | None:
        session = await console.session(request)
        if session is None or session.stage not in (sessions.SETUP, sessions.SIGNED_IN):
            return None
        return session

    async def two_step_page(request: Request) -> Response:
        session = await enrolling(request)
        if session is None:
            return redirect("/sign-in")
        if session.account.two_step:
            return redirect("/account")
        secret = session.pending_totp_secret
        if secret is None:
            secret = credentials.new_totp_secret()
            await console.run(lambda c: sessions.set_pending_totp(c, session.id, secret))
        return _two_step(session, secret, 200, {})

    def _two_step(session: Session, secret: str, status: int, errors: dict[str, str]
                  ) -> Response:
        return pages.render("two_step.html", status, session=session, csrf=session.csrf_token,
                            errors=errors, key=credentials.spaced(secret),
                            uri=credentials.provisioning_uri(secret, session.account.email),
                            setting_up=session.stage == sessions.SETUP,
                            current="account")

    async def qr(request: Request) -> Response:
        session = await enrolling(request)
        if session is None or session.pending_totp_secret is None:
            return console.not_found(None)
        uri = credentials.provisioning_uri(session.pending_totp_secret, session.account.email)
        return Response(credentials.qr_svg(uri), media_type="image/svg+xml")

    async def two_step(request: Request) -> Response:
        session = await enrolling(request)
        if session is None:
            return console.signed_out(request, "ended")
        form = await console.form(request)
        if not security.session_token_ok(session.csrf_token, form.get(security.FIELD)):
            return console.refused(session)
        now = console.clock.now()
        if form.get("skip"):
            return await _finish(request, session, now, added=False)
        secret = session.pending_totp_secret
        sent = str(form.get("code", ""))[:20]
        if secret is None:
            return redirect("/two-step")
        if not sent.strip():
            return _two_step(session, secret, 400, {"code": "console.two_step.need_code"})
        added = await console.run(lambda c: accounts.add_two_step(
            c, session.account.id, secret, sent, now))
        if not added:
            return _two_step(session, secret, 400, {"code": "console.two_step.wrong"})
        return await _finish(request, session, now, added=True)

    async def _finish(request: Request, session: Session, now: datetime, *, added: bool
                      ) -> Response:
        def done(connection: Connection) -> None:
            if added:
                audit.record(connection, now, session.account.id, "staff_two_step_added")
                sessions.set_pending_totp(connection, session.id, None)
            if session.stage == sessions.SETUP:
                sessions.end(connection, session.id)

        await console.run(done)
        if session.stage == sessions.SETUP:
            response = redirect(f"/sign-in?why={'ready_two_step' if added else 'ready'}")
            console.cookies.clear(response, console.cookies.session)
            return response
        return redirect("/account?done=two_step" if added else "/")

    @signed_in(console)
    async def account_page(request: Request, session: Session) -> Response:
        """Their account; who hears of new safety alerts by text now, and how to be one
        of them (a staff account is not a volunteer, so it cannot go on duty itself)."""
        done = request.query_params.get("done")
        return pages.render("account.html", session=session, csrf=session.csrf_token,
                            current="account", duty=await console.run(alerts.duty_now),
                            banner="console.two_step.done" if done == "two_step" else None,
                            kept_coordinator=done == "kept_coordinator"
                            and session.account.coordinator)

    return [Route("/sign-in", sign_in_page, methods=["GET"]),
            Route("/sign-in", sign_in, methods=["POST"]),
            Route("/sign-in/code", code_page, methods=["GET"]),
            Route("/sign-in/code", code, methods=["POST"]),
            Route("/sign-out", sign_out, methods=["POST"]),
            Route("/setup/{token}", setup_page, methods=["GET"]),
            Route("/setup/{token}", setup, methods=["POST"]),
            Route("/two-step", two_step_page, methods=["GET"]),
            Route("/two-step", two_step, methods=["POST"]),
            Route("/two-step/qr.svg", qr, methods=["GET"]),
            Route("/account", account_page, methods=["GET"])]
