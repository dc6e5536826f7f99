"""Making sense of what people type: clean-up, tokens and loose word stems; and what of
someone's own words is kept (`storable`) and passed on to another person (`relayable`).

A control character never runs two words together: one that ends a line (vertical tab,
form feed, next line, the file, group and record separators, the line and paragraph
separators: what Unicode and Python's `str.splitlines` count as line ends) becomes a line
break, the unit separator a space, and any other (NUL, BEL, ESC...) is dropped, or becomes a
space between two word characters ("hi<NUL>there" is "hi there", never "hithere").
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

import regex

from bot.core.splitting import shows_anything

MAX_INBOUND_CHARS = 2000
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_VOWELS = set("aeiou")
# "that's", "didn’t": an apostrophe inside a word joins it ("thats"), as content spells them.
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['\u2019\u02bc`\u00b4](?=\w)")

# Line ends other than "\n": CR, VT, FF, FS, GS, RS, NEL, LINE and PARAGRAPH SEPARATOR.
LINE_ENDS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_AS_LINE_BREAK = str.maketrans({**dict.fromkeys(LINE_ENDS, "\n"), "\x1f": " "})
# The other controls (C0 and C1, DEL): nothing a person means to type.
_CONTROL = "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]"
_CONTROL_IN_WORD = re.compile(rf"(?<=\w){_CONTROL}+(?=\w)")
_CONTROL_OR_SURROGATE = re.compile(rf"{_CONTROL}|[\ud800-\udfff]")


def without_controls(text: str) -> str:
    """`text` with line ends made "\\n", the unit separator a space, other controls dropped
    (a space where they stood between two word characters) and lone surrogates dropped.
    Tabs stay."""
    text = (text or "").replace("\r\n", "\n").translate(_AS_LINE_BREAK)
    return _CONTROL_OR_SURROGATE.sub("", _CONTROL_IN_WORD.sub(" ", text))


def clean(text: str) -> str:
    """Drop control and invisible characters, fold compatibility forms, trim, cap the length.
    Line ends and controls between words are spaces: words never run together."""
    text = without_controls(unicodedata.normalize("NFKC", text or ""))
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in "\n\t":
            kept.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            kept.append(char)
    collapsed = " ".join("".join(kept).split())
    return collapsed[:MAX_INBOUND_CHARS]


def storable(text: str) -> str:
    """Text as typed, minus what a database or channel cannot carry: NUL and other control
    characters (each line end becomes "\\n", and words either side of a dropped control
    stay apart) and lone surrogates. Unassigned code points stay: they are often emoji
    newer than our Unicode tables."""
    return without_controls(text)[:MAX_INBOUND_CHARS * 2]


# -- what of someone's words is passed on to another person -----------------------------
# Invisible format characters (category Cf) are dropped: they can hide words or split them
# (past the contact check) and carry hidden text. These are kept, because a reader needs
# them: the joiners inside emoji sequences and some scripts; the bidi *marks* (LRM, RLM,
# ALM), zero-width letters with a direction that settle where punctuation and numbers go
# in mixed Arabic or Hebrew and Latin text, and cannot move or hide words; and the signs
# Unicode draws in front of a number (Arabic number sign U+0600...).
# Dropped on purpose: the embeddings and overrides (U+202A-202E) and isolates (U+2066-2069),
# which reorder whole runs, so a reader sees words in another order than the contact check
# read them ("Trojan Source", CVE-2021-42574), and one left open spills onto the next line;
# tag characters outside a flag (below), which can smuggle invisible text.
_JOINERS = "\u200c\u200d"
_BIDI_MARKS = "\u200e\u200f\u061c"
_KEPT_FORMAT = regex.compile(rf"[{_JOINERS}{_BIDI_MARKS}\p{{Prepended_Concatenation_Mark}}]")
# A flag of a region within a country (England, Scotland, Wales): a black flag, tag
# characters spelling a Unicode subdivision id ("gbeng": two letters and 1 to 4 letters or
# digits) and a cancel tag. The only tag sequences Unicode defines, kept whole.
_TAG_FLAG = regex.compile(
    "\U0001F3F4\uFE0F?[\U000E0061-\U000E007A]{2}[\U000E0030-\U000E0039\U000E0061-\U000E007A]"
    "{1,4}\U000E007F")


def relayable(text: str) -> str:
    """What may be passed on of someone's words: as typed (NFC), but without control
    characters (a NUL breaks PostgreSQL and some phones; see `without_controls`: words
    never run together) or invisible formatting that could hide or reorder words (see
    above); tabs are spaces, lines trimmed, at most one blank line. Nothing ("") when
    nothing in it would show (a lone joiner or accent, a Hangul filler, a blank braille
    pattern): it would arrive as "Sam: " and nothing, so it is treated like an empty
    message. Flags of England, Scotland and Wales stay whole."""
    text = unicodedata.normalize("NFC", without_controls(text))
    in_flags = {at for flag in _TAG_FLAG.finditer(text) for at in range(*flag.span())}
    kept = []
    for at, char in enumerate(text):
        if char == "\t":
            kept.append(" ")
        elif unicodedata.category(char) != "Cf" or at in in_flags or \
                _KEPT_FORMAT.match(char):
            kept.append(char)
    tidy: list[str] = []
    for line in "".join(kept).split("\n"):
        line = line.strip()
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    kept_text = "\n".join(tidy).strip()
    return kept_text if shows_anything(kept_text) else ""


def fold(text: str) -> str:
    """Case- and accent-insensitive form used for comparing words."""
    joined = _INNER_APOSTROPHE.sub("", clean(text).casefold())
    decomposed = unicodedata.normalize("NFKD", joined)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def stem(word: str) -> str:
    """A deliberately rough English stem so 'walk', 'walks' and 'WALKING' meet."""
    for suffix in ("ings", "ing", "ies", "es", "ed", "s", "e"):
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            if suffix == "ies":
                word = word[: -len(suffix)] + "y"
            elif suffix == "s" and word.endswith("ss"):
                break
            else:
                word = word[: -len(suffix)]
            break
    # swimming -> swimm -> swim; but keep 'ball'-like words with a vowel before the double.
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in _VOWELS and word[-1] not in "ls":
        word = word[:-1]
    return word


@cache
def english_words() -> frozenset[str]:
    """Known English words, lower case (SymSpell's dictionary, shipped with symspellpy)."""
    return frozenset(english_word_counts())


@cache
def english_word_counts() -> dict[str, int]:
    """Known English words, lower case, each with how often it is written (SymSpell's
    dictionary: Google Books n-gram counts, about 82,800 words; "said" 315,595,259, "sad"
    13,010,129, "ahmed" 2,715,850 — it holds common names too)."""
    path = resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    with path.open(encoding="utf-8") as handle:
        return {word: int(count) for word, count in
                (line.split()[:2] for line in handle if line.strip())}
