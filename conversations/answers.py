"""Reading a person's answer to a question with options, whatever the channel."""

from __future__ import annotations

from collections.abc import Collection

from bot.core.answers import Answer, AnswerKind, Choice, match_answer, match_choice_id
from bot.core.events import EventKind, Inbound
from bot.core.turn import Context


def read_answer(ctx: Context, choices: list[Choice], event: Inbound, *,
                exact_for: Collection[str] = ()) -> Answer:
    """A button press or typed words, as one of `choices` (anything else is unclear).

    `exact_for`: options with consequences (delete everything, keep nothing) that typed
    words choose only when nothing else was said; otherwise the answer is unclear."""
    if event.kind is EventKind.CHOICE:
        return match_choice_id(event.choice, choices)
    if event.kind is EventKind.TEXT:
        answer = match_answer(event.text, choices, ctx.vocabulary)
        if answer.chosen and set(answer.ids) & set(exact_for):
            sure = match_answer(event.text, choices, ctx.vocabulary, exact=True)
            if sure.ids != answer.ids:
                return Answer(AnswerKind.UNCLEAR)
        return answer
    return match_choice_id(None, choices)
