"""Async Python harness around the telegram-test-api Bot API emulator (see README.md).

    async with TelegramEmulator(token="123:ABC") as emu:
        app = ApplicationBuilder().token("123:ABC").base_url(emu.base_url).build()
        alice = emu.user(1001, "Alice")
        await alice.send_command("start")
        [reply] = await alice.wait_for_messages(1)

Needs `npm ci --prefix tests/telegram_emulator` to have been run; installs nothing itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

JSON = dict[str, Any]
T = TypeVar("T")

HERE = Path(__file__).resolve().parent
LAUNCHER = HERE / "launcher.js"
PACKAGE_DIR = HERE / "node_modules" / "telegram-test-api"
HOST = "127.0.0.1"
DEFAULT_TOKEN = "123456:TEST-TOKEN"
POLL_INTERVAL = 0.02


async def _poll(
    probe: Callable[[], Awaitable[T | None]],
    timeout: float,  # noqa: ASYNC109
) -> T | None:
    """Call `probe` until it returns something other than None; None after `timeout` seconds."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            while True:
                if (result := await probe()) is not None:
                    return result
                await asyncio.sleep(POLL_INTERVAL)
    return None


class EmulatorError(RuntimeError):
    """The emulator failed to start, or rejected a harness request."""


class EmulatorNotInstalledError(EmulatorError):
    """node_modules/telegram-test-api is missing."""


@dataclass(frozen=True)
class BotMessage:
    """A message the bot sent, as the user currently sees it (edits applied)."""

    message_id: int
    chat_id: int
    date: int
    text: str | None
    reply_markup: JSON | None  # any keyboard kind, parsed from PTB's JSON string
    parse_mode: str | None
    method: str  # "sendMessage", "sendLocation", ...
    edit_date: int | None
    edit_count: int
    raw: JSON

    @classmethod
    def from_json(cls, data: JSON) -> BotMessage:
        return cls(
            message_id=data["message_id"],
            chat_id=data["chat"]["id"],
            date=data["date"],
            text=data.get("text"),
            reply_markup=data.get("reply_markup"),
            parse_mode=data.get("parse_mode"),
            method=data.get("method", "sendMessage"),
            edit_date=data.get("edit_date"),
            edit_count=data.get("edit_count", 0),
            raw=data,
        )

    @property
    def inline_keyboard(self) -> list[list[JSON]]:
        return (self.reply_markup or {}).get("inline_keyboard", [])

    @property
    def keyboard(self) -> list[list[JSON]]:
        """Buttons of a reply keyboard (ReplyKeyboardMarkup), if this message set one."""
        return (self.reply_markup or {}).get("keyboard", [])

    def callback_data(self, button_text: str) -> str:
        """callback_data of the inline button labelled `button_text`."""
        for button in (b for row in self.inline_keyboard for b in row):
            if button.get("text") == button_text:
                return str(button["callback_data"])
        labels = [b.get("text") for row in self.inline_keyboard for b in row]
        raise KeyError(f"no inline button {button_text!r} on message {self.message_id}: {labels}")


