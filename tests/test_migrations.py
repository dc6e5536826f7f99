"""Migrations apply cleanly from nothing, on every backend, and can be undone."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from bot.all_tables import Base
from bot.storage.db import make_engine
from bot.storage.migrate import alembic_config, pending_differences, upgrade


async def test_fresh_sqlite_database_migrates_to_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    await upgrade(url)
    assert await pending_differences(url, Base.metadata) == []
    await upgrade(url)  # a second run changes nothing and does not fail


async def test_downgrade_to_nothing_and_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    await upgrade(url)
    engine = make_engine(url)
    async with engine.begin() as connection:

        def down(sync_connection: object) -> None:
            config = alembic_config(url)
            config.attributes["connection"] = sync_connection
            command.downgrade(config, "base")

        await connection.run_sync(down)
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
    await engine.dispose()
    assert set(tables) <= {"alembic_version"}
    await upgrade(url)
    assert await pending_differences(url, Base.metadata) == []


def test_every_model_table_is_created_by_a_migration() -> None:
    source = "\n".join(p.read_text() for p in (
        Path(__file__).resolve().parents[1] / "bot/storage/migrations/versions").glob("*.py"))
    for table in Base.metadata.tables:
        assert f"'{table}'" in source or f'"{table}"' in source, table


async def test_0010_takes_addresses_out_of_keys_and_hashes_kept_ids(tmp_path: Path) -> None:
    from sqlalchemy import text

    from bot.storage.repository import seen_key
    url = f"sqlite:///{tmp_path / 'upgrade.db'}"
    engine = make_engine(url)

    def to(revision: str):  # type: ignore[no-untyped-def]
        def run(sync_connection: object) -> None:
            config = alembic_config(url)
            config.attributes["connection"] = sync_connection
            command.upgrade(config, revision)
        return run

    async with engine.begin() as connection:
        await connection.run_sync(to("0009"))
        await connection.execute(text(
            "INSERT INTO outbox (person_id, channel, address, kind, priority, payload, "
            "idempotency_key, due_at, status, attempts, parts_sent, bypass_suppression, "
            "created_at, updated_at) VALUES (NULL, 'sms', '', 'erasure', 0, '{}', "
            "'in:sms:+447700900123:SM1:0', '2026-01-01', 'sent', 1, 1, 1, '2026-01-01', "
            "'2026-01-01')"))
        await connection.execute(text(
            "INSERT INTO inbound_seen (channel, external_id, received_at) "
            "VALUES ('sms', 'SM' || 'abc', '2026-01-01')"))
        await connection.run_sync(to("head"))
        keys = (await connection.execute(text("SELECT idempotency_key FROM outbox"))).scalars()
        seen = (await connection.execute(text("SELECT external_id FROM inbound_seen"))).scalars()
        made = (await connection.execute(text(
            "SELECT count(*) FROM app_keys WHERE name = 'id_hash'"))).scalar()
        assert ["7700900123" in k for k in keys] == [False]
        assert list(seen) == [seen_key("SMabc")]
        assert made == 1
    await engine.dispose()


async def test_0013_adds_staff_and_keeps_what_was_there(tmp_path: Path) -> None:
    """The staff console's migration: existing audit rows and alerts are kept, with no
    staff actor; the console gets its own key; going back to 0012 leaves no staff table."""
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'staff.db'}"
    engine = make_engine(url)

    def to(revision: str, down: bool = False):  # type: ignore[no-untyped-def]
        def run(sync_connection: object) -> None:
            config = alembic_config(url)
            config.attributes["connection"] = sync_connection
            (command.downgrade if down else command.upgrade)(config, revision)
        return run

    async with engine.begin() as connection:
        await connection.run_sync(to("0012"))
        await connection.execute(text(
            "INSERT INTO audit_log (at, actor_id, action, target) "
            "VALUES ('2026-01-01', 7, 'safety_alert_ok', 'alert:1')"))
        await connection.execute(text(
            "INSERT INTO safety_alerts (category, topic, channel, text, status, created_at, "
            "notified, notes) VALUES ('crisis', 'crisis', 'sms', 'words', 'open', "
            "'2026-01-01', 0, '{}')"))
        await connection.run_sync(to("0013"))
        audit = (await connection.execute(text(
            "SELECT actor_id, actor_staff_id FROM audit_log"))).all()
        alert = (await connection.execute(text(
            "SELECT acknowledged_by_staff, closed_by_staff, text FROM safety_alerts"))).one()
        key = (await connection.execute(text(
            "SELECT value FROM app_keys WHERE name = 'console'"))).scalar()
        assert audit == [(7, None)] and tuple(alert) == (None, None, "words")
        assert key is not None and len(bytes.fromhex(key)) == 32
        await connection.run_sync(to("0012", down=True))
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        columns = await connection.run_sync(
            lambda c: [col["name"] for col in inspect(c).get_columns("audit_log")])
        kept = (await connection.execute(text("SELECT count(*) FROM audit_log"))).scalar()
    await engine.dispose()
    assert not [t for t in tables if t.startswith("staff_")]
    assert "actor_staff_id" not in columns and kept == 1


async def test_every_backend_matches_the_models(db_url: str) -> None:
    """SQLite and, with TEST_DATABASE_URL, PostgreSQL: the migrated database (staff tables
    included) is what the models describe."""
    assert await pending_differences(db_url, Base.metadata) == []
