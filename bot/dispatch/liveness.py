"""Which dispatching workers are alive (PostgreSQL): each holds a lease for its life, so the
rows a dead one claimed are put back within seconds, and a live one's never are.

A lease is a session-level advisory lock (`pg_try_advisory_lock`) held on a connection of
its own: not a pooled one, which would be handed to other work (and reset) when returned.
The lock ends with its session, so with the process: kill -9 closes the socket and the
server ends the session at once; a host that vanishes is noticed by the server's TCP
keepalives, set on this connection to about 25 s. Anyone can ask whether a worker is alive
by trying its lock (`pg_try_advisory_xact_lock`, released when that transaction ends):
taken means nobody holds it.

Rows are claimed under the lease's name, `<worker id>~lease-<12 hex>`: new at each start,
so a worker restarted under the same WORKER_ID (a container's host name and pid 1) is not
taken for its dead predecessor, and a name without the mark (older versions, which take no
lock) is recognised and left to the age rule (`ABANDONED_AFTER`, bot/dispatch/outbox.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets

from sqlalchemy import BigInteger, bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

# What marks a claimer's name as a lease's (no LIKE wildcards in it: `%` or `_`).
LEASE_MARK = "~lease-"
_TOKEN_HEX = 12
_NAME_LENGTH = 64  # outbox.claimed_by is String(64)
# The server notices a vanished client after about idle + interval * count seconds.
_KEEPALIVES = {"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5",
               "tcp_keepalives_count": "3"}
# A lease that does not answer in this long is taken as lost.
CHECK_TIMEOUT_SECONDS = 5.0
_TRY_LOCK = text("SELECT pg_try_advisory_lock(:key)").bindparams(
    bindparam("key", type_=BigInteger))
TRY_XACT_LOCK = text("SELECT pg_try_advisory_xact_lock(:key)").bindparams(
    bindparam("key", type_=BigInteger))


def lease_name(worker_id: str, token: str | None = None) -> str:
    """A claimer's name for this start of `worker_id`: at most 64 characters, the id cut
    short if need be (the token keeps names apart)."""
    token = token or secrets.token_hex(_TOKEN_HEX // 2)
    return f"{worker_id[:_NAME_LENGTH - len(LEASE_MARK) - len(token)]}{LEASE_MARK}{token}"


def is_lease_name(name: str | None) -> bool:
    """Whether rows claimed under `name` are guarded by a lease (else: the age rule)."""
    return name is not None and LEASE_MARK in name


def lock_key(name: str) -> int:
    """The advisory lock key of a lease name: a signed 64-bit integer, the same in every
    process and Python version (not `hash()`, which is salted per process)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8, person=b"movemates-lease").digest()
    return int.from_bytes(digest, "big", signed=True)


class Lease:
    """One worker's lease: `take()` before claiming anything under `name`, `check()` now and
    then (a lost connection means others may recover what was claimed under it), `end()`
    when the worker stops. `database_url` is a PostgreSQL URL (asyncpg driver)."""

    def __init__(self, database_url: str, worker_id: str) -> None:
        self.database_url = database_url
        self.worker_id = worker_id
        self.name = ""
        self._engine: AsyncEngine | None = None
        self._connection: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        """Whether the lock was taken and not yet known to be lost."""
        return self._connection is not None

    async def take(self, attempts: int = 3) -> str:
        """Open the lease's own connection and take the lock under a new name; returns the
        name. Raises the driver's error if the database can't be reached, RuntimeError if
        the lock stays taken (a name's key in use: practically never)."""
        await self.end()
        # No pool: closing the connection closes the session, and with it the lock.
        # Autocommit: no transaction left open for the worker's whole life.
        self._engine = create_async_engine(
            self.database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
            connect_args={"server_settings": {**_KEEPALIVES,
                                              "application_name": "movemates dispatch lease"}})
        connection: AsyncConnection | None = None
        try:
            connection = await self._engine.connect()
            for _ in range(attempts):
                name = lease_name(self.worker_id)
                if await connection.scalar(_TRY_LOCK, {"key": lock_key(name)}):
                    # Held only from here on: nothing is claimed under a name before.
                    self.name, self._connection = name, connection
                    return name
            raise RuntimeError("no free lease lock")
        except BaseException:
            self._connection = connection  # for _dispose to close
            await self._dispose()
            raise

    async def check(self) -> bool:
        """Whether the lease still holds: its session answers (a session lock lasts as long
        as the session). When it does not, the lease is dropped (`held` turns false)."""
        if self._connection is None:
            return False
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                await self._connection.scalar(text("SELECT 1"))
            return True
        except Exception:  # the connection is gone, or the server does not answer
            log.exception("dispatch lease %s lost", self.name)
            await self._dispose()
            return False

    async def end(self) -> None:
        """Let the lock go (closing the session ends it); nothing claimed under the name
        should be left (the service stops its lanes first)."""
        await self._dispose()

    async def _dispose(self) -> None:
        connection, engine = self._connection, self._engine
        self._connection = self._engine = None
        if connection is not None:
            try:
                await asyncio.wait_for(connection.close(), CHECK_TIMEOUT_SECONDS)
            except Exception:  # already broken: the session is gone or going
                log.debug("closing the dispatch lease", exc_info=True)
        if engine is not None:
            await engine.dispose()
