"""The log scrubber: a safety net for numbers and tokens that reach a log line anyway."""

from __future__ import annotations

import io
import logging

from bot import logs


def test_scrub_numbers_and_tokens() -> None:
    line = "send to +447700900123 via bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw failed"
    assert logs.scrub(line) == "send to <number> via bot<token> failed"
    assert logs.scrub("07700 900123") == "<number>"
    assert logs.scrub("outbox 42 sent, 3 segments") == "outbox 42 sent, 3 segments"


def test_configured_logging_scrubs_messages_and_exceptions() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    logs.configure("INFO", stream)
    try:
        log = logging.getLogger("movemates.test")
        log.info("number %s", "+447700900123")
        try:
            raise ValueError("bad number 07700900123")
        except ValueError:
            log.exception("failed")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    output = stream.getvalue()
    assert "7700900123" not in output
    assert output.count("<number>") >= 2
