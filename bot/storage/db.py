"""Database engines and sessions: SQLite by default, PostgreSQL for several workers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

DEFAULT_SQLITE_PATH = Path("data/movemates.db")
T = TypeVar("T")
# How long SQLite waits for another connection's write lock before giving up.
BUSY_SECONDS = 30.0
# Set while work only reads (`Database.read`, `Database.reading`): on SQLite its
# transactions begin DEFERRED, so they never wait for the write lock (WAL lets readers
# through while another process writes).
_reading: ContextVar[bool] = ContextVar("movemates_db_reading", default=False)

log = logging.getLogger(__name__)


def normalise_url(url: str) -> str:
    """Accept the usual spellings and pick the async driver for each database."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.drivername != "sqlite+aiosqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif backend in ("postgresql", "postgres") and parsed.drivername != "postgresql+asyncpg":
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, busy_seconds: float = BUSY_SECONDS,
                **kwargs: Any) -> AsyncEngine:
    url = normalise_url(url)
    if not is_sqlite(url):
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("pool_pre_ping", True)
        return create_async_engine(url, **kwargs)

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={"timeout": busy_seconds}, **kwargs)
    _configure_sqlite(engine.sync_engine, busy_seconds)
    return engine


def make_sqlite_sync_engine(url: str, busy_seconds: float = BUSY_SECONDS) -> Engine:
    """The same SQLite file through the plain driver, for whole transactions run in a thread
    (each statement through aiosqlite costs several thread hand-offs; here it costs none)."""
    sync_url = make_url(normalise_url(url)).set(drivername="sqlite+pysqlite")
    engine = create_engine(sync_url, connect_args={"timeout": busy_seconds,
                                                   "check_same_thread": False},
                           poolclass=StaticPool)
    _configure_sqlite(engine, busy_seconds)
    return engine


def _configure_sqlite(engine: Engine, busy_seconds: float = BUSY_SECONDS) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        cursor.execute("PRAGMA cache_size=-32768")  # 32 MiB: big waves touch many index pages
        # Deleted rows are overwritten with zeros, not left in free pages: erasure means it.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: a read that later writes cannot then deadlock
        # with another connection doing the same. Work that only reads takes none.
        connection.exec_driver_sql("BEGIN" if _reading.get() else "BEGIN IMMEDIATE")


class Database:
    """One engine and its session factory, shared by the whole service."""

    def __init__(self, url: str, *, busy_seconds: float = BUSY_SECONDS,
                 **engine_kwargs: Any) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, busy_seconds=busy_seconds, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time; queueing here is far cheaper than many
        # connections spinning on the file lock.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self._sync_engine = make_sqlite_sync_engine(self.url, busy_seconds) \
            if self.is_sqlite else None

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Run `work(connection)` as one transaction: committed if it returns, rolled back if
        it raises. `work` is plain synchronous code, so a whole event costs one thread
        hand-off on SQLite and no ORM bookkeeping anywhere."""
        if self._sync_engine is None:
            async with self.engine.begin() as connection:
                return await connection.run_sync(work)
        assert self._write_lock is not None
        async with self._write_lock:
            return await asyncio.to_thread(self._run_sync, work)

    async def read(self, work: Callable[[Connection], T]) -> T:
        """As `run`, for `work` that only reads. On SQLite it takes no write lock and does
        not queue behind this process's writers: it runs on a connection of its own, in a
        transaction begun DEFERRED, and WAL lets it read while another process (a `chat`,
        a job waiting on the lock) holds the write lock. A write in it may fail."""
        with self.reading():
            async with self.engine.begin() as connection:
                return await connection.run_sync(work)

    @staticmethod
    @contextmanager
    def reading() -> Iterator[None]:
        """Within it, transactions this task begins on SQLite (`read`, `sessions()`) take
        no write lock: for pages that only look."""
        token = _reading.set(True)
        try:
            yield
        finally:
            _reading.reset(token)

    def _run_sync(self, work: Callable[[Connection], T]) -> T:
        assert self._sync_engine is not None
        with self._sync_engine.begin() as connection:
            return work(connection)

    async def checkpoint(self) -> None:
        """SQLite: copy the write-ahead log into the database file and empty it, so words
        just erased (secure_delete zeroes them in the file) are not left in the log.
        PostgreSQL keeps old row versions until VACUUM (docs/privacy: the operator runs it)."""
        if self._sync_engine is None:
            return
        assert self._write_lock is not None
        async with self._write_lock:
            await asyncio.to_thread(self._checkpoint_sync)

    def _checkpoint_sync(self) -> None:
        assert self._sync_engine is not None
        raw = self._sync_engine.raw_connection()
        try:
            busy, _, _ = raw.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            raw.close()
        if busy:
            # A reader held the log open; the next checkpoint (SQLite's own, or the next
            # erasure's) copies and empties it.
            log.warning("write-ahead log not emptied after an erasure: a reader was busy")

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits together at the end, or not at all."""
        if self._write_lock is None:
            async with self.sessions() as session, session.begin():
                yield session
            return
        async with self._write_lock, self.sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._sync_engine is not None:
            self._sync_engine.dispose()
