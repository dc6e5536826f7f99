"""Spotting contact details in a relayed message: phone numbers, @usernames, email
addresses, links and street addresses. Held back until both people agree to share."""

from __future__ import annotations

import re
from enum import StrEnum


class ContactKind(StrEnum):
    PHONE = "phone"
    USERNAME = "username"
    EMAIL = "email"
    LINK = "link"
    ADDRESS = "address"


_PATTERNS: tuple[tuple[ContactKind, re.Pattern[str]], ...] = (
    (ContactKind.EMAIL, re.compile(r"[\w.+-]+\s*(@|\(at\)|\[at\])\s*[\w-]+(\.[\w-]+)+", re.I)),
    (ContactKind.LINK, re.compile(
        r"(https?://|www\.)\S+|\b[\w-]+\.(com|co\.uk|org|uk|net|io|me|ly|app)\b(/\S*)?|"
        r"\b(wa\.me|t\.me|bit\.ly)/\S*", re.I)),
    (ContactKind.USERNAME, re.compile(r"(?<![\w.])@[A-Za-z][\w]{3,31}\b")),
    # Seven or more digits, allowing spaces, dots, dashes and brackets between them, and
    # numbers written as words are not attempted: they are rare and hard to tell apart.
    (ContactKind.PHONE, re.compile(r"(\+?\d[\s().-]{0,3}){7,}\d")),
    (ContactKind.ADDRESS, re.compile(
        r"\b\d{1,4}[a-z]?\s+(?:[A-Za-z'-]+\s+){0,3}(road|rd|street|st|avenue|ave|lane|ln|"
        r"close|drive|dr|way|crescent|court|grove|gardens|terrace|place|walk|mews|row)\b|"
        r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)),
)


def contact_details(text: str) -> list[ContactKind]:
    """Which kinds of contact detail the text contains (empty when none)."""
    return [kind for kind, pattern in _PATTERNS if pattern.search(text or "")]
