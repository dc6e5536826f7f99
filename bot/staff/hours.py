"""When the Move Mates team is working, in Europe/London, so someone who asks to talk to a
person is told honestly when a person will reply (`STAFF_HOURS`, default Monday to Friday,
9am to 5pm, and `STAFF_CLOSED_DAYS`, such as bank holidays).

`reply_time` answers "when will someone reply?": now, while the team is working and has at
least `LAST_CALL` left; otherwise the next opening (later today, tomorrow, on a weekday
within the week, or on a date), which is what the person is told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.core.clock import LONDON

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Asked this close to the end of the day, a reply is promised for the next opening.
LAST_CALL = timedelta(minutes=30)
_SPEC = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*"
                   r"(\d{1,2}):(\d{2})\s*$")


class HoursError(ValueError):
    """A STAFF_HOURS or STAFF_CLOSED_DAYS value that cannot be read."""


@dataclass(frozen=True)
class ReplyTime:
    """`kind`: open (working now, until `at` today), open_now (working now and on past
    today), later_today, tomorrow, on_day or on_date (the next opening is `at`)."""

    kind: str
    at: datetime  # London time

    @property
    def out_of_hours(self) -> bool:
        return self.kind not in ("open", "open_now")


@dataclass(frozen=True)
class StaffHours:
    days: frozenset[int]  # 0 is Monday
    opens: time
    closes: time  # time(0) means midnight at the end of the day
    closed_days: frozenset[date] = frozenset()

    @classmethod
    def parse(cls, spec: str, closed_days: str = "") -> StaffHours:
        """"Mon-Fri 09:00-17:00" (or "Sat 10:00-12:00", "Mon-Sun 00:00-24:00"), and ISO
        dates separated by commas."""
        found = _SPEC.match(spec.lower())
        if not found or found.group(1) not in DAYS or (
                found.group(2) and found.group(2) not in DAYS):
            raise HoursError(f"STAFF_HOURS must look like 'Mon-Fri 09:00-17:00', not {spec!r}")
        first = DAYS.index(found.group(1))
        last = DAYS.index(found.group(2)) if found.group(2) else first
        days = [(first + n) % 7 for n in range((last - first) % 7 + 1)]
        opens = _clock(int(found.group(3)), int(found.group(4)), spec)
        closes = _clock(int(found.group(5)), int(found.group(6)), spec)
        if closes != time(0) and closes <= opens:
            raise HoursError(f"STAFF_HOURS closes before it opens: {spec!r}")
        try:
            closed = frozenset(date.fromisoformat(d.strip())
                               for d in closed_days.split(",") if d.strip())
        except ValueError as error:
            raise HoursError(f"STAFF_CLOSED_DAYS must be dates like 2026-12-25: {error}") \
                from error
        return cls(frozenset(days), opens, closes, closed)

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        if day.weekday() not in self.days or day in self.closed_days:
            return None
        start = datetime.combine(day, self.opens, tzinfo=LONDON)
        end = datetime.combine(day + timedelta(days=1) if self.closes == time(0) else day,
                               self.closes, tzinfo=LONDON)
        return start, end

    def _end_of_run(self, end: datetime) -> datetime:
        """When working hours that run on into the next day's (00:00-24:00) really end."""
        for _ in range(14):
            following = self._window(end.date())
            if following is None or following[0] != end or following[1] <= end:
                break
            end = following[1]
        return end

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(LONDON)
        window = self._window(local.date())
        return window is not None and window[0] <= local < window[1]

    def reply_time(self, moment: datetime) -> ReplyTime:
        local = moment.astimezone(LONDON)
        today = local.date()
        window = self._window(today)
        if window is not None and window[0] <= local < window[1]:
            end = self._end_of_run(window[1])
            if local + LAST_CALL <= end:
                # Working past today (a night shift, every hour of the week): "now".
                return ReplyTime("open" if end.date() == today else "open_now", end)
        for ahead in range(0, 366):
            day = today + timedelta(days=ahead)
            window = self._window(day)
            if window is None or window[0] <= local:
                continue
            if ahead == 0:
                return ReplyTime("later_today", window[0])
            if ahead == 1:
                return ReplyTime("tomorrow", window[0])
            return ReplyTime("on_day" if ahead < 7 else "on_date", window[0])
        raise HoursError("the team never works: check STAFF_HOURS and STAFF_CLOSED_DAYS")


def _clock(hour: int, minute: int, spec: str) -> time:
    if hour == 24 and minute == 0:
        return time(0)
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise HoursError(f"STAFF_HOURS has a time that is not a time: {spec!r}")
    return time(hour, minute)
