"""Reports and groups in the staff console, through the real app over HTTP on SQLite and
PostgreSQL: a moderator opens a peer-chat report from the inbox, reads it (audited),
picks it up, notes it, warns, pauses and closes it with a note, while a volunteer
moderator's CASE commands by text act on the same case; the people in the chat get the
very texts the commands send. A suspension leaves someone to call back, which is picked up,
noted and closed with an outcome. Held group posts are shared and removed as a group
helper's buttons do. Forged forms, unknown ids and every look and action in the log."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from test_console_http import console, sent_back, text_of

from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address
from bot.groups import store as group_store
from bot.peers import moderation
from bot.peers.models import HeldMessage, ModerationCase, PeerChat
from bot.storage.models import AuditEntry, OutboxMessage, Person
from support.peers import PeerWorld

EN = library().for_language("en")
MO = Address("telegram", "50601")  # a volunteer moderator, by CASE commands
SAM = Address("sms", "+447700900611")  # a peer supporter
ANN = Address("sms", "+447700900612")  # a resident
TOM = Address("telegram", "50613")  # a resident in a Telegram group
GROUP = -1001234567
PASSWORD_LIKE = ("+4477", "07700", "50601", "50613", "@")


def t(key: str, **values: Any) -> str:
    return EN.text(key, **values)


async def reported(world: PeerWorld, *lines: tuple[Address, str], by: Address = ANN) -> int:
    """Ann and Sam chatting, a few lines, then Ann (or Sam, `by`) reports the chat: the
    case's id."""
    await world.moderator(MO, "Mo")
    await world.supporter(SAM, "Sam")
    await world.resident(ANN, "Ann")
    await world.asks_for_buddy(ANN)
    await world.connected(ANN, SAM)
    for who, line in lines:
        await world.says(who, line)
    await world.says(by, "report")
    cases = await world.rows(ModerationCase)
    return int(cases[-1]["id"])


async def actions_by(site: Any, staff_id: int) -> list[str]:
    """What one member of staff did to reports and groups, in order."""
    return [r["action"] for r in sorted(await site.audit(), key=lambda r: r["id"])
            if r["actor_staff_id"] == staff_id and r["action"].startswith(
                ("case", "follow_up", "held", "groups"))]


