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

from bot.channels.telegram_media import card_number
from bot.channels.wordless import ALBUM_SETTLE
from bot.config import Settings
from bot.core.events import Address
from bot.peers.models import PeerChat, RelayedMessage
from bot.safety.models import SafetyAlert
from bot.storage.models import Identity, Person
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
        # The words went; the photo didn't, and Ann is told so, once they have been tried.
        assert bot.api.texts_to(7101) == []
        await _settled(bot)
        assert bot.api.texts_to(7101) == [LEFT_OUT]
        await bot.feed(photo, update_id=update_id)  # Telegram delivering it again
        await _settled(bot)
        assert len(bot.api.texts_to(7101)) == 1 and len(bot.api.texts_to(7102)) == 1
        bot.api.forget()
        await bot.feed(private(SUE, **VIDEO, caption="Lovely. Same again Saturday?"))
        await _settled(bot)
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
        await _settled(bot)
        assert bot.api.texts_to(7102) == ["Ann: Our walk at Bradgate"]
        assert bot.api.texts_to(7101) == [LEFT_OUT]
        bot.api.forget()
        for photo in [private(ANN, **PHOTO, media_group_id="album2") for _ in range(3)]:
            await bot.feed(photo)
        # An album without words is answered once, after a moment (a caption may come on
        # a later item).
        assert bot.api.texts_to(7101) == []
        bot.clock.advance(ALBUM_SETTLE)
        await bot.services.dispatcher.drain()
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


# -- words a reader can't see, kinds Telegram added, service messages (break-test F13) -------
INVISIBLE = ["\u200b", "\u2800", "\u3164", "\u115f\u1160", "\ufe0f", "\ufe00", "\u034f",
             "\u200b\u200b \u2060", "\u00a0\u2800\u3000", "\U000e0041\U000e007f"]
INVISIBLE_IDS = ["zwsp", "braille_blank", "hangul_filler", "hangul_choseong_jungseong",
                 "vs16", "vs1", "cgj", "zwsp_wj", "blank_spaces", "tags"]
LIVE_PHOTO = {"live_photo": {"file_id": "lp", "file_unique_id": "lpu", "width": 9,
                             "height": 9, "duration": 2}}
STORY = {"story": {"chat": {"id": 7101, "type": "private", "first_name": "Ann"}, "id": 3}}
PAID_MEDIA = {"paid_media": {"star_count": 5, "paid_media": [{"type": "preview"}]}}
GIVEAWAY = {"giveaway": {"chats": [{"id": -100123, "type": "channel", "title": "News"}],
                         "winners_selection_date": 1772442000, "winner_count": 1}}
GAME = {"game": {"title": "Walk", "description": "d", "photo": PHOTO["photo"]}}
NEWER = {"hologram": {"file_id": "h1"}}  # a kind of media newer than this code
CHECKLIST = {"checklist": {"title": "Saturday walk", "tasks": [
    {"id": 1, "text": "bring water"}, {"id": 2, "text": "meet at the north gate"}]}}
SERVICE = {
    "pinned": {"pinned_message": {"message_id": 5, "date": 1772442000, "chat": {
        "id": 7101, "type": "private", "first_name": "Ann"}, "text": "x"}},
    "auto_delete_timer": {"message_auto_delete_timer_changed": {
        "message_auto_delete_time": 86400}},
    "write_access": {"write_access_allowed": {}},
    "users_shared": {"users_shared": {"request_id": 1, "users": [{"user_id": 55}]}},
    "chat_shared": {"chat_shared": {"request_id": 2, "chat_id": -100555}},
    "background": {"chat_background_set": {"type": {"type": "fill", "fill": {
        "type": "solid", "color": 0}, "dark_theme_dimming": 0}}},
    "proximity": {"proximity_alert_triggered": {
        "traveler": {"id": 7101, "is_bot": False, "first_name": "Ann"},
        "watcher": {"id": 7102, "is_bot": False, "first_name": "Sue"}, "distance": 10}},
    "connected_website": {"connected_website": "example.org"},
    "newer_service": {"checklist_tasks_done": {"marked_as_done_task_ids": [1]}},
}


