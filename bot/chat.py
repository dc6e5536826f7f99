"""Wiring for `movemates chat` and transcript tests: the real engine, storage and
dispatcher, with senders that print instead of calling a network."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from bot.app import build
from bot.channels.addresses import CHANNELS, parse_address
from bot.channels.console import DEFAULT_USERS, ChatSession, PrintingSender
from bot.config import Settings
from bot.core.clock import Clock, FakeClock, SystemClock
from bot.jobs import advance_to
from bot.peers import service as peer_service
from bot.places.catalogue import load_catalogue
from bot.places.ranking import RankingIndex
from bot.storage.migrate import upgrade


@asynccontextmanager
async def open_chat(settings: Settings, *, channel: str = "console", user: str | None = None,
                    jsonl: bool = False, fake_clock: bool = False,
                    start: datetime | None = None, migrate: bool = True,
                    show_times: bool = False,
                    on_output: Callable[[list[str]], None] | None = None,
                    ) -> AsyncIterator[ChatSession]:
    """A chat on the real engine and storage. `on_output` gets each message's lines the
    moment it is sent (the terminal prints them then); `feed` also returns a turn's lines."""
    clock: Clock = FakeClock(start) if fake_clock else SystemClock()
    if migrate:
        await upgrade(settings.database_url)
    session_holder: list[ChatSession] = []

    def emit(record: dict[str, object]) -> None:
        session_holder[0].collect(record)

    services = build(settings, clock=clock, paced=False)
    for name in CHANNELS:
        services.dispatcher.senders[name] = PrintingSender(
            name, services.content, clock, emit, settings.sms_allow_unicode)
    default = parse_address(user or DEFAULT_USERS[channel], channel)

    async def time_passed(delta: timedelta) -> None:
        await advance_to(services, clock.now() + delta)

    async def invite(role: str, code: str) -> None:
        now = clock.now()
        await services.db.run(lambda c: peer_service.create_invite(c, role, now, code=code))

    # The catalogue as the service sees it: YAML plus any OpenActive imports.
    catalogue = await load_catalogue(services.db, settings.content_dir, strict=False)
    services.engine.use_places(RankingIndex(catalogue.all()))

    session = ChatSession(
        handle=lambda address, event: services.engine.handle(address, event),
        drain=services.dispatcher.drain,
        clock=clock,
        default=default,
        jsonl=jsonl,
        on_time_passed=time_passed,
        show_times=show_times,
        on_invite=invite,
        on_output=on_output,
    )
    session_holder.append(session)
    try:
        yield session
    finally:
        await services.close()
