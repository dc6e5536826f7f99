"""Transcript files: a conversation written as the person says (>) and the bot says (<).

    # onboarding on SMS, skipping the health question
    #! channel: sms
    #! user: +447700900123
    > hi
    < Hello! I'm Move Mates. ...
    <
    < Before we start: ...
    ~ advance 2d

`>` lines are fed to `movemates chat` exactly as typed (after "> "); `~` lines are chat's
system lines (advance the fake clock, share a location, press a button); the `<` lines
after an input are everything the bot printed in reply, a bare `<` separating messages.
`#!` lines set chat options: channel, user, start (fake clock start, ISO 8601), and
`times: on` to head each message with the London time it was sent.
Run with UPDATE_TRANSCRIPTS=1 to rewrite the expected lines after a deliberate change.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.chat import open_chat
from bot.config import Settings


@dataclass
class Step:
    line: str  # the input line as chat receives it
    expected: list[str] = field(default_factory=list)


@dataclass
class Transcript:
    path: Path
    options: dict[str, str]
    header: list[str]
    steps: list[Step]

    @classmethod
    def parse(cls, path: Path) -> Transcript:
        options: dict[str, str] = {}
        header: list[str] = []
        steps: list[Step] = []
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if raw.startswith("#!"):
                key, _, value = raw[2:].partition(":")
                options[key.strip()] = value.strip()
            if raw.startswith("#") or (not raw.strip() and not steps):
                if not steps:
                    header.append(raw)
                continue
            if raw.startswith("> ") or raw == ">":
                steps.append(Step(raw[2:]))
            elif raw.startswith("~"):
                steps.append(Step(raw))
            elif raw.startswith("<"):
                if not steps:
                    raise ValueError(f"{path}:{number}: bot line before any input")
                steps[-1].expected.append(raw[2:] if raw.startswith("< ") else raw[1:])
            elif raw.strip():
                raise ValueError(f"{path}:{number}: lines start with >, <, ~ or #")
        return cls(path, options, header, steps)

    def render(self, outputs: list[list[str]]) -> str:
        lines = list(self.header)
        if lines and lines[-1].strip():
            lines.append("")
        for step, output in zip(self.steps, outputs, strict=True):
            lines.append(step.line if step.line.startswith("~") else f"> {step.line}".rstrip()
                         if step.line else ">")
            lines.extend(f"< {o}" if o else "<" for o in output)
        return "\n".join(lines) + "\n"


async def play(transcript: Transcript, settings: Settings) -> list[list[str]]:
    """Run every input through the real engine and storage; return what the bot said."""
    options = transcript.options
    start = datetime.fromisoformat(options["start"]) if "start" in options else None
    outputs: list[list[str]] = []
    async with open_chat(settings, channel=options.get("channel", "console"),
                         user=options.get("user"), fake_clock=True, start=start,
                         migrate=False, show_times=options.get("times") == "on") as session:
        for step in transcript.steps:
            output, errors = await session.feed(step.line)
            if errors:
                raise AssertionError(f"{transcript.path.name}: {step.line!r}: {errors}")
            outputs.append(output)
    return outputs


def differences(transcript: Transcript, outputs: list[list[str]]) -> str:
    expected = transcript.render([s.expected for s in transcript.steps]).splitlines()
    actual = transcript.render(outputs).splitlines()
    return "\n".join(difflib.unified_diff(expected, actual, "expected", "actual", lineterm=""))
