"""Asking for a person (`conversations/staff_help.py`'s `AskReader`): the ways people ask
for the team, for "someone" (a peer or the team: we ask), for a peer; typos and texting
forms; and the everyday messages that must never be read as asking."""

from __future__ import annotations

import pytest

from bot.core.content import library
from bot.core.events import Inbound
from conversations.staff_help import EITHER, PEER, TEAM, AskReader

READER = AskReader(library().for_language("en"))


@pytest.mark.parametrize("text", [
    "talk to a person", "Talk to a person please", "a real person", "A REAL PERSON!",
    "can I speak to a human", "can i speak to a human?", "Can I speak to a real person pls",
    "i want to talk to a real person, not a bot", "human", "HUMAN PLEASE", "team", "TEAM",
    "someone from the team", "can i talk to someone from the team", "speak to staff",
    "I'd like to speak to a member of staff", "is there a real person I can talk to",
    "real person pls", "hi, can i talk to a human please", "get me a human",
    "talk 2 a prsn", "can u put me through to a real person", "i wanna speak 2 a hooman",
    "i want to tlak to a persn", "talk to a perosn", "speek to a human", "a real humna",
    "talk to someone from the team about my walk", "/team", "/human",
    "I would rather talk to a person", "can i speak to a person about the group",
])
def test_asks_for_the_team(text: str) -> None:
    assert READER.read(Inbound.from_text(text)) == TEAM, text


@pytest.mark.parametrize("text", [
    "talk to someone", "someone to talk to", "I need someone to talk to",
    "can i talk to someone", "i just need someone to talk to", "talk 2 sum1",
    "can I speak to somebody please", "is there anyone to talk to",
    "can i talk to someone about my knee", "chat with someone",
])
def test_could_mean_a_peer_or_the_team(text: str) -> None:
    assert READER.read(Inbound.from_text(text)) == EITHER, text


@pytest.mark.parametrize("text", ["talk to a peer", "can i talk to a volunteer",
                                  "speak to someone like me", "chat to a peer supporter"])
def test_asks_for_a_peer(text: str) -> None:
    assert READER.read(Inbound.from_text(text)) == PEER, text


@pytest.mark.parametrize("text", [
    "a person", "one person", "someone", "person", "walk to a person", "walk with someone",
    "I like the team", "i love my team", "are you a real person?", "are you human",
    "I'm human", "my daughter talks to someone at the hospital",
    "I went for a walk with a real person today and it was lovely",
    "talk to someone", "", "hello", "the team at the leisure centre were lovely",
    "I talked to a person at the gym", "staff", "a member of staff at the pool was rude",
    "can i walk with a human", "talk to a parson",
])
def test_everyday_words_are_not_asking(text: str) -> None:
    found = READER.read(Inbound.from_text(text))
    if text == "talk to someone":
        assert found == EITHER
    else:
        assert found is None, text


def test_buttons_and_locations_are_never_asking() -> None:
    assert READER.read(Inbound.from_choice("team")) is None
    assert READER.read(Inbound.from_location(52.6, -1.1)) is None
    assert READER.read(Inbound.from_command("team")) == TEAM
    assert READER.read(Inbound.from_command("menu")) is None
