"""Matching a typed answer to a question's options: by number, label or a close word.

People answer `1`, ` 1.`, `walk`, `WALKING`, `1 3 4`, `1,3`, `swimming and yoga` or
`skip`; all of these must work the same on SMS, Telegram and the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from functools import lru_cache

from bot.engine.textnorm import fold, stem, tokens

_NUMBER = re.compile(r"^\d{1,3}$")


@dataclass(frozen=True)
class Choice:
    """An option as the matcher sees it: its id, label and other words people use for it."""

    id: str
    label: str
    words: tuple[str, ...] = ()


class AnswerKind(StrEnum):
    CHOSEN = "chosen"
    SKIP = "skip"
    OWN_WORDS = "own_words"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Answer:
    kind: AnswerKind
    ids: tuple[str, ...] = ()
    own_words: str = ""
    out_of_range: bool = False

    @property
    def chosen(self) -> bool:
        return self.kind is AnswerKind.CHOSEN


@dataclass(frozen=True)
class Vocabulary:
    """Language-specific words the matcher needs, loaded from content."""

    skip: tuple[str, ...] = ("skip",)
    ignore: tuple[str, ...] = ()
    _skip_folded: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_skip_folded", frozenset(" ".join(tokens(s)) for s in self.skip))

    def is_skip(self, text: str) -> bool:
        return " ".join(tokens(text)) in self._skip_folded


Word = tuple[str, str]  # (as typed, folded; its rough stem)


def _words(text: str) -> list[Word]:
    return [(t, stem(t)) for t in tokens(text)]


@lru_cache(maxsize=8192)
def _phrases(choice: Choice, ignore: frozenset[str]) -> tuple[tuple[Word, ...], ...]:
    """Each way of naming a choice, as words without filler (cached: options rarely change)."""
    found = []
    for phrase in (choice.label, *choice.words):
        words = tuple(w for w in _words(phrase) if w[0] not in ignore)
        if words:
            found.append(words)
    return tuple(found)


def _close(a: Word, b: Word) -> bool:
    if a[1] == b[1]:
        return True
    # Only longer words get typo tolerance; 'gym'/'gin' must not meet.
    return min(len(a[0]), len(b[0])) >= 5 and SequenceMatcher(None, a[0], b[0]).ratio() >= 0.84


def _find(phrase: tuple[Word, ...], words: list[Word], used: set[int]) -> list[int] | None:
    """Positions of `phrase` as consecutive words in `words`, or None."""
    size = len(phrase)
    for start in range(len(words) - size + 1):
        span = range(start, start + size)
        if any(i in used for i in span):
            continue
        if all(_close(phrase[k], words[start + k]) for k in range(size)):
            return list(span)
    return None


def _match_words(text: str, choices: Sequence[Choice], ignore: frozenset[str]
                 ) -> tuple[list[str], list[int], list[str]]:
    """(matched ids in option order, numbers typed, leftover words that matched nothing)."""
    words = _words(text)
    raw = [w[0] for w in words]
    used: set[int] = set()
    numbers: list[int] = []
    for i, token in enumerate(raw):
        if _NUMBER.match(token):
            numbers.append(int(token))
            used.add(i)
    matched: list[str] = []
    # Longer phrases first, so 'tai chi' is taken before a one-word option could claim 'chi'.
    candidates = sorted(
        ((phrase, choice) for choice in choices for phrase in _phrases(choice, ignore)),
        key=lambda pc: -len(pc[0]),
    )
    for phrase, choice in candidates:
        if choice.id in matched:
            continue
        span = _find(phrase, words, used)
        if span is not None:
            matched.append(choice.id)
            used.update(span)
    leftovers = [raw[i] for i in range(len(raw)) if i not in used and raw[i] not in ignore]
    if numbers:
        # A number inside a sentence ("did 2 walks", "im 68, is it ok to swim?") is not
        # an option: numbers count only beside filler and the options' own words.
        known = {w[1] for c in choices for phrase in _phrases(c, ignore) for w in phrase}
        if any(stem(word) not in known for word in leftovers):
            numbers = []
    order = {c.id: n for n, c in enumerate(choices)}
    return sorted(matched, key=order.__getitem__), numbers, leftovers


def match_answer(text: str, choices: Sequence[Choice], vocabulary: Vocabulary, *,
                 multi: bool = False, own_words: bool = False) -> Answer:
    """Read one typed answer. Never raises: anything unreadable is UNCLEAR."""
    if not fold(text).strip():
        return Answer(AnswerKind.UNCLEAR)
    if vocabulary.is_skip(text):
        return Answer(AnswerKind.SKIP)
    ignore = frozenset(vocabulary.ignore)
    matched, numbers, leftovers = _match_words(text, choices, ignore)
    if any(n < 1 or n > len(choices) for n in numbers):
        if any(not _NUMBER.match(word) for word, _ in _words(text)):
            numbers = []  # "im 68": a number beside words, not a choice off the list
        else:
            return Answer(AnswerKind.UNCLEAR, out_of_range=True)
    order = {c.id: n for n, c in enumerate(choices)}
    by_number = [choices[n - 1].id for n in numbers]
    ids = sorted(_unique([*by_number, *matched]), key=order.__getitem__)
    if own_words and leftovers:
        # Their own words are kept verbatim alongside anything recognised.
        return Answer(AnswerKind.OWN_WORDS, ids=tuple(ids) if multi else (), own_words=text.strip())
    if not ids:
        return Answer(AnswerKind.UNCLEAR)
    if not multi and len(ids) > 1:
        return Answer(AnswerKind.UNCLEAR)
    return Answer(AnswerKind.CHOSEN, ids=tuple(ids))


def match_choice_id(option_id: str | None, choices: Iterable[Choice]) -> Answer:
    """A button press: valid only if it names one of the current options."""
    ids = {c.id for c in choices}
    if option_id in ids:
        return Answer(AnswerKind.CHOSEN, ids=(option_id,))
    return Answer(AnswerKind.UNCLEAR)


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
