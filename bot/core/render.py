"""Turning a neutral `Outbound` into what a text channel shows.

SMS and the console number the options inside the text ("1 Walking"); Telegram shows
buttons (see telegram.py); the console can imitate either for trying things out.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from bot.core.content import Content
from bot.core.events import Outbound
from bot.core.gsm7 import measure, smart, split_for_sms, to_gsm7

TICK = "\u2713"
# The most texts one message becomes by SMS (each at most two segments): where splitting at
# sentences would need more, words are packed tightly instead. A relayed message that
# would still need more is not passed on (bot/peers/service.py says so to its sender).
MAX_PARTS = 4


@dataclass(frozen=True)
class RenderedText:
    parts: tuple[str, ...]  # each part is sent as a separate message
    segments: int  # SMS segments for all parts together (0 where not SMS)
    encoding: str = ""


def numbered(message: Outbound) -> str:
    """The message with its options numbered inside the text, for text-only channels."""
    if not message.options:
        return message.text
    lines = [message.text, *(f"{n} {o.label}" for n, o in enumerate(message.options, 1))]
    if message.reply_hint:
        lines.append(message.reply_hint)
    return "\n".join(lines)


def render_sms(message: Outbound, *, allow_unicode: bool = False,
               max_segments: int = 2) -> RenderedText:
    """Numbered options in the text; look-alike characters made GSM-7 (and, unless
    `allow_unicode`, everything else GSM-7 lacks left out); over `max_segments`, split into
    several texts labelled (1/2), (2/2)... at the end, so they read in order whichever
    arrives first."""
    text = numbered(message)
    text = smart(text) if allow_unicode else to_gsm7(text)
    parts = split_for_sms(text, max_segments, max_parts=MAX_PARTS)
    if len(parts) > 1:
        parts = _labelled(text, max_segments)
    measured = [measure(p) for p in parts]
    encoding = "UCS-2" if any(m.name == "UCS-2" for m in measured) else "GSM-7"
    return RenderedText(tuple(parts), sum(m.segments for m in measured), encoding)


def characters_that_fit(text: str, *, lead: str = "", allow_unicode: bool = False,
                        max_segments: int = 2) -> int:
    """About how many characters of `text` one message can be by SMS (after `lead`, the
    writer's name on a relay: at most `MAX_PARTS` texts of `max_segments` each, labels and
    all), rounded down: for telling someone whose message was too long how much fits.
    Characters as a reader counts them and as texts are cut, never inside one (a family
    emoji of seven code points is one, a letter with its accents one), and what each costs
    as the segment counter counts it (an emoji two UTF-16 units, `€ [ ] { } ~ ^ | \\` two
    septets, a character never split between segments): the longest start of `text` that
    goes, so a message trimmed to the number said fits. A text with emoji or other scripts
    (UCS-2, with `allow_unicode`) fits about 500; GSM-7 about 1,200."""
    clusters = regex.findall(r"\X", text)

    def goes(count: int) -> bool:
        message = Outbound(lead + "".join(clusters[:count]))
        rendered = render_sms(message, allow_unicode=allow_unicode, max_segments=max_segments)
        return len(rendered.parts) <= MAX_PARTS

    low, high = 0, len(clusters)  # the first `low` go; the first `high` do not
    if goes(high):
        low = high
    while low + 1 < high:
        middle = (low + high) // 2
        if goes(middle):
            low = middle
        else:
            high = middle
    step = 50 if low >= 100 else 10
    return max(low // step * step, 1)


def _labelled(text: str, max_segments: int) -> list[str]:
    """The parts with room kept for their labels, which widen past nine parts."""
    count = 9
    while True:
        parts = split_for_sms(text, max_segments, reserve=_label(count, count),
                              max_parts=MAX_PARTS)
        if len(parts) <= count:
            return [f"{part}{_label(n, len(parts))}" for n, part in enumerate(parts, 1)]
        count = 10 ** len(str(len(parts))) - 1


def _label(number: int, total: int) -> str:
    return f" ({number}/{total})"


def render_console(message: Outbound) -> RenderedText:
    return RenderedText((numbered(message),), 0)


def render_telegram_preview(message: Outbound, content: Content) -> RenderedText:
    """How a Telegram message looks, in plain text: the text, then its buttons."""
    lines = [message.text]
    if message.options:
        buttons = []
        for option in message.options:
            mark = f"{TICK} " if option.id in message.chosen else ""
            buttons.append(f"[{mark}{option.label}]")
        if message.multi:
            buttons.append(f"[{content.text('buttons.done')}]")
        lines.append(" ".join(buttons))
    if message.ask_location:
        lines.append(f"[{content.text('buttons.share_location')}]")
    return RenderedText(("\n".join(lines),), 0)

