"""Pacing sends to stay just under a platform's limits, never over them.

Telegram allows about 30 messages a second overall, one a second in a private chat and 20
a minute in a group; UK SMS senders about 10 segments a second. Each is enforced here as
a sliding window, the same way the platforms count, so a full-speed wave gets close to the
ceiling without a single 429.

Several messages may be on their way at once (to different chats: a provider's answer takes
100-300 ms, and one at a time would cap an SMS lane at a third of its rate). A message is
counted from the moment it starts, until its answer says when the platform saw it: no later
than the answer less its way back, and the next one no earlier than its start plus its
way there, so each is counted from its answer less the quickest recent round trip. Per-chat
gaps are counted from the answer, as the platform saw the message no later than that.

A 429 (`flood`) on a channel with per-chat limits (Telegram) pauses that chat only, as
Telegram's flood control is per chat; several chats refused within a second mean the
channel's own limit was hit, and the whole channel waits.
"""

from __future__ import annotations

import bisect
import itertools
import math
import statistics
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

# Platforms and clients disagree by a few milliseconds about when a send happened. Telegram
# refuses (429) a message over its limit, so we keep well clear of it.
SAFETY_MARGIN_SECONDS = 0.02
# Twilio queues a message over the sender's rate rather than refusing it, so a few
# milliseconds' disagreement costs nothing there; the 20 ms margin alone cost 2 % of the SMS
# rate (BENCHMARKS.md, one lane per channel).
QUEUEING_MARGIN_SECONDS = 0.005
# Our own, stricter than any platform's: spreads a second's allowance across the second.
SMOOTHING_SECONDS = 0.25
# This many different chats refused (429) within FLOOD_WINDOW_SECONDS: the channel's limit,
# not one chat's, was hit.
GLOBAL_FLOOD_CHATS = 3
FLOOD_WINDOW_SECONDS = 1.0
# Round trips remembered, for the quickest one and the usual one.
ROUND_TRIPS_KEPT = 64


