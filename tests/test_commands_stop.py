"""A wish to stop put in more words than the command (UK texting rules: a clear wish to stop
is honoured however it is put), and the everyday words that must never stop anyone. The
engine's side (stopped at once, only the other words screened) is in test_safety_engine.py."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.core.commands import Command, CommandWords
from bot.core.content import library
from bot.core.events import Address, EventKind, Inbound
from bot.storage.models import Identity
from support.engine import running, say

WORDS = CommandWords(library().for_language("en"))

WISHES = [
    "STOP. I don't want this anymore", "stop i dont want this anymore", "Stop please",
    "STOP thank you", "please stop", "stop pls x", "Stop now", "STOP!!!",
    "Stop, thanks", "stop - no longer needed", "I've moved away. STOP",
    "no thanks, unsubscribe", "Unsubscribe please", "please stop texting me",
    "Hi, please stop texting me", "can you stop messaging me", "stop sending me these",
    "Stop sending me messages please", "dont text me again", "Do not contact me",
    "no more texts thanks x", "take me off your list", "remove my number please",
    "i want to unsubscribe", "Please opt me out", "I don't want these messages",
    "i dont want any more texts", "stop texting me, i never signed up for this",
    "STOP all messages", "stop. just stop.", "stop it", "STOP STOP STOP", "Stopp",
    "stop msgs", "pls stop txting me", "unsub", "remove me", "STOP 🛑", "Stop 🙏",
    "I SAID STOP", "Stop me duck", "STOP I'm done", "can you stop messaging me?",
    "STOP i dont want this", "Stop. I've moved to Spain, thanks for everything",
    # A newcomer's break-test: an "ok" or "yes" before it (even at "are you sure?": a
    # stop is undone by START, an unheard one is a broken promise).
    "ok STOP", "okay stop", "yes stop", "Yeah STOP", "ok stop please", "right, STOP",
    "just stop", "oh STOP",
]
EVERYDAY = [
    "end of the walk was lovely", "cancel my walk tomorrow", "quit smoking last year!",
    "stop at the cafe, then on to the park", "I need to stop at 3, then home",
    "my friend said stop texting me so much lol", "the bus stop by the park",
    "Stop worrying about me, I'm fine", "end chat", "can't stop smiling today",
    "i want to stop feeling so tired", "the doctor told me to stop the tablets?",
    "we had to stop halfway, my knee", "how do I stop my knee aching",
    "when does the walk end?", "no more than 2 miles please",
    "never stop moving, that's my motto", "she keeps saying stop texting me",
    "thank you", "thanks", "please", "x", "yes please", "ok",
    "stop i was only joking", "Stop, wait, I meant Tuesday", "Stop. 3 not 2",
    "Stop! In the name of love", "stop 😂", "end?", "cancel?", "Stop. Can I change my day?",
    "Stop sending me walking ideas, I prefer swimming", "stop texting me so much lol",
    "STOP i need to change my days", "Stop texting me at work, I'll get told off",
]


def asks_to_stop(text: str, in_chat: bool = False, channel: str = "sms") -> bool:
    """As the engine reads it: the command, then a wish in more words."""
    recognised = WORDS.recognise(Inbound(EventKind.TEXT, text=text), channel)
    if recognised is not None and in_chat and recognised.argument == "exit":
        recognised = None  # "end" in a chat on Telegram is for their peer
    if recognised is not None:
        return recognised.command is Command.STOP
    return WORDS.stop.request(text, in_chat=in_chat) is not None


@pytest.mark.parametrize("text", WISHES)
def test_a_wish_to_stop_however_put_is_a_stop(text: str) -> None:
    assert asks_to_stop(text)


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_words_never_stop_anyone(text: str) -> None:
    assert not asks_to_stop(text)


def test_the_other_words_are_kept_for_the_safety_screen() -> None:
    assert WORDS.stop.request("STOP. I want to die") == "I want to die"
    assert WORDS.stop.request("please stop texting me") == "please"


@pytest.mark.parametrize(("text", "other"), [
    # An ask in a sentence of its own, after or before something else (newcomer's
    # break-test, thirteenth session): a stop, and the rest is read by the safety screen.
    ("i want to die. stop messaging me", "i want to die"),
    ("I can't do this anymore. Please stop texting me", "I can't do this anymore"),
    ("You're all lovely but I'm done. Take me off your list", "You're all lovely but I'm done"),
])
def test_an_ask_to_stop_in_a_sentence_of_its_own_is_a_stop(text: str, other: str) -> None:
    assert WORDS.stop.request(text) == other


@pytest.mark.parametrize("text", [
    "my friend said stop messaging me. so I did",  # told of, not asked
    "my daughter keeps saying dont text me. I told her I love the walks",
])
def test_an_ask_told_of_or_asked_about_is_no_stop(text: str) -> None:
    assert WORDS.stop.request(text) is None


@pytest.mark.parametrize(("text", "refuses"), [
    ("I don't want this anymore", True), ("not interested thanks", True),
    ("dont want these messages", True), ("wrong number", True),
    ("I don't want this life", False), ("I don't want this anymore, nobody cares", False),
    ("i want to die", False), ("", False),
])
def test_a_reason_that_refuses_the_service(text: str, refuses: bool) -> None:
    """Read with a STOP as a reason, never a crisis; anything more and it is screened."""
    assert WORDS.stop.refuses(text) is refuses


@pytest.mark.parametrize("text", ["cancel", "end", "quit", "Cancel.", "END"])
def test_twilios_other_opt_out_words_stop_on_sms_and_leave_on_telegram(text: str) -> None:
    assert asks_to_stop(text, channel="sms")
    recognised = WORDS.recognise(Inbound(EventKind.TEXT, text=text), "telegram")
    assert recognised is not None and recognised.command is Command.MENU
    assert asks_to_stop("stop", channel="telegram")


@pytest.mark.parametrize("text", ["Stop it, you're making me laugh",
                                  "stop messaging me so late lol", "STOP i cant stop laughing",
                                  "stop it", "stop 😂", "end?", "remove me", "stop this"])
def test_in_a_chat_with_a_peer_only_the_command_stops(text: str) -> None:
    assert not asks_to_stop(text, in_chat=True)
    assert not asks_to_stop("end", in_chat=True, channel="telegram")
    assert asks_to_stop("stop please", in_chat=True)
    assert asks_to_stop("STOP", in_chat=True, channel="telegram")


@pytest.mark.parametrize("text", ["Stop all messages", "stop all texts please", "S T O P",
                                  "s.t.o.p", "STOP STOP", "Stop everything!", "stop all msgs",
                                  "unsubscribe please", "Stop all the messages x"])
def test_in_a_chat_a_message_that_is_only_the_stop_stops(text: str) -> None:
    """Found by a newcomer's break-test: "Stop all messages" in a chat went to the peer."""
    assert asks_to_stop(text, in_chat=True)
    assert asks_to_stop(text)


