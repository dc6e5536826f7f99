"""The console's Volunteers pages through the real app (`bot.serve.make_asgi_app`) and the
real engine, storage and dispatcher, on SQLite and PostgreSQL: the list (chosen names only,
never a number or a handle; role, load, when free, paused), an invite code shown once and
kept only as a hash that then works by text, pausing and resuming (the volunteer told, an
offer handed back and made again), removing someone after "are you sure?" (the people they
support told, their requests kept), every look and change audited, the anti-forgery token,
moderators kept out, and bad addresses answered with 404."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from sqlalchemy import select, update
from test_console_http import Browser, Console, console, text_of

from bot.config import Settings
from bot.console.pages import london
from bot.core.content import library
from bot.core.events import Address
from bot.peers.models import BuddyRequest, Invite, PeerChat
from bot.storage.models import AuditEntry, Person, Volunteer

EN = library().for_language("en")
SAM = Address("telegram", "700101")  # a supporter
PAT = Address("sms", "+447700900702")  # another supporter
CY = Address("telegram", "700103")  # a group moderator
JO = Address("sms", "+447700900704")  # a supporter whose chosen name holds a number
ANN = Address("sms", "+447700900705")  # residents
BOB = Address("telegram", "700106")
NEW = Address("sms", "+447700900707")
CODE = re.compile(r"valid for (\d+) days: ([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})")


def words(key: str, **params: object) -> str:
    """A text as a page reads (`text_of`): spaces collapsed."""
    return " ".join(EN.text(f"console_volunteers.{key}", **params).split())


async def coordinator(site: Console, browser: Browser) -> None:
    await site.staff(browser, "sam.jones@example.org", "Sam Jones")


async def actions(site: Console) -> list[tuple[str, str | None, str | None]]:
    return [(row["action"], row["target"], row["detail"]) for row in await site.audit()
            if row["actor_staff_id"] is not None and row["action"].startswith("volunteer_")]


async def volunteer(site: Console, who: Address) -> dict[str, Any] | None:
    person = await site.world.person_id(who)
    rows = await site.world.rows(Volunteer, Volunteer.person_id == person)
    return rows[0] if rows else None


def row_text(page: str, name: str) -> str:
    """One table row's words, found by the name in its first cell."""
    for row in re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", page, re.S):
        if f">{name}<" in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no row for {name!r}")


