"""A scratch database for one benchmark run, so a run never leaves rows behind or finds
another run's: a temporary SQLite file by default, or a fresh database on the PostgreSQL
server named by --database-url, dropped afterwards."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import make_url, text

from bot.storage.db import make_engine


@contextmanager
def scratch_database(server_url: str | None, label: str) -> Iterator[str]:
    if server_url is None or server_url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/{label}.db"
        return
    name = f"movemates_bench_{label}_{os.getpid()}"

    async def admin(statement: str) -> None:
        engine = make_engine(server_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(statement))
        await engine.dispose()

    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
