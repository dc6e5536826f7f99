"""Text that residents read, from our YAML or from a publisher: plain, GSM-7, short."""

from __future__ import annotations

import html
import re

from bot.core.gsm7 import is_gsm7, septets, to_gsm7
from bot.core.style import Rules, banned_words, grade

SUMMARY_LIMIT = 160  # one SMS
TEXT_LIMIT = 306  # two SMS

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def plain(text: object, limit: int | None = None) -> str | None:
    """Publisher text made safe to send: tags dropped, entities decoded, GSM-7 only,
    spacing tidied, cut at a word boundary when longer than `limit`. None when empty."""
    if not isinstance(text, str):
        return None
    cleaned = _TAG.sub(" ", html.unescape(text))
    cleaned = _SPACE.sub(" ", to_gsm7(cleaned)).strip()
    if not cleaned:
        return None
    if limit is not None and septets(cleaned) > limit:
        cut = cleaned[: limit - 3].rsplit(" ", 1)[0].rstrip(" ,;:-")
        cleaned = f"{cut}..."
    return cleaned


def first_sentence(text: object, limit: int = SUMMARY_LIMIT) -> str | None:
    cleaned = plain(text)
    if cleaned is None:
        return None
    return plain(_SENTENCE_END.split(cleaned, maxsplit=1)[0], limit)


def style_problems(text: str, rules: Rules, *, limit: int, words: bool = True,
                   reading: bool = True) -> list[str]:
    """What breaks content/STYLE.md in one text, as short messages."""
    problems = []
    if not is_gsm7(text):
        odd = "".join(sorted({c for c in text if not is_gsm7(c)}))
        problems.append(f"characters outside GSM-7 (SMS): {odd!r}; use straight quotes, "
                        "plain hyphens and no emoji")
    if septets(text) > limit:
        problems.append(f"{septets(text)} characters; keep it under {limit}")
    if words:
        for phrase, reason in banned_words(text, rules):
            problems.append(f'uses "{phrase}". {reason}')
    if reading and len(text.split()) >= rules.min_words_for_grade:
        level = grade(text)
        if level > rules.max_grade:
            problems.append(f"reading grade {level:.1f} is above {rules.max_grade:g}; use "
                            "shorter words and sentences")
    return problems
