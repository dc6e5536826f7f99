"""A few days after "I'd like to go": did you get there, how was it? No judgement; the
answer becomes anonymous feedback coordinators can act on. Diagram: suggest.mmd."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core.answers import AnswerKind
from bot.core.events import Inbound, Outbound
from bot.core.turn import IDLE, Context, FlowState, Profile, RecordFeedback, Turn
from conversations.answers import read_answer
from conversations.suggest import sorry, step_for

NAME = "followup"
OPEN_FOR = timedelta(days=2)


def _called(item: Any) -> str:
    """How the question names it: an idea for home is not a proper name ("a walk from
    your door"), so it reads in lower case inside the sentence."""
    if item.kind == "at_home" and not item.name[1:2].isupper():
        return item.name[:1].lower() + item.name[1:]
    return item.name


class FollowUp:
    name = NAME
    resumable = True
    holds_focus = False

    def start(self, ctx: Context, profile: Profile, opportunity: str = "",
              **_options: Any) -> Turn:
        item = ctx.places.get(opportunity) if ctx.places else None
        if item is None:
            return Turn([], IDLE, profile)  # gone from the catalogue since: nothing to ask
        data = {"opportunity": item.id, "name": _called(item), "remote": item.is_remote,
                "until": (ctx.now() + OPEN_FOR).isoformat()}
        # The step names the place, so a button from an older follow-up (another place)
        # is spotted as old and never recorded against this one.
        state = FlowState(NAME, step_for("ask", item.id), data)
        return Turn([self._ask(ctx, state)], state, profile)

    def prompt(self, ctx: Context, name: str, prefix: str = "", remote: bool = False
               ) -> Outbound:
        """"Did you get to X?", or for something online or at home, "did you try X?"."""
        key = "suggest.followup.ask_remote" if remote else "suggest.followup.ask"
        return ctx.ask(f"{prefix} {ctx.t(key, name=name)}".strip(), ctx.choices("followup"))

    def _ask(self, ctx: Context, state: FlowState, prefix: str = "") -> Outbound:
        return self.prompt(ctx, str(state.data.get("name", "")), prefix,
                           remote=bool(state.data.get("remote")))

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        return [self._ask(ctx, state)]

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        answer = read_answer(ctx, ctx.choices("followup"), event)
        if answer.kind is AnswerKind.SKIP:
            picked = "rather_not_say"
        elif answer.chosen:
            picked = answer.ids[0]
        else:
            return Turn([self._ask(ctx, state, sorry(ctx, answer))], state, profile)
        effects = [RecordFeedback(str(state.data.get("opportunity", "")), picked)]
        return Turn([ctx.say(f"suggest.followup.{picked}")], IDLE, profile, effects=effects)


CONVERSATION = FollowUp()
