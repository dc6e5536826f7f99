"""The one ASGI app: /healthz now; channel webhooks mount their routes here.

Every request body is bounded (`BodyLimit`): a webhook body larger than `MAX_BODY_BYTES`
gets 413 before any of it is parsed or stored. A mounted app may answer that 413 itself,
with its own page and headers (the staff console): its `state.too_large`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Lifespan, Message, Receive, Scope, Send

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

    app = Starlette(routes=[Route("/healthz", healthz), *routes], lifespan=lifespan)
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES, refusals={
        route.path: route.app.state.too_large for route in routes
        if isinstance(route, Mount) and isinstance(route.app, Starlette)
        and hasattr(route.app.state, "too_large")})
    return app


# Twilio's webhook form with a 1,600-character body is under 10 KB; a Telegram update with
# a 4,096-character message and its entities is well under 64 KB.
MAX_BODY_BYTES = 256 * 1024


class BodyLimit:
    """ASGI middleware: 413 for a body over `limit` bytes (declared or streamed), 400 for a
    Content-Length that is not a number. Starlette has no such limit of its own."""

    def __init__(self, app: ASGIApp, limit: int,
                 refusals: Mapping[str, ASGIApp] | None = None) -> None:
        """`refusals`: by path prefix, the app that answers a body too large there."""
        self.app, self.limit, self.refusals = app, limit, dict(refusals or {})

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        for prefix, refusal in self.refusals.items():
            if path == prefix or path.startswith(f"{prefix}/"):
                await refusal(scope, receive, send)
                return
        await Response(status_code=413)(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or len(declared) > 15:
                await Response("bad Content-Length", status_code=400)(scope, receive, send)
                return
            if int(declared) > self.limit:
                await self.refuse(scope, receive, send)
                return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                await self.refuse(scope, receive, send)
                return
            chunks.append(body)
            if not message.get("more_body"):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
