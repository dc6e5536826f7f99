"""What an inbound channel needs of the engine (`Handler`), so channels depend on this small
protocol rather than on the runner (Rasa's input channels call `on_new_message` the same
way; a test can hand a channel any object that does these)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bot.core.clock import Clock
from bot.core.content import ContentLibrary
from bot.core.events import Address, Inbound
from bot.engine.plan import Handled
from bot.storage.db import Database


class Handler(Protocol):
    db: Database
    clock: Clock
    content: ContentLibrary
    # Called after a turn queued messages, so the dispatcher sends them now.
    on_queued: Callable[[], None] | None

    async def handle(self, address: Address, event: Inbound, *,
                     external_id: str | None = None,
                     referral: str | None = None) -> Handled:
        """Handle one inbound event exactly once (`external_id`: the platform's id for
        it, so a redelivery is recognised)."""
        ...

    async def claim_inbound(self, channel: str, external_id: str) -> bool:
        """Remember an update handled outside the engine; False if seen before."""
        ...

    async def set_reachable(self, address: Address, *, reachable: bool) -> None:
        """The platform said someone blocked (or unblocked) us."""
        ...
