"""Shared fixtures: every storage-touching test runs on SQLite and, when TEST_DATABASE_URL
points at a PostgreSQL server, on PostgreSQL too (in a database of its own)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.all_tables import Base
from bot.config import Settings
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from support.twilio_stub import TwilioStub, running_twilio

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

def run_blocking(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine to completion even when called from inside a running event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    run_blocking(upgrade(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session, dropped afterwards."""
    admin_url = os.environ["TEST_DATABASE_URL"]
    name = f"movemates_test_{os.getpid()}"

    async def admin(statement: str) -> None:
        engine = make_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(statement))
        await engine.dispose()

    run_blocking(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    run_blocking(admin(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    run_blocking(upgrade(url))
    yield url
    run_blocking(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated, empty database URL: SQLite, then PostgreSQL when available."""
    if request.param == "sqlite":
        path = tmp_path / "movemates.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        await _truncate(url)
        yield url


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
async def stub() -> AsyncIterator[TwilioStub]:
    """Twilio's REST API, emulated: every call the twilio library makes is checked against
    Twilio's published description, and a test fails on any that breaks it."""
    async with running_twilio(TwilioStub()) as running:
        yield running
    assert running.violations == [], running.violations
