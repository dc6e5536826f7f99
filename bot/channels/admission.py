"""Each inbound channel's own way into the engine, so a burst on one never holds another's
messages behind it (issue 13: "a wave on one channel never delays a reply on another").

Every inbound message is one engine transaction, and the engine's queue is one line for
everybody: on SQLite the write lock (first come, first served), on PostgreSQL the event
loop, which runs each transaction's Python (the safety screen, the conversation) in turn.
Sixty texts arriving in a second (replies to a broadcast) would all be in that line before
a Telegram "hi" that came a moment later, and the hi would be answered after the last of
them. Here each channel lets only a few of its messages into the engine at a time; the
rest of a burst waits at its own channel's door, outside the shared line, so a message on
another channel waits for at most those few. A burst on one channel still goes as fast as
before: the database serves one writer at a time on SQLite, and on PostgreSQL a few at a
time keep the connections busy while the loop works on one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

# How many of one channel's messages may be in the engine at once.
AT_ONCE = 4


class Admission:
    """One channel's door: `async with admission.admitted(): await engine.handle(...)`.
    At most `at_once` holders at a time, served in the order they came."""

    def __init__(self, at_once: int = AT_ONCE) -> None:
        if at_once < 1:
            raise ValueError("a channel must let at least one message in at a time")
        self.at_once = at_once
        self._gate = asyncio.Semaphore(at_once)
        self.waiting = 0  # messages at the door now (for tests and benchmarks)

    @asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        self.waiting += 1
        try:
            await self._gate.acquire()
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            self._gate.release()