@dataclass(frozen=True)
class EmulatedUser:
    """A Telegram user talking to the bot in a private chat (chat id == user id)."""

    emulator: TelegramEmulator = field(repr=False, compare=False)
    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str = "en"

    @property
    def chat_id(self) -> int:
        return self.id

    def as_json(self) -> JSON:
        user: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        optional = {
            "last_name": self.last_name,
            "username": self.username,
            "language_code": self.language_code,
        }
        return user | {key: value for key, value in optional.items() if value is not None}

    async def send_text(self, text: str) -> JSON:
        """Send a text message; returns the Update as queued for the bot."""
        return await self._send_message({"text": text})

    async def send_command(self, command: str, args: str = "") -> JSON:
        """Send `/command args` (the emulator adds the bot_command entity)."""
        text = "/" + command.lstrip("/") + (f" {args}" if args else "")
        return await self.emulator._client_post("/sendCommand", self._envelope() | {"text": text})

    async def press_button(self, message: BotMessage | int, callback_data: str) -> JSON:
        """Press the inline button with `callback_data` on a bot message in this chat."""
        message_id = message.message_id if isinstance(message, BotMessage) else message
        payload = self._envelope() | {"message_id": message_id, "data": callback_data}
        return await self.emulator._client_post("/sendCallback", payload)

    async def share_location(
        self, latitude: float, longitude: float, *, horizontal_accuracy: float | None = None
    ) -> JSON:
        """Share a location, as a KeyboardButton(request_location=True) press does."""
        location: JSON = {"latitude": latitude, "longitude": longitude}
        if horizontal_accuracy is not None:
            location["horizontal_accuracy"] = horizontal_accuracy
        return await self._send_message({"location": location})

    async def share_contact(self, phone_number: str) -> JSON:
        """Share one's own phone number, as KeyboardButton(request_contact=True) does."""
        contact = {"phone_number": phone_number, "first_name": self.first_name, "user_id": self.id}
        return await self._send_message({"contact": contact})

    async def messages(self) -> list[BotMessage]:
        return await self.emulator.bot_messages(self.chat_id)

    async def wait_for_messages(
        self,
        count: int = 1,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[BotMessage]:
        return await self.emulator.wait_for_messages(self.chat_id, count, timeout=timeout)

    async def new_messages(self) -> list[BotMessage]:
        return await self.emulator.new_messages(self.chat_id)

    def _envelope(self) -> JSON:
        return {"botToken": self.emulator.token, "from": self.as_json()}

    async def _send_message(self, content: JSON) -> JSON:
        return await self.emulator._client_post("/sendMessage", self._envelope() | content)


class TelegramEmulator:
    """Runs launcher.js (telegram-test-api plus fixes) on a free 127.0.0.1 port."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "MoveMatesTestBot",
        bot_name: str = "Move Mates",
        startup_timeout: float = 15.0,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_name = bot_name
        self._startup_timeout = startup_timeout
        self._process: asyncio.subprocess.Process | None = None
        self._port: int | None = None
        self._http: httpx.AsyncClient | None = None
        self._drains: list[asyncio.Task[None]] = []
        self._log: deque[str] = deque(maxlen=200)
        self._seen: dict[int, int] = {}  # chat id -> last message id handed out as "new"

    # ---- lifecycle ----

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        if self._process is not None:
            raise EmulatorError("emulator already started")
        if not PACKAGE_DIR.is_dir():
            raise EmulatorNotInstalledError(
                f"telegram-test-api is not installed in {PACKAGE_DIR.parent}: "
                "run `npm ci --prefix tests/telegram_emulator` from the repository root"
            )
        node = shutil.which("node")
        if node is None:
            raise EmulatorError("`node` is not on PATH; the emulator needs Node.js 18 or newer")
        # stdin stays open as a lifeline: the launcher exits when it closes, so a killed test
        # run leaves no orphan node process.
        args = ["--host", HOST, "--port", "0", "--exit-on-stdin-close"]
        args += ["--bot-username", self.bot_username, "--bot-name", self.bot_name]
        self._process = await asyncio.create_subprocess_exec(
            node,
            str(LAUNCHER),
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            assert self._process.stderr is not None
            self._drains.append(asyncio.create_task(self._drain(self._process.stderr)))
            async with asyncio.timeout(self._startup_timeout):
                self._port = await self._read_port()
                self._http = httpx.AsyncClient(base_url=self.api_url, timeout=10.0, trust_env=False)
                await self._wait_until_answering()
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Stop the emulator process; safe to call twice or after a failed start."""
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.returncode is None:
                process.terminate()
                async with asyncio.timeout(5):
                    await process.wait()
        except BaseException:  # timed out or cancelled: never leave the process behind
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await asyncio.shield(process.wait())
            raise
        finally:
            if process.stdin is not None:
                process.stdin.close()
            for drain in self._drains:
                with contextlib.suppress(Exception):
                    await drain  # ends at EOF, now that the process is gone
            self._drains.clear()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def api_url(self) -> str:
        """Root URL of the emulator (its own client routes live here)."""
        if self._port is None:
            raise EmulatorError("emulator not started")
        return f"http://{HOST}:{self._port}"

    @property
    def base_url(self) -> str:
        """For PTB: ApplicationBuilder().base_url(...) or Bot(base_url=...); ends in /bot."""
        return f"{self.api_url}/bot"

    @property
    def bot_id(self) -> int:
        return int(self.token.split(":")[0])

    @property
    def log(self) -> str:
        """Recent launcher stderr (unemulated methods, webhook errors, crashes)."""
        return "\n".join(self._log)

    # ---- user side ----

    def user(
        self,
        user_id: int,
        first_name: str = "Test User",
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str = "en",
    ) -> EmulatedUser:
        return EmulatedUser(self, user_id, first_name, username, last_name, language_code)

    async def post_update(self, update: JSON) -> JSON:
        """Queue a raw Update (update_id is assigned); returns it as the bot will get it."""
        return await self._harness("/update", {"update": update})

    async def bot_messages(self, chat_id: int) -> list[BotMessage]:
        """Every message the bot has sent to `chat_id` and not deleted, oldest first."""
        result = await self._harness("/botMessages", {"chat_id": chat_id})
        return [BotMessage.from_json(message) for message in result]

    async def new_messages(self, chat_id: int) -> list[BotMessage]:
        """Bot messages not yet returned by new_messages/wait_for_messages; marks them seen."""
        unseen = await self._unseen(chat_id)
        if unseen:
            self._seen[chat_id] = unseen[-1].message_id
        return unseen

    # The waits below take `timeout` (not asyncio.timeout around the call) so that a failure
    # can say what did arrive.

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[BotMessage]:
        """Wait until the bot has sent `count` new messages to the chat; return exactly those."""
        if count < 1:
            raise ValueError("count must be at least 1; use new_messages() to check for none")

        async def enough() -> list[BotMessage] | None:
            unseen = await self._unseen(chat_id)
            return unseen[:count] if len(unseen) >= count else None

        taken = await _poll(enough, timeout)
        if taken is None:
            unseen = await self._unseen(chat_id)
            raise TimeoutError(
                f"bot sent {len(unseen)} of {count} expected new messages to chat {chat_id} "
                f"within {timeout}s: {[m.text for m in unseen]}\nemulator log:\n{self.log}"
            )
        self._seen[chat_id] = taken[-1].message_id
        return taken

    async def wait_for_edit(
        self,
        message: BotMessage,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> BotMessage:
        """Wait until the bot edits `message` again; return its new state."""

        async def edited() -> BotMessage | None:
            for current in await self.bot_messages(message.chat_id):
                if current.message_id == message.message_id:
                    return current if current.edit_count > message.edit_count else None
            raise EmulatorError(f"message {message.message_id} was deleted")

        current = await _poll(edited, timeout)
        if current is None:
            raise TimeoutError(f"message {message.message_id} was not edited within {timeout}s")
        return current

    async def callback_answer(
        self,
        callback_query_id: str,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> JSON:
        """Wait for the bot's answerCallbackQuery: {"text", "show_alert", "url"}."""

        async def answer() -> JSON | None:
            payload = {"callback_query_id": callback_query_id}
            result: JSON | None = await self._harness("/callbackAnswer", payload)
            return result

        result = await _poll(answer, timeout)
        if result is None:
            raise TimeoutError(f"callback query {callback_query_id} not answered within {timeout}s")
        return result

    async def api_calls(self, method: str | None = None) -> list[JSON]:
        """Bot API calls the bot made, oldest first: {"method", "params", "time"}."""
        calls: list[JSON] = await self._harness("/calls", {})
        return [call for call in calls if method is None or call["method"] == method]

    # ---- plumbing ----

    async def _unseen(self, chat_id: int) -> list[BotMessage]:
        seen = self._seen.get(chat_id, 0)
        return [m for m in await self.bot_messages(chat_id) if m.message_id > seen]

    async def _harness(self, path: str, payload: JSON) -> Any:
        return await self._client_post(f"/harness{path}", {"token": self.token} | payload)

    async def _client_post(self, path: str, payload: JSON) -> Any:
        if self._http is None:
            raise EmulatorError("emulator not started")
        response = await self._http.post(path, json=payload)
        body = response.json()
        if not body.get("ok"):
            raise EmulatorError(f"{path}: {body.get('description') or body}")
        return body["result"]

    async def _read_port(self) -> int:
        assert self._process is not None and self._process.stdout is not None
        line = await self._process.stdout.readline()
        if not line:
            await self._process.wait()
            await asyncio.gather(*self._drains)
            raise EmulatorError(f"launcher exited before listening:\n{self.log}")
        self._drains.append(asyncio.create_task(self._drain(self._process.stdout)))
        return int(json.loads(line)["port"])

    async def _wait_until_answering(self) -> None:
        assert self._http is not None
        while True:
            with contextlib.suppress(httpx.TransportError):
                response = await self._http.post("/harness/ping")
                if response.status_code == 200:
                    return
            await asyncio.sleep(POLL_INTERVAL)

    async def _drain(self, stream: asyncio.StreamReader) -> None:
        # Keeps the pipe from filling up (a full pipe would block node) and keeps a tail for errors.
        while line := await stream.readline():
            self._log.append(line.decode(errors="replace").rstrip())
