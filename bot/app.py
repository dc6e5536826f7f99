"""Builds and wires the parts. The only module that knows them all."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.config import Settings
from bot.dispatch.outbox import Dispatcher, Sender
from bot.engine.clock import Clock, SystemClock
from bot.engine.content import ContentLibrary, library
from bot.engine.runner import Engine
from bot.geo.districts import default_table
from bot.storage.db import Database
from conversations import registry


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    content: ContentLibrary
    engine: Engine
    dispatcher: Dispatcher
    senders: dict[str, Sender] = field(default_factory=dict)

    async def close(self) -> None:
        await self.db.dispose()


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def build(settings: Settings, *, clock: Clock | None = None,
          senders: Mapping[str, Sender] | None = None) -> Services:
    clock = clock or SystemClock()
    db = Database(settings.database_url)
    content = library(settings.content_dir)
    engine = Engine(db, clock, content, registry(), geo=default_table())
    dispatcher = Dispatcher(db, clock, senders or {},
                            worker_id=settings.worker_id or default_worker_id())
    return Services(settings, db, clock, content, engine, dispatcher, dict(senders or {}))
