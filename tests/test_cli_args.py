"""Bad arguments to any `movemates` command: exit status 2 and one clear line on standard
error, `movemates SUBCOMMAND: error: ... (see movemates SUBCOMMAND --help)`, never a
traceback. Run in-process over many cases, and as real programs for a few."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]

BAD = [
    # chat: who you are, and the fake clock
    ["chat", "--user", "sms:+4477009001234567"],  # too long to be a phone number
    ["chat", "--user", "sms:not-a-number"],
    ["chat", "--user", "telegram:abc"],
    ["chat", "--user", "telegram:"],
    ["chat", "--user", ""],
    ["chat", "--user", "   "],
    ["chat", "--user", "x" * 65],
    ["chat", "--channel", "sms", "--user", "hello"],
    ["chat", "--channel", "telegram", "--user", "alice"],
    ["chat", "--channel", "fax"],
    ["chat", "--clock", "sundial"],
    ["chat", "--clock", "fake", "--start", "notadate"],
    ["chat", "--clock", "fake", "--start", "2026-01-01"],  # no time, no zone
    ["chat", "--clock", "fake", "--start", "2026-01-01T08:00"],  # no zone
    ["chat", "--clock", "fake", "--start", "2026-02-30T08:00Z"],
    ["chat", "--clock", "fake", "--start", "0001-01-01T00:00+00:00"],
    ["chat", "--start", "2026-06-01T08:00Z"],  # only with --clock fake
    ["chat", "--user"],
    ["chat", "--jsonl=yes"],
    ["chat", "stray"],
    # impact: days
    ["impact", "--since", "2026-13-01"],
    ["impact", "--since", "yesterday"],
    ["impact", "--until", "2026-01-32"],
    ["impact", "--until", "9999-12-31"],
    ["impact", "--since", "0001-01-01"],
    ["impact", "--since", "2026-02-01", "--until", "2026-01-01"],
    ["impact", "--since", "2999-01-01"],  # after today, the default --until
    ["impact", "--json", "extra"],
    # serve
    ["serve", "--port", "99999"],
    ["serve", "--port", "0"],
    ["serve", "--port", "http"],
    ["serve", "--port", "-1"],
    # volunteers, coordinators, peers
    ["volunteers", "invite"],  # --role is required
    ["volunteers", "invite", "--role", "boss"],
    ["volunteers", "invite", "--role", "supporter", "--days", "0"],
    ["volunteers", "invite", "--role", "supporter", "--days", "-3"],
    ["volunteers", "invite", "--role", "supporter", "--days", "x"],
    ["volunteers", "invite", "--role", "supporter", "--days", "99999999"],
    ["volunteers", "invite", "--role", "supporter", "--days", "1.5"],
    ["volunteers", "sack"],
    ["coordinator", "add", "--days", "²"],
    ["coordinator"],
    ["peers", "report", "--all"],
    ["peers"],
    # alerts
    ["alerts", "show", "twelve"],
    ["alerts", "show", "-1"],
    ["alerts", "show", "1234567890"],
    ["alerts", "show"],
    ["alerts", "note", "1"],  # no words
    ["alerts", "close", "x", "done"],
    ["alerts", "duty", "abc", "on"],
    ["alerts", "duty", "12", "maybe"],
    ["alerts", "panic"],
    # catalogue
    ["catalogue", "import-openactive", "notaurl"],
    ["catalogue", "import-openactive", "ftp://example.org/feed"],
    ["catalogue", "import-openactive", "http://[bad"],
    ["catalogue", "import-openactive", "https://"],
    ["catalogue", "import-openactive", "https://example.org/feed", "--delay", "-1"],
    ["catalogue", "import-openactive", "https://example.org/feed", "--delay", "nan"],
    ["catalogue", "import-openactive", "https://example.org/feed", "--timeout", "0"],
    ["catalogue", "import-openactive", "https://example.org/feed", "--timeout", "inf"],
    ["catalogue", "import-openactive", "https://example.org/feed", "--max-pages", "0"],
    ["catalogue", "import-openactive", "https://example.org/feed", "--max-pages", "many"],
    ["catalogue", "import-openactive", "https://example.org/feed", "--name", "  "],
    ["catalogue", "import-openactive", "https://example.org/feed", "--name", "n" * 71],
    ["catalogue", "import-openactive"],
    ["catalogue", "export"],
    # the rest
    [],
    ["nonsense"],
    ["db"],
    ["db", "downgrade"],
    ["content"],
    ["content", "lint", "--fix"],
    ["--verbose"],
]


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, f"not one line: {text!r}"
    return lines[0]


@pytest.fixture(autouse=True)
def fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database nobody has used: bad arguments must be caught before it matters."""
    path = tmp_path / "unused.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    for key in ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID"):
        monkeypatch.delenv(key, raising=False)
    return path


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exit:
        return int(exit.code or 0)


@pytest.mark.parametrize("argv", BAD, ids=lambda argv: " ".join(argv) or "(nothing)")
def test_a_bad_argument_gets_one_line_and_exit_2(argv: list[str], fresh_database: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert run(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    line = one_line(err)
    assert line.startswith("movemates") and ": error: " in line
    assert "Traceback" not in err
    assert not fresh_database.exists()  # nothing was touched


def test_the_line_says_what_was_wrong(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["chat", "--user", "sms:+4477009001234567"]) == 2
    assert one_line(capsys.readouterr().err) == (
        "movemates chat: error: argument --user: 'sms:+4477009001234567': not a possible "
        "phone number (e.g. alice, sms:+447700900123, telegram:42) "
        "(see movemates chat --help)")
    assert run(["impact", "--since", "2026-13-01"]) == 2
    assert "'2026-13-01' is not a day; write YYYY-MM-DD" in capsys.readouterr().err
    assert run(["chat", "--clock", "fake", "--start", "2026-01-01T08:00"]) == 2
    assert "has no time zone" in capsys.readouterr().err


@pytest.mark.parametrize(("setting", "value"), [
    ("PORT", "eighty"),
    ("DATABASE_URL", "nonsense"),
    ("DATABASE_URL", "mysql://someone@somewhere/db"),
    ("CONTENT_DIR", "/nowhere/at/all"),
    ("DISPATCH_WORKERS", "several"),
])
def test_a_bad_setting_gets_one_line_and_exit_2(setting: str, value: str,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(setting, value)
    assert run(["peers", "report"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and setting in one_line(err) and "Traceback" not in err


def test_help_still_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"]) == 0
    assert run(["chat", "--help"]) == 0
    assert "--user" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["chat", "--user", "sms:+4477009001234567"],
    ["chat", "--user", "telegram:abc"],
    ["chat", "--user", ""],
    ["chat", "--clock", "fake", "--start", "2026-01-01"],
    ["impact", "--since", "2026-13-01"],
    ["volunteers", "invite", "--role", "supporter", "--days", "99999999"],
    ["serve", "--port", "99999"],
], ids=" ".join)
def test_as_a_program(argv: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", *argv], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert one_line(done.stderr).startswith(f"movemates {argv[0]}")
    assert ": error: " in done.stderr
    assert not (tmp_path / "unused.db").exists()
