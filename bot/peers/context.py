"""What a conversation may know about someone's place in peer support: plain values,
loaded by the engine for people who are not in the middle of another conversation."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PeerContext:
    role: str | None = None  # supporter | moderator | coordinator, if a volunteer
    volunteer_paused: bool = False
    suspended: bool = False
    # A supporter who has been offered someone to support, and what they may know of them.
    offer_request_id: int | None = None
    offer_summary: tuple[str, ...] = ()
    # A resident asked whether they'd like to start chatting with a supporter.
    awaiting_connection_id: int | None = None
    awaiting_alias: str | None = None
    awaiting_about: str = ""
    # A chat they are part of: active, paused or reported.
    connection_id: int | None = None
    connection_status: str | None = None
    partner_alias: str | None = None
    waiting_request: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def in_chat(self) -> bool:
        return self.connection_id is not None

    @property
    def anything(self) -> bool:
        return any((self.offer_request_id, self.awaiting_connection_id, self.connection_id))
