"""Peer chats over SMS for tests: the real SMS sender (rendering every text, the twilio
library sending it to the REST stub), remembered as it sends, beside a recording Telegram
sender, in a `PeerWorld`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.config import Settings
from bot.core.events import Address
from bot.dispatch.outbox import Outcome, Outgoing
from support.engine import RecordingSender
from support.peers import PeerWorld
from support.sms import SmsHarness, sms_service
from support.twilio_stub import TwilioStub


@dataclass
class RecordingSms:
    """The real SMS sender, remembering what it was given (for the world's bookkeeping)."""

    inner: object
    channel: str = "sms"
    sent: list[Outgoing] = field(default_factory=list)

    def cost(self, item: Outgoing) -> float:
        return self.inner.cost(item)  # type: ignore[attr-defined]

    async def send(self, item: Outgoing) -> Outcome:
        self.sent.append(item)
        return await self.inner.send(item)  # type: ignore[attr-defined]


@asynccontextmanager
async def sms_world(settings: Settings, stub: TwilioStub, *, unicode: bool = False
                    ) -> AsyncIterator[tuple[PeerWorld, SmsHarness]]:
    """A peer-support world whose texts really go through the SMS sender."""
    async with sms_service(settings, stub, sms_allow_unicode=unicode) as sms:
        senders = {"sms": RecordingSms(sms.services.dispatcher.senders["sms"]),
                   "telegram": RecordingSender("telegram")}
        sms.services.dispatcher.senders.update(senders)
        yield PeerWorld(sms.services, senders, sms.clock), sms  # type: ignore[arg-type]


@asynccontextmanager
async def sms_chat(settings: Settings, stub: TwilioStub, resident: Address, supporter: Address,
                   *, unicode: bool = False) -> AsyncIterator[tuple[PeerWorld, SmsHarness]]:
    """A resident (by SMS) and a supporter named Sam connected and chatting; the resident
    is named Ann."""
    async with sms_world(settings, stub, unicode=unicode) as (w, sms):
        await w.supporter(supporter, "Sam")
        await w.resident(resident, "Ann")
        await w.asks_for_buddy(resident)
        await w.connected(resident, supporter)
        yield w, sms


def bodies(stub: TwilioStub, number: str, since: int) -> list[str]:
    """The texts the stub received for `number` after the first `since`."""
    return [m.body for m in stub.sent[since:] if m.to == number]
