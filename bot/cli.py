"""The `movemates` command: serve, chat, db, content."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TextIO

from bot.config import Settings
from bot.peers import cli as peers_cli
from bot.places import cli as places_cli


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
    return 2


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