async def test_a_moderator_handles_a_report_in_the_console_as_by_text(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo:
        world = site.world
        case = await reported(world, (ANN, "hello Sam"), (SAM, "give me your number"))
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")

        inbox = await mo.get("/staff/")
        words = text_of(inbox)
        assert f"Report {case}" in words and "A peer chat" in words
        assert "give me your number" not in words  # the words only on the report's page
        assert f'href="/staff/cases/{case}"' in inbox.text
        listing = text_of(await mo.get("/staff/cases"))
        assert "Open reports" in listing
        assert f"Report {case} About A peer chat" in listing and "Not picked up" in listing

        page = await mo.get(f"/staff/cases/{case}")
        words = text_of(page)
        assert page.status_code == 200
        assert "hello Sam" in words and "give me your number" in words
        assert "Reported by Ann, resident" in words
        assert "Person reported Sam, peer supporter" in words
        assert "Your match" not in words
        assert "Paused for a moderator" in words
        for trace in PASSWORD_LIKE:  # no number, no Telegram id
            assert trace not in words, trace
        viewed = [r for r in await site.audit() if r["action"] == "case_viewed"]
        assert [(r["actor_staff_id"], r["case_id"]) for r in viewed] == [(1, case)]

        claimed = await mo.post(f"/staff/cases/{case}/claim")
        assert claimed.headers["location"] == f"/staff/cases/{case}?done=claimed"
        page = text_of(await mo.get(claimed.headers["location"]))
        assert f"Report {case} is yours now" in page and "You have picked this up" in page
        assert "Picked up Mo Khan" in text_of(await mo.get("/staff/"))
        empty = await sent_back(mo, await mo.post(f"/staff/cases/{case}/note", {"note": "  "}),
                                f"/staff/cases/{case}")
        assert "Write a note first" in text_of(empty)
        noted = await mo.post(f"/staff/cases/{case}/note", {"note": "Asked Sam to call me"})
        assert noted.headers["location"] == f"/staff/cases/{case}?done=noted"

        # Warned from the console and by text: both get the same words both times.
        await world.delivered()
        warned = await mo.post(f"/staff/cases/{case}/warn")
        assert warned.headers["location"] == f"/staff/cases/{case}?done=warn"
        by_console = await world.delivered()
        assert by_console.only(ANN) == by_console.only(SAM) == t("peers.moderation.warning")
        by_text = await world.says(MO, f"CASE {case} WARN")
        assert by_text.only(ANN) == by_console.only(ANN)
        assert by_text.only(SAM) == by_console.only(SAM)
        [warning] = [r for r in await world.rows(OutboxMessage)
                     if r["address"] == ANN.address and r["kind"] == "moderation"][:1]
        assert warning["payload"]["text"] == t("peers.moderation.warning")

        paused = await mo.post(f"/staff/cases/{case}/pause")
        assert paused.headers["location"] == f"/staff/cases/{case}?done=pause"
        [chat] = await world.rows(PeerChat)
        assert chat["status"] == "paused" and chat["paused_by"] is None
        # Neither of them can lift a moderator's pause.
        heard = await world.says(SAM, "are you there?")
        assert heard.only(SAM) == t("peers.relay.under_review") and ANN not in heard

        no_note = await sent_back(mo, await mo.post(f"/staff/cases/{case}/close",
                                                    {"close_note": ""}), f"/staff/cases/{case}")
        assert "Say what happened before you close it" in text_of(no_note)
        closed = await mo.post(f"/staff/cases/{case}/close",
                               {"close_note": "Both warned; chat can go on", "chat": "resume"})
        assert closed.headers["location"] == f"/staff/cases/{case}?done=close_resumed"
        heard = await world.delivered()
        assert heard.only(ANN) == heard.only(SAM) == t("peers.moderation.back_on")
        [row] = await world.rows(ModerationCase, ModerationCase.id == case)
        assert row["status"] == "closed" and row["note"] == "Both warned; chat can go on"
        assert (await world.says(MO, f"CASE {case} WARN")).only(MO) == \
            t("peers.moderation.no_case", case=case)
        again = await mo.post(f"/staff/cases/{case}/warn")
        assert again.headers["location"] == f"/staff/cases/{case}?done=already_closed"

        page = text_of(await mo.get(f"/staff/cases/{case}"))
        assert "Closing note Both warned; chat can go on" in page
        assert "Send warning" not in page and "Pick this up" not in page
        # The history: every look and action, whoever did it and however.
        assert "Ann Reported a chat or a post" in page
        assert "Mo Khan Picked up a report" in page
        assert "Mo Khan Added a note to a report Asked Sam to call me" in page
        assert "Mo Khan Sent a warning" in page and "Mo Sent a warning" in page
        assert "Mo Khan Paused a chat" in page
        assert "Mo Khan Closed a report Both warned; chat can go on" in page
        assert "There are no open reports" in text_of(await mo.get("/staff/"))
        assert await actions_by(site, 1) == [
            "cases_listed", "case_viewed", "case_claimed", "case_viewed", "case_viewed",
            "case_viewed", "case_note", "case_warn", "case_pause", "case_viewed",
            "case_viewed", "case_close", "case_resume", "case_viewed"]  # sent back: 2 looks


async def test_a_suspension_leaves_someone_to_call_back(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as kim:
        world = site.world
        first = await reported(world, (SAM, "you're useless"))
        await site.staff(kim, "kim@example.org", "Kim Patel")
        await world.delivered()
        suspended = await kim.post(f"/staff/cases/{first}/suspend")
        assert suspended.headers["location"] == f"/staff/cases/{first}?done=suspend"
        by_console = await world.delivered()
        assert by_console.only(SAM) == t("peers.moderation.suspended_you")
        assert by_console.only(ANN) == t("peers.moderation.ended_you")
        # The same by text on a second chat: the same words.
        bob = Address("sms", "+447700900614")
        lee = Address("sms", "+447700900615")
        await world.supporter(lee, "Lee")
        await world.resident(bob, "Bob")
        await world.asks_for_buddy(bob)
        await world.connected(bob, lee)
        await world.says(bob, "report")
        second = first + 1
        by_text = await world.says(MO, f"CASE {second} SUSPEND")
        assert by_text.only(lee) == by_console.only(SAM)
        assert by_text.only(bob) == by_console.only(ANN)

        inbox = text_of(await kim.get("/staff/"))
        assert f"Call back, report {first}" in inbox and f"Call back, report {second}" in inbox
        page = text_of(await kim.get(f"/staff/cases/{first}"))
        assert "Call back after a suspension" in page and "Sam can't use peer support" in page
        assert "Suspend this person" not in page  # suspended already

        claimed = await kim.post(f"/staff/cases/{first}/follow-up/claim")
        assert claimed.headers["location"] == \
            f"/staff/cases/{first}?done=follow_up_claimed"
        assert "Picked up Kim Patel" in text_of(await kim.get("/staff/"))
        noted = await kim.post(f"/staff/cases/{first}/follow-up/note",
                               {"follow_up_note": "Left a voicemail"})
        assert noted.headers["location"] == f"/staff/cases/{first}?done=follow_up_noted"
        empty = await sent_back(kim, await kim.post(f"/staff/cases/{first}/follow-up/close",
                                                    {"outcome": " "}), f"/staff/cases/{first}")
        assert "Say what happened" in text_of(empty)
        done = await kim.post(f"/staff/cases/{first}/follow-up/close",
                              {"outcome": "Spoke to Sam; will not volunteer again"})
        assert done.headers["location"] == f"/staff/cases/{first}?done=follow_up_closed"
        page = text_of(await kim.get(done.headers["location"]))
        assert "What happened Spoke to Sam; will not volunteer again" in page
        assert "Kim Patel Closed a call back" in page and "Kim Patel Suspended someone" in page
        again = await kim.post(f"/staff/cases/{first}/follow-up/close", {"outcome": "x"})
        assert again.headers["location"] == \
            f"/staff/cases/{first}?done=follow_up_already_closed"
        inbox = text_of(await kim.get("/staff/"))
        assert f"Call back, report {first}" not in inbox
        assert f"Call back, report {second}" in inbox
        # A suspension by text leaves a call back for the console too.
        assert (await kim.post(f"/staff/cases/{second}/follow-up/claim")).headers[
            "location"] == f"/staff/cases/{second}?done=follow_up_claimed"
        assert {"case_suspend", "follow_up_claimed", "follow_up_note",
                "follow_up_closed"} <= set(await actions_by(site, 1))


async def test_forged_forms_and_unknown_ids_change_nothing(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo:
        world = site.world
        case = await reported(world, (SAM, "hi"))
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        await mo.get(f"/staff/cases/{case}")
        await world.delivered()
        before = len(await world.rows(OutboxMessage))
        for path in ("warn", "pause", "end", "suspend", "close", "claim", "note", "chat",
                     "follow-up/claim", "follow-up/note", "follow-up/close"):
            for token in ("", "forged-token"):
                refused = await mo.post(f"/staff/cases/{case}/{path}",
                                        {"close_note": "x", "note": "x"}, token=token)
                assert refused.status_code == 403, path
        assert len(await world.rows(OutboxMessage)) == before
        [row] = await world.rows(ModerationCase)
        assert row["status"] == "open"
        assert await actions_by(site, 1) == ["case_viewed"]
        for path in ("/staff/cases/99", "/staff/cases/abc", "/staff/cases/1234567890",
                     "/staff/groups/held/99", "/staff/groups/held/x"):
            missing = await mo.get(path)
            assert missing.status_code == 404 and "Page not found" in text_of(missing), path
        for path in ("/staff/cases/99/warn", "/staff/cases/99/claim", "/staff/cases/99/chat",
                     "/staff/cases/99/follow-up/close", "/staff/groups/held/99/approve",
                     "/staff/groups/held/99/delete"):
            assert (await mo.post(path, {"outcome": "x"})).status_code == 404, path
        # A report nobody was suspended over has no call back.
        assert (await mo.post(f"/staff/cases/{case}/follow-up/claim")).status_code == 404
        async with site.browser() as stranger:  # not signed in
            assert (await stranger.get("/staff/cases")).headers["location"] == \
                "/staff/sign-in?next=/staff/cases"
            assert (await stranger.post("/staff/cases/1/warn")).headers["location"] == \
                "/staff/sign-in"


async def held_in_a_group(world: PeerWorld) -> tuple[int, int]:
    """A group with Tom (who talks to the bot) as a new member with two posts held and a
    strike: the held posts' ids."""
    await world.says(TOM, "hi")
    tom = await world.person_id(TOM)
    now = world.clock.now()

    def make(connection: Any) -> tuple[int, int]:
        connection.execute(update(Person).where(Person.id == tom).values(name="Tom"))
        group_store.register_group(connection, GROUP, "Walkers of Loughborough", now)
        group = group_store.get_group(connection, GROUP)
        assert group is not None
        group_store.record_join(connection, group, int(TOM.address), now)
        group_store.add_strike(connection, group, int(TOM.address))
        return tuple(group_store.hold_message(  # type: ignore[return-value]
            connection, now, chat_id=GROUP, telegram_id=int(TOM.address), message_id=n,
            text=text) for n, text in ((7, "Join us: walks.example.org"),
                                       (8, "Ring 07700 900123")))

    return await world.db(make)


async def test_held_posts_are_shared_and_removed_as_by_the_helpers(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo:
        world = site.world
        first, second = await held_in_a_group(world)
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        groups = await mo.get("/staff/groups")
        words = text_of(groups)
        assert "Walkers of Loughborough" in words and "the usual rules" in words
        assert "Removed at 3 strikes" in words and "Tom 1 of 3 In the group" in words
        assert f"Held post {first}" in words and "walks.example.org" not in words
        assert TOM.address not in groups.text
        page = await mo.get(f"/staff/groups/held/{first}")
        assert "Join us: walks.example.org" in text_of(page)
        await world.delivered()

        shared = await mo.post(f"/staff/groups/held/{first}/approve")
        assert shared.headers["location"] == "/staff/groups?done=approved"
        heard = await world.delivered()
        group = Address("telegram", str(GROUP))
        assert heard.only(group) == "\n\n".join(
            (t("groups.held.reposted", member=t("groups.held.someone")),
             "Join us: walks.example.org"))
        assert heard.only(TOM) == t("groups.held.approved_member",
                                    group="Walkers of Loughborough")
        again = await mo.post(f"/staff/groups/held/{first}/delete")
        assert again.headers["location"] == "/staff/groups?done=already"
        assert await world.delivered() == {}

        removed = await mo.post(f"/staff/groups/held/{second}/delete")
        assert removed.headers["location"] == "/staff/groups?done=removed"
        heard = await world.delivered()
        assert group not in heard
        assert heard.only(TOM) == t("groups.held.removed_member",
                                    group="Walkers of Loughborough")
        held = await world.rows(HeldMessage)
        assert {(r["status"], r["text"], r["decided_by"]) for r in held} == {
            ("approved", "", None), ("removed", "", None)}
        page = text_of(await mo.get(f"/staff/groups/held/{second}"))
        assert "has been dealt with" in page and "07700" not in page
        assert "No posts are waiting" in text_of(await mo.get("/staff/groups"))
        entries = [r for r in await site.audit() if r["actor_staff_id"] == 1]
        assert [(r["action"], r["detail"]) for r in entries
                if r["action"].startswith("held")] == [
            ("held_viewed", f"held:{first}"), ("held_approved", f"held:{first}"),
            ("held_removed", f"held:{second}"), ("held_viewed", f"held:{second}")]
        assert "groups_listed" in [r["action"] for r in entries]


async def test_the_audit_log_never_keeps_the_words_of_a_report(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo:
        case = await reported(site.world, (SAM, "my secret words"))
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        await mo.get(f"/staff/cases/{case}")
        await mo.post(f"/staff/cases/{case}/end")
        rows = await site.world.db(lambda c: [str(dict(r)) for r in c.execute(
            select(AuditEntry)).mappings()])
        assert not any("my secret words" in row for row in rows)


def test_every_word_made_from_a_value_exists() -> None:
    """Keys the pages build from outcomes and states (the content test finds the rest)."""
    from bot.console import cases as case_pages
    from bot.console import groups as group_pages

    keys = [f"console_cases.done.{o}" for o in case_pages.OUTCOMES]
    keys += [f"console_cases.groups.done.{o}" for o in group_pages.OUTCOMES]
    keys += [f"console_cases.{part}.{kind}" for kind in ("connection", "group")
             for part in ("kind", "actions.warn.hint")]
    keys += [f"console_cases.chat.{s}" for s in ("active", "paused", "reported", "ended",
                                                 "awaiting_resident", "declined", "gone")]
    keys += [f"console_cases.errors.need_{w}" for w in ("close_note", "note", "outcome",
                                                        "lift_note")]
    keys += [f"console.audit.actions.{a}" for a in (
        "case_viewed", "cases_listed", "case_warn", "case_pause", "case_end", "case_suspend",
        "case_close", "case_claimed", "case_note", "follow_up_claimed", "follow_up_note",
        "follow_up_closed", "groups_listed", "held_viewed", "held_approved", "held_removed",
        "case_unsuspend")]
    assert [key for key in keys if not EN.has(key)] == []


# -- closing: what happens to the chat (asked, the safe choice first) ----------------------
async def chat_row(world: PeerWorld) -> dict[str, Any]:
    [chat] = await world.rows(PeerChat)
    return dict(chat)


async def test_closing_keeps_a_paused_chat_paused_unless_asked(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo:
        world = site.world
        case = await reported(world, (SAM, "hi Ann"))
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        page = await mo.get(f"/staff/cases/{case}")
        words = text_of(page)
        # Three choices, each saying what it does; keeping it paused is already chosen.
        assert "What happens to the chat?" in words
        for key in ("chat_keep_held", "chat_resume", "chat_end"):
            assert t(f"console_cases.actions.close.{key}.label") in words, key
            assert t(f"console_cases.actions.close.{key}.hint") in words, key
        assert re.search(r'<input[^>]*value="keep"[^>]*checked', page.text)
        assert not re.search(r'<input[^>]*value="(resume|end)"[^>]*checked', page.text)
        assert "it starts again" not in words
        await world.delivered()

        # The note is missing: the form comes back with the choice made kept.
        again = await sent_back(mo, await mo.post(f"/staff/cases/{case}/close", {
            "close_note": "", "chat": "end"}), f"/staff/cases/{case}")
        assert re.search(r'<input[^>]*value="end"[^>]*checked', again.text)

        # No choice sent at all (an old page): the chat stays as it is, nobody is told.
        closed = await mo.post(f"/staff/cases/{case}/close", {"close_note": "Calling Sam first"})
        assert closed.headers["location"] == f"/staff/cases/{case}?done=close_kept"
        assert await world.delivered() == {}
        assert (await chat_row(world))["status"] == "reported"
        heard = await world.says(ANN, "are you there?")
        assert heard.only(ANN) == t("peers.relay.under_review") and SAM not in heard
        page = text_of(await mo.get(closed.headers["location"]))
        assert t("console_cases.done.close_kept", number=case) in page
        assert "The chat is still paused" in page and "Mo Khan Kept a chat paused" in page
        assert "What happens to the chat?" not in page  # the report is closed

        # Later, from the closed report: started again, both told it is back on.
        resumed = await mo.post(f"/staff/cases/{case}/chat", {"chat": "resume"})
        assert resumed.headers["location"] == f"/staff/cases/{case}?done=chat_resumed"
        heard = await world.delivered()
        assert heard.only(ANN) == heard.only(SAM) == t("peers.moderation.back_on")
        assert (await chat_row(world))["status"] == "active"
        page = text_of(await mo.get(resumed.headers["location"]))
        assert "The chat is still paused" not in page and "Started a chat again" in page
        twice = await mo.post(f"/staff/cases/{case}/chat", {"chat": "end"})
        assert twice.headers["location"] == f"/staff/cases/{case}?done=chat_not_held"
        assert await world.delivered() == {}
        assert (await chat_row(world))["status"] == "active"
        assert await actions_by(site, 1) == [  # the form sent back: its page, and a reload
            "case_viewed", "case_viewed", "case_viewed", "case_close", "case_keep_paused",
            "case_viewed", "case_resume", "case_viewed"]


async def test_closing_can_end_the_chat_or_start_it_again(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo:
        world = site.world
        case = await reported(world, (SAM, "hi Ann"))
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        await mo.get(f"/staff/cases/{case}")
        await world.delivered()
        # An open report's chat is settled by closing it, never by the later form.
        early = await mo.post(f"/staff/cases/{case}/chat", {"chat": "resume"})
        assert early.headers["location"] == f"/staff/cases/{case}?done=chat_not_held"
        assert (await chat_row(world))["status"] == "reported"
        ended = await mo.post(f"/staff/cases/{case}/close",
                              {"close_note": "Not safe to go on", "chat": "end"})
        assert ended.headers["location"] == f"/staff/cases/{case}?done=close_ended"
        heard = await world.delivered()
        assert heard.only(ANN) == heard.only(SAM) == t("peers.moderation.ended_you")
        assert (await chat_row(world))["status"] == "ended"
        page = text_of(await mo.get(ended.headers["location"]))
        assert "The chat is still paused" not in page
        assert "Mo Khan Closed a report Not safe to go on" in page
        assert "Mo Khan Ended a chat" in page


async def test_a_chat_paused_by_its_own_people_is_never_started_by_closing(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo:
        world = site.world
        case = await reported(world, (SAM, "hi Ann"))
        ann = await world.person_id(ANN)
        # Ann paused it herself meanwhile (as PAUSE does): only she may start it again.
        await world.db(lambda c: c.execute(update(PeerChat).values(status="paused",
                                                                   paused_by=ann)))
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        page = text_of(await mo.get(f"/staff/cases/{case}"))
        assert t("console_cases.actions.close.chat_keep_open.label") in page
        assert t("console_cases.actions.close.chat_resume.label") not in page
        await world.delivered()
        for forged in ("resume", "restart"):  # not offered, or not a choice at all
            await world.db(lambda c: c.execute(update(ModerationCase).values(status="open")))
            closed = await mo.post(f"/staff/cases/{case}/close",
                                   {"close_note": "Fine", "chat": forged})
            assert closed.headers["location"] == f"/staff/cases/{case}?done=close", forged
            assert await world.delivered() == {}
            chat = await chat_row(world)
            assert (chat["status"], chat["paused_by"]) == ("paused", ann)
        page = text_of(await mo.get(f"/staff/cases/{case}"))
        assert "The chat is still paused" not in page  # hers to start again, not ours


async def test_people_are_named_for_staff_never_as_residents_see_them(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo:
        world = site.world
        case = await reported(world, (SAM, "hi Ann"), (ANN, "hello"))
        ann = await world.person_id(ANN)
        # A name that carries a number is never shown: residents would read "Your match".
        await world.db(lambda c: c.execute(update(Person).where(Person.id == ann).values(
            name="Ann 07700 900123")))
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        words = text_of(await mo.get(f"/staff/cases/{case}"))
        assert t("peers.no_name") not in words
        assert f"Reported by Person {ann}, resident" in words
        assert "Person reported Sam, peer supporter" in words
        # Each line of the chat says whose it is, and marks the person reported.
        assert re.search(r"Sam, peer supporter, \w{3} \d+ \w{3} \d{4}, \d\d:\d\d Person "
                         r"reported hi Ann", words), words
        assert "07700" not in words
        assert "About whom" not in words


async def test_a_group_report_names_members_as_members(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo:
        world = site.world
        await world.says(TOM, "hi")
        tom = await world.person_id(TOM)
        now = world.clock.now()

        def make(connection: Any) -> int:
            connection.execute(update(Person).where(Person.id == tom).values(name="Tom"))
            group_store.register_group(connection, GROUP, "Walkers of Loughborough", now)
            seen = {"telegram_id": 777, "name": "Bob", "text": "buy my pills",
                    "at": now.isoformat()}
            return group_store.open_case(
                connection, now, chat_id=GROUP, reported_by=tom, subject_id=None,
                subject_telegram_id=777, reason="selling",
                history={"reported": seen, "before": [
                    {"telegram_id": int(TOM.address), "name": "Tom", "text": "morning all",
                     "at": now.isoformat()}, {**seen, "text": "cheap too"}]})

        case = await world.db(make)
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        words = text_of(await mo.get(f"/staff/cases/{case}"))
        assert "Reported by Tom, group member" in words
        assert "Person reported Bob, group member" in words
        assert re.search(r"Tom, group member, [^A-Z]*\w{3} \d+ \w{3} \d{4}, \d\d:\d\d morning",
                         words), words
        assert re.search(r"Bob, group member, \S+ \d+ \S+ \d{4}, \d\d:\d\d Person reported "
                         r"cheap too", words), words
        assert "What happens to the chat?" not in words  # no chat to decide on
        assert t("peers.no_name") not in words


def test_every_word_for_closing_and_people_exists() -> None:
    from bot.console import cases as case_pages

    keys = [f"console_cases.done.{o}" for o in case_pages.OUTCOMES]
    keys += [f"console_cases.actions.close.chat_{c}.{part}" for part in ("label", "hint")
             for c in ("keep_held", "keep_open", "resume", "end")]
    keys += [f"console_cases.roles.{r}" for r in ("resident", "supporter", "member")]
    keys += [f"console.audit.actions.{a}" for a in moderation.CHAT_AUDIT.values()]
    assert [key for key in keys if not EN.has(key)] == []


async def test_a_reports_history_shows_one_look_per_person_in_half_an_hour(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo:
        world = site.world
        case = await reported(world, (ANN, "hello Sam"), (SAM, "give me your number"))
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        for _ in range(4):  # after each action the page opens again
            await mo.get(f"/staff/cases/{case}")
        await mo.post(f"/staff/cases/{case}/note", {"note": "Called Sam"})
        opened = t("console.audit.actions.case_viewed")
        world.clock.advance(timedelta(minutes=20))  # within the half hour: not shown again
        page = text_of(await mo.get(f"/staff/cases/{case}"))
        assert page.count(f"Mo Khan {opened}") == 1, page
        world.clock.advance(timedelta(minutes=11))  # 31 minutes after the first: shown
        page = text_of(await mo.get(f"/staff/cases/{case}"))
        assert page.count(f"Mo Khan {opened}") == 2, page
        assert "Mo Khan Added a note to a report Called Sam" in page
        # The audit log keeps every look.
        viewed = [r for r in await site.audit() if r["action"] == "case_viewed"]
        assert len(viewed) == 6


# -- suspending asks first; a suspension can be lifted --------------------------------------
async def test_suspending_asks_first_says_what_they_are_told_and_happens_once(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as kim:
        world = site.world
        case = await reported(world, (SAM, "you're useless"))
        await site.staff(kim, "kim@example.org", "Kim Patel")
        await world.delivered()
        page = await kim.get(f"/staff/cases/{case}")
        # The case page's Suspend asks (a link to a question); it changes nothing itself.
        assert re.search(rf'<a href="/staff/cases/{case}/suspend" class="nhsuk-button',
                         page.text)
        ask = await kim.get(f"/staff/cases/{case}/suspend")
        words = text_of(ask)
        assert ask.status_code == 200 and "Suspend Sam?" in words
        assert t("console_cases.suspend.means.chats_end") in words
        assert t("peers.moderation.suspended_you") in words  # their very words
        assert "Confirm and suspend" in words and "Cancel, do not suspend" in words
        assert f'href="/staff/cases/{case}"' in ask.text  # Cancel: back, nothing done
        assert (await world.delivered()).texts(SAM) == []
        [sam] = await world.rows(Person, Person.id == await world.person_id(SAM))
        assert sam["status"] != "suspended"
        assert "case_suspend" not in [r["action"] for r in await site.audit()]

        done = await kim.post(f"/staff/cases/{case}/suspend")
        assert done.headers["location"] == f"/staff/cases/{case}?done=suspend"
        assert (await world.delivered()).only(SAM) == t("peers.moderation.suspended_you")
        # Sent again (Back and Confirm, or a double press): nothing more happens.
        again = await kim.post(f"/staff/cases/{case}/suspend")
        assert again.headers["location"] == f"/staff/cases/{case}?done=already_suspended"
        assert "We did not change anything" in text_of(await kim.get(again.headers["location"]))
        assert (await world.delivered()).texts(SAM) == []
        assert [r["action"] for r in await site.audit()].count("case_suspend") == 1
        # The question is not asked about someone suspended already.
        asked = await kim.get(f"/staff/cases/{case}/suspend")
        assert asked.headers["location"] == f"/staff/cases/{case}?done=already_suspended"
        assert (await kim.get("/staff/cases/99/suspend")).status_code == 404


async def test_a_suspension_is_lifted_with_a_note_and_they_are_told(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as kim:
        world = site.world
        case = await reported(world, by=SAM)  # the supporter reports: Ann is reported
        await site.staff(kim, "kim@example.org", "Kim Patel")
        page = text_of(await kim.get(f"/staff/cases/{case}"))
        assert "Lift the suspension" not in page  # nobody is suspended
        assert (await kim.post(f"/staff/cases/{case}/lift", {"lift_note": "x"})).headers[
            "location"] == f"/staff/cases/{case}?done=not_suspended"
        await kim.post(f"/staff/cases/{case}/suspend")
        await world.delivered()
        refused = await world.says(ANN, "buddy")
        assert refused.text(ANN) == t("peers.moderation.suspended_you")
        # Suspended by text on a second report too: two call backs for Ann.
        await world.says(MO, f"CASE {case} CLOSE talked to them")
        inbox = text_of(await kim.get("/staff/"))
        assert f"Call back, report {case}" in inbox

        page = text_of(await kim.get(f"/staff/cases/{case}"))
        assert "Lift the suspension" in page and "Suspend this person" not in page
        assert t("peers.moderation.unsuspended_you") in page  # what they will be told
        empty = await sent_back(kim, await kim.post(f"/staff/cases/{case}/lift", {
            "lift_note": "   "}), f"/staff/cases/{case}")
        assert "Say why you are lifting the suspension" in text_of(empty)
        assert (await world.delivered()).texts(ANN) == []
        lifted = await kim.post(f"/staff/cases/{case}/lift",
                                {"lift_note": "Spoke to Ann: a misunderstanding"})
        assert lifted.headers["location"] == f"/staff/cases/{case}?done=lifted"
        assert (await world.delivered()).only(ANN) == t("peers.moderation.unsuspended_you")
        page = text_of(await kim.get(lifted.headers["location"]))
        assert "The suspension is lifted." in page
        assert "Suspension lifted Spoke to Ann: a misunderstanding" in page
        assert "Kim Patel Lifted a suspension" in page
        assert "Lift the suspension" not in page
        assert f"Call back, report {case}" not in text_of(await kim.get("/staff/"))
        [ann] = await world.rows(Person, Person.id == await world.person_id(ANN))
        assert ann["status"] == "active"
        assert [(r["action"], r["actor_staff_id"], r["case_id"], r["detail"])
                for r in await site.audit() if r["action"] == "case_unsuspend"] == [
            ("case_unsuspend", 1, case, "Spoke to Ann: a misunderstanding")]
        # Peer support again: asking is no longer refused.
        asked = await world.says(ANN, "buddy")
        assert asked.text(ANN) != t("peers.moderation.suspended_you")
        # Sent again (Back, reload): nothing more happens, nobody is told twice.
        again = await kim.post(f"/staff/cases/{case}/lift", {"lift_note": "again"})
        assert again.headers["location"] == f"/staff/cases/{case}?done=not_suspended"
        assert (await world.delivered()).texts(ANN) == []


async def test_lifting_closes_every_call_back_for_them(settings: Settings) -> None:
    """Suspended over two reports (one by the console, one by text): lifting on one
    closes both call backs, each with the note in its history; a suspension after a lift
    makes a new call back."""
    async with console(settings) as site, site.browser() as kim:
        world = site.world
        first = await reported(world, (SAM, "you're useless"))
        await site.staff(kim, "kim@example.org", "Kim Patel")
        await kim.post(f"/staff/cases/{first}/suspend")
        sam, now = await world.person_id(SAM), world.clock.now()
        second = await world.db(lambda c: int(c.execute(
            ModerationCase.__table__.insert().values(
                kind="connection", status="open", subject_id=sam, created_at=now,
                history={}).returning(ModerationCase.id)).scalar_one()))
        await world.says(MO, f"CASE {second} SUSPEND")
        inbox = text_of(await kim.get("/staff/"))
        assert f"Call back, report {first}" in inbox and f"Call back, report {second}" in inbox
        await world.delivered()

        lifted = await kim.post(f"/staff/cases/{first}/lift", {"lift_note": "All sorted"})
        assert lifted.headers["location"] == f"/staff/cases/{first}?done=lifted"
        assert (await world.delivered()).only(SAM) == t("peers.moderation.unsuspended_you")
        inbox = text_of(await kim.get("/staff/"))
        assert "Call back, report" not in inbox and "Nobody is waiting for a call back" in inbox
        for case in (first, second):
            page = text_of(await kim.get(f"/staff/cases/{case}"))
            assert "Kim Patel Lifted a suspension All sorted" in page, case
            assert "Suspension lifted All sorted" in page, case
        assert not await world.db(lambda c: moderation.is_suspended(c, sam))

        # Suspended again: a new call back.
        await world.says(MO, f"CASE {second} SUSPEND")
        assert await world.db(lambda c: moderation.is_suspended(c, sam))
        inbox = text_of(await kim.get("/staff/"))
        assert f"Call back, report {second}" in inbox
        assert f"Call back, report {first}" not in inbox


async def test_a_suspended_person_is_named_in_the_inbox_and_can_be_written_to(
        settings: Settings) -> None:
    """The call back a suspension promises: the inbox says who (not only the report's
    number), and "Write to them" opens their conversation with the team, picked up, where
    the one reply path checks and sends; after STOP nothing is opened."""
    from test_console_requests import check

    async with console(settings) as site, site.browser() as kim:
        world = site.world
        first = await reported(world, (SAM, "you're useless"))
        await site.staff(kim, "kim@example.org", "Kim Patel")
        await kim.post(f"/staff/cases/{first}/suspend")
        await world.delivered()
        inbox = text_of(await kim.get("/staff/"))
        assert f"Who Sam Call back, report {first}" in inbox, inbox
        page = text_of(await kim.get(f"/staff/cases/{first}"))
        assert "Write to them" in page
        opened = await kim.post(f"/staff/cases/{first}/follow-up/answer")
        location = opened.headers["location"]
        assert re.fullmatch(r"/staff/requests/\d+\?done=claimed#answer", location), location
        request_id = int(location.split("/")[3].split("?")[0])
        await world.delivered()  # Sam is told who has their conversation
        _shown, handle = await check(kim, "Hello Sam, it's Kim from the team.", request_id)
        sent = await kim.post(f"/staff/requests/{request_id}/send", {"check": handle})
        assert sent.headers["location"] == f"/staff/requests/{request_id}?done=sent"
        heard = await world.delivered()
        assert heard.only(SAM) == "Move Mates team (Kim): Hello Sam, it's Kim from the team."
        assert "follow_up_answered" in await actions_by(site, 1)
        # Again: the same conversation, already Kim's.
        again = await kim.post(f"/staff/cases/{first}/follow-up/answer")
        assert again.headers["location"] == \
            f"/staff/requests/{request_id}?done=already_yours#answer"
        # After STOP (the conversation ends), nothing is opened and nothing goes.
        await world.says(SAM, "STOP")
        await world.delivered()
        stopped = await kim.post(f"/staff/cases/{first}/follow-up/answer")
        assert stopped.headers["location"] == \
            f"/staff/cases/{first}?done=follow_up_unreachable#follow-up"
        assert "We cannot reach them now" in text_of(await kim.get(stopped.headers["location"]))
        assert (await world.delivered()).texts(SAM) == []
        assert (await kim.post("/staff/cases/999/follow-up/answer")).status_code == 404
