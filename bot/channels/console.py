"""`movemates chat`: talk to the bot in a terminal, as a resident would on any channel.

Each input line is one inbound message. `@ID text` speaks as someone else (e.g.
`@sms:+447700900123 hello`); `~ advance 2d` moves a fake clock; `~ location LAT LON`
shares a location; `~ press ID` presses a button by option id. Replies are printed as
the chosen channel would show them, or as JSON lines with --jsonl.

Each message is handed on (`on_output`) the moment it is sent, as a channel would deliver
it, so whoever drives the chat sees a turn's messages one by one, all of them before the
next line is read. `StdinLines` reads the lines: raw bytes in a thread of its own, so odd
bytes, a huge line or Ctrl-C never stop the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import math
import os
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any, TypeVar

from bot.channels.addresses import AddressError, parse_address
from bot.core.clock import LONDON, Clock, FakeClock, parse_duration
from bot.core.content import ContentLibrary
from bot.core.events import Address, Inbound
from bot.core.gsm7 import measure
from bot.core.render import RenderedText, render_console, render_sms, render_telegram_preview
from bot.dispatch.outbox import Outcome, Outgoing, Result

DEFAULT_USERS = {"console": "local", "sms": "+447700900000", "telegram": "1"}
# Longer lines are cut (the engine keeps far less of a message than this anyway).
MAX_LINE_BYTES = 64 * 1024
# `~ advance` walks through every day it passes; more than this at once is a slip.
MAX_ADVANCE = timedelta(days=366)
T = TypeVar("T")


@dataclass
class PrintingSender:
    """A sender for any channel that prints what that channel would show."""

    channel: str
    content: ContentLibrary
    clock: Clock
    emit: Callable[[dict[str, Any]], None]
    sms_allow_unicode: bool = False

    def render(self, item: Outgoing) -> RenderedText:
        if self.channel == "sms":
            return render_sms(item.message, allow_unicode=self.sms_allow_unicode)
        if self.channel == "telegram":
            return render_telegram_preview(item.message, self.content.for_language(None))
        return render_console(item.message)

    async def send(self, item: Outgoing) -> Outcome:
        rendered = self.render(item)
        for number, part in enumerate(rendered.parts, 1):
            record: dict[str, Any] = {
                "to": f"{item.channel}:{item.address}",
                "channel": item.channel,
                "text": part,
                "options": [o.label for o in item.message.options] if number == len(
                    rendered.parts) else [],
                "kind": item.kind,
                "at": self.clock.now().isoformat(),
            }
            if self.channel == "sms":
                record["segments"] = measure(part).segments
                if len(rendered.parts) > 1:
                    record["part"], record["parts"] = number, len(rendered.parts)
            self.emit(record)
        return Outcome(Result.SENT, provider_ref=f"console-{item.id}",
                       segments=rendered.segments or None)


@dataclass
class ChatSession:
    """Feeds lines to the engine and collects what the bot says, in order."""

    handle: Callable[[Address, Inbound], Awaitable[object]]
    drain: Callable[[], Awaitable[int]]
    clock: Clock
    default: Address
    jsonl: bool = False
    on_time_passed: Callable[[timedelta], Awaitable[None]] | None = None
    show_times: bool = False  # head each message with its London time (for schedules)
    on_invite: Callable[[str, str], Awaitable[None]] | None = None
    # Called with each message's lines as soon as it is sent (the terminal prints them).
    on_output: Callable[[list[str]], None] | None = None
    records: list[dict[str, Any]] = field(default_factory=list)

    def collect(self, record: dict[str, Any]) -> None:
        self.records.append(record)
        if self.on_output is not None:
            self.on_output(self._lines(record))

    async def feed(self, line: str) -> tuple[list[str], list[str]]:
        """One input line -> (output lines, error lines)."""
        self.records.clear()
        errors: list[str] = []
        line = line.rstrip("\r\n")
        speaker = self.default
        if line.startswith("~"):
            errors += await self._system(line[1:].strip(), speaker)
        else:
            if line.startswith("@"):
                target, _, line = line[1:].partition(" ")
                try:
                    speaker = parse_address(target, self.default.channel)
                except AddressError as error:
                    return [], [f"cannot speak as {target!r}: {error}"]
            await self.handle(speaker, Inbound.from_text(line))
        await self.drain()
        return self._format(), errors

    async def _system(self, command: str, speaker: Address) -> list[str]:
        verb, _, rest = command.partition(" ")
        if rest.startswith("@"):
            target, _, rest = rest[1:].partition(" ")
            try:
                speaker = parse_address(target, self.default.channel)
            except AddressError as error:
                return [f"cannot speak as {target!r}: {error}"]
        if verb == "advance":
            if not isinstance(self.clock, FakeClock):
                return ["'~ advance' needs --clock fake"]
            try:
                delta = parse_duration(rest)
            except (ValueError, OverflowError) as error:
                return [str(error)]
            if delta > MAX_ADVANCE:
                return [f"'~ advance' goes at most {MAX_ADVANCE.days} days at a time"]
            if self.on_time_passed is not None:
                await self.on_time_passed(delta)
            else:
                self.clock.advance(delta)
            return []
        if verb == "location":
            try:
                latitude, longitude = (float(x) for x in rest.split())
            except ValueError:
                return ["usage: ~ location LAT LON"]
            if not (math.isfinite(latitude) and math.isfinite(longitude)
                    and abs(latitude) <= 90 and abs(longitude) <= 180):
                return ["~ location: latitude -90 to 90, longitude -180 to 180"]
            await self.handle(speaker, Inbound.from_location(latitude, longitude))
            return []
        if verb == "press":
            option_id = rest.strip()
            if not option_id:
                return ["usage: ~ press OPTION_ID"]
            await self.handle(speaker, Inbound.from_choice(option_id))
            return []
        if verb == "invite":
            role, _, code = rest.strip().partition(" ")
            if not code or self.on_invite is None:
                return ["usage: ~ invite ROLE CODE"]
            try:
                await self.on_invite(role, code.strip())
            except ValueError as error:
                return [str(error)]
            return []
        return [f"unknown ~ command {verb!r} (advance, location, press, invite)"]

    def _format(self) -> list[str]:
        """The turn's output: each message's lines, a blank line between messages."""
        lines: list[str] = []
        for record in self.records:
            if lines and not self.jsonl:
                lines.append("")
            lines.extend(self._lines(record))
        return lines

    def _lines(self, record: dict[str, Any]) -> list[str]:
        """One message as printed: a JSON line, or the text as the channel shows it."""
        if self.jsonl:
            return [json.dumps(record, ensure_ascii=False)]
        lines: list[str] = []
        if self.show_times:
            sent = datetime.fromisoformat(record["at"]).astimezone(LONDON)
            lines.append(f"[{sent:%a %d %b %H:%M} London]")
        if record["to"] != str(self.default):
            lines.append(f"[to {record['to']}]")
        lines.extend(record["text"].split("\n"))
        return lines


class StdinLines:
    """Input lines for `movemates chat`, one at a time and only when asked for.

    A real file descriptor is read with `os.read` in a daemon thread: the event loop keeps
    running, Ctrl-C ends the run at once (no thread left blocked in a locked buffer), and
    nothing is read before the previous turn has been printed. Bytes that are not UTF-8
    become U+FFFD; a line longer than MAX_LINE_BYTES is cut and the rest dropped. Streams
    without a descriptor (a StringIO in tests) are read directly."""

    def __init__(self, stream: IO[str] | IO[bytes]) -> None:
        self.stream = stream
        self.number = 0  # lines read so far
        self._pending = b""
        self._fd: int | None
        try:
            self._fd = stream.fileno()
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            self._fd = None

    async def next(self) -> tuple[str, bool] | None:
        """The next line without its line break, and whether it was cut; None at the end."""
        if self._fd is None:
            try:
                raw: str | bytes = self.stream.readline()
            except (OSError, ValueError):
                return None
            if not raw:
                return None
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
            text = text.rstrip("\r\n")
            self.number += 1
            return text[:MAX_LINE_BYTES], len(text) > MAX_LINE_BYTES
        read = await _in_daemon_thread(self._read_line)
        if read is None:
            return None
        data, cut = read
        self.number += 1
        return data.decode("utf-8", "replace").rstrip("\r\n"), cut

    def _read_line(self) -> tuple[bytes, bool] | None:
        """Bytes up to the next line break (not included), and whether some were dropped."""
        assert self._fd is not None
        line = bytearray()
        cut = False
        while True:
            end = self._pending.find(b"\n")
            content = self._pending if end < 0 else self._pending[:end]
            self._pending = b"" if end < 0 else self._pending[end + 1:]
            room = MAX_LINE_BYTES - len(line)
            cut = cut or len(content) > room
            line += content[:room]
            if end >= 0:
                return bytes(line), cut
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                return (bytes(line), cut) if line or cut else None
            self._pending = chunk


async def _in_daemon_thread(work: Callable[[], T]) -> T:
    """`work()` in a daemon thread: unlike asyncio.to_thread, a read still blocked when the
    run ends (Ctrl-C) neither delays the exit nor complains."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        try:
            outcome: tuple[Any, BaseException | None] = (work(), None)
        except BaseException as error:  # handed to the waiting coroutine
            outcome = (None, error)
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits now
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=run, name="movemates-stdin", daemon=True).start()
    return await future
