"""kill -9 the service in the middle of a wave, start it again: every message is sent
exactly once, except at most one in flight, whose fate is recorded as unknown."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, select

from bot.core.events import Address, Outbound
from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.migrate import upgrade
from bot.storage.models import OutboxMessage
from support.bot_api_stub import BotApiStub, Limits, running_stub
from test_serve import clean_env, free_port, launch, stop

ROOT = Path(__file__).resolve().parents[1]
WAVE = 400


def queue(connection: Connection, now: datetime) -> None:
    for chat in range(1, WAVE + 1):
        address = Address("telegram", str(50_000 + chat))
        person = repo.create_person(connection, address, now)
        repo.queue_messages(connection, person_id=person.person_id, to=address,
                            messages=[Outbound(f"message {chat}")], kind="encouragement",
                            priority=5, key_prefix=f"crash:{chat}", now=now)


def serve(database_url: str, stub: BotApiStub):  # type: ignore[no-untyped-def]
    env = clean_env(DATABASE_URL=database_url, TELEGRAM_BOT_TOKEN="1:crash",
                    TELEGRAM_API_BASE_URL=stub.base_url, TELEGRAM_RATE_PER_SECOND="60",
                    LOG_LEVEL="WARNING")
    return launch([sys.executable, "-m", "bot.cli", "serve", "--port", str(free_port())], env)


async def statuses(db: Database) -> dict[str, int]:
    rows = await db.run(lambda c: c.execute(select(OutboxMessage.status)).scalars().all())
    found: dict[str, int] = {}
    for status in rows:
        found[status] = found.get(status, 0) + 1
    return found


@pytest.mark.slow
async def test_kill_minus_nine_mid_wave_then_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    await upgrade(url)
    db = Database(url)
    await db.run(lambda c: queue(c, datetime.now(UTC)))
    async with running_stub(BotApiStub(limits=Limits().scaled(2))) as stub:
        first = serve(url, stub)
        try:
            while len(stub.delivered) < WAVE // 3:
                assert first.poll() is None, stop(first)
                await asyncio.sleep(0.01)
        finally:
            os.killpg(first.pid, signal.SIGKILL)  # no goodbye, no cleanup
            first.wait()
        delivered_before_restart = len(stub.delivered)
        assert delivered_before_restart < WAVE  # it really died mid-wave
        second = serve(url, stub)
        try:
            for _ in range(3000):
                counts = await statuses(db)
                if counts.get("queued", 0) + counts.get("claimed", 0) + \
                        counts.get("sending", 0) == 0:
                    break
                await asyncio.sleep(0.02)
        finally:
            stop(second)
        counts = await statuses(db)
        texts = [d.text for d in stub.delivered]
    await db.dispose()
    assert stub.rejected_429 == 0
    assert len(texts) == len(set(texts)), "a message was sent twice"
    unknown = counts.get("unknown", 0)
    assert unknown <= 1, counts
    assert counts.get("sent", 0) + unknown == WAVE, counts
    # Every message marked sent really arrived; the unknown one may or may not have.
    assert WAVE - unknown <= len(texts) <= WAVE
