"""Reading a person's answer to a question with options, whatever the channel."""

from __future__ import annotations

from bot.engine.events import EventKind, Inbound
from bot.engine.matching import Answer, Choice, match_answer, match_choice_id
from bot.engine.session import Context


def read_answer(ctx: Context, choices: list[Choice], event: Inbound) -> Answer:
    """A button press or typed words, as one of `choices` (anything else is unclear)."""
    if event.kind is EventKind.CHOICE:
        return match_choice_id(event.choice, choices)
    if event.kind is EventKind.TEXT:
        return match_answer(event.text, choices, ctx.vocabulary)
    return match_choice_id(None, choices)