async def test_the_list_shows_what_each_volunteer_does_and_never_a_number(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as lee:
        await coordinator(site, lee)
        empty = await lee.get("/staff/volunteers")
        assert empty.status_code == 200 and words("none") in text_of(empty)

        w = site.world
        await w.supporter(SAM, "Sam", capacity="2", days="1", times="1")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        await w.connected(ANN, SAM)
        await w.resident(BOB, "Bob")
        await w.asks_for_buddy(BOB)
        await w.says(SAM, "1")  # Sam says yes to Bob too; Bob has not said yes yet
        await w.supporter(PAT, "Pat", days="8", times="4")
        await w.says(PAT, "pause volunteering")
        await w.moderator(CY, "Cy")
        await w.supporter(JO, "Jo 07700 900123")
        jo = await w.person_id(JO)

        page = await lee.get("/staff/volunteers")
        assert page.status_code == 200
        assert "Volunteers" in text_of(page) and 'aria-current="page"' in page.text
        sam = row_text(page.text, "Sam")
        assert "Peer supporter" in sam and "1 of 2" in sam
        assert words("starting", count=1) in sam
        assert "Monday; Morning" in sam and "Active" in sam and "Pause" in sam
        pat = row_text(page.text, "Pat")
        assert "0 of 1" in pat and "Any day; It varies" in pat
        assert "Paused" in pat and "Resume" in pat
        cy = row_text(page.text, "Cy")
        assert "Group moderator" in cy and words("not_matched") in cy
        assert "Pause" not in cy  # pausing changes nothing for someone never matched
        # A chosen name carrying a number is not shown: a label stands in for it.
        assert row_text(page.text, words("no_name", number=jo))
        for private in ("07700", "900123", "+4477", "700101", "700103", "Ann", "Bob"):
            assert private not in page.text, private
        assert "Jo" not in text_of(page).split()
        listed = [row for row in await site.audit() if row["action"] == "volunteers_listed"]
        assert [row["detail"] for row in listed] == ["0", "4"]
        assert {row["actor_staff_id"] for row in listed} == {1}


async def test_an_invite_code_is_shown_once_kept_as_a_hash_and_works(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as lee:
        await coordinator(site, lee)
        form = await lee.get("/staff/volunteers/invite")
        assert form.status_code == 200 and 'value="14"' in form.text
        assert "movemates coordinator add" in text_of(form)
        for data, field in (({"days": "14"}, "role"),
                            ({"role": "coordinator", "days": "14"}, "role"),
                            ({"role": "supporter", "days": "0"}, "days"),
                            ({"role": "supporter", "days": "366"}, "days"),
                            ({"role": "supporter", "days": "ten"}, "days"),
                            ({"role": "supporter", "days": "1" * 30}, "days")):
            wrong = await lee.post("/staff/volunteers/invite", data)
            assert wrong.status_code == 400, data
            assert text_of(wrong).startswith("Error:")
            assert words(f"errors.{field}") in text_of(wrong)
        assert await site.world.rows(Invite) == []

        # Post/Redirect/Get: the code is made by the POST, shown by the GET after it.
        posted = await lee.post("/staff/volunteers/invite", {"role": "supporter", "days": "3"})
        assert posted.status_code == 303, text_of(posted)
        shown_at = posted.headers["location"]
        assert shown_at.startswith("/staff/volunteers/invite/code?made=")
        made = await lee.get(shown_at)
        assert made.status_code == 200
        found = CODE.search(text_of(made))
        assert found and found.group(1) == "3", text_of(made)
        code = found.group(2)
        assert words("how.code", role="supporter", count=3, code=code) in text_of(made)
        assert words("how.send", code=code) in text_of(made)
        assert words("code.once") in text_of(made)
        assert "Invite code for a peer supporter" in text_of(made)
        expires = site.clock.now().replace(second=0, microsecond=0)
        assert "It works once, until" in text_of(made)
        assert made.headers["cache-control"] == "no-store"

        # Only its hash is kept, and the code appears nowhere after this one page: not in
        # an address, not on a reload or Back (which make no second code either).
        [invite] = await site.world.rows(Invite)
        assert code not in str(invite) and invite["role"] == "supporter"
        assert (invite["expires_at"] - expires).days == 3
        assert code not in shown_at and code not in str(posted.headers)
        for path in (shown_at, "/staff/volunteers", "/staff/volunteers/invite",
                     "/staff/audit"):
            assert code not in (await lee.get(path)).text
        again = await lee.get(shown_at)
        assert again.status_code == 410
        assert words("code_gone.title") in text_of(again) and code not in again.text
        assert again.headers["cache-control"] == "no-store"
        assert len(await site.world.rows(Invite)) == 1
        assert code not in str(await site.audit())
        assert await actions(site) == [("volunteer_invite_created", None, "supporter, 3 days")]

        heard = await site.world.conversation(NEW, f"volunteer {code}", "1", "Nia", "1", "8",
                                              "1", "1", "skip")
        assert heard.only(NEW) == EN.text("peers.volunteer.done.supporter", name="Nia")
        assert "Nia" in text_of(await lee.get("/staff/volunteers"))


async def test_pausing_hands_back_an_offer_and_resuming_makes_it_again(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as lee:
        w = site.world
        await w.supporter(SAM, "Sam")
        await w.moderator(CY, "Cy")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)  # offered to Sam, who has not answered
        sam, cy = await w.person_id(SAM), await w.person_id(CY)
        await coordinator(site, lee)
        await lee.get("/staff/volunteers")

        paused = await lee.post(f"/staff/volunteers/{sam}/pause")
        assert paused.status_code == 303
        assert paused.headers["location"] == f"/staff/volunteers?done=paused&who={sam}"
        heard = await w.delivered()
        assert heard.only(SAM) == EN.text("peers.volunteer.paused_by_team")
        assert (await volunteer(site, SAM) or {})["paused"] is True
        [request] = await w.rows(BuddyRequest)
        assert (request["status"], request["offered_to"]) == ("waiting", None)
        page = await lee.get(paused.headers["location"])
        assert words("done.paused", name="Sam") in text_of(page)
        assert "Paused" in row_text(page.text, "Sam")

        # Again, or a moderator (never matched, so nothing to pause): nothing changes.
        again = await lee.post(f"/staff/volunteers/{sam}/pause")
        assert again.headers["location"].endswith(f"done=unchanged&who={sam}")
        moderator = await lee.post(f"/staff/volunteers/{cy}/pause")
        assert moderator.headers["location"].endswith(f"done=unchanged&who={cy}")
        assert words("done.unchanged", name="Cy") in text_of(
            await lee.get(moderator.headers["location"]))
        assert (await w.delivered()).texts(SAM) == []

        resumed = await lee.post(f"/staff/volunteers/{sam}/resume")
        assert resumed.headers["location"] == f"/staff/volunteers?done=resumed&who={sam}"
        heard = await w.delivered()
        assert heard.texts(SAM)[0] == EN.text("peers.volunteer.resumed_by_team")
        assert len(heard.texts(SAM)) == 2  # and Ann's request, offered to Sam again
        [request] = await w.rows(BuddyRequest)
        assert (request["status"], request["offered_to"]) == ("offered", sam)
        assert "Active" in row_text((await lee.get("/staff/volunteers")).text, "Sam")
        assert await actions(site) == [("volunteer_paused", f"person:{sam}", None),
                                       ("volunteer_resumed", f"person:{sam}", None)]


async def test_the_account_page_says_who_hears_of_alerts_by_text(settings: Settings) -> None:
    """Staff accounts are not volunteers, so no switch puts a member of staff on duty: their
    account page says who a new alert goes to at once, as `alerts.open_alert` decides it
    (those on duty; with nobody on duty, the coordinator volunteers; else nobody but the
    inbox), and how to be one of them. A new alert then reaches exactly those named."""
    def duty(key: str) -> str:
        return " ".join(EN.text(f"console.account.duty.{key}").split())

    async with console(settings) as site, site.browser() as lee, site.browser() as mo:
        w = site.world
        await coordinator(site, lee)
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        mine = await lee.get("/staff/account")
        for key in ("title", "nobody", "not_linked", "how", "how_coordinator"):
            assert duty(key) in text_of(mine), key
        assert 'href="/staff/volunteers"' in mine.text
        theirs = await mo.get("/staff/account")
        assert duty("nobody") in text_of(theirs) and duty("how") in text_of(theirs)
        assert duty("how_coordinator") not in text_of(theirs)  # not their page

        await w.moderator(CY, "Cy", role="coordinator")
        await w.supporter(SAM, "Sam")
        theirs = await mo.get("/staff/account")
        assert duty("coordinators") in text_of(theirs)
        assert "<li><bdi>Cy</bdi></li>" in theirs.text
        assert "<li><bdi>Sam</bdi></li>" not in theirs.text

        await w.says(SAM, "ON DUTY")
        theirs = await mo.get("/staff/account")
        assert duty("on_duty") in text_of(theirs) and duty("coordinators") not in \
            text_of(theirs)
        assert "<li><bdi>Sam</bdi></li>" in theirs.text
        assert "<li><bdi>Cy</bdi></li>" not in theirs.text
        await w.resident(ANN, "Ann")
        heard = await w.says(ANN, "everyone would be better off without me")
        assert "Safety alert 1" in heard.only(SAM)
        assert CY not in heard


async def test_a_coordinator_puts_a_volunteer_on_duty_and_off(settings: Settings) -> None:
    """The ON DUTY switch without a text command: on the Volunteers page, audited with the
    coordinator's name, the volunteer told; on duty, they are told of a new safety alert;
    off, they are not. A suspended volunteer is never put on duty."""
    async with console(settings) as site, site.browser() as lee:
        w = site.world
        await w.supporter(SAM, "Sam")
        await w.moderator(CY, "Cy")
        sam, cy = await w.person_id(SAM), await w.person_id(CY)
        await coordinator(site, lee)
        listed = await lee.get("/staff/volunteers")
        assert f'action="/staff/volunteers/{sam}/on-duty"' in listed.text
        assert 'aria-label="Put on duty: Sam"' in listed.text

        put = await lee.post(f"/staff/volunteers/{sam}/on-duty")
        assert put.headers["location"] == f"/staff/volunteers?done=on_duty&who={sam}"
        assert (await volunteer(site, SAM) or {})["on_duty"] is True
        assert (await w.delivered()).only(SAM) == EN.text("safety.alerts.on_duty_by_team")
        page = await lee.get(put.headers["location"])
        assert words("done.on_duty", name="Sam") in text_of(page)
        assert 'aria-label="Take off duty: Sam"' in page.text
        again = await lee.post(f"/staff/volunteers/{sam}/on-duty")
        assert again.headers["location"].endswith(f"done=unchanged&who={sam}")
        assert (await w.delivered()).texts(SAM) == []

        # On duty, Sam is told of a new safety alert at once (the coordinator by text is not).
        await w.resident(ANN, "Ann")
        heard = await w.says(ANN, "everyone would be better off without me")
        assert "Safety alert 1" in heard.only(SAM)
        assert CY not in heard

        off = await lee.post(f"/staff/volunteers/{sam}/off-duty")
        assert off.headers["location"] == f"/staff/volunteers?done=off_duty&who={sam}"
        assert (await volunteer(site, SAM) or {})["on_duty"] is False
        assert (await w.delivered()).only(SAM) == EN.text("safety.alerts.off_duty_by_team")

        # Suspended: no button to put them on duty, and a forged POST changes nothing.
        await w.db(lambda c: c.execute(update(Volunteer).where(Volunteer.person_id == cy)
                                       .values(suspended_at=site.clock.now())))
        listed = await lee.get("/staff/volunteers")
        assert f'/staff/volunteers/{cy}/on-duty' not in listed.text
        refused = await lee.post(f"/staff/volunteers/{cy}/on-duty")
        assert refused.headers["location"].endswith(f"done=unchanged&who={cy}")
        assert (await volunteer(site, CY) or {})["on_duty"] is False
        duty = [a for a in await actions(site) if "duty" in a[0]]
        assert duty == [("volunteer_on_duty", f"person:{sam}", None),
                        ("volunteer_off_duty", f"person:{sam}", None)]
        staff = {row["actor_staff_id"] for row in await site.audit()
                 if row["action"] in ("volunteer_on_duty", "volunteer_off_duty")}
        assert staff == {1}


async def test_removing_someone_asks_first_then_tells_everyone_it_touches(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as lee:
        w = site.world
        await w.supporter(SAM, "Sam", capacity="2")
        await w.supporter(PAT, "Pat")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        await w.connected(ANN, SAM)  # Sam supports Ann
        await w.resident(BOB, "Bob")
        await w.asks_for_buddy(BOB)
        await w.says(SAM, "1")  # Sam said yes to Bob, who has not answered yet
        sam, pat = await w.person_id(SAM), await w.person_id(PAT)
        await w.says(PAT, "pause volunteering")  # so Bob waits for Sam's place, not Pat's
        await coordinator(site, lee)

        sure = await lee.get(f"/staff/volunteers/{sam}/remove")
        assert sure.status_code == 200
        assert "Remove Sam as a volunteer?" in text_of(sure)
        assert words("remove_page.chats", count=1) in text_of(sure)
        assert words("remove_page.starting", count=1) in text_of(sure)
        assert await volunteer(site, SAM) is not None  # asking changed nothing

        gone = await lee.post(f"/staff/volunteers/{sam}/remove")
        assert (gone.status_code, gone.headers["location"]) == \
            (303, "/staff/volunteers?done=removed")
        heard = await w.delivered()
        assert heard.only(SAM) == EN.text("peers.volunteer.removed_you")
        assert heard.only(ANN) == EN.text("peers.volunteer.removed_partner", alias="Sam")
        assert heard.only(BOB) == EN.text("peers.volunteer.removed_offer", alias="Sam")
        assert await volunteer(site, SAM) is None
        [person] = await w.rows(Person, Person.id == sam)
        assert person["role"] == "resident"
        chats = {row["resident_id"]: row["status"] for row in await w.rows(PeerChat)}
        assert sorted(chats.values()) == ["declined", "ended"]
        # Bob keeps his place: waiting again, never offered to Sam again.
        bob = await w.person_id(BOB)
        [request] = await w.rows(BuddyRequest, BuddyRequest.resident_id == bob)
        assert request["status"] == "waiting" and sam in request["declined_by"]["ids"]
        page = await lee.get(gone.headers["location"])
        assert words("done.removed") in text_of(page) and ">Sam<" not in page.text
        # Sam is a resident like any other now.
        assert (await w.says(SAM, "pause volunteering")).only(SAM) == \
            EN.text("peers.volunteer.not_a_volunteer")

        # Pat, paused, comes back: Bob is offered to Pat.
        await lee.post(f"/staff/volunteers/{pat}/resume")
        assert len((await w.delivered()).texts(PAT)) == 2
        [request] = await w.rows(BuddyRequest, BuddyRequest.resident_id == bob)
        assert (request["status"], request["offered_to"]) == ("offered", pat)

        # Back to Sam's page after removing them: it says plainly they were removed, and
        # when, with the way back (410), not "Page not found"; pressing again changes nothing.
        back = await lee.get(f"/staff/volunteers/{sam}/remove")
        assert back.status_code == 410, text_of(back)
        assert words("removed.title") in text_of(back) and "Page not found" not in text_of(back)
        assert words("removed.body", date=london(site.clock.now())) in text_of(back)
        assert 'href="/staff/volunteers"' in back.text
        again = await lee.post(f"/staff/volunteers/{sam}/remove")
        assert again.status_code == 410 and words("removed.title") in text_of(again)
        assert await actions(site) == [
            ("volunteer_viewed", f"person:{sam}", None),
            ("volunteer_removed", f"person:{sam}",
             "chats ended 1, not started 1, offers passed on 0"),
            ("volunteer_resumed", f"person:{pat}", None)]


async def test_forms_without_the_token_change_nothing(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as lee:
        await site.world.supporter(SAM, "Sam")
        sam = await site.world.person_id(SAM)
        invites = len(await site.world.rows(Invite))  # Sam's, used
        await coordinator(site, lee)
        await lee.get("/staff/volunteers")
        for path, data in ((f"/staff/volunteers/{sam}/pause", {}),
                           (f"/staff/volunteers/{sam}/remove", {}),
                           ("/staff/volunteers/invite", {"role": "supporter", "days": "14"})):
            for token in ("", "forged"):
                refused = await lee.post(path, data, token=token)
                assert refused.status_code == 403, (path, token)
                assert "Nothing was changed" in text_of(refused)
        assert (await volunteer(site, SAM) or {})["paused"] is False
        assert len(await site.world.rows(Invite)) == invites
        assert await actions(site) == []
        assert (await site.world.delivered()).texts(SAM) == []


async def test_moderators_get_403_and_no_link(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo:
        await site.world.supporter(SAM, "Sam")
        sam = await site.world.person_id(SAM)
        invites = len(await site.world.rows(Invite))  # Sam's, used
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        home = await mo.get("/staff/")
        assert 'href="/staff/volunteers"' not in home.text
        for path in ("/staff/volunteers", "/staff/volunteers/invite",
                     f"/staff/volunteers/{sam}/remove"):
            refused = await mo.get(path)
            assert refused.status_code == 403 and "only for coordinators" in text_of(refused)
        for path in (f"/staff/volunteers/{sam}/pause", f"/staff/volunteers/{sam}/remove",
                     "/staff/volunteers/invite"):
            assert (await mo.post(path, {"role": "supporter", "days": "14"})).status_code == 403
        assert (await volunteer(site, SAM) or {})["paused"] is False
        assert len(await site.world.rows(Invite)) == invites
        assert [row for row in await site.audit() if row["action"].startswith("volunteer")
                and row["actor_staff_id"]] == []
    async with console(settings) as site, site.browser() as lee:
        await coordinator(site, lee)
        assert 'href="/staff/volunteers"' in (await lee.get("/staff/")).text


async def test_bad_addresses_get_404(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as lee:
        await site.world.resident(ANN, "Ann")  # a person, but not a volunteer
        ann = await site.world.person_id(ANN)
        await coordinator(site, lee)
        await lee.get("/staff/volunteers")
        for person in ("abc", "-1", "1.5", "1234567890", "99999", str(ann)):
            assert (await lee.get(f"/staff/volunteers/{person}/remove")).status_code == 404
            for action in ("pause", "resume", "remove"):
                missing = await lee.post(f"/staff/volunteers/{person}/{action}")
                assert missing.status_code == 404, (person, action)
                assert "Page not found" in text_of(missing)
        assert (await lee.get("/staff/volunteers/1/pause")).status_code == 405
        assert await actions(site) == []
        assert await site.world.rows(AuditEntry, AuditEntry.target == f"person:{ann}") == []
        [person] = await site.world.rows(Person, Person.id == ann)
        assert person["role"] == "resident"
        assert await site.world.db(lambda c: c.scalar(select(Volunteer.person_id))) is None


async def test_a_code_is_shown_only_to_the_session_that_made_it(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as lee, site.browser() as kim:
        await coordinator(site, lee)
        await site.staff(kim, "kim@example.org", "Kim Lee")
        posted = await lee.post("/staff/volunteers/invite", {"role": "moderator", "days": ""})
        shown_at = posted.headers["location"]
        # Another coordinator with the very address: nothing, and Lee's code is still there.
        other = await kim.get(shown_at)
        assert other.status_code == 410 and CODE.search(text_of(other)) is None
        mine = await lee.get(shown_at)
        found = CODE.search(text_of(mine))
        assert found and found.group(1) == "14"
        assert (await lee.get(shown_at)).status_code == 410
        # A made-up handle, or none: the same page, never an error.
        for path in ("/staff/volunteers/invite/code?made=nope", "/staff/volunteers/invite/code"):
            assert (await lee.get(path)).status_code == 410
        assert len(await site.world.rows(Invite)) == 1
        assert await actions(site) == [("volunteer_invite_created", None, "moderator, 14 days")]



async def test_a_double_click_on_make_the_code_makes_one_code(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as lee:
        await coordinator(site, lee)
        form = await lee.get("/staff/volunteers/invite")
        once = re.search(r'name="once" value="([^"]+)"', form.text)
        assert once, "the form carries a one-off field"
        data = {"role": "supporter", "days": "14", "once": once.group(1)}
        # Two POSTs of one form at once (the browser shows the second's answer).
        both = await asyncio.gather(lee.post("/staff/volunteers/invite", data),
                                    lee.post("/staff/volunteers/invite", data))
        assert [r.status_code for r in both] == [303, 303]
        first = min((r.headers["location"] for r in both), key=len)
        assert {r.headers["location"] for r in both} == {first, f"{first}&again=1"}
        assert len(await site.world.rows(Invite)) == 1
        # And one after the other, before the first answer was followed.
        again = await lee.post("/staff/volunteers/invite", data)
        assert again.headers["location"] == f"{first}&again=1"
        assert len(await site.world.rows(Invite)) == 1
        shown = await lee.get(again.headers["location"])
        assert shown.status_code == 200 and CODE.search(text_of(shown))
        made = [a for a in await actions(site) if a[0] == "volunteer_invite_created"]
        assert len(made) == 1
        # Once shown, the same form sent again (Back and send) makes nothing either: the
        # code's page says it was shown, and that the form was already done.
        later = await lee.post("/staff/volunteers/invite", data)
        assert later.headers["location"] == f"{first}&again=1"
        assert len(await site.world.rows(Invite)) == 1
        gone = await lee.get(later.headers["location"])
        assert gone.status_code == 410
        assert EN.text("console.repeated") in text_of(gone)
        # A second form opened at once asks for its own code.
        other = await lee.get("/staff/volunteers/invite")
        second = re.search(r'name="once" value="([^"]+)"', other.text)
        assert second and second.group(1) != once.group(1)
        await lee.post("/staff/volunteers/invite", {**data, "once": second.group(1)})
        assert len(await site.world.rows(Invite)) == 2
