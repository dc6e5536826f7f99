"""Places, for coordinators (moderators get 403): the catalogue the bot suggests from, with
where each place comes from (the YAML seed, staff, an OpenActive feed), when it was last
verified and by whom, and how often people said it was "not as described"; adding,
editing, verifying and retiring places; OpenActive feeds added, and imported on request.

Coordinators read human words, not the catalogue's insides: a feed by its publisher (or its
address), not the name the importer made for it; the first catalogue's notes to its makers
(sources naming files of ours, like DOMAIN.md) as "Added with the first catalogue"; an
import's problem ("could not fetch the page: ConnectError") as what happened ("Couldn't
reach the feed"), with the words as logged under it for whoever asks the publisher.

Staff's changes are kept by `bot.places.edits` (the YAML stays the seed; staff edits win)
and reach the bot at once: after each change `live.refresh` hands the engines of this
process the catalogue as it now is. Every page opened and every change is written in the
audit log. Every form posts and comes back, so all of it works without JavaScript.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from starlette.background import BackgroundTask
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console import place_form
from bot.console.shared import Console, Handler, redirect, signed_in
from bot.core.content import CONTENT_ROOT
from bot.places import edits, feeds, live
from bot.places.edits import PlaceRow, Staff
from bot.places.schema import KINDS
from bot.staff import audit
from bot.staff.sessions import Session

PAGE_SIZE = 50
SHOWS: dict[str, Callable[[PlaceRow], bool]] = {
    "in_use": lambda row: not row.retired,
    "unchecked": lambda row: not row.retired and not row.item.verified,
    "checked": lambda row: not row.retired and row.item.verified,
    "reported": lambda row: not row.retired and row.reports.since_check > 0,
    "retired": lambda row: row.retired,
    "all": lambda row: True,
}
ORIGINS = (edits.SEED, edits.STAFF, edits.FEED)
PLACE_DONE = ("added", "edited", "verified", "unverified", "retired", "restored",
              "already_retired", "already_restored")
FEED_DONE = ("added", "exists", "started", "running")
_PLACE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_DISTRICT = re.compile(r"^([A-Z]+)(\d+)([A-Z]?)$")
# A feed's problem as `bot.places` logs it (rpde, openactive, feeds) -> what happened, in
# words for coordinators (console.places.problems.*): the first that matches.
PROBLEMS = (
    (re.compile(r"^could not fetch|\(unknown host\)"), "unreachable"),
    (re.compile(r"^HTTP (404|410)\b"), "not_found"),
    (re.compile(r"^HTTP (401|403)\b"), "refused"),
    (re.compile(r"^HTTP (429|5\d\d)\b"), "busy"),
    (re.compile(r"^HTTP \d+"), "error_page"),
    (re.compile(r"^the page (is not|has no)"), "not_feed"),
    (re.compile(r"^another import"), "clash"),
    (re.compile(r"^address not fetched|^not a web address"), "blocked"),
    (re.compile(r"^stopped"), "stopped"),
)
# A source naming one of our own files ("DOMAIN.md (country parks)"): a note from the
# team who made the first catalogue, not somewhere a coordinator can look.
_OUR_FILE = re.compile(r"\b[\w-]+\.(md|ya?ml|csv|txt|json)\b", re.IGNORECASE)


def feed_problem(error: str | None) -> str | None:
    """What went wrong with a feed, as the key of its words (`PROBLEMS`; "other" when
    none fits); None when nothing did."""
    if not error:
        return None
    return next((key for pattern, key in PROBLEMS if pattern.search(error)), "other")


def feed_address(url: str) -> str:
    """A feed's address as people say it: 'https://www.example.org/feeds/x/' ->
    'example.org/feeds/x'."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path.rstrip('/')}" or url


