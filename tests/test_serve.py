"""`movemates serve` starts on the embedded default with no accounts and answers /healthz."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    return launch([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], env)


def launch(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    # A session of its own, so stopping it also stops anything it started (sh -c ...).
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


# The safety screen's second reader is trained at start-up: about 20 s on a quiet machine,
# over 50 s on one busy with other test runs. The tests check that the service starts,
# not how fast (that is in BENCHMARKS.md).
def wait_healthy(port: int, process: subprocess.Popen[str], timeout: float = 180) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("server did not answer /healthz")


def stop(process: subprocess.Popen[str]) -> str:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
    return output


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "TWILIO_", "DATABASE_URL"))}
    return {**env, **extra}


def test_serve_on_sqlite_with_no_accounts(tmp_path: Path) -> None:
    port = free_port()
    process = start_server(clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}"), port)
    try:
        response = wait_healthy(port, process)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok",
                                   "channels": {"telegram": False, "sms": False}}
    finally:
        output = stop(process)
    assert "telegram: off" in output
    assert "sms: off" in output
    assert "movemates chat" in output
    assert (tmp_path / "serve.db").exists()
