""""Talk to a person" plugged into the engine: an interceptor, first in `bot/app.py`'s list,
and the handler of its effect (`TeamAction`), done in the engine's transaction.

The interceptor reads a message once STOP, the safety screen and the everyday commands
have had it (so a crisis still gets its urgent reply and an alert, and STOP still stops):
- someone a member of staff holds (`staff_help` conversation, step `held`): what they send
  goes to the request's thread in the console, and nothing comes back from the bot;
- a clear ask for the team ("talk to a person", "can i speak to a human"): the request is
  kept and they are told honestly when someone will reply, then they carry on where they
  were;
- "someone to talk to": a peer supporter or the team? (`conversations/staff_help.py`);
- "talk to a peer": the peer supporter question (`conversations/buddy.py`).
In an active peer chat only a clear ask for the team counts: other words are for the peer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.content import Content
from bot.core.events import EventKind, Inbound, Outbound
from bot.core.turn import (
    IDLE,
    TEAM_FLOW,
    TEAM_HELD,
    Context,
    Conversation,
    FlowState,
    Intercepted,
    Profile,
    StartFlow,
    TeamAction,
    Turn,
)
from bot.engine.effects import EffectCall
from bot.engine.plan import load_state
from bot.staff import help
from bot.staff.hours import DAY_NAMES, ReplyTime, StaffHours
from conversations import buddy
from conversations import staff_help as talk


class StaffHelp:
    """The interceptor and the `TeamAction` handler, with the team's working hours."""

    name = "staff_help"

    def __init__(self, hours: StaffHours) -> None:
        self.hours = hours

    # -- the interceptor (pure: decides, asks for effects) --------------------------------
    def intercept(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound,
                  current: Conversation | None) -> Intercepted | None:
        if state.flow == TEAM_FLOW and state.step == TEAM_HELD:
            if event.kind is EventKind.TIMEOUT:
                return None
            # For the member of staff who holds the conversation: nothing from the bot.
            return Intercepted(Turn([], state, profile, effects=[talk.held_message(
                state, event)]), state=state, about_chat=True)
        if state.flow == TEAM_FLOW:
            return None  # "a peer or the team?": the conversation reads the answer
        asked = talk.asks(ctx, event)
        if asked is None:
            return None
        if state.flow is None and ctx.peer.chatting and asked != talk.TEAM:
            return None  # "someone to talk to" in a chat is said to their peer
        resumable = state.flow is not None and (current is None or current.resumable)
        back = state if resumable else None
        if asked == talk.TEAM:
            stay = state if resumable else IDLE
            return Intercepted(Turn([], stay, profile,
                                    effects=[talk.team_request(ctx, event, back)]),
                               state=stay)
        flow = TEAM_FLOW if asked == talk.EITHER else buddy.NAME
        return Intercepted(Turn([], IDLE, profile, start=StartFlow(flow, resume=back)))

    def unclaimed(self, ctx: Context, state: FlowState, profile: Profile,
                  event: Inbound) -> Intercepted | None:
        return None

    # -- the effect (in the engine's transaction) -----------------------------------------
    def team_action(self, call: EffectCall, effect: TeamAction
                    ) -> tuple[list[Outbound], FlowState | None]:
        if effect.action == "request":
            return self._request(call, effect.values), None
        if effect.action == "message":
            return self._message(call, effect.values)
        raise ValueError(f"unknown team action {effect.action!r}")

    def _request(self, call: EffectCall, values: dict[str, Any]) -> list[Outbound]:
        """Kept (or added to the one they have open), and told when a person will reply;
        then the question they were on, if any."""
        connection, ctx, now = call.connection, call.ctx, call.now
        text = values.get("text") if isinstance(values.get("text"), str) else None
        channel = str(values.get("channel") or ctx.channel)
        existing = help.open_for(connection, call.person_id)
        if existing is not None and help.end_if_stopped(connection, existing, now,
                                                              release=False):
            existing = None
        if existing is not None and existing.status == help.HELD:
            if text:
                help.add_inbound(connection, existing.id, "text", text, now, channel=channel)
            return [ctx.say("staff_help.held", name=_first(existing.claimed_by_name) or
                            ctx.t("staff_help.the_team"))]
        reply = self.hours.reply_time(now)
        if existing is None:
            help.ask(connection, call.person_id, channel, text, now,
                     out_of_hours=reply.out_of_hours,
                     reply_after=None if not reply.out_of_hours else reply.at)
        elif text:
            help.add_inbound(connection, existing.id, "text", text, now, channel=channel)
        said = [Outbound(told(ctx.content, reply)), ctx.say("staff_help.urgent")]
        back = values.get("state")
        if isinstance(back, dict):
            state = load_state(back)
            conversation = call.conversations.get(state.flow or "")
            if conversation is not None:
                said += conversation.reprompt(ctx, state, call.profile)
        return said

    def _message(self, call: EffectCall, values: dict[str, Any]
                 ) -> tuple[list[Outbound], FlowState | None]:
        """Their words for the thread; if the hold is over (handed back while they were
        elsewhere, or they sent STOP), they are back with the bot where they were."""
        connection, now = call.connection, call.now
        raw = values.get("request")
        request = help.get(connection, raw) if isinstance(raw, int) else None
        if request is not None and request.person_id == call.person_id and \
                request.status == help.HELD and \
                not help.end_if_stopped(connection, request, now, release=False):
            help.add_inbound(connection, request.id, str(values.get("kind") or "text"),
                             str(values.get("text") or ""), now, channel=call.ctx.channel)
            return [], None
        back = load_state(values.get("resume"))
        conversation = call.conversations.get(back.flow or "")
        said = [call.ctx.say("staff_help.back_with_bot")]
        if conversation is not None:
            said += conversation.reprompt(call.ctx, back, call.profile)
            return said, back
        return said, IDLE


def told(content: Content, reply: ReplyTime) -> str:
    """When a person will reply, in words: "They're working now, until 5pm today"..."""
    start = clock(content, reply.at)
    key = f"staff_help.asked.{reply.kind}"
    if reply.kind == "on_day":
        return content.text(key, start=start,
                            day=content.text(f"staff_help.days.{DAY_NAMES[reply.at.weekday()]}"))
    if reply.kind == "on_date":
        return content.text(key, start=start, date=f"{reply.at.day} {reply.at:%B}")
    return content.text(key, start=start)


def clock(content: Content, moment: datetime) -> str:
    """9am, 1:30pm, 12 noon, midnight (London time, as `moment` is given)."""
    hour, minute = moment.hour, moment.minute
    if (hour, minute) == (0, 0):
        return content.text("staff_help.clock.midnight")
    if (hour, minute) == (12, 0):
        return content.text("staff_help.clock.noon")
    shown = f"{hour % 12 or 12}" + (f":{minute:02d}" if minute else "")
    return content.text("staff_help.clock.am" if hour < 12 else "staff_help.clock.pm",
                        hour=shown)


def _first(name: str | None) -> str | None:
    return (name.split() or [name])[0] if name else None

