"""Whose turn it is in a lane: of the messages at the head of each address's queue, which may
go next, when, and how many may be on their way at once.

Each address's messages go one at a time, in order (bot/dispatch/claims.py), so only the
head of each address's queue is a candidate, and only while nothing to that address is on
its way. Several addresses' messages may be on their way at once: as many as the channel's
rate times the provider's usual round trip needs (one when answers are quick), at most
`max_in_flight`. One at a time, a 150 ms round trip held an SMS lane at 0.63 of its limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence

from bot.dispatch.limits import Pacer
from bot.dispatch.message import AddressKey, Lane, Outgoing

# At most this many messages of one lane on their way at once (to different addresses).
MAX_IN_FLIGHT = 64
# Messages on their way: the rate times the usual round trip, and this much more.
IN_FLIGHT_HEADROOM = 1.5
# How long a message may be passed over by smaller ones using a free place it can't fit.
FILL_AT_MOST_SECONDS = 1.0

Queues = Mapping[AddressKey, Sequence[Outgoing]]


def in_flight_cap(pacers: Mapping[str, Pacer], lane: Lane, most: int) -> int:
    """How many of the lane's messages may be on their way at once: the channel's rate times
    the provider's usual round trip (with headroom), at most `most`; one for unpaced
    channels, which keep one order across channels."""
    paced = [pacers[channel] for channel in lane if channel in pacers]
    if not paced:
        return 1
    needed = max(p.limits.per_second * p.round_trip() for p in paced)
    return max(1, min(most, math.ceil(needed * IN_FLIGHT_HEADROOM)))


def next_ready(pacers: Mapping[str, Pacer], queues: Queues, busy: Collection[AddressKey]
               ) -> tuple[AddressKey, Outgoing] | None:
    """The head-of-address message that may go soonest (replies win ties), among addresses
    with nothing on its way. The channel-wide limit delays every chat alike, so only each
    chat's own limit (and its own flood pause) decides the order."""
    def order(pair: tuple[AddressKey, Outgoing]) -> tuple[float, int, int]:
        item = pair[1]
        pacer = pacers.get(item.channel)
        ready = pacer.chat_ready_at(item.address, item.to_group) if pacer else 0.0
        return (ready, item.priority, item.id)

    heads = [(key, queue[0]) for key, queue in queues.items() if key not in busy]
    return min(heads, key=order) if heads else None


def ready_at(pacers: Mapping[str, Pacer], item: Outgoing, cost: float,
             smooth: bool = True) -> float:
    """When `item` may go, on the monotonic clock (`math.inf`: once an answer makes room)."""
    pacer = pacers.get(item.channel)
    if pacer is None:
        return 0.0
    return pacer.ready_at(item.address, cost, group=item.to_group, smooth=smooth)


def filler(pacers: Mapping[str, Pacer], queues: Queues, head: Outgoing,
           cost: Callable[[Outgoing], float], passed_over: dict[int, float],
           busy: Collection[AddressKey], now: float, by: float | None = None
           ) -> tuple[tuple[AddressKey, Outgoing] | None, float]:
    """While `head` waits for room in the channel's second (a 2-segment text, one segment
    free), a smaller message of the same priority that fits now goes instead, so the free
    place is used, not left idle until the window moves on. The head is passed over for at
    most FILL_AT_MOST_SECONDS, and never for a lower priority.

    Returns a message that may go by `by` (default `now`; later when messages are marked a
    little ahead of their moment) and when it may go, or None and the soonest time (on the
    monotonic clock) one of the smaller ones may go (`math.inf`: none): a place frees up
    a few milliseconds after the head last looked, and waiting for the head's own room would
    leave it idle for the rest of the second (0.90 of the limit at 10 segments a second)."""
    pacer = pacers.get(head.channel)
    if pacer is None:
        return None, math.inf
    if now - passed_over.get(head.id, now) > FILL_AT_MOST_SECONDS:
        return None, math.inf
    head_cost = cost(head)
    soonest = math.inf
    for key, queue in sorted(queues.items(), key=lambda pair: pair[1][0].id):
        item = queue[0]
        if key in busy or item is head or item.priority != head.priority or \
                cost(item) >= head_cost:
            continue
        at = pacer.ready_at(item.address, cost(item), group=item.to_group, smooth=False)
        if at <= (now if by is None else by):
            passed_over.setdefault(head.id, now)
            return (key, item), at
        soonest = min(soonest, at)
    return None, soonest
