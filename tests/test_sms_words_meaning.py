"""People's words mean the same when they arrive by text, and a message with nothing to see
is never passed on. Through the real engine, dispatcher and SMS channel: the resident's
texts come in through signed webhooks and go out through the twilio library to a stub of
Twilio's API.

Found by a newcomer: "take 1½ tablets" arrived as "take 11/2 tablets", "10⁵ steps" as
"105 steps", "today😊See you" as "todaySee you"; and a lone joiner, accent, Hangul filler
or blank braille pattern was relayed as "Sam: " and nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from test_sms_segments import reference_segments

from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address
from bot.peers.models import RelayedMessage
from bot.peers.service import relayable
from support.peers import PeerWorld
from support.sms import SmsHarness
from support.sms_peers import bodies, sms_chat
from support.twilio_stub import TwilioStub

EN = library().for_language("en")
ANN = Address("sms", "+447700900180")  # a resident, by text
SAM = Address("telegram", "838383")  # a peer supporter on Telegram


def t(key: str, **params: object) -> str:
    return EN.text(key, **params)


@asynccontextmanager
async def chat(settings: Settings, stub: TwilioStub, *, unicode: bool
               ) -> AsyncIterator[tuple[PeerWorld, SmsHarness]]:
    """Ann (SMS) and Sam (Telegram) connected and chatting."""
    async with sms_chat(settings, stub, ANN, SAM, unicode=unicode) as both:
        yield both


# -- the meaning is kept -----------------------------------------------------------------
# (what Sam types, what Ann's phone gets without UCS-2, with it, what Sam is told without)
WORDS = [
    ("take 1\u00bd tablets", "take 1 1/2 tablets", "take 1 1/2 tablets", None),
    ("walked 2\u00be miles", "walked 2 3/4 miles", "walked 2 3/4 miles", None),
    ("10\u2075 steps", "10^5 steps", "10\u2075 steps", None),
    ("x\u00b2", "x^2", "x\u00b2", None),
    ("Great walk today\U0001f60aSee you", "Great walk today See you",
     "Great walk today\U0001f60aSee you", "part_sent.emoji"),
    ("10\U0001f44d30", "10 30", "10\U0001f44d30", "part_sent.emoji"),
]


@pytest.mark.parametrize("unicode", [False, True])
async def test_relayed_words_keep_their_meaning(settings: Settings, stub: TwilioStub,
                                                unicode: bool) -> None:
    async with chat(settings, stub, unicode=unicode) as (w, _sms):
        for typed, plain, whole, told in WORDS:
            before = len(stub.sent)
            heard = await w.says(SAM, typed)
            got = bodies(stub, ANN.address, before)
            assert got == [f"Sam: {whole if unicode else plain}"]
            if told is None or unicode:
                assert SAM not in heard
            else:
                assert heard.only(SAM) == t(f"peers.relay.{told}", alias="Ann")
            relayed = max(await w.rows(RelayedMessage), key=lambda r: r["id"])
            assert relayed["segments"] == reference_segments(got[0])


# -- nothing to see, nothing sent -----------------------------------------------------------
INVISIBLE = ["\u200d", "\ufe0f", "\u0301", "\u3164", "\u2800", " \u200b \u00ad ",
             "\u200d\u3164\u2800", "\u115f\u1160", "\u034f", "\U000e0067\U000e0062"]


@pytest.mark.parametrize("typed", INVISIBLE)
def test_a_message_with_nothing_visible_is_nothing_to_pass_on(typed: str) -> None:
    assert relayable(typed) == ""


@pytest.mark.parametrize("typed", ["\u2764\ufe0f", "?", "\u00e9", "a\u3164b",
                                   "\U0001f468\u200d\U0001f469\u200d\U0001f467"])
def test_a_message_with_something_visible_is_passed_on(typed: str) -> None:
    assert relayable(typed) == typed


@pytest.mark.parametrize("unicode", [False, True])
async def test_an_invisible_message_to_a_texter_is_not_sent(
        settings: Settings, stub: TwilioStub, unicode: bool) -> None:
    async with chat(settings, stub, unicode=unicode) as (w, _sms):
        rows = len(await w.rows(RelayedMessage))
        for typed in INVISIBLE:
            before = len(stub.sent)
            heard = await w.says(SAM, typed)
            assert bodies(stub, ANN.address, before) == [], repr(typed)
            assert heard.only(SAM) == t("common.unclear")
        assert len(await w.rows(RelayedMessage)) == rows


@pytest.mark.parametrize("unicode", [False, True])
async def test_an_invisible_text_is_not_passed_to_telegram(
        settings: Settings, stub: TwilioStub, unicode: bool) -> None:
    async with chat(settings, stub, unicode=unicode) as (w, sms):
        rows = len(await w.rows(RelayedMessage))
        for typed in INVISIBLE:
            before = len(stub.sent)
            response = await sms.text(ANN.address, typed)
            assert response.status_code == 200
            heard = await w.delivered()
            assert SAM not in heard, repr(typed)
            assert bodies(stub, ANN.address, before) == [t("common.unclear")], repr(typed)
        assert len(await w.rows(RelayedMessage)) == rows