def feed_labels(everything: list[feeds.Feed], rows: list[PlaceRow]) -> dict[str, str]:
    """Each feed's name for coordinators, by the name the importer gave it: the
    publisher its places credit most, else its address (the feeds' pages show the
    address under it)."""
    credited: dict[str, Counter[str]] = {}
    for row in rows:
        if row.feed and row.item.attribution:
            credited.setdefault(row.feed, Counter())[row.item.attribution] += 1
    return {feed.name: credited[feed.name].most_common(1)[0][0] if feed.name in credited
            else feed_address(feed.base_url) for feed in everything}


def first_catalogue_note(row: PlaceRow) -> bool:
    """A place of the first catalogue whose source is a note to its makers."""
    return row.origin == edits.SEED and bool(_OUR_FILE.search(row.item.source or ""))


@dataclass(frozen=True)
class Filters:
    """The list's filters, from the page's address (a GET form: links can be shared)."""

    show: str = "in_use"
    origin: str = ""
    district: str = ""
    kind: str = ""
    name: str = ""
    page: int = 1

    @classmethod
    def read(cls, params: QueryParams) -> Filters:
        show = params.get("show", "in_use")
        origin = params.get("origin", "")
        kind = params.get("kind", "")
        page = params.get("page", "1")
        return cls(show if show in SHOWS else "in_use",
                   origin if origin in ORIGINS else "",
                   params.get("district", "").strip().upper()[:8],
                   kind if kind in KINDS else "",
                   " ".join(params.get("name", "").split())[:80],
                   int(page) if page.isdecimal() and 0 < len(page) <= 4 and int(page) else 1)

    def keeps(self, row: PlaceRow) -> bool:
        item = row.item
        return (SHOWS[self.show](row)
                and (not self.origin or row.origin == self.origin)
                and (not self.district or item.district == self.district)
                and (not self.kind or item.kind == self.kind)
                and (not self.name or self.name.lower() in item.name.lower()))

    def query(self, **changes: object) -> str:
        """This list's address with `changes` (another page), defaults left out."""
        values = {**self.__dict__, **changes}
        kept = {k: v for k, v in values.items()
                if v and v != getattr(Filters, k, None) and not (k == "page" and v == 1)}
        return f"?{urlencode(kept)}" if kept else ""

    def detail(self) -> str:
        """What was asked for, for the audit log (names of filters, no one's words)."""
        return " ".join(f"{k}={v}" for k, v in self.__dict__.items()
                        if v and v != getattr(Filters, k, None))[:500]


def district_order(district: str) -> tuple[str, int, str]:
    found = _DISTRICT.match(district)
    return (found.group(1), int(found.group(2)), found.group(3)) if found \
        else (district, 0, "")


def _place_id(request: Request) -> str | None:
    raw = request.path_params.get("place", "")
    return raw if len(raw) <= 64 and _PLACE_ID.match(raw) else None


def _feed_id(request: Request) -> int | None:
    raw = request.path_params.get("feed", "")
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def _staff(session: Session) -> Staff:
    return Staff(session.account.id, session.account.display_name)


def _roomy(handler: Handler) -> Handler:
    """Read a long form (a place has many fields) before the checks every page makes,
    which read forms with a short limit; they use it as read."""

    async def read_first(request: Request) -> Response:
        if request.method == "POST":
            await request.form(max_files=0, max_fields=place_form.MAX_FIELDS)
        return await handler(request)

    return read_first


def _content_root(console: Console) -> Path:
    folder = console.pages.content.folder
    return folder.parent if folder is not None else CONTENT_ROOT


async def reported(console: Console) -> list[PlaceRow]:
    """Places in use that people said were "not as described" since they were last
    checked, the latest report first: for the coordinators' inbox. Checking the place
    again (verify) or retiring it takes it off."""
    rows = await live.staff_view(console.db, _content_root(console), console.clock.now())
    flagged = [row for row in rows if SHOWS["reported"](row)]
    return sorted(flagged, key=lambda row: row.reports.latest or datetime.min.replace(
        tzinfo=UTC), reverse=True)


