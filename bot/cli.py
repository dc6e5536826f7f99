"""The `movemates` command: serve, chat, db, content, and the coordinators' tools."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TextIO

from bot.config import Settings
from bot.peers import cli as peers_cli
from bot.places import cli as places_cli
from bot.safety import cli as safety_cli


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="movemates", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the service (HTTP, channels, scheduler)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)

    chat = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--channel", choices=["console", "sms", "telegram"], default="console")
    chat.add_argument("--user", help="who you are, e.g. alice, sms:+447700900123, telegram:42")
    chat.add_argument("--jsonl", action="store_true", help="print replies as JSON lines")
    chat.add_argument("--clock", choices=["system", "fake"], default="system")
    chat.add_argument("--start", help="fake clock start, ISO 8601 with a zone")
    chat.add_argument("--show-times", action="store_true",
                      help="head each reply with the London time it was sent")

    db = commands.add_parser("db", help="database tasks")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply migrations")

    content = commands.add_parser("content", help="content tasks")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    content_commands.add_parser("lint", help="check every text against the style rules")
    places_cli.register(commands)
    peers_cli.register(commands)
    safety_cli.register(commands)

    impact = commands.add_parser("impact", help="anonymous figures for coordinators")
    impact.add_argument("--since", type=date.fromisoformat,
                        help="first day, YYYY-MM-DD (default: 90 days ago)")
    impact.add_argument("--until", type=date.fromisoformat,
                        help="last day, YYYY-MM-DD (default: today)")
    impact.add_argument("--exact", action="store_true",
                        help="show counts under 5 too (for the team only)")
    impact.add_argument("--json", action="store_true", help="one JSON object")

    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "serve":
        from bot.serve import serve as run_server

        return run_server(settings, host=args.host, port=args.port)
    if args.command == "chat":
        return asyncio.run(_chat(settings, args, sys.stdin, sys.stdout, sys.stderr))
    if args.command == "db":
        from bot.storage.migrate import upgrade

        asyncio.run(upgrade(settings.database_url))
        print("database is up to date")
        return 0
    if args.command == "content":
        from bot.content_lint import lint_and_report

        return lint_and_report(settings.content_dir, sys.stdout)
    if args.command == "catalogue":
        return places_cli.run(args, settings)
    if args.command in ("volunteers", "coordinator", "peers"):
        return peers_cli.run(args, settings)
    if args.command == "alerts":
        return safety_cli.run(args, settings)
    if args.command == "impact":
        return asyncio.run(_impact(settings, args, sys.stdout))
    return 2


async def _impact(settings: Settings, args: argparse.Namespace, stdout: TextIO) -> int:
    from bot.engine.content import library
    from bot.reports import impact
    from bot.storage.db import Database
    from bot.storage.migrate import upgrade

    today = datetime.now(UTC).date()
    until = args.until or today
    since = args.since or until - timedelta(days=90)
    if since > until:
        stdout.write("--since is after --until\n")
        return 2
    start = datetime.combine(since, time(), UTC)
    end = datetime.combine(until + timedelta(days=1), time(), UTC)
    await upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        figures = await db.run(lambda c: impact.gather(c, start, end))
    finally:
        await db.dispose()
    if args.json:
        stdout.write(json.dumps(impact.as_json(figures, exact=args.exact)) + "\n")
    else:
        content = library(settings.content_dir).for_language("en")
        stdout.write(impact.as_text(figures, content, exact=args.exact) + "\n")
    return 0


async def _chat(settings: Settings, args: argparse.Namespace, stdin: TextIO, stdout: TextIO,
                stderr: TextIO) -> int:
    from bot.chat import open_chat

    start = datetime.fromisoformat(args.start) if args.start else None
    async with open_chat(settings, channel=args.channel, user=args.user, jsonl=args.jsonl,
                         fake_clock=args.clock == "fake", start=start,
                         show_times=args.show_times) as session:
        interactive = stdin.isatty()
        if interactive and not args.jsonl:
            stdout.write("Move Mates: type a message (Ctrl-D to finish).\n")
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            output, errors = await session.feed(line)
            for error in errors:
                stderr.write(f"movemates chat: {error}\n")
            for out in output:
                stdout.write(out + "\n")
            if output and not args.jsonl:
                stdout.write("\n")
            stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
