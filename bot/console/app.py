"""The console as one Starlette app, mounted at /staff: its pages (`auth.py`, `inbox.py`,
`admin.py`), the NHS design system's files under /staff/assets, and the security headers
on every response."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

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

    app = Starlette(routes=routes, exception_handlers={404: not_found})
    app.add_middleware(security.SecurityHeaders, https=console.https,
                       assets_prefix=f"{PREFIX}{ASSETS_PREFIX}")
    return app


def console_mount(db: Database, clock: Clock, content: ContentLibrary, base_url: str,
                  assets: Path = ASSETS, *, settings: Settings | None = None,
                  on_queued: Callable[[], None] | None = None) -> Mount:
    """`settings`: the price of an SMS segment and whether texts may be UCS-2, for the
    estimate shown before a reply goes; `on_queued`: wakes the dispatcher."""
    return Mount(PREFIX, app=create_console(db, clock, content, base_url, assets,
                                            settings=settings, on_queued=on_queued))
