"""Joining as a volunteer: someone with an invite code becomes a peer supporter, a
moderator or a coordinator. Diagram: volunteer.mmd beside this file. Claiming the code needs
the volunteers' records, so it is an effect the engine carries out (bot/peers/)."""

from __future__ import annotations

from typing import Any

from bot.core.events import Inbound, Outbound
from bot.core.turn import IDLE, Context, FlowState, PeerAction, Profile, Turn
from conversations import asking
from conversations.buddy import OPEN_FOR, read

VOLUNTEER = "volunteer"
ROLES = ("supporter", "moderator", "coordinator")


class Volunteering:
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


VOLUNTEERING = Volunteering()
