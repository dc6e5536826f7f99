"""Time is passed in, never read directly, so schedules can be tested and replayed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to: for transcripts, tests and `chat --clock fake`."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware time")
        self._now = moment.astimezone(UTC)


def parse_duration(text: str) -> timedelta:
    """'2d', '3h', '15m', '1d 2h' -> timedelta. Raises ValueError on anything else."""
    units = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds", "w": "weeks"}
    total = timedelta(0)
    parts = text.replace(",", " ").split()
    if not parts:
        raise ValueError("empty duration")
    for part in parts:
        number, unit = part[:-1], part[-1:].lower()
        if unit not in units or not number.replace(".", "", 1).isdigit():
            raise ValueError(f"cannot read duration {part!r}")
        total += timedelta(**{units[unit]: float(number)})
    return total
