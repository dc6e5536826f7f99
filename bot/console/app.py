"""The console as one Starlette app, mounted at /staff: its pages (`auth.py`, `inbox.py`,
`admin.py`), the NHS design system's files under /staff/assets, and the security headers
on every response."""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bot.console import admin, auth, impact, inbox, security
from bot.console.pages import PREFIX
from bot.console.shared import Console
from bot.core.clock import Clock
from bot.core.content import ContentLibrary
from bot.storage.db import Database

log = logging.getLogger(__name__)
# The NHS design system, compiled by `make install` (npm run build in web/).
ASSETS = Path(__file__).resolve().parents[2] / "web" / "dist"
ASSETS_PREFIX = "/assets"


def create_console(db: Database, clock: Clock, content: ContentLibrary, base_url: str,
                   assets: Path = ASSETS) -> Starlette:
    console = Console(db, clock, content, base_url)
    if not (assets / "console.css").exists():
        log.warning("staff console: its styles are missing (%s); run make install", assets)
    routes = [*auth.routes(console), *inbox.routes(console), *admin.routes(console),
              *impact.routes(console),
              Mount(ASSETS_PREFIX, app=StaticFiles(directory=assets, check_dir=False),
                    name="assets")]

    async def not_found(request: Request, _error: Exception) -> Response:
        return console.not_found(await console.session(request))

    app = Starlette(routes=routes, exception_handlers={404: not_found})
    app.add_middleware(security.SecurityHeaders, https=console.https,
                       assets_prefix=f"{PREFIX}{ASSETS_PREFIX}")
    return app


def console_mount(db: Database, clock: Clock, content: ContentLibrary, base_url: str,
                  assets: Path = ASSETS) -> Mount:
    return Mount(PREFIX, app=create_console(db, clock, content, base_url, assets))
