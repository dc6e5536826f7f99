"""Broadcasts in the console through the real app over HTTP, on SQLite and PostgreSQL:
write one, see it as Telegram and SMS carry it with the people it goes to, its segments and
cost, send it, and read what became of it in the history; nobody who sent STOP or did not
agree gets it. Coordinators only; every form needs its anti-forgery token; wrong input gets
the form again with what was typed (400), never a 500; every change is in the audit log."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import func, select
from test_broadcasts import add_person
from test_console_http import Browser, console, text_of

from bot.broadcasts.models import Broadcast
from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address
from bot.geo.districts import TABLE
from bot.jobs import send_due_broadcasts
from bot.storage.models import OutboxMessage

EN = library().for_language("en")
KNOWN = [line.split(",")[0] for line in TABLE.read_text().splitlines()[1:]]
WORDS = "The Watermead walk is back on Saturday at 10. Meet by the cafe."
ANN, BOB, EVE, DAN, CAT = ("+447700900801", "80802", "+447700900803", "+447700900804",
                           "+447700900805")


def form(**values: Any) -> dict[str, Any]:
    return {"text": WORDS, "districts": "le11", "interests": ["walking"], "channel": "both",
            "when": "now", "date": "", "time": "", **values}


def numbers(response: httpx.Response, attribute: str = "data-number") -> dict[str, str]:
    return {name: " ".join(re.sub(r"<[^>]+>", " ", value).split())
            for name, value in re.findall(rf'{attribute}="([a-z_]+)">(.*?)</', response.text,
                                          re.S)}


def hidden(response: httpx.Response, action: str) -> list[tuple[str, str]]:
    """The fields of the form posting to `action`, as the browser would send them."""
    block = re.search(rf'<form action="{re.escape(action)}".*?</form>', response.text, re.S)
    assert block is not None, f"no form to {action}"
    return [(name, value) for name, value in
            re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', block.group(0))]


async def post_fields(browser: Browser, path: str, fields: list[tuple[str, str]]
                      ) -> httpx.Response:
    body = urlencode([(n, unescape(v)) for n, v in fields])
    return await browser.client.post(path, content=body, headers={
        "content-type": "application/x-www-form-urlencoded"})


async def previewed(browser: Browser, values: dict[str, Any]) -> httpx.Response:
    """The form checked as a browser does it: the POST, then the preview it redirects to."""
    posted = await browser.post("/staff/broadcasts/preview", values)
    assert posted.status_code == 303, text_of(posted)
    assert posted.headers["location"].startswith("/staff/broadcasts/preview?draft=")
    return await browser.get(posted.headers["location"])


def change_link(preview: httpx.Response) -> str:
    found = re.search(r'href="(/staff/broadcasts/new\?draft=[^"]+)"', preview.text)
    assert found is not None, "no change link"
    return unescape(found.group(1))


async def broadcasts(site: Any) -> int:
    return int(await site.world.db(lambda c: c.scalar(
        select(func.count()).select_from(Broadcast))))


async def test_compose_preview_send_and_history(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as mo:
        now = site.clock.now()
        for name, values in (("Ann", {"sms": ANN}), ("Bob", {"telegram": BOB}),
                             ("Eve", {"sms": EVE, "opted_out": ("sms",)}),
                             ("Dan", {"sms": DAN, "consent": False}),
                             ("Cat", {"sms": CAT, "district": "LE4"})):
            await site.world.db(lambda c, n=name, v=values: add_person(c, now, n, **v))
        await site.staff(sam, "sam@example.org")
        await site.staff(mo, "mo@example.org", "Mo Patel", role="moderator")

        # Moderators: not for them, in any form.
        assert (await mo.get("/staff/broadcasts")).status_code == 403
        assert (await mo.get("/staff/broadcasts/new")).status_code == 403
        assert (await mo.post("/staff/broadcasts/preview", form())).status_code == 403
        assert (await mo.post("/staff/broadcasts", form())).status_code == 403

        history = await sam.get("/staff/broadcasts")
        assert history.status_code == 200 and "No broadcasts yet." in text_of(history)
        assert 'href="/staff/broadcasts"' in history.text  # in the coordinators' menu
        compose = await sam.get("/staff/broadcasts/new")
        assert compose.status_code == 200 and "Write a broadcast" in text_of(compose)

        preview = await previewed(sam, form())
        assert preview.status_code == 200, text_of(preview)
        words = text_of(preview)
        assert f"Move Mates team: {WORDS}" in words  # as Telegram and SMS show it
        assert "only standard text characters" in words
        shown = numbers(preview)
        assert shown == {"recipients": "2", "telegram": "1", "sms": "1", "left_out": "2",
                         "segments_each": "1", "segments": "1",
                         "cost": "£0.04 (1 segment at £0.04)"}
        assert "This sends your message to 2 people. It will cost about £0.04." in words
        assert "Yes, send it to 2 people" in words
        assert await broadcasts(site) == 0  # a preview sends nothing

        # "Change" (a link): the form again, with everything as typed.
        again = await sam.get(change_link(preview))
        assert again.status_code == 200 and WORDS in again.text
        assert 'value="walking" checked' in again.text

        sent = await post_fields(sam, "/staff/broadcasts", hidden(preview, "/staff/broadcasts"))
        assert sent.status_code == 303, text_of(sent)
        assert sent.headers["location"] == "/staff/broadcasts/1?done=sent"
        page = await sam.get(sent.headers["location"])
        assert "Your broadcast is on its way." in text_of(page)
        heard = await site.world.delivered()
        assert heard.texts(Address("sms", ANN)) == [f"Move Mates team: {WORDS}"]
        assert heard.texts(Address("telegram", BOB)) == [f"Move Mates team: {WORDS}"]
        for nobody in (EVE, DAN, CAT):
            assert heard.texts(Address("sms", nobody)) == []

        # The same form sent twice (a second press): one broadcast, and the first's page,
        # saying so (each form is done once: bot.console.once).
        twice = await post_fields(sam, "/staff/broadcasts", hidden(preview, "/staff/broadcasts"))
        assert twice.headers["location"] == "/staff/broadcasts/1?done=sent&again=1"
        assert EN.text("console.repeated") in text_of(await sam.get(twice.headers["location"]))
        # A script's POST of the same words (no one-time token): not sent again either.
        fields = [(n, v) for n, v in hidden(preview, "/staff/broadcasts") if n != "once"]
        twice = await post_fields(sam, "/staff/broadcasts", fields)
        assert twice.headers["location"] == "/staff/broadcasts/1?done=duplicate"
        assert await broadcasts(site) == 1

        history = await sam.get("/staff/broadcasts")
        row = re.search(r'<tr class="nhsuk-table__row" data-broadcast="1">.*?</tr>',
                        history.text, re.S)
        assert row is not None
        counts = dict(re.findall(r'data-count="([a-z_]+)">(\d+)<', row.group(0)))
        # Telegram took Bob's; Ann's text waits for its delivery receipt.
        assert counts == {"recipients": "2", "delivered": "1", "on_its_way": "1",
                          "failed": "0", "not_sent": "0"}
        assert "Postcode districts: LE11" in text_of(history)
        assert "Likes: Walking" in text_of(history)

        actions = [a["action"] for a in await site.audit()]
        assert actions.count("broadcast_composed") == 1
        assert actions.count("broadcast_sent") == 1
        assert (await site.world.db(lambda c: c.scalar(select(func.count()).select_from(
            OutboxMessage).where(OutboxMessage.kind == "broadcast")))) == 2


async def test_scheduled_then_cancelled_never_goes(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        now = site.clock.now()  # Monday 2 March 2026, 09:00 in London
        await site.world.db(lambda c: add_person(c, now, "Ann", sms=ANN))
        await site.staff(sam, "sam@example.org")
        later = form(when="later", date="2026-03-03", time="18:30")
        preview = await previewed(sam, later)
        assert preview.status_code == 200, text_of(preview)
        assert "Tue 3 Mar 2026, 18:30" in text_of(preview)
        assert "Yes, send it to 1 person on Tue 3 Mar 2026, 18:30" in text_of(preview)
        done = await post_fields(sam, "/staff/broadcasts", hidden(preview, "/staff/broadcasts"))
        assert done.headers["location"] == "/staff/broadcasts/1?done=scheduled"
        page = await sam.get("/staff/broadcasts/1")
        assert "Waiting to go" in text_of(page) and "Cancel this broadcast" in text_of(page)
        assert (await site.world.delivered()).texts(Address("sms", ANN)) == []

        assert (await sam.post("/staff/broadcasts/1/cancel", token="")).status_code == 403
        cancelled = await sam.post("/staff/broadcasts/1/cancel")
        assert cancelled.headers["location"] == "/staff/broadcasts/1?done=cancelled"
        page = await sam.get(cancelled.headers["location"])
        assert "Nobody will get it" in text_of(page) and "Cancelled by Sam Jones" in \
            text_of(page)
        again = await sam.post("/staff/broadcasts/1/cancel")
        assert again.headers["location"] == "/staff/broadcasts/1?done=already_cancelled"

        site.clock.advance(timedelta(days=2))
        await send_due_broadcasts(site.services)
        assert (await site.world.delivered()).texts(Address("sms", ANN)) == []
        actions = [a["action"] for a in await site.audit()]
        assert actions.count("broadcast_cancelled") == 1 and "broadcast_sent" not in actions


async def test_forms_need_their_token_and_wrong_input_is_a_clear_400(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        now = site.clock.now()
        await site.world.db(lambda c: add_person(c, now, "Ann", sms=ANN))
        await site.staff(sam, "sam@example.org")
        preview = await previewed(sam, form())
        fields = hidden(preview, "/staff/broadcasts")

        # No token, or someone else's: nothing is sent.
        without = [(n, v) for n, v in fields if n != "csrf_token"]
        assert (await post_fields(sam, "/staff/broadcasts", without)).status_code == 403
        forged = [*without, ("csrf_token", "not-the-token")]
        refused = await post_fields(sam, "/staff/broadcasts", forged)
        assert refused.status_code == 403 and "Nothing was changed" in text_of(refused)
        assert (await sam.post("/staff/broadcasts/preview", form(), token="")).status_code \
            == 403
        assert await broadcasts(site) == 0

        wrong = {
            "text": (form(text="   "), "Write a message."),
            "long": (form(text="x" * 1200), "This message is too long."),
            "districts": (form(districts="LE11 ZZ99"), "Use postcode districts we know"),
            "many": (form(districts=" ".join(KNOWN[:31])),
                     "Pick 30 postcode districts or fewer."),
            "interests": (form(interests=["knitting"]), "Pick interests from the list."),
            "channel": (form(channel="fax"), "Pick how to send it."),
            "when": (form(when="whenever"), "Pick when to send it."),
            "date": (form(when="later", date="2026-02-30", time="10:00"),
                     "Enter a real date"),
            "time": (form(when="later", date="2026-03-03", time="25:00"),
                     "Enter a time like 18:30."),
            "past": (form(when="later", date="2026-03-01", time="10:00"),
                     "Pick a time that has not passed yet."),
            "far": (form(when="later", date="2027-03-01", time="10:00"),
                    "Pick a date in the next 90 days."),
            "nobody": (form(districts="LE4"), "Nobody in this group can get a message now."),
        }
        for name, (values, says) in wrong.items():
            for path in ("/staff/broadcasts/preview", "/staff/broadcasts"):
                response = await sam.post(path, values)
                assert response.status_code == 400, (name, path, text_of(response))
                assert says in text_of(response), (name, text_of(response))
                assert "There is a problem" in text_of(response)
        assert await broadcasts(site) == 0

        # Pages that are not there.
        for path in ("/staff/broadcasts/abc", "/staff/broadcasts/999",
                     "/staff/broadcasts/99999999999"):
            assert (await sam.get(path)).status_code == 404
        assert (await sam.post("/staff/broadcasts/999/cancel")).status_code == 404
        opened = await sam.client.get("/staff/broadcasts/preview")
        assert opened.headers["location"] == "/staff/broadcasts/new"


async def test_numbers_that_moved_since_the_preview_are_shown_again(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        now = site.clock.now()
        await site.world.db(lambda c: add_person(c, now, "Ann", sms=ANN))
        await site.staff(sam, "sam@example.org")
        preview = await previewed(sam, form())
        assert numbers(preview)["recipients"] == "1"
        # Someone joins before the coordinator presses send.
        await site.world.db(lambda c: add_person(c, now, "Bob", telegram=BOB))
        moved = await post_fields(sam, "/staff/broadcasts", hidden(preview, "/staff/broadcasts"))
        assert moved.status_code == 409
        assert "The numbers have changed" in text_of(moved)
        assert numbers(moved)["recipients"] == "2"
        assert await broadcasts(site) == 0
        sent = await post_fields(sam, "/staff/broadcasts", hidden(moved, "/staff/broadcasts"))
        assert sent.status_code == 303


async def test_reloading_or_going_back_to_the_preview_posts_nothing(
        settings: Settings) -> None:
    """Post/Redirect/Get: the preview is a page of its own, checked again each time it is
    shown, kept for the session that wrote it; sending is the one POST that acts."""
    async with console(settings) as site, site.browser() as sam, site.browser() as cat:
        now = site.clock.now()  # Monday 2 March 2026, 09:00 in London
        await site.world.db(lambda c: add_person(c, now, "Ann", sms=ANN))
        await site.staff(sam, "sam@example.org")
        await site.staff(cat, "cat@example.org", "Cat Lee")
        posted = await sam.post("/staff/broadcasts/preview", form())
        at = posted.headers["location"]
        assert WORDS.split()[1] not in at  # the words stay on the server
        first = await sam.get(at)
        for _ in range(2):  # reloads: the same preview, nothing made
            again = await sam.get(at)
            assert again.status_code == 200 and numbers(again) == numbers(first)
        assert await broadcasts(site) == 0
        # Another coordinator with the address: the empty form, nothing of Sam's.
        theirs = await cat.get(at)
        assert theirs.headers["location"] == "/staff/broadcasts/new"
        assert WORDS not in (await cat.get(change_link(first))).text
        assert WORDS in (await sam.get(change_link(first))).text

        sent = await post_fields(sam, "/staff/broadcasts", hidden(first, "/staff/broadcasts"))
        assert sent.headers["location"] == "/staff/broadcasts/1?done=sent"
        assert (await sam.get(sent.headers["location"])).status_code == 200  # a reload
        back = await sam.get(at)  # Back: the preview again, and sending it is not a second
        assert back.status_code == 200
        twice = await post_fields(sam, "/staff/broadcasts", hidden(back, "/staff/broadcasts"))
        assert twice.headers["location"] == "/staff/broadcasts/1?done=duplicate"
        assert await broadcasts(site) == 1
        assert (await site.world.delivered()).texts(Address("sms", ANN)) == \
            [f"Move Mates team: {WORDS}"]

        # A draft is checked again when shown: a time that has passed since is an error.
        soon = await sam.post("/staff/broadcasts/preview",
                              form(text="Tea at ten.", when="later", date="2026-03-02",
                                   time="09:20"))
        site.clock.advance(timedelta(minutes=25))
        late = await sam.get(soon.headers["location"])
        assert late.status_code == 400
        assert "Pick a time that has not passed yet." in text_of(late)
        assert "Tea at ten." in late.text


async def test_crisis_words_or_a_link_need_an_explicit_yes(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        now = site.clock.now()
        await site.world.db(lambda c: add_person(c, now, "Ann", sms=ANN))
        await site.staff(sam, "sam@example.org")
        plain = await previewed(sam, form())
        assert 'id="screen-warning"' not in plain.text and 'name="screened"' not in plain.text

        crisis = "It is mental health week. If you feel suicidal, call Samaritans on 116 123."
        preview = await previewed(sam, form(text=crisis))
        assert preview.status_code == 200
        assert "Read this before you send it" in text_of(preview)
        assert "Words that read like someone in crisis." in text_of(preview)
        fields = hidden(preview, "/staff/broadcasts")
        unticked = await post_fields(sam, "/staff/broadcasts", fields)
        assert unticked.status_code == 400
        assert "Tick the box if you still want to send these words." in text_of(unticked)
        assert await broadcasts(site) == 0
        ticked = await post_fields(sam, "/staff/broadcasts",
                                   [*hidden(unticked, "/staff/broadcasts"), ("screened", "yes")])
        assert ticked.headers["location"] == "/staff/broadcasts/1?done=sent"

        link = await previewed(sam, form(text="Our walks are on movemates.org.uk/walks now."))
        assert "A link to a website." in text_of(link)
        assert (await post_fields(sam, "/staff/broadcasts", hidden(link, "/staff/broadcasts"))
                ).status_code == 400
        assert (await post_fields(sam, "/staff/broadcasts",
                                  [*hidden(link, "/staff/broadcasts"), ("screened", "yes")])
                ).headers["location"] == "/staff/broadcasts/2?done=sent"
        confirmed = [(a["target"], a["detail"]) for a in await site.audit()
                     if a["action"] == "broadcast_screen_confirmed"]
        assert confirmed == [("broadcast:1", "crisis"), ("broadcast:2", "link")]
        audit = text_of(await sam.get("/staff/audit"))
        assert "Sent a broadcast despite a warning" in audit


async def test_a_persons_number_or_email_is_refused(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        now = site.clock.now()
        await site.world.db(lambda c: add_person(c, now, "Ann", sms=ANN))
        await site.staff(sam, "sam@example.org")
        says = "Take out the phone number or email address."
        for text in ("Questions? Ring Sue on 07700 900123", "Email sue.smith@gmail.com"):
            for path in ("/staff/broadcasts/preview", "/staff/broadcasts"):
                refused = await sam.post(path, form(text=text, screened="yes"))
                assert refused.status_code == 400, (path, text_of(refused))
                assert says in text_of(refused) and text in unescape(refused.text)
        assert await broadcasts(site) == 0
        refusals = [(a["actor_staff_id"], a["detail"]) for a in await site.audit()
                    if a["action"] == "broadcast_refused"]
        assert refusals == [(1, "phone")] * 2 + [(1, "email")] * 2
        # An organisation's public number is no person's: it goes, with no warning.
        council = await previewed(sam, form(text="Book on 0116 454 1000, Leicester City "
                                                 "Council."))
        assert 'id="screen-warning"' not in council.text



def test_the_keys_the_pages_make_from_values_exist() -> None:
    from bot.broadcasts.audience import CHANNELS
    from bot.broadcasts.models import STATUSES
    from bot.console.broadcasts import DONE
    from bot.core.content import library

    english = library().for_language("en")
    keys = [f"console_broadcasts.status.{s}" for s in STATUSES]
    keys += [f"console_broadcasts.channel.{c}" for c in CHANNELS]
    keys += [f"console_broadcasts.done.{d}" for d in DONE]
    keys += [f"console_broadcasts.columns.{c}" for c in
             ("recipients", "delivered", "on_its_way", "failed", "not_sent")]
    keys += [f"console_broadcasts.errors.{e}" for e in ("need_text", "too_long", "nobody")]
    keys += [f"console_broadcasts.preview.{k}{one}" for k in ("confirm", "send_now",
                                                              "send_later")
             for one in ("", "_one")]
    keys += [f"console.audit.actions.broadcast_{a}" for a in ("composed", "sent",
                                                              "cancelled", "refused",
                                                              "screen_confirmed")]
    keys += [f"console_broadcasts.errors.{e}" for e in ("contact", "screened")]
    keys += [f"console_broadcasts.screen.reasons.{r}" for r in
             ("crisis", "red_flag", "link", "postcode", "address", "username", "unscreened")]
    keys += ["broadcasts.message"]
    assert [key for key in keys if not english.has(key)] == []


async def test_a_broadcast_a_text_cannot_carry_is_refused(settings: Settings) -> None:
    """By SMS (GSM-7 only), words of which nothing would arrive but "Move Mates team:" are
    refused, at the check and at send; some characters lost is a warning naming them;
    Telegram only carries any words."""
    async with console(settings) as site, site.browser() as sam:
        now = site.clock.now()
        await site.world.db(lambda c: add_person(c, now, "Ann", sms=ANN))
        await site.world.db(lambda c: add_person(c, now, "Bob", telegram=BOB))
        await site.staff(sam, "sam@example.org")
        nothing = " ".join(EN.text("console_broadcasts.errors.nothing_left").split())
        for words in ("Привет " * 140, "👍👍👍", "\u200b\u200b\u200b", "Привет, как дела?"):
            for channel in ("both", "sms"):
                for path in ("/staff/broadcasts/preview", "/staff/broadcasts"):
                    refused = await sam.post(path, form(text=words, channel=channel))
                    assert refused.status_code == 400, (words, path, text_of(refused))
                    assert nothing in text_of(refused) and "There is a problem" in \
                        text_of(refused)
                    assert "Yes, send it" not in text_of(refused)
        assert await broadcasts(site) == 0

        russian = await previewed(sam, form(text="Привет, как дела?", channel="telegram"))
        assert russian.status_code == 200 and nothing not in text_of(russian)
        assert "Move Mates team: Привет, как дела?" in text_of(russian)

        some = await previewed(sam, form(text="Walk at ten 👍 Привет all"))
        words = text_of(some)
        assert "Some characters cannot go by text" in words
        assert EN.text("console.request.left_out_kinds.both") in words
        assert "Move Mates team: Walk at ten all" in words and "Yes, send it" in words
        plain = text_of(await previewed(sam, form()))
        assert "Some characters cannot go by text" not in plain


async def test_only_the_previewed_draft_can_be_sent(settings: Settings) -> None:
    """"Yes, send it" sends the draft its preview kept on the server: other words in the
    hidden fields are a 409, no draft (or a closed one) a 400, each asking for a new
    check; nothing goes. A browser's own new lines (CRLF or LF) are the same words."""
    async with console(settings) as site, site.browser() as sam:
        now = site.clock.now()
        await site.world.db(lambda c: add_person(c, now, "Ann", sms=ANN))
        await site.staff(sam, "sam@example.org")
        preview = await previewed(sam, form())
        fields = hidden(preview, "/staff/broadcasts")
        assert ("text", WORDS) in fields and dict(fields)["draft"]

        other = [(n, "Never previewed, never seen." if n == "text" else v) for n, v in fields]
        changed = await post_fields(sam, "/staff/broadcasts", other)
        assert changed.status_code == 409, text_of(changed)
        assert "This is not the broadcast you checked." in text_of(changed)
        assert "Yes, send it" not in text_of(changed)
        wider = [(n, "le11 le12" if n == "districts" else v) for n, v in fields]
        assert (await post_fields(sam, "/staff/broadcasts", wider)).status_code == 409
        for draft in ("", "not-a-draft-handle"):
            bare = [(n, draft if n == "draft" else v) for n, v in fields]
            refused = await post_fields(sam, "/staff/broadcasts", bare)
            assert refused.status_code == 400, text_of(refused)
            assert "Check the broadcast again before you send it." in text_of(refused)
        none = [(n, v) for n, v in fields if n != "draft"]
        assert (await post_fields(sam, "/staff/broadcasts", none)).status_code == 400
        assert await broadcasts(site) == 0
        assert (await site.world.delivered()).texts(Address("sms", ANN)) == []

        sent = await post_fields(sam, "/staff/broadcasts", fields)
        assert sent.headers["location"] == "/staff/broadcasts/1?done=sent"
        assert (await site.world.delivered()).texts(Address("sms", ANN)) == \
            [f"Move Mates team: {WORDS}"]

        # Lines: typed with CRLF, the hidden field sent back with LF, the same draft.
        lines = "Tea at ten.\r\nBring a cup."
        two = hidden(await previewed(sam, form(text=lines)), "/staff/broadcasts")
        assert ("text", lines) in two
        lf = [(n, v.replace("\r\n", "\n")) for n, v in two]
        assert (await post_fields(sam, "/staff/broadcasts", lf)).status_code == 303
        texts = await site.world.db(lambda c: c.scalars(
            select(Broadcast.text).order_by(Broadcast.id)).all())
        assert texts == [WORDS, lines]
