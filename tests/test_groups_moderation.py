"""Volunteer-moderated groups, part 2: /report, the helpers' commands, strikes that
escalate, and new members' links and phone numbers held for a helper.

As in test_groups.py: PTB parses each update, the real Telegram channel routes it, and
a real PTB `Bot` calls a local Bot API stub that records restrictChatMember,
banChatMember, unbanChatMember, deleteMessage and the rest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.config import Settings
from bot.dispatch.limits import Limits
from bot.dispatch.outbox import Dispatcher, Outcome, Outgoing, Result
from bot.peers.models import GroupMember, HeldMessage, ModerationCase
from bot.storage.models import AuditEntry, OutboxMessage
from support.group_api import GROUP, START, GroupBot, Updates, group_bot, person

MODERATOR = person(9001, "Priya")
COORDINATOR = person(9002, "Tom")
SUPPORTER = person(9003, "Ann")  # a peer supporter, not a group helper
SUSPENDED = person(9004, "Rob")
MARGARET = person(2001, "Margaret")
DEV = person(2002, "Dev")
KIM = person(2003, "Kim")


@pytest.fixture
async def bot(settings: Settings) -> Any:
    async with group_bot(settings) as running:
        for who, role in ((MODERATOR, "moderator"), (COORDINATOR, "coordinator"),
                          (SUPPORTER, "supporter"), (MARGARET, None), (DEV, None)):
            await running.add_person(who["id"], role)
        await running.add_person(SUSPENDED["id"], "moderator", suspended=True)
        await running.feed(running.updates.promoted(COORDINATOR))
        running.api.forget()
        yield running


async def audit(bot: GroupBot) -> list[tuple[str, int | None, str | None]]:
    return [(e.action, e.actor_telegram_id, e.detail) for e in await bot.rows(AuditEntry)
            if e.action != "group_registered"]


async def member(bot: GroupBot, telegram_id: int) -> GroupMember:
    [row] = await bot.rows(GroupMember, GroupMember.telegram_id == telegram_id)
    return row


# -- /report ------------------------------------------------------------------------------
async def test_report_opens_a_case_and_alerts_helpers_through_the_outbox(bot: GroupBot) -> None:
    u = bot.updates
    await bot.feed(u.said(MARGARET, "Lovely walk round the lake today"))
    await bot.feed(u.said(DEV, "Glad you enjoyed it"))
    rude = u.said(KIM, "You lot are all useless")
    await bot.feed(rude)
    report = u.said(DEV, "/report That was unkind", reply_to=rude)
    await bot.feed(report)

    [case] = await bot.rows(ModerationCase)
    assert (case.kind, case.group_chat_id, case.status) == ("group", GROUP, "open")
    assert case.reported_by == bot.person_ids[DEV["id"]]
    assert (case.subject_id, case.subject_telegram_id) == (None, KIM["id"])
    assert case.reason == "That was unkind"
    assert case.history["reported"]["text"] == "You lot are all useless"
    assert [m["text"] for m in case.history["before"]] == [
        "Lovely walk round the lake today", "Glad you enjoyed it"]

    # Alerts are outbox rows (recorded before sending), one per helper on duty.
    alerts = await bot.rows(OutboxMessage, OutboxMessage.kind == "group_alert")
    assert sorted(a.address for a in alerts) == ["9001", "9002"]
    assert all(a.status == "sent" for a in alerts)
    [alert] = bot.api.texts_to(MODERATOR["id"])
    assert alert.startswith(f"Case {case.id}. Dev asked a helper to look at this post by Kim.")
    assert '"You lot are all useless"' in alert and 'They said: "That was unkind"' in alert
    assert bot.api.texts_to(SUPPORTER["id"]) == [] and bot.api.texts_to(SUSPENDED["id"]) == []

    # The reporter is thanked privately, and their /report vanishes from the group.
    assert bot.api.texts_to(DEV["id"]) == [
        "Thank you for telling us. A group helper will take a look soon."]
    [deleted] = bot.api.called("deleteMessage")
    assert int(deleted["message_id"]) == report["message"]["message_id"]
    assert bot.api.texts_to(GROUP) == []
    assert ("report", DEV["id"], None) in await audit(bot)


async def test_a_reporter_the_bot_cannot_write_to_is_thanked_in_the_group(bot: GroupBot) -> None:
    post = bot.updates.said(DEV, "Buy my miracle cure")
    await bot.feed(post)
    await bot.feed(bot.updates.said(KIM, "/report", reply_to=post))
    assert bot.api.texts_to(GROUP) == [
        "Thanks for letting us know. A group helper will take a look."]  # no name
    [case] = await bot.rows(ModerationCase)
    assert (case.reported_by, case.subject_id) == (None, bot.person_ids[DEV["id"]])

    await bot.feed(bot.updates.said(KIM, "/report"))  # not a reply: how to do it
    assert bot.api.texts_to(GROUP)[-1] == "To report a message, reply to it and type /report."
    assert len(await bot.rows(ModerationCase)) == 1


# -- the helpers' commands ----------------------------------------------------------------
async def test_each_helper_command(bot: GroupBot) -> None:
    u = bot.updates
    post = u.said(MARGARET, "Off topic again")
    await bot.feed(post)

    await bot.feed(u.said(MODERATOR, "/warn please keep on topic", reply_to=post))
    assert (await member(bot, MARGARET["id"])).strikes == 1
    assert bot.api.texts_to(GROUP)[-1] == (
        "Margaret, a group helper has given you a reminder of the rules. That's strike 1 of 3."
        " Type /rules to see them.")
    assert bot.api.methods() == []  # a first strike is a warning only

    await bot.feed(u.said(COORDINATOR, "/mute 30m", reply_to=post))
    [muted] = bot.api.called("restrictChatMember")
    assert (int(muted["chat_id"]), int(muted["user_id"])) == (GROUP, MARGARET["id"])
    assert muted["permissions"]["can_send_messages"] is False
    assert not any(muted["permissions"].values())
    assert int(muted["until_date"]) == int((START + timedelta(minutes=30)).timestamp())
    assert (await member(bot, MARGARET["id"])).muted_until == START + timedelta(minutes=30)
    assert bot.api.texts_to(GROUP)[-1] == "Margaret can't post here for 30 minutes."

    await bot.feed(u.said(MODERATOR, "/unmute", reply_to=post))
    unmuted = bot.api.called("restrictChatMember")[-1]
    assert all(unmuted["permissions"].values())
    assert unmuted.get("until_date") is None
    assert (await member(bot, MARGARET["id"])).muted_until is None
    assert bot.api.texts_to(GROUP)[-1] == "Margaret can post here again."

    await bot.feed(u.said(MODERATOR, "/remove", reply_to=post))
    assert bot.api.methods() == ["restrictChatMember", "restrictChatMember", "banChatMember",
                                 "unbanChatMember"]
    [unbanned] = bot.api.called("unbanChatMember")
    assert unbanned["only_if_banned"] == "true"  # so they can come back with a new link
    removed = await member(bot, MARGARET["id"])
    assert removed.removed_at == START and removed.strikes == 0
    assert bot.api.texts_to(GROUP)[-1] == "A group helper has removed Margaret from the group."

    assert await audit(bot) == [
        ("warn", MODERATOR["id"], "strike 1 of 3; please keep on topic"),
        ("mute", COORDINATOR["id"], "30 minutes"),
        ("unmute", MODERATOR["id"], None),
        ("remove", MODERATOR["id"], None)]
    [warn_entry] = [e for e in await bot.rows(AuditEntry) if e.action == "warn"]
    assert warn_entry.actor_id == bot.person_ids[MODERATOR["id"]]
    assert warn_entry.target == f"chat:{GROUP}/tg:{MARGARET['id']}"


async def test_mute_lengths(bot: GroupBot) -> None:
    post = bot.updates.said(DEV, "hmm")
    for length, words, seconds in (("2h", "2 hours", 7200), ("1d", "1 day", 86400),
                                   ("", "1 day", 86400), ("90m", "90 minutes", 5400)):
        await bot.feed(bot.updates.said(MODERATOR, f"/mute {length}".strip(), reply_to=post))
        muted = bot.api.called("restrictChatMember")[-1]
        assert int(muted["until_date"]) == int(START.timestamp()) + seconds
        assert bot.api.texts_to(GROUP)[-1] == f"Dev can't post here for {words}."


async def test_helpers_get_a_hint_for_a_muddled_command(bot: GroupBot) -> None:
    post = bot.updates.said(DEV, "hmm")
    await bot.feed(bot.updates.said(MODERATOR, "/mute for ages", reply_to=post))
    await bot.feed(bot.updates.said(MODERATOR, "/warn"))  # not a reply
    assert bot.api.texts_to(MODERATOR["id"]) == [
        "Sorry, I can't read that time. Try /mute 30m, /mute 2h or /mute 1d.",
        "Please reply to the member's message with the command, so I know who you mean."]
    assert bot.api.methods() == [] and await audit(bot) == []


@pytest.mark.parametrize("who", [DEV, SUPPORTER, SUSPENDED, KIM],
                         ids=["member", "supporter", "suspended", "stranger"])
async def test_only_group_helpers_may_moderate(bot: GroupBot, who: dict[str, Any]) -> None:
    post = bot.updates.said(MARGARET, "hello")
    for command in ("/warn", "/mute 1h", "/unmute", "/remove", "/setup strikes 1",
                    "/setrules Anything goes"):
        await bot.feed(bot.updates.said(who, command, reply_to=post))
    assert bot.api.methods() == []
    assert await bot.rows(GroupMember) == [] and await audit(bot) == []
    assert bot.api.texts_to(GROUP) == []
    refusals = bot.api.texts_to(who["id"])
    if who is KIM:
        assert refusals == []  # the bot can't write to someone it has never met
    else:
        assert len(refusals) == 6
        assert set(refusals) == {"Sorry, only group helpers can do that. If something is "
                                 "wrong, reply to the message and type /report."}


async def test_telegram_refusing_an_action_is_told_to_the_helper(bot: GroupBot) -> None:
    post = bot.updates.said(DEV, "hmm")
    bot.api.fail_next("banChatMember", description="Bad Request: user is an administrator "
                                                   "of the chat")
    await bot.feed(bot.updates.said(MODERATOR, "/remove", reply_to=post))
    assert bot.api.methods() == ["banChatMember"]  # no unban after a failed ban
    assert bot.api.texts_to(MODERATOR["id"])[-1].startswith("Sorry, I couldn't do that.")
    assert bot.api.texts_to(GROUP) == [] and await audit(bot) == []


# -- strikes ------------------------------------------------------------------------------
async def test_strikes_escalate_to_a_day_muted_then_removal(bot: GroupBot) -> None:
    post = bot.updates.said(DEV, "Spam spam spam")
    warn = bot.updates.said(MODERATOR, "/warn", reply_to=post)
    update_id = await bot.feed(warn)
    await bot.feed(warn, update_id=update_id)  # Telegram delivered it twice: counted once
    assert (await member(bot, DEV["id"])).strikes == 1
    assert bot.api.methods() == []

    await bot.feed(bot.updates.said(COORDINATOR, "/warn", reply_to=post))
    [muted] = bot.api.called("restrictChatMember")
    assert int(muted["until_date"]) == int((START + timedelta(hours=24)).timestamp())
    assert bot.api.texts_to(GROUP)[-1] == (
        "Dev, a group helper has given you a reminder of the rules. That's strike 2 of 3. "
        "Type /rules to see them.\n\nDev can't post here for 1 day.")

    await bot.feed(bot.updates.said(MODERATOR, "/warn", reply_to=post))
    assert bot.api.methods() == ["restrictChatMember", "banChatMember", "unbanChatMember"]
    gone = await member(bot, DEV["id"])
    assert (gone.strikes, gone.removed_at) == (0, START)
    assert bot.api.texts_to(GROUP)[-1] == "A group helper has removed Dev from the group."
    assert await audit(bot) == [
        ("warn", MODERATOR["id"], "strike 1 of 3"),
        ("warn", COORDINATOR["id"], "strike 2 of 3"),
        ("auto_mute", None, "1 day; strike 2"),
        ("warn", MODERATOR["id"], "strike 3 of 3"),
        ("auto_remove", None, "strike 3")]

    # Let back in later through a new link: a fresh start, and new again.
    bot.clock.advance(timedelta(days=3))
    await bot.feed(bot.updates.joined(DEV))
    back = await member(bot, DEV["id"])
    assert (back.strikes, back.removed_at, back.joined_at) == (0, None, bot.clock.now())


async def test_the_strike_limit_is_set_per_group(bot: GroupBot) -> None:
    await bot.feed(bot.updates.said(COORDINATOR, "/setup strikes 2"))
    post = bot.updates.said(DEV, "Spam")
    await bot.feed(bot.updates.said(MODERATOR, "/warn", reply_to=post))
    await bot.feed(bot.updates.said(MODERATOR, "/warn", reply_to=post))
    assert bot.api.methods() == ["banChatMember", "unbanChatMember"]
    assert [a for a, _, _ in await audit(bot)] == ["group_setup", "warn", "warn", "auto_remove"]


# -- held messages ------------------------------------------------------------------------
async def joined_today(bot: GroupBot, who: dict[str, Any]) -> None:
    bot.clock.advance(timedelta(minutes=5))  # the group was set up a little earlier
    await bot.feed(bot.updates.joined(who))
    bot.api.forget()


async def test_a_new_members_link_is_held_then_shared(bot: GroupBot) -> None:
    await joined_today(bot, MARGARET)
    bot.api.names[MARGARET["id"]] = "Margaret"
    text = "Our walk route: https://example.org/walks/bradgate"
    post = bot.updates.said(MARGARET, text, entities=[
        {"type": "url", "offset": 16, "length": 34}])
    await bot.feed(post)

    [deleted] = bot.api.called("deleteMessage")
    assert int(deleted["message_id"]) == post["message"]["message_id"]
    [held] = await bot.rows(HeldMessage)
    assert (held.chat_id, held.telegram_id, held.text, held.status) == \
        (GROUP, MARGARET["id"], text, "held")
    [told] = bot.api.texts_to(MARGARET["id"])
    assert told.startswith("Hello Margaret. I've kept back your message in Loughborough Walk")
    alerts = [m for m in bot.api.messages if m["chat"]["id"] == MODERATOR["id"]]
    assert alerts[0]["text"].startswith("Margaret is new in Loughborough Walkers and posted")
    assert f'"{text}"' in alerts[0]["text"]
    assert bot.api.texts_to(GROUP) == []

    await bot.feed(Updates.pressed(MODERATOR, alerts[0], "Share it"))
    assert bot.api.texts_to(GROUP) == [
        f"Margaret shared this. A group helper checked it first:\n\n{text}"]
    [held] = await bot.rows(HeldMessage)
    assert (held.status, held.decided_by) == ("approved", MODERATOR["id"])
    assert bot.api.texts_to(MARGARET["id"])[-1].startswith("A helper checked your message")
    answers = bot.api.called("answerCallbackQuery")
    assert answers[-1]["text"] == "Done. Thank you!"

    # The coordinator got the same alert; pressing it now changes nothing.
    other = bot.api.last_to(COORDINATOR["id"])
    await bot.feed(Updates.pressed(COORDINATOR, other, "Remove it"))
    assert bot.api.called("answerCallbackQuery")[-1]["text"] == \
        "Another helper has already dealt with this one."
    assert (await bot.rows(HeldMessage))[0].status == "approved"
    assert [a for a, _, _ in await audit(bot)] == ["hold", "held_approved"]


async def test_a_new_members_phone_number_is_held_then_removed(bot: GroupBot) -> None:
    await joined_today(bot, KIM)  # never talked to the bot: told in the group instead
    await bot.feed(bot.updates.said(KIM, "Text me on 07700 900123 for lifts"))
    [held] = await bot.rows(HeldMessage)
    assert held.text == "Text me on 07700 900123 for lifts"
    assert bot.api.texts_to(GROUP) == [
        "Kim, I've kept back your message for a helper to check. Links and numbers from new "
        "members are checked first."]
    alert = bot.api.last_to(COORDINATOR["id"])

    # Someone else can't decide, even with the buttons' data.
    await bot.feed(Updates.pressed(DEV, alert, "Share it"))
    assert (await bot.rows(HeldMessage))[0].status == "held"

    await bot.feed(Updates.pressed(COORDINATOR, alert, "Remove it"))
    [held] = await bot.rows(HeldMessage)
    assert (held.status, held.decided_by) == ("removed", COORDINATOR["id"])
    assert len(bot.api.texts_to(GROUP)) == 1  # nothing re-posted
    actions = [(a, actor) for a, actor, _ in await audit(bot)]
    assert actions == [("hold", None), ("held_removed", COORDINATOR["id"])]


@pytest.mark.parametrize("text,entities", [
    ("Call me 0116 496 0123", []),
    ("mail me at jo@example.com", [{"type": "email", "offset": 11, "length": 14}]),
    ("see bit.ly/walks", []),
])
async def test_other_contact_details_are_held_too(bot: GroupBot, text: str,
                                                  entities: list[dict[str, Any]]) -> None:
    await joined_today(bot, DEV)
    await bot.feed(bot.updates.said(DEV, text, entities=entities))
    assert len(await bot.rows(HeldMessage)) == 1


async def test_a_number_split_over_two_posts_is_held(bot: GroupBot) -> None:
    await joined_today(bot, DEV)
    await bot.feed(bot.updates.said(DEV, "my landline starts 0116"))
    assert await bot.rows(HeldMessage) == []
    await bot.feed(bot.updates.said(DEV, "then 496 0385"))
    [held] = await bot.rows(HeldMessage)
    assert held.text == "then 496 0385"


# Round eighteen: a group reads a member's recent posts as the relay reads a person's
# (contact_pieces.earlier_messages), not the last one alone: a detail over 3+ posts is held.
@pytest.mark.parametrize("pieces", [
    ["077", "009", "005", "33"],
    ["07700", "lol", "900537"],
    ["0", "7", "7", "0", "0", "9", "0", "0", "5", "3", "6"],
    ["zero seven seven", "zero zero nine", "zero zero five three five"],
])
async def test_a_number_over_many_posts_is_held(
        bot: GroupBot, pieces: list[str]) -> None:
    await joined_today(bot, DEV)
    for piece in pieces:
        await bot.feed(bot.updates.said(DEV, piece))
    # Held once enough of the number is in, never early (a digit a post: from the seventh
    # on, each piece after a held one held too, as in the relay).
    held = await bot.rows(HeldMessage)
    assert 1 <= len(held) <= len(pieces) - 2, [h.text for h in held]
    assert held[-1].text == pieces[-1]


async def test_pieces_from_others_are_not_read_together(bot: GroupBot) -> None:
    await joined_today(bot, DEV)
    await joined_today(bot, KIM)
    # Someone else's pieces between are not Dev's: Dev said "077" and "33" alone.
    await bot.feed(bot.updates.said(DEV, "077"))
    await bot.feed(bot.updates.said(KIM, "009"))
    await bot.feed(bot.updates.said(KIM, "005"))
    await bot.feed(bot.updates.said(DEV, "33"))
    assert await bot.rows(HeldMessage) == []


# Round eighteen (break12): an email over posts, others posting between, is held as an email
# (groups hold no handles: "ann" / "@" / "gmail" was read only as one), and one told in
# words ("ANN" / "SMITH" / "AT" / "HOTMAIL") with a word a post.
@pytest.mark.parametrize("pieces", [
    [(DEV, "ann"), (KIM, "morning all!"), (DEV, "@"), (KIM, "lovely day"), (DEV, "gmail")],
    [(DEV, "bev"), (KIM, "hi bev"), (DEV, ".knits"), (DEV, "@icloud.com")],
    [(DEV, "email: ann"), (KIM, "?"), (DEV, "_smith71"), (DEV, "@gmail.com")],
    [(DEV, "ann smith"), (KIM, "who?"), (DEV, "at hotmail")],
    [(DEV, "ANN"), (DEV, "SMITH"), (KIM, "ok"), (DEV, "AT"), (DEV, "HOTMAIL")],
])
async def test_an_email_over_posts_is_held(
        bot: GroupBot, pieces: list[tuple[dict[str, Any], str]]) -> None:
    await joined_today(bot, DEV)
    await joined_today(bot, KIM)
    for who, text in pieces:
        await bot.feed(bot.updates.said(who, text))
    [held] = await bot.rows(HeldMessage)
    assert (held.telegram_id, held.text) == (DEV["id"], pieces[-1][1])


async def test_ordinary_posts_with_at_are_not_held(bot: GroupBot) -> None:
    await joined_today(bot, DEV)
    await joined_today(bot, KIM)
    for who, text in [(DEV, "ann"), (KIM, "hi"), (DEV, "at the gym again lol"),
                      (DEV, "my sister"), (DEV, "works at gmail"), (DEV, "see you"),
                      (DEV, "at"), (DEV, "the cafe")]:
        await bot.feed(bot.updates.said(who, text))
    assert await bot.rows(HeldMessage) == []


async def test_what_is_not_held(bot: GroupBot) -> None:
    await joined_today(bot, DEV)
    # Plain chat from a new member, with numbers that are not phone numbers.
    await bot.feed(bot.updates.said(DEV, "Did 10000 steps on 12/03, meet at 10:30?"))
    # A helper's link; and someone who was here before the bot came.
    await bot.feed(bot.updates.said(MODERATOR, "Route: https://example.org/route"))
    await bot.feed(bot.updates.said(MARGARET, "Route: https://example.org/route"))
    # A new member's link after new_member_days (7) have passed.
    bot.clock.advance(timedelta(days=7, minutes=1))
    await bot.feed(bot.updates.said(DEV, "Route: https://example.org/route"))
    assert await bot.rows(HeldMessage) == []
    assert bot.api.called("deleteMessage") == []


async def test_holding_can_be_turned_off_and_edits_are_checked(bot: GroupBot) -> None:
    await joined_today(bot, DEV)
    first = bot.updates.said(DEV, "hello all")
    await bot.feed(first)
    # Adding a number by editing a message is caught the same way.
    edited = {"edited_message": {**first["message"], "text": "hello all, 07911 123456",
                                 "edit_date": 1772442100}}
    await bot.feed(edited)
    assert len(await bot.rows(HeldMessage)) == 1

    await bot.feed(bot.updates.said(COORDINATOR, "/setup hold off"))
    await bot.feed(bot.updates.said(DEV, "Route: https://example.org/route"))
    assert len(await bot.rows(HeldMessage)) == 1


async def test_group_sends_are_paced_at_twenty_a_minute(bot: GroupBot) -> None:
    """Group messages are outbox rows for the negative chat id, so the dispatcher's pacer
    holds each group to Telegram's 20 a minute however fast people join."""
    for n in range(25):
        await bot.feed(bot.updates.joined(person(3000 + n, f"Person{n}")), send=False)
    rows = await bot.rows(OutboxMessage, OutboxMessage.kind == "group",
                          OutboxMessage.status == "queued")
    assert {(r.channel, r.address) for r in rows} == {("telegram", str(GROUP))}
    # A welcome held up for more than a quarter of an hour is skipped, not sent late.
    assert {r.expires_at for r in rows} == {START + timedelta(minutes=15)}

    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    sent: list[float] = []

    class Clocked:
        channel = "telegram"

        async def send(self, item: Outgoing) -> Outcome:
            sent.append(now[0])
            return Outcome(Result.SENT, provider_ref=str(item.id))

    dispatcher = Dispatcher(bot.services.db, bot.clock, {"telegram": Clocked()},
                            limits={"telegram": Limits(30.0, 1.0, 20)},
                            monotonic=lambda: now[0], sleep=sleep)
    assert await dispatcher.drain() == 25
    assert sent[19] < 1.0 and sent[20] >= 60.0


async def test_a_group_that_is_not_ours_gets_nothing_at_all(bot: GroupBot) -> None:
    elsewhere = Updates(-1007770000000, "Someone else's group", bot.updates.bot)
    post = elsewhere.said(DEV, "Visit https://example.org")
    await bot.feed(elsewhere.joined(KIM))
    await bot.feed(post)
    for command in ("/report", "/warn", "/mute 1h", "/remove", "/rules"):
        await bot.feed(elsewhere.said(MODERATOR, command, reply_to=post))
    assert bot.api.calls == [] and bot.api.sent_to(elsewhere.chat["id"]) == []
    assert await bot.rows(ModerationCase) == [] and await bot.rows(HeldMessage) == []
