"""Apply and check Alembic migrations from code (the CLI, tests and `make run` use this)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from bot.storage.db import make_engine, normalise_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


async def upgrade(url: str, revision: str = "head") -> None:
    config = alembic_config(url)
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:

            def _upgrade(sync_connection: Connection) -> None:
                config.attributes["connection"] = sync_connection
                command.upgrade(config, revision)

            await connection.run_sync(_upgrade)
    finally:
        await engine.dispose()


async def pending_differences(url: str, metadata: MetaData) -> list[object]:
    """What the tables in `metadata` (every table: `bot.all_tables.Base.metadata`) have
    that the migrated database lacks; empty when they agree."""
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:

            def _compare(sync_connection: Connection) -> list[object]:
                context = MigrationContext.configure(
                    sync_connection, opts={"compare_type": True}
                )
                return list(compare_metadata(context, metadata))

            return await connection.run_sync(_compare)
    finally:
        await engine.dispose()
