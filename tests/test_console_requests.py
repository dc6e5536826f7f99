""""Talk to a person" in the staff console, over HTTP through the real app (`make_asgi_app`),
on SQLite and PostgreSQL: the request in the inbox beside safety alerts, its page (each
look audited), picking it up, a reply checked (texts, SMS segments, cost) and sent to the
resident's own channel, notes, handing back; moderators and coordinators alike; the
anti-forgery token on every form; a STOPped resident never sent a reply."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import update
from test_console_http import Browser, console, sent_back, text_of

from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address, Outbound
from bot.core.render import render_sms
from bot.staff.models import TeamMessage, TeamRequest
from bot.storage.models import Identity, OutboxMessage

RESIDENT = Address("sms", "+447700900701")
ON_TELEGRAM = Address("telegram", "70170170")
CHECK = re.compile(r'name="check" value="([^"]+)"')
EN_WORDS = library().for_language("en")


async def check(browser: Browser, reply: str, request_id: int = 1
                ) -> tuple[httpx.Response, str]:
    """A reply checked as the form does it: the POST, then the page it redirects to (the
    check shown), and the check's handle that the Send button posts."""
    posted = await browser.post(f"/staff/requests/{request_id}/check", {"reply": reply})
    assert posted.status_code == 303, text_of(posted)
    location = posted.headers["location"]
    assert location.startswith(f"/staff/requests/{request_id}?check=")
    assert location.endswith("#preview")
    shown = await browser.get(location)
    found = CHECK.search(shown.text)
    return shown, found.group(1) if found else ""


