"""The engine's decision for one event (`Plan`), what handling it produced (`Handled`), and
small pure helpers on conversation state: whether a change means replanning, whether a
state has lapsed, which message asks the question, and the state as stored (JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.core.events import Outbound
from bot.core.turn import IDLE, FlowState, Profile, Turn

# What a person's schedule depends on: when any changes, planned messages are replanned.
SCHEDULE_FIELDS = ("paused_until", "gentle_until", "consent_encouragement", "quiet_start",
                   "quiet_end", "onboarded_at", "name")
SCHEDULE_ANSWERS = ("days", "times", "frequency", "what_matters")


def schedule_changed(before: Profile, after: Profile) -> bool:
    return any(getattr(before, f) != getattr(after, f) for f in SCHEDULE_FIELDS) or any(
        before.answer(a) != after.answer(a) for a in SCHEDULE_ANSWERS)


@dataclass
class Handled:
    """What one inbound event produced."""

    person_id: int | None = None
    duplicate: bool = False
    ignored: bool = False  # e.g. a message from someone who opted out
    outbox_ids: list[int] = field(default_factory=list)
    erased: bool = False  # the person asked for their data to be deleted, and it was


@dataclass
class Plan:
    """The decision for one event, before anything is written."""

    say: list[Outbound]
    state: FlowState
    profile: Profile
    effects: list[object] = field(default_factory=list)
    kind: str = "reply"
    opt_out: bool = False
    opt_in: bool = False
    ignore: bool = False
    # A reply to someone's own urgent or crisis message goes even after STOP (hazard H3).
    bypass: bool = False
    # Where in `say` the question they return to starts (peer support's replies go first).
    reprompt_from: int | None = None
    # Peer support's own words about the chat (which partner, unclear): no "Move Mates:".
    about_chat: bool = False


def unusable(turn: Turn, state: FlowState) -> bool:
    """The conversation could not use the message: it asks the same question again."""
    return turn.state == state and turn.start is None and not turn.effects


def lapsed(state: FlowState, now: datetime) -> bool:
    until = state.data.get("until")
    if not state.flow or not isinstance(until, str):
        return False
    try:
        return datetime.fromisoformat(until) < now
    except ValueError:
        return False


def tag_question(say: list[Outbound], state: FlowState) -> list[Outbound]:
    """Mark the question the person now faces, so a press on an older button is spotted."""
    if not state.flow:
        return say
    tagged = list(say)
    for i in range(len(tagged) - 1, -1, -1):
        if tagged[i].options or tagged[i].ask_location:
            tagged[i] = replace(tagged[i], ref=state.ref)
            break
    return tagged


def dump_state(state: FlowState) -> dict[str, object]:
    return {"flow": state.flow, "step": state.step, "data": state.data}


def load_state(data: object) -> FlowState:
    if not isinstance(data, dict):
        return IDLE
    inner = data.get("data")
    return FlowState(data.get("flow"), data.get("step"), inner if isinstance(inner, dict) else {})
