"""The duty team's words: ON DUTY / OFF DUTY, ALERTS, and ALERT 12 [OK|NOTE ...|CLOSE ...].
Only whole messages count, so "my son is on duty tonight" stays an ordinary message;
whether the sender may act on alerts is checked by the engine."""

from __future__ import annotations

import re

from bot.core.events import EventKind, Inbound
from bot.core.textnorm import tokens
from bot.core.turn import AlertAction

ACTIONS = {"ok": "ok", "ack": "ok", "seen": "ok", "mine": "ok", "note": "note",
           "close": "close", "closed": "close", "done": "close"}
# "ALERT 12 NOTE rang her": the number, the action word, then the note as typed.
_ALERT = re.compile(r"^\s*alert\s*?(?:\s|(?=\d))(\S+)(?:\s+(\S+))?(?:\s+(.*))?$",
                    re.IGNORECASE | re.DOTALL)
_NUMBERISH = re.compile(r"^[-+#]?\d[\d.,]*$")
MAX_DIGITS = 9


def commands(event: Inbound) -> AlertAction | None:
    if event.kind is not EventKind.TEXT:
        return None
    words = tokens(event.text)
    if words in (["on", "duty"], ["off", "duty"]):
        return AlertAction("on_duty" if words[0] == "on" else "off_duty")
    if words == ["alerts"]:
        return AlertAction("list")
    if words == ["alert"]:
        return AlertAction("usage")  # the word alone: how to use it
    found = _ALERT.match(event.text)
    if found is None:
        return None
    number, action_word, note = found.group(1), found.group(2), found.group(3) or ""
    if not _NUMBERISH.match(number):
        return None  # "alert the team I'm fine" is an ordinary message
    if not number.isdigit() or len(number) > MAX_DIGITS:
        return AlertAction("usage")  # "ALERT -1", "ALERT 1.5", "ALERT 99999999999"
    if action_word is None:
        return AlertAction("show", int(number))
    action = ACTIONS.get(tokens(action_word)[0] if tokens(action_word) else "")
    if action is None:
        return AlertAction("usage")
    return AlertAction(action, int(number), note.strip())
