"""Asking for a peer supporter, and joining as a volunteer. Diagram: buddy.mmd beside this
file. Matching, consent and the relay itself need other people's records, so they are
effects the engine carries out (bot/peers/service.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core.answers import AnswerKind, match_answer, match_choice_id
from bot.core.events import EventKind, Inbound, Outbound
from bot.core.turn import IDLE, Context, FlowState, PeerAction, Profile, Turn
from conversations import asking

NAME = "buddy"
VOLUNTEER = "volunteer"
OPEN_FOR = timedelta(days=1)
ROLES = ("supporter", "moderator", "coordinator")


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


class Volunteer:
    """Someone with an invite code becomes a peer supporter or moderator."""

    name = VOLUNTEER
    resumable = True
    holds_focus = False
    STEPS = ("conduct", "alias", "capacity", "days", "times", "activities", "experience")

    def start(self, ctx: Context, profile: Profile, role: str = "supporter", code: str = "",
              **_options: Any) -> Turn:
        data = {"role": role, "code": code, "until": (ctx.now() + OPEN_FOR).isoformat()}
        state = FlowState(VOLUNTEER, "conduct", data)
        return Turn([self.prompt(ctx, state)], state, profile)

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        return [self.prompt(ctx, state)]

    def prompt(self, ctx: Context, state: FlowState, prefix: str = "") -> Outbound:
        step = state.step or "conduct"
        # What they agree to depends on the role the code gives.
        key = f"peers.volunteer.conduct.{self.role(state)}" if step == "conduct" else \
            f"peers.volunteer.{step}"
        text = f"{prefix} {ctx.t(key)}".strip()
        options = {"conduct": "conduct", "capacity": "capacity", "days": "days",
                   "times": "times", "activities": "activities", "experience": "experience"}
        if step in options:
            return ctx.ask(text, ctx.choices(options[step]),
                           multi=step in ("days", "times", "activities"))
        return ctx.ask(text)

    @staticmethod
    def role(state: FlowState) -> str:
        role = str(state.data.get("role") or "supporter")
        return role if role in ROLES else "supporter"

    def _steps(self, state: FlowState) -> tuple[str, ...]:
        # Moderators look after groups; capacity and matching details are for supporters.
        if state.data.get("role") == "supporter":
            return self.STEPS
        return ("conduct", "alias")

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        step = state.step or "conduct"
        data = dict(state.data)
        if step == "alias":
            reading = asking.read(ctx, profile, "name", event)
            if not reading.ok or reading.skipped or reading.profile is None:
                return Turn([self.prompt(ctx, state, ctx.t("common.unclear"))], state, profile)
            data["alias"] = reading.profile.name
        else:
            options = {"conduct": "conduct", "capacity": "capacity", "days": "days",
                       "times": "times", "activities": "activities", "experience": "experience"}
            multi = step in ("days", "times", "activities")
            ids, skipped, unclear = read(ctx, options[step], event, multi=multi)
            if unclear:
                return Turn([self.prompt(ctx, state, ctx.t("common.unclear"))], state, profile)
            if step == "conduct":
                if skipped or ids != ["agree"]:
                    return Turn([ctx.say("peers.volunteer.declined")], IDLE, profile)
            elif step == "capacity":
                data["capacity"] = int(ids[0]) if ids else 1
            elif step == "experience":
                data["experience"] = None if skipped else ids[0]
            else:
                data[step] = [] if skipped else ids
        steps = self._steps(state)
        following = steps[steps.index(step) + 1:] if step in steps else ()
        if following:
            upcoming = FlowState(VOLUNTEER, following[0], data)
            return Turn([self.prompt(ctx, upcoming)], upcoming, profile)
        role = str(data.get("role", "supporter"))
        done = ctx.t(f"peers.volunteer.done.{role}",
                     name=data.get("alias") or profile.name or "")
        # Said only once the code is claimed: it may have been used or run out meanwhile.
        return Turn([], IDLE, profile, effects=[
            PeerAction("become_volunteer", {"role": role, "code": data.get("code", ""),
                                            "done": done,
                                            "details": {k: data.get(k) for k in (
                                                "alias", "capacity", "days", "times",
                                                "activities", "experience")}})])


CONVERSATION = Buddy()
VOLUNTEERING = Volunteer()
