"""GSM-7: the SMS alphabet. One character outside it makes the whole text UCS-2 (70 chars
a segment instead of 160), so everything sent by SMS is normalised into it first.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from bot.channels.splitting import split_text

BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = "^{}\\[~]|€\f"  # each costs two septets (escape + character)
_BASIC = frozenset(BASIC)
_EXTENSION = frozenset(EXTENSION)

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# Typographic characters people (and word processors) use, and their plain GSM-7 forms.
_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
    "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u2026": "...", "\u00a0": " ", "\u2002": " ",
    "\u2003": " ", "\u2009": " ", "\u202f": " ", "\u200b": "", "\u2022": "-", "\u00b7": "-",
    "\u00d7": "x", "\u00f7": "/", "\u2122": "TM", "\u00a9": "(c)", "\u00ae": "(R)",
    "\u00bd": "1/2", "\u00bc": "1/4", "\u00be": "3/4", "\u2192": "->", "\u2190": "<-",
    "\u00b0": " degrees", "\t": " ", "\u2713": "", "\u2714": "",
}


def is_gsm7(text: str) -> bool:
    return all(c in _BASIC or c in _EXTENSION for c in text)


def septets(text: str) -> int:
    return sum(2 if c in _EXTENSION else 1 for c in text)


def to_gsm7(text: str) -> str:
    """Plain GSM-7 text: typographic marks normalised, accents dropped where GSM-7 lacks
    them, emoji and anything else unrepresentable removed, spacing tidied."""
    out: list[str] = []
    for char in text:
        if char in _BASIC or char in _EXTENSION:
            out.append(char)
            continue
        if char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if base and all(c in _BASIC for c in base):
            out.append(base)
        # Anything else (emoji, other scripts, symbols) cannot be sent as GSM-7.
    return _tidy("".join(out))


def _tidy(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        line = re.sub(r" {2,}", " ", line)
        line = re.sub(r" +([,.!?;:])", r"\1", line)
        line = re.sub(r"([,;:])(?=[,.!?;:])", "", line)
        lines.append(line.strip())
    return "\n".join(lines).strip()


@dataclass(frozen=True)
class Encoding:
    name: str  # "GSM-7" or "UCS-2"
    units: int  # septets, or UTF-16 code units
    segments: int


def measure(text: str) -> Encoding:
    """How a text would travel as SMS, and how many segments it costs."""
    if is_gsm7(text):
        units = septets(text)
        single, part, name = GSM_SINGLE, GSM_PART, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, name = UCS2_SINGLE, UCS2_PART, "UCS-2"
    if units == 0:
        return Encoding(name, 0, 1)
    segments = 1 if units <= single else math.ceil(units / part)
    return Encoding(name, units, segments)


def split_for_sms(text: str, max_segments: int = 2) -> list[str]:
    """Split a long text into texts of at most `max_segments` each, at line or sentence
    boundaries, or between words if one sentence is itself too long."""
    if measure(text).segments <= max_segments:
        return [text]
    return split_text(text, _unit_limit(text, max_segments), _units)


def _unit_limit(text: str, max_segments: int) -> int:
    if is_gsm7(text):
        return GSM_SINGLE if max_segments == 1 else GSM_PART * max_segments
    return UCS2_SINGLE if max_segments == 1 else UCS2_PART * max_segments


def _units(text: str) -> int:
    return septets(text) if is_gsm7(text) else len(text.encode("utf-16-le")) // 2
