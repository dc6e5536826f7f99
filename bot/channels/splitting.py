"""Splitting a long text into pieces a channel accepts, at the kindest boundary available:
a line break, then a sentence end, then a space, and only as a last resort mid-word.

The pieces always keep the text's order: a "word" longer than a whole piece (a long link,
Chinese written without spaces) is cut where the piece before it ends, never sent ahead of
the words that came before it. A cut never separates a letter from its accents or an emoji
from the marks that complete it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

Fits = Callable[[str], bool]
_ZWJ = "\u200d"


def split_text(text: str, limit: int, units: Callable[[str], int] = len) -> list[str]:
    """Pieces of at most `limit` units each (characters, unless `units` says otherwise)."""
    return split_fitting(text, lambda piece: units(piece) <= limit)


def split_fitting(text: str, fits: Fits, *, sentences: bool = True) -> list[str]:
    """Pieces that each `fits`, in order. With `sentences`, whole lines and sentences are
    kept together where they fit; without, words are packed as tightly as they go."""
    if fits(text):
        return [text]
    atoms = _sentence_atoms(text, fits) if sentences else _word_atoms(text)
    return _pack(atoms, fits)


def _sentence_atoms(text: str, fits: Fits) -> list[tuple[str, str]]:
    """(joiner, piece): sentences that fit whole, or the words of those that don't."""
    atoms: list[tuple[str, str]] = []
    for number, line in enumerate(text.split("\n")):
        joiner = "\n" if number else ""
        if not line.strip():
            atoms.append((joiner, ""))
            continue
        for sentence in _sentences(line):
            if fits(sentence):
                atoms.append((joiner, sentence))
            else:
                words = sentence.split()
                atoms.append((joiner, words[0]))
                atoms.extend((" ", word) for word in words[1:])
            joiner = " "
    return atoms


def _word_atoms(text: str) -> list[tuple[str, str]]:
    atoms = []
    for match in re.finditer(r"(\s*)(\S+)", text):
        space = match.group(1)
        atoms.append(("\n" if "\n" in space else " " if space else "", match.group(2)))
    return atoms


def _sentences(line: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", line.strip()) if s]


def _pack(atoms: list[tuple[str, str]], fits: Fits) -> list[str]:
    chunks: list[str] = []
    current = ""
    for joiner, atom in atoms:
        candidate = f"{current}{joiner}{atom}" if current else atom
        if fits(candidate):
            current = candidate
        elif fits(atom):
            chunks.append(current)
            current = atom
        else:
            # Too long even alone: cut it, filling what is left of this piece first, so
            # the words before it are sent before it.
            rest = candidate
            while rest and not fits(rest):
                cut = _longest_prefix(rest, fits)
                chunks.append(rest[:cut])
                rest = rest[cut:].lstrip(" ")
            current = rest
    if current:
        chunks.append(current)
    return [c.strip() for c in chunks if c.strip()]


def _longest_prefix(text: str, fits: Fits) -> int:
    """How much of `text` fits (at least one character), never ending mid-cluster."""
    low, high = 1, len(text)  # fits(text[:low]) is assumed; text[:high] does not fit
    while low + 1 < high:
        middle = (low + high) // 2
        if fits(text[:middle]):
            low = middle
        else:
            high = middle
    cut = low
    while cut > 1 and _continues(text, cut):
        cut -= 1
    return low if _continues(text, cut) else cut


def _continues(text: str, at: int) -> bool:
    """True when text[at] belongs with the character before it (an accent, a variation
    selector, a skin tone, a zero-width joiner or what it joins)."""
    if at >= len(text):
        return False
    char, before = text[at], text[at - 1]
    code = ord(char)
    if _regional(char) and _regional(before):
        # A flag is two regional indicators: the second of a pair stays with the first.
        run = 0
        while at - 1 - run >= 0 and _regional(text[at - 1 - run]):
            run += 1
        if run % 2 == 1:
            return True
    # After a virama (Devanagari, Gujarati, Bengali...), the next letter is part of the
    # same conjunct ("क्ष"): never cut between them.
    if unicodedata.name(before, "").endswith(("VIRAMA", "SIGN HALANT")):
        return True
    return unicodedata.category(char).startswith("M") or char == _ZWJ or before == _ZWJ or \
        0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF
