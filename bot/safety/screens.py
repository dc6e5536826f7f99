"""One safety screen per language per process: building one takes a few seconds (spaCy,
the word list, a few thousand patterns, and the second reader, loaded from the cache folder
`CACHE_DIR` or, the first time, trained there in 7 to 26 seconds), reading a message
about a millisecond."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.core.content import Content
from bot.safety.screen import SafetyScreen


@lru_cache(maxsize=8)
def screen_for(content: Content, cache: Path | bool = True) -> SafetyScreen:
    """The screen for `content`'s language; `cache` is where its second reader is kept
    (True: the `CACHE_DIR` setting read from the environment; the app passes its own)."""
    return SafetyScreen.from_content(content, cache=cache)
