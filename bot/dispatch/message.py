"""What the outbox hands a channel and hears back: a claimed message (`Outgoing`), the
channel's answer (`Outcome`) and what each answer means (`Result`). Plain values, shared by
the dispatcher's parts, the channels, and the features told about a message that will never
arrive (`UndeliveredHook`). `bot.dispatch.outbox` re-exports them: import them from there."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import Connection

from bot.core.events import Outbound
from bot.storage.models import OutboxMessage

_OUTBOX = OutboxMessage.__table__

# Where a message goes: (channel, address). Its messages keep their order.
AddressKey = tuple[str, str]
# The channels one task sends for: a paced channel alone, or all the unpaced ones together.
Lane = tuple[str, ...]


class Result(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # a temporary problem: try again later
    FAILED = "failed"  # a permanent problem with this message
    UNREACHABLE = "unreachable"  # the address is wrong or has blocked us
    OPTED_OUT = "opted_out"  # the provider says this person opted out
    UNKNOWN = "unknown"  # it may or may not have arrived: recorded, never resent blindly
    SUPPRESSED = "suppressed"  # not sent: the address stopped being reachable meanwhile


@dataclass(frozen=True)
class Part:
    """One message the provider accepted (a long SMS goes as several)."""

    number: int
    provider_ref: str
    segments: int | None = None


@dataclass(frozen=True)
class Outcome:
    result: Result
    provider_ref: str | None = None
    segments: int | None = None
    error: str | None = None
    retry_after: float | None = None
    # Long messages go as several parts; a retry resumes after the parts already sent.
    parts_sent: int | None = None
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Outgoing:
    """A claimed row, detached from the database session."""

    id: int
    person_id: int | None
    channel: str
    address: str
    kind: str
    priority: int
    message: Outbound
    attempts: int
    idempotency_key: str
    parts_sent: int = 0
    bypass_suppression: bool = False

    @property
    def to(self) -> AddressKey:
        """Where it goes, (channel, address): messages to one address keep their order."""
        return (self.channel, self.address)

    @property
    def to_group(self) -> bool:
        """Telegram group and channel chats have negative ids; private chats positive."""
        return self.channel == "telegram" and self.address.startswith("-")


class Sender(Protocol):
    """One channel's way of delivering a message."""

    channel: str

    async def send(self, item: Outgoing) -> Outcome: ...


# Called in the transaction that records a message that will never arrive: the platform
# refused it because the person cannot be reached (blocked, deactivated, opted out), it was
# not sent because they could not be reached by then (suppressed), it failed for good, or
# a delivery receipt later says it never arrived: (connection, the row, when) -> whether it
# queued anything.
UndeliveredHook = Callable[[Connection, Outgoing, datetime], bool]


def cost_of(sender: Sender, item: Outgoing) -> float:
    """What a message costs against the channel's rate (SMS counts segments)."""
    measure = getattr(sender, "cost", None)
    return float(measure(item)) if measure is not None else 1.0


def detach(row: Mapping[str, Any] | OutboxMessage) -> Outgoing:
    """A stored row (a result mapping, or the ORM object a receipt handler holds) as the
    detached value senders and hooks take."""
    if isinstance(row, OutboxMessage):
        row = {column.name: getattr(row, column.name) for column in _OUTBOX.columns}
    return Outgoing(
        id=row["id"], person_id=row["person_id"], channel=row["channel"],
        address=row["address"], kind=row["kind"], priority=row["priority"],
        message=Outbound.from_json(row["payload"]), attempts=row["attempts"],
        idempotency_key=row["idempotency_key"], parts_sent=row["parts_sent"],
        bypass_suppression=row["bypass_suppression"],
    )
