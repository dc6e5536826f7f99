"""Posts in a Telegram group pass the safety screen: the poster gets urgent help (privately
when the bot may write to them, else briefly in the group), the duty team an alert, once
per post; ordinary posts and idioms pass untouched. Through python-telegram-bot's own
update processing against a Bot API stand-in (support.group_api)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import Settings
from bot.safety.models import SafetyAlert
from support.group_api import GROUP, GroupBot, group_bot, person

COORDINATOR = person(9102, "Tom")
MARGARET = person(2101, "Margaret")
KIM = person(2103, "Kim")  # never wrote to the bot privately


@pytest.fixture
async def bot(settings: Settings) -> Any:
    async with group_bot(settings) as running:
        await running.add_person(COORDINATOR["id"], "coordinator")
        await running.add_person(MARGARET["id"], None)
        await running.feed(running.updates.promoted(COORDINATOR))
        running.api.forget()
        yield running


async def test_a_crisis_post_is_answered_privately_and_alerted_once(bot: GroupBot) -> None:
    post = bot.updates.said(MARGARET, "honestly i dont want to be here anymore")
    number = await bot.feed(post)
    await bot.feed(post, update_id=number)  # redelivered: nothing twice
    [reply] = bot.api.texts_to(MARGARET["id"])
    assert "116 123" in reply
    assert bot.api.texts_to(GROUP) == []  # nothing said in front of everyone
    [alert] = await bot.rows(SafetyAlert)
    assert (alert.topic, alert.channel) == ("crisis", "telegram_group")
    assert alert.person_id == bot.person_ids[MARGARET["id"]]
    [notice] = bot.api.texts_to(COORDINATOR["id"])
    assert notice.startswith("Safety alert 1: crisis")


async def test_someone_the_bot_cannot_write_to_is_answered_in_the_group(bot: GroupBot) -> None:
    await bot.feed(bot.updates.said(KIM, "my husband has collapsed on the path, not answering"))
    [said] = bot.api.texts_to(GROUP)
    assert said.startswith("Kim, if you need urgent help, please call 999")
    [alert] = await bot.rows(SafetyAlert)
    assert alert.topic == "someone_else" and alert.person_id is None


async def test_ordinary_posts_and_idioms_pass(bot: GroupBot) -> None:
    for text in ("Lovely walk round the lake today", "my knees are killing me after that hill",
                 "nearly died laughing at Dev's hat", "no chest pain at all this week!"):
        await bot.feed(bot.updates.said(MARGARET, text))
    assert await bot.rows(SafetyAlert) == []
    assert bot.api.texts_to(MARGARET["id"]) == [] and bot.api.texts_to(GROUP) == []


async def test_a_post_edited_into_a_crisis_is_answered_and_alerted_once(bot: GroupBot) -> None:
    post = bot.updates.said(MARGARET, "nice day for it")
    await bot.feed(post)
    assert await bot.rows(SafetyAlert) == []
    edited = {"edited_message": {**post["message"], "text":
                                 "actually I want to end my life tonight",
                                 "edit_date": post["message"]["date"] + 60}}
    await bot.feed(edited)
    await bot.feed({"edited_message": {**edited["edited_message"],
                                       "text": "actually I want to end my life tonight."}})
    [reply] = bot.api.texts_to(MARGARET["id"])
    assert "116 123" in reply
    [alert] = await bot.rows(SafetyAlert)  # once for the post, however often edited
    assert alert.topic == "crisis"
