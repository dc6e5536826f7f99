"""Asking a question and reading its answer, the same way in every conversation."""

from __future__ import annotations

from bot.core.events import Inbound, Outbound
from bot.core.turn import Context, Profile
from conversations.questions import QUESTIONS, AnswerReading, Kind, Question


def question(question_id: str) -> Question:
    return QUESTIONS[question_id]


def ask(ctx: Context, profile: Profile, question_id: str, prefix: str = "") -> Outbound:
    return QUESTIONS[question_id].prompt(ctx, profile, prefix)


def read(ctx: Context, profile: Profile, question_id: str, event: Inbound) -> AnswerReading:
    return QUESTIONS[question_id].read(ctx, profile, event)


def reask(ctx: Context, profile: Profile, question_id: str, reading: AnswerReading) -> Outbound:
    """The same question again, kindly, saying what went wrong."""
    q = QUESTIONS[question_id]
    retry = ctx.t(reading.retry_key or "common.unclear")
    if q.options is not None:
        return q.prompt(ctx, profile, prefix=retry)
    # Free-text questions have their own retry wording, which says what to send instead.
    return Outbound(retry, ask_location=q.kind is Kind.DISTRICT and ctx.channel == "telegram")


def notes(ctx: Context, reading: AnswerReading) -> list[Outbound]:
    if not reading.note_key:
        return []
    return [Outbound(ctx.t(reading.note_key, **dict(reading.note_params)))]
