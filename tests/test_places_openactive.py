"""Importing OpenActive RPDE feeds from a real local HTTP server into the database, on
SQLite and (with TEST_DATABASE_URL) PostgreSQL; then loading them with the catalogue."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.places.assemble import DATES_VARY
from bot.places.catalogue import load_catalogue
from bot.places.models import OpenActiveFeed, OpenActiveItem
from bot.places.openactive import ImportReport, import_feed
from bot.places.rpde import Politeness
from bot.places.schema import Slot
from bot.storage.db import Database
from support.rpde_server import (
    CC_BY,
    RpdeServer,
    facility_use,
    running_rpde_server,
    scheduled_session,
    session_series,
    slot,
)

FAST = Politeness(page_delay=0, timeout=5, max_retries=2)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
SERIES = "/feeds/session-series"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    yield database
    await database.dispose()


@pytest.fixture
def rpde() -> Iterator[RpdeServer]:
    with running_rpde_server() as server:
        yield server


async def run(db: Database, rpde: RpdeServer, path: str = SERIES, **options: object,
              ) -> ImportReport:
    options.setdefault("politeness", FAST)
    return await import_feed(db, rpde.url(path), **options)  # type: ignore[arg-type]


async def stored(db: Database) -> dict[str, OpenActiveItem]:
    async with db.transaction() as session:
        rows = (await session.execute(select(OpenActiveItem))).scalars().all()
    return {row.item_id: row for row in rows}


async def feed_row(db: Database) -> OpenActiveFeed:
    async with db.transaction() as session:
        return (await session.execute(select(OpenActiveFeed))).scalar_one()


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def five_series(rpde: RpdeServer, **options: object):
    feed = rpde.add_feed(SERIES, "SessionSeries", **options)
    for number, (name, activity) in enumerate([
            ("Health Walk", "Walking"), ("Walking Football", "Walking Football"),
            ("Chair Yoga", "Chair Yoga"), ("Aqua Fit", "Aqua Aerobics"),
            ("Tea Dance", "Ballroom Dancing")], start=1):
        # Two items share a timestamp, so paging by afterId is exercised too.
        feed.upsert(str(number), session_series(number, name, [activity]),
                    same_time=number == 3)
    return feed


async def test_import_follows_every_page_and_records_the_licence(db: Database,
                                                                  rpde: RpdeServer) -> None:
    five_series(rpde)
    report = await run(db, rpde)
    assert report.ok and report.reached_end, report.summary()
    assert (report.pages, report.updated, report.deleted, sum(report.skipped.values())) == \
        (4, 5, 0, 0)  # pages of 2, 2 and 1 items, then the empty last page
    assert report.licence == CC_BY
    items = await stored(db)
    assert sorted(items) == ["1", "2", "3", "4", "5"]
    assert items["2"].data_type == "SessionSeries" and items["2"].kind == "SessionSeries"
    assert items["2"].fields["activities"] == ["team"] and items["2"].licence == CC_BY
    feed = await feed_row(db)
    assert feed.licence == CC_BY and feed.last_error is None
    assert feed.last_success_at is not None
    # The last page's own URL is kept: RPDE consumers poll it for changes.
    assert feed.next_url == rpde.url(rpde.paths()[-1])
    assert "afterTimestamp" in feed.next_url and "afterId=5" in feed.next_url
    assert all(r.user_agent and r.user_agent.startswith("MoveMates/") for r in rpde.requests)
    assert "page(s), 5 updated, 0 deleted, 0 skipped; up to date" in report.summary()


async def test_a_later_import_resumes_and_applies_only_the_changes(db: Database,
                                                                   rpde: RpdeServer) -> None:
    feed = five_series(rpde)
    await run(db, rpde)
    stored_url = (await feed_row(db)).next_url
    feed.upsert("2", session_series(2, "Walking Football (over 50s)", ["Walking Football"]))
    feed.delete("4")
    feed.upsert("6", session_series(6, "Tai Chi", ["Tai Chi"]))
    feed.delete("99")  # never seen: nothing to remove
    before = len(rpde.requests)
    report = await run(db, rpde)
    assert rpde.url(rpde.paths()[before]) == stored_url  # resumed, not from the start
    assert (report.updated, report.deleted, report.pages) == (2, 1, 3)
    items = await stored(db)
    assert sorted(items) == ["1", "2", "3", "5", "6"]
    assert items["2"].fields["name"] == "Walking Football (over 50s)"

    # Nothing new: one request, to the stored last page, and nothing changes.
    before = len(rpde.requests)
    quiet = await run(db, rpde)
    assert (quiet.pages, quiet.updated, quiet.deleted) == (1, 0, 0)
    assert len(rpde.requests) == before + 1

    # --restart reads everything again from the base URL.
    again = await run(db, rpde, restart=True)
    assert again.ok and again.updated == 5 and rpde.paths()[-again.pages] == SERIES


async def test_malformed_items_are_skipped_and_counted(db: Database,
                                                       rpde: RpdeServer) -> None:
    feed = rpde.add_feed(SERIES, "SessionSeries", page_size=3)
    feed.upsert("1", session_series(1, "Health Walk", ["Walking"]))
    feed.add_raw("a", {"state": "updated", "kind": "SessionSeries", "modified": 1,
                       "data": session_series(2, "No id", ["Walking"])})
    feed.add_raw("b", {"state": "changed", "kind": "SessionSeries", "id": "b", "modified": 2})
    feed.add_raw("c", {"state": "updated", "kind": "SessionSeries", "id": "c", "modified": 3})
    feed.add_raw("d", {"state": "updated", "kind": "Event", "id": "d", "modified": 4,
                       "data": {"@type": "Event", "name": "A one-off"}})
    feed.add_raw("e", {"state": "updated", "kind": "SessionSeries", "id": "e", "modified": 5,
                       "data": {"@type": "SessionSeries", "activity": ["Yoga"]}})
    feed.add_raw("f", {"state": "updated", "id": "f", "data": {}})
    feed.add_raw("g", ["not", "an", "item"])  # type: ignore[arg-type]
    feed.upsert("7", session_series(7, "Chair Yoga", ["Chair Yoga"]))
    report = await run(db, rpde)
    assert report.ok and report.updated == 2
    assert report.skipped == Counter({
        "missing or bad id": 1, "state is neither updated nor deleted": 1,
        "updated item without data": 1, "unsupported type Event": 1, "no name": 1,
        "missing modified": 1, "item is not an object": 1})
    assert "7 skipped (1 item is not an object, 1 missing modified," in report.summary()
    assert sorted(await stored(db)) == ["1", "7"]


async def test_an_unusable_new_version_removes_the_old_one(db: Database,
                                                           rpde: RpdeServer) -> None:
    feed = five_series(rpde)
    await run(db, rpde)
    feed.upsert("1", {"@type": "SessionSeries", "@id": "x", "name": ""})
    report = await run(db, rpde)
    assert report.skipped == Counter({"no name": 1})
    assert "1" not in await stored(db)


async def test_an_older_copy_arriving_late_is_ignored(db: Database, rpde: RpdeServer) -> None:
    feed = five_series(rpde)
    await run(db, rpde)
    held = (await stored(db))["3"].modified
    feed.add_raw("late", {"state": "updated", "kind": "SessionSeries", "id": "3",
                          "modified": int(held) - 1,
                          "data": session_series(3, "Old name", ["Yoga"])})
    report = await run(db, rpde)
    assert report.stale == 1 and report.updated == 0
    assert (await stored(db))["3"].fields["name"] == "Chair Yoga"


async def test_a_malformed_page_fails_the_run_and_keeps_the_position(
        db: Database, rpde: RpdeServer) -> None:
    five_series(rpde)
    first = await run(db, rpde, max_pages=1)
    assert first.ok and not first.reached_end and first.pages == 1
    assert "stopped at the page limit" in first.summary()
    position = (await feed_row(db)).next_url
    rpde.break_next_page()
    broken = await run(db, rpde)
    assert not broken.ok and broken.error == "the page is not JSON"
    assert "FAILED: the page is not JSON (position kept" in broken.summary()
    feed = await feed_row(db)
    assert feed.next_url == position and feed.last_error == "the page is not JSON"
    rpde.break_next_page(b'{"items": "none", "next": "x"}')
    assert (await run(db, rpde)).error == "the page has no 'items' list"
    rpde.break_next_page(b'{"items": []}')
    assert (await run(db, rpde)).error == "the page has no 'next' URL"
    assert (await feed_row(db)).next_url == position
    fixed = await run(db, rpde)
    assert fixed.ok and fixed.updated == 3 and fixed.reached_end
    assert len(await stored(db)) == 5 and (await feed_row(db)).last_error is None


async def test_429_with_retry_after_is_waited_out_once(db: Database, rpde: RpdeServer) -> None:
    five_series(rpde)
    rpde.fail_next(429, retry_after="1")
    report = await run(db, rpde)
    assert report.ok and report.updated == 5 and report.waits == [1.0]
    first, second = rpde.requests[:2]
    assert first.path == second.path == SERIES
    assert second.at - first.at >= 0.95


async def test_a_retry_after_longer_than_we_wait_ends_the_run(db: Database,
                                                              rpde: RpdeServer) -> None:
    five_series(rpde)
    rpde.fail_next(503, retry_after="3600")
    report = await run(db, rpde)
    assert report.error == "HTTP 503: asked to wait 3600s; try again later"
    assert len(rpde.requests) == 1 and await stored(db) == {}
    rpde.fail_next(404)
    assert (await run(db, rpde)).error == "HTTP 404"


async def test_pages_are_fetched_with_a_pause_between_them(db: Database,
                                                           rpde: RpdeServer) -> None:
    five_series(rpde)
    report = await run(db, rpde, politeness=Politeness(page_delay=0.05, timeout=5))
    assert report.ok
    gaps = [b.at - a.at for a, b in zip(rpde.requests, rpde.requests[1:], strict=False)]
    assert len(gaps) == 3 and min(gaps) >= 0.045


async def test_change_number_paging(db: Database, rpde: RpdeServer) -> None:
    feed = five_series(rpde, paging="change_number", page_size=3)
    first = await run(db, rpde)
    assert first.ok and first.updated == 5 and first.pages == 3
    assert "afterChangeNumber=5" in (await feed_row(db)).next_url
    feed.delete("1")
    feed.upsert("5", session_series(5, "Tea Dance (afternoon)", ["Ballroom"]))
    second = await run(db, rpde)
    assert (second.updated, second.deleted, second.pages) == (1, 1, 2)
    assert "afterChangeNumber=7" in (await feed_row(db)).next_url
    assert sorted(await stored(db)) == ["2", "3", "4", "5"]


# --- joined into the catalogue ------------------------------------------------------------

def publish_everything(rpde: RpdeServer) -> None:
    """Four feeds, as a real publisher splits them: series, sessions, facilities, slots."""
    series = rpde.add_feed(SERIES, "SessionSeries", page_size=10)
    series.upsert("s1", session_series(1, "Health Walk", ["Walking"], eventSchedule=[
        {"@type": "PartialSchedule", "repeatFrequency": "P1W",
         "byDay": ["https://schema.org/Monday"], "startTime": "10:00", "endTime": "11:00"}],
        isAccessibleForFree=True))
    series.upsert("s2", session_series(2, "Chair Yoga", ["Chair Yoga"], offers=[
        {"@type": "Offer", "name": "Drop in", "price": 3, "priceCurrency": "GBP"}]))
    series.upsert("s3", session_series(3, "Winter Bowls", ["Bowls"]))
    sessions = rpde.add_feed("/feeds/scheduled-sessions", "ScheduledSession", page_size=10)
    s2 = "https://example.org/session-series/2"
    thursday = NOW + timedelta(days=3, hours=5)  # Thursday 14:00 UTC (and UK time)
    sessions.upsert("a", scheduled_session(1, s2, iso(thursday), iso(thursday + timedelta(
        hours=1))))
    sessions.upsert("b", scheduled_session(2, s2, iso(thursday + timedelta(days=7)),
                                           iso(thursday + timedelta(days=7, hours=1))))
    sessions.upsert("c", scheduled_session(3, s2, iso(NOW - timedelta(days=7))))  # past
    sessions.upsert("d", scheduled_session(4, s2, iso(thursday + timedelta(days=1)),
                                           eventStatus="https://schema.org/EventCancelled"))
    sessions.upsert("e", scheduled_session(5, "https://example.org/session-series/3",
                                           iso(NOW - timedelta(days=30))))  # s3 has ended
    sessions.upsert("f", scheduled_session(6, session_series(8, "Aqua Fit", ["Aqua Aerobics"]),
                                           iso(NOW + timedelta(days=1, hours=9)),
                                           duration="PT45M"))
    sessions.upsert("g", scheduled_session(7, "https://example.org/session-series/404",
                                           iso(NOW + timedelta(days=2))))  # series unknown
    facilities = rpde.add_feed("/feeds/facility-uses", "FacilityUse")
    facilities.upsert("f1", facility_use(1, "Main Pool - Lane Swimming", ["Swimming Pool"]))
    slots = rpde.add_feed("/feeds/slots", "Slot", page_size=10)
    for number, days in enumerate((1, 8), start=1):
        slots.upsert(str(number), slot(number, "https://example.org/facility-uses/1",
                                       iso(NOW + timedelta(days=days, hours=9)), offers=[
                                           {"@type": "Offer", "price": 6.2,
                                            "priceCurrency": "GBP"}]))


async def import_all(db: Database, rpde: RpdeServer) -> None:
    for path in rpde.feeds:
        report = await run(db, rpde, path)
        assert report.ok, report.summary()


async def test_the_catalogue_merges_yaml_with_imported_sessions(db: Database,
                                                                rpde: RpdeServer) -> None:
    publish_everything(rpde)
    await import_all(db, rpde)
    catalogue = await load_catalogue(db, now=NOW)
    assert catalogue.get("bradgate-park") is not None  # the YAML catalogue is there too
    imported = {item.name: item for item in catalogue if item.is_imported}
    assert sorted(imported) == ["Aqua Fit", "Chair Yoga", "Health Walk",
                                "Main Pool - Lane Swimming"]  # no ended or orphaned ones

    walk = imported["Health Walk"]
    assert walk.schedule == (Slot("mon", "10:00", "11:00"),) and walk.schedule_note is None
    assert walk.cost == "free" and walk.setting == "community" and walk.district == "LE4"

    yoga = imported["Chair Yoga"]
    thursday = NOW + timedelta(days=3, hours=5)
    assert yoga.next_starts == (thursday, thursday + timedelta(days=7))  # not past/cancelled
    assert yoga.schedule == (Slot("thu", "14:00", "15:00"),)
    assert yoga.schedule_note == DATES_VARY and yoga.times_of_day == ("afternoon",)
    assert (yoga.cost, yoga.price_text) == ("low", "Drop in £3")

    aqua = imported["Aqua Fit"]  # its series was embedded in the session
    assert aqua.activities == ("swimming",)
    assert aqua.schedule == (Slot("tue", "18:00", "18:45"),)

    pool = imported["Main Pool - Lane Swimming"]
    assert pool.kind == "place" and pool.booking == "booking"
    assert pool.schedule == (Slot("tue", "18:00", "19:00"),)
    assert (pool.cost, pool.price_text) == ("paid", "£6.20") and pool.district == "LE11"

    for item in imported.values():
        assert item.id.startswith("oa-") and not item.verified
        assert item.origin.startswith("openactive:127-0-0-1-feeds-")
        assert item.licence == CC_BY and item.attribution == "Example Leisure Trust"
        assert "published by Example Leisure Trust" in item.source
    assert catalogue.attributions() == (f"Example Leisure Trust ({CC_BY})",)

    # Ids are stable between loads, and the loader also takes an open session.
    async with db.sessions() as session:
        again = await load_catalogue(session, now=NOW)
    assert {i.id for i in again if i.is_imported} == {i.id for i in imported.values()}

    # A series deleted by its publisher disappears after the next import.
    rpde.feeds[SERIES].delete("s2")
    await run(db, rpde, SERIES)
    after = await load_catalogue(db, now=NOW)
    assert "Chair Yoga" not in {item.name for item in after}


def test_the_cli_imports_and_reports(db_url: str, rpde: RpdeServer,
                                     monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    five_series(rpde)
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert main(["catalogue", "import-openactive", rpde.url(SERIES), "--delay", "0",
                 "--name", "test-feed"]) == 0
    out = capsys.readouterr().out
    assert out == ("import-openactive test-feed: 4 page(s), 5 updated, 0 deleted, "
                   "0 skipped; up to date\n")
    assert main(["catalogue", "list"]) == 0
    listed = capsys.readouterr().out
    assert "5 from OpenActive" in listed and "data: Example Leisure Trust" in listed
    assert main(["catalogue", "import-openactive", rpde.url("/feeds/missing"),
                 "--delay", "0"]) == 1
    assert "FAILED: HTTP 404" in capsys.readouterr().out
    assert main(["catalogue", "validate"]) == 0
    assert capsys.readouterr().out == "catalogue: all entries pass\n"

