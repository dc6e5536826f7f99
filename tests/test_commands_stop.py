"""A wish to stop put in more words than the command (UK texting rules: a clear wish to stop
is honoured however it is put), and the everyday words that must never stop anyone. The
engine's side (stopped at once, only the other words screened) is in test_safety_engine.py."""

from __future__ import annotations

import pytest

from bot.core.commands import Command, CommandWords
from bot.core.content import library
from bot.core.events import EventKind, Inbound

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
    "STOP all messages", "stop. just stop.", "stop it", "STOP i need a break from this",
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
    "ok stop",  # at "are you sure?", don't do it
]


def asks_to_stop(text: str, in_chat: bool = False) -> bool:
    event = Inbound(EventKind.TEXT, text=text)
    recognised = WORDS.recognise(event)
    if recognised is not None:
        return recognised.command is Command.STOP
    return WORDS.stop_request(event, in_chat=in_chat) is not None


@pytest.mark.parametrize("text", WISHES)
def test_a_wish_to_stop_however_put_is_a_stop(text: str) -> None:
    assert asks_to_stop(text)


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_words_never_stop_anyone(text: str) -> None:
    assert not asks_to_stop(text)


def test_the_other_words_are_kept_for_the_safety_screen() -> None:
    event = Inbound(EventKind.TEXT, text="STOP. I want to die")
    assert WORDS.stop_request(event) == " I want to die"
    assert WORDS.stop_request(Inbound(EventKind.TEXT, text="please stop texting me")) == \
        "please"


@pytest.mark.parametrize("text", ["Stop it, you're making me laugh",
                                  "stop messaging me so late lol", "STOP i cant stop laughing"])
def test_in_a_chat_with_a_peer_only_the_command_stops(text: str) -> None:
    assert not asks_to_stop(text, in_chat=True)
    assert asks_to_stop("stop please", in_chat=True)