@pytest.mark.parametrize("caption", INVISIBLE, ids=INVISIBLE_IDS)
async def test_a_caption_nobody_could_see_is_no_words(settings: Settings,
                                                      caption: str) -> None:
    """Sent to look empty: answered like the photo alone (kindly, as from Move Mates in a
    chat), never "didn't quite get that", and nothing goes to the peer."""
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, **PHOTO, caption=caption))
        [reply] = bot.api.texts_to(7101)
        assert reply.startswith(PASS_ON), reply
        assert bot.api.texts_to(7102) == []
        assert [row.text for row in await bot.rows(RelayedMessage)] == []
        # Outside a chat: the "I can only read words" reply.
        await bot.feed(private(NEW, text="hi"))
        bot.api.forget()
        await bot.feed(private(NEW, **DOCUMENT, caption=caption))
        [reply] = bot.api.texts_to(7103)
        assert reply.startswith(READ), reply


@pytest.mark.parametrize("media", [LIVE_PHOTO, STORY, PAID_MEDIA, GIVEAWAY, GAME, NEWER],
                         ids=["live_photo", "story", "paid_media", "giveaway", "game",
                              "unknown_kind"])
async def test_any_kind_without_words_gets_the_kind_reply(settings: Settings,
                                                          media: dict[str, Any]) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, **media))
        [reply] = bot.api.texts_to(7101)
        assert reply.startswith(PASS_ON), reply
        assert bot.api.texts_to(7102) == []


async def test_a_live_photo_with_a_caption_is_its_words(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, **LIVE_PHOTO, caption="The lake at Bradgate"))
        await _settled(bot)
        assert bot.api.texts_to(7102) == ["Ann: The lake at Bradgate"]
        assert bot.api.texts_to(7101) == [LEFT_OUT]


async def test_a_checklist_is_passed_on_as_the_words_it_holds(settings: Settings) -> None:
    """A checklist's title and tasks are the person's own typed words: they go on as text
    (read like anything typed: a number in a task is held)."""
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, **CHECKLIST))
        assert bot.api.texts_to(7102) == [
            "Ann: Saturday walk\n- bring water\n- meet at the north gate"]
        assert bot.api.texts_to(7101) == []
        bot.api.forget()
        await bot.feed(private(ANN, checklist={"title": "Ring me", "tasks": [
            {"id": 1, "text": "07700 900123"}]}))
        assert bot.api.texts_to(7102) == []
        [held] = bot.api.texts_to(7101)
        assert held.startswith("I held that back")


@pytest.mark.parametrize("service", list(SERVICE.values()), ids=list(SERVICE))
async def test_a_service_message_in_a_private_chat_gets_no_reply(
        settings: Settings, service: dict[str, Any]) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, **service))
        assert bot.api.texts_to(7101) == [] and bot.api.texts_to(7102) == []
        await bot.feed(private(NEW, **service))  # nobody we know: no welcome either
        assert bot.api.texts_to(7103) == []
        assert len(await bot.rows(Person)) == 2


async def test_invisible_captions_and_service_messages_on_the_emulator(
        settings: Settings) -> None:
    async with TelegramEmulator(token=TOKEN) as emulator, \
            telegram_bot(settings, emulator):
        user = emulator.user(7202, "Jo")
        await user.send_text("hi")
        await user.wait_for_messages(2, timeout=10)
        jo = {"id": 7202, "is_bot": False, "first_name": "Jo"}
        await emulator.post_update(private(jo, **SERVICE["pinned"]))
        await emulator.post_update(private(jo, **PHOTO, caption="\u2800"))
        [reply] = await user.wait_for_messages(1, timeout=10)
        assert (reply.text or "").startswith(READ)  # the photo's answer, nothing for the pin
        await user.send_text("1")
        replies = await user.wait_for_messages(1, timeout=10)
        assert not any((r.text or "").startswith(READ) for r in replies)


