"""The Telegram channel end to end: python-telegram-bot 22 against the telegram-test-api
emulator, driving a whole onboarding by buttons and typed text, in polling and webhook mode."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.storage.models import Identity, ImpactEvent, InboundSeen, OutboxMessage, Person
from support.telegram import SECRET, TOKEN, RunningBot, press, telegram_bot
from telegram_emulator.emulator import BotMessage, EmulatedUser, TelegramEmulator

TICK = "\u2713 "


@pytest.fixture
async def emulator():
    async with TelegramEmulator(token=TOKEN) as emu:
        yield emu


async def expect(user: EmulatedUser, count: int, starts: str | None = None) -> list[BotMessage]:
    messages = await user.wait_for_messages(count, timeout=10)
    if starts is not None:
        assert messages[-1].text and messages[-1].text.startswith(starts), messages[-1].text
    return messages


async def tick_and_done(bot: RunningBot, user: EmulatedUser, question: BotMessage,
                        labels: list[str]) -> BotMessage:
    """Tick several options on a multi-select keyboard, then press Done."""
    current = question
    for label in labels:
        await user.press_button(current, current.callback_data(label))
        current = await bot.emulator.wait_for_edit(current, timeout=10)
        assert any(b["text"] == f"{TICK}{label}" for row in current.inline_keyboard for b in row)
    await user.press_button(current, current.callback_data("Done"))
    return await bot.emulator.wait_for_edit(current, timeout=10)


async def onboard(bot: RunningBot, user: EmulatedUser, start_args: str = "") -> None:
    await user.send_command("start", start_args)
    welcome, privacy = await expect(user, 2, "Before we start")
    assert welcome.text and welcome.text.startswith("Hello! I'm Move Mates")
    await press(user, privacy, "OK, let's start")
    settled = await bot.emulator.wait_for_edit(privacy, timeout=10)
    assert settled.inline_keyboard == [] and settled.text.endswith(f"{TICK}OK, let's start")

    [health] = await expect(user, 1, "You can skip any question")
    await press(user, health, "Yes")
    [messages] = await expect(user, 1, "Would you like friendly messages")
    await press(user, messages, "Yes please")
    await expect(user, 1, "What would you like me to call you?")
    await user.send_text("Margaret")

    [activities] = await expect(user, 1, "What movement do you enjoy")
    done = await tick_and_done(bot, user, activities, ["Walking", "Yoga, tai chi or pilates"])
    assert done.text.endswith(f"{TICK}Walking, Yoga, tai chi or pilates")
    [_helps] = await expect(user, 1, "What would help")
    await user.send_text("someone to go with and low cost")  # typed answers work too
    [cost] = await expect(user, 1, "Does it need to be free")  # asked because of "low cost"
    await press(user, cost, "Free only")
    [days] = await expect(user, 1, "Which days")
    await tick_and_done(bot, user, days, ["Tuesday", "Friday"])
    [times] = await expect(user, 1, "What time of day")
    await tick_and_done(bot, user, times, ["Morning"])
    [often] = await expect(user, 1, "How often")
    await press(user, often, "Twice a week")
    [whom] = await expect(user, 1, "Who would you like")
    await tick_and_done(bot, user, whom, ["A group"])
    [where] = await expect(user, 1, "Where would you like")
    await tick_and_done(bot, user, where, ["Outdoors, parks or green spaces"])

    [district] = await expect(user, 1, "What is the first part of your postcode")
    assert district.keyboard[0][0]["request_location"] is True
    await user.share_location(52.6649, -1.1250)
    [_matters] = await expect(user, 1, "Thanks! That's near LE4.")
    await user.send_text("Walk to the shops again")
    await expect(user, 1, "Is there anything about your health")
    await user.send_text("COPD")
    summary, confirm = await expect(user, 2, "Is that right?")
    assert "Postcode area: LE4" in (summary.text or "")
    assert "What matters to you: Walk to the shops again" in (summary.text or "")
    await press(user, confirm, "Yes, that's right")
    _all_set, safe, offer = await expect(user, 3, "Would you like some ideas")
    assert safe.text and safe.text.startswith("Moving is safe")
    await press(user, offer, "Not now")
    await expect(user, 1)


async def stored(bot: RunningBot, user_id: int) -> Person:
    async with bot.services.db.transaction() as session:
        identity = (await session.execute(select(Identity).where(
            Identity.channel == "telegram", Identity.address == str(user_id)))).scalar_one()
        person = await session.get(Person, identity.person_id)
        assert person is not None
        return person


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
async def test_whole_onboarding_by_buttons_and_text(settings: Settings, emulator: TelegramEmulator,
                                                    webhook: bool) -> None:
    async with telegram_bot(settings, emulator, webhook=webhook) as bot:
        user = emulator.user(1001, "Margaret")
        await onboard(bot, user, start_args="physio")
        person = await stored(bot, 1001)
    assert person.onboarded_at is not None
    assert person.answers["activities"] == ["walking", "yoga"]
    assert person.answers["helps"] == ["company", "low_cost"]
    assert person.answers["cost"] == "free"
    assert person.answers["days"] == ["tue", "fri"]
    assert person.district == "LE4"
    assert (person.latitude, person.longitude) == (52.66, -1.12)  # rounded: about a km
    assert person.referral_source == "physio"
    calls = await emulator.api_calls("setMyCommands")
    commands = [c["command"] for c in json.loads(calls[-1]["params"]["commands"])] \
        if isinstance(calls[-1]["params"]["commands"], str) else \
        [c["command"] for c in calls[-1]["params"]["commands"]]
    assert commands == ["start", "menu", "suggest", "buddy", "team", "groups", "settings",
                        "pause", "resume", "mydata", "deleteme", "help"]
    if webhook:
        assert await emulator.api_calls("setWebhook")
        assert not await emulator.api_calls("getUpdates")


async def test_unknown_referral_codes_are_kept_as_unknown(settings: Settings,
                                                          emulator: TelegramEmulator) -> None:
    async with telegram_bot(settings, emulator) as bot:
        user = emulator.user(1002, "Sam")
        await user.send_command("start", "poster-in-the-library")
        await expect(user, 2)
        person = await stored(bot, 1002)
        async with bot.services.db.transaction() as session:
            joined = (await session.execute(select(ImpactEvent.detail).where(
                ImpactEvent.kind == "joined"))).scalars().all()
    assert person.referral_source == "unknown"
    assert joined == ["unknown"]


async def test_slash_commands_work_mid_conversation(settings: Settings,
                                                    emulator: TelegramEmulator) -> None:
    async with telegram_bot(settings, emulator) as bot:
        user = emulator.user(1003, "Kim")
        await user.send_command("start")
        await expect(user, 2)
        await user.send_command("help")
        help_text, urgent, _again = await expect(user, 3, "Before we start")
        assert "MENU" in (help_text.text or "") and "999" in (urgent.text or "")
        await user.send_command("mydata")
        report, _end, _again = await expect(user, 3)
        assert (report.text or "").startswith("Here is everything we hold about you")
        await user.send_command("deleteme")
        [confirm] = await expect(user, 1, "Are you sure?")
        await press(user, confirm, "Yes, delete it all")
        await expect(user, 1, "Done. Everything we held")
        async with bot.services.db.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(Person)) == 0


async def test_an_old_button_is_spotted_and_the_current_question_shown(
        settings: Settings, emulator: TelegramEmulator) -> None:
    async with telegram_bot(settings, emulator) as bot:
        user = emulator.user(1004, "Ali")
        await user.send_command("start")
        _, privacy = await expect(user, 2)
        await user.send_text("1")  # answered by typing: the buttons above are now old
        [_health] = await expect(user, 1, "You can skip")
        await user.press_button(privacy, privacy.callback_data("Not now"))
        stale, again = await expect(user, 2)
        assert (stale.text or "").startswith("That button was for an earlier question")
        assert "Can we keep any health details" in (again.text or "")
        person = await stored(bot, 1004)
        assert person.step == "consent_health"  # nothing was erased by the old "Not now"


async def test_groups_are_ignored_for_resident_conversations(settings: Settings,
                                                             emulator: TelegramEmulator) -> None:
    async with telegram_bot(settings, emulator) as bot:
        await emulator.post_update({"message": {
            "message_id": 5, "date": 1760000000, "text": "hello",
            "chat": {"id": -100123, "type": "supergroup", "title": "Walkers"},
            "from": {"id": 1005, "is_bot": False, "first_name": "Jo"}}})
        user = emulator.user(1006, "Control")
        await user.send_text("hi")
        await expect(user, 2)  # the bot is alive and processed later updates
        assert await emulator.bot_messages(-100123) == []
        async with bot.services.db.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(Person)) == 1


async def test_blocking_the_bot_stops_messages_until_they_write_again(
        settings: Settings, emulator: TelegramEmulator) -> None:
    async with telegram_bot(settings, emulator) as bot:
        user = emulator.user(1007, "Pat")
        await user.send_text("hi")
        await expect(user, 2)
        await emulator.post_update({"my_chat_member": {
            "chat": {"id": 1007, "type": "private", "first_name": "Pat"},
            "from": {"id": 1007, "is_bot": False, "first_name": "Pat"}, "date": 1760000000,
            "old_chat_member": {"status": "member", "user": {"id": emulator.bot_id,
                                                             "is_bot": True, "first_name": "B"}},
            "new_chat_member": {"status": "kicked", "until_date": 0,
                                "user": {"id": emulator.bot_id, "is_bot": True,
                                         "first_name": "B"}}}})
        for _ in range(200):
            async with bot.services.db.transaction() as session:
                identity = (await session.execute(select(Identity))).scalar_one()
            if identity.unreachable_at is not None:
                break
            await asyncio.sleep(0.05)
        assert identity.unreachable_at is not None
        await user.send_text("1")  # writing again makes them reachable
        await expect(user, 1, "You can skip")


WEBHOOK_UPDATE = {"update_id": 424242, "message": {
    "message_id": 1, "date": 1760000000, "text": "hi",
    "chat": {"id": 2001, "type": "private", "first_name": "Dev"},
    "from": {"id": 2001, "is_bot": False, "first_name": "Dev"}}}


async def test_webhook_refuses_forged_updates_before_storing_anything(
        settings: Settings, emulator: TelegramEmulator) -> None:
    async with telegram_bot(settings, emulator, webhook=True) as bot:
        url = f"http://127.0.0.1:{bot.port}/telegram"
        async with httpx.AsyncClient() as client:
            missing = await client.post(url, json=WEBHOOK_UPDATE)
            wrong = await client.post(url, json=WEBHOOK_UPDATE,
                                      headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
            garbage = await client.post(url, content=b"{not json",
                                        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            not_update = await client.post(url, json={"hello": 1},
                                           headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            secret = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            huge_id = await client.post(url, json={**WEBHOOK_UPDATE, "update_id": 10 ** 80},
                                        headers=secret)
            negative = await client.post(url, json={**WEBHOOK_UPDATE, "update_id": -1},
                                         headers=secret)
            flag = await client.post(url, json={**WEBHOOK_UPDATE, "update_id": True},
                                     headers=secret)
            too_big = await client.post(url, content=b'{"update_id": 1, "pad": "'
                                        + b"x" * 300_000 + b'"}', headers=secret)
            # Fields of the wrong shape (found by a newcomer's break-test: 500s before).
            message = WEBHOOK_UPDATE["message"]
            odd = [await client.post(url, headers=secret, json={
                "update_id": 26 + n, "message": {**message, **change}})
                for n, change in enumerate(({"text": ["a"]}, {"text": {"a": 1}},
                                            {"caption": 7, "text": None}))]
            no_member = await client.post(url, headers=secret, json={
                "update_id": 30, "my_chat_member": {"chat": {"id": 7001, "type": "private"}}})
        assert (missing.status_code, wrong.status_code) == (403, 403)
        assert (garbage.status_code, not_update.status_code) == (400, 400)
        assert [r.status_code for r in (huge_id, negative, flag)] == [400, 400, 400]
        assert too_big.status_code == 413
        assert [r.status_code for r in (*odd, no_member)] == [400, 400, 400, 400]
        async with bot.services.db.transaction() as session:
            for model in (Person, InboundSeen, OutboxMessage):
                assert await session.scalar(select(func.count()).select_from(model)) == 0


async def test_webhook_duplicate_update_is_processed_once(settings: Settings,
                                                          emulator: TelegramEmulator) -> None:
    async with telegram_bot(settings, emulator, webhook=True) as bot:
        url = f"http://127.0.0.1:{bot.port}/telegram"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with httpx.AsyncClient() as client:
            first = await client.post(url, json=WEBHOOK_UPDATE, headers=headers)
            second = await client.post(url, json=WEBHOOK_UPDATE, headers=headers)
        assert (first.status_code, second.status_code) == (200, 200)
        user = emulator.user(2001, "Dev")
        await expect(user, 2, "Before we start")
        async with bot.services.db.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
