"""Helpers for driving the real engine and dispatcher in tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.app import Services, build
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.events import Address, Inbound
from bot.dispatch.outbox import Outcome, Outgoing, Result

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class RecordingSender:
    """A sender that keeps what it was asked to send, in order."""

    channel: str
    sent: list[Outgoing] = field(default_factory=list)
    result: Result = Result.SENT

    async def send(self, item: Outgoing) -> Outcome:
        self.sent.append(item)
        return Outcome(self.result, provider_ref=f"{self.channel}-{item.id}")

    def texts_to(self, address: str) -> list[str]:
        return [i.message.text for i in self.sent if i.address == address]


@asynccontextmanager
async def running(settings: Settings, clock: FakeClock | None = None,
                  channels: tuple[str, ...] = ("console", "sms", "telegram"),
                  ) -> AsyncIterator[tuple[Services, dict[str, RecordingSender]]]:
    senders = {name: RecordingSender(name) for name in channels}
    services = build(settings, clock=clock or FakeClock(START), senders=senders, paced=False)
    try:
        yield services, senders
    finally:
        await services.close()


async def say(services: Services, address: Address, *lines: str) -> None:
    for line in lines:
        await services.engine.handle(address, Inbound.from_text(line))


# A complete onboarding, answered plainly.
ONBOARDING = ["hi", "1", "1", "1", "Margaret", "1 2", "1", "1", "1", "2", "3", "2", "LE4",
              "Walk to the shops", "Arthritis", "1"]
