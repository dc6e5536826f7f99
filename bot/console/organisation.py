"""Signing in with an organisation account: OpenID Connect's code flow (Authlib's Starlette
client) against the issuer in OIDC_ISSUER, such as Microsoft Entra ID or NHSmail. Only when
OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set; otherwise /staff/oidc/* are
404 and the sign-in page shows no button.

`GET /staff/oidc/login` sends the browser to the issuer with a fresh `state`, `nonce` and
PKCE challenge (S256). What must come back with it (the state, nonce, PKCE verifier and
redirect address, as Authlib keeps them) is held in a short-lived flow cookie, HttpOnly and
SameSite=Lax, signed with the console's key: only the browser that started a sign-in can
finish it, and any worker can. `GET /staff/oidc/callback` checks the state, swaps the code
(with the verifier) for tokens, and checks the ID token: signed by a key in the issuer's
JWKS (from its discovery document), `iss` is the configured issuer, `aud` is our client,
the nonce is ours, not expired. Then `bot.staff.organisation` decides who this is and which
role they have, and starts the same session a password sign-in does.

Where they were going (`?next=`, checked by `going.safe`) rides in the same signed flow
cookie, is checked again when it comes back, and is where they land: a link to an alert
followed while signed out still leads there after the organisation's page.

Every refusal is a kind page (400, 403, 429 or 503, never a 500) and in the audit log.
Attempts are limited per network address like password sign-ins (`bot.staff.limits`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import time
import warnings
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.errors import AuthlibBaseError
from joserfc.errors import JoseError
from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.config import Settings
from bot.console import going, security
from bot.console.pages import PREFIX
from bot.console.shared import Console, redirect
from bot.staff import limits, organisation
from bot.staff.organisation import Outcome, RoleSource

with warnings.catch_warnings():
    # Authlib 1.9 warns, on import, that it will move from httpx to httpx2; either works.
    # (Its own module asks for that warning "always", so it is turned off after it.)
    import authlib.deprecate

    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.integrations.starlette_client import OAuth

try:  # what Authlib talks HTTP with when it is installed (else httpx)
    import httpx2

    HTTP_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, httpx2.HTTPError)
except ImportError:
    HTTP_ERRORS = (httpx.HTTPError,)

log = logging.getLogger(__name__)

NAME = "organisation"
SCOPE = "openid email profile"
CALLBACK = "/oidc/callback"
# Long enough to type a password and approve a phone prompt at the organisation's page.
FLOW_LASTS = 600  # seconds
# Pages (content: console_organisation.refused.<reason>) and their status codes.
STATUS = {"no_email": 403, "no_role": 403, "disabled": 403, "failed": 400, "too_many": 429,
          "unavailable": 503}
HTTP_TIMEOUT = 10.0
# Where they were going, kept beside Authlib's own values in the flow cookie (Authlib's
# keys all start with "_state_", so this one is never taken for one of them).
NEXT = "movemates_next"


@dataclass(frozen=True)
class OidcConfig:
    """The organisation's issuer and this service's client there."""

    issuer: str
    client_id: str
    client_secret: str
    roles: RoleSource

    @classmethod
    def from_settings(cls, settings: Settings | None) -> OidcConfig | None:
        if settings is None or not settings.oidc_enabled:
            return None
        return cls(str(settings.oidc_issuer).strip(), str(settings.oidc_client_id).strip(),
                   str(settings.oidc_client_secret),
                   RoleSource.from_settings(settings.oidc_role_claim,
                                            settings.oidc_coordinator_values,
                                            settings.oidc_moderator_values))

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"


class Unavailable(Exception):
    """The issuer cannot be reached, or its discovery document is not for this issuer."""


class FlowCookie:
    """What Authlib keeps between the redirect and the callback, in a signed cookie that
    lasts FLOW_LASTS seconds. Signed, not encrypted: it holds nothing the browser that
    started the sign-in may not see (the PKCE verifier protects against a code taken on
    the way, not from this browser)."""

    def __init__(self, https: bool) -> None:
        self.https = https
        self.name = f"{'__Host-' if https else ''}mm_oidc"

    @staticmethod
    def _mac(key: bytes, payload: str) -> str:
        return hmac.new(key, f"oidc\x00{payload}".encode(), hashlib.sha256).hexdigest()

    def write(self, response: Response, key: bytes, data: dict[str, Any], now: float
              ) -> None:
        payload = base64.urlsafe_b64encode(json.dumps(
            {"at": int(now), "data": data}, separators=(",", ":")).encode()).decode()
        response.set_cookie(self.name, f"{payload}.{self._mac(key, payload)}",
                            max_age=FLOW_LASTS, path="/", secure=self.https, httponly=True,
                            samesite="lax")

    def read(self, request: Request, key: bytes, now: float) -> dict[str, Any] | None:
        """The data, if the cookie is ours, unchanged and young enough; else None."""
        raw = request.cookies.get(self.name, "")
        payload, _, mac = raw.partition(".")
        if not payload or len(raw) > 4096 or not hmac.compare_digest(
                self._mac(key, payload).encode(), mac.encode("utf-8", "replace")):
            return None
        try:
            stored = json.loads(base64.urlsafe_b64decode(payload.encode()))
        except (ValueError, binascii.Error):
            return None
        if not isinstance(stored, dict) or not isinstance(stored.get("data"), dict):
            return None
        at = stored.get("at")
        if not isinstance(at, int) or not 0 <= now - at <= FLOW_LASTS:
            return None
        return stored["data"]

    def clear(self, response: Response) -> None:
        response.delete_cookie(self.name, path="/", secure=self.https, httponly=True,
                               samesite="lax")


class OrganisationSignIn:
    """Authlib's client for the issuer: discovery, the redirect, the code swap and the ID
    token's checks."""

    def __init__(self, config: OidcConfig, base_url: str) -> None:
        self.config = config
        self.redirect_uri = f"{base_url.rstrip('/')}{PREFIX}{CALLBACK}"
        self.oauth = OAuth()
        self.client: Any = self.oauth.register(
            NAME, client_id=config.client_id, client_secret=config.client_secret,
            server_metadata_url=config.discovery_url,
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256",
                           "timeout": HTTP_TIMEOUT})

    async def metadata(self) -> dict[str, Any]:
        """The discovery document (Authlib keeps it once loaded); its `issuer` must be the
        configured one (OpenID Connect Discovery 1.0, section 4.3)."""
        try:
            metadata: dict[str, Any] = await self.client.load_server_metadata()
        except (*HTTP_ERRORS, ValueError) as error:
            raise Unavailable(f"discovery: {error.__class__.__name__}") from error
        issuer = metadata.get("issuer")
        if not isinstance(issuer, str) or issuer.rstrip("/") != \
                self.config.issuer.rstrip("/"):
            self.client.server_metadata.pop("_loaded_at", None)  # look again next time
            raise Unavailable(f"discovery names another issuer: {issuer!r}")
        return metadata

    async def redirect(self, request: Request) -> tuple[Response, dict[str, Any]]:
        """The redirect to the issuer, and what to keep for the callback."""
        await self.metadata()
        request.scope["session"] = kept = {}
        response = await self.client.authorize_redirect(request, self.redirect_uri)
        return response, kept

    async def claims(self, request: Request, kept: dict[str, Any]) -> dict[str, Any]:
        """The callback: the checked claims of the ID token. Raises AuthlibBaseError or
        JoseError (a wrong state, nonce, audience, issuer, signature, an expired token, an
        error from the issuer), httpx.HTTPError, or ValueError (no ID token)."""
        metadata = await self.metadata()
        request.scope["session"] = dict(kept)
        # Fresh each time: Authlib takes the options apart as it reads them.
        options = {"iss": {"essential": True, "value": metadata["issuer"]},
                   "aud": {"essential": True, "values": [self.config.client_id]}}
        token = await self.client.authorize_access_token(request, claims_options=options)
        userinfo = token.get("userinfo")
        if not userinfo:  # no ID token, or the nonce was not ours to check
            raise ValueError("no ID token")
        return dict(userinfo)


