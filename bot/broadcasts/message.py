"""A broadcast's words as people get them, and what it will cost.

The team's text passes the checks a staff reply passes (`bot.staff.help`): something to
say, at most `MAX_REPLY` characters, and by SMS at most `MAX_PARTS` texts. It goes with
the team's name before it (content: broadcasts.message, in each person's language), and is
rendered the way each channel carries it: on Telegram as one message
(`render_telegram_preview`), by SMS as GSM-7 texts of at most two segments each
(`render_sms`; UCS-2 only when `SMS_ALLOW_UNICODE` is on, else what GSM-7 lacks is left out
and the coordinator is told what). The estimate is the segments of one copy times the
people it goes to by SMS, at `SMS_PRICE_PER_SEGMENT`; Telegram costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.content import Content
from bot.core.events import Outbound
from bot.core.gsm7 import left_out, measure
from bot.core.render import MAX_PARTS, render_sms, render_telegram_preview
from bot.staff.help import MAX_REPLY, Pricing

WRAPPER = "broadcasts.message"  # "Move Mates team: {text}"
NEED_TEXT, TOO_LONG = "need_text", "too_long"


@dataclass(frozen=True)
class Text:
    """One SMS as it goes: its words, characters and segments."""

    words: str
    characters: int
    segments: int


@dataclass(frozen=True)
class Draft:
    """A broadcast's words checked and rendered; `problem` (NEED_TEXT, TOO_LONG) when it
    may not go."""

    text: str
    telegram: str
    texts: tuple[Text, ...]
    segments: int  # for one copy by SMS, every text together
    encoding: str  # "GSM-7" or "UCS-2"
    left_out: str | None  # what texts can't carry (bot.core.gsm7.left_out), if anything
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Estimate:
    """How many people, by which channel, and the SMS cost."""

    telegram: int
    sms: int
    left_out: int  # matched, but may not have one now (STOP, no consent, paused)
    segments: int  # all SMS copies together
    cost: float
    per_segment: float

    @property
    def recipients(self) -> int:
        return self.telegram + self.sms


def as_sent(content: Content, text: str) -> Outbound:
    """The message one person gets, in their language."""
    return Outbound(content.text(WRAPPER, text=text.strip()))


def draft(content: Content, text: str, pricing: Pricing) -> Draft:
    """`text` checked and rendered for both channels (in `content`'s language)."""
    text = text.strip()
    message = as_sent(content, text)
    telegram = render_telegram_preview(message, content).parts[0]
    sms = render_sms(message, allow_unicode=pricing.allow_unicode)
    texts = tuple(Text(part, len(part), measure(part).segments) for part in sms.parts)
    problem = None
    if not text:
        problem = NEED_TEXT
    elif len(text) > MAX_REPLY or len(sms.parts) > MAX_PARTS:
        problem = TOO_LONG
    return Draft(text, telegram, texts, sms.segments, sms.encoding or "GSM-7",
                 None if pricing.allow_unicode else left_out(message.text), problem)


def estimate(draft: Draft, telegram: int, sms: int, left_out: int,
             pricing: Pricing) -> Estimate:
    segments = draft.segments * sms
    return Estimate(telegram, sms, left_out, segments,
                    round(segments * pricing.per_segment, 2), pricing.per_segment)
