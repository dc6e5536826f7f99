"""The last few messages of each group, in memory only, so a report can show moderators
what came before the reported message. Nothing here is logged or written to disk, and a
restart forgets it: a report then carries just the reported message."""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.textnorm import storable

PER_GROUP = 30
MAX_GROUPS = 500


@dataclass(frozen=True)
class Seen:
    message_id: int
    telegram_id: int
    name: str
    text: str
    at: datetime

    def as_json(self) -> dict[str, Any]:
        return {"message_id": self.message_id, "telegram_id": self.telegram_id,
                "name": storable(self.name), "text": storable(self.text),
                "at": self.at.isoformat()}


class RecentMessages:
    """A ring buffer per group, and only for the groups most recently active."""

    def __init__(self, per_group: int = PER_GROUP, max_groups: int = MAX_GROUPS) -> None:
        self.per_group = per_group
        self.max_groups = max_groups
        self._groups: OrderedDict[int, deque[Seen]] = OrderedDict()

    def add(self, chat_id: int, seen: Seen) -> None:
        recent = self._groups.pop(chat_id, None) or deque(maxlen=self.per_group)
        # An edit replaces what was said and keeps its place in the order.
        for index, old in enumerate(recent):
            if old.message_id == seen.message_id:
                recent[index] = seen
                break
        else:
            recent.append(seen)
        self._groups[chat_id] = recent
        while len(self._groups) > self.max_groups:
            self._groups.popitem(last=False)

    def find(self, chat_id: int, message_id: int) -> Seen | None:
        return next((s for s in self._groups.get(chat_id, ()) if s.message_id == message_id),
                    None)

    def recent_from(self, chat_id: int, telegram_id: int, since: datetime,
                    not_id: int | None = None, count: int = 9) -> list[tuple[str, datetime]]:
        """What this member said in the group after `since`, newest first, up to `count`
        messages (each with when), leaving out message `not_id` (the one being read again
        after an edit): read with a new message as the relay reads a person's earlier
        messages (bot/peers/contact_pieces.earlier_messages), so a number or an address
        sent a piece a message ("077" / "009" / "005" / "33") is caught in a group too."""
        said = [(seen.text, seen.at) for seen in reversed(self._groups.get(chat_id, ()))
                if seen.telegram_id == telegram_id and seen.message_id != not_id
                and seen.at >= since]
        return said[:count]

    def before(self, chat_id: int, message_id: int, count: int = 5) -> list[Seen]:
        """Up to `count` messages sent just before `message_id`, oldest first."""
        earlier = [s for s in self._groups.get(chat_id, ()) if s.message_id < message_id]
        return earlier[-count:] if count else []

    def forget(self, chat_id: int) -> None:
        self._groups.pop(chat_id, None)
