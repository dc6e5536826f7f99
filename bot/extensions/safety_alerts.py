"""Safety alerts plugged into the engine: opening one for an urgent or crisis message
(`OpenSafetyAlert`), and the duty team's `ALERT` commands (`AlertAction`): going on and off
duty, listing, showing, acknowledging, noting and closing an alert. Registered by
`bot/app.py`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from bot.core.events import Outbound
from bot.core.turn import AlertAction, Context, FlowState, OpenSafetyAlert
from bot.engine.effects import EffectCall
from bot.safety import alerts


def alert_action(call: EffectCall, effect: AlertAction) -> tuple[list[Outbound], FlowState | None]:
    """The duty team's commands; anyone else is told they are only for the team."""
    return _alert_action(call.connection, call.ctx, call.person_id, effect, call.now), None


def _alert_action(connection: Connection, ctx: Context, person: int,
                  effect: AlertAction, now: datetime) -> list[Outbound]:
    content = ctx.content
    if effect.action in ("on_duty", "off_duty"):
        on = effect.action == "on_duty"
        if not alerts.set_on_duty(connection, person, on, now):
            return [ctx.say("safety.alerts.not_staff")]
        return [ctx.say("safety.alerts.on_duty" if on else "safety.alerts.off_duty")]
    if not alerts.is_duty_staff(connection, person):
        return [ctx.say("safety.alerts.not_staff")]
    if effect.action == "usage":
        return [ctx.say("safety.alerts.usage")]
    if effect.action == "list":
        return alerts.list_open(connection, content, actor=person, now=now)
    if effect.action == "show":
        return alerts.show(connection, content, effect.alert, actor=person, now=now)
    return alerts.act(connection, content, effect.alert, effect.action, effect.note,
                      actor=person, now=now)


def open_alert(call: EffectCall, effect: OpenSafetyAlert
               ) -> tuple[list[Outbound], FlowState | None]:
    """An urgent or crisis message: the duty team hears of it (queued after the person's
    own reply, which goes first)."""
    alerts.open_alert(call.connection, call.content, person_id=call.person_id,
                      category=effect.category, topic=effect.topic, channel=call.channel,
                      text=effect.text, now=call.now)
    return [], None
