"""Words a newcomer to the console stumbled on, through the real app on SQLite and
PostgreSQL: the audit log reads a broadcast in words ("1 person", "1 SMS segment", its time
in London, not stored UTC), an alert you picked up yourself says it is yours, not "already
picked up, by" your own name."""

from __future__ import annotations

from datetime import UTC, datetime

from test_broadcasts import add_person
from test_console_broadcasts import form, hidden, post_fields, previewed
from test_console_http import DUTY, RESIDENT, console, text_of

from bot.config import Settings
from bot.core.content import library
from bot.staff.audit import Entry

EN = library().for_language("en")


def entry(action: str, detail: str) -> Entry:
    return Entry(1, datetime(2026, 7, 1, 8, tzinfo=UTC), action, None, detail, "Sam", None,
                 None)


def test_a_broadcasts_detail_reads_as_words_in_london_time() -> None:
    said = entry("broadcast_composed", "1 people (0 Telegram, 1 SMS), 1 segments, "
                 "about £0.04, due 2026-07-01T08:00:00+00:00").detail_words(EN.text, EN.has)
    assert said == ("To 1 person (0 by Telegram, 1 by SMS). 1 SMS segment in all. "
                    "About £0.04. Due Wed 1 Jul 2026, 09:00")  # BST: an hour on
    many = entry("broadcast_composed", "12 people (5 Telegram, 7 SMS), 14 segments, "
                 "about £0.56, due 2026-12-01T18:30:00+00:00").detail_words(EN.text, EN.has)
    assert many == ("To 12 people (5 by Telegram, 7 by SMS). 14 SMS segments in all. "
                    "About £0.56. Due Tue 1 Dec 2026, 18:30")
    sent = entry("broadcast_sent", "queued for 1 people (1 Telegram, 0 SMS); 2 left out "
                 "(STOP, no consent or paused)").detail_words(EN.text, EN.has)
    assert sent == ("Sent: 1 person (1 by Telegram, 0 by SMS). Left out: 2 (sent STOP, "
                    "did not agree, or paused)")
    # A moment in any other detail is read in London time too; other words as written.
    other = entry("something_done", "until 2026-07-01T08:00:00+00:00, by hand")
    assert other.detail_words(EN.text, EN.has) == "until Wed 1 Jul 2026, 09:00, by hand"
    assert entry("x", "1 segments?").detail_words(EN.text, EN.has) == "1 segments?"


async def test_the_audit_log_shows_a_broadcast_without_code_words(
        settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam:
        now = site.clock.now()
        await site.world.db(lambda c: add_person(c, now, "Ann", sms="+447700900801"))
        await site.staff(sam, "sam@example.org")
        preview = await previewed(sam, form())
        sent = await post_fields(sam, "/staff/broadcasts", hidden(preview, "/staff/broadcasts"))
        assert sent.status_code == 303
        log = text_of(await sam.get("/staff/audit"))
        assert "To 1 person (0 by Telegram, 1 by SMS). 1 SMS segment in all." in log
        assert "Due Mon 2 Mar 2026, 09:00" in log
        assert "1 segments" not in log and "+00:00" not in log and "1 people" not in log


async def test_an_alert_you_picked_up_says_it_is_yours(settings: Settings) -> None:
    async with console(settings) as site, site.browser() as sam, site.browser() as lee:
        await site.world.moderator(DUTY, "Dee", role="coordinator")
        await site.world.resident(RESIDENT, "Ann")
        await site.world.says(RESIDENT, "i want to end my life tonight")
        await site.staff(sam, "sam@example.org")
        await site.staff(lee, "lee@example.org", "Lee Patel")
        await sam.get("/staff/alerts/1")
        assert (await sam.post("/staff/alerts/1/claim")).headers["location"] == \
            "/staff/alerts/1?done=acknowledged"
        again = await sam.post("/staff/alerts/1/claim")  # another tab, an old page
        assert again.headers["location"] == "/staff/alerts/1?done=already_picked_up"
        mine = text_of(await sam.get(again.headers["location"]))
        assert EN.text("console.alert.done.already_yours", alert=1) in mine
        assert "already picked up, by Sam Jones" not in mine
        # Someone else is told whose it is.
        await lee.get("/staff/alerts/1")
        theirs = await lee.post("/staff/alerts/1/claim")
        shown = text_of(await lee.get(theirs.headers["location"]))
        assert EN.text("console.alert.done.already_picked_up", alert=1,
                       name="Sam Jones") in shown
