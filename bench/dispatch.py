"""Dispatching waves against a local endpoint that enforces Telegram's limits and answers
429 with retry_after when they are exceeded (and, for the cross-channel case, a local Twilio
Messages endpoint that counts segments against the sender's rate).

    .venv/bin/python bench/dispatch.py [--database-url URL] [--scale 6] [--messages 10000]
        [--cases scaled,real,latency,cross] [--sms-segments 5000] [--sms-scale 10]
        [--latency-ms 0,150,300] [--latency-jitter 0.2]

1. efficiency: --messages to as many chats, with the limits scaled up by --scale so it
   finishes in about a minute: achieved / allowed rate, 429s, lost, doubled;
2. the same at the real limits (30/s) on a smaller wave;
3. reply latency: a resident's replies queued every half second while a wave drains at
   the real limits (p50/p95/p99 from queued to accepted by the platform);
4. one lane per channel: Telegram replies queued every half second while a --sms-segments
   SMS wave drains through the service's loop (the real `TwilioProvider` against a local
   endpoint, the SMS rate scaled by --sms-scale): Telegram reply latency, and the SMS
   wave's achieved / allowed segments per second. The wave is queued as replies (the worst
   case: as if answering a burst of inbound texts), so inside one lane nothing would put
   the Telegram reply first.

--latency-ms makes both endpoints take that long to answer each call (half on the way
there, before the endpoint counts the message against its limit, half on the way back),
give or take --latency-jitter of it (a fraction, uniformly); several values, comma
separated, run every case at each. A real Twilio round trip is 100-300 ms.
Prints one JSON line, with the load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sqlalchemy import Connection, func, select  # noqa: E402

from bot.app import build  # noqa: E402
from bot.channels.telegram import TelegramSender, build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.core.events import Address, Outbound  # noqa: E402
from bot.storage import repository as repo  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import OutboxMessage  # noqa: E402
from support.bot_api_stub import Limits  # noqa: E402
from support.engine import START  # noqa: E402
from support.net import free_port  # noqa: E402


class Latency:
    """An ASGI wrapper: each HTTP call takes `seconds` (give or take `jitter` of it) longer,
    half before the endpoint sees the request, half before its answer leaves."""

    def __init__(self, app: Any, seconds: float, jitter: float = 0.0) -> None:
        self.app = app
        self.seconds = seconds
        self.jitter = jitter

    def _half(self) -> float:
        return self.seconds / 2 * (1 + random.uniform(-self.jitter, self.jitter))

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not self.seconds or scope["path"] == "/_stats":
            await self.app(scope, receive, send)
            return
        await asyncio.sleep(self._half())

        async def late(message: Any) -> None:
            if message["type"] == "http.response.start":
                await asyncio.sleep(self._half())
            await send(message)

        await self.app(scope, receive, late)


class SmsEndpoint:
    """Twilio's Messages resource, enough for the `twilio` library: notes each text's
    segments and when it arrived, and counts segments over the sender's rate (Twilio
    would queue those, delivering them late)."""

    def __init__(self, segments_per_second: float) -> None:
        self.limit = segments_per_second
        self.sent: list[tuple[str, str, float, int]] = []  # to, body, wall time, segments
        self.over_limit = 0
        self._recent: deque[tuple[float, int]] = deque()
        self._recent_segments = 0

    async def create(self, request: Any) -> Any:
        from starlette.responses import JSONResponse

        from bot.core.gsm7 import measure

        form = {k: str(v) for k, v in (await request.form()).items()}
        segments = measure(form["Body"]).segments
        now = time.monotonic()
        while self._recent and now - self._recent[0][0] >= 1.0:
            self._recent_segments -= self._recent.popleft()[1]
        if self._recent_segments + segments > self.limit:
            self.over_limit += segments
        self._recent.append((now, segments))
        self._recent_segments += segments
        self.sent.append((form["To"], form["Body"], time.time(), segments))
        sid = f"SM{len(self.sent):032x}"
        return JSONResponse({
            "sid": sid, "account_sid": request.path_params["sid"], "to": form["To"],
            "body": form["Body"], "status": "queued", "num_segments": str(segments),
            "direction": "outbound-api", "api_version": "2010-04-01",
            "messaging_service_sid": form.get("MessagingServiceSid"), "num_media": "0",
            "uri": f"/2010-04-01/Accounts/{request.path_params['sid']}/Messages/{sid}.json"},
            status_code=201)

    async def stats(self, _request: Any) -> Any:
        from starlette.responses import JSONResponse

        return JSONResponse({"over_limit": self.over_limit, "sent": self.sent})

    def serve(self, port: int, latency: float = 0.0, jitter: float = 0.0) -> None:
        import uvicorn
        from starlette.applications import Starlette
        from starlette.routing import Route

        app = Starlette(routes=[
            Route("/2010-04-01/Accounts/{sid}/Messages.json", self.create, methods=["POST"]),
            Route("/_stats", self.stats)])
        uvicorn.run(Latency(app, latency, jitter), host="127.0.0.1", port=port,
                    log_level="warning", access_log=False)


def serve_telegram(port: int, scale: float, latency: float, jitter: float) -> None:
    """The rate-limited Bot API stub, answering `latency` seconds later."""
    import uvicorn

    from support.bot_api_stub import BotApiStub

    stub = BotApiStub(limits=Limits().scaled(scale), port=port)
    uvicorn.run(Latency(stub.app(), latency, jitter), host="127.0.0.1", port=port,
                log_level="warning", access_log=False)


# The endpoints' answer time and its jitter (seconds, fraction), for the run under way.
LATENCY = [0.0, 0.0]


class StubProcess:
    """The rate-limited Bot API stub in a process of its own, as Telegram would be."""

    def __init__(self, scale: float, sms: bool = False) -> None:
        self.scale = scale
        self.sms = sms  # the SMS endpoint above, its rate in segments per second = scale
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> StubProcess:
        env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}"}
        command = [sys.executable, str(HERE), "--serve-sms" if self.sms else "--serve-telegram"]
        self.process = subprocess.Popen(  # noqa: ASYNC220 - started once, not awaited on
            [*command, str(self.port), str(self.scale), str(LATENCY[0]), str(LATENCY[1])],
            cwd=ROOT / "tests", env=env)
        async with httpx.AsyncClient() as client:
            for _ in range(400):
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


def queue_sms_wave(connection: Connection, segments: int) -> int:
    """Texts of one and two segments, alternately, to different people, `segments` in all;
    queued as replies. Returns how many texts."""
    short = "Fancy a short walk today? Even ten minutes round the block counts. "  # 1
    long = short * 2 + "Reply with a time that suits you and we'll remind you."  # 2
    texts, total = 0, 0
    while total < segments:
        body = short if texts % 2 == 0 or segments - total == 1 else long
        address = Address("sms", f"+447700{texts:06d}")
        person = repo.create_person(connection, address, START)
        repo.queue_messages(connection, person_id=person.person_id, to=address,
                            messages=[Outbound(f"{texts} {body}")], kind="reply", priority=0,
                            key_prefix=f"sms:{texts}", now=START)
        total += 1 if body is short else 2
        texts += 1
    return texts


async def cross_channel(url: str, segments: int, sms_scale: float, replies: int
                        ) -> dict[str, object]:
    """Telegram replies while an SMS wave drains: one lane per channel."""
    from bot.channels.sms import SmsSender
    from bot.channels.sms_provider import TwilioProvider
    from bot.dispatch.loop import DispatchLoop

    limit = 10.0 * sms_scale
    async with StubProcess(1.0) as telegram_stub, StubProcess(limit, sms=True) as sms_stub:
        settings = Settings(database_url=url, telegram_bot_token="1:bench",
                            telegram_api_base_url=telegram_stub.base_url,
                            sms_segments_per_second=limit, _env_file=None)
        services = build(settings)
        application = build_application(settings, polling=False)
        await application.initialize()
        services.dispatcher.senders["telegram"] = TelegramSender(application, services.content)
        provider = TwilioProvider("AC" + "0" * 31 + "1", "bench-token",
                                  messaging_service_sid="MG" + "a" * 32, from_number=None,
                                  api_base_url=sms_stub.base_url)
        services.dispatcher.senders["sms"] = SmsSender(provider, settings)
        texts = await services.db.run(lambda c: queue_sms_wave(c, segments))
        loop = DispatchLoop(services.dispatcher, idle_interval=0.05)
        services.engine.on_queued = loop.wake
        started = time.time()
        loop.start()
        loop.wake()
        await asyncio.sleep(1.0)  # the SMS wave is well under way
        queued_at: dict[str, float] = {}
        for n in range(replies):
            text = f"reply {700_000 + n}"
            queued_at[text] = time.time()
            await services.db.run(lambda c, n=n: queue(c, 1, 700_000 + n, priority=0,
                                                       prefix="reply"))
            loop.wake()
            await asyncio.sleep(0.5)
        replies_done = time.time()
        deadline = time.perf_counter() + segments / limit * 2 + 60
        while time.perf_counter() < deadline:
            async with httpx.AsyncClient(timeout=30) as client:
                count = len((await client.get(f"{sms_stub.base_url}/_stats")).json()["sent"])
            if count >= texts:
                break
            await asyncio.sleep(0.25)
        await asyncio.sleep(0.5)  # nothing more should come
        await loop.stop()
        sent_rows = await services.db.run(lambda c: c.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.status == "sent", OutboxMessage.channel == "sms")))
        await application.shutdown()
        await services.close()
        rejected, delivered = await telegram_stub.stats()
        async with httpx.AsyncClient(timeout=30) as client:
            sms = (await client.get(f"{sms_stub.base_url}/_stats")).json()
    arrived = {d[1]: d[2] for d in delivered}
    waits = sorted(arrived[text] - at for text, at in queued_at.items() if text in arrived)
    bodies = [s[1] for s in sms["sent"]]
    sms_segments = sum(s[3] for s in sms["sent"])
    last = max(s[2] for s in sms["sent"])
    seconds = last - started
    return {"sms_texts": texts, "sms_segments": sms_segments,
            "sms_limit_per_second": limit, "sms_seconds": round(seconds, 2),
            "sms_achieved_per_second": round(sms_segments / seconds, 1),
            "sms_efficiency": round(sms_segments / seconds / limit, 3),
            "sms_over_limit_segments": sms["over_limit"],
            "sms_lost": texts - len(set(bodies)), "sms_doubled": len(bodies) - len(set(bodies)),
            "sms_rows_sent": sent_rows,
            "replies": replies, "answered": len(waits),
            "replies_while_wave_drained": replies_done < last,
            "reply_ms_p50": round(statistics.median(waits) * 1000, 1),
            "reply_ms_p95": round(waits[int(0.95 * (len(waits) - 1))] * 1000, 1),
            "reply_ms_p99": round(waits[int(0.99 * (len(waits) - 1))] * 1000, 1),
            "reply_ms_max": round(waits[-1] * 1000, 1), "telegram_rejected_429": rejected}


async def cases(args: argparse.Namespace, url: str) -> dict[str, object]:
    cases = set(args.cases.split(","))
    result: dict[str, object] = {}
    if "scaled" in cases:
        result["scaled"] = await wave(url, args.messages, args.scale, 100_000)
    if "real" in cases:
        result["real_limits"] = await wave(url, args.real_messages, 1.0, 300_000)
    if "latency" in cases:
        result["reply_latency_during_wave"] = await latency(url, args.latency_wave,
                                                            args.replies)
    if "cross" in cases:
        result["telegram_reply_during_sms_wave"] = await cross_channel(
            url, args.sms_segments, args.sms_scale, args.cross_replies)
    return result


async def main(args: argparse.Namespace, url: str, milliseconds: float) -> dict[str, object]:
    """Every case in --cases, with the endpoints answering in `milliseconds`."""
    from concurrent.futures import ThreadPoolExecutor

    from bot.dispatch.outbox import MAX_IN_FLIGHT

    # The twilio library blocks, so each text waiting for Twilio's answer holds a thread:
    # as many threads as a lane may have texts on their way (the default pool has
    # min(32, CPUs + 4)).
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT + 4))
    await upgrade(url)
    LATENCY[:] = [milliseconds / 1000, args.latency_jitter]
    return {"latency_ms": milliseconds, "latency_jitter": args.latency_jitter,
            **await cases(args, url)}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve-sms"]:  # the SMS endpoint, in a process of its own
        SmsEndpoint(float(sys.argv[3])).serve(int(sys.argv[2]), float(sys.argv[4]),
                                              float(sys.argv[5]))
        sys.exit(0)
    if sys.argv[1:2] == ["--serve-telegram"]:  # the Bot API stub, in a process of its own
        serve_telegram(int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]),
                       float(sys.argv[5]))
        sys.exit(0)
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--scale", type=float, default=6.0)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--real-messages", type=int, default=600)
    parser.add_argument("--latency-wave", type=int, default=900)
    parser.add_argument("--replies", type=int, default=40)
    parser.add_argument("--cases", default="scaled,real,latency,cross",
                        help="which runs, comma-separated: scaled,real,latency,cross")
    parser.add_argument("--sms-segments", type=int, default=5_000)
    parser.add_argument("--sms-scale", type=float, default=10.0,
                        help="the SMS sender's rate: 10 segments a second times this")
    parser.add_argument("--cross-replies", type=int, default=80)
    parser.add_argument("--latency-ms", default="0",
                        help="the endpoints' answer time in ms; several, comma-separated")
    parser.add_argument("--latency-jitter", type=float, default=0.0,
                        help="give or take this fraction of it, uniformly")
    arguments = parser.parse_args()
    from scratch import scratch_database

    output: dict[str, object] = {
        "bench": "dispatch", "database": "postgresql" if arguments.database_url and
        not arguments.database_url.startswith("sqlite") else "sqlite",
        "load_average_before": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count()}
    runs = []
    for milliseconds in [float(ms) for ms in str(arguments.latency_ms).split(",")]:
        with scratch_database(arguments.database_url, "dispatch") as scratch_url:
            runs.append(asyncio.run(main(arguments, scratch_url, milliseconds)))
    if len(runs) == 1:
        output.update(runs[0])
    else:
        output["runs"] = runs
    output["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(output))
