"""What reads a message before the conversation someone is in (`bot.core.turn.Interceptor`):
the duty team's ALERT commands, volunteers' commands, and peer support. `bot/app.py` lists
them in the order they run, after "talk to a person" and a member of staff holding the
conversation (`bot/extensions/staff_help.py`), which comes first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.core.events import EventKind, Inbound
from bot.core.turn import (
    IDLE,
    Context,
    Conversation,
    Effect,
    FlowState,
    Intercepted,
    PeerAction,
    Profile,
    Turn,
)
from conversations import duty, onboarding, peer


class Commands:
    """Words that ask for an effect and leave them where they were: the duty team's
    ALERT 12, ALERT 12 OK, ALERT 12 NOTE ... (anyone else is told they are not for them,
    by the handler), and volunteers' PAUSE / RESUME VOLUNTEERING and invite codes."""

    def __init__(self, name: str,
                 read: Callable[[Context, Inbound], Effect | None]) -> None:
        self.name = name
        self._read = read

    def intercept(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound,
                  current: Conversation | None) -> Intercepted | None:
        action = self._read(ctx, event)
        if action is None:
            return None
        return Intercepted(Turn([], state, profile, effects=[action]), state=state)

    def unclaimed(self, ctx: Context, state: FlowState, profile: Profile,
                  event: Inbound) -> Intercepted | None:
        return None


class PeerSupport:
    """Offers, consent and chats. Between conversations, anything about them comes first.
    In another conversation: REPORT (they stay where they were); a clear answer to an offer
    or "start chatting?" sent after the question they were on (a chooser is let go,
    anything else waits); and, once their chat began or came back after they wandered into
    the welcome or a menu, their messages (as promised, "anything you send goes to them")."""

    name = "peer_support"

    def intercept(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound,
                  current: Conversation | None) -> Intercepted | None:
        if not ctx.peer.anything:
            return None
        if state.flow is None:
            turn = peer.handle(ctx, profile, event)
            return None if turn is None else Intercepted(turn, about_chat=True)
        resumable = current is None or current.resumable
        if peer.reports(ctx, event):
            turn = peer.handle(ctx, profile, event)
            if turn is not None:
                return Intercepted(turn, state=state, about_chat=True)
        if ctx.peer.new_question:
            turn = peer.answer(ctx, profile, event)
            if turn is not None:
                return Intercepted(turn, state=state if resumable else IDLE, about_chat=True)
        if ctx.peer.chat_news and ctx.peer.in_chat and (
                state.flow == onboarding.NAME or not resumable):
            turn = peer.handle(ctx, profile, event)
            if turn is not None:
                return Intercepted(turn, state=IDLE, about_chat=True)
        return None

    def unclaimed(self, ctx: Context, state: FlowState, profile: Profile,
                  event: Inbound) -> Intercepted | None:
        """In a chat, words our question cannot use are for their peer: passed on, and our
        question is put aside (focus rules, docs/focus.md)."""
        if not ctx.peer.chatting or event.kind is not EventKind.TEXT:
            return None
        chat = peer.handle(ctx, profile, event)
        if chat is None:
            return None
        effects = [replace(e, values={**e.values, "closed_question": True})
                   if isinstance(e, PeerAction) and e.action == "relay" else e
                   for e in chat.effects]
        return Intercepted(Turn(list(chat.say), IDLE, profile, effects=effects), state=IDLE,
                           about_chat=True)


# In the order they run (bot/app.py): the duty team's words first, then volunteers', then
# peer support.
DUTY_COMMANDS = Commands("duty_commands", lambda _ctx, event: duty.commands(event))
VOLUNTEER_COMMANDS = Commands("volunteer_commands", peer.commands)
PEER_SUPPORT = PeerSupport()
