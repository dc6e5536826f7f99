"""`shared.Kept`, what a console form's POST leaves for the page its redirect leads to, kept
in the database on SQLite and PostgreSQL: per session (not another, nor a later one with the
same row id), once (`take`, even raced by two workers) or often (`read`), by kind, for the
idle limit, a few per session, gone with the session, sealed (the table holds neither the
handle nor the value); and through two app instances on one database, as `serve` runs with
several workers: the invite code made on one is shown once by the other."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, func, select
from test_console_http import Browser, Console, text_of

from bot.config import Settings
from bot.console.broadcast_form import Values
from bot.console.shared import Kept
from bot.console.volunteers import NewCode
from bot.core.clock import FakeClock
from bot.jobs import tidy_up
from bot.peers.models import Invite
from bot.serve import make_asgi_app
from bot.staff import accounts, sessions
from bot.staff.kept import forget_expired
from bot.staff.models import StaffKept, StaffSession
from bot.staff.sessions import IDLE, SIGNED_IN, Session
from bot.storage.db import Database
from bot.storage.models import AuditEntry
from support.engine import START, running
from support.peers import PeerWorld

CODE = re.compile(r"valid for (\d+) days: ([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})")


@dataclass(frozen=True)
class Nested:
    """Every shape a kept value may take."""

    when: datetime
    values: Values
    maybe: datetime | None
    numbers: tuple[int, ...]
    ratio: float


@asynccontextmanager
async def database(db_url: str) -> AsyncIterator[Database]:
    db = Database(db_url)
    try:
        yield db
    finally:
        await db.dispose()


async def signed_in(db: Database, clock: FakeClock, email: str) -> Session:
    """A real session row (the kept values refer to it), as the console loads it."""
    now = clock.now()

    def start(connection: Connection) -> Session:
        account = accounts.find(connection, email) or accounts.add(
            connection, email, email.split("@")[0].title(), "coordinator", now)
        token = sessions.start(connection, account.id, SIGNED_IN, now)
        session = sessions.load(connection, token, now)
        assert session is not None
        return session

    return await db.run(start)


async def rows(db: Database) -> list[Any]:
    return list(await db.run(lambda c: c.execute(select(StaffKept)).all()))


async def test_kept_values_are_per_session_once_or_often_and_expire(db_url: str) -> None:
    clock = FakeClock(START)
    async with database(db_url) as db:
        kept = Kept(db, clock)
        lee = await signed_in(db, clock, "lee@example.org")
        kim = await signed_in(db, clock, "kim@example.org")
        code = NewCode("ABCD-EF01-2345", "supporter", 14, START + timedelta(days=14))
        handle = await kept.keep(lee, code)
        assert len(handle) == 22 and "ABCD" not in handle
        # Only this session: not another, nor a later one given the same row id (its
        # anti-forgery token differs), and a wrong handle opens nothing.
        lee_later = replace(lee, csrf_token="c" * 43)
        for other in (kim, lee_later):
            assert await kept.read(other, handle, NewCode) is None
            assert await kept.take(other, handle, NewCode) is None
        for wrong in (None, "", "nope", handle[:-1], "é" * 22, handle + "x" * 60):
            assert await kept.read(lee, wrong, NewCode) is None
        assert await kept.read(lee, handle, str) is None  # found by its kind too
        assert await kept.read(lee, handle, NewCode) == code
        assert await kept.read(lee, handle, NewCode) == code  # as often as asked
        assert await kept.take(lee, handle, NewCode) == code
        assert await kept.take(lee, handle, NewCode) is None
        assert await kept.read(lee, handle, NewCode) is None
        assert await rows(db) == []
        # Gone once the session could have gone idle.
        handle = await kept.keep(lee, "a draft")
        clock.advance(IDLE - timedelta(seconds=1))
        assert await kept.read(lee, handle, str) == "a draft"
        clock.advance(timedelta(seconds=1))
        assert await kept.read(lee, handle, str) is None
        assert await kept.take(lee, handle, str) is None
        # Bounded: a session keeps its newest few; the expired draft went at the first keep.
        handles = [await kept.keep(kim, str(n)) for n in range(Kept.PER_SESSION + 5)]
        assert [await kept.read(kim, h, str) for h in handles[:5]] == [None] * 5
        assert await kept.read(kim, handles[5], str) == "5"
        assert await kept.read(kim, handles[-1], str) == str(Kept.PER_SESSION + 4)
        assert len(await rows(db)) == Kept.PER_SESSION


async def test_values_come_back_as_they_went_and_nothing_else_is_kept(db_url: str) -> None:
    clock = FakeClock(START)
    async with database(db_url) as db:
        kept = Kept(db, clock)
        lee = await signed_in(db, clock, "lee@example.org")
        draft = Values("Hello ✓ from the team", "LE1 LE2", ("walking", "yoga"), "sms",
                       "later", "2026-03-03", "10:00")
        value = Nested(START, draft, None, (1, 2, 3), 2.0)
        assert await kept.read(lee, await kept.keep(lee, value), Nested) == value
        again = await kept.read(lee, await kept.keep(lee, draft), Values)
        assert again == draft and isinstance(again.interests, tuple)
        assert await kept.read(lee, await kept.keep(lee, 7), int) == 7
        for refused in ({"a": 1}, {1, 2}, b"bytes", Values(interests=[])):  # type: ignore[arg-type]
            with pytest.raises(TypeError):
                await kept.keep(lee, refused)
        with pytest.raises(ValueError, match="more than"):
            await kept.keep(lee, "x" * (Kept.MAX_BYTES + 1))
        assert len(await rows(db)) == 3


async def test_the_table_holds_neither_the_handle_nor_the_value(db_url: str) -> None:
    clock = FakeClock(START)
    async with database(db_url) as db:
        kept = Kept(db, clock)
        lee = await signed_in(db, clock, "lee@example.org")
        handle = await kept.keep(lee, NewCode("ABCD-EF01-2345", "supporter", 14, START))
        [row] = await rows(db)
        stored = repr(tuple(row)).encode() + bytes(row.sealed)
        for secret in (b"ABCD", b"EF01", b"2345", b"supporter", handle.encode()):
            assert secret not in stored
        assert row.expires_at == START + IDLE


async def test_a_take_is_once_even_raced_by_two_workers(db_url: str) -> None:
    clock = FakeClock(START)
    async with database(db_url) as one, database(db_url) as two:
        lee = await signed_in(one, clock, "lee@example.org")
        for _ in range(5):
            handle = await Kept(one, clock).keep(lee, "the code")
            got = await asyncio.gather(Kept(one, clock).take(lee, handle, str),
                                       Kept(two, clock).take(lee, handle, str))
            assert sorted(got, key=str) == [None, "the code"]


async def test_values_go_with_their_session_and_with_the_tidy_job(settings: Settings) -> None:
    clock = FakeClock(START)
    async with running(settings, clock) as (services, _senders):
        db = services.db
        kept = Kept(db, clock)
        lee = await signed_in(db, clock, "lee@example.org")
        kim = await signed_in(db, clock, "kim@example.org")
        await kept.keep(lee, "lee's")
        handle = await kept.keep(kim, "kim's")
        # Signing out (the row goes): its values go too; the other session's stay.
        await db.run(lambda c: sessions.end(c, lee.id))
        assert [r.session_id for r in await rows(db)] == [kim.id]
        # A value kept for a session that ended meanwhile is kept for nobody, not an error.
        assert len(await kept.keep(lee, "too late")) == 22
        assert [r.session_id for r in await rows(db)] == [kim.id]
        # Disabling the account ends its sessions, and so its values.
        await db.run(lambda c: accounts.disable(c, kim.account.id, clock.now()))
        assert await rows(db) == [] and await kept.read(kim, handle, str) is None
        # Past their time, the hourly tidy takes them even while the session row stays.
        sam = await signed_in(db, clock, "sam@example.org")
        await kept.keep(sam, "a draft")
        clock.advance(IDLE)
        assert await db.run(lambda c: forget_expired(c, clock.now() - timedelta(seconds=1))) == 0
        await tidy_up(services)
        assert await rows(db) == []
        assert await db.run(lambda c: c.scalar(select(func.count()).select_from(
            StaffSession).where(StaffSession.id == sam.id))) == 1


@asynccontextmanager
async def two_workers(settings: Settings) -> AsyncIterator[tuple[Console, Browser, Browser]]:
    """Two apps on one database, as `serve` runs with several workers, and Lee signed in
    on the first: (the first, Lee there, Lee's same browser sent to the second)."""
    clock = FakeClock(START)
    async with running(settings, clock) as (first, first_senders), \
            running(settings, clock) as (second, second_senders):
        base = "http://127.0.0.1:8000"
        a = Console(first, PeerWorld(first, first_senders, clock),
                    make_asgi_app(settings, first), base)
        b = Console(second, PeerWorld(second, second_senders, clock),
                    make_asgi_app(settings, second), base)
        async with a.browser() as lee, b.browser() as lee_on_b:
            await a.staff(lee, "lee@example.org", "Lee Ward")
            lee_on_b.client.cookies = lee.client.cookies  # one browser, either worker
            yield a, lee, lee_on_b


async def test_a_double_click_reaching_two_workers_makes_one_code(settings: Settings) -> None:
    """The two POSTs of one invite form, at the same moment, each on its own worker (two
    apps, two engines, one database): one code, both sent to its page. Held by the
    database (the handle's unique row), not by either process's memory."""
    async with two_workers(settings) as (a, lee, lee_on_b):
        await lee_on_b.get("/staff/")
        for round_ in range(1, 4):
            form = await lee.get("/staff/volunteers/invite")
            once = re.search(r'name="once" value="([^"]+)"', form.text)
            assert once
            data = {"role": "supporter", "days": "14", "once": once.group(1)}
            both = await asyncio.gather(
                lee.post("/staff/volunteers/invite", data),
                lee_on_b.post("/staff/volunteers/invite", data),
                lee_on_b.post("/staff/volunteers/invite", data))
            assert {r.status_code for r in both} == {303}
            # The first, and the two repeats sent where it went, saying so (`once.py`).
            places = sorted((r.headers["location"] for r in both), key=len)
            assert places == [places[0], f"{places[0]}&again=1", f"{places[0]}&again=1"], \
                places
            assert len(await a.world.rows(Invite)) == round_
            made = [r for r in await a.world.rows(AuditEntry)
                    if r["action"] == "volunteer_invite_created"]
            assert len(made) == round_
            shown = await lee_on_b.get(both[0].headers["location"])
            assert shown.status_code == 200 and CODE.search(text_of(shown))
        # Shown, the same form sent again (Back and send) makes no code either: the code's
        # page says it was shown, and that this form was done already.
        again = await lee.post("/staff/volunteers/invite", data)
        assert len(await a.world.rows(Invite)) == 3
        gone = await lee_on_b.get(again.headers["location"])
        assert gone.status_code == 410 and "already done" in text_of(gone)


async def test_two_workers_show_an_invite_code_once(settings: Settings) -> None:
    """As `serve` runs with DISPATCH_WORKERS on PostgreSQL: the redirect after a POST may
    be served by another worker, which finds what the first kept."""
    async with two_workers(settings) as (a, lee, lee_on_b):
        assert (await lee_on_b.get("/staff/")).status_code == 200
        for days, shown_on, again_on in (("14", lee_on_b, lee), ("7", lee, lee_on_b)):
            posted = await lee.post("/staff/volunteers/invite",
                                    {"role": "supporter", "days": days})
            assert posted.status_code == 303
            shown_at = posted.headers["location"]
            shown = await shown_on.get(shown_at)
            found = CODE.search(text_of(shown))
            assert shown.status_code == 200 and found and found.group(1) == days
            assert (await again_on.get(shown_at)).status_code == 410
            assert (await shown_on.get(shown_at)).status_code == 410
        # Both workers asked at once: one shows the code, the other says it is gone.
        for _ in range(3):
            posted = await lee_on_b.post("/staff/volunteers/invite",
                                         {"role": "supporter", "days": "14"})
            shown_at = posted.headers["location"]
            both = await asyncio.gather(lee.get(shown_at), lee_on_b.get(shown_at))
            assert sorted(r.status_code for r in both) == [200, 410]
            assert sum(bool(CODE.search(text_of(r))) for r in both) == 1
        # Signed out on one worker: what it kept on the other goes too.
        await lee.post("/staff/volunteers/invite", {"role": "supporter", "days": "14"})
        assert len(await a.world.rows(StaffKept)) == 1
        assert (await lee_on_b.post("/staff/sign-out")).status_code == 303
        assert await a.world.rows(StaffKept) == []
