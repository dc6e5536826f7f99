"""What every console response carries, and the anti-forgery checks on its forms.

Headers: a Content-Security-Policy allowing only this site's own files (no inline script
or style, no frames, forms post only here), no MIME sniffing, no Referer (set-up links
carry their token in the path), never cached, and HSTS when the site is https.

Forms: a signed-in (or half-way) session has its own random token, checked on every POST.
The forms shown before there is a session (sign-in, set-up) use a signed double-submit
token: a random value in a cookie, and in the form the value's HMAC under the console's
key; a cross-site page can neither read the cookie nor make the HMAC.

What a form's fields may hold (`cleaned_form`, applied by `Console.form` to every form):
no NUL and none of the bidi controls that reorder what follows them (`bot.staff.typed`).
Passwords are kept as typed (only their hash is stored).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.staff.typed import cleaned

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")
FIELD = "csrf_token"
# Taken out of every field but these (`cleaned_form`).
AS_TYPED = frozenset({"password", "confirm"})


def cleaned_form(form: FormData) -> FormData:
    """The form with every text field but a password `cleaned`."""
    return FormData([(name, value if name in AS_TYPED or not isinstance(value, str)
                      else cleaned(value)) for name, value in form.multi_items()])


class SecurityHeaders:
    """ASGI middleware for the console's responses (assets are cached; pages never)."""

    def __init__(self, app: ASGIApp, *, https: bool, assets_prefix: str) -> None:
        self.app, self.https, self.assets_prefix = app, https, assets_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asset = str(scope.get("path", "")).startswith(self.assets_prefix)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"cache-control",) or asset]
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if not asset:
                    headers.append((b"cache-control", b"no-store"))
                if self.https:
                    headers.append((b"strict-transport-security",
                                    b"max-age=31536000; includeSubDomains"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Cookies:
    """The console's two cookies, HttpOnly and SameSite=Lax, Secure and `__Host-` named
    (bound to this exact host) when the site is https."""

    def __init__(self, https: bool) -> None:
        self.https = https
        prefix = "__Host-" if https else ""
        self.session = f"{prefix}mm_staff"
        self.form = f"{prefix}mm_form"

    def set(self, response: Response, name: str, value: str) -> None:
        response.set_cookie(name, value, path="/", secure=self.https, httponly=True,
                            samesite="lax")

    def clear(self, response: Response, name: str) -> None:
        response.delete_cookie(name, path="/", secure=self.https, httponly=True,
                               samesite="lax")


def new_form_secret() -> str:
    return secrets.token_urlsafe(32)


def form_token(key: bytes, secret: str) -> str:
    """The token a pre-sign-in form carries for the random value in its cookie."""
    return hmac.new(key, f"form\x00{secret}".encode(), hashlib.sha256).hexdigest()


def form_token_ok(key: bytes, secret: str | None, sent: object) -> bool:
    if not secret or not isinstance(sent, str):
        return False
    return hmac.compare_digest(form_token(key, secret).encode(),
                               sent.encode("utf-8", "replace"))


def session_token_ok(expected: str, sent: object) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(expected.encode(),
                                                    sent.encode("utf-8", "replace"))


def client_address(request: Request) -> str:
    """Behind a proxy, uvicorn puts the forwarded address here (--forwarded-allow-ips)."""
    return request.client.host if request.client else "unknown"
