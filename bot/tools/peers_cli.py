"""`movemates volunteers ...`, `movemates coordinator add` and `movemates peers report`:
what coordinators do from a terminal."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from sqlalchemy import func, select

from bot.config import Settings
from bot.core.clock import SystemClock
from bot.peers import service
from bot.peers.models import BuddyRequest, ModerationCase, PeerChat, RelayedMessage
from bot.storage.db import Database
from bot.storage.migrate import upgrade
from bot.storage.models import Volunteer

MAX_INVITE_DAYS = 365


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
    invite.add_argument("--role", choices=["supporter", "moderator"], required=True)
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
            print(f"One-time code for a {role}, valid for {args.days} days: {code}")
            print(f"They send: volunteer {code}   (by SMS or to the Telegram bot)")
            return 0
        if args.command == "volunteers":
            rows = await db.run(_volunteers)
            if not rows:
                print("No volunteers yet: `movemates volunteers invite --role supporter` "
                      "makes a code for one.")
            for person_id, role, alias, capacity, active, paused in rows:
                state = "paused" if paused else "available"
                print(f"{person_id:>6}  {role:<11} {alias or '-':<16} {active}/{capacity}  {state}")
            return 0
        figures = await db.run(_figures)
        for name, value in figures.items():
            print(f"{name}: {value}")
        return 0
    finally:
        await db.dispose()


def _volunteers(connection):  # type: ignore[no-untyped-def]
    active = dict(connection.execute(select(PeerChat.supporter_id, func.count()).where(
        PeerChat.status.in_(service.OPEN_CHAT)).group_by(PeerChat.supporter_id)).all())
    return [(v.person_id, v.role, v.alias, v.capacity, active.get(v.person_id, 0), v.paused)
            for v in connection.execute(select(Volunteer).order_by(Volunteer.person_id))]


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