# -- albums: one note, and the right one (break-test F14) -------------------------------------
async def _album(bot: GroupBot, name: str, captions: dict[int, str], items: int = 3,
                 ) -> list[tuple[dict[str, Any], int]]:
    """Ann sends an album; each item with the update id it came in."""
    photos = [private(ANN, **PHOTO, media_group_id=name,
                      **({"caption": captions[n]} if n in captions else {}))
              for n in range(items)]
    return [(photo, await bot.feed(photo)) for photo in photos]


async def _settled(bot: GroupBot) -> None:
    bot.clock.advance(ALBUM_SETTLE)
    await bot.services.dispatcher.drain()


@pytest.mark.parametrize("at", [1, 2, 3], ids=["second", "third", "last"])
async def test_an_album_captioned_on_a_later_item_says_its_words_went(
        settings: Settings, at: int) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        photos = await _album(bot, f"later{at}", {at: "Our walk"}, items=4)
        assert bot.api.texts_to(7102) == ["Ann: Our walk"]
        await _settled(bot)
        assert bot.api.texts_to(7101) == [LEFT_OUT]  # not "that one didn't go"
        for photo, update_id in photos:  # Telegram delivering it all again: nothing more
            await bot.feed(photo, update_id=update_id)
        await _settled(bot)
        assert bot.api.texts_to(7101) == [LEFT_OUT]
        assert bot.api.texts_to(7102) == ["Ann: Our walk"]


async def test_an_album_with_two_captions_gets_one_note(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await _album(bot, "two", {1: "First one", 2: "Second one"}, items=4)
        await _settled(bot)
        assert bot.api.texts_to(7102) == ["Ann: First one", "Ann: Second one"]
        assert bot.api.texts_to(7101) == [LEFT_OUT]


async def test_an_album_whose_caption_was_held_says_only_that(settings: Settings) -> None:
    """As one photo with that caption: the hold is explained, nothing about the photos."""
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await _album(bot, "held", {1: "ring me on 07700 900123"})
        await _settled(bot)
        [held] = bot.api.texts_to(7101)
        assert held.startswith("I held that back")
        assert bot.api.texts_to(7102) == []


async def test_an_album_caption_read_as_an_answer_gets_no_photo_note(
        settings: Settings) -> None:
    async with group_bot(settings) as bot:
        for text in ("hi", "1", "1", "1"):
            await bot.feed(private(NEW, text=text))
        bot.api.forget()
        photos = [private(NEW, **PHOTO, media_group_id="name",
                          **({"caption": "Kim"} if n == 1 else {})) for n in range(3)]
        for photo in photos:
            await bot.feed(photo)
        await _settled(bot)
        [person_row] = await bot.rows(Person)
        assert person_row.name == "Kim"
        assert not any(t.startswith(READ) for t in bot.api.texts_to(7103))


async def test_a_late_caption_puts_an_album_note_right(settings: Settings) -> None:
    """Rare: the caption came after "that one didn't go" had gone: it is put right."""
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, **PHOTO, media_group_id="slow"))
        await _settled(bot)
        [first] = bot.api.texts_to(7101)
        assert first.startswith(PASS_ON)
        await bot.feed(private(ANN, **PHOTO, media_group_id="slow", caption="Our walk"))
        await _settled(bot)
        assert bot.api.texts_to(7101) == [first, LEFT_OUT]
        assert bot.api.texts_to(7102) == ["Ann: Our walk"]


# -- contact cards (break-test F15) ----------------------------------------------------------
@pytest.mark.parametrize(("raw", "number"), [
    ("447700900123", "+447700900123"), ("12025550143", "+12025550143"),
    ("+44 7700 900123", "+44 7700 900123"), ("0044 7700 900123", "0044 7700 900123"),
    ("07700900123", "07700900123"), ("7700900123", "7700900123"),
    ("(0116) 496 0123", "(0116) 496 0123"), ("+1-202-555-0143", "+1-202-555-0143"),
    # Short and service numbers never gain a '+'.
    ("116123", "116123"), ("999", "999"), ("111", "111"), ("123", "123"),
    # No number anyone could dial.
    ("1", ""), ("*#06#", ""), ("+", ""), ("", ""), ("0", ""), ("+116123", ""),
    ("call me", ""), ("12", ""),
])
def test_the_number_on_a_card(raw: str, number: str) -> None:
    assert card_number(raw) == number


