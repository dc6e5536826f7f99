"""When a person may hear from us: their days, their times of day, never in quiet hours,
all in Europe/London so clock changes land where people expect them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from bot.core.clock import LONDON

DAY_IDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Local times of day people choose from (options.times); 'varies' means late morning.
TIME_WINDOWS: dict[str, tuple[time, time]] = {
    "morning": (time(9, 0), time(12, 0)),
    "afternoon": (time(13, 0), time(16, 30)),
    "evening": (time(17, 30), time(20, 0)),
    "varies": (time(10, 0), time(12, 0)),
}
DEFAULT_QUIET = (time(21, 0), time(8, 30))


@dataclass(frozen=True)
class Window:
    """A span of real time (UTC) in which a message may go."""

    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def parse_hhmm(text: str | None, default: time) -> time:
    try:
        hours, minutes = (int(part) for part in (text or "").split(":"))
        return time(hours, minutes)
    except (ValueError, TypeError):
        return default


def in_quiet_hours(local: time, quiet_start: time, quiet_end: time) -> bool:
    if quiet_start == quiet_end:
        return False
    if quiet_start < quiet_end:  # e.g. 13:00-14:00
        return quiet_start <= local < quiet_end
    return local >= quiet_start or local < quiet_end  # across midnight, e.g. 21:00-08:30


@lru_cache(maxsize=16_384)
def local_window(day: date, time_of_day: str, quiet_start: time, quiet_end: time
                 ) -> Window | None:
    """The part of a time-of-day window on `day` that is outside quiet hours, in UTC."""
    start, end = TIME_WINDOWS.get(time_of_day, TIME_WINDOWS["varies"])
    # Walk the window in 15-minute steps: quiet hours can cut either end of it.
    allowed = [minute for minute in range(_minutes(start), _minutes(end), 15)
               if not in_quiet_hours(_time(minute), quiet_start, quiet_end)]
    if not allowed:
        return None
    first, last = allowed[0], allowed[-1] + 15
    return Window(_utc(day, first), _utc(day, min(last, _minutes(end))))


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _utc(day: date, minutes: int) -> datetime:
    return datetime.combine(day, _time(minutes), tzinfo=LONDON).astimezone(UTC)


def local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def spread_days(chosen: list[str], per_week: int, offset: int = 0) -> list[str]:
    """Pick `per_week` of the chosen days, as evenly spaced as they allow."""
    ordered = [d for d in DAY_IDS if d in chosen] or list(DAY_IDS)
    if per_week >= len(ordered):
        return ordered
    step = len(ordered) / per_week
    picked = {ordered[(int(i * step) + offset) % len(ordered)] for i in range(per_week)}
    return [d for d in DAY_IDS if d in picked]


def day_id(day: date) -> str:
    return DAY_IDS[day.weekday()]


def end_of_local_day(moment: datetime) -> datetime:
    day = local_date(moment) + timedelta(days=1)
    return datetime.combine(day, time(0, 0), tzinfo=LONDON).astimezone(UTC)


def outside_quiet_hours(moment: datetime, quiet_start: str | None, quiet_end: str | None
                        ) -> datetime:
    """`moment`, or the end of the quiet hours it falls in (London time)."""
    start = parse_hhmm(quiet_start, DEFAULT_QUIET[0])
    end = parse_hhmm(quiet_end, DEFAULT_QUIET[1])
    local = moment.astimezone(LONDON)
    if not in_quiet_hours(local.time(), start, end):
        return moment
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=LONDON).astimezone(UTC)
