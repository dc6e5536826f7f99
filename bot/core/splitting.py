"""Splitting a long text into pieces a channel accepts, at the kindest boundary available:
a line break, then a sentence end, then a space, and only as a last resort mid-word.

The pieces always keep the text's order: a "word" longer than a whole piece (a long link,
Chinese written without spaces) is cut where the piece before it ends, never sent ahead of
the words that came before it. A cut only falls between extended grapheme clusters (what a
reader sees as one character, Unicode's UAX #29 as the `regex` module finds them):
never between a letter and its accents or vowel signs (Thai SARA AM, Lao AM), between the
halves of a flag, or inside an emoji sequence. Two joins Unicode leaves to fonts are kept
too: a letter after a virama (conjuncts in scripts the rules do not cover, like Tamil and
Kannada) and a letter after a zero-width joiner (Sinhala's joined forms).
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Callable

import regex

Fits = Callable[[str], bool]
_ZWJ = "\u200d"
# Whitespace that stands alone: not a space carrying a combining mark (" \u0301" is a
# visible accent, one cluster), which would otherwise be lost at a cut or split a cluster.
_SPACE = r"(?:\s(?![\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}]))"
# Between words, but not between a whole number and the fraction after it ("take 1 1/2"):
# cut there, a part would end "take 1".
_BETWEEN_WORDS = rf"(?:(?!(?<=\d) \d+/\d){_SPACE})"
_WORD = regex.compile(rf"({_BETWEEN_WORDS}*)((?:(?!{_BETWEEN_WORDS})\X)+)")
_SENTENCE_END = regex.compile(rf"(?<=[.!?]){_SPACE}+")
_EDGES = regex.compile(rf"^{_SPACE}+|{_SPACE}+$")
_LEADING = regex.compile(rf"^{_SPACE}+")
# A text's opening label: words on one line ending in a colon, no colon before it.
_LABEL = regex.compile(r"[^:\n]+:")


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
        if not _strip(line):
            atoms.append((joiner, ""))
            continue
        for sentence in _sentences(line):
            if fits(sentence):
                atoms.append((joiner, sentence))
            else:
                words = [match.group(2) for match in _WORD.finditer(sentence)]
                atoms.append((joiner, words[0]))
                atoms.extend((" ", word) for word in words[1:])
            joiner = " "
    return atoms


def _word_atoms(text: str) -> list[tuple[str, str]]:
    atoms = []
    for match in _WORD.finditer(text):
        space = match.group(1)
        atoms.append(("\n" if "\n" in space else " " if space else "", match.group(2)))
    return atoms


def _sentences(line: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(_strip(line)) if s]


def _strip(text: str) -> str:
    return _EDGES.sub("", text)


def _pack(atoms: list[tuple[str, str]], fits: Fits) -> list[str]:
    chunks: list[str] = []
    current = ""
    for joiner, atom in atoms:
        candidate = f"{current}{joiner}{atom}" if current else atom
        if fits(candidate):
            current = candidate
        elif fits(atom) and (chunks or joiner == "\n" or not _label(current)):
            chunks.append(current)
            current = atom
        else:
            # Too long even alone, or after a label that must not go alone: cut it,
            # filling what is left of this piece first, so the words before it are sent
            # before it.
            rest = candidate
            while rest and not fits(rest):
                cut = _longest_prefix(rest, fits)
                chunks.append(rest[:cut])
                rest = _LEADING.sub("", rest[cut:])
            current = rest
    if current:
        chunks.append(current)
    return [_strip(c) for c in chunks if _strip(c)]


def _label(piece: str) -> bool:
    """Whether a first piece would be only the label a text opens with: a name and a colon
    ("Sam:", "Move Mates:"), with the words it introduces on the same line. Alone it says
    nothing (a relayed message's first text would be "Sam: (1/3)"), so the word after it
    is cut to share its piece. (A heading on a line of its own may go alone.)"""
    return _LABEL.fullmatch(_strip(piece)) is not None


def _longest_prefix(text: str, fits: Fits) -> int:
    """How much of `text` fits (at least one character), ending between two clusters
    unless a single cluster is itself longer than what fits."""
    low, high = 1, len(text)  # fits(text[:low]) is assumed; text[:high] does not fit
    while low + 1 < high:
        middle = (low + high) // 2
        if fits(text[:middle]):
            low = middle
        else:
            high = middle
    clusters = [match.end() for match in regex.finditer(r"\X", text)]
    # The kindest cut that fits: a cluster's end that joins no letter to the next (see the
    # module's docstring), then any cluster's end; mid-cluster only when one cluster alone
    # is longer than a piece (hundreds of stacked accents).
    for ends in ([end for end in clusters if not _joins(text, end)], clusters):
        at = bisect.bisect_right(ends, low)
        if at:
            return ends[at - 1]
    return low


def _joins(text: str, at: int) -> bool:
    """Whether text[at] is a letter joined to the one before it by a virama or a ZWJ."""
    if at >= len(text):
        return False
    before, char = text[at - 1], text[at]
    if not unicodedata.category(char).startswith("L"):
        return False
    return before == _ZWJ or unicodedata.name(before, "").endswith(("VIRAMA", "SIGN HALANT"))


# What a reader sees: a letter, digit, punctuation mark, symbol or emoji, or a private-use
# character (a logo some phones draw); not what Unicode says to draw as nothing (joiners,
# variation selectors, Hangul fillers, tag characters) nor the blank braille pattern, both
# sent on purpose to look empty.
_SEEN = regex.compile(
    r"(?![\p{Default_Ignorable_Code_Point}\u2800])[\p{L}\p{N}\p{P}\p{S}\p{Co}]")


def shows_anything(text: str) -> bool:
    """Whether a reader would see anything at all of `text`. Spaces, joiners, an accent on
    nothing (U+0301) and blank fillers (U+3164, U+2800) show nothing: passed on, they would
    arrive as a name and a colon."""
    return _SEEN.search(text) is not None
