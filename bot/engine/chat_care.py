"""Distress in a peer chat: the words go to their peer, as promised ("anything you send
goes to them"), and a short note of care from us goes to them alone. Not the care offer
of `conversations/care.py`, which would catch their next message instead of their peer."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.safety import CARE_NOTE_KEY, Assessment
from bot.core.turn import Context, PeerAction, RecordImpact
from bot.engine.plan import Plan

# At most one note in this time, so a hard conversation is not interrupted again and again.
CARE_NOTE_EVERY = timedelta(hours=12)


def relayed(plan: Plan) -> bool:
    """Whether the plan passes the message on to a peer."""
    return any(isinstance(e, PeerAction) and e.action == "relay" for e in plan.effects)


def with_care_note(ctx: Context, plan: Plan, assessment: Assessment) -> Plan:
    """The relay plan with a note of care added for the sender, unless one was given in
    the last `CARE_NOTE_EVERY`. When it was given is kept with their answers (shown in
    "my data", erased with them). Returns the same plan, changed."""
    now = ctx.now()
    last = plan.profile.answer(CARE_NOTE_KEY)
    try:
        recent = isinstance(last, str) and now - datetime.fromisoformat(last) < CARE_NOTE_EVERY
    except (TypeError, ValueError):
        recent = False  # a value we cannot read: better a note than none
    if recent:
        return plan
    health = assessment.health_worse
    plan.say = [*plan.say, ctx.say("safety.care.in_chat_health" if health
                                   else "safety.care.in_chat")]
    plan.profile = plan.profile.with_answer(CARE_NOTE_KEY, now.isoformat())
    plan.effects = [*plan.effects, RecordImpact("distress", "health" if health else "general")]
    plan.about_chat = False  # words of ours: they say who they are from
    return plan
