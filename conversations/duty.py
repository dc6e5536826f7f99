"""The duty team's words: ON DUTY / OFF DUTY, ALERTS, and ALERT 12 [OK|NOTE ...|CLOSE ...].
Only whole messages count, so "my son is on duty tonight" stays an ordinary message;
whether the sender may act on alerts is checked by the engine."""

from __future__ import annotations

from bot.engine.events import EventKind, Inbound
from bot.engine.session import AlertAction
from bot.engine.textnorm import tokens

ACTIONS = {"ok": "ok", "ack": "ok", "seen": "ok", "mine": "ok", "note": "note",
           "close": "close", "closed": "close", "done": "close"}


def commands(event: Inbound) -> AlertAction | None:
    if event.kind is not EventKind.TEXT:
        return None
    words = tokens(event.text)
    if words in (["on", "duty"], ["off", "duty"]):
        return AlertAction("on_duty" if words[0] == "on" else "off_duty")
    if words == ["alerts"]:
        return AlertAction("list")
    if len(words) < 2 or words[0] != "alert" or not words[1].isdigit() or len(words[1]) > 9:
        return None
    alert = int(words[1])
    if len(words) == 2:
        return AlertAction("show", alert)
    action = ACTIONS.get(words[2])
    if action is None:
        return None
    # The note is kept as typed: everything after the third word.
    note = event.text.strip().split(maxsplit=3)[3] if len(words) > 3 else ""
    return AlertAction(action, alert, note)
