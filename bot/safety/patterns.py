"""The lexicon's small phrase language, compiled to spaCy token patterns.

A phrase is space-separated positions: `a|b` any of these words, `(a b|c)` any of these
runs of words, `breath~` a word starting `breath`, `*` up to three other words (never
across punctuation, "not", "no" or "usually"), `_` exactly one other word (not "not" or
"never": "is swimming ok", never "my knee is not ok"), `word?` may be missing, `@low`,
`@sats` and the other `NUMBER_KINDS` a number of that kind, and a final `$` for "the
sentence ends here" (checked after matching: spaCy's Matcher has no end anchor; "tbh",
"now" and a few other trailing words may follow), a leading `^` for "the sentence starts
here" (a few opening words such as "and", "so", "honestly" may stand before it), and `:`
`;` `?` `!` for that mark. A context phrase may end `>N`: it reaches only the next N words
("i will have >3"). A phrase with groups becomes one pattern per choice.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

GAP = 3  # `*`: how many other words may stand between two parts of a phrase
MAX_PATTERNS = 64  # one phrase never expands past this many patterns
# Blood glucose in mmol/L (NHS: a hypo is below 4; very high readings are 20 and above);
# a bare decimal glucose ("it's 2.9") only with one decimal place, so "2.30" stays a time.
# Oxygen saturation below 92% is an emergency for most people (NHS pulse oximetry);
# a resting heart rate over 140 or under 40 needs help now; 38 C (100 F) and up is a fever.
NUMBER_KINDS = {
    "@low": r"^(0|1|2|3)([.,]\d{1,2})?$",
    "@lowdec": r"^[0-3][.,]\d$",
    "@high": r"^(2\d|3\d)([.,]\d{1,2})?$",
    "@year": r"^(19[5-9]\d|20[0-4]\d)$",
    "@sats": r"^([5-8]\d|9[01])$",
    "@fastpulse": r"^(1[4-9]\d|2[0-4]\d)$",
    "@slowpulse": r"^([1-3]\d)$",
    "@fever": r"^((3[89]|4[0-2])([.,]\d{1,2})?|10[0-6]([.,]\d)?)$",
    "@many": r"^([2-9]\d|[1-9]\d\d)$",
    "@few": r"^([2-9]|1\d)$",
    "@num": r"^\d+([.,]\d{1,2})?$",
    "@lowscore": r"^[0-4]([.,]5)?$",  # a mood score out of 10 that says "low"
    # A glucose reading back in range (4 to 14.9 mmol/L): "came back up to 6" after a hypo.
    "@okglucose": r"^([4-9]|1[0-4])([.,]\d)?$",
    # Glucose in mg/dL (meters from abroad, some apps): a hypo is below 70 (3.9 mmol/L). With
    # the unit said, 20 to 69; a bare whole number 40 to 69 beside a glucose word, which
    # no mmol/L meter shows (they read HI past 33.3), is read the same way (hazard log H8).
    "@mgdl": r"^[2-6]\d$",
    "@mgdlbare": r"^[4-6]\d$",
    # Ten or more tablets of a named medicine taken at once: past any daily dose.
    "@tens": r"^(1\d|[2-9]\d|[1-9]\d\d)$",
}
# Words a `*` never steps over: a negation, "usually" or "once" inside a gap would be
# swallowed by the target and never read by ConText ("sugars haven't gone low", "sats are
# usually 91", "a bad hypo once at night"), in English or romanised ("koi dard nahi").
NOT_GAP = ("not", "no", "isnt", "arent", "wasnt", "werent", "dont", "doesnt",
           "didnt", "havent", "hasnt", "hadnt", "without", "none", "usually", "normally",
           "once", "who", "whos",
           # Romanised Hindi, Urdu, Punjabi and Gujarati: "seene mein koi dard nahi".
           "nahi", "nahin", "nai", "nhi", "nathi", "koi")
NOT_ONE = ("not", "never", "no", "isnt", "arent", "wasnt", "dont", "doesnt", "didnt")
MARKS = (":", ";", "?", "!")
_POSITION = re.compile(r"\([^)]*\)\??|\S+")

Token = dict[str, Any]


@dataclass(frozen=True)
class Phrase:
    """One compiled phrase: its spaCy patterns and whether it must end its sentence."""

    source: str
    patterns: list[list[Token]]
    anchored: bool
    reach: int | None = None  # a context phrase's scope in words, when limited
    starts: bool = False  # `^`: must start its sentence


def compile_phrase(source: str) -> Phrase:
    """`"chest * pain|ache"` -> spaCy Matcher patterns. Raises ValueError when malformed."""
    text = source.strip()
    reach = None
    limited = re.fullmatch(r"(.*\S)\s+>(\d+)", text)
    if limited:
        text, reach = limited.group(1), int(limited.group(2))
    anchored = text.endswith("$")
    if anchored:
        text = text[:-1].strip()
    starts = text.startswith("^")
    if starts:
        text = text[1:].strip()
    positions = _POSITION.findall(text)
    if not positions or all(p in ("*", "_") for p in positions):
        raise ValueError(f"empty safety phrase {source!r}")
    # Each position offers one or more token sequences; a phrase is every combination.
    options: list[list[list[Token]]] = []
    for part in positions:
        if part == "*":
            options.append([[{"IS_PUNCT": False, "LOWER": {"NOT_IN": list(NOT_GAP)},
                              "OP": f"{{0,{GAP}}}"}]])
        elif part == "_":
            options.append([[{"IS_PUNCT": False, "LOWER": {"NOT_IN": list(NOT_ONE)}}]])
        elif part.startswith("("):
            optional = part.endswith("?")
            inner = part.rstrip("?")
            if not inner.endswith(")"):
                raise ValueError(f"unclosed group in safety phrase {source!r}")
            runs = [r.split() for r in inner[1:-1].split("|") if r.strip()]
            if not runs:
                raise ValueError(f"empty group in safety phrase {source!r}")
            choices = [[_token(w, source) for w in run] for run in runs]
            options.append([*choices, []] if optional else choices)
        else:
            optional = part.endswith("?") and len(part) > 1
            token = _token(part[:-1] if optional else part, source)
            if optional:
                token["OP"] = "?"
            options.append([[token]])
    patterns = []
    for combination in itertools.islice(itertools.product(*options), MAX_PATTERNS + 1):
        patterns.append([dict(t) for run in combination for t in run])
    if len(patterns) > MAX_PATTERNS:
        raise ValueError(f"safety phrase {source!r} has too many combinations")
    return Phrase(source, patterns, anchored, reach, starts)


def _token(part: str, source: str) -> Token:
    if part in NUMBER_KINDS:
        return {"TEXT": {"REGEX": NUMBER_KINDS[part]}}
    if part in MARKS:  # a sentence mark the mender keeps: "hypos this week : zero"
        return {"TEXT": part}
    choices = [c for c in part.split("|") if c]
    if not choices or any(not re.fullmatch(r"[\w.]+~?", c) for c in choices):
        raise ValueError(f"malformed position {part!r} in safety phrase {source!r}")
    if not any(c.endswith("~") for c in choices):
        return {"LOWER": choices[0]} if len(choices) == 1 else {"LOWER": {"IN": choices}}
    alternatives = [re.escape(c[:-1]) + r"\w*" if c.endswith("~") else re.escape(c)
                    for c in choices]
    return {"LOWER": {"REGEX": "^(" + "|".join(alternatives) + ")$"}}


def words_of(source: str) -> list[str]:
    """The plain words a phrase names (for the misspelling mender's vocabulary)."""
    cleaned = re.sub(r"[()$?~^]|>\d+", " ", source).replace("|", " ")
    return [w for w in cleaned.split() if w.isalpha()]
