"""Reading what people type in a group: which command, its argument, a mute's length,
/setup's settings, and what a strike leads to. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from bot.core.clock import parse_duration

# Anyone: rules, report. Group helpers only: the rest.
PUBLIC = frozenset({"rules", "report"})
MODERATOR = frozenset({"setup", "setrules", "warn", "mute", "unmute", "remove"})
_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@(\w+))?(?:\s+(.*))?$", re.DOTALL)

DEFAULT_MUTE = timedelta(hours=24)
ESCALATION_MUTE = timedelta(hours=24)
MIN_MUTE = timedelta(minutes=1)
# Telegram treats a restriction of over 366 days (or under 30 seconds) as for ever.
MAX_MUTE = timedelta(days=365)
STRIKE_LIMITS = range(1, 11)
NEW_MEMBER_DAYS = range(0, 91)
_ON = {"on", "yes", "true", "1"}
_OFF = {"off", "no", "false", "0"}


@dataclass(frozen=True)
class GroupCommand:
    name: str
    argument: str = ""


def parse_command(text: str, bot_username: str | None) -> GroupCommand | None:
    """One of our group commands, or None (also for `/cmd@SomeOtherBot`)."""
    match = _COMMAND.match((text or "").strip())
    if match is None:
        return None
    name, addressed, argument = match.group(1).lower(), match.group(2), match.group(3) or ""
    if name not in PUBLIC | MODERATOR:
        return None
    if addressed and bot_username and addressed.lower() != bot_username.lower():
        return None
    return GroupCommand(name, argument.strip())


def parse_mute(argument: str) -> timedelta | None:
    """'30m', '2h', '1d' (or nothing: a day); None for anything unreadable or out of range."""
    words = argument.split()
    if not words:
        return DEFAULT_MUTE
    try:
        length = parse_duration(words[0])
    except ValueError:
        return None
    return length if MIN_MUTE <= length <= MAX_MUTE else None


class Step(StrEnum):
    WARN = "warn"
    MUTE = "mute"
    REMOVE = "remove"


def escalation(strikes: int, limit: int) -> Step:
    """First strike a warning, at the limit removal, any in between a day's mute."""
    if strikes >= limit:
        return Step.REMOVE
    return Step.WARN if strikes <= 1 else Step.MUTE


def parse_setup(argument: str) -> dict[str, Any] | None:
    """`/setup strikes 3 days 7 hold off` -> Group column values; None if unreadable."""
    words = argument.lower().split()
    if len(words) % 2:
        return None
    values: dict[str, Any] = {}
    for name, value in zip(words[::2], words[1::2], strict=True):
        if name == "strikes" and value.isdigit() and int(value) in STRIKE_LIMITS:
            values["strike_limit"] = int(value)
        elif name == "days" and value.isdigit() and int(value) in NEW_MEMBER_DAYS:
            values["new_member_days"] = int(value)
        elif name == "hold" and value in _ON | _OFF:
            values["hold_new_member_links"] = value in _ON
        else:
            return None
    return values
