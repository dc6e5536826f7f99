"""Answers that depend on another go with it: access and cost needs are asked because of
what would help, and they are hard limits on suggestions, so removing the help removes
them. Through the real engine and storage."""

from __future__ import annotations

from bot.config import Settings
from bot.core.events import Address
from bot.storage import repository as repo
from support.engine import running, say

ANN = Address("sms", "+447700900610")


async def answers(services, who: Address) -> dict[str, object]:  # type: ignore[no-untyped-def]
    stored = await services.db.run(lambda c: repo.load(c, who, lock=False))
    assert stored is not None
    return repo.to_profile(stored).answers


async def test_removing_accessible_and_low_cost_removes_those_limits(settings: Settings) -> None:
    async with running(settings) as (services, _senders):
        # help: low cost (4) and an accessible place (5); access: wheelchair (2); free only.
        await say(services, ANN, "hi", "1", "2", "2", "Ann", "1", "4 5", "2", "1")
        held = await answers(services, ANN)
        assert held.get("access") and held.get("cost")
        await say(services, ANN, "skip", "skip", "skip", "skip", "skip", "skip", "skip", "1",
                  "2")
        await say(services, ANN, "settings", "3", "9")  # what would help: nothing
        held = await answers(services, ANN)
        assert held.get("helps") == ["nothing"]
        assert "access" not in held and "cost" not in held
