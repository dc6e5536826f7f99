"""Fewer, fuller texts: on SMS, the messages of one reply travel together.

Each SMS costs money and texts can arrive out of order, so a greeting, an idea and the
question after it are joined into one text while that text still fits the sender's
segment budget. Telegram keeps separate messages: they are free and arrive in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.core.events import Address, Outbound
from bot.core.render import render_sms

PARAGRAPH = "\n\n"


def bundle_for_sms(messages: Sequence[Outbound], max_segments: int = 2, *,
                   allow_unicode: bool = False) -> list[Outbound]:
    """Join neighbouring messages while the joined text still goes as one SMS.

    Only the last message of a bundle may carry options, so the numbered choices stay at
    the end, right above where the person replies.
    """
    bundled: list[Outbound] = []
    for message in messages:
        previous = bundled[-1] if bundled else None
        if previous is not None and not previous.options and not previous.ask_location:
            joined = replace(message, text=f"{previous.text}{PARAGRAPH}{message.text}")
            if len(render_sms(joined, max_segments=max_segments,
                              allow_unicode=allow_unicode).parts) == 1:
                bundled[-1] = joined
                continue
        bundled.append(message)
    return bundled


def bundle_turn(address: Address, messages: Sequence[Outbound], *,
                allow_unicode: bool = False) -> list[Outbound]:
    """What one turn of the conversation sends, shaped for the person's channel (SMS
    measured as it will be sent: `allow_unicode` is SMS_ALLOW_UNICODE)."""
    if address.channel == "sms":
        return bundle_for_sms(messages, allow_unicode=allow_unicode)
    return list(messages)
