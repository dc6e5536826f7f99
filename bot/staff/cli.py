"""`movemates staff ...`: staff accounts for the web console, from a terminal. This is how
the first coordinator is made (`make run` prints the command); after that coordinators can
also see everyone on the console's Staff page. Each change is in the audit log, by the
command line (no staff actor)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.core.clock import SystemClock
from bot.staff import accounts
from bot.staff.accounts import Account, StaffError
from bot.staff.audit import record
from bot.staff.models import ROLES
from bot.storage.db import Database
from bot.storage.migrate import upgrade

LONDON = ZoneInfo("Europe/London")
WHY = {
    "bad_email": "that is not an email address",
    "bad_name": "give a name of 1 to 80 characters with --name",
    "bad_role": f"the role is one of {', '.join(ROLES)}",
    "exists": "there is already an account with that email",
    "disabled": "that account is disabled (movemates staff enable EMAIL first)",
    "no_account": "there is no account with that email",
}


def register(commands: Any) -> None:
    parser = commands.add_parser("staff", help="staff accounts for the web console (/staff)")
    actions = parser.add_subparsers(dest="staff_command", required=True, metavar="TASK")
    add = actions.add_parser("add", help="add a coordinator or moderator; prints their "
                                         "one-time set-up link")
    add.add_argument("email")
    add.add_argument("--name", required=True, help="their name, as the team knows them")
    add.add_argument("--role", required=True, choices=ROLES)
    actions.add_parser("list", help="everyone, with role and state")
    for name, about in (("disable", "stop an account signing in (its sessions end now)"),
                        ("enable", "let a disabled account sign in again")):
        actions.add_parser(name, help=about).add_argument("email")
    link = actions.add_parser("link", help="a fresh set-up link (a forgotten password)")
    link.add_argument("email")
    link.add_argument("--reset-two-step", action="store_true",
                      help="also remove their second step (a lost phone)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run(args, settings))


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    await upgrade(settings.database_url)
    db = Database(settings.database_url)
    now = SystemClock().now()
    try:
        return await db.run(lambda c: _do(c, args, settings, now))
    except StaffError as error:
        print(f"movemates staff {args.staff_command}: {WHY.get(error.reason, error.reason)}",
              file=sys.stderr)
        return 1
    finally:
        await db.dispose()


def _do(connection: Any, args: argparse.Namespace, settings: Settings, now: datetime) -> int:
    command = args.staff_command
    if command == "list":
        _list(accounts.list_all(connection), now)
        return 0
    if command == "add":
        account = accounts.add(connection, args.email, args.name, args.role, now)
        record(connection, now, None, "staff_added", target=f"staff:{account.id}",
               detail=f"{account.role}, by the command line")
        token = accounts.issue_link(connection, account.id, now)
        print(f"added {account.display_name} <{account.email}> as a {account.role}")
        _print_link(settings, token)
        return 0
    account = accounts.find(connection, args.email)
    if account is None:
        raise StaffError("no_account")
    if command == "disable":
        accounts.disable(connection, account.id, now)
        record(connection, now, None, "staff_disabled", target=f"staff:{account.id}",
               detail="by the command line")
        print(f"{account.email} is disabled; any session of theirs has ended")
    elif command == "enable":
        accounts.enable(connection, account.id, now)
        record(connection, now, None, "staff_enabled", target=f"staff:{account.id}",
               detail="by the command line")
        print(f"{account.email} can sign in again"
              + ("" if account.has_password else " (once they use a set-up link)"))
    elif command == "link":
        token = accounts.issue_link(connection, account.id, now,
                                    reset_two_step=args.reset_two_step)
        record(connection, now, None, "staff_link_issued", target=f"staff:{account.id}",
               detail="with the second step reset" if args.reset_two_step else None)
        print(f"a new set-up link for {account.email} (any earlier one no longer works)")
        _print_link(settings, token)
    return 0


def _print_link(settings: Settings, token: str) -> None:
    print("send them this link; it works once, for 24 hours:")
    print(accounts.setup_url(settings.console_base_url, token))


def _list(found: list[Account], now: datetime) -> None:
    if not found:
        print("no staff accounts yet: movemates staff add EMAIL --name NAME --role coordinator")
        return
    print(f"{'email':<32} {'name':<24} {'role':<12} {'state':<18} {'2-step':<7} last sign-in")
    for account in found:
        last = (account.last_sign_in_at.astimezone(LONDON).strftime("%d %b %Y %H:%M")
                if account.last_sign_in_at else "never")
        print(f"{account.email:<32} {account.display_name:<24} {account.role:<12} "
              f"{_state(account, now):<18} {'yes' if account.two_step else 'no':<7} {last}")


def _state(account: Account, now: datetime) -> str:
    if account.disabled_at is not None:
        return "disabled"
    if not account.has_password:
        return "waiting for set-up"
    if account.locked(now):
        return "locked for now"
    return "active"
