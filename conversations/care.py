"""Care: someone who says things are hard (a rotten week, low, a flare-up, just out of
hospital) is met with care, not a greeting: an acknowledgement in plain words, and an
offer of gentler messages, a pause, or a peer supporter. Diagram: care.mmd beside this file.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core.answers import AnswerKind, Choice
from bot.core.events import Inbound, Outbound
from bot.core.turn import IDLE, Context, FlowState, Profile, RecordImpact, StartFlow, Turn
from conversations.answers import read_answer

NAME = "care"
GENTLE_FOR = timedelta(days=14)
PAUSE_FOR = timedelta(days=7)
OPEN_FOR = timedelta(hours=12)


class Care:
    name = NAME
    holds_focus = False
    resumable = False  # an offer: nothing to come back to once left

    def start(self, ctx: Context, profile: Profile, health: bool = False,
              **_options: Any) -> Turn:
        until = (ctx.now() + OPEN_FOR).isoformat()
        state = FlowState(NAME, "offer", {"until": until, "health": bool(health)})
        return Turn([self._ask(ctx, state, profile)], state, profile,
                    effects=[RecordImpact("distress", "health" if health else "general")])

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        return [self._ask(ctx, state, profile)]

    def _ask(self, ctx: Context, state: FlowState, profile: Profile, prefix: str = "") -> Outbound:
        key = "safety.care.intro_health" if state.data.get("health") else "safety.care.intro"
        return ctx.ask(f"{prefix} {ctx.t(key)}".strip(), _choices(ctx, profile))

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        answer = read_answer(ctx, _choices(ctx, profile), event)
        if answer.kind is AnswerKind.SKIP:
            return Turn([ctx.say("safety.care.fine")], IDLE, profile)
        if not answer.chosen:
            key = "common.out_of_range" if answer.out_of_range else "common.unclear"
            return Turn([self._ask(ctx, state, profile, ctx.t(key))], state, profile)
        picked = answer.ids[0]
        if picked == "gentler":
            updated = profile.changed(gentle_until=ctx.now() + GENTLE_FOR)
            return Turn([ctx.say("safety.care.gentler")], IDLE, updated)
        if picked == "pause":
            updated = profile.changed(paused_until=ctx.now() + PAUSE_FOR)
            return Turn([ctx.say("safety.care.paused")], IDLE, updated)
        if picked == "buddy":
            return Turn([], IDLE, profile, start=StartFlow("buddy"))
        return Turn([ctx.say("safety.care.fine")], IDLE, profile)


def _choices(ctx: Context, profile: Profile) -> list[Choice]:
    # Gentler or paused messages mean something only to someone who gets them.
    offered = ["gentler", "pause", "buddy", "fine"] if profile.consent_encouragement else \
        ["buddy", "fine"]
    return ctx.choices("care", only=offered)


CONVERSATION = Care()
