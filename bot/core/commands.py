"""Recognising words that work anywhere: help, menu, stop, my data... on every channel."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.content import Content
from bot.core.events import EventKind, Inbound
from bot.core.textnorm import tokens

LINK_PREFIX = "link-"  # a /start argument that carries a one-time link code
# Where a message's parts meet: a STOP may stand as its first or last part ("STOP. I don't
# want this anymore", "no more thanks - unsubscribe").
_PARTS = re.compile(r"[.,!?;:\n\u2013\u2014]+|\s-+\s")
# No longer than this, a message asking to stop in its own words is a wish to stop; a long
# one is more likely telling a story ("...she said stop texting me, so I did").
STOP_ASK_MAX_WORDS = 25


class Command(StrEnum):
    HELP = "help"
    MENU = "menu"
    SETTINGS = "settings"
    PAUSE = "pause"
    RESUME = "resume"
    RESTART = "restart"
    NOT_TODAY = "not_today"
    SUGGEST = "suggest"
    BUDDY = "buddy"
    PAUSE_WEEK = "pause_week"
    MY_DATA = "my_data"
    DELETE = "delete"
    STOP = "stop"
    START = "start"
    GREETING = "greeting"
    LINK_PHONE = "link_phone"
    LINK_TELEGRAM = "link_telegram"
    LINK_ACCEPT = "link_accept"  # /start link-<code>: a link texted to them was opened


# Telegram-style /commands (no spaces allowed there) and their meaning.
SLASH_COMMANDS: dict[str, Command] = {
    "start": Command.GREETING,
    "help": Command.HELP,
    "menu": Command.MENU,
    "settings": Command.SETTINGS,
    "pause": Command.PAUSE,
    "resume": Command.RESUME,
    "restart": Command.RESTART,
    "mydata": Command.MY_DATA,
    "deleteme": Command.DELETE,
    "suggest": Command.SUGGEST,
    "buddy": Command.BUDDY,
    "stop": Command.STOP,
    "link": Command.LINK_PHONE,
}


@dataclass(frozen=True)
class Recognised:
    command: Command
    argument: str = ""


class CommandWords:
    """The phrases for each command, from content/<lang>/commands.yaml."""

    def __init__(self, content: Content) -> None:
        self._phrases: dict[str, set[Command]] = {}
        for command in Command:
            for phrase in content.words(f"commands.{command.value}"):
                key = " ".join(tokens(phrase))
                if key:
                    self._phrases.setdefault(key, set()).add(command)
        self._courtesy = {" ".join(tokens(p)) for p in content.words("commands.courtesy")}
        self._stop_parts = {" ".join(tokens(p)) for p in content.words("commands.stop_part")}
        self._stop_asks = [" ".join(tokens(p)) for p in content.words("commands.stop_asks")]
        self._stop_then = set(content.words("commands.stop_then"))
        self._stop_lead = set(content.words("commands.stop_ask_after"))

    def recognise(self, event: Inbound) -> Recognised | None:
        if event.kind is EventKind.COMMAND and event.command:
            command = SLASH_COMMANDS.get(event.command.lower())
            if command is Command.GREETING and event.argument.startswith(LINK_PREFIX):
                return Recognised(Command.LINK_ACCEPT, event.argument[len(LINK_PREFIX):])
            return Recognised(command, event.argument) if command else None
        if event.kind is not EventKind.TEXT:
            return None
        text = event.text.strip()
        if text.startswith("/"):
            name, _, argument = text[1:].partition(" ")
            command = SLASH_COMMANDS.get(name.split("@", 1)[0].lower())
            if command is Command.GREETING and argument.strip().startswith(LINK_PREFIX):
                return Recognised(Command.LINK_ACCEPT, argument.strip()[len(LINK_PREFIX):])
            return Recognised(command, argument.strip()) if command else None
        words = tokens(text)
        found = self._phrases.get(" ".join(words))
        if not found:
            # "stop please", "STOP thank you": a plain STOP word with courtesies around
            # it (never "end" or "cancel", which are everyday words too).
            if " ".join(self._without_courtesy(words)) in self._stop_parts:
                return Recognised(Command.STOP)
            return None
        # 'start' means opt back in only to someone who stopped; the engine decides that,
        # so report the more specific meaning first.
        for command in (Command.STOP, Command.START, Command.DELETE, Command.RESTART):
            if command in found:
                return Recognised(command)
        return Recognised(next(iter(sorted(found))))


    def stop_request(self, event: Inbound, in_chat: bool = False) -> str | None:
        """A wish to stop put in more words than a command: its first or last part is a
        STOP word ("STOP. I don't want this anymore"), it starts with one and goes on with
        a word of `stop_then` ("STOP i dont want this"), or it is short and asks in words
        of `stop_asks`. Never in a chat with a peer, where "stop it, you're making me
        laugh" or "stop messaging me" may be meant for them: there only the commands
        themselves stop. Returns the message's other words ("" if none: they are
        screened for safety on their own), or None when it is no such wish."""
        if event.kind is not EventKind.TEXT or in_chat:
            return None
        parts = [part for part in _PARTS.split(event.text) if tokens(part)]
        if len(parts) > 1:
            for index in (0, len(parts) - 1):
                said = " ".join(self._without_courtesy(tokens(parts[index])))
                if said in self._stop_parts:
                    return " ".join(parts[:index] + parts[index + 1:])
        words = tokens(event.text)
        if len(words) > 1 and words[0] in self._stop_parts and words[1] in self._stop_then:
            return " ".join(words[1:])  # "STOP i dont want this anymore"
        if len(words) > STOP_ASK_MAX_WORDS:
            return None
        for ask in self._stop_asks:
            size = len(ask.split())
            for start in range(len(words) - size + 1):
                # Only asked by the writer: "please stop texting me", never told of ("my
                # friend said stop texting me").
                if " ".join(words[start:start + size]) == ask and \
                        all(word in self._stop_lead for word in words[:start]):
                    return " ".join(words[:start] + words[start + size:])
        return None

    def _without_courtesy(self, words: list[str]) -> list[str]:
        """The words without courtesies at either end ("stop please", "menu thanks x")."""
        start, end = 0, len(words)
        while start < end:
            if " ".join(words[start:start + 2]) in self._courtesy and end - start > 2:
                start += 2
            elif words[start] in self._courtesy and end - start > 1:
                start += 1
            else:
                break
        while end > start + 1:
            if " ".join(words[end - 2:end]) in self._courtesy and end - start > 2:
                end -= 2
            elif words[end - 1] in self._courtesy:
                end -= 1
            else:
                break
        return words[start:end]


def is_literal_start(event: Inbound) -> bool:
    """'start' or /start, as opposed to 'yes', which opts in but otherwise is an answer."""
    if event.kind is EventKind.COMMAND:
        return (event.command or "").lower() == "start"
    text = event.text.strip().lower()
    return text.startswith("/start") or " ".join(tokens(event.text)) in ("start", "unstop")
