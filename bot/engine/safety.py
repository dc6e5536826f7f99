"""The safety screen: red-flag symptoms and crisis language, before any conversation logic.

Deliberately simple and conservative: a phrase list from content, a negation window so
"no chest pain today" does not fire, and a few markers of long-past history. A false
alarm costs one kind signpost message; a miss could cost much more.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.engine.content import Content
from bot.engine.textnorm import stem, tokens

NEGATION_WINDOW = 4


class SafetyCategory(StrEnum):
    CRISIS = "crisis"
    RED_FLAG = "red_flag"


@dataclass(frozen=True)
class SafetyFinding:
    category: SafetyCategory
    topic: str


def _words(text: str) -> list[str]:
    # "don't" and "dont" must read the same.
    return [stem(t) for t in tokens(text.replace("'", "").replace("\u2019", ""))]


@dataclass(frozen=True)
class SafetyScreen:
    crisis: tuple[tuple[str, ...], ...]
    red_flags: dict[str, tuple[tuple[str, ...], ...]]
    negations: frozenset[str]
    history: tuple[tuple[str, ...], ...]

    @classmethod
    def from_content(cls, content: Content) -> SafetyScreen:
        def phrases(key: str) -> tuple[tuple[str, ...], ...]:
            return tuple(tuple(_words(p)) for p in content.words(key) if _words(p))

        topics = list(content.keys_under("safety.red_flags"))
        return cls(
            crisis=phrases("safety.crisis"),
            red_flags={topic: phrases(f"safety.red_flags.{topic}") for topic in topics},
            negations=frozenset(w for p in content.words("safety.negations") for w in _words(p)),
            history=phrases("safety.history_markers"),
        )

    def check(self, text: str) -> SafetyFinding | None:
        words = _words(text)
        if not words:
            return None
        # Crisis language is never discounted by negation or history: "not sure I want
        # to live" must still reach Samaritans.
        if any(_positions(phrase, words) for phrase in self.crisis):
            return SafetyFinding(SafetyCategory.CRISIS, "crisis")
        if any(_positions(marker, words) for marker in self.history):
            return None
        for topic, phrases in self.red_flags.items():
            for phrase in phrases:
                for start in _positions(phrase, words):
                    if not self._negated(words, start):
                        return SafetyFinding(SafetyCategory.RED_FLAG, topic)
        return None

    def _negated(self, words: list[str], start: int) -> bool:
        window = words[max(0, start - NEGATION_WINDOW):start]
        # "no pain but my chest hurts": a 'but' ends the negation's reach.
        if "but" in window:
            window = window[len(window) - window[::-1].index("but"):]
        return any(w in self.negations for w in window)


def _positions(phrase: tuple[str, ...], words: list[str]) -> list[int]:
    size = len(phrase)
    return [i for i in range(len(words) - size + 1) if tuple(words[i:i + size]) == phrase]
