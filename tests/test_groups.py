"""Volunteer-moderated groups, part 1: registering a group, welcoming newcomers with its
rules, rules per group, and joining from a private chat with a one-time link.

Updates go through python-telegram-bot's own parsing (`Update.de_json`) into the real
Telegram channel, with a real PTB `Bot` talking to a local Bot API stub
(support/group_api.py); every message goes through the outbox and the dispatcher."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.config import Settings
from bot.peers.models import Group, GroupInvite, GroupMember
from bot.storage.models import AuditEntry, InboundSeen, OutboxMessage, Person
from bot.storage.repository import seen_key
from support.group_api import GROUP, START, GroupBot, Updates, group_bot, person

COORDINATOR = person(9001, "Priya")
MARGARET = person(2001, "Margaret")
DEV = person(2002, "Dev")
DEFAULT_RULES_START = "1. Be kind. We all live with different things."


async def registered(bot: GroupBot, updates: Updates | None = None) -> None:
    """A coordinator makes the bot an admin of the group."""
    await bot.add_person(COORDINATOR["id"], "coordinator")
    await bot.feed((updates or bot.updates).promoted(COORDINATOR))


async def test_a_helper_making_the_bot_admin_registers_the_group_and_welcomes_newcomers(
        settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await registered(bot)
        [group] = await bot.rows(Group)
        assert (group.chat_id, group.title, group.rules) == (GROUP, "Loughborough Walkers", None)
        assert (group.strike_limit, group.hold_new_member_links, group.new_member_days) == \
            (3, True, 7)
        [hello] = bot.api.texts_to(GROUP)
        assert hello.startswith("Hello! I'm Move Mates.") and "/rules" in hello
        [entry] = await bot.rows(AuditEntry)
        assert (entry.action, entry.actor_telegram_id, entry.target) == \
            ("group_registered", 9001, f"chat:{GROUP}")

        await bot.feed(bot.updates.joined(MARGARET))
        # Telegram often announces the same join twice: one welcome only.
        await bot.feed(bot.updates.joined_message(MARGARET))
        welcome = bot.api.texts_to(GROUP)[1:]
        assert len(welcome) == 1
        assert welcome[0].startswith(
            "Welcome to Loughborough Walkers, Margaret! We're glad you're here.")
        assert DEFAULT_RULES_START in welcome[0]
        [member] = await bot.rows(GroupMember)
        assert (member.telegram_id, member.strikes, member.joined_at) == (2001, 0, START)

        # The rest of the group's chatter gets no reply, and never reaches the engine.
        await bot.feed(bot.updates.said(DEV, "Morning all, anyone for Bradgate Park?"))
        assert len(bot.api.texts_to(GROUP)) == 2
        async with bot.services.db.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(Person)) == 1


async def test_someone_else_adding_the_bot_lists_nothing_until_a_helper_sets_it_up(
        settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await bot.add_person(DEV["id"])  # talks to the bot, but is not a volunteer
        await bot.feed(bot.updates.promoted(DEV))
        assert await bot.rows(Group) == []
        [note] = bot.api.texts_to(GROUP)
        assert "/setup" in note
        await bot.feed(bot.updates.joined(MARGARET))  # not ours yet: no welcome
        await bot.feed(bot.updates.said(DEV, "/setup"))
        assert await bot.rows(Group) == []
        assert bot.api.texts_to(GROUP) == [note]
        [refusal] = bot.api.texts_to(DEV["id"])
        assert refusal.startswith("Sorry, only group helpers can do that.")

        await bot.add_person(COORDINATOR["id"], "moderator")
        await bot.feed(bot.updates.said(COORDINATOR, "/setup@MoveMatesTestBot strikes 4 days 3"))
        [group] = await bot.rows(Group)
        assert (group.strike_limit, group.new_member_days) == (4, 3)
        summary = bot.api.texts_to(GROUP)[-1]
        assert "Strikes before someone is removed: 4." in summary
        assert "kept back for a helper for 3 days" in summary

        await bot.feed(bot.updates.said(COORDINATOR, "/setup hold off"))
        assert "are not kept back" in bot.api.texts_to(GROUP)[-1]
        await bot.feed(bot.updates.said(COORDINATOR, "/setup strikes lots"))
        assert bot.api.texts_to(COORDINATOR["id"])[-1].startswith("Sorry, I didn't follow")
        actions = [e.action for e in await bot.rows(AuditEntry)]
        assert actions == ["group_setup", "group_setup"]
        # A command meant for another bot is not ours.
        await bot.feed(bot.updates.said(COORDINATOR, "/setup@SomeOtherBot strikes 9"))
        assert (await bot.rows(Group))[0].strike_limit == 4


async def test_each_group_can_have_its_own_rules(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        runners = Updates(-1009876543210, "Coalville Chair Movers", bot.updates.bot)
        await registered(bot)
        await bot.feed(runners.promoted(COORDINATOR))
        own = "1. Be kind.\n2. Chair-based moves only, at your own pace.\n3. Have fun!"
        await bot.feed(runners.said(COORDINATOR, f"/setrules {own}"))
        assert bot.api.texts_to(runners.chat["id"])[-1].startswith("Thanks. The group rules")

        await bot.feed(runners.said(DEV, "/rules"))
        assert bot.api.texts_to(runners.chat["id"])[-1] == \
            f"The rules for Coalville Chair Movers:\n\n{own}"
        await bot.feed(bot.updates.said(DEV, "/rules"))
        assert bot.api.texts_to(GROUP)[-1].startswith(
            f"The rules for Loughborough Walkers:\n\n{DEFAULT_RULES_START}")
        # Asked again straight away: the group is not flooded with the same rules.
        await bot.feed(bot.updates.said(MARGARET, "/rules"))
        assert len(bot.api.texts_to(GROUP)) == 2

        await bot.feed(runners.joined(MARGARET))
        assert bot.api.texts_to(runners.chat["id"])[-1].endswith(f"keep to.\n\n{own}")
        await bot.feed(runners.said(COORDINATOR, "/setrules default"))
        [group] = await bot.rows(Group, Group.chat_id == runners.chat["id"])
        assert group.rules is None
        actions = [e.action for e in await bot.rows(AuditEntry)]
        assert actions.count("group_rules") == 2


async def test_joining_by_buttons_ends_with_a_one_time_link(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        chairs = Updates(-1009876543210, "Coalville Chair Movers", bot.updates.bot)
        await registered(bot)
        await bot.feed(chairs.promoted(COORDINATOR))
        margaret_id = await bot.add_person(MARGARET["id"])

        await bot.feed(Updates.private(MARGARET, "/groups"))
        [listing] = [m for m in bot.api.messages if m["chat"]["id"] == MARGARET["id"]]
        assert listing["text"] == "Here are the groups you can join. Pick one to see its rules."
        labels = [b["text"] for row in listing["reply_markup"]["inline_keyboard"] for b in row]
        assert labels == ["1. Coalville Chair Movers", "2. Loughborough Walkers"]

        await bot.feed(Updates.pressed(MARGARET, listing, "2. Loughborough Walkers"))
        [settled] = bot.api.called("editMessageText")
        assert settled["text"].endswith("\u2713 2. Loughborough Walkers")
        rules = bot.api.last_to(MARGARET["id"])
        assert rules["text"].startswith("Here are the rules for Loughborough Walkers:\n\n1. Be")
        assert rules["text"].endswith("Are you happy to keep to these rules?")

        await bot.feed(Updates.pressed(MARGARET, rules, "I agree"))
        [made] = bot.api.called("createChatInviteLink")
        assert int(made["chat_id"]) == GROUP and int(made["member_limit"]) == 1
        assert int(made["expire_date"]) == int((START + timedelta(hours=24)).timestamp())
        link = bot.api.texts_to(MARGARET["id"])[-1]
        assert link.startswith("Thank you! Here is your link to join Loughborough Walkers.")
        assert link.endswith("\nhttps://t.me/+MoveMatesLink0001")
        [invite] = await bot.rows(GroupInvite)
        assert (invite.chat_id, invite.person_id, invite.link, invite.used_at) == \
            (GROUP, margaret_id, "https://t.me/+MoveMatesLink0001", None)
        # Agreeing again while the link still works brings the same link back.
        bot.clock.advance(timedelta(hours=1))
        await bot.feed(Updates.pressed(MARGARET, rules, "I agree"))
        assert bot.api.texts_to(MARGARET["id"])[-1] == link
        assert len(bot.api.called("createChatInviteLink")) == 1

        await bot.feed(bot.updates.joined(MARGARET, link="https://t.me/+MoveMatesLink0001"))
        [invite] = await bot.rows(GroupInvite)
        assert invite.used_at == START + timedelta(hours=1)
        assert bot.api.texts_to(GROUP)[-1].startswith("Welcome to Loughborough Walkers, Marg")
        # Asking again once in: nothing to agree to.
        await bot.feed(Updates.private(MARGARET, "/groups"))
        await bot.feed(Updates.pressed(MARGARET, bot.api.last_to(MARGARET["id"]),
                                       "2. Loughborough Walkers"))
        assert bot.api.texts_to(MARGARET["id"])[-1] == \
            "You're already in Loughborough Walkers. See you there!"
        # The engine never saw any of it: no conversation was started or changed.
        [margaret] = await bot.rows(Person, Person.id == margaret_id)
        assert margaret.flow is None and margaret.state_version == 1


async def test_joining_by_typed_answers_and_anything_else_goes_to_the_engine(
        settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await registered(bot)
        await bot.feed(Updates.private(DEV, "/groups"))  # never met the engine: still fine
        await bot.feed(Updates.private(DEV, "1"))
        assert bot.api.texts_to(DEV["id"])[-1].startswith("Here are the rules for Loughb")
        await bot.feed(Updates.private(DEV, "Yes!"))
        [made] = bot.api.called("createChatInviteLink")
        assert int(made["member_limit"]) == 1
        assert bot.api.texts_to(DEV["id"])[-1].endswith("https://t.me/+MoveMatesLink0001")
        [invite] = await bot.rows(GroupInvite)
        assert invite.person_id is None

        await bot.feed(Updates.private(DEV, "/groups"))
        await bot.feed(Updates.private(DEV, "1"))
        await bot.feed(Updates.private(DEV, "not now"))
        assert bot.api.texts_to(DEV["id"])[-1] == \
            "That's fine. Type /groups any time to look again."
        assert len(bot.api.called("createChatInviteLink")) == 1

        # After the list, other words are for the engine, which starts its conversation.
        await bot.feed(Updates.private(DEV, "/groups"))
        before = len(bot.api.texts_to(DEV["id"]))
        await bot.feed(Updates.private(DEV, "hello there"))
        replies = bot.api.texts_to(DEV["id"])[before:]
        assert replies and replies[0].startswith("Hello! I'm Move Mates")
        # ...and so is "1" from then on: the list was forgotten.
        seen = len(bot.api.called("createChatInviteLink"))
        await bot.feed(Updates.private(DEV, "1"))
        assert not bot.api.texts_to(DEV["id"])[-1].startswith("Here are the rules")
        assert len(bot.api.called("createChatInviteLink")) == seen


async def test_typed_answers_are_forgotten_after_half_an_hour(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await registered(bot)
        await bot.add_person(DEV["id"])
        await bot.feed(Updates.private(DEV, "/groups"))
        bot.clock.advance(timedelta(minutes=31))
        await bot.feed(Updates.private(DEV, "1"))
        assert not any(t.startswith("Here are the rules") for t in bot.api.texts_to(DEV["id"]))


async def test_someone_who_said_stop_hears_nothing(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await registered(bot)
        await bot.add_person(DEV["id"], opted_out=True)
        update_id = await bot.feed(Updates.private(DEV, "/groups"))
        assert bot.api.texts_to(DEV["id"]) == []
        async with bot.services.db.transaction() as session:
            queued = await session.scalar(select(func.count()).select_from(OutboxMessage)
                                          .where(OutboxMessage.address == str(DEV["id"])))
        assert queued == 0
        # The engine had it (and ignored it, as it does everything until START).
        assert await bot.rows(InboundSeen, InboundSeen.external_id == seen_key(f"u{update_id}"))


async def test_no_groups_yet_and_a_group_that_has_gone(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await bot.feed(Updates.private(DEV, "/groups"))
        assert bot.api.texts_to(DEV["id"]) == [
            "There are no groups to join just now. Please look again another time."]
        await registered(bot)
        await bot.feed(Updates.private(DEV, "/groups"))
        listing = bot.api.last_to(DEV["id"])
        await bot.feed(bot.updates.promoted(COORDINATOR, status="left"))  # bot removed
        assert await bot.rows(Group) == []
        await bot.feed(Updates.pressed(DEV, listing, "1. Loughborough Walkers"))
        assert bot.api.texts_to(DEV["id"])[-1].startswith("Sorry, that group is not open")
        assert [e.action for e in await bot.rows(AuditEntry)] == \
            ["group_registered", "group_forgotten"]


async def test_a_link_telegram_refuses_to_make_is_explained(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await registered(bot)
        await bot.feed(Updates.private(DEV, "/groups"))
        await bot.feed(Updates.private(DEV, "1"))
        bot.api.fail_next("createChatInviteLink")
        await bot.feed(Updates.private(DEV, "agree"))
        assert bot.api.texts_to(DEV["id"])[-1].startswith("Sorry, I couldn't make a link")
        assert await bot.rows(GroupInvite) == []


async def test_a_group_that_becomes_a_supergroup_keeps_its_settings(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await registered(bot)
        await bot.feed(bot.updates.said(COORDINATOR, "/setup strikes 5"))
        await bot.feed(bot.updates.joined(MARGARET))
        moved = {"message": {"message_id": 900, "date": 1772442000, "chat": bot.updates.chat,
                             "from": COORDINATOR, "migrate_to_chat_id": -1005550000000}}
        await bot.feed(moved)
        [group] = await bot.rows(Group)
        assert (group.chat_id, group.strike_limit) == (-1005550000000, 5)
        [member] = await bot.rows(GroupMember)
        assert member.chat_id == -1005550000000
