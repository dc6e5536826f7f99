"""One safety screen per language per process: building one takes about a second (spaCy,
the word list, a few thousand patterns), reading a message about a millisecond."""

from __future__ import annotations

from functools import lru_cache

from bot.core.content import Content
from bot.safety.screen import SafetyScreen


@lru_cache(maxsize=8)
def screen_for(content: Content) -> SafetyScreen:
    return SafetyScreen.from_content(content)
