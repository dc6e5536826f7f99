"""Dispatching waves against a local endpoint that enforces Telegram's limits and answers
429 with retry_after when they are exceeded.

    .venv/bin/python bench/dispatch.py [--database-url URL] [--scale 6] [--messages 10000]

1. efficiency: --messages to as many chats, with the limits scaled up by --scale so it
   finishes in about a minute: achieved / allowed rate, 429s, lost, doubled;
2. the same at the real limits (30/s) on a smaller wave;
3. reply latency: a resident's replies queued every half second while a wave drains at
   the real limits (p50/p95/p99 from queued to accepted by the platform).
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sqlalchemy import Connection, func, select  # noqa: E402

from bot.app import build  # noqa: E402
from bot.channels.telegram import TelegramSender, build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.engine.events import Address, Outbound  # noqa: E402
from bot.storage import repository as repo  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import OutboxMessage  # noqa: E402
from support.bot_api_stub import Limits  # noqa: E402
from support.engine import START  # noqa: E402
from support.net import free_port  # noqa: E402


class StubProcess:
    """The rate-limited Bot API stub in a process of its own, as Telegram would be."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> StubProcess:
        env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}"}
        self.process = subprocess.Popen(  # noqa: ASYNC220 - started once, not awaited on
            [sys.executable, "-m", "support.bot_api_stub", str(self.port), str(self.scale)],
            cwd=ROOT / "tests", env=env)
        async with httpx.AsyncClient() as client:
            for _ in range(200):
                try:
                    await client.get(f"{self.base_url}/_stats")
                    return self
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
        raise RuntimeError("the stub did not start")

    async def stats(self) -> tuple[int, list[tuple[int, str, float]]]:
        async with httpx.AsyncClient(timeout=30) as client:
            data = (await client.get(f"{self.base_url}/_stats")).json()
        return data["rejected_429"], [tuple(d) for d in data["delivered"]]

    async def __aexit__(self, *_exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def queue(connection: Connection, count: int, first_chat: int, priority: int = 5,
          prefix: str = "w") -> None:
    for n in range(count):
        address = Address("telegram", str(first_chat + n))
        person = repo.create_person(connection, address, START)
        repo.queue_messages(connection, person_id=person.person_id, to=address,
                            messages=[Outbound(f"{prefix} {first_chat + n}")],
                            kind="encouragement", priority=priority,
                            key_prefix=f"{prefix}:{first_chat + n}", now=START)


async def wave(url: str, messages: int, scale: float, first_chat: int) -> dict[str, object]:
    limits = Limits().scaled(scale)
    async with StubProcess(scale) as stub:
        settings = Settings(database_url=url, telegram_bot_token="1:bench",
                            telegram_api_base_url=stub.base_url,
                            telegram_rate_per_second=30 * scale,
                            telegram_chat_interval_seconds=1 / scale, _env_file=None)
        services = build(settings)
        application = build_application(settings, polling=False)
        await application.initialize()
        services.dispatcher.senders["telegram"] = TelegramSender(application, services.content)
        await services.db.run(lambda c: queue(c, messages, first_chat))
        started = time.perf_counter()
        sent = await services.dispatcher.drain()
        seconds = time.perf_counter() - started
        sent_rows = await services.db.run(lambda c: c.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.status == "sent")))
        await application.shutdown()
        await services.close()
        rejected, delivered = await stub.stats()
    texts = [d[1] for d in delivered]
    achieved = sent / seconds
    return {"messages": messages, "limit_per_second": round(limits.per_second, 1),
            "seconds": round(seconds, 2), "achieved_per_second": round(achieved, 1),
            "efficiency": round(achieved / limits.per_second, 3),
            "rejected_429": rejected, "lost": messages - len(set(texts)),
            "doubled": len(texts) - len(set(texts)), "rows_sent": sent_rows}


async def latency(url: str, wave_size: int, replies: int) -> dict[str, object]:
    async with StubProcess(1.0) as stub:
        settings = Settings(database_url=url, telegram_bot_token="1:bench",
                            telegram_api_base_url=stub.base_url, _env_file=None)
        services = build(settings)
        application = build_application(settings, polling=False)
        await application.initialize()
        services.dispatcher.senders["telegram"] = TelegramSender(application, services.content)
        await services.db.run(lambda c: queue(c, wave_size, 900_000))
        from bot.dispatch.loop import DispatchLoop

        loop = DispatchLoop(services.dispatcher, idle_interval=0.05)
        services.engine.on_queued = loop.wake
        loop.start()
        queued_at: dict[str, float] = {}
        for n in range(replies):
            await asyncio.sleep(0.5)
            text = f"reply {n}"
            queued_at[text] = time.time()
            await services.db.run(lambda c, n=n: queue(c, 1, 800_000 + n, priority=0,
                                                       prefix="reply"))
            loop.wake()
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            _, delivered = await stub.stats()
            done = {d[1] for d in delivered}
            if all(f"reply {800_000 + n}" in done for n in range(replies)):
                break
            await asyncio.sleep(0.25)
        rejected, delivered = await stub.stats()
        arrived = {d[1]: d[2] for d in delivered}
        waits = [arrived[f"reply {800_000 + n}"] - queued_at[f"reply {n}"]
                 for n in range(replies) if f"reply {800_000 + n}" in arrived]
        await loop.stop()
        await application.shutdown()
        await services.close()
    waits.sort()
    return {"wave": wave_size, "replies": replies, "answered": len(waits),
            "reply_ms_p50": round(statistics.median(waits) * 1000, 1),
            "reply_ms_p95": round(waits[int(0.95 * (len(waits) - 1))] * 1000, 1),
            "reply_ms_p99": round(waits[int(0.99 * (len(waits) - 1))] * 1000, 1),
            "reply_ms_max": round(waits[-1] * 1000, 1), "rejected_429": rejected}


async def main(args: argparse.Namespace, url: str) -> dict[str, object]:
    await upgrade(url)
    scaled = await wave(url, args.messages, args.scale, 100_000)
    real = await wave(url, args.real_messages, 1.0, 300_000)
    waiting = await latency(url, args.latency_wave, args.replies)
    return {"bench": "dispatch", "database": "sqlite" if url.startswith("sqlite")
            else "postgresql", "scaled": scaled, "real_limits": real,
            "reply_latency_during_wave": waiting}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--scale", type=float, default=6.0)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--real-messages", type=int, default=600)
    parser.add_argument("--latency-wave", type=int, default=900)
    parser.add_argument("--replies", type=int, default=40)
    arguments = parser.parse_args()
    from scratch import scratch_database

    with scratch_database(arguments.database_url, "dispatch") as scratch_url:
        print(json.dumps(asyncio.run(main(arguments, scratch_url))))
