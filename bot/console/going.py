"""Where a member of staff was going when the console sent them to sign in, so that after
signing in (and the second step) they land there, not on the inbox: a link to
/staff/alerts/12 in a notice still works for someone signed out.

It travels as `?next=/staff/alerts/12` on the sign-in pages and in a hidden field of their
forms, and is checked every time it is read: only a path of this console, on this site.
Anything else (another site, `//host`, a scheme, backslashes, encoded slashes or dots,
the sign-in pages themselves) is dropped, and they land on the inbox as before; a
redirect to an address someone else chose would let a look-alike link send staff, just
signed in, to a page that asks for their password again.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

from starlette.requests import Request

from bot.console.pages import PREFIX

FIELD = "next"
MAX_LENGTH = 2048
# Pages of the sign-in itself: landing there after signing in would go round in circles
# (or show a set-up link's token again).
NOT_TO = ("/sign-in", "/sign-out", "/setup/", "/two-step", "/oidc/", "/assets/")
# Printable ASCII only: no spaces, controls or look-alike letters.
_PLAIN = re.compile(r"^[\x21-\x7e]+$")


def safe(value: object) -> str | None:
    """`value` if it is a path of this console to land on after signing in (with its
    query), else None. A string of at most MAX_LENGTH characters starting /staff/."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_LENGTH:
        return None
    if not _PLAIN.match(value) or "\\" in value or "#" in value:
        return None
    path, _, _query = value.partition("?")
    # Decoded, as a browser or a proxy might, the path must still be a plain one of ours.
    decoded = path
    for _ in range(3):
        decoded, before = unquote(decoded), decoded
        if decoded == before:
            break
    else:
        return None  # still changing after three rounds: nobody writes links like that
    if (not _PLAIN.match(decoded) or "\\" in decoded or "//" in decoded
            or "/./" in f"{decoded}/" or "/../" in f"{decoded}/"):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not (path.startswith(f"{PREFIX}/") and
                                            decoded.startswith(f"{PREFIX}/")):
        return None
    inside = decoded[len(PREFIX):]
    if inside == "/" and not parts.query:
        return None  # the inbox: where they land anyway
    if any(inside.startswith(page) for page in NOT_TO):
        return None
    return value


def wanted(request: Request) -> str | None:
    """The page this request asked for, when it is one to come back to: a GET (a form
    sent while signed out is not sent again)."""
    if request.method not in ("GET", "HEAD"):
        return None
    path = request.url.path
    query = request.url.query
    return safe(f"{path}?{query}" if query else path)


def query(value: str | None, *, first: bool = True) -> str:
    """`?next=...` (or `&next=...`) for a sign-in page's address; empty for None."""
    if value is None:
        return ""
    return f"{'?' if first else '&'}{FIELD}={quote(value, safe='/')}"


def inside(value: str) -> str:
    """A checked destination without the console's prefix, for `shared.redirect`."""
    return value[len(PREFIX):]
