"""Asking for a peer supporter (joining as a volunteer is volunteer.py). Diagram: buddy.mmd
beside this file. Matching, consent and the relay itself need other people's records, so they are
effects the engine carries out (bot/peers/service.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core.answers import AnswerKind, match_answer, match_choice_id
from bot.core.events import EventKind, Inbound, Outbound
from bot.core.turn import IDLE, Context, FlowState, PeerAction, Profile, Turn

NAME = "buddy"
OPEN_FOR = timedelta(days=1)


def read(ctx: Context, options: str, event: Inbound, *, multi: bool = False
         ) -> tuple[list[str], bool, bool]:
    """(chosen ids, skipped, unclear) for an answer to one of our option lists."""
    choices = ctx.choices(options)
    if event.kind is EventKind.CHOICE:
        ids = [i for i in (event.choice or "").split(",") if i]
        answers = [match_choice_id(i, choices) for i in ids]
        if answers and all(a.chosen for a in answers) and (multi or len(answers) == 1):
            return [a.ids[0] for a in answers], False, False
        return [], False, True
    if event.kind is not EventKind.TEXT:
        return [], False, True
    answer = match_answer(event.text, choices, ctx.vocabulary, multi=multi)
    if answer.kind is AnswerKind.SKIP:
        return [], True, False
    if answer.chosen:
        return list(answer.ids), False, False
    return [], False, True


class Buddy:
    """A resident asks to be connected with a peer supporter."""

    name = NAME
    resumable = True
    holds_focus = False

    def start(self, ctx: Context, profile: Profile, **_options: Any) -> Turn:
        if ctx.peer.suspended:
            return Turn([ctx.say("peers.moderation.suspended_you")], IDLE, profile)
        if ctx.peer.waiting_request or ctx.peer.in_chat or ctx.peer.awaiting_connection_id:
            return Turn([ctx.say("peers.buddy.already")], IDLE, profile)
        until = (ctx.now() + OPEN_FOR).isoformat()
        return Turn([self.ask_prompt(ctx)], FlowState(NAME, "ask", {"until": until}), profile)

    def ask_prompt(self, ctx: Context, prefix: str = "") -> Outbound:
        return ctx.ask(f"{prefix} {ctx.t('peers.buddy.ask')}".strip(), ctx.choices("offer"))

    def experience_prompt(self, ctx: Context, prefix: str = "") -> Outbound:
        text = f"{prefix} {ctx.t('peers.buddy.experience')}".strip()
        return ctx.ask(text, ctx.choices("experience"))

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        return [self.experience_prompt(ctx) if state.step == "experience" else self.ask_prompt(ctx)]

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        if state.step == "experience":
            ids, skipped, unclear = read(ctx, "experience", event)
            if unclear:
                return Turn([self.experience_prompt(ctx, ctx.t("common.unclear"))], state, profile)
            experience = None if skipped else ids[0]
            return Turn([], IDLE, profile, effects=[
                PeerAction("request_buddy", {"experience": experience})])
        ids, skipped, unclear = read(ctx, "offer", event)
        if unclear:
            return Turn([self.ask_prompt(ctx, ctx.t("common.unclear"))], state, profile)
        if skipped or ids == ["no"]:
            return Turn([ctx.say("peers.buddy.not_now")], IDLE, profile)
        return Turn([self.experience_prompt(ctx)], state.at("experience"), profile)


CONVERSATION = Buddy()
