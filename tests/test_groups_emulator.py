"""Volunteer-moderated groups through the telegram-test-api emulator: the real channel
polling, group updates posted raw, private chats as emulated users, and the dispatcher
sending through the emulator.

The emulator answers `true` to restrictChatMember, banChatMember and unbanChatMember
(which is what Telegram answers), so moderation runs here; it cannot make invite links
or answer getChatMember, so the last step of joining and re-posting a held message are
covered against the stub in test_groups.py and test_groups_moderation.py."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.config import Settings
from bot.groups.moderation import GroupModeration
from bot.peers.models import GroupMember, ModerationCase
from support.group_api import GROUP, Updates, add_person, person
from support.telegram import TOKEN, RunningBot, press, telegram_bot
from telegram_emulator.emulator import BotMessage, TelegramEmulator

COORDINATOR = person(9001, "Priya")
MARGARET = person(2001, "Margaret")
DEV = person(2002, "Dev")


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(token=TOKEN) as emu:
        yield emu


async def in_group(emulator: TelegramEmulator, count: int = 1) -> list[BotMessage]:
    return await emulator.wait_for_messages(GROUP, count, timeout=10)


async def calls(emulator: TelegramEmulator, method: str) -> list[dict[str, Any]]:
    return [c["params"] for c in await emulator.api_calls(method)]


async def test_a_group_run_through_the_emulator(settings: Settings,
                                                emulator: TelegramEmulator) -> None:
    async with telegram_bot(settings, emulator) as bot:
        wire(bot)
        db, now = bot.services.db, bot.services.clock.now()
        await add_person(db, now, COORDINATOR["id"], "coordinator")
        updates = Updates(GROUP, "Loughborough Walkers",
                          {"id": emulator.bot_id, "is_bot": True, "first_name": "Move Mates",
                           "username": emulator.bot_username})

        await emulator.post_update(updates.promoted(COORDINATOR))
        [hello] = await in_group(emulator)
        assert (hello.text or "").startswith("Hello! I'm Move Mates.")
        await emulator.post_update(updates.joined(MARGARET))
        [welcome] = await in_group(emulator)
        assert (welcome.text or "").startswith("Welcome to Loughborough Walkers, Margaret!")

        # Joining from a private chat, by buttons, as far as the emulator goes.
        dev = emulator.user(DEV["id"], "Dev")
        await dev.send_command("groups")
        [listing] = await dev.wait_for_messages(1, timeout=10)
        await press(dev, listing, "1. Loughborough Walkers")
        [rules] = await dev.wait_for_messages(1, timeout=10)
        assert (rules.text or "").endswith("Are you happy to keep to these rules?")
        await press(dev, rules, "Not now")
        [declined] = await dev.wait_for_messages(1, timeout=10)
        assert declined.text == "That's fine. Type /groups any time to look again."

        # A helper's commands, replying to a member's message.
        post = updates.said(DEV, "Anyone selling walking poles?")
        await emulator.post_update(post)
        await emulator.post_update(updates.said(COORDINATOR, "/warn", reply_to=post))
        [warned] = await in_group(emulator)
        assert "strike 1 of 3" in (warned.text or "")
        await emulator.post_update(updates.said(COORDINATOR, "/mute 2h", reply_to=post))
        [muted] = await in_group(emulator)
        assert muted.text == "Dev can't post here for 2 hours."
        [restricted] = await calls(emulator, "restrictChatMember")
        assert int(restricted["user_id"]) == DEV["id"] and int(restricted["until_date"]) > 0

        # Someone who is not a helper: nothing happens (and the bot can't write to them).
        await emulator.post_update(updates.said(MARGARET, "/remove", reply_to=post))
        await emulator.post_update(updates.said(COORDINATOR, "/remove", reply_to=post))
        [removed] = await in_group(emulator)
        assert removed.text == "A group helper has removed Dev from the group."
        assert len(await calls(emulator, "banChatMember")) == 1
        [unbanned] = await calls(emulator, "unbanChatMember")
        assert int(unbanned["user_id"]) == DEV["id"]

        # A report reaches the coordinator privately, through the outbox.
        rude = updates.said(DEV, "You are all hopeless")
        await emulator.post_update(rude)
        await emulator.post_update(updates.said(MARGARET, "/report", reply_to=rude))
        [alert] = await emulator.wait_for_messages(COORDINATOR["id"], 1, timeout=10)
        assert '"You are all hopeless"' in (alert.text or "")
        assert (await in_group(emulator))[0].text == \
            "Thanks for letting us know. A group helper will take a look."

        async with db.transaction() as session:
            cases = (await session.execute(ModerationCase.__table__.select())).all()
            member = (await session.execute(GroupMember.__table__.select().where(
                GroupMember.telegram_id == DEV["id"]))).one()
        assert len(cases) == 1 and member.removed_at is not None


async def test_groups_get_their_own_command_lists(settings: Settings,
                                                  emulator: TelegramEmulator) -> None:
    async with telegram_bot(settings, emulator) as bot:
        wire(bot)
        await bot.channel.register_commands()
        made = await calls(emulator, "setMyCommands")
    by_scope = {}
    for params in made:
        scope = params.get("scope")
        scope = json.loads(scope) if isinstance(scope, str) else scope
        commands = params["commands"]
        commands = json.loads(commands) if isinstance(commands, str) else commands
        by_scope[(scope or {}).get("type", "default")] = [c["command"] for c in commands]
    assert "report" not in by_scope["default"] and "buddy" in by_scope["default"]
    assert by_scope["all_group_chats"] == ["rules", "report"]
    assert {"warn", "mute", "unmute", "remove", "setup", "setrules"} <= set(
        by_scope["all_chat_administrators"])
    assert "buddy" not in by_scope["all_chat_administrators"]


def wire(bot: RunningBot) -> None:
    """As serve.py does when Telegram is on."""
    bot.channel.groups = GroupModeration(
        bot.services.db, bot.services.clock, bot.services.content,
        bot.channel.application.bot, on_queued=bot.services.engine.on_queued)
