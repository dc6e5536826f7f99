"""Recognising words that work anywhere: help, menu, stop, my data... on every channel."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from bot.core.content import Content
from bot.core.events import EventKind, Inbound
from bot.core.stopping import LAUGHS, StopWish
from bot.core.textnorm import tokens

LINK_PREFIX = "link-"  # a /start argument that carries a one-time link code
# Besides letters, digits, spaces and symbols such as 🛑 or 🙏, what a bare STOP may carry
# ("STOP!", "stop."); anything else ("end?", "stop 😂") makes it words for someone.
_COMMAND_MARKS = frozenset(".,!'\u2019\"-")
# Letters of other scripts that look like Latin ones ("ѕтор" typed in Cyrillic letters),
# and a zero in a word ("st0p"): read as the Latin letters only to see whether a message
# is a bare STOP (UK texting rules: a clear wish to stop is honoured however it is typed).
_LOOKALIKES = str.maketrans({
    **dict(zip("аеорсухкмнвтѕіјԁһԛԝ", "aeopcyxkmhbtsijdhqw", strict=True)),
    **dict(zip("АЕОРСУХКМНВТЅІЈ", "AEOPCYXKMHBTSIJ", strict=True)),
    **dict(zip("οαερτυικνχ", "oaeptuikvx", strict=True)),
    **dict(zip("ΟΑΕΡΤΥΙΚΜΝΧΒΖΗ", "OAEPTYIKMNXBZH", strict=True)),
})
_DIGIT_LOOKALIKES = str.maketrans({"0": "o"})


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
        self.stop = StopWish(content)
        self._carrier_only = {" ".join(tokens(p))
                              for p in content.words("commands.stop_carrier_only")}

    def recognise(self, event: Inbound, channel: str | None = None) -> Recognised | None:
        """The command a message is, or None. `channel` "telegram": Twilio's extra opt-out
        words ("cancel", "end", "quit") leave what they're doing (the menu, argument
        "exit") instead of stopping every message."""
        if event.kind is EventKind.COMMAND and event.command:
            command = SLASH_COMMANDS.get(event.command.lower())
            if command is Command.GREETING and event.argument.startswith(LINK_PREFIX):
                return Recognised(Command.LINK_ACCEPT, event.argument[len(LINK_PREFIX):])
            return Recognised(command, event.argument) if command else None
        if event.kind is not EventKind.TEXT:
            return None
        text = _visible(event.text).strip()
        if text.startswith("/"):
            name, _, argument = text[1:].partition(" ")
            command = SLASH_COMMANDS.get(name.split("@", 1)[0].lower())
            if command is Command.GREETING and argument.strip().startswith(LINK_PREFIX):
                return Recognised(Command.LINK_ACCEPT, argument.strip()[len(LINK_PREFIX):])
            return Recognised(command, argument.strip()) if command else None
        words = tokens(text)
        joined = " ".join(words)
        found = self._phrases.get(joined)
        bare = _bare(text)
        if found and Command.STOP in found:
            if not bare:
                return None  # "end?" or "stop 😂" is said to someone, not the command
            if channel == "telegram" and joined in self._carrier_only:
                return Recognised(Command.MENU, "exit")
        if not found:
            # "stop please", "STOP STOP", "stopp": a plain STOP word, with courtesies
            # around it or said again (never "end" or "cancel": everyday words too).
            if bare and self.stop.bare(self.stop.words(text)):
                return Recognised(Command.STOP)
            return Recognised(Command.STOP) if self._stop_in_lookalikes(text, channel) \
                else None
        # 'start' means opt back in only to someone who stopped; the engine decides that,
        # so report the more specific meaning first.
        for command in (Command.STOP, Command.START, Command.DELETE, Command.RESTART):
            if command in found:
                return Recognised(command)
        return Recognised(next(iter(sorted(found))))


    def _stop_in_lookalikes(self, text: str, channel: str | None) -> bool:
        """A bare STOP typed in letters that only look Latin ("ѕтор", "ЅТОР") or with a
        zero for the o ("st0p", "ST0P please"). Nothing else is read this way: only a
        message that would be a bare STOP once the lookalikes are the letters they look
        like; Telegram's "end", "quit" and "cancel" stay theirs."""
        latin = text.translate(_LOOKALIKES)
        latin = " ".join(word.translate(_DIGIT_LOOKALIKES) if any(c.isalpha() for c in word)
                         else word for word in latin.split(" "))
        if latin == text or not _bare(latin):
            return False
        joined = " ".join(tokens(latin))
        found = self._phrases.get(joined)
        if found is not None:
            return Command.STOP in found and not (
                channel == "telegram" and joined in self._carrier_only)
        return self.stop.bare(self.stop.words(latin))


def _visible(text: str) -> str:
    """`text` without invisible formatting (a zero-width space, a byte order mark) or
    control characters (a NUL), which phones and keyboards add unseen ("STOP\u200b").
    Line ends and tabs stay."""
    return "".join(c for c in text if c in "\n\r\t" or
                   unicodedata.category(c) not in ("Cc", "Cf"))


def _bare(text: str) -> bool:
    """Only letters, digits, spaces, symbols such as 🛑 and a STOP's own marks ("STOP!")."""
    return all(c.isalnum() or c.isspace() or c in _COMMAND_MARKS or
               (unicodedata.category(c) == "So" and c not in LAUGHS) for c in text)


def answered_after_stop(recognised: Recognised | None, event: Inbound,
                        deleting: bool) -> bool:
    """Whether someone who sent STOP is still answered: their data is theirs after STOP
    too (a newcomer's break-test: "delete my data" after STOP went unanswered), so "my
    data", "delete my data" and their answer to its "are you sure?" (`deleting`: "yes"
    there is the answer, not Twilio's START word) get a reply; they stay opted out."""
    if recognised is not None and recognised.command in (Command.DELETE, Command.MY_DATA):
        return True
    return deleting and not is_literal_start(event)


def is_literal_start(event: Inbound) -> bool:
    """'start' or /start, as opposed to 'yes', which opts in but otherwise is an answer."""
    if event.kind is EventKind.COMMAND:
        return (event.command or "").lower() == "start"
    text = event.text.strip().lower()
    return text.startswith("/start") or " ".join(tokens(event.text)) in ("start", "unstop")
