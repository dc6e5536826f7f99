"""Making sense of what people type: clean-up, tokens and loose word stems."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

MAX_INBOUND_CHARS = 2000
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_VOWELS = set("aeiou")
# "that's", "didn’t": an apostrophe inside a word joins it ("thats"), as content spells them.
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['\u2019\u02bc`\u00b4](?=\w)")


def clean(text: str) -> str:
    """Drop control and invisible characters, fold compatibility forms, trim, cap the length."""
    text = unicodedata.normalize("NFKC", text or "")
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
    characters (line breaks stay, a lone carriage return becomes one) and lone surrogates.
    Unassigned code points stay: they are often emoji newer than our Unicode tables."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = [char for char in text
            if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cs")]
    return "".join(kept)[:MAX_INBOUND_CHARS * 2]


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
    path = resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    with path.open(encoding="utf-8") as handle:
        return frozenset(line.split(" ", 1)[0] for line in handle if line.strip())
