"""The check-in: how has moving felt, asked about what matters to them in their own words.
Answers adapt what follows; nothing is ever framed as success or failure.
Diagram: checkin.mmd beside this file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.engine.events import Inbound, Outbound
from bot.engine.matching import AnswerKind
from bot.engine.session import IDLE, Context, FlowState, Profile, RecordImpact, Turn
from conversations.answers import read_answer

NAME = "checkin"
GENTLE_FOR = timedelta(days=14)
# An unanswered check-in lapses: nobody should be asked the same thing for days.
OPEN_FOR = timedelta(days=2)
HOSPITAL_PAUSE = timedelta(days=14)


class CheckIn:
    name = NAME

    def start(self, ctx: Context, profile: Profile, **_options: Any) -> Turn:
        until = (ctx.now() + OPEN_FOR).isoformat()
        return Turn([self.prompt(ctx, profile)], FlowState(NAME, "ask", {"until": until}),
                    profile)

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        return [self.prompt(ctx, profile)]

    def prompt(self, ctx: Context, profile: Profile, prefix: str = "") -> Outbound:
        matters = profile.answer("what_matters")
        text = ctx.t("checkin.ask_with_what_matters", what_matters=matters) if matters \
            else ctx.t("checkin.ask")
        return ctx.ask(f"{prefix} {text}".strip(), ctx.choices("checkin"))

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        choices = ctx.choices("checkin")
        answer = read_answer(ctx, choices, event)
        if answer.kind is AnswerKind.SKIP:
            picked = "rather_not_say"
        elif answer.chosen:
            picked = answer.ids[0]
        else:
            return Turn([self.prompt(ctx, profile, ctx.t("common.unclear"))], state, profile)
        updated = profile
        if picked == "harder":
            updated = profile.changed(gentle_until=ctx.now() + GENTLE_FOR)
        elif picked == "hospital":
            updated = profile.changed(paused_until=ctx.now() + HOSPITAL_PAUSE)
        elif picked in ("better", "same") and profile.gentle_until:
            updated = profile.changed(gentle_until=None)
        return Turn([ctx.say(f"checkin.{picked}")], IDLE, updated,
                    effects=[RecordImpact("checkin", picked)])


CONVERSATION = CheckIn()