@pytest.mark.parametrize("text", ["stop all messages?", "stop all that moaning, you're fine",
                                  "I said stop it all, she laughed", "a b c"])
def test_in_a_chat_more_than_the_stop_is_for_the_peer(text: str) -> None:
    assert not asks_to_stop(text, in_chat=True)


# Found by a newcomer's break-test: what phones and keyboards add unseen, letters of other
# scripts that look like STOP's, a zero for the o, and Welsh.
TYPED_ODDLY = [
    "STOP\u200b", "\ufeffSTOP", "STOP\x00", "\u200bstop\u200b please", "S\u00adTOP",
    "\u0455\u0442\u043e\u0440", "\u0405\u0422\u041e\u0420", "\u0405\u0422\u041e\u0420!!",
    "\u0455\u0442\u043e\u0440 please", "\uff33\uff34\uff2f\uff30", "\uff33\uff54\uff4f\uff50",
    "st0p", "ST0P", "ST0P please", "STOP!!", "stop please", "stop texting me",
    "stopio", "STOPIO", "Stopio.",
]
NOT_TYPED_ODDLY = [
    "the bus st0p by the park", "can't st0p smiling", "0", "stop 0", "\u0455\u0442\u043e\u0440 😂",
    "the bus stop by the park\u200b", "\ufeffcan't stop smiling", "st0p?",
    "stopio 😂", "stopio?",
]


@pytest.mark.parametrize("text", TYPED_ODDLY)
def test_a_stop_typed_oddly_is_a_stop(text: str) -> None:
    assert asks_to_stop(text, channel="sms")
    assert asks_to_stop(text, channel="telegram")


@pytest.mark.parametrize("text", NOT_TYPED_ODDLY)
def test_everyday_words_typed_oddly_never_stop_anyone(text: str) -> None:
    assert not asks_to_stop(text, channel="sms")


@pytest.mark.parametrize("text", ["\u0435nd", "END\u200b", "\ufeffquit"])
def test_twilios_other_words_typed_oddly_stay_telegrams(text: str) -> None:
    """On Telegram "end" and "quit" never stop everything, however typed."""
    assert not asks_to_stop(text, channel="telegram")


@pytest.mark.parametrize("text", ["STOP\u200b", "\ufeffSTOP", "STOP\x00",
                                  "\u0455\u0442\u043e\u0440", "st0p", "STOPIO"])
async def test_a_stop_typed_oddly_opts_out_by_text(settings: Settings, text: str) -> None:
    """Through the real engine and storage: opted out, and told so, as for "STOP"."""
    phone = Address("sms", "+447700900999")
    async with running(settings) as (services, senders):
        await say(services, phone, "hi", text)
        await services.dispatcher.drain()
        opted_out = await services.db.run(lambda c: c.scalar(
            select(Identity.opted_out_at).where(Identity.channel == "sms",
                                                Identity.address == phone.address)))
    assert opted_out is not None
    assert senders["sms"].texts_to(phone.address)[-1] == \
        library().for_language("en").text("optout.stopped")
