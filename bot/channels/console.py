"""`movemates chat`: talk to the bot in a terminal, as a resident would on any channel.

Each input line is one inbound message. `@ID text` speaks as someone else (e.g.
`@sms:+447700900123 hello`); `~ advance 2d` moves a fake clock; `~ location LAT LON`
shares a location; `~ press ID` presses a button by option id. Replies are printed as
the chosen channel would show them, or as JSON lines with --jsonl.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.channels.addresses import AddressError, parse_address
from bot.channels.gsm7 import measure
from bot.channels.render import RenderedText, render_console, render_sms, render_telegram_preview
from bot.dispatch.outbox import Outcome, Outgoing, Result
from bot.engine.clock import LONDON, Clock, FakeClock, parse_duration
from bot.engine.content import ContentLibrary
from bot.engine.events import Address, Inbound

DEFAULT_USERS = {"console": "local", "sms": "+447700900000", "telegram": "1"}


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
    records: list[dict[str, Any]] = field(default_factory=list)

    def collect(self, record: dict[str, Any]) -> None:
        self.records.append(record)

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
            except ValueError as error:
                return [str(error)]
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
        if self.jsonl:
            return [json.dumps(r, ensure_ascii=False) for r in self.records]
        lines: list[str] = []
        for record in self.records:
            if lines:
                lines.append("")
            if self.show_times:
                sent = datetime.fromisoformat(record["at"]).astimezone(LONDON)
                lines.append(f"[{sent:%a %d %b %H:%M} London]")
            if record["to"] != str(self.default):
                lines.append(f"[to {record['to']}]")
            lines.extend(record["text"].split("\n"))
        return lines
