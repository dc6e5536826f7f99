"""Logging that never carries message text, phone numbers or secrets.

Code logs ids and counts only; this filter is the safety net for anything else (library
messages, exception text) that might contain a number or a bot token.
"""

from __future__ import annotations

import logging
import re
from typing import TextIO

_SCRUBBERS = (
    (re.compile(r"bot\d+:[A-Za-z0-9_-]{20,}"), "bot<token>"),
    (re.compile(r"\b\d{6,}:[A-Za-z0-9_-]{20,}\b"), "<token>"),
    (re.compile(r"\+?\d[\d ()-]{8,}\d"), "<number>"),
)


def scrub(text: str) -> str:
    for pattern, replacement in _SCRUBBERS:
        text = pattern.sub(replacement, text)
    return text


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


# Libraries that log request URLs, SQL parameters or message bodies at debug level: they
# stay at WARNING whatever the service's level, because their debug output is personal data.
QUIET_LIBRARIES = ("httpx", "httpcore", "aiosqlite", "asyncpg", "sqlalchemy.engine",
                   "sqlalchemy.pool", "telegram", "twilio", "apscheduler.executors", "urllib3")


def configure(level: str = "INFO", stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ScrubFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in QUIET_LIBRARIES:
        logging.getLogger(noisy).setLevel(logging.WARNING)
