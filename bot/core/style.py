"""content/STYLE.md's word rules as code: the limits and banned words in
`content/lint.yaml`, and the reading grade. One definition, used by the content lint
(`bot/tools/content_lint.py`) and by the catalogue's checks on the texts it shows
(`bot/places/text.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import textstat
import yaml

from bot.core.gsm7 import measure


@dataclass(frozen=True)
class Rules:
    max_chars: int
    max_grade: float
    min_words_for_grade: int
    banned: dict[str, str]
    allowed_phrases: tuple[str, ...]

    @property
    def max_segments(self) -> int:
        """The SMS segments `max_chars` plain characters take: the same limit, counted as
        networks count it (an escaped character never straddles two segments)."""
        return measure("a" * self.max_chars).segments

    @classmethod
    def load(cls, root: Path) -> Rules:
        data = yaml.safe_load((root / "lint.yaml").read_text(encoding="utf-8"))
        return cls(
            max_chars=int(data["max_chars"]),
            max_grade=float(data["max_grade"]),
            min_words_for_grade=int(data["min_words_for_grade"]),
            banned={str(k).lower(): str(v) for k, v in data["banned"].items()},
            allowed_phrases=tuple(data.get("allowed_phrases") or ()),
        )


def banned_words(text: str, rules: Rules) -> list[tuple[str, str]]:
    scrubbed = text
    for phrase in rules.allowed_phrases:
        scrubbed = re.sub(re.escape(phrase), " ", scrubbed, flags=re.IGNORECASE)
    found = []
    for phrase, reason in rules.banned.items():
        if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", scrubbed, flags=re.IGNORECASE):
            found.append((phrase, reason))
    return found


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))
