"""Settings: change any answer at any time. Diagram: settings.mmd beside this file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core.answers import AnswerKind
from bot.core.events import Inbound, Outbound
from bot.core.turn import IDLE, Context, FlowState, Profile, Turn
from conversations import asking
from conversations.answers import read_answer
from conversations.questions import clear

NAME = "settings"
OPEN_FOR = timedelta(days=1)  # then a reply starts afresh rather than changing an answer
# Some settings are a consent followed by its details.
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "activities": ("activities",),
    "helps": ("helps",),
    "days": ("days",),
    "times": ("times",),
    "messages": ("consent_encouragement", "frequency"),
    "with_whom": ("with_whom",),
    "where": ("where",),
    "district": ("district",),
    "what_matters": ("what_matters",),
    "health": ("consent_health", "health"),
    "access": ("access", "cost"),
    "quiet": ("quiet",),
}


class ChangeAnswers:
    name = NAME
    resumable = True
    holds_focus = False

    def start(self, ctx: Context, profile: Profile, **_options: Any) -> Turn:
        until = (ctx.now() + OPEN_FOR).isoformat()
        return Turn([self.settings_prompt(ctx)], FlowState(NAME, "menu", {"until": until}),
                    profile)

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        if state.step and state.step.startswith("q:"):
            return [asking.ask(ctx, profile, state.step[2:])]
        return [self.settings_prompt(ctx)]

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        if state.step and state.step.startswith("q:"):
            return self._answer(ctx, state, profile, event)
        return self._pick(ctx, state, profile, event)

    def settings_prompt(self, ctx: Context, prefix: str = "", again: bool = False) -> Outbound:
        text = ctx.t("settings.again" if again else "settings.ask")
        return ctx.ask(f"{prefix} {text}".strip(), ctx.choices("settings"))

    def _pick(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        choices = ctx.choices("settings")
        answer = read_answer(ctx, choices, event)
        if answer.kind is AnswerKind.SKIP or (answer.chosen and answer.ids[0] == "done"):
            return Turn([ctx.say("settings.finished")], IDLE, profile)
        if not answer.chosen:
            key = "common.out_of_range" if answer.out_of_range else "common.unclear"
            return Turn([self.settings_prompt(ctx, ctx.t(key))], state, profile)
        queue = [q for q in FIELDS[answer.ids[0]]]
        first = queue.pop(0)
        prompt = asking.ask(ctx, profile, first)
        return Turn([prompt], FlowState(NAME, f"q:{first}", {**state.data, "queue": queue}),
                    profile)

    def _answer(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        question_id = (state.step or "q:")[2:]
        reading = asking.read(ctx, profile, question_id, event)
        if not reading.ok:
            return Turn([asking.reask(ctx, profile, question_id, reading)], state, profile)
        question = asking.question(question_id)
        updated = clear(question, profile) if reading.skipped else (reading.profile or profile)
        say = asking.notes(ctx, reading)
        queue = [q for q in state.data.get("queue", []) if asking.question(q).applies(updated)]
        if question_id == "consent_encouragement" and updated.consent_encouragement is False:
            say.append(ctx.say("settings.messages_off"))
        if question_id == "consent_health" and updated.consent_health is False:
            say.append(ctx.say("settings.health_off"))
        if queue:
            following = queue.pop(0)
            say.append(asking.ask(ctx, updated, following))
            return Turn(say, FlowState(NAME, f"q:{following}", {**state.data, "queue": queue}),
                        updated)
        say.append(self.settings_prompt(ctx, again=True))
        data = {k: v for k, v in state.data.items() if k != "queue"}
        return Turn(say, FlowState(NAME, "menu", data), updated)


CONVERSATION = ChangeAnswers()
