"""Inbound Telegram updates per second through python-telegram-bot and the engine, and
reply latency, in one process against the telegram-test-api emulator.

    npm ci --prefix tests/telegram_emulator   # once
    .venv/bin/python bench/telegram_throughput.py [--users 200] [--database-url URL]

Phase 1 queues users x onboarding-answers updates in the emulator, then starts the bot
(polling) and times until the engine has handled them all (replies are stored in the
outbox, not sent, so this measures the inbound path). Phase 2 runs the whole loop,
sending replies back to the emulator, while users write at a steady pace, and measures
the time from a user's message to the bot's reply being accepted by the Bot API.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sqlalchemy import update  # noqa: E402

from bot.app import build  # noqa: E402
from bot.channels.telegram import TelegramChannel  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.dispatch.loop import DispatchLoop  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import OutboxMessage  # noqa: E402
from support.engine import ONBOARDING  # noqa: E402
from telegram_emulator.emulator import TelegramEmulator  # noqa: E402

TOKEN = "123456:BENCH-TOKEN"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


async def run(users: int, database_url: str, latency_messages: int, pace: float) -> dict:
    await upgrade(database_url)
    async with TelegramEmulator(token=TOKEN) as emu:
        settings = Settings(database_url=database_url, telegram_bot_token=TOKEN,
                            telegram_api_base_url=emu.base_url.removesuffix("/bot"),
                            _env_file=None)
        services = build(settings)
        services.engine.language(None)  # the safety screen is built before timing, as serve does
        handled = 0
        done = asyncio.Event()
        expected = users * len(ONBOARDING)
        original = services.engine.handle

        async def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal handled
            result = await original(*args, **kwargs)
            handled += 1
            if handled >= expected:
                done.set()
            return result

        services.engine.handle = counting  # type: ignore[method-assign]
        channel = TelegramChannel(settings, services.engine, services.content)

        # Phase 1: a backlog of updates, handled as fast as the bot can.
        people = [emu.user(100_000 + n, f"User{n}") for n in range(users)]
        for line in ONBOARDING:
            await asyncio.gather(*(p.send_text(line) for p in people))
        started = time.perf_counter()
        await channel.start()
        await asyncio.wait_for(done.wait(), timeout=600)
        inbound_seconds = time.perf_counter() - started

        # Phase 2: the whole loop, replies sent, users writing at a steady pace.
        sent_at: dict[int, float] = {}
        latencies: list[float] = []
        sender_send = channel.sender.send

        async def timing_send(item):  # type: ignore[no-untyped-def]
            outcome = await sender_send(item)
            chat = int(item.address)
            if chat in sent_at:
                latencies.append(time.perf_counter() - sent_at.pop(chat))
            return outcome

        channel.sender.send = timing_send  # type: ignore[method-assign]
        services.dispatcher.senders["telegram"] = channel.sender
        # Phase 1's replies are not what phase 2 measures: set them aside as sent.
        await services.db.run(lambda c: c.execute(
            update(OutboxMessage.__table__).values(status="sent")))
        loop = DispatchLoop(services.dispatcher, idle_interval=0.05)
        services.engine.on_queued = loop.wake
        loop.start()
        newcomers = [emu.user(200_000 + n, f"New{n}") for n in range(latency_messages)]
        for person in newcomers:
            sent_at[person.id] = time.perf_counter()
            await person.send_text("help")
            await asyncio.sleep(1 / pace)
        deadline = time.perf_counter() + 30
        while sent_at and time.perf_counter() < deadline:  # noqa: ASYNC110 - polling a dict
            await asyncio.sleep(0.05)
        await loop.stop()
        await channel.stop()
        await services.close()
    return {
        "bench": "telegram_inbound",
        "database": "sqlite" if database_url.startswith("sqlite") else "postgresql",
        "updates": expected,
        "inbound_seconds": round(inbound_seconds, 2),
        "updates_per_second": round(expected / inbound_seconds, 1),
        "latency_messages": len(latencies),
        "latency_pace_per_second": pace,
        "reply_latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "reply_latency_ms_p95": round(percentile(latencies, 95) * 1000, 1),
        "reply_latency_ms_p99": round(percentile(latencies, 99) * 1000, 1),
        "replies_missing": len(sent_at),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--database-url")
    parser.add_argument("--latency-messages", type=int, default=200)
    # Each 'help' gets three reply messages; 8 a second keeps replies (24/s) under
    # Telegram's 30/s, so latency measures the bot rather than a queue at the limit.
    parser.add_argument("--pace", type=float, default=8.0, help="new messages per second")
    args = parser.parse_args()
    from scratch import scratch_database

    with scratch_database(args.database_url, "telegram") as url:
        print(json.dumps(asyncio.run(run(args.users, url, args.latency_messages, args.pace))))


if __name__ == "__main__":
    main()
