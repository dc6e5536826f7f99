"""A Telegram "hi" during a burst of inbound texts: how long until it is handled (its reply
queued)? The inbound side of "one channel never waits for another" (issue 13;
bot/channels/admission.py).

    .venv/bin/python bench/inbound.py [--database-url URL] [--bursts 60,300] [--rounds 3]
        [--at-once 4,0]

Each round, in a fresh database: the engine warmed (safety screen loaded), one hi alone,
then --bursts signed Twilio webhooks (new senders, words that go through the safety
screen) posted at once through the real SMS channel, and 50 ms later a hi from a new
Telegram user through the real Telegram channel (python-telegram-bot's own parsing). It
reports the hi's time alone and during the burst (median and worst of the rounds), where
it finished among the texts, and how long the burst took (texts a second). --at-once is
how many of one channel's messages may be in the engine at once; 0 means no door (every
message straight into the engine's one line, as before), for comparison. Nothing is sent
out: the dispatcher is not running, replies stay queued. Prints one JSON line, with the
load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from twilio.request_validator import RequestValidator

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from telegram import Update  # noqa: E402

from bot.app import build  # noqa: E402
from bot.channels.admission import Admission  # noqa: E402
from bot.channels.sms import SmsChannel  # noqa: E402
from bot.channels.telegram import TelegramChannel  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.core.events import Address, Inbound  # noqa: E402
from bot.engine.plan import Handled  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.web import create_app  # noqa: E402

PUBLIC = "https://movemates.example.org"
ACCOUNT, TOKEN = "AC" + "0" * 32, "bench-token"
WORDS = ["hi", "I have been feeling a bit low since my knee op, is there anything gentle "
         "near LE4?", "what's on near me for people with COPD, I get breathless on stairs"]
_ids = itertools.count(1)


class Finished:
    """The engine, noting the channel of each message as it finishes."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.db, self.clock, self.content = engine.db, engine.clock, engine.content
        self.on_queued = engine.on_queued
        self.order: list[str] = []

    async def handle(self, address: Address, event: Inbound, **kwargs: Any) -> Handled:
        handled: Handled = await self.engine.handle(address, event, **kwargs)
        self.order.append(address.channel)
        return handled

    async def claim_inbound(self, channel: str, external_id: str) -> bool:
        return bool(await self.engine.claim_inbound(channel, external_id))

    async def set_reachable(self, address: Address, *, reachable: bool) -> None:
        await self.engine.set_reachable(address, reachable=reachable)


def hi(user: int) -> dict[str, Any]:
    sender = {"id": user, "is_bot": False, "first_name": "Kim"}
    return {"update_id": next(_ids), "message": {
        "message_id": next(_ids), "date": int(time.time()), "text": "hi", "from": sender,
        "chat": {"id": user, "type": "private", "first_name": "Kim"}}}


async def one_round(url: str, burst: int, at_once: int) -> dict[str, Any]:
    await upgrade(url)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=url, twilio_account_sid=ACCOUNT,
        twilio_auth_token=TOKEN, public_base_url=PUBLIC, telegram_bot_token="1:bench")
    services = build(settings, paced=False)
    engine = Finished(services.engine)
    sms = SmsChannel(settings, engine, services.db, services.clock)  # type: ignore[arg-type]
    telegram = TelegramChannel(settings, engine, services.content)  # type: ignore[arg-type]
    if at_once == 0:  # no door: every message straight into the engine's line
        sms.admission = telegram.admission = Admission(10 ** 6)
    else:
        sms.admission, telegram.admission = Admission(at_once), Admission(at_once)
    app = create_app(services.db, {"telegram": True, "sms": True}, routes=sms.routes())
    signer = RequestValidator(TOKEN)

    async def text(client: httpx.AsyncClient, n: int) -> None:
        params = {"MessageSid": f"SM{next(_ids):032x}", "AccountSid": ACCOUNT,
                  "From": f"+4477009{n:05d}", "To": "+447700900999", "Body": WORDS[n % 3],
                  "NumMedia": "0"}
        signature = signer.compute_signature(f"{PUBLIC}/sms/inbound", params)
        response = await client.post("/sms/inbound", data=params,
                                     headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200, response.text

    async def timed_hi(user: int) -> float:
        started = time.perf_counter()
        await telegram.handle(Update.de_json(hi(user), telegram.application.bot))
        return time.perf_counter() - started

    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://testserver") as client:
            await asyncio.to_thread(services.engine.language, None)  # the screen, loaded
            await timed_hi(9000)  # the first turn of all warms caches
            alone = await timed_hi(9001)
            started = time.perf_counter()
            texts = [asyncio.create_task(text(client, n)) for n in range(burst)]
            await asyncio.sleep(0.05)
            during = await timed_hi(9002)
            place = engine.order.count("sms")
            await asyncio.gather(*texts)
            took = time.perf_counter() - started
    finally:
        await services.close()
    return {"alone_ms": alone * 1000, "during_ms": during * 1000,
            "texts_before_it": place, "burst_s": took}


def summary(rounds: list[dict[str, Any]], burst: int) -> dict[str, Any]:
    def median(key: str) -> float:
        return round(statistics.median(r[key] for r in rounds), 1)

    return {"burst": burst, "rounds": len(rounds),
            "hi_alone_ms_median": median("alone_ms"),
            "hi_during_burst_ms_median": median("during_ms"),
            "hi_during_burst_ms_max": round(max(r["during_ms"] for r in rounds), 1),
            "texts_handled_before_the_hi": [r["texts_before_it"] for r in rounds],
            "burst_s_median": round(statistics.median(r["burst_s"] for r in rounds), 2),
            "texts_per_second": round(burst / statistics.median(r["burst_s"] for r in rounds),
                                      1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--bursts", default="60,300")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--at-once", default="4,0",
                        help="one channel's messages in the engine at once; 0: no door")
    arguments = parser.parse_args()
    from scratch import scratch_database

    output: dict[str, Any] = {
        "bench": "inbound", "database": "postgresql" if arguments.database_url and
        not arguments.database_url.startswith("sqlite") else "sqlite",
        "load_average_before": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count()}
    runs = []
    for at_once in [int(x) for x in arguments.at_once.split(",")]:
        for burst in [int(x) for x in arguments.bursts.split(",")]:
            rounds = []
            for _ in range(arguments.rounds):
                with scratch_database(arguments.database_url, "inbound") as url:
                    rounds.append(asyncio.run(one_round(url, burst, at_once)))
            runs.append({"at_once": at_once or "no door", **summary(rounds, burst)})
    output["runs"] = runs
    output["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(output))


if __name__ == "__main__":
    main()
