"""The one ASGI app: /healthz now; channel webhooks mount their routes here."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Lifespan

from bot.storage.db import Database


def create_app(db: Database, channels: dict[str, bool], routes: Sequence[BaseRoute] = (),
               lifespan: Lifespan[Starlette] | None = None) -> Starlette:
    async def healthz(_request: Request) -> JSONResponse:
        try:
            async with db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "channels": channels})

    return Starlette(routes=[Route("/healthz", healthz), *routes], lifespan=lifespan)
