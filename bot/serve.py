"""`movemates serve`: the HTTP app, the dispatcher, the scheduler and any channels."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from starlette.applications import Starlette

from bot import logs
from bot.app import Services, build
from bot.config import Settings
from bot.console.app import console_mount
from bot.dispatch.loop import DispatchLoop
from bot.dispatch.outbox import MAX_IN_FLIGHT
from bot.jobs import (
    escalate_alerts,
    follow_catalogue,
    hand_over_due_reminders,
    match_waiting,
    plan_encouragement,
    send_due_broadcasts,
    tidy_up,
)
from bot.places.catalogue import load_catalogue
from bot.places.ranking import RankingIndex
from bot.storage.db import is_sqlite
from bot.storage.migrate import upgrade
from bot.web import create_app

log = logging.getLogger("movemates")
DUE_INTERVAL_SECONDS = 30
PLAN_INTERVAL_SECONDS = 600
TIDY_INTERVAL_SECONDS = 3600


def _until_shutdown(job: Callable[[Services], Awaitable[object]]
                    ) -> Callable[[Services], Awaitable[object]]:
    """A job that ends quietly when `serve` stops mid-run: APScheduler would log the
    cancelled task as a job that failed, with a traceback, on every ordinary shutdown that
    meets a job at work (the next start picks up what it left: jobs keep state in tables)."""
    @functools.wraps(job)
    async def run(services: Services) -> object:
        try:
            return await job(services)
        except asyncio.CancelledError:
            log.info("job %s stopped by shutdown", job.__name__)
            return None

    return run


async def hand_over_due(services: Services) -> None:
    await services.dispatcher.recover_abandoned()
    await escalate_alerts(services)
    await hand_over_due_reminders(services)
    await match_waiting(services)
    await send_due_broadcasts(services)
    await follow_catalogue(services)


def describe_channels(settings: Settings) -> dict[str, bool]:
    return {"telegram": settings.telegram_enabled, "sms": settings.sms_enabled}


def log_startup(settings: Settings) -> None:
    database = "SQLite" if is_sqlite(settings.database_url) else "PostgreSQL"
    log.info("database: %s", database)
    channels = describe_channels(settings)
    mode = "webhook" if settings.telegram_webhook_url else "polling"
    log.info("telegram: %s", f"on ({mode})" if channels["telegram"] else
             "off (set TELEGRAM_BOT_TOKEN to turn it on)")
    if channels["sms"] and not settings.public_base_url and not settings.trust_proxy:
        log.warning("sms: set PUBLIC_BASE_URL (or TRUST_PROXY=1 behind a proxy) so Twilio's "
                    "signatures can be checked against the URL Twilio used")
    log.info("sms: %s", "on" if channels["sms"] else
             "off (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and a sender to turn it on)")
    log.info("try the bot without any account: .venv/bin/movemates chat   (or --channel sms)")
    log.info("health check: http://%s:%s/healthz", settings.host, settings.port)
    log.info("staff console: %s/staff/ (first coordinator: .venv/bin/movemates staff add "
             "EMAIL --name NAME --role coordinator)", settings.console_base_url)


def make_asgi_app(settings: Settings, services: Services | None = None) -> Starlette:
    services = services or build(settings)
    loop = DispatchLoop(services.dispatcher)
    services.engine.on_queued = loop.wake
    scheduler = AsyncIOScheduler(timezone="UTC")
    routes = []
    telegram = None
    if settings.telegram_enabled:
        from bot.channels.telegram import TelegramChannel
        from bot.groups.moderation import GroupModeration

        telegram = TelegramChannel(settings, services.engine, services.content)
        services.dispatcher.senders[telegram.sender.channel] = telegram.sender
        telegram.groups = GroupModeration(services.db, services.clock, services.content,
                                          telegram.application.bot, on_queued=loop.wake)
        # A group upgraded to a supergroup, found out when sending: it moves to its new id.
        telegram.sender.on_chat_migrated = telegram.groups.chat_migrated
        routes += telegram.routes()
    if settings.sms_enabled:
        from bot.channels.sms import SmsChannel, SmsSender
        from bot.channels.sms_provider import TwilioProvider

        provider = TwilioProvider(
            settings.twilio_account_sid or "", settings.twilio_auth_token or "",
            messaging_service_sid=settings.twilio_messaging_service_sid,
            from_number=settings.twilio_from_number, api_base_url=settings.twilio_api_base_url)
        services.dispatcher.senders["sms"] = SmsSender(provider, settings)
        routes += SmsChannel(
            settings, services.engine, services.db, services.clock,
            after_undelivered=services.dispatcher.after_undelivered).routes()

    # The staff console (/staff): the same database, clock and words as the bot.
    routes.append(console_mount(services.db, services.clock, services.content,
                                settings.console_base_url, settings=settings,
                                on_queued=loop.wake))

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # The twilio library blocks, so each text waiting for Twilio's answer holds a
        # thread, beside SQLite's work: room for every text a lane may have on its way
        # (the default pool has only min(32, CPUs + 4) threads).
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT + 8))
        await upgrade(settings.database_url)
        # The catalogue with whatever OpenActive imports have stored.
        catalogue = await load_catalogue(services.db, settings.content_dir, strict=False)
        services.engine.use_places(RankingIndex(catalogue.all()))
        # The safety screen takes a few seconds to build (spaCy and its patterns; the second
        # reader is loaded from CACHE_DIR, or trained there the first time): build it now,
        # so the first person to write is not kept waiting.
        started = time.monotonic()
        await asyncio.to_thread(services.engine.language, None)
        log.info("safety screen ready in %.1f s", time.monotonic() - started)
        if services.db.is_sqlite:
            # One worker only on SQLite: anything claimed before a restart was ours.
            await services.dispatcher.recover_abandoned(older_than=timedelta(0))
        else:
            # Several workers: a lease before any claim (others see this one is alive);
            # then what dead workers left (any age if they held a lease) is put back.
            await services.dispatcher.take_lease()
            await services.dispatcher.recover_abandoned()
        if telegram is not None:
            await telegram.start()
        loop.start()
        # Jobs are code; their state lives in our tables, so a restart loses nothing.
        scheduler.add_job(_until_shutdown(hand_over_due), "interval", seconds=DUE_INTERVAL_SECONDS,
                          args=[services], id="due", max_instances=1, coalesce=True)
        scheduler.add_job(_until_shutdown(plan_encouragement), "interval",
                          seconds=PLAN_INTERVAL_SECONDS, args=[services], id="plan",
                          max_instances=1, coalesce=True,
                          next_run_time=datetime.now(UTC))
        scheduler.add_job(_until_shutdown(tidy_up), "interval", seconds=TIDY_INTERVAL_SECONDS,
                          args=[services],
                          id="tidy", max_instances=1, coalesce=True)
        scheduler.start()
        log_startup(settings)
        try:
            yield
        finally:
            scheduler.shutdown(wait=False)
            if telegram is not None:
                await telegram.stop()
            await loop.stop()
            await services.dispatcher.end_lease()  # after the lanes put back their claims
            await services.close()

    return create_app(services.db, describe_channels(settings), routes=routes, lifespan=lifespan)


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> int:
    logs.configure(settings.log_level)
    if host:
        settings.host = host
    if port:
        settings.port = port
    app = make_asgi_app(settings)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_config=None,
                            access_log=False)
    asyncio.run(uvicorn.Server(config).serve())
    return 0
