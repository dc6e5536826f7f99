"""A full UK postcode spelt by sound (round thirteen): letters by their names, everyday
words among them ("ell ee too fore tea bee" is LE2 4TB), digits by words that sound like
them ("too", "fore", "ate", "won"). Those words are everyday English, so they are read as a
postcode only as an unbroken run of such words that makes a whole postcode's shape, with at
least two said as a letter's name or a lone letter ("for you two" makes none).
"""

from __future__ import annotations

import itertools
import re

# What each word may stand for; a word that is a letter's name and a digit's sound ("oh")
# may be either, whichever makes the shape.
_SOUNDS: dict[str, tuple[str, ...]] = {
    "ay": ("A",), "bee": ("B",), "be": ("B",), "see": ("C",), "sea": ("C",), "cee": ("C",),
    "dee": ("D",), "ee": ("E",), "eff": ("F",), "ef": ("F",), "gee": ("G",), "aitch": ("H",),
    "haitch": ("H",), "eye": ("I",), "jay": ("J",), "kay": ("K",), "ell": ("L",),
    "el": ("L",), "elle": ("L",), "em": ("M",), "en": ("N",), "oh": ("O", "0"),
    "pee": ("P",), "pea": ("P",), "queue": ("Q",), "cue": ("Q",), "are": ("R",),
    "ar": ("R",), "ess": ("S",), "tea": ("T",), "tee": ("T",), "you": ("U",), "vee": ("V",),
    "doubleyou": ("W",), "ex": ("X",), "why": ("Y",), "wye": ("Y",), "zed": ("Z",),
    "zee": ("Z",),
    "zero": ("0",), "nought": ("0",), "won": ("1",), "one": ("1",), "too": ("2",),
    "to": ("2",), "two": ("2",), "tree": ("3",), "three": ("3",), "fore": ("4",),
    "for": ("4",), "four": ("4",), "five": ("5",), "six": ("6",), "seven": ("7",),
    "ate": ("8",), "eight": ("8",), "nine": ("9",), "nein": ("9",)}
# Names only letters have (not everyday words): at least two of these or lone letters.
_LETTERY = frozenset({"ay", "bee", "cee", "dee", "ee", "eff", "ef", "gee", "aitch", "haitch",
                      "jay", "kay", "ell", "el", "elle", "em", "en", "pee", "queue", "cue",
                      "ar", "ess", "tee", "vee", "doubleyou", "ex", "wye", "zed", "zee"})
_SHAPE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}")
_WORD = re.compile(r"[A-Za-z0-9]+")


def _options(word: str) -> tuple[str, ...] | None:
    lower = word.lower()
    if lower in _SOUNDS:
        return _SOUNDS[lower]
    if len(word) <= 3 and (word.isdigit() or re.fullmatch(r"[A-Za-z]{1,2}\d{0,2}|\d[A-Za-z]{0,2}",
                                                          word)):
        return (word.upper(),)  # "le2", "4", "b": typed pieces among the sounds
    return None


def has_sounded_postcode(text: str) -> bool:
    """Whether `text` (folded) spells a whole postcode by sound (see the module)."""
    words = [w for w in _WORD.findall(re.sub(r"\bdouble\s+(?:you|u)\b", "doubleyou", text,
                                             flags=re.I))]
    if not any(w.lower() in _LETTERY for w in words):
        return False
    for start in range(len(words)):
        for end in range(start + 2, min(start + 8, len(words)) + 1):
            run = words[start:end]
            options = [_options(w) for w in run]
            if None in options:
                break
            lettery = sum(w.lower() in _LETTERY or (len(w) == 1 and w.isalpha()) for w in run)
            if lettery < 2 or any(w.lower() in _SOUNDS for w in run) is False:
                continue
            for pick in itertools.islice(itertools.product(*options), 64):  # type: ignore[arg-type]
                if _SHAPE.fullmatch("".join(pick)):
                    return True
    return False
