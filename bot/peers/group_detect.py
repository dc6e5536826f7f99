"""Spotting links, phone numbers and email addresses in a group message, so a new
member's can wait for a helper (see group_held.py).

Telegram marks most of them as message entities; the patterns catch what it misses,
such as a number written with odd spacing. UK-shaped numbers are matched loosely, others
only when `phonenumbers` thinks they are real, so step counts and dates are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

import phonenumbers


class Contact(StrEnum):
    LINK = "link"
    PHONE = "phone"
    EMAIL = "email"


_ENTITY_KINDS = {"url": Contact.LINK, "text_link": Contact.LINK,
                 "phone_number": Contact.PHONE, "email": Contact.EMAIL}
_LINK = re.compile(
    r"(https?://|www\.)\S+|\b(t\.me|wa\.me|bit\.ly|chat\.whatsapp\.com)/\S*|"
    r"\b[\w-]+\.(com|co\.uk|org|org\.uk|uk|net|io|me|ly|app|info|biz)\b", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# 01..., 02..., 07... or +44...: ten or eleven digits with spaces, dots or dashes between.
_UK_PHONE = re.compile(r"(?<!\d)(\+44\s?\(?0?\)?|0)(\d[\s.-]?){9,10}(?!\d)")


def contact_details(text: str, entity_types: Iterable[str] = ()) -> set[Contact]:
    """The kinds of contact detail in a message (empty when there are none)."""
    found = {_ENTITY_KINDS[kind] for kind in entity_types if kind in _ENTITY_KINDS}
    if not text:
        return found
    if _EMAIL.search(text):
        found.add(Contact.EMAIL)
    if _LINK.search(_EMAIL.sub(" ", text)):
        found.add(Contact.LINK)
    if _UK_PHONE.search(text) or any(True for _ in phonenumbers.PhoneNumberMatcher(text, "GB")):
        found.add(Contact.PHONE)
    return found
