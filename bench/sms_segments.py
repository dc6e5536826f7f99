"""What a full onboarding costs by SMS: texts, segments, and the mean per message.

    .venv/bin/python bench/sms_segments.py

Runs the standard onboarding script through the real engine and SMS rendering (no
network: `movemates chat --channel sms` wiring) and prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bot.chat import open_chat  # noqa: E402
from bot.config import Settings  # noqa: E402
from support.engine import ONBOARDING  # noqa: E402


async def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/bench.db", _env_file=None)
        records: list[dict[str, object]] = []
        async with open_chat(settings, channel="sms", user="+447700900123", jsonl=True,
                             fake_clock=True) as session:
            for line in ONBOARDING:
                output, _ = await session.feed(line)
                records += [json.loads(o) for o in output]
    segments = [int(r["segments"]) for r in records]
    messages = len({(r["at"], r["text"]) for r in records if r.get("part", 1) == 1})
    return {
        "bench": "sms_onboarding_segments",
        "inbound_texts": len(ONBOARDING),
        "outbound_messages": messages,
        "outbound_texts": len(records),
        "segments_total": sum(segments),
        "mean_segments_per_message": round(sum(segments) / messages, 2),
        "mean_segments_per_text": round(sum(segments) / len(records), 2),
        "max_segments_one_text": max(segments),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
