"""What the safety screen makes of a message, as plain values the engine acts on
(`Assessment`), and the one thing the engine needs of a screen (`Screen`). The screen
itself (lexicon, ConText, the second reader) is `bot/safety/screen.py`; the app hands the
engine one per language, so the engine imports no feature."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class SafetyCategory(StrEnum):
    CRISIS = "crisis"  # Samaritans, SHOUT, NHS 111 mental health, 999 if in danger
    RED_FLAG = "red_flag"  # 999 or NHS 111, by topic


@dataclass(frozen=True)
class SafetyFinding:
    """Something urgent: `topic` names the reply (`safety.reply.<topic>` in content)."""

    category: SafetyCategory
    topic: str


# Answers key: when distress in a peer chat last got a note of care (ISO time, London-aware).
CARE_NOTE_KEY = "care_note_at"


@dataclass(frozen=True)
class Assessment:
    """What the screen made of one message. `findings` are most urgent first."""

    findings: tuple[SafetyFinding, ...] = ()
    medical_question: bool = False
    distress: bool = False
    health_worse: bool = False  # the distress is about health: mention GP and NHS 111
    labels: frozenset[str] = field(default_factory=frozenset)  # what matched, for tests
    # Set when the findings came from this message read after the end of the last one
    # (a crisis split over messages): both, as the duty team should see them.
    joined: str | None = None
    # Every finding told as a standing pattern ("I get chest pain on hills"), with no word
    # of now: the engine may meet it with when to get help, where the message answers a
    # question about their own health.
    standing: bool = False
    # The screen failed on this message (hazard log H9): nobody knows what it says. The
    # engine handles it as usual, with the urgent numbers first, and a person reads it.
    unscreened: bool = False

    @property
    def urgent(self) -> SafetyFinding | None:
        return self.findings[0] if self.findings else None


class Screen(Protocol):
    def assess(self, text: str) -> Assessment:
        """Read one message (any length, any characters); never raises on odd input."""
        ...
