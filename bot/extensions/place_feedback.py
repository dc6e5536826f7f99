"""Feedback on places plugged into the engine: the `RecordFeedback` effect a follow-up
asks for, kept with no person attached. Registered by `bot/app.py`."""

from __future__ import annotations

from bot.core.events import Outbound
from bot.core.turn import FlowState, RecordFeedback
from bot.engine.effects import EffectCall
from bot.places.feedback import record_feedback


def feedback(call: EffectCall, effect: RecordFeedback) -> tuple[list[Outbound], FlowState | None]:
    record_feedback(call.connection, effect.opportunity_id, effect.answer, call.now)
    return [], None
