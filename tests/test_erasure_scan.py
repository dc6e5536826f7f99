"""After "delete my data", nothing that identifies the person is left anywhere: not in any
table, and (on SQLite) not in the database file or its write-ahead log."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, select

from bot.config import Settings
from bot.core.events import Address
from support.engine import ONBOARDING, running, say

ANN = Address("sms", "+447700900123")
TRACES = ("7700900123", "Margaret", "Walk to the shops")


async def test_nothing_identifying_is_left_in_any_table_or_file(settings: Settings) -> None:
    async with running(settings) as (services, _):
        await say(services, ANN, *ONBOARDING, "delete my data", "yes")
        await services.dispatcher.drain()

        def dump(connection) -> str:  # type: ignore[no-untyped-def]
            meta = MetaData()
            meta.reflect(connection)
            return "\n".join(repr(row) for table in meta.sorted_tables
                             for row in connection.execute(select(table)))

        everything = await services.db.run(dump)
        url = settings.database_url
    for trace in TRACES:
        assert trace not in everything, trace
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for file in (path, path.with_name(path.name + "-wal")):
            if file.exists():
                raw = file.read_bytes()
                for trace in TRACES:
                    assert trace.encode() not in raw, (file.name, trace)
