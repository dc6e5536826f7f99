"""Contract tests: the real python-telegram-bot 22 against the emulator harness.

Each test gets its own emulator process, so tests share no state.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Self

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Conflict
from telegram.ext import (
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from . import emulator as emulator_module
from .emulator import EmulatorError, EmulatorNotInstalledError, TelegramEmulator

TOKEN = "123456:TEST-TOKEN"
SECRET = "s3cret-Token_1"
LEICESTER = (52.6369, -1.1398)


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(token=TOKEN) as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: TelegramEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emu.base_url) as ptb_bot:
        yield ptb_bot


def inline_keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in buttons]
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"echo {update.effective_message.text}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def process_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited already


class WebhookReceiver:
    """A tiny HTTP server that records POSTs; answers 503 to the first `failures` of them."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.requests: asyncio.Queue[tuple[dict[str, str], bytes]] = asyncio.Queue()
        self.url = ""

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/telegram-webhook"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def next_request(self) -> tuple[dict[str, str], bytes]:
        async with asyncio.timeout(5):
            return await self.requests.get()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = {}
        for line in head[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        status = "503 Service Unavailable" if self.failures > 0 else "200 OK"
        self.failures -= 1
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        writer.close()
        await self.requests.put((headers, body))


async def test_get_me_and_bot_initialize(emu: TelegramEmulator) -> None:
    async with Bot(TOKEN, base_url=emu.base_url) as bot:  # initialize() calls getMe
        assert bot.id == 123456
        assert bot.username == "MoveMatesTestBot"
        me = await bot.get_me()
    assert me.is_bot
    assert me.first_name == "Move Mates"
    assert emu.base_url.endswith("/bot")


async def test_send_message_with_inline_keyboard_reaches_user(
    emu: TelegramEmulator, bot: Bot
) -> None:
    alice = emu.user(1001, "Alice")
    sent = await bot.send_message(
        alice.chat_id,
        "Fancy a walk?",
        reply_markup=inline_keyboard(("Yes", "walk:yes"), ("No", "walk:no")),
    )
    assert abs(sent.date - datetime.now(UTC)) < timedelta(minutes=1)  # seconds, not ms
    assert sent.from_user is not None and sent.from_user.id == bot.id
    assert sent.chat.id == alice.chat_id
    assert sent.reply_markup == inline_keyboard(("Yes", "walk:yes"), ("No", "walk:no"))

    [seen] = await alice.wait_for_messages(1)
    assert seen.message_id == sent.message_id
    assert seen.text == "Fancy a walk?"
    assert seen.inline_keyboard == [
        [{"text": "Yes", "callback_data": "walk:yes"}],
        [{"text": "No", "callback_data": "walk:no"}],
    ]
    assert seen.callback_data("No") == "walk:no"
    assert await alice.new_messages() == []


async def test_button_press_arrives_as_callback_query(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user(1001, "Alice", username="alice")
    sent = await bot.send_message(
        alice.chat_id, "Did you move today?", reply_markup=inline_keyboard(("Yes", "moved:yes"))
    )
    [seen] = await alice.wait_for_messages()

    pressed = await alice.press_button(seen, seen.callback_data("Yes"))
    [update] = await bot.get_updates()
    assert update.update_id == pressed["update_id"]
    query = update.callback_query
    assert query is not None
    assert query.data == "moved:yes"
    assert query.chat_instance
    assert query.from_user.id == alice.id
    assert isinstance(query.message, Message)  # the bot's message, not an inaccessible stub
    assert query.message.message_id == sent.message_id
    assert query.message.text == "Did you move today?"
    assert query.message.reply_markup == sent.reply_markup

    assert await query.answer("Well done!") is True
    assert await emu.callback_answer(query.id) == {
        "text": "Well done!",
        "show_alert": False,
        "url": None,
    }
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await bot.answer_callback_query("no-such-query")
    with pytest.raises(EmulatorError, match="no button"):
        await alice.press_button(seen, "moved:maybe")


async def test_edits_return_messages_and_are_visible(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user(1001)
    sent = await bot.send_message(
        alice.chat_id, "Pick a walk", reply_markup=inline_keyboard(("Short", "short"))
    )
    [before] = await alice.wait_for_messages()

    edited = await bot.edit_message_reply_markup(
        alice.chat_id, sent.message_id, reply_markup=inline_keyboard(("Undo", "undo"))
    )
    assert isinstance(edited, Message)
    assert edited.reply_markup == inline_keyboard(("Undo", "undo"))
    after_markup = await emu.wait_for_edit(before)
    assert after_markup.inline_keyboard == [[{"text": "Undo", "callback_data": "undo"}]]

    edited = await bot.edit_message_text("Short walk booked", alice.chat_id, sent.message_id)
    assert isinstance(edited, Message)
    assert edited.text == "Short walk booked"
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # no reply_markup in the edit: Telegram drops the keyboard
    after_text = await emu.wait_for_edit(after_markup)
    assert (after_text.text, after_text.reply_markup, after_text.edit_count) == (
        "Short walk booked",
        None,
        2,
    )

    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Short walk booked", alice.chat_id, sent.message_id)
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("Nope", alice.chat_id, 9999)
    assert await bot.edit_message_text("Inline", inline_message_id="abc") is True
    assert await alice.new_messages() == []  # edits are not new messages


async def test_get_updates_honours_offset_limit_and_timeout(
    emu: TelegramEmulator, bot: Bot
) -> None:
    alice = emu.user(1001)
    for text in ("one", "two", "three"):
        await alice.send_text(text)
    await bot.send_message(alice.chat_id, "bot messages do not use up update ids")
    await alice.send_text("four")

    assert [u.update_id for u in await bot.get_updates(limit=2)] == [1, 2]
    assert [u.update_id for u in await bot.get_updates(limit=2)] == [1, 2]  # not acknowledged yet
    rest = await bot.get_updates(offset=3)
    assert [(u.update_id, u.message.text) for u in rest if u.message] == [(3, "three"), (4, "four")]
    assert await bot.get_updates(offset=5) == ()

    long_poll = asyncio.create_task(bot.get_updates(offset=5, timeout=5))
    await asyncio.sleep(0.2)
    assert not long_poll.done()
    await alice.send_text("five")
    async with asyncio.timeout(2):
        [late] = await long_poll
    assert late.update_id == 5

    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(offset=6, timeout=1) == ()
    assert loop.time() - started >= 0.9


async def test_application_polling_delivers_each_update_exactly_once(emu: TelegramEmulator) -> None:
    received: list[Update] = []

    async def record_and_echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        received.append(update)
        await echo(update, context)

    app = ApplicationBuilder().token(TOKEN).base_url(emu.base_url).build()
    app.add_handler(CommandHandler("start", record_and_echo))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, record_and_echo))
    alice = emu.user(1001, "Alice")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=timedelta(seconds=1))
        try:
            await alice.send_command("start")
            await alice.send_text("one")
            await alice.send_text("two")
            replies = await alice.wait_for_messages(3)
            # Another round trip: unacknowledged updates would have come back by now.
            await alice.send_text("three")
            replies += await alice.wait_for_messages(1)
        finally:
            await app.updater.stop()
            await app.stop()

    assert [r.text for r in replies] == ["echo /start", "echo one", "echo two", "echo three"]
    assert [u.update_id for u in received] == [1, 2, 3, 4]
    assert await alice.new_messages() == []
    methods = [call["method"] for call in await emu.api_calls()]
    assert methods[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    offsets = [int(call["params"].get("offset", 0)) for call in await emu.api_calls("getUpdates")]
    assert offsets == sorted(offsets)
    assert offsets[-1] == 5  # Updater.stop() acknowledged the last update
    async with Bot(TOKEN, base_url=emu.base_url) as bot:
        assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_reply_keyboard_location_request(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user(1001, "Alice")
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("Share my location", request_location=True)]], one_time_keyboard=True
    )
    sent = await bot.send_message(alice.chat_id, "Where are you?", reply_markup=keyboard)
    assert sent.reply_markup is None  # Telegram echoes only inline keyboards
    [seen] = await alice.wait_for_messages()
    assert seen.keyboard == [[{"text": "Share my location", "request_location": True}]]
    assert seen.reply_markup is not None and seen.reply_markup["one_time_keyboard"] is True

    shared = await alice.share_location(*LEICESTER, horizontal_accuracy=25)
    [update] = await bot.get_updates()
    assert update.update_id == shared["update_id"]
    assert update.message is not None and update.message.location is not None
    assert (update.message.location.latitude, update.message.location.longitude) == LEICESTER
    assert update.message.location.horizontal_accuracy == 25
    assert update.message.from_user is not None and update.message.from_user.id == alice.id
    assert update.message.text is None
    assert filters.LOCATION.check_update(update)


