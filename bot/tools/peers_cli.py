"""`movemates volunteers ...`, `movemates coordinator add` and `movemates peers report`:
what coordinators do from a terminal."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from sqlalchemy import func, select

from bot.config import Settings
from bot.core.clock import SystemClock
from bot.core.content import library
from bot.peers import service
from bot.peers.models import BuddyRequest, ModerationCase, PeerChat, RelayedMessage
from bot.peers.volunteers import INVITABLE_ROLES, MAX_INVITE_DAYS, roster
from bot.storage.db import Database
from bot.storage.migrate import upgrade


def _days(value: str) -> int:
    if not value.isdecimal() or not 1 <= int(value) <= MAX_INVITE_DAYS:
        raise argparse.ArgumentTypeError(
            f"{value!r}: a code must be valid for at least one day, at most "
            f"{MAX_INVITE_DAYS}")
    return int(value)


def register(commands: Any) -> None:
    volunteers = commands.add_parser("volunteers", help="invite and list volunteers")
    actions = volunteers.add_subparsers(dest="volunteers_command", required=True)
    invite = actions.add_parser("invite", help="a one-time code that makes someone a volunteer")
    invite.add_argument("--role", choices=INVITABLE_ROLES, required=True)
    invite.add_argument("--days", type=_days, default=service.INVITE_DAYS)
    actions.add_parser("list", help="volunteers, their roles and how many they support")
    coordinator = commands.add_parser("coordinator", help="coordinators")
    coordinator_actions = coordinator.add_subparsers(dest="coordinator_command", required=True)
    add = coordinator_actions.add_parser("add", help="a one-time code for a new coordinator")
    add.add_argument("--days", type=_days, default=service.INVITE_DAYS)
    peers = commands.add_parser("peers", help="peer support figures for coordinators")
    peer_actions = peers.add_subparsers(dest="peers_command", required=True)
    peer_actions.add_parser("report", help="requests, chats, reports and SMS cost")


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run(args, settings))


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    await upgrade(settings.database_url)
    db = Database(settings.database_url)
    now = SystemClock().now()
    try:
        if args.command in ("volunteers", "coordinator") and \
                getattr(args, "volunteers_command", getattr(args, "coordinator_command", "")) in (
                    "invite", "add"):
            role = "coordinator" if args.command == "coordinator" else args.role
            code = await db.run(lambda c: service.create_invite(c, role, now, args.days))
            # The same words as the console's page for a new code.
            words = library(settings.content_dir).for_language(None)
            print(words.text("console_volunteers.how.code", role=role, count=args.days,
                             code=code))
            print(words.text("console_volunteers.how.send", code=code))
            return 0
        if args.command == "volunteers":
            rows = await db.run(roster)
            if not rows:
                print("No volunteers yet: `movemates volunteers invite --role supporter` "
                      "makes a code for one.")
            for row in rows:
                state = "paused" if row.paused else "available"
                print(f"{row.person_id:>6}  {row.role:<11} {row.name or '-':<16} "
                      f"{row.chats}/{row.capacity}  {state}")
            return 0
        figures = await db.run(_figures)
        for name, value in figures.items():
            print(f"{name}: {value}")
        return 0
    finally:
        await db.dispose()


def _figures(connection):  # type: ignore[no-untyped-def]
    def count(model, *where):  # type: ignore[no-untyped-def]
        return connection.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return {
        "requests waiting": count(BuddyRequest, BuddyRequest.status.in_(("waiting", "offered"))),
        "chats open": count(PeerChat, PeerChat.status.in_(service.OPEN_CHAT)),
        "chats ended": count(PeerChat, PeerChat.status == "ended"),
        "reports open": count(ModerationCase, ModerationCase.status == "open"),
        "messages relayed": count(RelayedMessage, RelayedMessage.held.is_(False)),
        "messages held back (contact details)": count(RelayedMessage, RelayedMessage.held),
        "SMS segments used by relayed messages": connection.scalar(
            select(func.coalesce(func.sum(RelayedMessage.segments), 0))) or 0,
    }
