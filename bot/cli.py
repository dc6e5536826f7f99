"""The `movemates` command: serve, chat, db, content, and the coordinators' tools.

A bad argument gets one line on standard error and exit status 2 (`Parser.error`), never a
traceback; so does a setting that cannot be read. A database that cannot be used gets one
line and exit status 1. Every command that needs tables migrates the database first.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import NoReturn, TextIO

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.staff import cli as staff_cli
from bot.tools import alerts_cli, peers_cli, places_cli

# Days an impact report can start or end on (further out, the arithmetic runs off the
# calendar).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)
USER_EXAMPLES = "e.g. alice, sms:+447700900123, telegram:42"


class Parser(argparse.ArgumentParser):
    """argparse, with every complaint on one line of standard error and exit status 2:
    `movemates chat: error: argument --user: ... (see movemates chat --help)`."""

    def error(self, message: str) -> NoReturn:
        one_line = " ".join(message.split())
        self.exit(2, f"{self.prog}: error: {one_line} (see {self.prog} --help)\n")


def _port(value: str) -> int:
    if not value.isdecimal() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1 to 65535)")
    return int(value)


def _day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a day; write YYYY-MM-DD, like 2026-01-31") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            f"{value!r} is out of range ({FIRST_DAY.year} to {LAST_DAY.year})")
    return day


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a time; write it like 2026-06-01T08:00:00+01:00") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{value!r} has no time zone; add one, like {value}+00:00 or {value}Z"
            if "T" in value else
            f"{value!r} needs a time and a zone, like {value}T08:00:00+01:00")
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            f"{value!r} is out of range ({FIRST_DAY.year} to {LAST_DAY.year})")
    return moment


def build_parser() -> tuple[Parser, dict[str, Parser]]:
    """The `movemates` parser, and its subcommands' parsers by name (for their errors)."""
    parser = Parser(prog="movemates", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the service (HTTP, channels, scheduler)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=_port)

    chat = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--channel", choices=["console", "sms", "telegram"], default="console")
    chat.add_argument("--user", help=f"who you are, {USER_EXAMPLES}")
    chat.add_argument("--jsonl", action="store_true", help="print replies as JSON lines")
    chat.add_argument("--clock", choices=["system", "fake"], default="system")
    chat.add_argument("--start", type=_moment,
                      help="fake clock start, ISO 8601 with a zone (with --clock fake)")
    chat.add_argument("--show-times", action="store_true",
                      help="head each reply with the London time it was sent")

    db = commands.add_parser("db", help="database tasks")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="TASK")
    db_commands.add_parser("upgrade", help="apply migrations")

    content = commands.add_parser("content", help="content tasks")
    content_commands = content.add_subparsers(dest="content_command", required=True,
                                              metavar="TASK")
    content_commands.add_parser("lint", help="check every text against the style rules")
    places_cli.register(commands)
    peers_cli.register(commands)
    alerts_cli.register(commands)
    staff_cli.register(commands)

    impact = commands.add_parser("impact", help="anonymous figures for coordinators")
    impact.add_argument("--since", type=_day,
                        help="first day, YYYY-MM-DD (default: 90 days ago)")
    impact.add_argument("--until", type=_day,
                        help="last day, YYYY-MM-DD (default: today)")
    impact.add_argument("--exact", action="store_true",
                        help="show counts under 5 too (for the team only)")
    impact.add_argument("--json", action="store_true", help="one JSON object")
    return parser, {"chat": chat, "impact": impact}


def main(argv: Sequence[str] | None = None) -> int:
    parser, parsers = build_parser()
    args = parser.parse_args(argv)
    if args.command == "chat":
        _check_chat(parsers["chat"], args)
    if args.command == "impact":
        _check_impact(parsers["impact"], args)
    try:
        settings = Settings()
    except ValidationError as error:
        problem = error.errors()[0]
        name = str(problem["loc"][0]).upper() if problem.get("loc") else "a setting"
        return _fail(2, f"error: setting {name}: {problem['msg']}")
    if not settings.content_dir.is_dir():
        return _fail(2, f"error: CONTENT_DIR {settings.content_dir} is not a folder")
    try:
        backend = make_url(settings.database_url).get_backend_name()
    except SQLAlchemyError:
        backend = ""
    if backend not in ("sqlite", "postgresql", "postgres"):
        return _fail(2, "error: DATABASE_URL is neither sqlite:///FILE nor postgresql://...")
    try:
        return _run(args, settings)
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        return 130
    except BrokenPipeError:
        _stdout_gone()
        return 1
    except Exception as error:
        problem = _problem(error, settings)
        if problem is None:
            raise
        return _fail(1, problem)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        from bot.serve import serve as run_server

        return run_server(settings, host=args.host, port=args.port)
    if args.command == "chat":
        stdin = sys.stdin or io.StringIO()  # `movemates chat <&-`: no input at all
        return asyncio.run(_chat(settings, args, stdin, sys.stdout, sys.stderr))
    if args.command == "db":
        from bot.storage.migrate import upgrade

        asyncio.run(upgrade(settings.database_url))
        print("database is up to date")
        return 0
    if args.command == "content":
        from bot.tools.content_lint import lint_and_report

        return lint_and_report(settings.content_dir, sys.stdout)
    if args.command == "catalogue":
        return places_cli.run(args, settings)
    if args.command in ("volunteers", "coordinator", "peers"):
        return peers_cli.run(args, settings)
    if args.command == "alerts":
        return alerts_cli.run(args, settings)
    if args.command == "staff":
        return staff_cli.run(args, settings)
    if args.command == "impact":
        return asyncio.run(_impact(settings, args, sys.stdout))
    return 2