def routes(console: Console, config: OidcConfig | None, base_url: str) -> list[Route]:
    """The two routes, when an issuer is configured (none otherwise: 404). The sign-in
    page's button shows when there are."""
    console.pages.env.globals["organisation_sign_in"] = config is not None
    if config is None:
        return []
    client = OrganisationSignIn(config, base_url)
    flow = FlowCookie(console.https)
    pages = console.pages

    def refused(reason: str) -> Response:
        response = pages.render("organisation_refused.html", STATUS[reason], reason=reason)
        flow.clear(response)
        return response

    def landing(then: str | None) -> Response:
        return redirect(going.inside(then) if then else "/")

    async def login(request: Request) -> Response:
        session = await console.session(request)
        then = going.safe(request.query_params.get(going.FIELD))
        if session is not None and session.signed_in:
            return landing(then)
        try:
            response, kept = await client.redirect(request)
        except Unavailable as error:
            log.warning("organisation sign-in: %s (%s)", error, config.issuer)
            return refused("unavailable")
        if then is not None:
            kept = {**kept, NEXT: then}
        flow.write(response, await console.key(), kept, time.time())
        return response

    async def callback(request: Request) -> Response:
        key, address, now = await console.key(), security.client_address(request), \
            console.clock.now()
        if not await console.run(lambda c: organisation.address_allowed(c, key, address, now)):
            return refused("too_many")
        kept = flow.read(request, key, time.time())
        # Checked again on the way back (the cookie is signed, but the rule may have moved).
        then = going.safe(kept.pop(NEXT, None)) if kept is not None else None
        problem = None
        claims: dict[str, Any] = {}
        if kept is None:
            problem = "no sign-in under way"
        else:
            try:
                claims = await client.claims(request, kept)
            except Unavailable as error:
                log.warning("organisation sign-in: %s (%s)", error, config.issuer)
                return refused("unavailable")
            except (AuthlibBaseError, JoseError, *HTTP_ERRORS, ValueError, KeyError,
                    TypeError) as error:
                problem = _reason(error)

        def decide(connection: Connection) -> Outcome | None:
            if problem is not None:
                organisation.refused_before_claims(connection, now, problem)
                limits.record(connection, key, "", address, now, succeeded=False)
                return None
            outcome = organisation.sign_in(connection, claims, config.roles, now)
            if outcome.status != "ok":
                limits.record(connection, key, "", address, now, succeeded=False)
            return outcome

        outcome = await console.run(decide)
        if outcome is None:
            log.info("organisation sign-in refused: %s", problem)
            return refused("failed")
        if outcome.token is None:
            return refused(outcome.status)
        # The last coordinator kept one although the claim says otherwise: told at once, on
        # their account page, before anything else (where they were going waits).
        response = redirect("/account?done=kept_coordinator") if outcome.kept_coordinator \
            else landing(then)
        console.cookies.set(response, console.cookies.session, outcome.token)
        flow.clear(response)
        return response

    return [Route("/oidc/login", login, methods=["GET"]),
            Route(CALLBACK, callback, methods=["GET"])]


def _reason(error: Exception) -> str:
    """For the audit log and the service's log: what went wrong, in a few words (the
    issuer's own error code when it sent one; never a token)."""
    code = getattr(error, "error", None)
    if isinstance(code, str) and code:
        return f"{error.__class__.__name__}: {code}"[:120]
    return error.__class__.__name__
