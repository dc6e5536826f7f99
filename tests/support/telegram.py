"""Running the real Telegram channel against the telegram-test-api emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import uvicorn

from bot.app import Services, build
from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from bot.dispatch.loop import DispatchLoop
from bot.web import create_app
from support.net import free_port
from telegram_emulator.emulator import BotMessage, EmulatedUser, TelegramEmulator

TOKEN = "123456:MOVEMATES-TEST"
SECRET = "s3cret-Token_for-tests"


@dataclass
class RunningBot:
    services: Services
    channel: TelegramChannel
    emulator: TelegramEmulator
    port: int | None = None


@asynccontextmanager
async def telegram_bot(settings: Settings, emulator: TelegramEmulator, *,
                       webhook: bool = False, paced: bool = False) -> AsyncIterator[RunningBot]:
    port = free_port() if webhook else None
    settings = settings.model_copy(update={
        "telegram_bot_token": emulator.token,
        "telegram_api_base_url": emulator.base_url.removesuffix("/bot"),
        "telegram_webhook_url": f"http://127.0.0.1:{port}/telegram" if webhook else None,
        "telegram_webhook_secret": SECRET if webhook else None,
    })
    services = build(settings, paced=paced)
    channel = TelegramChannel(settings, services.engine, services.content)
    services.dispatcher.senders["telegram"] = channel.sender
    loop = DispatchLoop(services.dispatcher, idle_interval=0.05)
    services.engine.on_queued = loop.wake
    server = None
    server_task = None
    if webhook:
        # As `serve` does before taking traffic: a webhook answers only once the update is
        # handled, and the first message would otherwise build the safety screen (~9 s).
        await asyncio.to_thread(services.engine.language, None)
        app = create_app(services.db, {"telegram": True, "sms": False}, routes=channel.routes())
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                               log_level="warning", lifespan="off"))
        server_task = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 - uvicorn offers only this flag
            await asyncio.sleep(0.02)
    await channel.start()
    loop.start()
    try:
        yield RunningBot(services, channel, emulator, port)
    finally:
        await loop.stop()
        await channel.stop()
        if server is not None and server_task is not None:
            server.should_exit = True
            await server_task
        await services.close()


async def press(user: EmulatedUser, message: BotMessage, label: str) -> BotMessage:
    """Press a button by its label; return the message as edited afterwards."""
    update = await user.press_button(message, message.callback_data(label))
    query_id = update["callback_query"]["id"]
    await user.emulator.callback_answer(str(query_id))
    return message
