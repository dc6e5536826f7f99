"""A few days after "I'd like to go": did you get there, how was it? No judgement; the
answer becomes anonymous feedback coordinators can act on. Diagram: suggest.mmd."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.engine.events import EventKind, Inbound, Outbound
from bot.engine.matching import AnswerKind, match_answer, match_choice_id
from bot.engine.session import IDLE, Context, FlowState, Profile, RecordFeedback, Turn

NAME = "followup"
OPEN_FOR = timedelta(days=2)


class FollowUp:
    name = NAME

    def start(self, ctx: Context, profile: Profile, opportunity: str = "",
              **_options: Any) -> Turn:
        item = ctx.places.get(opportunity) if ctx.places else None
        if item is None:
            return Turn([], IDLE, profile)  # gone from the catalogue since: nothing to ask
        data = {"opportunity": item.id, "name": item.name,
                "until": (ctx.now() + OPEN_FOR).isoformat()}
        return Turn([self.prompt(ctx, item.name)], FlowState(NAME, "ask", data), profile)

    def prompt(self, ctx: Context, name: str, prefix: str = "") -> Outbound:
        text = f"{prefix} {ctx.t('suggest.followup.ask', name=name)}".strip()
        return ctx.ask(text, ctx.choices("followup"))

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        return [self.prompt(ctx, str(state.data.get("name", "")))]

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        choices = ctx.choices("followup")
        if event.kind is EventKind.CHOICE:
            answer = match_choice_id(event.choice, choices)
        elif event.kind is EventKind.TEXT:
            answer = match_answer(event.text, choices, ctx.vocabulary)
        else:
            answer = match_choice_id(None, choices)
        if answer.kind is AnswerKind.SKIP:
            picked = "rather_not_say"
        elif answer.chosen:
            picked = answer.ids[0]
        else:
            prompt = self.prompt(ctx, str(state.data.get("name", "")), ctx.t("common.unclear"))
            return Turn([prompt], state, profile)
        effects = [RecordFeedback(str(state.data.get("opportunity", "")), picked)]
        return Turn([ctx.say(f"suggest.followup.{picked}")], IDLE, profile, effects=effects)


CONVERSATION = FollowUp()
