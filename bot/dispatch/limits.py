"""Pacing sends to stay just under a platform's limits, never over them.

Telegram allows about 30 messages a second overall, one a second in a private chat and 20
a minute in a group; UK SMS senders about 10 segments a second. Each is enforced here as
a sliding window, the same way the platforms count, so a full-speed wave gets close to the
ceiling without a single 429.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

# Platforms and clients disagree by a few milliseconds about when a send happened.
SAFETY_MARGIN_SECONDS = 0.02
# Our own, stricter than any platform's: spreads a second's allowance across the second.
SMOOTHING_SECONDS = 0.25


@dataclass(frozen=True)
class Limits:
    per_second: float  # messages (or SMS segments) per second, for the whole channel
    per_chat_interval: float = 0.0  # seconds between messages to one private chat
    group_per_minute: int = 0  # messages a minute to one group chat (0: no limit)

    def shared_by(self, workers: int) -> Limits:
        """Each of several workers gets an equal share of the channel's limit."""
        if workers <= 1:
            return self
        return Limits(self.per_second / workers, self.per_chat_interval,
                      max(1, self.group_per_minute // workers) if self.group_per_minute else 0)


class Pacer:
    """When may the next message to a chat go? Sliding windows, as the platforms count."""

    def __init__(self, limits: Limits, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.now = monotonic
        self._recent: deque[tuple[float, float]] = deque()  # (time, cost) in the last second
        self._recent_cost = 0.0
        self._chat_last: dict[str, float] = {}
        self._group_recent: dict[str, deque[float]] = {}
        self._paused_until = 0.0

    def ready_at(self, chat: str, cost: float = 1.0, group: bool = False,
                 smooth: bool = True) -> float:
        """The earliest time (on the monotonic clock) a message of `cost` may go to `chat`.

        `smooth=False` for messages of different sizes (SMS segments): smoothing with the
        strict one-second window leaves a place unused every second when a 2-segment text
        meets one free segment (0.885 of the limit at 10 segments a second, texts of 1 and
        2 segments alternately). Unsmoothed, a second's allowance goes at once; the
        dispatcher fills a free place with a smaller text (see `Dispatcher._filler`), and
        the SMS provider queues a burst anyway."""
        now = self.now()
        self._forget_old(now)
        earliest = max(now, self._paused_until)
        budget = self.limits.per_second
        if self._recent_cost + cost > budget and self._recent:
            # Wait until enough of the last second's sends have aged out.
            running = self._recent_cost
            for at, spent in self._recent:
                running -= spent
                if running + cost <= budget:
                    earliest = max(earliest, at + 1.0 + SAFETY_MARGIN_SECONDS)
                    break
        if smooth:
            earliest = max(earliest, self._smoothed(now))
        if group and self.limits.group_per_minute:
            window = self._group_recent.get(chat)
            if window and len(window) >= self.limits.group_per_minute:
                earliest = max(earliest, window[0] + 60.0 + SAFETY_MARGIN_SECONDS)
        elif self.limits.per_chat_interval and chat in self._chat_last:
            earliest = max(earliest, self._chat_last[chat] + self.limits.per_chat_interval
                           + SAFETY_MARGIN_SECONDS)
        return earliest

    def _smoothed(self, now: float) -> float:
        """Within any quarter second, a message may start only while less than a quarter of
        the second's allowance has gone (it may overshoot: a 2-segment text still goes when
        2 of 2.5 are left). The 1-second window still caps the total, so this costs no
        speed, but a full-speed wave leaves a free place every few milliseconds rather than
        once a second, and a reply someone is waiting for takes the next one."""
        allowance = self.limits.per_second * SMOOTHING_SECONDS
        since = now - SMOOTHING_SECONDS
        spent, oldest = 0.0, len(self._recent)
        for index in range(len(self._recent) - 1, -1, -1):
            at, item_cost = self._recent[index]
            if at <= since:
                break
            spent += item_cost
            oldest = index
        if spent < allowance:
            return now
        for index in range(oldest, len(self._recent)):
            at, item_cost = self._recent[index]
            spent -= item_cost
            if spent < allowance:
                return at + SMOOTHING_SECONDS
        return now + SMOOTHING_SECONDS

    def chat_ready_at(self, chat: str, group: bool = False) -> float:
        """When this chat alone allows its next message (ignoring the channel-wide limit,
        which is the same for every chat)."""
        if group:
            window = self._group_recent.get(chat)
            if self.limits.group_per_minute and window and \
                    len(window) >= self.limits.group_per_minute:
                return window[0] + 60.0 + SAFETY_MARGIN_SECONDS
            return 0.0
        last = self._chat_last.get(chat)
        if last is None or not self.limits.per_chat_interval:
            return 0.0
        return last + self.limits.per_chat_interval + SAFETY_MARGIN_SECONDS

    def record(self, chat: str, cost: float = 1.0, group: bool = False) -> None:
        now = self.now()
        self._recent.append((now, cost))
        self._recent_cost += cost
        if group:
            window = self._group_recent.setdefault(chat, deque())
            window.append(now)
            while window and now - window[0] >= 60.0:
                window.popleft()
        else:
            self._chat_last[chat] = now

    def pause(self, seconds: float) -> None:
        """The platform said slow down (429 retry_after): nothing goes until then."""
        self._paused_until = max(self._paused_until, self.now() + seconds)

    def _forget_old(self, now: float) -> None:
        while self._recent and now - self._recent[0][0] >= 1.0 + SAFETY_MARGIN_SECONDS:
            self._recent_cost -= self._recent.popleft()[1]
        if len(self._chat_last) > 50_000:  # keep memory flat during very large waves
            horizon = now - max(self.limits.per_chat_interval, 1.0) - 1.0
            self._chat_last = {k: v for k, v in self._chat_last.items() if v > horizon}
