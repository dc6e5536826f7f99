"""After onboarding: would they like ideas now? Yes starts the suggestions (suggest.py).
Diagram: suggest.mmd."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.answers import AnswerKind
from bot.core.events import Inbound, Outbound
from bot.core.turn import IDLE, Context, FlowState, Profile, Turn
from conversations.answers import read_answer
from conversations.suggest import CONVERSATION, OPEN_FOR, asked_where, sorry


class Offer:
    """After onboarding: would they like ideas now? Yes starts the suggestions."""

    name = "suggest_offer"
    holds_focus = False
    resumable = False

    def start(self, ctx: Context, profile: Profile, **_options: Any) -> Turn:
        until = (ctx.now() + OPEN_FOR).isoformat()
        return Turn([self.prompt(ctx, profile=profile)],
                    FlowState(self.name, "ask", {"until": until}), profile)

    def prompt(self, ctx: Context, prefix: str = "", profile: Profile | None = None) -> Outbound:
        # "Near you" only when they told us where they are.
        near = profile is None or asked_where(profile)
        key = "suggest.flow.offer_after_onboarding" if near else "suggest.flow.offer_anywhere"
        return ctx.ask(f"{prefix} {ctx.t(key)}".strip(), ctx.choices("offer"))

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        return [self.prompt(ctx, profile=profile)]

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        answer = read_answer(ctx, ctx.choices("offer"), event)
        picked = answer.ids[0] if answer.chosen else None
        if picked == "yes":
            # They skipped the postcode a moment ago: not asked again straight away.
            turn = CONVERSATION.start(ctx, profile, ask_where=False)
            if turn.state.flow and "resume" in state.data:
                turn.state = replace(turn.state, data={**turn.state.data,
                                                       "resume": state.data["resume"]})
            return turn
        if picked == "no" or answer.kind is AnswerKind.SKIP:
            return Turn([ctx.say("suggest.flow.later")], IDLE, profile)
        return Turn([self.prompt(ctx, sorry(ctx, answer), profile)], state, profile)


OFFER = Offer()
