"""The console as one Starlette app, mounted at /staff: its pages (`auth.py`, `inbox.py`,
`admin.py`), the NHS design system's files under /staff/assets, and the security headers
on every response.

Two answers every page can give, both the console's own page with its headers, never a
blank one or a 500: 503 with Retry-After when the database stays busy past its wait (on
SQLite, another process holding the write lock: a `movemates chat`, a long job), and 413
for a body over the app's limit (`too_large`, answered by `bot.web.BodyLimit` before the
console sees the request)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.config import Settings
from bot.console import (
    admin,
    auth,
    impact,
    inbox,
    new_alerts,
    organisation,
    requests,
    security,
)
from bot.console import broadcasts as broadcast_pages
from bot.console import cases as case_pages
from bot.console import groups as group_pages
from bot.console import places as place_pages
from bot.console import volunteers as volunteer_pages
from bot.console.pages import PREFIX
from bot.console.shared import Console
from bot.core.clock import Clock
from bot.core.content import ContentLibrary
from bot.staff.help import Pricing
from bot.storage.db import Database

log = logging.getLogger(__name__)
# The NHS design system, compiled by `make install` (npm run build in web/).
ASSETS = Path(__file__).resolve().parents[2] / "web" / "dist"
ASSETS_PREFIX = "/assets"
RETRY_AFTER_SECONDS = 30
# PostgreSQL's codes for work that could not wait or was chosen to give way: a lock not
# available, a statement cancelled (a timeout), a deadlock, a serialisation failure.
BUSY_STATES = frozenset({"55P03", "57014", "40P01", "40001"})


def database_busy(error: DBAPIError) -> bool:
    """Whether a database error means "busy now, try again soon" (not a fault)."""
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    words = str(error.orig).lower()
    return state in BUSY_STATES or "database is locked" in words or "database table is " \
        "locked" in words or "database is busy" in words


def create_console(db: Database, clock: Clock, content: ContentLibrary, base_url: str,
                   assets: Path = ASSETS, *, settings: Settings | None = None,
                   on_queued: Callable[[], None] | None = None) -> Starlette:
    pricing = Pricing(settings.sms_price_per_segment, settings.sms_allow_unicode) \
        if settings is not None else None
    console = Console(db, clock, content, base_url, pricing=pricing, on_queued=on_queued)
    if not (assets / "console.css").exists():
        log.warning("staff console: its styles are missing (%s); run make install", assets)
    # Sign-in with an organisation account (OpenID Connect), when OIDC_* are set.
    oidc = organisation.OidcConfig.from_settings(settings)
    routes = [*auth.routes(console), *organisation.routes(console, oidc, base_url),
              *inbox.routes(console), *new_alerts.routes(console),
              *requests.routes(console),
              *admin.routes(console, settings.public_base_url if settings else None),
              *impact.routes(console),
              *broadcast_pages.routes(console),
              *place_pages.routes(console), *volunteer_pages.routes(console),
              *case_pages.routes(console), *group_pages.routes(console),
              Mount(ASSETS_PREFIX, app=StaticFiles(directory=assets, check_dir=False),
                    name="assets")]

    async def not_found(request: Request, _error: Exception) -> Response:
        return console.not_found(await console.session(request))

    async def busy(request: Request, error: Exception) -> Response:
        assert isinstance(error, DBAPIError)
        if not database_busy(error):
            raise error
        log.warning("staff console: the database was busy for %s %s (%s)",
                    request.method, request.url.path, error.orig)
        # Nobody can be looked up now: the page says so plainly, signed in or not.
        response = console.pages.render("error.html", 503,
                                        title_key="console.errors.unavailable_title",
                                        body_key="console.errors.unavailable")
        response.headers["retry-after"] = str(RETRY_AFTER_SECONDS)
        return response

    app = Starlette(routes=routes, exception_handlers={404: not_found, DBAPIError: busy})
    app.add_middleware(security.SecurityHeaders, https=console.https,
                       assets_prefix=f"{PREFIX}{ASSETS_PREFIX}")
    app.state.too_large = security.SecurityHeaders(
        too_large(console), https=console.https, assets_prefix=f"{PREFIX}{ASSETS_PREFIX}")
    return app


def too_large(console: Console) -> ASGIApp:
    """413 as a console page (the body is not read): for `bot.web.BodyLimit`."""

    async def answer(scope: Scope, receive: Receive, send: Send) -> None:
        await console.pages.render("error.html", 413,
                                   title_key="console.errors.too_large_title",
                                   body_key="console.errors.too_large")(scope, receive, send)

    return answer


def console_mount(db: Database, clock: Clock, content: ContentLibrary, base_url: str,
                  assets: Path = ASSETS, *, settings: Settings | None = None,
                  on_queued: Callable[[], None] | None = None) -> Mount:
    """`settings`: the price of an SMS segment and whether texts may be UCS-2, for the
    estimate shown before a reply goes; `on_queued`: wakes the dispatcher."""
    return Mount(PREFIX, app=create_console(db, clock, content, base_url, assets,
                                            settings=settings, on_queued=on_queued))
