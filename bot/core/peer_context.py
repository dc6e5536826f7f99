"""What a conversation may know about someone's place in peer support: plain values,
loaded by the engine for people who are not in the middle of another conversation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

REPORT_OPTION = "report-"  # + the chat's id: the Report button under a relayed message


@dataclass(frozen=True)
class ChatRef:
    """One open chat, as this person sees it: the partner under a name unique among
    their chats (a second Ann is "Ann 2"), so a supporter with several can say which."""

    connection_id: int
    status: str
    label: str


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
    # A chat they are part of: active, paused or reported. With several (a supporter who
    # supports more than one person) connection_id is None and `chats` lists them.
    connection_id: int | None = None
    connection_status: str | None = None
    partner_alias: str | None = None
    waiting_request: bool = False
    # An offer or a "start chatting?" was sent at or after their last turn, so a reply
    # most likely answers it, even if they were in the middle of something else.
    new_question: bool = False
    # One of their chats began or changed (the other side said yes, resumed it...) after
    # their last turn: "anything you send goes to them" holds again.
    chat_news: bool = False
    # When a message last passed either way in one of their open chats: a chat in full
    # flow is not interrupted by a planned message (a check-in waits).
    last_chat_message_at: datetime | None = None
    # Their latest chat, if it ended lately: it can still be reported.
    ended_connection_id: int | None = None
    chats: tuple[ChatRef, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def in_chat(self) -> bool:
        return self.connection_id is not None or bool(self.chats)

    @property
    def chatting(self) -> bool:
        """In a chat whose messages pass now (active, not paused or under review)."""
        return self.connection_status == "active" or any(
            chat.status == "active" for chat in self.chats)

    @property
    def anything(self) -> bool:
        return any((self.offer_request_id, self.awaiting_connection_id, self.connection_id,
                    self.chats, self.ended_connection_id))
