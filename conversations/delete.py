"""Deleting everything we hold: `delete my data`, always confirmed first. Diagram:
delete.mmd beside this file. The erasure itself is an effect the engine carries out."""

from __future__ import annotations

from typing import Any

from bot.core.answers import AnswerKind
from bot.core.events import Inbound, Outbound
from bot.core.turn import IDLE, Context, EraseEverything, FlowState, Profile, RecordImpact, Turn
from conversations.answers import read_answer

DELETE = "delete"


class Delete:
    """Confirm, then erase everything irreversibly."""

    name = DELETE
    resumable = True
    holds_focus = True  # in a peer chat, an unclear answer here still asks again

    def start(self, ctx: Context, profile: Profile, **_options: Any) -> Turn:
        return Turn([self.confirm_prompt(ctx)], FlowState(DELETE, "confirm"), profile)

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        return [self.confirm_prompt(ctx)]

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        choices = ctx.choices("delete_confirm")
        answer = read_answer(ctx, choices, event, exact_for=("yes",))
        if answer.chosen and answer.ids[0] == "yes":
            return Turn([ctx.say("privacy.deleted")], IDLE, Profile(),
                        effects=[RecordImpact("erased"), EraseEverything()])
        if answer.chosen or answer.kind is AnswerKind.SKIP:
            return Turn([ctx.say("privacy.kept")], IDLE, profile)
        # Anything unclear ("not sure, what does that do?") explains and asks again.
        return Turn([self.confirm_prompt(ctx, unclear=True)], state, profile)

    def confirm_prompt(self, ctx: Context, *, unclear: bool = False) -> Outbound:
        text = ctx.t("privacy.delete_unclear") if unclear else ctx.t("privacy.delete_confirm")
        return ctx.ask(text, ctx.choices("delete_confirm"))


CONVERSATION = Delete()
