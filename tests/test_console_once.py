"""Every console form is done once (`bot.console.once`), through the real app over HTTP on
SQLite and PostgreSQL: the same form sent twice (Back and send, a double click, two at
once) adds one place, saves one edit, warns once, notes once, and the repeat goes where
the first went with a note saying it was already done. A form sent back to mend can be
sent again, a token means nothing at another form, and claims go with the session."""

from __future__ import annotations

import asyncio
import re
from html import unescape

import httpx
from test_console_cases import ANN, SAM, reported
from test_console_http import DUTY, RESIDENT, console, text_of
from test_console_places import a_place, site
from test_console_requests import RESIDENT as REQUESTER
from test_console_requests import check

from bot.config import Settings
from bot.core.content import library
from bot.peers.models import ModerationCase
from bot.places.models import PlaceChange, PlaceRecord
from bot.staff.models import StaffFormUse
from bot.storage.models import AuditEntry, OutboxMessage

EN = library().for_language("en")
REPEATED = EN.text("console.repeated")


def once_of(page: httpx.Response, action: str) -> str:
    """The one-time token of the form on `page` that posts to `action`."""
    form = re.search(rf'<form action="{re.escape(action)}"[^>]*>(.*?)</form>', page.text,
                     re.DOTALL)
    assert form is not None, f"no form for {action}"
    token = re.search(r'name="once" value="([^"]+)"', form.group(1))
    assert token is not None, f"the form for {action} has no one-time token"
    return unescape(token.group(1))


