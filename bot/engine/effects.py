"""Effect handlers: what a conversation asks for that touches more than the person's own
row (other people, the duty team), done by the feature it belongs to, in the engine's
transaction. The app registers one handler per effect type (`Engine(effect_handlers=...)`),
so the runner needs to know no feature (goflow's actions register themselves the same way).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from bot.core.content import ContentLibrary
from bot.core.events import Outbound
from bot.core.turn import Context, Conversation, FlowState, Profile


@dataclass
class EffectCall:
    """What a handler may use, and `profile`, which it may change (a new volunteer's role
    is theirs from this turn on)."""

    connection: Connection  # the engine's transaction: commit together or not at all
    ctx: Context
    person_id: int
    profile: Profile
    content: ContentLibrary  # every language: the other person may read another one
    conversations: Mapping[str, Conversation]
    now: datetime
    channel: str = ""  # the channel the person wrote on, when it matters


# (call, effect) -> (messages for the person, the conversation state to move to or None)
EffectHandler = Callable[[EffectCall, Any], tuple[list[Outbound], FlowState | None]]


class NoHandler(LookupError):
    """An effect nobody registered a handler for: a wiring fault, never the person's."""
