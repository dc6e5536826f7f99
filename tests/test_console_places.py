"""The console's Places pages through the real app (`bot.serve.make_asgi_app`) over HTTP,
on SQLite and PostgreSQL: the catalogue listed with where each place comes from, when it
was verified and by whom, and its "not as described" reports; filters; a place added,
edited, verified, retired and brought back, each change kept with its author and audited,
and taken up by the bot at once; OpenActive feeds added (web addresses only, nothing in a
private network) and imported from a real RPDE server on 127.0.0.1; moderators kept out.
"""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from test_console_http import Browser, text_of

from bot import jobs
from bot.all_tables import Base
from bot.app import Services
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.content import library
from bot.core.events import Address
from bot.places import edits, feeds, live
from bot.places.feedback import record_feedback
from bot.places.models import FeedRun, PlaceChange, PlaceRecord
from bot.places.rpde import FeedError, Politeness
from bot.serve import make_asgi_app
from bot.staff import accounts
from bot.storage.migrate import pending_differences
from bot.storage.models import AuditEntry
from conversations.suggest import needs_for
from support.engine import START, running
from support.rpde_server import RpdeServer, running_rpde_server, session_series
from support.suggest import resident

PASSWORD = "a walk by the canal at ten"
EN = library().for_language("en")
BRAUNSTONE = "parkrun-braunstone"
FAST = Politeness(page_delay=0, timeout=5, max_retries=0)


def words(key: str, **params: object) -> str:
    return EN.text(f"console.places.{key}", **params)


@dataclass
class Site:
    services: Services
    app: Any

    @property
    def clock(self) -> FakeClock:
        assert isinstance(self.services.clock, FakeClock)
        return self.services.clock

    @asynccontextmanager
    async def browser(self, email: str = "sam@example.org", name: str = "Sam Jones",
                      role: str = "coordinator") -> AsyncIterator[Browser]:
        """A member of staff, set up through their link (no second step) and signed in."""
        now = self.clock.now()

        def add(connection: Any) -> str:
            account = accounts.add(connection, email, name, role, now)
            return accounts.issue_link(connection, account.id, now)

        link = f"/staff/setup/{await self.services.db.run(add)}"
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                     base_url="http://127.0.0.1:8000") as client:
            browser = Browser(client)
            await browser.get(link)
            await browser.post(link, {"password": PASSWORD, "confirm": PASSWORD})
            await browser.get("/staff/two-step")
            await browser.post("/staff/two-step", {"skip": "1"})
            await browser.get("/staff/sign-in")
            signed = await browser.post("/staff/sign-in", {"email": email,
                                                           "password": PASSWORD})
            assert signed.headers["location"] == "/staff/", text_of(signed)
            await browser.get("/staff/")  # the session's token for forms
            yield browser

    async def rows(self, model: Any) -> list[dict[str, Any]]:
        async with self.services.db.sessions() as session:
            found = (await session.execute(select(model.__table__))).mappings().all()
        return [dict(row) for row in found]

    async def audit(self, prefix: str = "") -> list[tuple[str, str | None]]:
        return [(row["action"], row["target"]) for row in await self.rows(AuditEntry)
                if row["action"].startswith(prefix) or row["action"].startswith("feed")]

    def bot_has(self, place_id: str) -> Any:
        places = self.services.engine.places
        assert places is not None
        return places.get(place_id)


@asynccontextmanager
async def site(settings: Settings) -> AsyncIterator[Site]:
    async with running(settings, FakeClock(START)) as (services, _senders):
        yield Site(services, make_asgi_app(settings, services))


@pytest.fixture
def rpde() -> Iterator[RpdeServer]:
    with running_rpde_server() as server:
        yield server


def a_place(**changes: Any) -> dict[str, Any]:
    """The form for a new place, filled in as a coordinator would."""
    form: dict[str, Any] = {
        "name": "Knighton Park Walk", "kind": "session",
        "summary": "A gentle walk round the park with a friendly group. Tea after.",
        "activities": ["walking"], "setting": "outdoors", "company": ["group", "alone"],
        "district": "le2", "area": "Knighton Park, Leicester", "schedule": "Tue 10:00-11:00",
        "cost": "free", "level": "gentle", "booking": "drop_in",
        "access_benches": "yes", "access_toilets": "no",
        "source": "Rang the park office, 1 March 2026"}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


