"""Bot API calls that survive a passing fault: a 5xx answer or a network error is tried
again with backoff, for every call that is safe to repeat.

Sending messages is left to the outbox (bot/dispatch/outbox.py): it records every message
and retries it later with its own backoff, without holding up other chats, and a call
that may have reached Telegram is never repeated blindly. Long polling (getUpdates) has
its own retry loop in python-telegram-bot. Everything else (getMe, setMyCommands,
setWebhook, answering button presses, editing, deleting, restricting, banning, invite
links) asks for the same outcome however often it is asked, so a short retry here turns
a passing fault into a slower call rather than a failure.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger(__name__)

ATTEMPTS = 4
FIRST_WAIT = 0.5  # seconds; doubled after each try
MAX_WAIT = 8.0
# Calls that make something new each time (a message) or poll: not repeated here.
NOT_REPEATED_PREFIXES = ("send", "forward", "copy")
NOT_REPEATED = frozenset({"getUpdates"})
CONNECTION_POOL_SIZE = 256  # as python-telegram-bot's own default


def method_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def repeatable(method: str) -> bool:
    return method not in NOT_REPEATED and not method.startswith(NOT_REPEATED_PREFIXES)


class RetryingRequest(HTTPXRequest):
    """python-telegram-bot's HTTPX transport, trying a repeatable call again on a 5xx
    answer or a network error, up to `attempts` times with doubling waits."""

    def __init__(self, *, attempts: int = ATTEMPTS, first_wait: float = FIRST_WAIT,
                 max_wait: float = MAX_WAIT,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 **kwargs: object) -> None:
        kwargs.setdefault("connection_pool_size", CONNECTION_POOL_SIZE)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.attempts = max(1, attempts)
        self.first_wait = first_wait
        self.max_wait = max_wait
        self._sleep = sleep

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = None, write_timeout: object = None,
                         connect_timeout: object = None, pool_timeout: object = None,
                         ) -> tuple[int, bytes]:
        call = method_of(url)
        tries = self.attempts if repeatable(call) else 1
        wait = self.first_wait
        for attempt in range(1, tries + 1):
            try:
                code, payload = await super().do_request(
                    url, method, request_data=request_data, read_timeout=read_timeout,
                    write_timeout=write_timeout, connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout)  # type: ignore[arg-type]
            except (NetworkError, httpx.HTTPError) as error:
                # Only the transport's own faults arrive here (Telegram's answers, 400 and
                # 403 among them, are read later from the status code).
                if attempt == tries:
                    raise
                log.warning("telegram %s: %s; trying again in %.1f s (attempt %d of %d)",
                            call, _describe(error), wait, attempt, tries)
            else:
                if code < 500 or attempt == tries:
                    return code, payload
                log.warning("telegram %s: HTTP %d; trying again in %.1f s (attempt %d of %d)",
                            call, code, wait, attempt, tries)
            await self._sleep(wait)
            wait = min(self.max_wait, wait * 2)
        raise AssertionError("unreachable")  # pragma: no cover


def _describe(error: Exception) -> str:
    if isinstance(error, TimedOut):
        return "timed out"
    return type(error).__name__