@dataclass(frozen=True)
class Limits:
    per_second: float  # messages (or SMS segments) per second, for the whole channel
    per_chat_interval: float = 0.0  # seconds between messages to one private chat
    group_per_minute: int = 0  # messages a minute to one group chat (0: no limit)
    margin: float = SAFETY_MARGIN_SECONDS  # seconds kept clear of each window's edge

    def shared_by(self, workers: int) -> Limits:
        """Each of several workers gets an equal share of the channel's limit."""
        if workers <= 1:
            return self
        return Limits(self.per_second / workers, self.per_chat_interval,
                      max(1, self.group_per_minute // workers) if self.group_per_minute else 0,
                      self.margin)

    @property
    def floods_per_chat(self) -> bool:
        """A platform that limits each chat (Telegram) says 429 about one chat."""
        return bool(self.per_chat_interval or self.group_per_minute)


class Pacer:
    """When may the next message to a chat go? Sliding windows, as the platforms count."""

    def __init__(self, limits: Limits, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.now = monotonic
        # (when the platform saw it, cost), in time order, for the last second or so.
        self._recent: list[tuple[float, float]] = []
        self._recent_cost = 0.0
        # Messages on their way: token -> (started, cost); counted until answered.
        self._pending: dict[int, tuple[float, float]] = {}
        self._pending_cost = 0.0
        self._tokens = itertools.count()
        self._starts: deque[tuple[float, float]] = deque()  # (started, cost), for smoothing
        self._round_trips: deque[float] = deque(maxlen=ROUND_TRIPS_KEPT)
        self._chat_last: dict[str, float] = {}
        self._group_recent: dict[str, deque[float]] = {}
        self._paused_until = 0.0
        self._chat_paused_until: dict[str, float] = {}
        self._floods: deque[tuple[float, str]] = deque()

    def ready_at(self, chat: str, cost: float = 1.0, group: bool = False,
                 smooth: bool = True) -> float:
        """The earliest time (on the monotonic clock) a message of `cost` may go to `chat`;
        `math.inf` when only an answer to a message on its way can make room.

        `smooth=False` for messages of different sizes (SMS segments): smoothing with the
        strict one-second window leaves a place unused every second when a 2-segment text
        meets one free segment (0.885 of the limit at 10 segments a second, texts of 1 and
        2 segments alternately). Unsmoothed, a second's allowance goes at once; the
        dispatcher fills a free place with a smaller text (see `turns.filler`), and
        the SMS provider queues a burst anyway."""
        now = self.now()
        self._forget_old(now)
        earliest = max(now, self._paused_until, self._chat_paused_until.get(chat, 0.0))
        budget = self.limits.per_second
        spent = self._recent_cost + self._pending_cost
        if spent + cost > budget and (self._recent or self._pending):
            # Wait until enough of the last second's sends have aged out; those on their
            # way never age before they are answered.
            running = spent
            for at, item_cost in self._recent:
                running -= item_cost
                if running + cost <= budget:
                    earliest = max(earliest, at + 1.0 + self.limits.margin)
                    break
            else:
                if self._pending:
                    return math.inf
        if smooth:
            earliest = max(earliest, self._smoothed(now))
        if group and self.limits.group_per_minute:
            window = self._group_recent.get(chat)
            if window and len(window) >= self.limits.group_per_minute:
                earliest = max(earliest, window[0] + 60.0 + self.limits.margin)
        elif self.limits.per_chat_interval and chat in self._chat_last:
            earliest = max(earliest, self._chat_last[chat] + self.limits.per_chat_interval
                           + self.limits.margin)
        return earliest

    def _smoothed(self, now: float) -> float:
        """Within any quarter second, a message may start only while less than a quarter of
        the second's allowance has gone (it may overshoot: a 2-segment text still goes when
        2 of 2.5 are left). The 1-second window still caps the total, so this costs no
        speed, but a full-speed wave leaves a free place every few milliseconds rather than
        once a second, and a reply someone is waiting for takes the next one."""
        allowance = self.limits.per_second * SMOOTHING_SECONDS
        since = now - SMOOTHING_SECONDS
        spent, oldest = 0.0, len(self._starts)
        for index in range(len(self._starts) - 1, -1, -1):
            at, item_cost = self._starts[index]
            if at <= since:
                break
            spent += item_cost
            oldest = index
        if spent < allowance:
            return now
        for index in range(oldest, len(self._starts)):
            at, item_cost = self._starts[index]
            spent -= item_cost
            if spent < allowance:
                return at + SMOOTHING_SECONDS
        return now + SMOOTHING_SECONDS

    def chat_ready_at(self, chat: str, group: bool = False) -> float:
        """When this chat alone allows its next message (ignoring the channel-wide limit,
        which is the same for every chat)."""
        paused = self._chat_paused_until.get(chat, 0.0)
        if group:
            window = self._group_recent.get(chat)
            if self.limits.group_per_minute and window and \
                    len(window) >= self.limits.group_per_minute:
                return max(paused, window[0] + 60.0 + self.limits.margin)
            return paused
        last = self._chat_last.get(chat)
        if last is None or not self.limits.per_chat_interval:
            return paused
        return max(paused, last + self.limits.per_chat_interval + self.limits.margin)

    # -- sending ------------------------------------------------------------------------
    def start(self, cost: float = 1.0) -> int:
        """A message is being handed to the platform now (or in a moment: see `begin`);
        returns a token for `finish`. It counts against the channel's second from now."""
        now = self.now()
        token = next(self._tokens)
        self._pending[token] = (now, cost)
        self._pending_cost += cost
        self._starts.append((now, cost))
        return token

    def finish(self, token: int, chat: str, group: bool = False) -> None:
        """The platform answered the message `start` returned `token` for."""
        started, cost = self._pending.pop(token)
        self._pending_cost -= cost
        if not self._pending:
            self._pending_cost = 0.0  # no drift from adding and taking away floats
        answered = self.now()
        self._round_trips.append(answered - started)
        # Counted from the answer less the quickest recent round trip: it reached the
        # platform no later than the answer less its way back, and the next message takes at
        # least the quickest way there, so the platform sees the two no closer together
        # than we count them (the platform's own few milliseconds are in the margin).
        seen = max(started, answered - min(self._round_trips))
        self._count(seen, cost)
        self._chat_sent(chat, group, answered)

    def begin(self, token: int) -> None:
        """The message `start` reserved room for is handed to the platform now."""
        _, cost = self._pending[token]
        self._pending[token] = (self.now(), cost)

    def cancel(self, token: int) -> None:
        """The message `start` returned `token` for did not go after all."""
        _, cost = self._pending.pop(token)
        self._pending_cost -= cost
        if not self._pending:
            self._pending_cost = 0.0

    def record(self, chat: str, cost: float = 1.0, group: bool = False) -> None:
        """A message went just now (start and answer at once)."""
        now = self.now()
        self._starts.append((now, cost))
        self._count(now, cost)
        self._chat_sent(chat, group, now)

    def round_trip(self) -> float:
        """The usual time the platform takes to answer (0 before any answer)."""
        return statistics.median(self._round_trips) if self._round_trips else 0.0

    def _count(self, at: float, cost: float) -> None:
        bisect.insort(self._recent, (at, cost))
        self._recent_cost += cost

    def _chat_sent(self, chat: str, group: bool, at: float) -> None:
        if group:
            window = self._group_recent.setdefault(chat, deque())
            window.append(at)
            while window and at - window[0] >= 60.0:
                window.popleft()
        else:
            self._chat_last[chat] = at

    # -- the platform said slow down ------------------------------------------------------
    def pause(self, seconds: float) -> None:
        """Nothing on this channel goes for `seconds`."""
        self._paused_until = max(self._paused_until, self.now() + seconds)

    def flood(self, chat: str, seconds: float) -> None:
        """The platform refused a message to `chat` (429, retry after `seconds`). Where the
        platform limits each chat, that chat waits; when several chats are refused within a
        second, or the platform has no per-chat limits, the whole channel does."""
        now = self.now()
        if not self.limits.floods_per_chat:
            self.pause(seconds)
            return
        self._chat_paused_until[chat] = max(self._chat_paused_until.get(chat, 0.0),
                                            now + seconds)
        self._floods.append((now, chat))
        while self._floods and now - self._floods[0][0] > FLOOD_WINDOW_SECONDS:
            self._floods.popleft()
        if len({flooded for _, flooded in self._floods}) >= GLOBAL_FLOOD_CHATS:
            self.pause(seconds)

    def _forget_old(self, now: float) -> None:
        horizon = 1.0 + self.limits.margin
        old = 0
        while old < len(self._recent) and now - self._recent[old][0] >= horizon:
            self._recent_cost -= self._recent[old][1]
            old += 1
        if old:
            del self._recent[:old]
            if not self._recent:
                self._recent_cost = 0.0
        while self._starts and now - self._starts[0][0] >= horizon:
            self._starts.popleft()
        if len(self._chat_last) > 50_000:  # keep memory flat during very large waves
            horizon = now - max(self.limits.per_chat_interval, 1.0) - 1.0
            self._chat_last = {k: v for k, v in self._chat_last.items() if v > horizon}
        if len(self._chat_paused_until) > 1_000:
            self._chat_paused_until = {k: v for k, v in self._chat_paused_until.items()
                                       if v > now}
