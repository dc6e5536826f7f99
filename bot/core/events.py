"""The plain data that flows through the engine: what a person sends, what the bot says.

Nothing here knows about Telegram, Twilio or a terminal. Channel adapters turn their
own updates into an `Inbound`; channel senders turn an `Outbound` into their own format.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


def ref_token(ref: str) -> str:
    """A short, stable token for a question ref, small enough for Telegram callback data."""
    return hashlib.sha1(ref.encode("utf-8"), usedforsecurity=False).hexdigest()[:6]


class EventKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"  # a button press: `choice` holds an option id
    LOCATION = "location"
    COMMAND = "command"  # an explicit command such as Telegram's /mydata
    TIMEOUT = "timeout"  # time passed: the scheduler resumes a waiting conversation


@dataclass(frozen=True)
class Inbound:
    kind: EventKind
    text: str = ""
    choice: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    command: str | None = None
    argument: str = ""
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_text(cls, text: str) -> Inbound:
        return cls(EventKind.TEXT, text=text)

    @classmethod
    def from_choice(cls, option_id: str) -> Inbound:
        return cls(EventKind.CHOICE, choice=option_id)

    @classmethod
    def from_location(cls, latitude: float, longitude: float) -> Inbound:
        return cls(EventKind.LOCATION, latitude=latitude, longitude=longitude)

    @classmethod
    def from_command(cls, command: str, argument: str = "") -> Inbound:
        return cls(EventKind.COMMAND, command=command, argument=argument)

    @classmethod
    def timeout(cls, reason: str, **payload: Any) -> Inbound:
        return cls(EventKind.TIMEOUT, command=reason, payload=dict(payload))


@dataclass(frozen=True)
class Address:
    """Where a person is on one channel: ('sms', '+447700900123'), ('telegram', '1234')."""

    channel: str
    address: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.address}"


@dataclass(frozen=True)
class Option:
    """A neutral choice: `id` is stable and short (Telegram callback data), `label` is shown."""

    id: str
    label: str


@dataclass(frozen=True)
class Outbound:
    """One message the bot says, before any channel has rendered it."""

    text: str
    options: tuple[Option, ...] = ()
    multi: bool = False
    ask_location: bool = False
    # The hint that follows numbered options on text-only channels ("Reply 1, 2 or 3").
    reply_hint: str = ""
    # The option ids already chosen, so a multi-select keyboard can show ticks.
    chosen: tuple[str, ...] = ()
    # Which question this answers ("onboarding.days"), so a stale button can be spotted.
    ref: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "options": [[o.id, o.label] for o in self.options],
            "multi": self.multi,
            "ask_location": self.ask_location,
            "reply_hint": self.reply_hint,
            "chosen": list(self.chosen),
            "ref": self.ref,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outbound:
        return cls(
            text=data["text"],
            options=tuple(Option(i, label) for i, label in data.get("options", [])),
            multi=bool(data.get("multi", False)),
            ask_location=bool(data.get("ask_location", False)),
            reply_hint=data.get("reply_hint", ""),
            chosen=tuple(data.get("chosen", [])),
            ref=data.get("ref", ""),
        )
