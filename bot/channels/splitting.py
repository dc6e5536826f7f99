"""Splitting a long text into pieces a channel accepts, at the kindest boundary available:
a line break, then a sentence end, then a space, and only as a last resort mid-word."""

from __future__ import annotations

import re
from collections.abc import Callable


def split_text(text: str, limit: int, units: Callable[[str], int] = len) -> list[str]:
    if units(text) <= limit:
        return [text]
    pieces: list[str] = []
    for line in text.split("\n"):
        pieces.extend(_sentences(line) if line else [""])
    chunks: list[str] = []
    current = ""
    for piece, joiner in _with_joiners(text, pieces):
        for part in _words_within(piece, limit, units):
            candidate = f"{current}{joiner}{part}" if current else part
            if current and units(candidate) > limit:
                chunks.append(current)
                current = part
            else:
                current = candidate
            joiner = " "
    if current:
        chunks.append(current)
    return [c.strip() for c in chunks if c.strip()]


def _sentences(line: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", line) if s]


def _with_joiners(text: str, pieces: list[str]) -> list[tuple[str, str]]:
    """Each piece with the separator that preceded it in the original (newline or space)."""
    result = []
    position = 0
    for piece in pieces:
        found = text.find(piece, position) if piece else position
        before = text[position:found] if found >= 0 else " "
        result.append((piece, "\n" if "\n" in before else " "))
        position = (found if found >= 0 else position) + len(piece)
    return result


def _words_within(piece: str, limit: int, units: Callable[[str], int]) -> list[str]:
    if units(piece) <= limit:
        return [piece]
    parts, current = [], ""
    for word in piece.split(" "):
        while units(word) > limit:  # a single enormous 'word'
            cut = _longest_prefix(word, limit, units)
            parts.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if current and units(candidate) > limit:
            parts.append(current)
            current = word
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts


def _longest_prefix(word: str, limit: int, units: Callable[[str], int]) -> int:
    cut = min(len(word), limit)
    while cut > 1 and units(word[:cut]) > limit:
        cut -= 1
    return cut
