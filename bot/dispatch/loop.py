"""Runs the dispatcher continuously: at once when something is queued, else every second."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.dispatch.outbox import Dispatcher

log = logging.getLogger(__name__)


class DispatchLoop:
    def __init__(self, dispatcher: Dispatcher, idle_interval: float = 1.0) -> None:
        self.dispatcher = dispatcher
        self.idle_interval = idle_interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()
        self.dispatcher.queued()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="dispatch-loop")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.dispatcher.drain()
            except Exception:  # keep the loop alive; the rows stay queued for next time
                log.exception("dispatch round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.idle_interval)
