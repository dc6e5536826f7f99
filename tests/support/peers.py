"""Driving peer support through the real engine, storage and dispatcher: several people
on SMS and Telegram, what each of them received after every message, and the rows behind."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, select

from bot.app import Services
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.events import Address, EventKind, Inbound, Outbound
from bot.dispatch.outbox import Outgoing
from bot.peers import service
from bot.storage.models import Identity, OutboxMessage
from support.engine import START, RecordingSender, running

T = TypeVar("T")
STEP = timedelta(seconds=5)


class Heard(dict[Address, list[Outbound]]):
    """What each person was sent in reply to one message (everyone, not just the sender)."""

    def texts(self, who: Address) -> list[str]:
        return [m.text for m in self.get(who, [])]

    def text(self, who: Address) -> str:
        """Everything one person was sent, as one string (empty when nothing)."""
        return "\n".join(self.texts(who))

    def only(self, who: Address) -> str:
        """The single message one person was sent; fails if there were none or several."""
        texts = self.texts(who)
        assert len(texts) == 1, f"expected one message to {who}, got {texts!r}"
        return texts[0]


@dataclass
class PeerWorld:
    services: Services
    senders: dict[str, RecordingSender]
    clock: FakeClock
    read: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    # -- talking --------------------------------------------------------------------------
    async def says(self, who: Address, text: str) -> Heard:
        self.clock.advance(STEP)  # nobody replies in the same instant
        await self.services.engine.handle(who, Inbound.from_text(text))
        return await self.delivered()

    async def conversation(self, who: Address, *lines: str) -> Heard:
        """Several messages from one person; what everyone heard after the last one."""
        heard = Heard()
        for line in lines:
            heard = await self.says(who, line)
        return heard

    async def presses(self, who: Address, option_id: str) -> Heard:
        """A button press on Telegram (ref_token left out: treated as the current one)."""
        self.clock.advance(STEP)
        await self.services.engine.handle(who, Inbound(EventKind.CHOICE, choice=option_id))
        return await self.delivered()

    async def delivered(self) -> Heard:
        """Send everything queued; return what each address received since last asked."""
        await self.services.dispatcher.drain()
        heard = Heard()
        for channel, sender in self.senders.items():
            for item in sender.sent[self.read[channel]:]:
                heard.setdefault(Address(item.channel, item.address), []).append(item.message)
            self.read[channel] = len(sender.sent)
        return heard

    def all_sent(self) -> list[Outgoing]:
        return [item for sender in self.senders.values() for item in sender.sent]

    def sent_to(self, who: Address) -> list[str]:
        return [i.message.text for i in self.all_sent()
                if (i.channel, i.address) == (who.channel, who.address)]

    # -- time ---------------------------------------------------------------------------
    async def later(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    # -- storage ------------------------------------------------------------------------
    async def db(self, work: Callable[[Connection], T]) -> T:
        return await self.services.db.run(work)

    async def rows(self, model: Any, *where: Any) -> list[Any]:
        return await self.db(lambda c: [dict(r) for r in c.execute(
            select(model).where(*where)).mappings()])

    async def person_id(self, who: Address) -> int:
        found = await self.db(lambda c: c.scalar(select(Identity.person_id).where(
            Identity.channel == who.channel, Identity.address == who.address)))
        assert found is not None, f"nobody at {who}"
        return int(found)

    async def outbox_payloads(self) -> list[tuple[str, str, str]]:
        """(channel, address, whole payload as JSON: text, buttons and all) of every
        outbox row ever queued, sent or not."""
        return await self.db(lambda c: [
            (row["channel"], row["address"], json.dumps(row["payload"], ensure_ascii=False))
            for row in c.execute(select(OutboxMessage)).mappings()])

    async def invite(self, role: str, code: str | None = None, days: int = 14,
                     at: datetime | None = None) -> str:
        now = at or self.clock.now()
        return await self.db(lambda c: service.create_invite(c, role, now, days, code=code))

    # -- people -------------------------------------------------------------------------
    async def supporter(self, who: Address, alias: str, *, capacity: str = "1",
                        days: str = "8", times: str = "1", activities: str = "1",
                        experience: str = "skip") -> Heard:
        """Someone with a fresh code becomes a peer supporter, answering every question."""
        code = await self.invite("supporter")
        return await self.conversation(who, f"volunteer {code}", "1", alias, capacity, days,
                                       times, activities, experience)

    async def moderator(self, who: Address, alias: str, role: str = "moderator") -> Heard:
        code = await self.invite(role)
        return await self.conversation(who, f"volunteer {code}", "1", alias)

    async def resident(self, who: Address, name: str, *, activities: str = "1",
                       days: str = "8", times: str = "1", district: str = "LE4") -> Heard:
        """A complete onboarding (no health details kept, no messages), ideas turned down."""
        return await self.conversation(
            who, "hi", "1", "2", "2", name, activities, "1", days, times, "4", "3", district,
            "skip", "1", "2")

    async def asks_for_buddy(self, who: Address, experience: str = "skip") -> Heard:
        return await self.conversation(who, "buddy", "1", experience)

    async def connected(self, resident: Address, supporter: Address) -> Heard:
        """The supporter accepts the offer they were sent and the resident says yes."""
        await self.says(supporter, "1")
        return await self.says(resident, "yes")


@asynccontextmanager
async def peer_world(settings: Settings, start: datetime = START,
                     channels: Sequence[str] = ("console", "sms", "telegram"),
                     ) -> AsyncIterator[PeerWorld]:
    clock = FakeClock(start)
    async with running(settings, clock, tuple(channels)) as (services, senders):
        yield PeerWorld(services, senders, clock)