@pytest.mark.parametrize(("first", "number"), [
    ("Bob", "447700900123"), ("Bob", "+44 7700 900123"), ("Bob", "0044 7700 900123"),
    ("Bob", "7700900123"), ("Bob", "(0116) 496 0123"), ("Bob", "+1-202-555-0143"),
    ("Mum \U0001F495", "447700900123"),
])
async def test_a_card_with_a_personal_number_is_held(settings: Settings, first: str,
                                                     number: str) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, contact={"phone_number": number, "first_name": first}))
        [held] = bot.api.texts_to(7101)
        assert held.startswith("I held that back"), held
        assert bot.api.texts_to(7102) == []
        [row] = await bot.rows(RelayedMessage)
        assert row.held


@pytest.mark.parametrize(("first", "number", "shown"), [
    ("Samaritans", "116123", "Samaritans 116123"), ("NHS", "111", "NHS 111"),
])
async def test_a_card_with_a_public_number_may_pass_without_a_made_up_plus(
        settings: Settings, first: str, number: str, shown: str) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, contact={"phone_number": number, "first_name": first}))
        assert bot.api.texts_to(7102) == [f"Ann: {shown}"]
        assert not any("+" in t for t in bot.api.texts_to(7102))


@pytest.mark.parametrize("number", ["1", "*#06#", "+", "12"])
async def test_a_card_with_no_number_anyone_could_dial_is_only_a_name(
        settings: Settings, number: str) -> None:
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, contact={"phone_number": number, "first_name": "Bob"}))
        [reply] = bot.api.texts_to(7101)
        assert reply.startswith(PASS_ON)
        assert bot.api.texts_to(7102) == []


@pytest.mark.parametrize("first", ["Kill myself", "Crisis line", "Suicide helpline",
                                   "End it all", "Stop", "End chat", "Report",
                                   "Delete my data"])
async def test_a_cards_name_is_someones_name_not_the_senders_words(
        settings: Settings, first: str) -> None:
    """Never screened as the sender's crisis, never a command: held like any number."""
    async with group_bot(settings) as bot:
        await in_a_chat(bot)
        await bot.feed(private(ANN, contact={"phone_number": "447700900123",
                                             "first_name": first}))
        [held] = bot.api.texts_to(7101)
        assert held.startswith("I held that back"), held
        assert bot.api.texts_to(7102) == []
        assert await bot.rows(SafetyAlert) == []
        [chat] = await bot.rows(PeerChat)
        assert chat.status == "active"
        [ann] = await bot.rows(Identity, Identity.address == "7101")
        assert ann.opted_out_at is None
        bot.api.forget()
        await bot.feed(private(ANN, text="still here?"))
        assert bot.api.texts_to(7102) == ["Ann: still here?"]


async def test_a_card_from_someone_in_several_chats_is_not_guessed_at(
        settings: Settings) -> None:
    """A card can't say which chat it is for: nothing passes, they are asked for words
    (which can start with the name), and its name is still nobody's words."""
    async with group_bot(settings) as bot:
        world = PeerWorld(bot.services, {}, bot.clock)
        await world.supporter(SUPPORTER, "Sue", capacity="2")
        bea = Address("telegram", "7104")
        for resident, name in ((RESIDENT, "Ann"), (bea, "Bea")):
            await world.resident(resident, name)
            await world.asks_for_buddy(resident)
            await world.connected(resident, SUPPORTER)
        assert len(await bot.rows(PeerChat, PeerChat.status == "active")) == 2
        bot.api.forget()
        await bot.feed(private(SUE, contact={"phone_number": "447700900123",
                                             "first_name": "Kill myself"}))
        [reply] = bot.api.texts_to(7102)
        assert reply.startswith(PASS_ON), reply
        assert bot.api.texts_to(7101) == [] and bot.api.texts_to(7104) == []
        assert await bot.rows(SafetyAlert) == []
