"""Photos, voice notes, stickers, files, contact cards and locations on Telegram: a caption
is words (relayed in a peer chat, read as a typed answer elsewhere); anything without words
gets a kind "I can only pass on / read words"; a contact card in a peer chat is held like a
typed number. Updates go through python-telegram-bot's parsing (`Update.de_json`) into the
real Telegram channel, whose sender talks to a local Bot API stub; one case runs on the
telegram-test-api emulator."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.core.events import Address
from bot.peers.models import RelayedMessage
from bot.storage.models import Person
from support.group_api import GroupBot, group_bot, person
from support.peers import PeerWorld
from support.telegram import TOKEN, telegram_bot
from telegram_emulator.emulator import TelegramEmulator

ANN = person(7101, "Ann")
SUE = person(7102, "Sue")
NEW = person(7103, "Kim")
RESIDENT, SUPPORTER = Address("telegram", "7101"), Address("telegram", "7102")
PASS_ON = "Move Mates: Sorry, I can only pass on words"
READ = "Sorry, I can only read words"
LEFT_OUT = ("Move Mates: Your words went, but the photo or file with them didn't. "
            "I can only pass on words.")
_ids = itertools.count(1000)

PHOTO = {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]}
VOICE = {"voice": {"file_id": "v1", "file_unique_id": "u2", "duration": 3}}
STICKER = {"sticker": {"file_id": "s1", "file_unique_id": "u3", "type": "regular",
                       "width": 512, "height": 512, "is_animated": False, "is_video": False}}
DOCUMENT = {"document": {"file_id": "d1", "file_unique_id": "u4", "file_name": "map.pdf"}}
VIDEO = {"video": {"file_id": "m1", "file_unique_id": "u5", "width": 9, "height": 9,
                   "duration": 2}}
CONTACT = {"contact": {"phone_number": "447700900123", "first_name": "Bob"}}
LOCATION = {"location": {"latitude": 52.6649, "longitude": -1.125}}


def private(sender: dict[str, Any], **content: Any) -> dict[str, Any]:
    chat = {"id": sender["id"], "type": "private", "first_name": sender["first_name"]}
    return {"message": {"message_id": next(_ids), "date": 1772442000, "chat": chat,
                        "from": sender, **content}}


async def in_a_chat(bot: GroupBot) -> PeerWorld:
    """Ann (a resident) and Sue (a peer supporter) chatting, both on Telegram."""
    world = PeerWorld(bot.services, {}, bot.clock)
    await world.supporter(SUPPORTER, "Sue")
    await world.resident(RESIDENT, "Ann")
    await world.asks_for_buddy(RESIDENT)
    await world.connected(RESIDENT, SUPPORTER)
    bot.api.forget()
    return world


async def test_a_caption_in_a_peer_chat_is_passed_on_like_text(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        photo = private(ANN, **PHOTO, caption="Bradgate Park this morning!")
        update_id = await bot.feed(photo)
        assert bot.api.texts_to(7102) == ["Ann: Bradgate Park this morning!"]
        # The words went; the photo didn't, and Ann is told so.
        assert bot.api.texts_to(7101) == [LEFT_OUT]
        await bot.feed(photo, update_id=update_id)  # Telegram delivering it again
        assert len(bot.api.texts_to(7101)) == 1 and len(bot.api.texts_to(7102)) == 1
        bot.api.forget()
        await bot.feed(private(SUE, **VIDEO, caption="Lovely. Same again Saturday?"))
        assert bot.api.texts_to(7101) == ["Sue: Lovely. Same again Saturday?"]
        assert bot.api.texts_to(7102) == [LEFT_OUT]


async def test_a_caption_that_is_a_command_is_only_the_command(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, **PHOTO, caption="END CHAT"))
        to_ann = bot.api.texts_to(7101)
        assert to_ann and not any(t == LEFT_OUT for t in to_ann), to_ann
        assert not any(t.startswith("Ann:") for t in bot.api.texts_to(7102))
        bot.api.forget()
        await bot.feed(private(SUE, **PHOTO, caption="STOP"))
        assert len(bot.api.texts_to(7102)) == 1  # the STOP confirmation, nothing after


@pytest.mark.parametrize("caption", ["pause", "help", "report", "call me on 07700 900123"])
async def test_a_caption_whose_words_did_not_go_says_nothing_about_the_photo(
        settings: Settings, caption: str) -> None:
    """Only when a relay went is the sender told its photo didn't: a command, a request
    for help or a held number never gets "your words went"."""
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, **PHOTO, caption=caption))
        assert LEFT_OUT not in bot.api.texts_to(7101), bot.api.texts_to(7101)
        assert not any(t.startswith("Ann:") for t in bot.api.texts_to(7102))


async def test_an_album_is_answered_once(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        photos = [private(ANN, **PHOTO, media_group_id="album1",
                          **({"caption": "Our walk at Bradgate"} if n == 0 else {}))
                  for n in range(4)]
        for photo in photos:
            await bot.feed(photo)
        assert bot.api.texts_to(7102) == ["Ann: Our walk at Bradgate"]
        assert bot.api.texts_to(7101) == [LEFT_OUT]
        bot.api.forget()
        for photo in [private(ANN, **PHOTO, media_group_id="album2") for _ in range(3)]:
            await bot.feed(photo)
        [reply] = bot.api.texts_to(7101)
        assert reply.startswith(PASS_ON)


async def test_an_edit_is_answered_and_a_moving_live_location_is_not(
        settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, text="see you at 10"))
        assert bot.api.texts_to(7102) == ["Ann: see you at 10"]
        bot.api.forget()
        edited = private(ANN, text="see you at 11 not 10")["message"]
        await bot.feed({"edited_message": {**edited, "edit_date": 1772442100}})
        [reply] = bot.api.texts_to(7101)
        assert reply.startswith("Move Mates: Sorry, I can't pass on changes"), reply
        assert bot.api.texts_to(7102) == []  # never the old words again, nor the new ones
        bot.api.forget()
        moving = private(ANN, **LOCATION)["message"]
        await bot.feed({"edited_message": {**moving, "edit_date": 1772442100}})
        assert bot.api.texts_to(7101) == [] and bot.api.texts_to(7102) == []


@pytest.mark.parametrize("in_chat", [True, False])
async def test_an_edit_into_an_emergency_is_answered_as_one(settings: Settings,
                                                            in_chat: bool) -> None:
    """Words changed into a crisis are read like a new message: the urgent reply at once
    (and, in a peer chat, the peer gets them too: nothing meant for them is dropped)."""
    async with group_bot(settings) as bot:
        who, chat_id = (ANN, 7101) if in_chat else (NEW, 7103)
        if in_chat:
            await in_a_chat(bot)
        await bot.feed(private(who, text="fine thanks"))
        bot.api.forget()
        edited = private(who, text="actually i want to kill myself")["message"]
        await bot.feed({"edited_message": {**edited, "edit_date": 1772442100}})
        replies = bot.api.texts_to(chat_id)
        assert any("116 123" in r for r in replies), replies
        assert not any("can't pass on changes" in r or "can't see changes" in r
                       for r in replies)


async def test_an_edit_outside_a_chat_is_answered(settings: Settings) -> None:
    async with group_bot(settings) as bot:  # the edit was not read: they are told
        await bot.feed(private(NEW, text="hi"))
        bot.api.forget()
        await bot.feed({"edited_message": {**private(NEW, text="hello")["message"],
                                           "edit_date": 1772442100}})
        [reply] = bot.api.texts_to(7103)
        assert reply.startswith("Sorry, I can't see changes")


@pytest.mark.parametrize("name", ["Stop", "End chat", "pause"])
async def test_a_contact_card_without_a_number_is_never_read_as_words(
        settings: Settings, name: str) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, contact={"phone_number": "", "first_name": name}))
        [reply] = bot.api.texts_to(7101)
        assert reply.startswith(PASS_ON)
        assert bot.api.texts_to(7102) == []
        bot.api.forget()
        await bot.feed(private(ANN, text="still here?"))  # not stopped, chat not ended
        assert bot.api.texts_to(7102) == ["Ann: still here?"]


async def test_a_local_number_on_a_card_gains_no_plus(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        world = await in_a_chat(bot)
        await world.says(RESIDENT, "share details")
        await world.says(SUPPORTER, "share details")
        bot.api.forget()
        await bot.feed(private(ANN, contact={"phone_number": "07700900123",
                                             "first_name": "Bob"}))
        assert bot.api.texts_to(7102) == ["Ann: Bob 07700900123"]


@pytest.mark.parametrize("media", [PHOTO, VOICE, STICKER, DOCUMENT, LOCATION],
                         ids=["photo", "voice", "sticker", "document", "location"])
async def test_no_words_in_a_peer_chat_gets_a_kind_reply_and_nothing_is_passed_on(
        settings: Settings, media: dict[str, Any]) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, **media))
        [reply] = bot.api.texts_to(7101)
        assert reply.startswith(PASS_ON) and "didn't quite get" not in reply
        assert bot.api.texts_to(7102) == []
        # A webhook delivering the same update again gets no second reply.
        update = private(ANN, **media)
        await bot.feed(update, update_id=999)
        await bot.feed(update, update_id=999)
        assert len(bot.api.texts_to(7101)) == 2


async def test_a_shared_contact_in_a_peer_chat_is_held_until_both_agree(
        settings: Settings) -> None:
    async with group_bot(settings) as bot:
        world = await in_a_chat(bot)
        await bot.feed(private(ANN, **CONTACT))
        [held] = bot.api.texts_to(7101)
        assert held.startswith("I held that back because it has contact details (a phone")
        assert bot.api.texts_to(7102) == []
        [row] = await bot.rows(RelayedMessage)
        assert row.held
        # Both agree to swap details: a contact card then goes, as a typed number would.
        await world.says(RESIDENT, "share details")
        await world.says(SUPPORTER, "share details")
        bot.api.forget()
        await bot.feed(private(ANN, **CONTACT))
        assert bot.api.texts_to(7102) == ["Ann: Bob +447700900123"]


async def test_outside_a_peer_chat_a_caption_is_an_answer_and_media_a_kind_word(
        settings: Settings) -> None:
    async with group_bot(settings) as bot:
        for text in ("hi", "1", "1", "1"):  # privacy, health, messages: to "what name?"
            await bot.feed(private(NEW, text=text))
        assert bot.api.texts_to(7103)[-1].startswith("What would you like me to call you?")
        bot.api.forget()
        for media in (STICKER, VOICE, CONTACT, LOCATION):
            await bot.feed(private(NEW, **media))
        replies = bot.api.texts_to(7103)
        assert len(replies) == 4 and all(r.startswith(READ) for r in replies), replies
        bot.api.forget()
        await bot.feed(private(NEW, **PHOTO, caption="Kim"))
        [person_row] = await bot.rows(Person)
        assert person_row.name == "Kim"
        # An answer to us: nothing was lost, so no word about the photo.
        assert not any("photo" in t for t in bot.api.texts_to(7103))


async def test_a_location_answers_a_location_question(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        answers = ["hi", "1", "1", "1", "Kim", "1", "1", "1", "1", "2", "3", "2"]
        for text in answers:
            await bot.feed(private(NEW, text=text))
        assert "first part of your postcode" in bot.api.texts_to(7103)[-1]
        bot.api.forget()
        await bot.feed(private(NEW, **LOCATION))
        [reply] = bot.api.texts_to(7103)[:1]
        assert reply.startswith("Thanks! That's near LE4.")
        [person_row] = await bot.rows(Person)
        assert person_row.district == "LE4"


async def test_a_newcomer_sending_a_sticker_is_welcomed(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await bot.feed(private(NEW, **STICKER))
        assert bot.api.texts_to(7103)[0].startswith("Hello! I'm Move Mates")


async def test_after_stop_media_gets_nothing(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await bot.feed(private(NEW, text="hi"))
        await bot.feed(private(NEW, text="STOP"))
        bot.api.forget()
        await bot.feed(private(NEW, **PHOTO))
        assert bot.api.texts_to(7103) == []


async def test_media_on_the_emulator(settings: Settings) -> None:
    async with TelegramEmulator(token=TOKEN) as emulator, \
            telegram_bot(settings, emulator) as bot:
        user = emulator.user(7201, "Jo")
        await user.send_text("hi")
        await user.wait_for_messages(2, timeout=10)
        await emulator.post_update(private({"id": 7201, "is_bot": False, "first_name": "Jo"},
                                           **STICKER))
        [reply] = await user.wait_for_messages(1, timeout=10)
        assert (reply.text or "").startswith(READ)
        await user.share_contact("447700900123")
        [reply] = await user.wait_for_messages(1, timeout=10)
        assert (reply.text or "").startswith(READ)
        async with bot.services.db.transaction() as session:
            people = (await session.execute(select(Person))).scalars().all()
        assert len(people) == 1