# -- who can see it -----------------------------------------------------------------------
async def test_places_are_for_coordinators_only(settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam, \
            place.browser("mo@example.org", "Mo Khan", "moderator") as mo:
        inbox = await sam.get("/staff/")
        assert 'href="/staff/places"' in inbox.text
        assert 'href="/staff/places"' not in (await mo.get("/staff/")).text
        for path in ("/staff/places", "/staff/places/new", f"/staff/places/{BRAUNSTONE}",
                     f"/staff/places/{BRAUNSTONE}/edit", "/staff/places/feeds"):
            assert (await mo.get(path)).status_code == 403, path
        await mo.get("/staff/")
        refused = await mo.post(f"/staff/places/{BRAUNSTONE}/retire")
        assert refused.status_code == 403
        assert place.bot_has(BRAUNSTONE) is not None
        assert await place.rows(PlaceRecord) == []
        # Pages that are not there.
        assert (await sam.get("/staff/places/no-such-place")).status_code == 404
        assert (await sam.get("/staff/places/Not_An_Id")).status_code == 404
        assert (await sam.get("/staff/places/feeds/99")).status_code == 404


# -- the list -----------------------------------------------------------------------------
async def test_the_list_shows_source_check_and_reports_with_filters(
        settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam:
        page = await sam.get("/staff/places")
        assert page.status_code == 200
        text = text_of(page)
        assert "Braunstone parkrun" in text and words("origins.seed") in text
        assert words("place.verified_never") in text and words("status.unverified") in text
        assert re.search(r"Showing (\d+) of \1 places", text)
        # By district: only LE3's places.
        le3 = text_of(await sam.get("/staff/places?district=LE3"))
        assert "Braunstone parkrun" in le3 and "Abbey Park parkrun" not in le3
        # By kind and by name.
        online = text_of(await sam.get("/staff/places?kind=online"))
        assert "NHS Fitness Studio" in online and "parkrun" not in online
        named = text_of(await sam.get("/staff/places?name=braunstone+PARKRUN"))
        assert "Showing 1 of" in named
        # Nothing added by staff, nothing retired yet.
        assert words("none") in text_of(await sam.get("/staff/places?origin=staff"))
        assert words("none") in text_of(await sam.get("/staff/places?show=retired"))
        # Odd filters are ignored, not errors.
        assert (await sam.get("/staff/places?show=x&kind=y&page=0&district=<b>")
                ).status_code == 200

        # "Not as described" twice: counted in the list, and the filter finds it.
        now = place.clock.now()
        await place.services.db.run(lambda c: [
            record_feedback(c, BRAUNSTONE, "not_as_described", now - timedelta(days=d))
            for d in (3, 1)] + [record_feedback(c, BRAUNSTONE, "loved", now)])
        reported = text_of(await sam.get("/staff/places?show=reported"))
        assert "Braunstone parkrun" in reported and "Showing 1 of" in reported
        assert words("reports_some", number=2, count=2) in reported
        page = text_of(await sam.get(f"/staff/places/{BRAUNSTONE}"))
        assert words("place.reports_count", number=2, count=2) in page
        # Verified after the reports: they are no longer new.
        await sam.post(f"/staff/places/{BRAUNSTONE}/verify", {"note": "Rang them"})
        listed = text_of(await sam.get("/staff/places?district=LE3"))
        assert words("reports_some", number=2, count=0) in listed
        assert "by Sam Jones" in listed
        assert words("none") in text_of(await sam.get("/staff/places?show=reported"))
        place.clock.advance(timedelta(minutes=10))
        later = place.clock.now()
        await place.services.db.run(
            lambda c: record_feedback(c, BRAUNSTONE, "not_as_described", later))
        assert words("reports_some", number=3, count=1) in text_of(
            await sam.get("/staff/places?show=reported"))

        listed = [target for action, target in await place.audit("place")
                  if action == "places_listed"]
        assert len(listed) >= 8
        details = [row["detail"] for row in await place.rows(AuditEntry)
                   if row["action"] == "places_listed"]
        assert "district=LE3" in details and "show=reported" in details


async def test_places_reported_wait_in_the_coordinators_inbox_until_checked(
        settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam, \
            place.browser("kim@example.org", "Kim Lee", "moderator") as kim:
        inbox = text_of(await sam.get("/staff/"))
        assert words("inbox.title") in inbox and words("inbox.none") in inbox
        now = place.clock.now()
        await place.services.db.run(lambda c: [
            record_feedback(c, BRAUNSTONE, "not_as_described", now - timedelta(days=d))
            for d in (2, 1)])
        page = await sam.get("/staff/")
        assert f'href="/staff/places/{BRAUNSTONE}">Braunstone parkrun</a>' in page.text
        assert words("reports_some", number=2, count=2) in text_of(page)
        # Moderators don't see places at all.
        assert words("inbox.title") not in text_of(await kim.get("/staff/"))
        # Checked again: off the list.
        await sam.get(f"/staff/places/{BRAUNSTONE}")
        await sam.post(f"/staff/places/{BRAUNSTONE}/verify", {"note": "Went on Saturday"})
        inbox = text_of(await sam.get("/staff/"))
        assert "Braunstone parkrun" not in inbox and words("inbox.none") in inbox


async def test_many_places_come_a_page_at_a_time(settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam:
        now, staff = place.clock.now(), edits.Staff(1, "Sam Jones")
        entry = {k: v for k, v in a_place().items() if not k.startswith("access_")}
        entry["district"] = "LE2"
        entry["schedule"] = [{"day": "tue", "start": "10:00", "end": "11:00"}]

        def add_many(connection: Any) -> None:
            for number in range(60):
                edits.add(connection, {**entry, "name": f"Walk {number:02d}"}, staff, now, ())

        await place.services.db.run(add_many)
        first = await sam.get("/staff/places?origin=staff")
        assert "Showing 60 of" in text_of(first)
        assert "Walk 00" in text_of(first) and "Walk 59" not in text_of(first)
        assert 'href="/staff/places?origin=staff&amp;page=2"' in first.text
        second = await sam.get("/staff/places?origin=staff&page=2")
        assert "Walk 59" in text_of(second) and "Walk 00" not in text_of(second)
        assert words("previous") in text_of(second) and words("next") not in text_of(second)
        # Ids come from the names, each its own.
        ids = {row["place_id"] for row in await place.rows(PlaceRecord)}
        assert "walk-00" in ids and len(ids) == 60


# -- adding, editing, verifying, retiring -------------------------------------------------
async def test_a_place_added_with_its_problems_shown_first(settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam:
        form = await sam.get("/staff/places/new")
        assert form.status_code == 200 and words("form.add_title") in text_of(form)
        empty = await sam.post("/staff/places/new", {})
        assert empty.status_code == 400
        text = text_of(empty)
        assert text.startswith("Error:") and EN.text("console.error_summary") in text
        for key in ("need_name", "need_kind", "need_summary", "need_source"):
            assert words(f"errors.{key}") in text, key
        assert 'href="#name"' in empty.text and 'href="#kind"' in empty.text
        assert 'aria-describedby="name-hint name-error"' in empty.text

        bad = await sam.post("/staff/places/new", a_place(
            summary="A brisk exercise class in the park.", district="ZZ9",
            schedule="some days", url="ftp://example.org", latitude="52.6",
            age_min="old"))
        assert bad.status_code == 400
        text = text_of(bad)
        for key in ("summary_words", "district", "schedule", "url", "latitude", "age_min"):
            assert words(f"errors.{key}") in text, key
        # What was typed is kept, to put right.
        assert 'value="some days"' in bad.text and "A brisk exercise class" in bad.text
        assert await place.rows(PlaceRecord) == []
        long_words = await sam.post("/staff/places/new", a_place(
            summary="Participants experience comprehensive rehabilitative interventions "
                    "facilitating cardiovascular conditioning and respiratory improvement."))
        assert words("errors.summary_grade") in text_of(long_words)
        emoji = await sam.post("/staff/places/new", a_place(name="Park walk \U0001f333"))
        assert words("errors.name_gsm7") in text_of(emoji)
        online = await sam.post("/staff/places/new", a_place(kind="online"))
        assert words("errors.kind_place") in text_of(online)

        # Curly quotes pasted from a web page are made plain; then it is added.
        done = await sam.post("/staff/places/new", a_place(
            details="Meet by the \u2018big oak\u2019 near the caf\u00e9."))
        assert done.status_code == 303, text_of(done)
        assert done.headers["location"] == "/staff/places/knighton-park-walk?done=added"
        page = text_of(await sam.get(done.headers["location"]))
        assert words("place.done.added") in page and words("origins.staff") in page
        assert "Meet by the 'big oak' near the caf\u00e9." in page
        assert "Mon 2 Mar 2026, by Sam Jones" in page  # added, by whom
        # The bot has it already, as entered.
        item = place.bot_has("knighton-park-walk")
        assert item is not None and item.district == "LE2" and not item.verified
        assert [(s.day, s.start, s.end) for s in item.schedule] == [("tue", "10:00", "11:00")]
        assert item.accessibility.benches is True and item.accessibility.toilets is False
        assert item.accessibility.wheelchair is None
        # The same name again gets an id of its own.
        again = await sam.post("/staff/places/new", a_place())
        assert again.headers["location"] == "/staff/places/knighton-park-walk-2?done=added"
        assert ("place_added", "place:knighton-park-walk") in await place.audit("place")


async def test_edit_verify_retire_and_bring_back_a_seed_place(settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam:
        seed = place.bot_has(BRAUNSTONE)
        assert seed is not None and not seed.verified
        form = await sam.get(f"/staff/places/{BRAUNSTONE}/edit")
        assert form.status_code == 200
        assert 'value="Braunstone parkrun"' in form.text and 'value="sat 09:00"' in form.text
        assert '<option value="session" selected>' in form.text
        assert 'value="walking" checked' in form.text

        # Edited: every field the form showed, with one changed.
        fields = dict(re.findall(r'<input class="nhsuk-input[^>]* name="(\w+)" type="text"'
                                 r' value="([^"]*)"', form.text))
        fields.update(name="Braunstone Park parkrun", schedule="sat 09:00-10:00",
                      kind="session", setting="outdoors", cost="free", level="any",
                      booking="drop_in", activities=["walking"],
                      company=["alone", "friends", "group"],
                      summary=seed.summary, details=seed.details or "",
                      source="parkrun's website, checked 2 March 2026")
        saved = await sam.post(f"/staff/places/{BRAUNSTONE}/edit", fields)
        assert saved.status_code == 303, text_of(saved)
        page = text_of(await sam.get(saved.headers["location"]))
        assert words("place.done.edited") in page and words("edited_tag") in page
        assert "Braunstone Park parkrun" in page
        edited = place.bot_has(BRAUNSTONE)
        assert edited.name == "Braunstone Park parkrun"
        assert edited.schedule[0].end == "10:00" and edited.district == "LE3"

        # Verified, with how: the bot says it is checked, with the date.
        done = await sam.post(f"/staff/places/{BRAUNSTONE}/verify",
                              {"note": "Rang the run director"})
        assert done.headers["location"] == f"/staff/places/{BRAUNSTONE}?done=verified"
        page = text_of(await sam.get(done.headers["location"]))
        assert words("place.verified_by", date="Mon 2 Mar 2026", name="Sam Jones") in page
        assert "Rang the run director" in page
        assert place.bot_has(BRAUNSTONE).verified
        assert place.bot_has(BRAUNSTONE).last_verified == date(2026, 3, 2)
        await sam.post(f"/staff/places/{BRAUNSTONE}/unverify")
        assert not place.bot_has(BRAUNSTONE).verified
        assert "Marked as not verified on Mon 2 Mar 2026, by Sam Jones" in text_of(
            await sam.get(f"/staff/places/{BRAUNSTONE}"))

        # Retired: gone from the bot at once, and from the list in use.
        done = await sam.post(f"/staff/places/{BRAUNSTONE}/retire", {"note": "Moved"})
        assert done.headers["location"] == f"/staff/places/{BRAUNSTONE}?done=retired"
        assert place.bot_has(BRAUNSTONE) is None
        assert "Braunstone Park parkrun" not in text_of(await sam.get("/staff/places"))
        retired = text_of(await sam.get("/staff/places?show=retired"))
        assert "Braunstone Park parkrun" in retired
        again = await sam.post(f"/staff/places/{BRAUNSTONE}/retire")
        assert again.headers["location"].endswith("done=already_retired")
        done = await sam.post(f"/staff/places/{BRAUNSTONE}/restore")
        assert done.headers["location"].endswith("done=restored")
        assert place.bot_has(BRAUNSTONE).name == "Braunstone Park parkrun"  # edit kept

        # A forged form changes nothing.
        refused = await sam.post(f"/staff/places/{BRAUNSTONE}/retire", token="forged")
        assert refused.status_code == 403 and place.bot_has(BRAUNSTONE) is not None

        history = [(row["action"], row["staff_name"], row["note"])
                   for row in await place.rows(PlaceChange)]
        assert history == [("edited", "Sam Jones", None),
                           ("verified", "Sam Jones", "Rang the run director"),
                           ("unverified", "Sam Jones", None),
                           ("retired", "Sam Jones", "Moved"),
                           ("restored", "Sam Jones", None)]
        [record] = await place.rows(PlaceRecord)
        assert record["origin"] == "seed" and record["edited_by_name"] == "Sam Jones"
        assert record["fields"]["name"] == "Braunstone Park parkrun"
        trail = [a for a in await place.audit("place") if a[1] == f"place:{BRAUNSTONE}"]
        assert [a for a, _ in trail if a != "place_viewed"] == [
            "place_edited", "place_verified", "place_unverified", "place_retired",
            "place_restored"]
        assert ("place_viewed", f"place:{BRAUNSTONE}") in trail
        audited = {row["actor_staff_id"] for row in await place.rows(AuditEntry)
                   if row["action"].startswith("place")}
        assert audited == {1}


async def test_the_bot_stops_suggesting_a_retired_place_and_offers_an_edited_one(
        settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam:
        walker = await resident(place.services, Address("sms", "+447700900611"),
                                district="LE3")
        needs = needs_for(await walker.profile())
        ranked = place.services.engine.places.rank(needs).ids()  # type: ignore[union-attr]
        assert BRAUNSTONE in ranked
        await walker.send("suggest")
        assert BRAUNSTONE in walker.options()
        await walker.send("done")

        await sam.get(f"/staff/places/{BRAUNSTONE}")
        await sam.post(f"/staff/places/{BRAUNSTONE}/retire")
        await walker.send("suggest")
        assert BRAUNSTONE not in walker.options()
        assert BRAUNSTONE not in place.services.engine.places.rank(  # type: ignore[union-attr]
            needs).ids()
        await walker.send("done")

        await sam.post(f"/staff/places/{BRAUNSTONE}/restore")
        form = await sam.get(f"/staff/places/{BRAUNSTONE}/edit")
        fields = dict(re.findall(r'<input class="nhsuk-input[^>]* name="(\w+)" type="text"'
                                 r' value="([^"]*)"', form.text))
        fields.update(name="Braunstone Saturday Walk-Run", kind="session", cost="free",
                      level="any", booking="drop_in", activities=["walking"],
                      setting="outdoors", company=["alone"],
                      summary="A free 5k walk, jog or run every Saturday at 9am.",
                      source="parkrun's website")
        assert (await sam.post(f"/staff/places/{BRAUNSTONE}/edit", fields)).status_code == 303
        said = await walker.send("suggest")
        assert BRAUNSTONE in walker.options()
        assert "Braunstone Saturday Walk-Run" in " ".join(m.text for m in said) + " ".join(
            o.label for m in said for o in m.options)


async def test_another_worker_takes_up_a_change_at_its_next_round_of_jobs(
        settings: Settings) -> None:
    """A second process on the same database (a second worker on PostgreSQL): staff's
    retirement reaches its bot at its next round of jobs, not at its next restart; with
    nothing changed, it does not load the catalogue again."""
    async with site(settings) as place, place.browser() as sam, \
            running(settings, FakeClock(START)) as (other, _senders):
        def other_has() -> Any:
            return other.engine.places.get(BRAUNSTONE)  # type: ignore[union-attr]

        other.engine.use_places(place.services.engine.places)  # as loaded at its start
        await jobs.follow_catalogue(other)  # its first look: nothing new since
        assert not await jobs.follow_catalogue(other)
        await sam.post(f"/staff/places/{BRAUNSTONE}/retire", {"note": "Moved"})
        assert place.bot_has(BRAUNSTONE) is None and other_has() is not None
        assert await jobs.follow_catalogue(other)
        assert other_has() is None
        assert not await jobs.follow_catalogue(other)
        await sam.post(f"/staff/places/{BRAUNSTONE}/restore")
        await jobs.run_due_jobs(other)  # the same, in the round every worker runs
        assert other_has() is not None


# -- OpenActive feeds ---------------------------------------------------------------------
async def test_feed_addresses_are_checked(settings: Settings,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(feeds.ALLOW_PRIVATE, raising=False)
    async with site(settings) as place, place.browser() as sam:
        page = await sam.get("/staff/places/feeds")
        assert page.status_code == 200 and words("feeds.none") in text_of(page)
        for typed, problem in (("", "need"), ("ftp://example.org/feed", "not_web"),
                               ("example.org/feed", "not_web"),
                               ("https://me:secret@example.org/feed", "credentials"),
                               ("http://10.1.2.3/feed", "private"),
                               ("http://localhost:8000/feed", "private"),
                               ("http://169.254.169.254/latest/meta-data", "private"),
                               ("http://[::1]/feed", "private"),
                               ("http://2130706433/feed", "private"),
                               ("https://no-such-host.invalid/feed", "unknown_host"),
                               ("https://example.org/" + "a" * 2100, "too_long")):
            refused = await sam.post("/staff/places/feeds", {"url": typed})
            assert refused.status_code == 400, typed
            assert words(f"feeds.errors.{problem}") in text_of(refused), typed
            assert 'href="#url"' in refused.text
        assert await place.rows(FeedRun) == []
        assert "feed_added" not in [a for a, _ in await place.audit("feed")]


async def test_a_feed_added_and_imported_from_a_real_rpde_server(
        settings: Settings, rpde: RpdeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(feeds.ALLOW_PRIVATE, "1")  # the test's publisher is on 127.0.0.1
    monkeypatch.setattr(feeds, "POLITENESS", FAST)
    feed = rpde.add_feed("/feeds/session-series", "SessionSeries")
    for number, (name, activity) in enumerate([("Health Walk", "Walking"),
                                               ("Chair Yoga", "Chair Yoga"),
                                               ("Walking Football", "Walking Football")], 1):
        feed.upsert(str(number), session_series(number, name, [activity]))
    async with site(settings) as place, place.browser() as sam:
        added = await sam.post("/staff/places/feeds", {"url": rpde.url(feed.path)})
        assert added.status_code == 303
        feed_page = added.headers["location"]
        assert feed_page.endswith("?done=added")
        page = text_of(await sam.get(feed_page))
        assert words("feed.done.added") in page and "by Sam Jones" in page
        assert words("feed.runs_none") in page
        same = await sam.post("/staff/places/feeds", {"url": rpde.url(feed.path)})
        assert same.headers["location"].endswith("?done=exists")

        # Import now: it runs after the answer (here, before the client sees it).
        base = feed_page.split("?")[0]
        started = await sam.post(f"{base}/import")
        assert started.headers["location"] == f"{base}?done=started"
        page = text_of(await sam.get(started.headers["location"]))
        assert words("feed.done.started") in page
        assert words("feed.results.ok") in page
        assert re.search(r"Items stored 3 Places in the catalogue 3", page), page
        [run] = await place.rows(FeedRun)
        assert (run["updated"], run["error"], run["staff_name"]) == (3, None, "Sam Jones")
        listed = text_of(await sam.get("/staff/places?origin=feed"))
        assert "Health Walk" in listed and "Chair Yoga" in listed
        # The feed by its publisher, never by the name the importer made for it.
        assert "OpenActive feed: Example Leisure Trust" in listed
        assert "127-0-0-1" not in listed
        # The bot has them at once; a retired one goes at once too.
        [walk] = [row for row in await live.staff_view(place.services.db, place.services
                                                        .settings.content_dir,
                                                        place.clock.now())
                  if row.item.name == "Health Walk"]
        assert place.bot_has(walk.id) is not None
        feed_place = await sam.get(f"/staff/places/{walk.id}")
        assert words("place.feed_note") in text_of(feed_place)
        assert f"/staff/places/{walk.id}/edit" not in feed_place.text
        assert (await sam.get(f"/staff/places/{walk.id}/edit")).status_code == 404
        assert (await sam.post(f"/staff/places/{walk.id}/verify")).status_code == 404
        await sam.get(f"/staff/places/{walk.id}")
        await sam.post(f"/staff/places/{walk.id}/retire")
        assert place.bot_has(walk.id) is None
        # Imported again, the retired place stays retired.
        feed.upsert("1", session_series(1, "Health Walk (new times)", ["Walking"]))
        await sam.get(base)
        await sam.post(f"{base}/import")
        assert place.bot_has(walk.id) is None
        assert [r["updated"] for r in await place.rows(FeedRun)] == [3, 1]

        # A feed that answers 404: the run and the feed say so.
        gone = await sam.post("/staff/places/feeds", {"url": rpde.url("/feeds/gone")})
        gone_page = gone.headers["location"].split("?")[0]
        await sam.get(gone_page)
        await sam.post(f"{gone_page}/import")
        page = text_of(await sam.get(gone_page))
        assert words("problems.not_found") in page
        assert words("problems.details") + " HTTP 404" in page  # as logged, when asked

        listing = text_of(await sam.get("/staff/places/feeds"))
        assert "Example Leisure Trust" in listing and words("problems.not_found") in listing
        assert rpde.url("/feeds/gone").removeprefix("http://") in listing  # by its address
        assert "127-0-0-1" not in listing
        actions = [a for a, _ in await place.audit("feed")]
        assert actions.count("feed_added") == 2 and actions.count("feed_import_started") == 3
        assert actions.count("feed_imported") == 3 and "feeds_listed" in actions
        assert "feed_viewed" in actions


async def test_an_import_never_fetches_from_a_private_address(
        settings: Settings, rpde: RpdeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked again at fetch time: a feed stored earlier (or a redirect) that points
    inside our network is not fetched."""
    monkeypatch.delenv(feeds.ALLOW_PRIVATE, raising=False)
    rpde.add_feed("/feeds/x", "SessionSeries")
    async with site(settings) as place:
        db = place.services.db
        now = place.clock.now()
        feed_id, _ = await db.run(lambda c: feeds.add_feed(c, rpde.url("/feeds/x"), None,
                                                           None, now))
        run_id = await db.run(lambda c: feeds.start_run(c, feed_id, None, None, now))
        assert run_id is not None
        assert await db.run(lambda c: feeds.start_run(c, feed_id, None, None, now)) is None
        report = await feeds.run_import(db, run_id, rpde.url("/feeds/x"), place.clock.now,
                                        politeness=FAST)
        assert report is not None and report.error is not None
        assert "address not fetched (private)" in report.error
        assert rpde.requests == []  # nothing was asked of it
        [run] = await place.rows(FeedRun)
        assert run["finished_at"] is not None and "private" in run["error"]
    async with feeds.guarded_client(FAST, allow_private=False) as client:
        with pytest.raises(FeedError):
            await client.get(rpde.url("/feeds/x"))


# -- storage, on both backends ------------------------------------------------------------
async def test_staff_word_is_stored_and_applied_to_the_catalogue(settings: Settings) -> None:
    assert await pending_differences(settings.database_url, Base.metadata) == []
    async with running(settings, FakeClock(START)) as (services, _):
        db, now = services.db, services.clock.now()
        ann, bo = edits.Staff(1, "Ann"), edits.Staff(2, "Bo")
        root = services.settings.content_dir
        entry = {"name": "Canal walk", "kind": "place", "summary": "A flat walk by the canal.",
                 "source": "Seen by Ann", "district": "LE4", "activities": ["walking"]}

        def change(connection: Any) -> str:
            new = edits.add(connection, entry, ann, now, {"canal-walk"})
            edits.edit(connection, BRAUNSTONE, edits.SEED,
                       {**entry, "name": "Braunstone Park", "kind": "session"}, bo, now)
            edits.set_verified(connection, BRAUNSTONE, edits.SEED, ann, now, note="Rang")
            assert edits.set_retired(connection, "parkrun-abbey-park", edits.SEED, bo, now)
            assert not edits.set_retired(connection, "parkrun-abbey-park", edits.SEED, bo,
                                         now)
            return new

        new_id = await db.run(change)
        assert new_id == "canal-walk-2"  # the id given as taken is not used
        catalogue = await live.load_catalogue(db, root, now=now)
        assert catalogue.get("canal-walk-2").name == "Canal walk"
        assert catalogue.get(BRAUNSTONE).name == "Braunstone Park"
        assert catalogue.get(BRAUNSTONE).verified
        assert catalogue.get("parkrun-abbey-park") is None
        stored = await db.run(edits.records)
        assert stored[BRAUNSTONE].verified_by_name == "Ann"
        assert stored[BRAUNSTONE].edited_by_name == "Bo"
        assert stored[BRAUNSTONE].created_by_name == "Bo"  # first to touch it
        assert stored["parkrun-abbey-park"].retired_by_name == "Bo"
        rows = {row.id: row for row in await live.staff_view(db, root, now)}
        assert rows["parkrun-abbey-park"].retired and rows[BRAUNSTONE].edited
        assert rows[BRAUNSTONE].verified_by == "Ann" and rows["canal-walk-2"].origin == "staff"
        history = await db.run(lambda c: edits.history(c, BRAUNSTONE))
        assert [(h.action, h.staff_name, h.note) for h in history] == [
            ("verified", "Ann", "Rang"), ("edited", "Bo", None)]
        # An engine following the database takes each change when told.
        taken: list[Any] = []
        live.follow(db, taken.append, root)
        assert await live.refresh(db, now) == 2  # the app's engine, and this
        assert taken[-1].get("parkrun-abbey-park") is None
        assert taken[-1].get("canal-walk-2") is not None


# -- words --------------------------------------------------------------------------------
def test_every_key_the_places_pages_make_from_values_exists() -> None:
    from bot.console import place_form, places

    keys = [key for options in place_form.options().values() for _, key in options]
    keys += [f"console.places.access.{name}" for name in place_form.ACCESS]
    keys += [f"console.places.access_values.{v}" for v in ("yes", "no", "unknown")]
    keys += [f"console.places.filter.shows.{show}" for show in places.SHOWS]
    keys += [f"console.places.origins.{origin}" for origin in places.ORIGINS]
    keys += [f"console.places.place.actions.{action}" for action in edits.ACTIONS]
    keys += [f"console.places.place.done.{done}" for done in places.PLACE_DONE]
    keys += [f"console.places.feed.done.{done}" for done in places.FEED_DONE]
    keys += [f"console.places.feeds.errors.{problem}" for problem in feeds.PROBLEMS]
    keys += [f"console.places.feed.results.{r}" for r in ("ok", "running", "stopped")]
    keys += [f"console.places.problems.{key}" for _, key in places.PROBLEMS]
    keys += ["console.places.problems.other"]
    keys += [f"{place_form.ERRORS}{name}" for name in (
        "need_name", "need_kind", "need_summary", "need_source", "kind_place",
        "setting_kind", "district", "postcode", "latitude", "longitude", "schedule", "url",
        "age_min", "age_max", "choice", "field")]
    keys += [f"{place_form.ERRORS}{name}_{code}" for name in place_form.TEXTS
             if name not in ("source", "url") for code in ("gsm7", "long")]
    keys += [f"console.places.fields.{name}" for name in place_form.TEXTS]
    assert [key for key in keys if not EN.has(key)] == []


# -- human words, not the catalogue's insides ---------------------------------------------
def test_a_feed_problem_is_told_as_what_happened() -> None:
    from bot.console import places

    logged = {
        "could not fetch the page: ConnectError": "unreachable",
        "could not fetch the page: ReadTimeout": "unreachable",
        "address not fetched (unknown host): feeds.example.org": "unreachable",
        "HTTP 404": "not_found", "HTTP 410": "not_found", "HTTP 403": "refused",
        "HTTP 503 after 3 retries": "busy", "HTTP 429: asked to wait 600s": "busy",
        "HTTP 418": "error_page", "the page is not JSON": "not_feed",
        "the page has no 'items' list": "not_feed",
        "the page is not a JSON object": "not_feed",
        "another import of this feed moved it on; try again": "clash",
        "address not fetched (private): 10.0.0.7": "blocked",
        "not a web address: ftp": "blocked", "stopped: ConnectError": "stopped",
        "something new": "other"}
    assert {text: places.feed_problem(text) for text in logged} == logged
    assert places.feed_problem(None) is None and places.feed_problem("") is None
    for key in {*logged.values(), "details"}:
        said = words(f"problems.{key}")
        assert not re.search(r"[A-Z][a-z]+Error|HTTP|JSON", said), said
    assert places.feed_address("https://www.example.org/feeds/sessions/") == \
        "example.org/feeds/sessions"
    assert places.feed_address("http://127.0.0.1:8123/feeds/x") == "127.0.0.1:8123/feeds/x"


async def test_an_unreachable_feed_says_so_in_words(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(feeds.ALLOW_PRIVATE, "1")
    monkeypatch.setattr(feeds, "POLITENESS", FAST)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with site(settings) as place, place.browser() as sam:
        added = await sam.post("/staff/places/feeds",
                               {"url": f"http://127.0.0.1:{port}/feeds/sessions"})
        base = added.headers["location"].split("?")[0]
        await sam.get(base)
        await sam.post(f"{base}/import")
        page = await sam.get(base)
        text = text_of(page)
        assert words("problems.unreachable") in text
        assert f"127.0.0.1:{port}/feeds/sessions" in text and "127-0-0-1" not in text
        # The words as logged only inside "What the import said", for the publisher.
        shown = re.sub(r"<details.*?</details>", "", page.text, flags=re.S)
        assert "ConnectError" in page.text and "ConnectError" not in shown
        assert "could not fetch" not in shown
        assert page.text.count('<summary class="nhsuk-details__summary">') == 2  # feed, run
        listing = await sam.get("/staff/places/feeds")
        assert words("problems.unreachable") in text_of(listing)
        assert "ConnectError" not in re.sub(r"<details.*?</details>", "", listing.text,
                                            flags=re.S)


async def test_the_first_catalogue_is_named_in_words(settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam:
        page = await sam.get("/staff/places/bradgate-park")
        text = text_of(page)
        assert f"{words('fields.source')} {words('source_first')}" in text
        assert f"{words('place.origin')} {words('origins.seed')}" in text
        # The makers' own note is there for whoever asks, but not as the answer.
        shown = re.sub(r"<details.*?</details>", "", page.text, flags=re.S)
        assert "DOMAIN.md" in page.text and "DOMAIN.md" not in shown
        assert words("source_note") in text
        listing = text_of(await sam.get("/staff/places"))
        assert "Seed file" not in listing and words("origins.seed") in listing
        assert "content/places" not in listing
        # A source staff wrote is shown as they wrote it.
        await sam.post("/staff/places/new", a_place())
        assert "Rang the park office, 1 March 2026" in text_of(
            await sam.get("/staff/places/knighton-park-walk"))


async def test_a_text_too_hard_to_read_says_what_to_change(settings: Settings) -> None:
    from bot.console import place_form

    rules = place_form.rules_for(settings.content_dir)
    hard = ("Participants experience comprehensive rehabilitative interventions "
            "facilitating cardiovascular conditioning and respiratory improvement.")
    found = place_form.reading(hard, rules)
    assert found.aim == 11 and found.age > found.aim and found.for_adults
    assert found.long_words[:3] == ("Participants", "experience", "comprehensive")
    assert len(found.long_words) == place_form.LONG_WORDS_SHOWN
    long = ("We walk round the park and then we stop for a cup of tea and a chat with "
            "the others who come along on the day and we go home at noon.")
    wordy_reading = place_form.reading(long, rules)
    assert (wordy_reading.longest, wordy_reading.long_words) == (32, ())
    assert 11 < wordy_reading.age <= place_form.ADULT_AGE
    async with site(settings) as place, place.browser() as sam:
        refused = await sam.post("/staff/places/new", a_place(summary=hard))
        assert refused.status_code == 400
        said = text_of(refused)
        assert words("errors.summary_grade") in said  # the summary at the top
        error = re.search(r'<span class="nhsuk-error-message" id="summary-error">(.*?)'
                          r'</span>\s*<textarea', refused.text, flags=re.S)
        assert error, refused.text
        beside = " ".join(re.sub(r"<[^>]+>", " ", error.group(1)).split())
        assert words("reading.adult", count=11) in beside
        assert words("reading.words", text=", ".join(found.long_words)) in beside
        assert "sentence" not in beside.split("11 or under.")[1]  # 12 words: short enough
        wordy = await sam.post("/staff/places/new", a_place(summary=long))
        beside = text_of(wordy)
        assert words("reading.age", number=wordy_reading.age, count=11) in beside
        assert words("reading.sentence", count=32, number=15) in beside
        assert "Long words" not in beside
        assert await place.rows(PlaceRecord) == []


async def test_the_list_and_the_inbox_draw_places_with_one_table(settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam:
        now = place.clock.now()
        await place.services.db.run(
            lambda c: record_feedback(c, BRAUNSTONE, "not_as_described", now))
        inbox = await sam.get("/staff/")
        listing = await sam.get("/staff/places?show=reported")
        for page, caption, columns in (
                (inbox, "inbox.caption", ["name", "reports", "inbox.latest", "verified"]),
                (listing, "caption", ["name", "kind", "where", "origin", "verified",
                                      "reports", "status"])):
            table = re.search(r'<table class="nhsuk-table-responsive">\s*<caption[^>]*>'
                              rf'{re.escape(words(caption))}.*?</table>', page.text,
                              flags=re.S)
            assert table, page.text
            heads = re.findall(r'<th [^>]*>([^<]*)</th>', table.group(0))
            assert heads == [words(c if "." in c else f"col.{c}") for c in columns]
            row = re.search(r'<tr class="nhsuk-table__row".*?</tr>', table.group(0), re.S)
            assert row and f'href="/staff/places/{BRAUNSTONE}">Braunstone parkrun</a>' in \
                row.group(0)
            assert row.group(0).count('role="cell"') == len(columns)


def edit_fields(form: str, **changes: Any) -> dict[str, Any]:
    """The edit form as a browser sends it: every text field, the version, and changes."""
    fields: dict[str, Any] = dict(re.findall(
        r'<input class="nhsuk-input[^>]* name="(\w+)" type="text" value="([^"]*)"', form))
    version = re.search(r'name="version" value="([0-9a-f]{16})"', form)
    assert version, "the edit form carries the place's version"
    fields.update(version=version.group(1), kind="session", setting="outdoors", cost="free",
                  level="any", booking="drop_in", activities=["walking"],
                  company=["alone", "friends", "group"],
                  summary="A free 5k walk, jog or run every Saturday at 9am.",
                  source="parkrun's website")
    fields.update(changes)
    return fields


async def test_a_later_save_over_a_changed_place_is_refused_keeping_what_was_typed(
        settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam, \
            place.browser("kim@example.org", "Kim Patel") as kim:
        first = (await sam.get(f"/staff/places/{BRAUNSTONE}/edit")).text
        second = (await kim.get(f"/staff/places/{BRAUNSTONE}/edit")).text
        saved = await sam.post(f"/staff/places/{BRAUNSTONE}/edit",
                               edit_fields(first, name="Braunstone Park parkrun"))
        assert saved.status_code == 303, text_of(saved)
        typed = "A free 5k run round Braunstone Park, every Saturday at 9am."
        refused = await kim.post(f"/staff/places/{BRAUNSTONE}/edit",
                                 edit_fields(second, summary=typed))
        assert refused.status_code == 409, text_of(refused)
        page = text_of(refused)
        assert words("form.changed.title") in page
        assert typed in refused.text  # what Kim typed is still in the form
        # The saved name, where it differs from Kim's form (which still has the old one).
        assert f"{words('fields.name')} Braunstone Park parkrun" in page
        assert place.bot_has(BRAUNSTONE).name == "Braunstone Park parkrun"
        assert place.bot_has(BRAUNSTONE).summary != typed
        # Kim saves again from the refused page, knowingly: now at the new version.
        again = await kim.post(f"/staff/places/{BRAUNSTONE}/edit",
                               edit_fields(refused.text, summary=typed))
        assert again.status_code == 303, text_of(again)
        assert place.bot_has(BRAUNSTONE).summary == typed
        # A save of a place nobody changed meanwhile goes through at once.
        latest = (await sam.get(f"/staff/places/{BRAUNSTONE}/edit")).text
        assert (await sam.post(f"/staff/places/{BRAUNSTONE}/edit",
                               edit_fields(latest, summary=typed))).status_code == 303


# -- names with accents and hidden characters ---------------------------------------------
async def test_a_name_with_accents_makes_a_readable_id(settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam:
        added = await sam.post("/staff/places/new", a_place(name="Café walk"))
        assert added.headers["location"] == "/staff/places/cafe-walk?done=added"
        assert place.bot_has("cafe-walk").name == "Café walk"


async def test_hidden_direction_characters_are_named_and_taken_out(
        settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam:
        # An RTL override shows "Park Walk" backwards in some places. Never the misleading
        # "take out curly quotes and emoji": taken out (by every form, or by this one,
        # saying so), and what is saved holds none.
        tricky = "Knighton \u202eklaW kraP\u202c"
        sent = await sam.post("/staff/places/new", a_place(name=tricky))
        assert words("errors.name_gsm7") not in text_of(sent)
        if sent.status_code == 400:
            assert words("errors.invisible") in text_of(sent)
            assert "\u202e" not in sent.text and 'value="Knighton klaW kraP"' in sent.text
            assert await place.rows(PlaceRecord) == []
            sent = await sam.post("/staff/places/new", a_place(name="Knighton klaW kraP"))
        assert sent.headers["location"] == "/staff/places/knighton-klaw-krap?done=added"
        assert place.bot_has("knighton-klaw-krap").name == "Knighton klaW kraP"
        # A zero-width space in the summary: said plainly, taken out, read again, saved.
        summary = "A gentle walk round the park with a friendly group. Tea after."
        refused = await sam.post("/staff/places/new", a_place(
            name="Abbey walk", summary=summary.replace("walk ", "walk\u200b ")))
        assert refused.status_code == 400 and words("errors.invisible") in text_of(refused)
        assert words("errors.summary_gsm7") not in text_of(refused)
        assert "\u200b" not in refused.text and summary in text_of(refused)
        saved = await sam.post("/staff/places/new", a_place(name="Abbey walk",
                                                            summary=summary))
        assert saved.headers["location"] == "/staff/places/abbey-walk?done=added"
