"""The coordinators' impact report: honest counts from what really happened, with nothing
that identifies anyone, and small numbers hidden unless the team asks for them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from bot.config import Settings
from bot.core.events import Address, Inbound
from bot.places.feedback import record_feedback
from bot.tools import impact
from support.engine import ONBOARDING, START, running, say

ROOT = Path(__file__).resolve().parents[1]
PERIOD = (START - timedelta(days=1), START + timedelta(days=1))


async def a_fortnight_of_use(services) -> None:  # type: ignore[no-untyped-def]
    """Six people: five sent by a physio on Telegram, one by SMS who then stops; one
    mentions chest pain; one asks us to delete everything."""
    for n in range(5):
        address = Address("telegram", str(500 + n))
        await services.engine.handle(address, Inbound.from_text("hi"), referral="physio")
        await say(services, address, *ONBOARDING[1:])
    sms = Address("sms", "+447700900301")
    await say(services, sms, *ONBOARDING, "STOP")
    await say(services, Address("telegram", "500"), "I have chest pain")
    await say(services, Address("telegram", "501"), "delete my data", "1")
    for answer in ("loved", "loved", "not_as_described"):
        await services.db.run(lambda c, a=answer: record_feedback(
            c, "park-watermead", a, START))


async def test_counts_come_from_what_happened(settings: Settings) -> None:
    async with running(settings) as (services, _):
        await a_fortnight_of_use(services)
        figures = await services.db.run(lambda c: impact.gather(c, *PERIOD))
    assert figures.total("joined") == 6
    assert figures.details("joined") == [("physio", 5), ("direct", 1)]
    assert figures.total("onboarded") == 6  # counted when it happened, kept after erasure
    assert figures.total("opted_out") == 1
    assert figures.total("erased") == 1
    assert figures.total("safety") == 1
    assert figures.feedback == {"loved": 2, "not_as_described": 1}
    assert figures.flagged == {"park-watermead": 1}
    assert figures.now["people"] == 5  # the erased person is gone
    assert figures.now["opted_out_now"] == 1


async def test_small_counts_are_hidden_unless_asked(settings: Settings) -> None:
    async with running(settings) as (services, _):
        await a_fortnight_of_use(services)
        figures = await services.db.run(lambda c: impact.gather(c, *PERIOD))
        content = services.content.for_language("en")
    text = impact.as_text(figures, content)
    assert "Started a chat: 6" in text
    assert "from physio: 5" in text and "from direct: <5" in text
    assert "Stopped all messages: <5" in text
    assert "park-watermead: 1" in text  # places are not people: always exact
    exact = impact.as_text(figures, content, exact=True)
    assert "Stopped all messages: 1" in exact and "from direct: 1" in exact
    assert "<5" not in exact
    published = impact.as_json(figures)
    assert published["events"]["opted_out"] == {"total": "<5", "by_detail": {}}


async def test_nothing_outside_the_period_is_counted(settings: Settings) -> None:
    async with running(settings) as (services, _):
        await a_fortnight_of_use(services)
        later = (START + timedelta(days=2), START + timedelta(days=30))
        figures = await services.db.run(lambda c: impact.gather(c, *later))
    assert not figures.events and not figures.feedback
    assert figures.now["people"] == 5  # "right now" is a snapshot, not a period


def test_the_command_prints_json(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'impact.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "impact", "--since", "2026-01-01", "--until",
         "2026-01-31", "--json"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["since"].startswith("2026-01-01") and report["until"].startswith("2026-02-01")
    backwards = subprocess.run(
        [sys.executable, "-m", "bot.cli", "impact", "--since", "2026-02-01", "--until",
         "2026-01-01"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert backwards.returncode == 2
