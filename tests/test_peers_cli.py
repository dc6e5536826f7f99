"""What coordinators do from a terminal: `movemates volunteers invite|list`,
`movemates coordinator add` and `movemates peers report`, run as programs against the
same database the engine uses (SQLite, and PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address
from support.peers import peer_world

ROOT = Path(__file__).resolve().parents[1]
EN = library().for_language("en")
CODE = re.compile(r"valid for (\d+) days: ([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})$", re.M)

ANN = Address("sms", "+447700900150")
BOB = Address("sms", "+447700900151")
SAM = Address("telegram", "424242")
PAT = Address("telegram", "434343")
CY = Address("telegram", "525252")


async def movemates(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    for key in ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID"):
        env.pop(key, None)
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot.cli", *args], capture_output=True,
        text=True, env=env, cwd=ROOT, timeout=120)


def code_from(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    found = CODE.search(done.stdout)
    assert found, done.stdout
    return found.group(2)


def now() -> datetime:
    """Codes from the command line are dated by the real clock, so the engine uses it too."""
    return datetime.now(UTC).replace(microsecond=0)


async def test_an_invited_supporter_and_moderator_join_with_their_codes(
        settings: Settings) -> None:
    supporter = code_from(await movemates(settings, "volunteers", "invite", "--role",
                                          "supporter"))
    moderator = code_from(await movemates(settings, "volunteers", "invite", "--role",
                                          "moderator", "--days", "3"))
    assert supporter != moderator
    async with peer_world(settings, start=now()) as w:
        heard = await w.conversation(SAM, f"volunteer {supporter}", "1", "Sam", "2", "8",
                                     "1", "1", "skip")
        assert heard.only(SAM) == EN.text("peers.volunteer.done.supporter", name="Sam")
        heard = await w.says(PAT, f"volunteer {moderator}")
        assert heard.only(PAT) == EN.text("peers.volunteer.conduct.moderator")
        heard = await w.conversation(PAT, "1", "Pat")
        assert heard.only(PAT) == EN.text("peers.volunteer.done.moderator", name="Pat")
        heard = await w.says(BOB, f"volunteer {supporter}")  # used already
        assert heard.only(BOB) == EN.text("peers.volunteer.bad_code")


async def test_a_coordinator_code_makes_a_coordinator_who_can_moderate(
        settings: Settings) -> None:
    done = await movemates(settings, "coordinator", "add")
    code = code_from(done)
    assert "coordinator" in done.stdout
    async with peer_world(settings, start=now()) as w:
        heard = await w.says(CY, f"volunteer {code}")
        assert heard.only(CY) == EN.text("peers.volunteer.conduct.coordinator")
        heard = await w.conversation(CY, "1", "Cy")
        assert heard.only(CY) == EN.text("peers.volunteer.done.coordinator", name="Cy")
        heard = await w.says(CY, "cases")
        assert heard.only(CY) == EN.text("peers.moderation.none_open")


async def test_invites_are_for_supporters_and_moderators_for_at_least_a_day(
        settings: Settings) -> None:
    wrong_role = await movemates(settings, "volunteers", "invite", "--role", "coordinator")
    assert wrong_role.returncode == 2
    no_days = await movemates(settings, "volunteers", "invite", "--role", "supporter",
                              "--days", "0")
    assert no_days.returncode == 2
    assert "at least one day" in no_days.stderr


async def test_the_list_shows_roles_how_many_each_supports_and_who_is_on_a_break(
        settings: Settings) -> None:
    async with peer_world(settings, start=now()) as w:
        await w.supporter(SAM, "Sam", capacity="2")
        await w.supporter(PAT, "Pat")
        await w.says(PAT, "pause volunteering")
        await w.moderator(CY, "Cy")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        await w.connected(ANN, SAM)
        ids = {who: await w.person_id(who) for who in (SAM, PAT, CY)}
    done = await movemates(settings, "volunteers", "list")
    assert done.returncode == 0, done.stderr
    rows = {int(line.split()[0]): line.split() for line in done.stdout.splitlines()}
    assert rows[ids[SAM]][1:] == ["supporter", "Sam", "1/2", "available"]
    assert rows[ids[PAT]][1:] == ["supporter", "Pat", "0/1", "paused"]
    assert rows[ids[CY]][1:3] == ["moderator", "Cy"]
    assert len(rows) == 3  # Ann is not a volunteer


async def test_the_report_counts_what_happened(settings: Settings) -> None:
    async with peer_world(settings, start=now()) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        await w.connected(ANN, SAM)
        await w.says(SAM, "Lovely to meet you, Ann. " * 12)  # long: several SMS segments
        await w.says(ANN, "Thanks! Call me on 07700 900123")  # held back
        await w.says(ANN, "report")
        await w.resident(BOB, "Bob")
        await w.asks_for_buddy(BOB)  # Sam is busy: Bob waits
    done = await movemates(settings, "peers", "report")
    assert done.returncode == 0, done.stderr
    figures = dict(line.split(": ", 1) for line in done.stdout.splitlines())
    assert figures["requests waiting"] == "1"
    assert figures["chats open"] == "1"
    assert figures["chats ended"] == "0"
    assert figures["reports open"] == "1"
    assert figures["messages relayed"] == "1"
    assert figures["messages held back (contact details)"] == "1"
    assert int(figures["SMS segments used by relayed messages"]) >= 2
