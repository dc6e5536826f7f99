"""Runs the dispatcher continuously, one lane per channel: each sends at once when something
is queued, else looks every second (see `Dispatcher.run`)."""

from __future__ import annotations

import asyncio
import contextlib

from bot.dispatch.outbox import Dispatcher


class DispatchLoop:
    def __init__(self, dispatcher: Dispatcher, idle_interval: float = 1.0) -> None:
        self.dispatcher = dispatcher
        self.idle_interval = idle_interval
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Something was queued: every lane looks at once."""
        self.dispatcher.queued()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.dispatcher.run(self.idle_interval),
                                             name="dispatch-loop")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
