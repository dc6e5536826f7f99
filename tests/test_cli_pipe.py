"""`movemates chat` driven one line at a time through real pipes, as a program (or a person
piping) drives it: a whole turn arrives before the next line is written, each message of it
flushed the moment it is sent; odd input, a huge line, Ctrl-D and Ctrl-C never crash it."""

from __future__ import annotations

import io
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIRST_TURN = 240.0  # the first message builds the safety screen: slow on a busy machine
TURN = 60.0


def environment(db: Path) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    # Python's own unbuffered mode would hide a missing flush: the program must flush.
    for key in ("PYTHONUNBUFFERED", "TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID"):
        env.pop(key, None)
    return env


class Piped:
    """The chat as a child process. Output is read from the pipe itself (`os.read` after
    `select`), so nothing can hide in this side's buffers: what is seen is what was sent."""

    def __init__(self, db: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "chat", *args], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment(db), cwd=ROOT)
        self.seen = b""

    def say(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def wait_for(self, done: Callable[[str], bool], timeout: float) -> str:
        """Read until `done(everything since the last call)`; fail after `timeout`."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while not done(self.seen.decode()):
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"turn incomplete after {timeout:.0f} s; got {self.seen!r}")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    pytest.fail(f"chat ended mid-turn; got {self.seen!r}; "
                                f"stderr {self.stderr()!r}")
                self.seen += chunk
        text, self.seen = self.seen.decode(), b""
        return text

    def nothing_more(self, seconds: float = 1.0) -> None:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout.fileno()], [], [], seconds)
        extra = os.read(self.process.stdout.fileno(), 65536) if ready else b""
        assert not extra and not self.seen, f"more than the turn: {self.seen + extra!r}"

    def stderr(self) -> str:
        assert self.process.stderr is not None
        if self.process.poll() is None:
            return ""
        return self.process.stderr.read().decode()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "pipe.db"


def records(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def json_messages(count: int) -> Callable[[str], bool]:
    return lambda text: text.endswith("\n") and len(text.splitlines()) >= count


def ends_with_a_question(text: str) -> bool:
    """A turn is over when a message with options has arrived whole."""
    return text.endswith("\n") and any(r["options"] for r in records(text))


def test_jsonl_line_by_line_gets_each_whole_turn_before_the_next_line(db: Path) -> None:
    chat = Piped(db, "--jsonl", "--user", "X")
    try:
        chat.say("hi")
        welcome, privacy = records(chat.wait_for(json_messages(2), FIRST_TURN))
        assert welcome["options"] == [] and welcome["to"] == "console:X"
        assert privacy["options"] == ["OK, let's start", "Tell me more", "Not now"]
        chat.nothing_more()

        chat.say("1")  # OK, let's start: the next question comes, with its options
        answer = records(chat.wait_for(ends_with_a_question, TURN))
        assert answer[-1]["options"], answer
        chat.nothing_more()

        chat.say("1")
        assert records(chat.wait_for(ends_with_a_question, TURN))[-1]["options"]
        assert chat.process.stdin is not None
        chat.process.stdin.close()  # Ctrl-D
        assert chat.process.wait(timeout=TURN) == 0
        assert "Traceback" not in chat.stderr()
    finally:
        chat.close()


def test_plain_text_line_by_line_then_ctrl_c(db: Path) -> None:
    chat = Piped(db, "--channel", "sms", "--user", "07700900123")
    try:
        chat.say("hi")
        # SMS shows options as numbered lines; a blank line follows each message.
        turn = chat.wait_for(lambda t: "3 Not now" in t and t.endswith("\n\n"), FIRST_TURN)
        assert turn.startswith("Hello! I'm Move Mates.")
        chat.nothing_more()

        chat.say("1")
        turn = chat.wait_for(lambda t: "\n1 " in t and t.endswith("\n\n"), TURN)
        assert "Traceback" not in turn
        chat.nothing_more()

        chat.process.send_signal(signal.SIGINT)  # Ctrl-C while it waits for a line
        assert chat.process.wait(timeout=TURN) == 130
        assert "Traceback" not in chat.stderr()
    finally:
        chat.close()


def test_odd_input_never_crashes_the_chat(db: Path) -> None:
    lines = [
        b"hi",
        b"\xff\xfe not UTF-8 at all",
        b"a NUL\x00inside",
        b"\xed\xa0\x80 an encoded lone surrogate",
        "\u202eright-to-left e\u0301\u0301 z\u0335 😀🏳️‍🌈 \ufeff".encode(),
        b"x" * 300_000,  # far longer than any channel carries
        b"@sms:\xff speaking as nobody",
        "~ press ☃".encode(),
        b"~ location nan inf",
        b"~",
        b"@",
        b"\r",
        b"\t ",
    ]
    data = b"\n".join(lines) + b"\nlast words without a line break"
    done = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--jsonl"], input=data,
                          capture_output=True, env=environment(db), cwd=ROOT,
                          timeout=FIRST_TURN)
    stderr = done.stderr.decode()
    assert done.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "line 6 is longer than 65536 bytes" in stderr
    assert "cannot speak as" in stderr and "~ location" in stderr
    replies = records(done.stdout.decode())
    # Every line with words got an answer (hi: two); blank ones are not messages.
    assert len(replies) >= 9
    assert all(r["to"] == "console:local" for r in replies)


class Recorder(io.StringIO):
    """A stdout that remembers which lines were written before each flush."""

    def __init__(self) -> None:
        super().__init__()
        self.flushed: list[str] = []

    def flush(self) -> None:
        self.flushed.append(self.getvalue())
        super().flush()


def test_each_message_is_flushed_as_it_is_sent(db: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Not one burst at the end of a turn: a reader that takes a line and then waits on the
    pipe for more would find the rest already swallowed by its own read buffer."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.setattr(sys, "stdin", io.StringIO("hi\n"))
    out = Recorder()
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["chat", "--jsonl"]) == 0
    welcome, privacy = out.getvalue().splitlines()
    assert json.loads(privacy)["options"]
    # Some flush saw the welcome alone: it went out before the privacy question was sent.
    assert welcome + "\n" in out.flushed
    assert out.flushed[-1] == out.getvalue()
    assert "Traceback" not in capsys.readouterr().err