def routes(console: Console) -> list[Route]:
    pages = console.pages
    content_root = _content_root(console)
    rules = place_form.rules_for(content_root)
    coordinators = signed_in(console, coordinator=True)

    async def view() -> list[PlaceRow]:
        return await live.staff_view(console.db, content_root, console.clock.now())

    async def find(place_id: str) -> PlaceRow | None:
        return next((row for row in await view() if row.id == place_id), None)

    async def record(session: Session, action: str, target: str | None = None,
                     detail: str | None = None) -> None:
        now = console.clock.now()
        await console.run(lambda c: audit.record(c, now, session.account.id, action,
                                                 target=target, detail=detail))

    async def changed() -> None:
        """The bot's catalogue, as it now is, for every engine in this process."""
        await live.refresh(console.db, console.clock.now())

    # -- the list ---------------------------------------------------------------------
    @coordinators
    async def list_page(request: Request, session: Session) -> Response:
        filters = Filters.read(request.query_params)
        rows = await view()
        counts = {show: sum(1 for row in rows if keeps(row)) for show, keeps in SHOWS.items()}
        chosen = sorted((row for row in rows if filters.keeps(row)),
                        key=lambda row: (row.item.name.lower(), row.id))
        last_page = max(1, -(-len(chosen) // PAGE_SIZE))
        filters = replace(filters, page=min(filters.page, last_page))
        start = (filters.page - 1) * PAGE_SIZE
        districts = sorted({row.item.district for row in rows if row.item.district},
                           key=district_order)
        await record(session, "places_listed", detail=filters.detail() or None)
        labels = feed_labels(await console.run(feeds.feeds), rows)
        return pages.render(
            "places.html", session=session, csrf=session.csrf_token, current="places",
            feed_labels=labels,
            rows=chosen[start:start + PAGE_SIZE], matching=len(chosen), total=len(rows),
            counts=counts, filters=filters, shows=tuple(SHOWS), origins=ORIGINS,
            kinds=KINDS, districts=districts,
            previous=filters.query(page=filters.page - 1) if filters.page > 1 else None,
            next=filters.query(page=filters.page + 1) if filters.page < last_page else None)

    # -- one place --------------------------------------------------------------------
    async def place_view(session: Session, row: PlaceRow, banner: str | None) -> Response:
        history, reported, everything = await console.run(lambda c: (
            edits.history(c, row.id), edits.report_times(c, row.id), feeds.feeds(c)))
        labels = feed_labels(everything, await view()) if row.feed else {}
        feed_id = next((f.id for f in everything if f.name == row.feed), None)
        return pages.render("place.html", session=session, csrf=session.csrf_token,
                            current="places", row=row, item=row.item, history=history,
                            reported=reported, banner=banner, feed_labels=labels,
                            feed_id=feed_id, first_note=first_catalogue_note(row))

    @coordinators
    async def place_page(request: Request, session: Session) -> Response:
        place_id = _place_id(request)
        row = await find(place_id) if place_id else None
        if row is None:
            return console.not_found(session)
        await record(session, "place_viewed", f"place:{row.id}")
        done = request.query_params.get("done")
        return await place_view(session, row, done if done in PLACE_DONE else None)

    # -- adding and editing -----------------------------------------------------------
    def form_page(session: Session, row: PlaceRow | None, filled: place_form.Filled,
                  errors: dict[str, str], status: int = 200, *, version: str = "",
                  changed: list[tuple[str, str, str]] | None = None) -> Response:
        return pages.render("place_form.html", status, session=session,
                            csrf=session.csrf_token, current="places", row=row,
                            filled=filled, errors=errors, options=place_form.options(),
                            access=place_form.ACCESS,
                            readings=place_form.readings(filled, errors, rules),
                            version=version or (place_form.version(row.item) if row else ""),
                            changed=changed)

    @coordinators
    async def add_page(request: Request, session: Session) -> Response:
        return form_page(session, None, place_form.filled_from(None), {})

    @coordinators
    async def add(request: Request, session: Session) -> Response:
        filled = place_form.filled_from_form(await console.form(request))
        entry, problems = place_form.entry_from(filled)
        errors = place_form.check(filled, entry, problems, rules, pages.content)
        if errors:
            return form_page(session, None, filled, errors, 400)
        taken = {row.id for row in await view()}
        now, staff = console.clock.now(), _staff(session)

        def save(connection: Connection) -> str:
            place_id = edits.add(connection, entry, staff, now, taken)
            audit.record(connection, now, staff.id, "place_added", target=f"place:{place_id}")
            return place_id

        try:
            place_id = await console.run(save)
        except IntegrityError:  # someone else took the same id a moment ago: try the next
            place_id = await console.run(save)
        await changed()
        return redirect(f"/places/{place_id}?done=added")

    @coordinators
    async def edit_page(request: Request, session: Session) -> Response:
        place_id = _place_id(request)
        row = await find(place_id) if place_id else None
        if row is None or not row.editable:
            return console.not_found(session)
        await record(session, "place_viewed", f"place:{row.id}", "edit")
        return form_page(session, row, place_form.filled_from(row.item), {})

    @coordinators
    async def edit(request: Request, session: Session) -> Response:
        place_id = _place_id(request)
        row = await find(place_id) if place_id else None
        if row is None or not row.editable:
            return console.not_found(session)
        form = await console.form(request)
        filled = place_form.filled_from_form(form)
        # Optimistic concurrency: the form carries the version it was opened at; a save
        # over someone else's later one would silently undo it, so it is refused, what
        # was typed kept, the saved values shown, and the form now at the new version (a
        # second save is a choice). A post without a version (a script) is not checked.
        opened, now_at = str(form.get("version", ""))[:40], place_form.version(row.item)
        if opened and opened != now_at:
            saved = place_form.filled_from(row.item)
            return form_page(session, row, filled, {}, 409, version=now_at,
                             changed=place_form.differences(filled, saved))
        entry, problems = place_form.entry_from(filled, keep=row.item)
        errors = place_form.check(filled, entry, problems, rules, pages.content, row.id)
        if errors:
            return form_page(session, row, filled, errors, 400, version=opened)
        now, staff = console.clock.now(), _staff(session)

        def save(connection: Connection) -> None:
            edits.edit(connection, row.id, row.origin, entry, staff, now)
            audit.record(connection, now, staff.id, "place_edited", target=f"place:{row.id}")

        await console.run(save)
        await changed()
        return redirect(f"/places/{row.id}?done=edited")

    # -- verifying and retiring -------------------------------------------------------
    def acting(action: str):  # type: ignore[no-untyped-def]
        @coordinators
        async def act(request: Request, session: Session) -> Response:
            place_id = _place_id(request)
            row = await find(place_id) if place_id else None
            if row is None or (action in ("verify", "unverify") and not row.editable):
                return console.not_found(session)
            note = str((await console.form(request)).get("note", ""))[:edits.NOTE_LIMIT]
            now, staff = console.clock.now(), _staff(session)

            def save(connection: Connection) -> str:
                if action in ("verify", "unverify"):
                    edits.set_verified(connection, row.id, row.origin, staff, now,
                                       verified=action == "verify", note=note)
                    done = "verified" if action == "verify" else "unverified"
                else:
                    retiring = action == "retire"
                    if not edits.set_retired(connection, row.id, row.origin, staff, now,
                                             retired=retiring, note=note):
                        return "already_retired" if retiring else "already_restored"
                    done = "retired" if retiring else "restored"
                audit.record(connection, now, staff.id, f"place_{done}",
                             target=f"place:{row.id}")
                return done

            done = await console.run(save)
            if not done.startswith("already"):
                await changed()
            return redirect(f"/places/{row.id}?done={done}")

        return act

    # -- OpenActive feeds -------------------------------------------------------------
    async def feeds_view(session: Session, status: int = 200, url: str = "",
                         errors: dict[str, str] | None = None) -> Response:
        everything = await console.run(feeds.feeds)
        return pages.render("feeds.html", status, session=session, csrf=session.csrf_token,
                            current="places", feeds=everything, url=url,
                            errors=errors or {}, now=console.clock.now(),
                            feed_labels=feed_labels(everything, await view()),
                            address_of=feed_address, problem_of=feed_problem)

    @coordinators
    async def feeds_page(request: Request, session: Session) -> Response:
        await record(session, "feeds_listed")
        return await feeds_view(session)

    @coordinators
    async def add_feed(request: Request, session: Session) -> Response:
        typed = str((await console.form(request)).get("url", ""))[:4096]
        problem, url = await feeds.check_url(typed, allow_private=feeds.private_allowed())
        if problem is not None:
            return await feeds_view(session, 400, typed.strip()[:4096],
                                    {"url": f"console.places.feeds.errors.{problem}"})
        now, staff = console.clock.now(), _staff(session)

        def save(connection: Connection) -> tuple[int, bool]:
            feed_id, new = feeds.add_feed(connection, url, staff.id, staff.name, now)
            if new:
                audit.record(connection, now, staff.id, "feed_added", target=f"feed:{feed_id}")
            return feed_id, new

        feed_id, new = await console.run(save)
        return redirect(f"/places/feeds/{feed_id}?done={'added' if new else 'exists'}")

    @coordinators
    async def feed_page(request: Request, session: Session) -> Response:
        feed_id = _feed_id(request)
        now = console.clock.now()
        found = await console.run(lambda c: (feeds.feed(c, feed_id), feeds.runs(c, feed_id))) \
            if feed_id is not None else (None, [])
        feed, runs = found
        if feed is None:
            return console.not_found(session)
        await record(session, "feed_viewed", f"feed:{feed.id}")
        rows = await view()
        in_catalogue = Counter(row.feed for row in rows if not row.retired)
        everything = await console.run(feeds.feeds)
        done = request.query_params.get("done")
        return pages.render("feed.html", session=session, csrf=session.csrf_token,
                            current="places", feed=feed, runs=runs, now=now,
                            places=in_catalogue.get(feed.name, 0),
                            label=feed_labels(everything, rows)[feed.name],
                            problem_of=feed_problem,
                            banner=done if done in FEED_DONE else None)

    @coordinators
    async def import_now(request: Request, session: Session) -> Response:
        feed_id = _feed_id(request)
        feed = await console.run(lambda c: feeds.feed(c, feed_id)) \
            if feed_id is not None else None
        if feed is None:
            return console.not_found(session)
        now, staff = console.clock.now(), _staff(session)

        def start(connection: Connection) -> int | None:
            run_id = feeds.start_run(connection, feed.id, staff.id, staff.name, now)
            if run_id is not None:
                audit.record(connection, now, staff.id, "feed_import_started",
                             target=f"feed:{feed.id}")
            return run_id

        run_id = await console.run(start)
        if run_id is None:
            return redirect(f"/places/feeds/{feed.id}?done=running")

        async def work() -> None:
            report = await feeds.run_import(console.db, run_id, feed.base_url,
                                            console.clock.now)
            ended = console.clock.now()
            problem = report.error if report is not None else "stopped"
            await console.run(lambda c: audit.record(
                c, ended, None, "feed_imported", target=f"feed:{feed.id}", detail=problem))
            await changed()

        response = redirect(f"/places/feeds/{feed.id}?done=started")
        # After the answer is sent: the page says it has started, and shows how it went.
        response.background = BackgroundTask(work)
        return response

    return [Route("/places", list_page, methods=["GET"]),
            Route("/places/new", add_page, methods=["GET"]),
            Route("/places/new", _roomy(add), methods=["POST"]),
            Route("/places/feeds", feeds_page, methods=["GET"]),
            Route("/places/feeds", add_feed, methods=["POST"]),
            Route("/places/feeds/{feed}", feed_page, methods=["GET"]),
            Route("/places/feeds/{feed}/import", import_now, methods=["POST"]),
            Route("/places/{place}", place_page, methods=["GET"]),
            Route("/places/{place}/edit", edit_page, methods=["GET"]),
            Route("/places/{place}/edit", _roomy(edit), methods=["POST"]),
            *[Route(f"/places/{{place}}/{name}", acting(name), methods=["POST"])
              for name in ("verify", "unverify", "retire", "restore")]]
