"""Every coordinator command on a fresh embedded database (no file, no folder yet): it
migrates the database first, as `chat` does, and then works (exit 0), or says in one line
why not (an alert that does not exist, a feed that cannot be reached); never a traceback."""

from __future__ import annotations

import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]


def closed_port() -> int:
    """A loopback port nobody listens on: a feed that cannot be reached."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


WORKS = [
    (["db", "upgrade"], "database is up to date"),
    (["catalogue", "list"], "opportunities"),
    (["volunteers", "list"], "No volunteers yet"),
    (["volunteers", "invite", "--role", "supporter"], "One-time code for a supporter"),
    (["volunteers", "invite", "--role", "moderator", "--days", "3"], "valid for 3 days"),
    (["coordinator", "add"], "One-time code for a coordinator"),
    (["peers", "report"], "requests waiting: 0"),
    (["alerts"], "No open safety alerts."),
    (["alerts", "list"], "No open safety alerts."),
    (["impact"], "Move Mates in numbers"),
    (["impact", "--since", "2026-01-01", "--until", "2026-01-31", "--exact"],
     "Move Mates in numbers"),
    (["impact", "--json"], '"since"'),
]
SAYS_WHY = [
    (["alerts", "show", "1"], "no safety alert 1"),
    (["alerts", "ok", "7"], "no safety alert 7"),
    (["alerts", "note", "7", "rang", "her"], "no safety alert 7"),
    (["alerts", "close", "7", "all", "well"], "no safety alert 7"),
    (["alerts", "duty", "12", "on"], "person 12 is not a volunteer or coordinator"),
    (["catalogue", "import-openactive", "http://127.0.0.1:{port}/feed", "--delay", "0",
      "--timeout", "2", "--max-pages", "1"], "FAILED: could not fetch the page"),
]
NEEDS_NO_DATABASE = [
    (["content", "lint"], "content lint"),
    (["catalogue", "validate"], "catalogue:"),
]


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "not" / "made" / "yet.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    for key in ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID"):
        monkeypatch.delenv(key, raising=False)
    return path


def migrated(path: Path) -> bool:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exit:
        return int(exit.code or 0)


@pytest.mark.parametrize(("argv", "said"), WORKS, ids=lambda v: " ".join(v)
                         if isinstance(v, list) else "")
def test_works_on_a_fresh_database(argv: list[str], said: str, fresh: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert run(argv) == 0
    out, err = capsys.readouterr()
    assert said in out and "Traceback" not in out + err
    assert migrated(fresh)
    if "--json" in argv:
        assert json.loads(out)["exact"] is False


@pytest.mark.parametrize(("argv", "said"), SAYS_WHY, ids=lambda v: " ".join(v)
                         if isinstance(v, list) else "")
def test_says_why_in_one_line_on_a_fresh_database(argv: list[str], said: str, fresh: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    argv = [arg.format(port=closed_port()) for arg in argv]
    assert run(argv) == 1
    out, err = capsys.readouterr()
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert len(lines) == 1 and said in lines[0], out + err
    assert migrated(fresh)


@pytest.mark.parametrize(("argv", "said"), NEEDS_NO_DATABASE, ids=lambda v: " ".join(v)
                         if isinstance(v, list) else "")
def test_content_checks_need_no_database(argv: list[str], said: str, fresh: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run(argv) == 0
    out, err = capsys.readouterr()
    assert said in out and "Traceback" not in out + err
    assert not fresh.exists()


def test_chat_with_no_input_on_a_fresh_database(fresh: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert run(["chat", "--channel", "telegram", "--user", "42"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err == ""
    assert migrated(fresh)


def test_a_database_that_cannot_be_made_gets_one_line(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{blocker}/movemates.db")
    assert run(["peers", "report"]) == 1
    out, err = capsys.readouterr()
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("movemates: "), out + err


@pytest.mark.parametrize("argv", [["catalogue", "list"], ["peers", "report"],
                                  ["alerts", "show", "3"]], ids=" ".join)
def test_as_a_program(argv: list[str], tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "movemates.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", *argv], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == (1 if argv[0] == "alerts" else 0), done.stdout + done.stderr
    assert "Traceback" not in done.stderr and migrated(path)