def _check_chat(parser: Parser, args: argparse.Namespace) -> None:
    from bot.channels.addresses import AddressError, parse_address

    if args.user is not None:
        try:
            parse_address(args.user, args.channel)
        except AddressError as error:
            parser.error(f"argument --user: {args.user!r}: {error} ({USER_EXAMPLES})")
    if args.start is not None and args.clock != "fake":
        parser.error("argument --start: only with --clock fake")


def _check_impact(parser: Parser, args: argparse.Namespace) -> None:
    today = datetime.now(UTC).date()
    args.until = args.until or today
    args.since = args.since or args.until - timedelta(days=90)
    if args.since > args.until:
        parser.error(f"--since {args.since} is after --until {args.until}")


def _fail(status: int, message: str) -> int:
    sys.stderr.write(f"movemates: {message}\n")
    return status


def _problem(error: BaseException, settings: Settings) -> str | None:
    """One line for a failure that is the machine's, not the program's (the database
    cannot be used, a file cannot be read); None for anything else, a bug to be seen."""
    from alembic.util.exc import CommandError

    database = f"cannot use the database {_shown_url(settings.database_url)}"
    if isinstance(error, SQLAlchemyError):
        cause = getattr(error, "orig", None) or error
        return f"{database}: {type(cause).__name__}: {_first_line(cause)}"
    if isinstance(error, CommandError):  # migrations that don't match this version
        return f"{database}: migrations: {_first_line(error)}"
    if isinstance(error, OSError) and error.filename:
        return f"{error.strerror or type(error).__name__}: {error.filename}"
    return None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _shown_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: say where it came from, not what it was
        return "(DATABASE_URL)"


def _stdout_gone() -> None:
    """The reader went away (`movemates impact | head -1`): stop without complaint."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


async def _impact(settings: Settings, args: argparse.Namespace, stdout: TextIO) -> int:
    from bot.core.content import library
    from bot.storage.db import Database
    from bot.storage.migrate import upgrade
    from bot.tools import impact

    start = datetime.combine(args.since, time(), UTC)
    end = datetime.combine(args.until + timedelta(days=1), time(), UTC)
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
    """One line in, that turn's messages out, each printed and flushed the moment it is sent,
    so a program (or a person) piping lines sees the whole turn before writing the next."""
    from bot.channels.console import MAX_LINE_BYTES, StdinLines
    from bot.chat import open_chat

    for stream in (stdout, stderr):
        reconfigure: Callable[..., None] | None = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # a terminal that cannot show a character shows "?"
            reconfigure(errors="replace")
    gone = False

    def show(lines: list[str]) -> None:
        nonlocal gone
        if gone:
            return
        try:
            stdout.write("\n".join(lines) + ("\n" if args.jsonl else "\n\n"))
            stdout.flush()
        except OSError:  # the reader has gone: finish quietly
            gone = True

    interactive = stdin.isatty()
    prompt = stderr if args.jsonl else stdout  # stdout stays pure JSON lines
    lines = StdinLines(stdin)
    async with open_chat(settings, channel=args.channel, user=args.user, jsonl=args.jsonl,
                         fake_clock=args.clock == "fake", start=args.start,
                         show_times=args.show_times, on_output=show) as session:
        if interactive and not args.jsonl:
            stdout.write("Move Mates: type a message (Ctrl-D to finish).\n")
        while not gone:
            if interactive:
                prompt.write("> ")
                prompt.flush()
            read = await lines.next()
            if read is None:
                break
            line, cut = read
            if cut:
                stderr.write(f"movemates chat: line {lines.number} is longer than "
                             f"{MAX_LINE_BYTES} bytes; the rest of it was dropped\n")
            if not line.strip():
                continue  # no channel sends an empty message
            try:
                _, errors = await session.feed(line)
            except Exception as error:  # one line the bot trips on must not end the run
                errors = [f"line {lines.number} was not handled "
                          f"({type(error).__name__}: {_first_line(error)})"]
            for error in errors:
                stderr.write(f"movemates chat: {error}\n")
            stderr.flush()
        if interactive and not gone:
            prompt.write("\n")
    if gone:
        _stdout_gone()
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
