"""After "delete my data", nothing that identifies the person is left anywhere: not in any
table, and (on SQLite) not in the database file or its write-ahead log."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, MetaData, select

from bot.config import Settings
from bot.core.events import Address
from support.engine import ONBOARDING, running, say
from support.peers import peer_world

ANN = Address("sms", "+447700900123")
TRACES = ("7700900123", "Margaret", "Walk to the shops")


def dump(connection: Connection) -> str:
    """Every row of every table, as text."""
    meta = MetaData()
    meta.reflect(connection)
    return "\n".join(f"{table.name}: {row!r}" for table in meta.sorted_tables
                     for row in connection.execute(select(table)))


def assert_no_trace(everything: str, url: str, traces: tuple[str, ...]) -> None:
    for trace in traces:
        found = [f"{line.split(':', 1)[0]}: ...{line[max(0, at - 150):at + 60]}..."
                 for line in everything.splitlines() if (at := line.find(trace)) >= 0]
        assert not found, (trace, found)
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for file in (path, path.with_name(path.name + "-wal")):
            if file.exists():
                raw = file.read_bytes()
                for trace in traces:
                    assert trace.encode() not in raw, (file.name, trace)


async def test_nothing_identifying_is_left_in_any_table_or_file(settings: Settings) -> None:
    async with running(settings) as (services, _):
        await say(services, ANN, *ONBOARDING, "delete my data", "yes")
        await services.dispatcher.drain()
        everything = await services.db.run(dump)
    assert_no_trace(everything, settings.database_url, TRACES)


async def test_after_a_peer_chat_their_name_is_gone_from_the_supporters_messages(
        settings: Settings) -> None:
    """Found by a newcomer's break-test: "You're now connected with Quillenby", sent to the
    supporter, kept the erased resident's name."""
    resident, supporter = Address("sms", "+447700900333"), Address("telegram", "6007771")
    async with peer_world(settings) as w:
        await w.supporter(supporter, "Bevington")
        await w.resident(resident, "Quillenby")
        await w.asks_for_buddy(resident)
        await w.connected(resident, supporter)
        await w.says(resident, "Fancy the canal walk on Saturday, Bevington?")
        await w.says(supporter, "Lovely idea Quillenby, see you at ten")
        await w.says(resident, "delete my data")
        await w.says(resident, "yes")
        await w.delivered()
        everything = await w.db(dump)
    assert "Bevington" in everything  # the supporter is still here: the scan can see
    assert_no_trace(everything, settings.database_url,
                    ("7700900333", "Quillenby", "canal walk on Saturday"))
