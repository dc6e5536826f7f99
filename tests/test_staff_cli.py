"""`movemates staff add|list|disable|enable|link`, run as a program against the same
database the console uses (SQLite, and PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bot.config import Settings
from bot.staff.models import StaffAccount, StaffSetupLink
from bot.storage.db import Database
from bot.storage.models import AuditEntry

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"^(https?://\S+/staff/setup/([A-Za-z0-9_-]{40,}))$", re.M)


async def movemates(settings: Settings, *args: str, public: str | None = None
                    ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "TWILIO_", "PUBLIC_BASE_URL", "HOST", "PORT"))}
    env["DATABASE_URL"] = settings.database_url
    if public:
        env["PUBLIC_BASE_URL"] = public
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot.cli", *args], capture_output=True,
        text=True, env=env, cwd=ROOT, timeout=120)


async def rows(settings: Settings, model: type) -> list[object]:
    db = Database(settings.database_url)
    try:
        return await db.run(lambda c: list(c.execute(select(model)).mappings()))
    finally:
        await db.dispose()


async def test_the_first_coordinator_from_the_command_line(settings: Settings) -> None:
    added = await movemates(settings, "staff", "add", "Sam@Example.org", "--name", "Sam Jones",
                            "--role", "coordinator", public="https://mm.example.org/")
    assert added.returncode == 0, added.stderr
    assert "added Sam Jones <sam@example.org> as a coordinator" in added.stdout
    found = LINK.search(added.stdout)
    assert found and found.group(1).startswith("https://mm.example.org/staff/setup/")
    [link] = await rows(settings, StaffSetupLink)
    assert found.group(2) not in str(link)  # the token is kept only as a hash

    default = await movemates(settings, "staff", "add", "pat@example.org", "--name", "Pat",
                              "--role", "moderator")
    assert "http://127.0.0.1:8000/staff/setup/" in default.stdout

    listed = await movemates(settings, "staff", "list")
    lines = listed.stdout.splitlines()
    assert listed.returncode == 0 and len(lines) == 3
    assert "sam@example.org" in lines[2] and "coordinator" in lines[2]
    assert "waiting for set-up" in lines[2] and "never" in lines[2]

    fresh = await movemates(settings, "staff", "link", "SAM@example.org", "--reset-two-step")
    assert fresh.returncode == 0 and LINK.search(fresh.stdout)
    assert LINK.search(fresh.stdout).group(2) != found.group(2)  # type: ignore[union-attr]

    off = await movemates(settings, "staff", "disable", "pat@example.org")
    assert off.returncode == 0 and "disabled" in off.stdout
    assert "disabled" in (await movemates(settings, "staff", "list")).stdout
    refused = await movemates(settings, "staff", "link", "pat@example.org")
    assert refused.returncode == 1 and "disabled" in refused.stderr
    on = await movemates(settings, "staff", "enable", "pat@example.org")
    assert on.returncode == 0

    accounts = await rows(settings, StaffAccount)
    assert sorted(a["email"] for a in accounts) == ["pat@example.org", "sam@example.org"]
    actions = [e["action"] for e in await rows(settings, AuditEntry)]
    assert actions == ["staff_added", "staff_added", "staff_link_issued", "staff_disabled",
                       "staff_enabled"]


async def test_mistakes_get_one_clear_line(settings: Settings) -> None:
    await movemates(settings, "staff", "add", "sam@example.org", "--name", "Sam", "--role",
                    "coordinator")
    again = await movemates(settings, "staff", "add", "SAM@example.org", "--name", "Sam",
                            "--role", "moderator")
    assert again.returncode == 1 and "already an account" in again.stderr
    bad = await movemates(settings, "staff", "add", "sam", "--name", "Sam", "--role",
                          "moderator")
    assert bad.returncode == 1 and "not an email address" in bad.stderr
    role = await movemates(settings, "staff", "add", "x@example.org", "--name", "X", "--role",
                           "admin")
    assert role.returncode == 2 and "Traceback" not in role.stderr
    nobody = await movemates(settings, "staff", "disable", "who@example.org")
    assert nobody.returncode == 1 and "no account" in nobody.stderr
    empty = await movemates(settings, "staff")
    assert empty.returncode == 2
