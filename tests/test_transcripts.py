"""Every conversation in tests/transcripts/, through the real engine and storage."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot.config import Settings
from support.transcript import Transcript, differences, play

FOLDER = Path(__file__).parent / "transcripts"
FILES = sorted(FOLDER.glob("*.txt"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_transcript(path: Path, settings: Settings) -> None:
    transcript = Transcript.parse(path)
    assert transcript.steps, f"{path.name} has no steps"
    outputs = await play(transcript, settings)
    diff = differences(transcript, outputs)
    if diff and os.environ.get("UPDATE_TRANSCRIPTS") == "1":
        await asyncio.to_thread(path.write_text, transcript.render(outputs), encoding="utf-8")
        pytest.skip(f"rewrote {path.name}")
    assert not diff, f"{path.name} differs:\n{diff}"