async def test_raw_updates_commands_and_other_methods(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user(1001, "Alice")
    await alice.send_command("checkin", "tomorrow")
    now = int(datetime.now(UTC).timestamp())
    location = {"latitude": LEICESTER[0], "longitude": LEICESTER[1], "live_period": 900}
    raw = await emu.post_update(
        {
            "edited_message": {
                "message_id": 42,
                "date": now,
                "edit_date": now,
                "chat": {"id": alice.id, "type": "private", "first_name": "Alice"},
                "from": alice.as_json(),
                "location": location,
            }
        }
    )
    await alice.share_contact("+447700900123")
    command, edited, contact = await bot.get_updates()
    assert command.message is not None and command.message.text == "/checkin tomorrow"
    assert [(e.type, e.offset, e.length) for e in command.message.entities] == [
        ("bot_command", 0, 8)
    ]
    assert edited.update_id == raw["update_id"] == 2
    assert edited.edited_message is not None and edited.edited_message.location is not None
    assert contact.message is not None and contact.message.contact is not None
    assert contact.message.contact.phone_number == "+447700900123"

    assert await bot.set_my_commands([("start", "Start"), ("checkin", "Log today's movement")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "checkin"]
    assert await bot.send_chat_action(alice.chat_id, "typing") is True
    venue = await bot.send_location(alice.chat_id, *LEICESTER)
    assert venue.location is not None and venue.location.latitude == LEICESTER[0]
    doomed = await bot.send_message(alice.chat_id, "to be deleted")
    assert await bot.delete_message(alice.chat_id, doomed.message_id) is True
    assert [m.method for m in await alice.messages()] == ["sendLocation"]
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(alice.chat_id, doomed.message_id)
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(alice.chat_id, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(alice.chat_id, "hi", reply_markup=inline_keyboard(("x", "y" * 65)))


async def test_webhook_posts_updates_with_secret_header(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user(1001, "Alice")
    async with WebhookReceiver(failures=1) as receiver:
        assert await bot.set_webhook(receiver.url, secret_token=SECRET) is True
        assert (await bot.get_webhook_info()).url == receiver.url
        with pytest.raises(Conflict):
            await bot.get_updates()

        sent = await alice.send_text("hello via webhook")
        failed = await receiver.next_request()  # answered 503: Telegram retries
        delivered = await receiver.next_request()
        for headers, _ in (failed, delivered):
            assert headers["x-telegram-bot-api-secret-token"] == SECRET
        assert failed[1] == delivered[1]
        update = Update.de_json(json.loads(delivered[1]), bot)
        assert update.update_id == sent["update_id"]
        assert update.message is not None and update.message.text == "hello via webhook"
        assert "503" in ((await bot.get_webhook_info()).last_error_message or "")
        assert await bot.delete_webhook() is True

    await alice.send_text("back to polling")
    [polled] = await bot.get_updates()
    assert polled.message is not None and polled.message.text == "back to polling"


async def test_application_webhook_round_trip(emu: TelegramEmulator) -> None:
    # PTB's own webhook server answers 403 unless the secret header matches.
    port = free_port()
    app = ApplicationBuilder().token(TOKEN).base_url(emu.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    alice = emu.user(1001, "Alice")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="telegram",
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            secret_token=SECRET,
        )
        try:
            await alice.send_text("hi")
            [reply] = await alice.wait_for_messages()
        finally:
            await app.updater.stop()
            await app.stop()
    assert reply.text == "echo hi"
    assert [call["method"] for call in await emu.api_calls()][:2] == ["getMe", "setWebhook"]


async def test_missing_node_modules_gives_install_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(emulator_module, "PACKAGE_DIR", tmp_path / "missing")
    with pytest.raises(EmulatorNotInstalledError, match=r"npm ci --prefix tests/telegram_emulator"):
        await TelegramEmulator().start()


async def test_launcher_crash_at_startup_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "launcher.js"
    broken.write_text("throw new Error('kaput');\n")
    monkeypatch.setattr(emulator_module, "LAUNCHER", broken)
    emu = TelegramEmulator()
    with pytest.raises(EmulatorError, match="kaput"):
        await emu.start()
    assert emu.pid is None


async def test_process_is_stopped_even_when_the_test_fails() -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with TelegramEmulator() as emu:
            pid = emu.pid
            assert pid is not None and process_alive(pid)
            raise RuntimeError("boom")
    assert not process_alive(pid)


def test_launcher_exits_when_the_test_process_dies() -> None:
    # Also shows emulator.py imports as a plain module with its folder on sys.path.
    script = textwrap.dedent(
        f"""
        import asyncio, os, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from emulator import TelegramEmulator

        async def main():
            emu = TelegramEmulator()
            await emu.start()
            print(emu.pid, flush=True)
            os._exit(1)  # die without stopping the emulator

        asyncio.run(main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20
    )
    pid = int(result.stdout.strip())
    deadline = time.monotonic() + 5
    while process_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(pid)
