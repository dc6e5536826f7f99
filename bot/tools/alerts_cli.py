"""`movemates alerts ...`: the duty team's safety alerts from a terminal, the same actions
as the ALERT commands (each look and action is in the audit log, by "console")."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.config import Settings
from bot.core.clock import SystemClock
from bot.core.content import library
from bot.safety import alerts
from bot.storage.db import Database
from bot.storage.migrate import upgrade


def _alert_id(value: str) -> int:
    if not value.isdecimal() or len(value) > 9:
        raise argparse.ArgumentTypeError("an alert number, like 12")
    return int(value)


def _person_id(value: str) -> int:
    if not value.isdecimal() or len(value) > 9:
        raise argparse.ArgumentTypeError("a person id, like 12 (see movemates volunteers list)")
    return int(value)


def register(commands: Any) -> None:
    parser = commands.add_parser("alerts", help="safety alerts for the duty team")
    actions = parser.add_subparsers(dest="alerts_command")
    actions.add_parser("list", help="alerts not yet closed (the default)")
    for name, about in (("show", "one alert, with the message"), ("ok", "pick an alert up")):
        actions.add_parser(name, help=about).add_argument("alert", type=_alert_id)
    for name, about in (("note", "add a note"), ("close", "close with what was done")):
        action = actions.add_parser(name, help=about)
        action.add_argument("alert", type=_alert_id)
        action.add_argument("words", nargs="+", help="the note")
    duty = actions.add_parser("duty", help="put a volunteer or coordinator on or off duty")
    duty.add_argument("person", type=_person_id,
                      help="their person id (movemates volunteers list)")
    duty.add_argument("state", choices=["on", "off"])


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run(args, settings))


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    await upgrade(settings.database_url)
    db = Database(settings.database_url)
    content = library(settings.content_dir).for_language(None)
    now = SystemClock().now()
    command = args.alerts_command or "list"
    try:
        if command == "duty":
            done = await db.run(lambda c: alerts.set_on_duty(c, args.person, args.state == "on",
                                                             now))
            if not done:
                print(f"person {args.person} is not a volunteer or coordinator")
                return 1
            print(f"person {args.person} is {'on' if args.state == 'on' else 'off'} duty")
            return 0
        if command != "list" and not await db.run(lambda c: alerts.exists(c, args.alert)):
            print(content.text("safety.alerts.no_alert", alert=args.alert))
            return 1
        if command == "list":
            said = await db.run(lambda c: alerts.list_open(c, content, actor=None, now=now))
        elif command == "show":
            said = await db.run(lambda c: alerts.show(c, content, args.alert, actor=None,
                                                      now=now))
        else:
            note = " ".join(getattr(args, "words", []) or [])
            said = await db.run(lambda c: alerts.act(c, content, args.alert, command, note,
                                                     actor=None, now=now))
        for message in said:
            print(message.text)
        return 0
    finally:
        await db.dispose()
