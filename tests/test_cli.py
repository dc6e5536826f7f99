"""`movemates chat` as a program: stdin in, the channel's replies out, exit 0 at the end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.engine import ONBOARDING

ROOT = Path(__file__).resolve().parents[1]
MOVEMATES = [sys.executable, "-m", "bot.cli"]


def chat(db: Path, *args: str, lines: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    for key in ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID"):
        env.pop(key, None)
    return subprocess.run([*MOVEMATES, "chat", *args], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "chat.db"


def test_a_whole_onboarding_from_stdin(db: Path) -> None:
    done = chat(db, "--channel", "sms", "--user", "07700900123", lines=ONBOARDING)
    assert done.returncode == 0, done.stderr
    assert "Here is what you told me." in done.stdout
    assert "You're all set, Margaret!" in done.stdout
    assert "1 Walking" in done.stdout  # numbered options, as SMS shows them


def test_jsonl_gives_one_object_per_message(db: Path) -> None:
    done = chat(db, "--channel", "sms", "--jsonl", "--user", "+447700900123",
                lines=ONBOARDING[:2])
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["to"] for r in records] == ["sms:+447700900123"] * 3
    assert all({"to", "channel", "text", "options", "segments", "at"} <= r.keys()
               for r in records)
    privacy = records[1]
    assert privacy["options"] == ["OK, let's start", "Tell me more", "Not now"]
    assert privacy["segments"] == 2
    assert records[2]["text"].startswith("You can skip any question.")


def test_state_lives_in_the_database_between_runs(db: Path) -> None:
    chat(db, "--user", "alex", lines=ONBOARDING[:5])
    later = chat(db, "--user", "alex", "--jsonl", lines=["walking"])
    [reply] = [json.loads(line) for line in later.stdout.splitlines()]
    assert reply["text"].startswith("What would help you get moving?")


def test_at_lines_speak_as_other_people(db: Path) -> None:
    done = chat(db, "--jsonl", lines=["hello", "@sms:+447700900555 hi", "@telegram:77 hi"])
    assert done.returncode == 0, done.stderr
    recipients = {json.loads(line)["to"] for line in done.stdout.splitlines()}
    assert recipients == {"console:local", "sms:+447700900555", "telegram:77"}


def test_bad_lines_are_reported_and_the_run_goes_on(db: Path) -> None:
    done = chat(db, "--jsonl", lines=["@sms:not-a-number hi", "~ advance 1d", "~ fly", "hi"])
    assert done.returncode == 0
    assert "cannot speak as" in done.stderr
    assert "needs --clock fake" in done.stderr
    assert "unknown ~ command" in done.stderr
    assert json.loads(done.stdout.splitlines()[0])["to"] == "console:local"


def test_fake_clock_stamps_messages(db: Path) -> None:
    done = chat(db, "--jsonl", "--clock", "fake", "--start", "2026-06-01T08:00:00+00:00",
                lines=["hi", "~ advance 2h", "1"])
    stamps = [json.loads(line)["at"] for line in done.stdout.splitlines()]
    assert stamps[0].startswith("2026-06-01T08:00")
    assert stamps[-1].startswith("2026-06-01T10:00")


def test_empty_input_exits_cleanly(db: Path) -> None:
    done = chat(db, lines=[])
    assert done.returncode == 0