# -- places -------------------------------------------------------------------------------
async def test_adding_a_place_twice_adds_it_once(settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam:
        form = await sam.get("/staff/places/new")
        once = once_of(form, "/staff/places/new")
        first = await sam.post("/staff/places/new", {**a_place(), "once": once})
        assert first.status_code == 303
        assert first.headers["location"] == "/staff/places/knighton-park-walk?done=added"
        # Back and send again: nothing added, and the first place's page, saying so.
        again = await sam.post("/staff/places/new", {**a_place(), "once": once})
        assert again.status_code == 303
        assert again.headers["location"] == \
            "/staff/places/knighton-park-walk?done=added&again=1"
        assert [r["place_id"] for r in await place.rows(PlaceRecord)] == ["knighton-park-walk"]
        shown = await sam.get(again.headers["location"])
        assert shown.status_code == 200 and REPEATED in text_of(shown)
        assert REPEATED not in text_of(await sam.get(first.headers["location"]))
        assert [a for a, _ in await place.audit("place_added")
                if a == "place_added"] == ["place_added"]

        # A double click: two at once, one place (no knighton-park-walk-2).
        form = await sam.get("/staff/places/new")
        data = {**a_place(name="Aylestone Meadows Walk"),
                "once": once_of(form, "/staff/places/new")}
        both = await asyncio.gather(sam.post("/staff/places/new", data),
                                    sam.post("/staff/places/new", data))
        assert sorted(r.headers["location"] for r in both) == [
            "/staff/places/aylestone-meadows-walk?done=added",
            "/staff/places/aylestone-meadows-walk?done=added&again=1"]
        assert sorted(r["place_id"] for r in await place.rows(PlaceRecord)) == [
            "aylestone-meadows-walk", "knighton-park-walk"]


async def test_a_form_sent_back_to_mend_can_be_sent_again(settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam:
        once = once_of(await sam.get("/staff/places/new"), "/staff/places/new")
        wrong = await sam.post("/staff/places/new", {**a_place(name=""), "once": once})
        assert wrong.status_code == 400
        # The same form, mended: done (the refused sending did nothing, and claims nothing).
        mended = await sam.post("/staff/places/new", {**a_place(), "once": once})
        assert mended.headers["location"] == "/staff/places/knighton-park-walk?done=added"
        # The token means nothing at another form: editing with it is done once of its own.
        edited = await sam.post("/staff/places/knighton-park-walk/edit",
                                {**a_place(area="Knighton"), "once": once})
        assert edited.headers["location"] == "/staff/places/knighton-park-walk?done=edited"


async def test_editing_a_place_twice_saves_it_once(settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam:
        await sam.post("/staff/places/new", a_place())
        path = "/staff/places/knighton-park-walk/edit"
        once = once_of(await sam.get(path), path)
        for _ in range(2):
            last = await sam.post(path, {**a_place(area="Knighton Fields"), "once": once})
        assert last.headers["location"] == \
            "/staff/places/knighton-park-walk?done=edited&again=1"
        edits = [r for r in await place.rows(PlaceChange) if r["action"] == "edited"]
        assert len(edits) == 1
        assert [a for a, _ in await place.audit("place_edited")
                if a == "place_edited"] == ["place_edited"]


# -- reports and alerts -------------------------------------------------------------------
async def test_warning_twice_warns_once(settings: Settings) -> None:
    async with console(settings) as home, home.browser() as mo:
        case = await reported(home.world, (ANN, "hello Sam"), (SAM, "give me your number"))
        await home.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        page = await mo.get(f"/staff/cases/{case}")
        once = once_of(page, f"/staff/cases/{case}/warn")
        await home.world.delivered()
        first = await mo.post(f"/staff/cases/{case}/warn", {"once": once})
        assert first.headers["location"] == f"/staff/cases/{case}?done=warn"
        again = await mo.post(f"/staff/cases/{case}/warn", {"once": once})
        assert again.headers["location"] == f"/staff/cases/{case}?done=warn&again=1"
        warnings = [r for r in await home.world.rows(OutboxMessage)
                    if r["payload"].get("text") == EN.text("peers.moderation.warning")]
        assert len(warnings) == 2  # one to each of the two people, once
        assert [r["action"] for r in await home.world.rows(AuditEntry)
                if r["action"] == "case_warn"] == ["case_warn"]
        shown = text_of(await mo.get(again.headers["location"]))
        assert REPEATED in shown
        # Closing sent twice closes once: the repeat is not "already closed".
        page = await mo.get(f"/staff/cases/{case}")
        close = {"once": once_of(page, f"/staff/cases/{case}/close"),
                 "close_note": "Spoke to both", "chat": "keep"}
        assert (await mo.post(f"/staff/cases/{case}/close", close)).headers["location"] \
            == f"/staff/cases/{case}?done=close_kept"
        assert (await mo.post(f"/staff/cases/{case}/close", close)).headers["location"] \
            == f"/staff/cases/{case}?done=close_kept&again=1"
        [row] = await home.world.rows(ModerationCase)
        assert row["status"] == "closed"


async def test_an_alert_note_sent_twice_is_noted_once(settings: Settings) -> None:
    async with console(settings) as home, home.browser() as sam:
        await home.world.moderator(DUTY, "Dee", role="coordinator")
        await home.world.resident(RESIDENT, "Ann")
        await home.world.says(RESIDENT, "i want to end my life tonight")
        await home.staff(sam, "sam@example.org")
        page = await sam.get("/staff/alerts/1")
        claim = once_of(page, "/staff/alerts/1/claim")
        note = once_of(page, "/staff/alerts/1/note")
        assert claim != note  # each form its own
        assert (await sam.post("/staff/alerts/1/claim", {"once": claim})
                ).headers["location"] == "/staff/alerts/1?done=acknowledged"
        # Not "already picked up": the repeat is shown what the first did.
        assert (await sam.post("/staff/alerts/1/claim", {"once": claim})
                ).headers["location"] == "/staff/alerts/1?done=acknowledged&again=1"
        for _ in range(2):
            await sam.post("/staff/alerts/1/note", {"once": note, "note": "Rang Ann"})
        alert = await home.alert()
        assert str(alert["notes"]).count("Rang Ann") == 1


async def test_claims_go_with_the_session(settings: Settings) -> None:
    async with site(settings) as place, place.browser() as sam:
        once = once_of(await sam.get("/staff/places/new"), "/staff/places/new")
        await sam.post("/staff/places/new", {**a_place(), "once": once})
        [claim] = await place.rows(StaffFormUse)
        assert once not in str(claim)  # only a keyed hash of the token
        assert claim["location"] == "/staff/places/knighton-park-walk?done=added"
        await sam.get("/staff/")
        await sam.post("/staff/sign-out")
        assert await place.rows(StaffFormUse) == []


async def test_a_reply_sent_twice_goes_once_and_says_so(settings: Settings) -> None:
    async with console(settings) as home, home.browser() as mo:
        world = home.world
        await world.resident(REQUESTER, "Ann")
        await world.says(REQUESTER, "talk to a person")
        await home.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        page = await mo.get("/staff/requests/1")
        claim = once_of(page, "/staff/requests/1/claim")
        await mo.post("/staff/requests/1/claim", {"once": claim})
        checked, handle = await check(mo, "Hi Ann, the walk starts at ten.")
        send = {"check": handle, "once": once_of(checked, "/staff/requests/1/send")}
        assert (await mo.post("/staff/requests/1/send", send)).headers["location"] == \
            "/staff/requests/1?done=sent"
        # Not "nothing was sent": what the first did, and that it was done already.
        again = await mo.post("/staff/requests/1/send", send)
        assert again.headers["location"] == "/staff/requests/1?done=sent&again=1"
        assert REPEATED in text_of(await mo.get(again.headers["location"]))
        assert (await world.delivered()).texts(REQUESTER)[-1:] == \
            ["Move Mates team (Mo): Hi Ann, the walk starts at ten."]
        assert len([r for r in await home.world.rows(AuditEntry)
                    if r["action"] == "team_reply_sent"]) == 1
