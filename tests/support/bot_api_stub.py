"""A local stand-in for the Telegram Bot API's sending side, for tests and benchmarks.

It enforces Telegram's published limits (about 30 messages a second overall, one a
second per private chat, 20 a minute per group) and answers 429 with `retry_after` when
a client goes faster, exactly as Telegram does. Failures can be scripted per chat.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from support.net import free_port

JSON = dict[str, Any]


@dataclass
class Limits:
    per_second: float = 30.0
    per_chat_interval: float = 1.0
    group_per_minute: int = 20

    def scaled(self, factor: float) -> Limits:
        return Limits(self.per_second * factor, self.per_chat_interval / factor,
                      int(self.group_per_minute * factor))


@dataclass
class Delivered:
    chat_id: int
    text: str
    at: float  # monotonic, for the limits
    message_id: int
    wall: float = 0.0  # time.time(), comparable across processes


@dataclass
class BotApiStub:
    limits: Limits | None = field(default_factory=Limits)
    # chat id -> the error to answer with next: (http status, description, parameters)
    failures: dict[int, deque[tuple[int, str, JSON]]] = field(
        default_factory=lambda: defaultdict(deque))
    on_send: Callable[[JSON], Awaitable[None]] | None = None
    # sendMessage call number (1-based, counting every call) -> the error to answer with
    fail_calls: dict[int, tuple[int, str, JSON]] = field(default_factory=dict)
    send_calls: int = 0
    # method name -> errors to answer its next calls with (any method, sendMessage too)
    method_failures: dict[str, deque[tuple[int, str, JSON]]] = field(
        default_factory=lambda: defaultdict(deque))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    delivered: list[Delivered] = field(default_factory=list)
    rejected_429: int = 0
    _recent: deque[float] = field(default_factory=deque)
    _last_per_chat: dict[int, float] = field(default_factory=dict)
    _group_recent: dict[int, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    port: int = 0

    def fail_next(self, chat_id: int, status: int, description: str, **parameters: Any) -> None:
        self.failures[chat_id].append((status, description, parameters))

    def fail_method(self, method: str, status: int, description: str, times: int = 1,
                    **parameters: Any) -> None:
        self.method_failures[method].extend([(status, description, parameters)] * times)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _call(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        form: JSON = dict(await request.form()) if "form" in request.headers.get(
            "content-type", "") else await request.json() if await request.body() else {}
        self.calls[method] += 1
        if self.method_failures[method]:
            status, description, parameters = self.method_failures[method].popleft()
            return JSONResponse({"ok": False, "error_code": status, "description": description,
                                 **({"parameters": parameters} if parameters else {})},
                                status_code=status)
        if method == "getMe":
            return _ok({"id": 1, "is_bot": True, "first_name": "Stub", "username": "stub_bot"})
        if method in ("setMyCommands", "deleteWebhook", "setWebhook", "answerCallbackQuery"):
            return _ok(True)
        if method == "getUpdates":
            await asyncio.sleep(0.05)  # a short long-poll: nobody is writing to this bot
            return _ok([])
        if method != "sendMessage":
            return _ok(True)
        chat_id = int(form["chat_id"])
        self.send_calls += 1
        scripted = self.fail_calls.pop(self.send_calls, None)
        if scripted is None and self.failures[chat_id]:
            scripted = self.failures[chat_id].popleft()
        if scripted is not None:
            status, description, parameters = scripted
            return JSONResponse({"ok": False, "error_code": status, "description": description,
                                 **({"parameters": parameters} if parameters else {})},
                                status_code=status)
        wait = self._over_limit(chat_id)
        if wait > 0:
            self.rejected_429 += 1
            retry_after = max(1, math.ceil(wait))
            return JSONResponse({"ok": False, "error_code": 429,
                                 "description": f"Too Many Requests: retry after {retry_after}",
                                 "parameters": {"retry_after": retry_after}}, status_code=429)
        if self.on_send is not None:
            await self.on_send(form)
        now = time.monotonic()
        message_id = next(self._ids)
        self.delivered.append(Delivered(chat_id, str(form.get("text", "")), now, message_id,
                                        time.time()))
        return _ok({"message_id": message_id, "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                    "text": form.get("text", "")})

    def _over_limit(self, chat_id: int) -> float:
        """Seconds the client should have waited; 0 when the message is within limits."""
        if self.limits is None:
            return 0.0
        now = time.monotonic()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        waits = [0.0]
        if len(self._recent) >= self.limits.per_second:
            waits.append(1.0 - (now - self._recent[0]))
        if chat_id > 0:
            last = self._last_per_chat.get(chat_id)
            if last is not None and now - last < self.limits.per_chat_interval:
                waits.append(self.limits.per_chat_interval - (now - last))
        else:
            group = self._group_recent[chat_id]
            while group and now - group[0] >= 60.0:
                group.popleft()
            if len(group) >= self.limits.group_per_minute:
                waits.append(60.0 - (now - group[0]))
        wait = max(waits)
        if wait <= 0:
            self._recent.append(now)
            if chat_id > 0:
                self._last_per_chat[chat_id] = now
            else:
                self._group_recent[chat_id].append(now)
        return wait

    async def _stats(self, _request: Request) -> JSONResponse:
        """What arrived, for a benchmark running this stub in a process of its own."""
        return JSONResponse({"rejected_429": self.rejected_429,
                             "delivered": [[d.chat_id, d.text, d.wall] for d in self.delivered]})

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/bot{token}/{method}", self._call, methods=["POST"]),
                                 Route("/_stats", self._stats)])


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


class running_stub:  # a context manager, named like one
    def __init__(self, stub: BotApiStub) -> None:
        self.stub = stub
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> BotApiStub:
        self.stub.port = free_port()
        config = uvicorn.Config(self.stub.app(), host="127.0.0.1", port=self.stub.port,
                                log_level="warning", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:  # noqa: ASYNC110 - uvicorn offers only this flag
            await asyncio.sleep(0.01)
        return self.stub

    async def __aexit__(self, *_exc: object) -> None:
        assert self._server is not None and self._task is not None
        self._server.should_exit = True
        await self._task


def main() -> None:
    """Run the stub on its own: python tests/support/bot_api_stub.py PORT SCALE"""
    import sys

    port, scale = int(sys.argv[1]), float(sys.argv[2])
    stub = BotApiStub(limits=Limits().scaled(scale), port=port)
    uvicorn.run(stub.app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
