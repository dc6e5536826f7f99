"""Spotting contact details in a relayed message: phone numbers, @usernames, email
addresses, links and street addresses. Held back until both people agree to share.

Text is first folded (NFKC, invisible characters dropped), so full-width digits, a
full-width @ or a zero-width space between digits do not slip past."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class ContactKind(StrEnum):
    PHONE = "phone"
    USERNAME = "username"
    EMAIL = "email"
    LINK = "link"
    ADDRESS = "address"


_DOMAINS = r"(com|co|org|net|uk|io|me|ac|gov|nhs|biz|info)"
_PATTERNS: tuple[tuple[ContactKind, re.Pattern[str]], ...] = (
    (ContactKind.EMAIL, re.compile(r"[\w.+-]+\s*(@|\(at\)|\[at\])\s*[\w-]+(\.[\w-]+)+", re.I)),
    # Written out to dodge a filter: "ann dot smith at gmail dot com".
    (ContactKind.EMAIL, re.compile(
        r"\b[\w.+-]+\s+(at|\(at\)|\[at\])\s+[\w-]+\s*(\s(dot)\s|\(dot\)|\[dot\]|\.)\s*"
        rf"{_DOMAINS}\b", re.I)),
    (ContactKind.LINK, re.compile(
        r"(https?://|www\.)\S+|\b[\w-]+\.(com|co\.uk|org|uk|net|io|me|ly|app)\b(/\S*)?|"
        r"\b(wa\.me|t\.me|bit\.ly)/\S*", re.I)),
    (ContactKind.USERNAME, re.compile(r"(?<![\w.])@[A-Za-z][\w]{3,31}\b")),
    # Eight or more digits, allowing spaces, dots, dashes and brackets between them; or a
    # local number without its area code, like 254 1234.
    (ContactKind.PHONE, re.compile(
        r"(\+?\d[\s().-]{0,3}){7,}\d|(?<![\d.,:])\d{3}[\s.-]\d{4}(?![\d.,:])")),
    (ContactKind.ADDRESS, re.compile(
        r"\b\d{1,4}[a-z]?\s+(?:[A-Za-z'-]+\s+){0,3}(road|rd|street|st|avenue|ave|lane|ln|"
        r"close|drive|dr|way|crescent|court|grove|gardens|terrace|place|walk|mews|row)\b|"
        r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)),
)

# A number spelled out, or half spelled out: "oh seven seven double oh nine ...".
_DIGIT_WORDS = {"zero": 1, "oh": 1, "nought": 1, "nil": 1, "one": 1, "two": 1, "three": 1,
                "four": 1, "five": 1, "six": 1, "seven": 1, "eight": 1, "nine": 1}
_REPEAT_WORDS = {"double": 2, "treble": 3, "triple": 3}
_TOKEN = re.compile(r"[a-z]+|\d+")
SPELLED_DIGITS = 7  # as many digits as a local number without its area code


def fold(text: str) -> str:
    """The text as the patterns see it: compatibility forms folded, invisibles dropped."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in folded if unicodedata.category(c) != "Cf")


def _spelled_number(text: str) -> bool:
    """Seven or more digits in a row where at least one is written as a word (or as the
    letter O), so ordinary figures like "10 30 2026" are left to the digit pattern."""
    run = 0
    worded = False
    repeat = 1
    for token in _TOKEN.findall(text.lower()):
        if token.isdigit():
            digits = len(token) * repeat
        elif token in _DIGIT_WORDS:
            digits, worded = repeat, True
        elif set(token) == {"o"}:  # O typed for zero, as in "O77OO"
            digits, worded = len(token) * repeat, True
        elif token in _REPEAT_WORDS:
            repeat = _REPEAT_WORDS[token]
            continue
        else:
            run, worded, repeat = 0, False, 1
            continue
        repeat = 1
        run += digits
        if run >= SPELLED_DIGITS and worded:
            return True
    return False


def contact_details(text: str) -> list[ContactKind]:
    """Which kinds of contact detail the text contains (empty when none)."""
    folded = fold(text)
    found: list[ContactKind] = []
    for kind, pattern in _PATTERNS:
        if kind not in found and pattern.search(folded):
            found.append(kind)
    if ContactKind.PHONE not in found and _spelled_number(folded):
        found.append(ContactKind.PHONE)
    return found
