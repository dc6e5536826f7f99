"""A real OpenID provider for tests: an HTTP server on 127.0.0.1 doing the authorization code
flow as Microsoft Entra ID does for a confidential web app, so the console's sign-in runs
over real HTTP against it (discovery, redirect, code swap, JWKS), with no mock of Authlib.

- `/.well-known/openid-configuration`: the discovery document (its `issuer` can be made
  to lie, `discovery_issuer`).
- `/jwks`: the public half of a real 2048-bit RSA key.
- `/authorize`: checks the request (client, `response_type=code`, `openid` scope, a
  `state`, a `nonce`, a PKCE S256 challenge), remembers it, and sends the browser straight
  back to `redirect_uri` with a one-time code and the state (or `error=access_denied`
  when `deny` is set: someone who pressed Cancel).
- `/token`: the client's id and secret (HTTP Basic or the form), the code once, the same
  `redirect_uri`, and the PKCE verifier whose SHA-256 is the challenge; answers an access
  token and an ID token signed RS256: `iss`, `sub`, `aud`, `iat`, `exp`, `nonce` and the
  claims of `person`, with `tamper` applied last (a value of None removes a claim) and,
  with `forge` set, signed by another key under the same key id.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "move-mates-console"
CLIENT_SECRET = "a long secret the organisation gave us"
KEY_ID = "signing-key-1"


def _key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig",
                                                 "alg": "RS256"})


@dataclass
class OidcProvider:
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    # The person who signs in next: their claims (email, email_verified, name, roles...).
    person: dict[str, Any] = field(default_factory=dict)
    tamper: dict[str, Any] = field(default_factory=dict)
    forge: bool = False
    deny: bool = False
    discovery_issuer: str | None = None
    base_url: str = ""
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    token_refusals: list[str] = field(default_factory=list)
    key: RSAKey = field(default_factory=_key)
    forged_key: RSAKey = field(default_factory=_key)
    _codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/tenant/v2.0"

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.discovery_issuer or self.issuer,
            "authorization_endpoint": f"{self.base_url}/authorize",
            "token_endpoint": f"{self.base_url}/token",
            "jwks_uri": f"{self.base_url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                      "client_secret_post"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email",
                                 "email_verified", "name", "roles"],
        }

    # -- /authorize ------------------------------------------------------------------------
    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """(status, headers, body) for the authorization request."""
        self.authorize_requests.append(query)
        needed = ("client_id", "redirect_uri", "state", "nonce", "code_challenge")
        problems = [name for name in needed if not query.get(name)]
        if query.get("client_id") not in (None, self.client_id):
            problems.append("unknown client")
        if query.get("response_type") != "code":
            problems.append("response_type")
        if "openid" not in query.get("scope", "").split():
            problems.append("scope")
        if query.get("code_challenge_method") != "S256":
            problems.append("code_challenge_method")
        if problems:
            return 400, {}, f"bad authorization request: {problems}"
        back = query["redirect_uri"]
        if self.deny:
            answer = {"error": "access_denied", "error_description": "The user said no.",
                      "state": query["state"]}
            return 302, {"Location": f"{back}?{urlencode(answer)}"}, ""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {"nonce": query["nonce"], "redirect_uri": back,
                                 "challenge": query["code_challenge"],
                                 "person": dict(self.person)}
        answer = {"code": code, "state": query["state"]}
        return 302, {"Location": f"{back}?{urlencode(answer)}"}, ""

    # -- /token ----------------------------------------------------------------------------
    def token(self, form: dict[str, str], authorization: str | None
              ) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            pair = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = (unquote_plus(part) for part in pair.partition(":"))
        if (client_id, secret) != (self.client_id, self.client_secret):
            return self._refuse("invalid_client")
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)
        if form.get("grant_type") != "authorization_code" or grant is None:
            return self._refuse("invalid_grant")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self._refuse("invalid_grant: redirect_uri")
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or challenge != grant["challenge"]:
            return self._refuse("invalid_grant: PKCE")
        access_token = secrets.token_urlsafe(24)
        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.issuer, "sub": "sub-" + str(
            grant["person"].get("email", "nobody")), "aud": self.client_id, "iat": now,
            "exp": now + 600, "nonce": grant["nonce"], **grant["person"]}
        for name, value in self.tamper.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        key = self.forged_key if self.forge else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": KEY_ID, "typ": "JWT"}, claims, key)
        return 200, {"access_token": access_token, "token_type": "Bearer",
                     "expires_in": 3600, "scope": "openid email profile",
                     "id_token": id_token}

    def _refuse(self, why: str) -> tuple[int, dict[str, Any]]:
        self.token_refusals.append(why)
        return 400, {"error": why.split(":")[0], "error_description": why}


def _handler(provider: OidcProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, body: str | dict[str, Any],
                  headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body) if isinstance(body, dict) else body
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if isinstance(body, dict)
                             else "text/plain; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data.encode())))
            self.end_headers()
            self.wfile.write(data.encode())

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/tenant/v2.0/.well-known/openid-configuration":
                self._send(200, provider.discovery())
            elif url.path == "/jwks":
                self._send(200, {"keys": [provider.key.as_dict(private=False)]})
            elif url.path == "/authorize":
                status, headers, body = provider.authorize(query)
                self._send(status, body, headers)
            else:
                self._send(404, "not found")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path != "/token":
                self._send(404, "not found")
                return
            status, body = provider.token(form, self.headers.get("Authorization"))
            self._send(status, body)

    return Handler


@contextmanager
def running_provider(provider: OidcProvider | None = None) -> Iterator[OidcProvider]:
    provider = provider or OidcProvider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