async def test_a_moderator_answers_a_resident_in_the_console(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo:
        world = site.world
        await world.resident(RESIDENT, "Ann")
        heard = await world.says(RESIDENT, "can i talk to a real person please")
        assert "They're working now, until 5pm today." in heard.text(RESIDENT)
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")

        inbox = text_of(await mo.get("/staff/"))
        assert "People talking to a person from the team" in inbox
        assert "Request 1 From Ann Started Mon 2 Mar 2026, 09:" in inbox
        assert "By SMS" in inbox and "The team was working" in inbox and "Waiting" in inbox
        assert "No safety alerts need anyone right now" in inbox  # alerts beside them
        assert "real person please" not in inbox  # words only on the request's own page

        page = text_of(await mo.get("/staff/requests/1"))
        assert "Request 1" in page and "Ann wrote, Mon 2 Mar 2026" in page
        assert "can i talk to a real person please" in page and "Pick this up" in page
        assert "Your reply" not in page  # not theirs yet
        viewed = [r for r in await site.audit() if r["action"] == "team_request_viewed"]
        assert [(r["actor_staff_id"], r["target"]) for r in viewed] == [(1, "team_request:1")]

        claimed = await mo.post("/staff/requests/1/claim")
        assert claimed.headers["location"] == "/staff/requests/1?done=claimed"
        page = text_of(await mo.get(claimed.headers["location"]))
        assert "Request 1 is yours now. They have been told." in page
        assert "Being answered by Mo Khan" in page and "Your reply" in page
        heard = await world.delivered()
        assert heard.only(RESIDENT).startswith("Mo from the Move Mates team has your message")

        heard = await world.says(RESIDENT, "I'd like a walking group near Braunstone")
        assert heard.texts(RESIDENT) == []
        page = text_of(await mo.get("/staff/requests/1"))
        assert "I'd like a walking group near Braunstone" in page

        # Checked first: nothing goes until Send.
        empty = await sent_back(mo, await mo.post("/staff/requests/1/check", {"reply": "  "}),
                                "/staff/requests/1")
        assert "Write your reply first" in text_of(empty)
        reply = "Hi Ann, there is a health walk from Braunstone Park on Tuesdays at 10."
        checked, handle = await check(mo, reply)
        words = text_of(checked)
        assert checked.status_code == 200 and handle
        assert "Goes by SMS Separate texts 1 SMS segments 1" in words
        assert "Estimated cost About £0.04 (£0.04 a segment)" in words
        assert f"Move Mates team (Mo): {reply}" in words
        assert await world.rows(OutboxMessage, OutboxMessage.kind == "team",
                                OutboxMessage.payload["text"].as_string().contains("Tuesdays")
                                ) == []
        sent = await mo.post("/staff/requests/1/send", {"check": handle})
        assert sent.headers["location"] == "/staff/requests/1?done=sent"
        [row] = await world.rows(OutboxMessage, OutboxMessage.kind == "team",
                                 OutboxMessage.payload["text"].as_string().contains(
                                     "Tuesdays"))
        assert row["status"] == "queued" and row["address"] == RESIDENT.address
        heard = await world.delivered()
        assert heard.only(RESIDENT) == f"Move Mates team (Mo): {reply}"
        page = text_of(await mo.get("/staff/requests/1?done=sent"))
        assert "Your reply is on its way." in page
        assert "Mo Khan replied by SMS" in page and "SMS segments: 1" in page

        noted = await mo.post("/staff/requests/1/note", {"note": "Sent the Tuesday walk."})
        assert noted.headers["location"] == "/staff/requests/1?done=noted"
        assert "Note by Mo Khan" in text_of(await mo.get("/staff/requests/1"))

        no_outcome = await sent_back(mo, await mo.post("/staff/requests/1/hand-back",
                                                       {"outcome": ""}), "/staff/requests/1")
        assert "Say what happened before you hand them back" in text_of(no_outcome)
        back = await mo.post("/staff/requests/1/hand-back",
                             {"outcome": "Gave her the Tuesday health walk."})
        assert back.headers["location"] == "/staff/requests/1?done=handed_back"
        page = text_of(await mo.get(back.headers["location"]))
        assert "They are back with the bot. The request is closed." in page
        assert "Gave her the Tuesday health walk." in page and "Your reply" not in page
        heard = await world.delivered()
        assert "You are back with the Move Mates bot" in heard.only(RESIDENT)
        inbox = text_of(await mo.get("/staff/"))
        assert "Nobody is waiting to talk to a person." in inbox
        assert "Talks handed back lately" in inbox and "Handed back by Mo Khan" in inbox

        actions = [r["action"] for r in await site.audit() if r["actor_staff_id"] == 1 and
                   r["action"].startswith("team_")]
        assert actions[:2] == ["team_request_viewed", "team_request_claimed"]
        assert {"team_reply_sent", "team_request_note", "team_request_handed_back"} <= \
            set(actions)
        for row in await site.audit():  # no words, theirs or ours
            assert "Tuesday" not in str(row["detail"]) and "Braunstone" not in \
                str(row["detail"])
        # Moderators answer residents, but the coordinators' pages stay closed to them.
        assert (await mo.get("/staff/audit")).status_code == 403


async def test_a_coordinator_sees_who_has_it_and_may_take_it_over(settings: Settings
                                                                  ) -> None:
    async with console(settings) as site, site.browser() as mo, site.browser() as co:
        world = site.world
        await world.says(ON_TELEGRAM, "hello")
        await world.says(ON_TELEGRAM, "human pls")
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        await site.staff(co, "cat@example.org", "Cat Lee", role="coordinator")
        await mo.get("/staff/requests/1")
        await mo.post("/staff/requests/1/claim")
        page = text_of(await co.get("/staff/requests/1"))
        assert "Mo Khan has this conversation now." in page and "Your reply" not in page
        refused = await co.post("/staff/requests/1/send", {"reply": "Hello from Cat"})
        assert refused.headers["location"] == "/staff/requests/1?done=not_yours"
        taken = await co.post("/staff/requests/1/claim")
        assert taken.headers["location"] == "/staff/requests/1?done=taken_over"
        checked, handle = await check(co, "Hello from Cat")
        assert "Goes by Telegram" in text_of(checked) and "No charge" in text_of(checked)
        await co.post("/staff/requests/1/send", {"check": handle})
        heard = await world.delivered()
        assert heard.texts(ON_TELEGRAM)[-1] == "Move Mates team (Cat): Hello from Cat"
        audit = text_of(await co.get("/staff/audit"))
        assert "Cat Lee Picked up a request to talk Request 1 from Mo Khan" in audit
        assert "Cat Lee Replied to a resident Request 1 By Telegram" in audit


async def test_every_request_form_needs_its_token(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        world = site.world
        await world.resident(RESIDENT, "Ann")
        await world.says(RESIDENT, "talk to a person")
        await site.staff(sam, "sam@example.org")
        await sam.get("/staff/requests/1")
        for path, data in (("claim", {}), ("check", {"reply": "hi"}), ("send", {"reply": "hi"}),
                           ("note", {"note": "n"}), ("hand-back", {"outcome": "o"})):
            for token in ("", "not-the-token"):
                refused = await sam.post(f"/staff/requests/1/{path}", data, token=token)
                assert refused.status_code == 403, path
                assert "Nothing was changed" in text_of(refused)
        [request] = await world.rows(TeamRequest)
        assert request["status"] == "waiting"
        assert await world.rows(TeamMessage, TeamMessage.direction != "in") == []
        assert await world.rows(OutboxMessage, OutboxMessage.kind == "team") == []


async def test_signed_out_unknown_and_stopped(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as stranger:
        world = site.world
        await world.resident(RESIDENT, "Ann")
        await world.says(RESIDENT, "can i speak to someone from the team")
        page = await stranger.get("/staff/requests/1")
        # To sign in (another change adds where to come back to: `?next=`).
        assert page.status_code == 303
        assert page.headers["location"].split("?")[0] == "/staff/sign-in"
        assert (await stranger.post("/staff/requests/1/claim", token="x")).status_code == 303
        await site.staff(sam, "sam@example.org")
        for path in ("/staff/requests/99", "/staff/requests/abc"):
            assert (await sam.get(path)).status_code == 404
        assert (await sam.post("/staff/requests/99/claim")).status_code == 404

        await sam.get("/staff/requests/1")
        await sam.post("/staff/requests/1/claim")
        await world.delivered()
        await world.says(RESIDENT, "STOP")
        stopped = await sam.post("/staff/requests/1/send", {"reply": "Are you there?"})
        assert stopped.headers["location"] == "/staff/requests/1?done=stopped"
        page = text_of(await sam.get("/staff/requests/1?done=stopped"))
        assert "Ended by STOP" in page and "They sent STOP, so nothing more can go" in page
        assert "Your reply" not in page
        assert (await world.delivered()).texts(RESIDENT) == []
        assert "Ended by STOP" in text_of(await sam.get("/staff/"))


async def test_a_long_reply_shows_its_texts_and_cost(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        world = site.world
        await world.resident(RESIDENT, "Ann")
        await world.says(RESIDENT, "real person")
        await site.staff(sam, "sam@example.org")
        await sam.get("/staff/requests/1")
        await sam.post("/staff/requests/1/claim")
        reply = ("The Tuesday walk starts at the park gates at ten. It is flat, about a mile, "
                 "and there are benches on the way. ") * 5
        words = text_of((await check(sam, reply))[0])
        texts = int(re.search(r"Separate texts (\d+)", words).group(1))  # type: ignore[union-attr]
        segments = int(re.search(r"SMS segments (\d+)", words).group(1))  # type: ignore[union-attr]
        assert texts == 2 and segments == 4
        assert "About £0.16 (£0.04 a segment)" in words
        assert "(1/2)" in words and "(2/2)" in words
        words = text_of((await check(sam, "See you Friday 😊"))[0])
        assert "A text cannot carry all you wrote" in words
        assert "Move Mates team (Sam): See you Friday What they" not in words
        assert "Move Mates team (Sam): See you Friday" in words
        too_long = await sent_back(sam, await sam.post("/staff/requests/1/check", {
            "reply": "word " * 300}), "/staff/requests/1")
        assert ">" + "word " * 299 + "word </textarea>" in too_long.text  # nothing typed lost
        assert "Your reply is too long for text messages" in text_of(too_long)


async def test_a_checked_reply_goes_once_whatever_is_reloaded_or_pressed_again(
        settings: Settings) -> None:
    """Post/Redirect/Get: reloading the check sends nothing, Send pressed twice (or Back and
    Send again) sends one reply, and a check is this session's alone."""
    async with console(settings) as site, site.browser() as mo, site.browser() as mo_too:
        world = site.world
        await world.resident(RESIDENT, "Ann")
        await world.says(RESIDENT, "talk to a person")
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        await mo.get("/staff/requests/1")
        await mo.post("/staff/requests/1/claim")
        await world.delivered()
        await mo_too.sign_in("mo@example.org")  # Mo again, in another browser
        await mo_too.get("/staff/requests/1")

        reply = "Hi Ann, the Tuesday walk starts at ten."
        checked, handle = await check(mo, reply)
        assert f"Move Mates team (Mo): {reply}" in text_of(checked)
        at = f"/staff/requests/1?check={handle}"
        for _ in range(2):  # a reload: the same check, nothing sent
            again = await mo.get(at)
            assert again.status_code == 200
            assert f"Move Mates team (Mo): {reply}" in text_of(again)
            assert CHECK.search(again.text).group(1) == handle  # type: ignore[union-attr]
        assert (await world.delivered()).texts(RESIDENT) == []

        # Mo's other session cannot use this check: nothing goes, and it stays Mo's.
        elsewhere = await mo_too.post("/staff/requests/1/send", {"check": handle})
        assert elsewhere.headers["location"] == "/staff/requests/1?done=send_again"
        assert "That reply check is closed" in text_of(await mo_too.get(at))
        assert (await world.delivered()).texts(RESIDENT) == []

        sent = await mo.post("/staff/requests/1/send", {"check": handle})
        assert sent.headers["location"] == "/staff/requests/1?done=sent"
        twice = await mo.post("/staff/requests/1/send", {"check": handle})
        assert twice.headers["location"] == "/staff/requests/1?done=send_again"
        assert "Nothing was sent. That reply went already" in text_of(
            await mo.get(twice.headers["location"]))
        back = await mo.get(at)  # Back to the check after sending: closed, no Send button
        assert "That reply check is closed" in text_of(back) and CHECK.search(back.text) is None
        assert (await world.delivered()).texts(RESIDENT) == [f"Move Mates team (Mo): {reply}"]
        assert len(await world.rows(OutboxMessage, OutboxMessage.kind == "team",
                                    OutboxMessage.payload["text"].as_string().contains(
                                        "Tuesday walk"))) == 1
        sends = [r for r in await site.audit() if r["action"] == "team_reply_sent"]
        assert len(sends) == 1
        # Send without any check (a form from elsewhere): nothing goes.
        bare = await mo.post("/staff/requests/1/send", {"reply": "Unchecked words"})
        assert bare.headers["location"] == "/staff/requests/1?done=send_again"
        assert (await world.delivered()).texts(RESIDENT) == []


async def test_a_safety_alert_is_answered_by_the_one_reply_path(settings: Settings) -> None:
    """"Answer them" on an alert opens the person's conversation with the team, picked
    up, and the reply is checked (segments, cost, what a text drops) and sent as any
    request's is; the conversation shows what their phone got."""
    async with console(settings) as site, site.browser() as mo, site.browser() as cat:
        world = site.world
        await world.resident(RESIDENT, "Ann")
        await world.says(RESIDENT, "i want to end my life tonight")
        await world.delivered()
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        await site.staff(cat, "cat@example.org", "Cat Lee")
        page = text_of(await mo.get("/staff/alerts/1"))
        assert "Answer them" in page and "segments and cost" in page

        answered = await mo.post("/staff/alerts/1/answer")
        assert answered.headers["location"] == "/staff/requests/1?done=claimed#answer"
        heard = await world.delivered()
        assert heard.only(RESIDENT).startswith("Mo from the Move Mates team has your message")
        alert = await site.alert()  # answering it is picking it up
        assert (alert["status"], alert["acknowledged_by_staff_name"]) == \
            ("acknowledged", "Mo Khan")
        page = text_of(await mo.get("/staff/requests/1"))
        assert "Being answered by Mo Khan" in page and "Your reply" in page
        assert "Alert 1 : Crisis" in page  # the alert it answers, linked

        reply = "Ann, we're here — call 116 123 any time 💙"
        checked, handle = await check(mo, reply)
        words = text_of(checked)
        assert "Goes by SMS Separate texts 1 SMS segments 1" in words
        assert "Estimated cost About £0.04" in words
        assert "A text cannot carry all you wrote" in words
        sent = await mo.post("/staff/requests/1/send", {"check": handle})
        assert sent.headers["location"] == "/staff/requests/1?done=sent"
        queued = (await world.delivered()).only(RESIDENT)
        assert queued == f"Move Mates team (Mo): {reply}"
        # What their phone shows is the SMS channel's rendering of it.
        [got] = render_sms(Outbound(queued), allow_unicode=False).parts
        assert got.startswith("Move Mates team (Mo): Ann, we're here") and "💙" not in got
        assert "—" not in got
        page = text_of(await mo.get("/staff/requests/1"))
        received = got.removeprefix("Move Mates team (Mo): ")
        typed = "A text could not carry all of this reply. What was typed:"
        assert f"{received} {typed} {reply}" in page  # what went, then what was typed

        # Again: already theirs; a colleague is sent to the conversation to take it over.
        again = await mo.post("/staff/alerts/1/answer")
        assert again.headers["location"] == "/staff/requests/1?done=already_yours#answer"
        assert "Mo Khan is talking with them now: Request 1" in \
            text_of(await cat.get("/staff/alerts/1"))
        held = await cat.post("/staff/alerts/1/answer")
        assert held.headers["location"] == "/staff/requests/1?done=held#answer"
        page = text_of(await cat.get(held.headers["location"]))
        assert "Mo Khan is talking with them here. Take it over" in page
        assert "Take over from Mo Khan" in page
        assert len(await world.rows(TeamRequest)) == 1

        rows = [(r["actor_staff_id"], r["action"], r["target"], r["detail"])
                for r in await site.audit() if r["action"] in (
                    "safety_alert_answered", "safety_alert_ok", "team_request_claimed",
                    "team_reply_sent")]
        assert rows == [(1, "safety_alert_answered", "alert:1", "team_request:1"),
                        (1, "safety_alert_ok", "alert:1", None),
                        (1, "team_request_claimed", "team_request:1", None),
                        (1, "team_reply_sent", "team_request:1", "sms, 1 segments"),
                        (1, "safety_alert_answered", "alert:1", "team_request:1"),
                        (2, "safety_alert_answered", "alert:1", "team_request:1")]
        assert "Mo Khan Answered an alert Alert 1" in text_of(await cat.get("/staff/audit"))


async def test_an_alert_after_stop_opens_nothing_and_sends_nothing(settings: Settings
                                                                    ) -> None:
    async with console(settings) as site, site.browser() as sam:
        world = site.world
        await world.resident(RESIDENT, "Ann")
        await world.says(RESIDENT, "i want to end my life tonight")
        await world.says(RESIDENT, "STOP")
        await world.delivered()
        await site.staff(sam, "sam@example.org")
        await sam.get("/staff/alerts/1")
        refused = await sam.post("/staff/alerts/1/answer")
        assert refused.headers["location"] == "/staff/alerts/1?done=unreachable"
        assert "We cannot reach them now. They may have sent STOP" in \
            text_of(await sam.get(refused.headers["location"]))
        assert await world.rows(TeamRequest) == []
        assert (await world.delivered()).texts(RESIDENT) == []
        assert (await site.alert())["status"] == "open"  # nobody has it yet
        assert [(r["action"], r["detail"]) for r in await site.audit()
                if r["action"] == "team_reply_refused"] == [("team_reply_refused",
                                                             "unreachable")]


async def test_a_hand_back_from_a_stale_tab_keeps_its_words(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as mo, site.browser() as co:
        world = site.world
        await world.says(ON_TELEGRAM, "hello")
        await world.says(ON_TELEGRAM, "human pls")
        await site.staff(mo, "mo@example.org", "Mo Khan", role="moderator")
        await site.staff(co, "cat@example.org", "Cat Lee", role="coordinator")
        await mo.get("/staff/requests/1")
        await mo.post("/staff/requests/1/claim")
        await co.get("/staff/requests/1")
        await co.post("/staff/requests/1/claim")  # Mo's tab is stale now
        words = "Rang him back; he found the Tuesday walk."
        # Post/Redirect/Get: the words wait for the page the form redirects to, which a
        # reload shows again without posting anything.
        refused = await mo.post("/staff/requests/1/hand-back", {"outcome": words})
        late = await sent_back(mo, refused, "/staff/requests/1")
        page = text_of(late)
        assert "Only Cat Lee can do that now." in page
        assert "What you wrote is in the note box below." in page
        assert re.search(f'name="note"[^>]*>{re.escape(words)}</textarea>', late.text)
        # The handle opens nothing for anyone else, nor on another page.
        where = refused.headers["location"]
        assert words not in (await co.get(where)).text
        assert words not in (await mo.get(where.replace("/requests/1", "/cases/1"))).text
        await co.post("/staff/requests/1/hand-back", {"outcome": "Done by Cat."})
        closed = await sent_back(mo, await mo.post("/staff/requests/1/hand-back",
                                                   {"outcome": words}), "/staff/requests/1")
        assert "Request 1 is already closed." in text_of(closed)
        assert re.search(f'name="note"[^>]*>{re.escape(words)}</textarea>', closed.text)
        kept = await mo.post("/staff/requests/1/note", {"note": words})  # one press keeps it
        assert kept.headers["location"] == "/staff/requests/1?done=noted"
        assert [r["text"] for r in await world.rows(TeamMessage,
                                                    TeamMessage.direction == "note")] == [words]
        [request] = await world.rows(TeamRequest)
        assert request["outcome"] == "Done by Cat."


async def test_a_reply_a_text_cannot_carry_is_never_sent(settings: Settings) -> None:
    """By SMS (GSM-7 only), a reply of which no words would arrive (another alphabet, only
    emoji, only zero-width spaces) is refused at its check, with no Send; one that loses
    some characters is sent with a warning naming what goes; on Telegram all of it goes;
    and Send on a check that has since come to nothing by SMS queues nothing."""
    async with console(settings) as site, site.browser() as cora:
        world = site.world
        await world.resident(RESIDENT, "Ann")
        await world.says(RESIDENT, "talk to a person")
        await site.staff(cora, "cora@example.org", "Cora Diaz", role="moderator")
        await cora.get("/staff/requests/1")
        await cora.post("/staff/requests/1/claim")
        await world.delivered()
        nothing = " ".join(EN_WORDS.text("console.request.nothing_left").split())
        for reply in ("Привет, как дела?", "👍👍👍", "\u200b\u200b\u200b", "Привет " * 140):
            posted = await cora.post("/staff/requests/1/check", {"reply": reply})
            page = await sent_back(cora, posted, "/staff/requests/1")
            assert nothing in text_of(page), reply
            assert "/requests/1/send" not in page.text and CHECK.search(page.text) is None
        # Only some characters go: a warning naming them, and Send.
        checked, handle = await check(cora, "Hi Ann, привет! See you at ten 👍")
        words = text_of(checked)
        assert "Some characters cannot go by text" in words
        assert EN_WORDS.text("console.request.left_out_kinds.both") in words
        assert "Move Mates team (Cora): Hi Ann! See you at ten" in words and handle
        sent = await cora.post("/staff/requests/1/send", {"check": handle})
        assert sent.headers["location"] == "/staff/requests/1?done=sent"
        assert (await world.delivered()).texts(RESIDENT) == [
            "Move Mates team (Cora): Hi Ann, привет! See you at ten 👍"]
        assert nothing not in words and "Some characters" not in text_of(
            (await check(cora, "Plain words, as typed?"))[0])
        assert "Some characters" not in text_of((await check(cora, "?"))[0])  # as typed


async def test_a_check_that_comes_to_nothing_by_sms_cannot_be_sent(settings: Settings
                                                                   ) -> None:
    """Telegram carries any words; if they can be reached only by SMS by the time Send is
    pressed, a check whose words a text cannot carry offers no Send, and a Send posted
    anyway is refused with the same words: nothing queued, nothing audited as sent."""
    nothing = " ".join(EN_WORDS.text("console.request.nothing_left").split())
    async with console(settings) as site, site.browser() as cora:
        world = site.world
        await world.says(ON_TELEGRAM, "human pls")
        await site.staff(cora, "cora@example.org", "Cora Diaz", role="moderator")
        await cora.get("/staff/requests/1")
        await cora.post("/staff/requests/1/claim")
        await world.delivered()
        checked, handle = await check(cora, "Привет, как дела?")  # Telegram carries it all
        assert "Goes by Telegram" in text_of(checked) and handle
        assert "Move Mates team (Cora): Привет, как дела?" in text_of(checked)
        # They can now be reached only by SMS: the same check offers no Send, and a Send
        # posted anyway is refused with the same words; nothing is queued.
        await world.db(lambda c: c.execute(update(Identity).where(
            Identity.channel == "telegram").values(channel="sms", address=RESIDENT.address)))
        again = await cora.get(f"/staff/requests/1?check={handle}")
        assert nothing in text_of(again) and "/requests/1/send" not in again.text
        refused = await cora.post("/staff/requests/1/send", {"check": handle})
        assert nothing in text_of(await sent_back(cora, refused, "/staff/requests/1"))
        assert await world.rows(OutboxMessage, OutboxMessage.kind == "team",
                                OutboxMessage.payload["text"].as_string().contains(
                                    "Move Mates team (Cora)")) == []
        assert [r for r in await site.audit() if r["action"] == "team_reply_sent"] == []


def test_which_replies_keep_any_words_by_sms() -> None:
    """`keeps_words`, the rule behind a refused check: UCS-2 (SMS_ALLOW_UNICODE) carries
    other alphabets and emoji, never invisible characters; GSM-7 keeps any letter, digit
    or symbol, and punctuation only as typed."""
    from bot.core.gsm7 import keeps_words
    for words, gsm7, ucs2 in (("Привет, как дела?", False, True), ("👍👍👍", False, True),
                              ("\u200b\u200b", False, False), ("Hi Привет", True, True),
                              ("?", True, True), ("Привет?", False, True),
                              ("€", True, True), ("…", True, True)):
        assert keeps_words(words) is gsm7, words
        assert keeps_words(words, allow_unicode=True) is ucs2, words
