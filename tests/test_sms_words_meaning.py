"""People's words mean the same when they arrive by text, and a message with nothing to see
is never passed on. Through the real engine, dispatcher and SMS channel: the resident's
texts come in through signed webhooks and go out through the twilio library to a stub of
Twilio's API.

Found by a newcomer: "take 1½ tablets" arrived as "take 11/2 tablets", "10⁵ steps" as
"105 steps", "today😊See you" as "todaySee you"; and a lone joiner, accent, Hangul filler
or blank braille pattern was relayed as "Sam: " and nothing."""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_sms_segments import reference_segments

from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address
from bot.core.gsm7 import smart, to_gsm7
from bot.core.textnorm import clean, storable
from bot.core.textnorm import relayable as core_relayable
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
            # Ours, in a chat: it says who it is from.
            assert heard.only(SAM) == t("peers.relay.from_us", text=t("common.unclear"))
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
            assert bodies(stub, ANN.address, before) == [
                t("peers.relay.from_us", text=t("common.unclear"))], repr(typed)
        assert len(await w.rows(RelayedMessage)) == rows


# -- what of someone's words is kept and passed on (bot/core/textnorm.py) -------------------
# Found by a break-test (issue 13): "see you<NEL>tomorrow" (and VT, FF, RS, NUL between
# words) arrived as "see youtomorrow" on every channel; the flags of England, Scotland and
# Wales arrived as a plain black flag (their tag characters were dropped as invisible); and
# LRM/RLM, which keep mixed Arabic or Hebrew and Latin text in order, were dropped.
ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
WALES = "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"
LINE_ENDS = ["\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
OTHER_CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0x85),
                                   *range(0x86, 0xA0))]


@pytest.mark.parametrize("flag", [ENGLAND, SCOTLAND, WALES])
def test_a_flag_of_england_scotland_or_wales_stays_whole(flag: str) -> None:
    assert core_relayable(f"{flag} match tonight") == f"{flag} match tonight"
    assert core_relayable(f"Go{flag}!") == f"Go{flag}!"
    assert storable(flag) == flag
    assert smart(f"{flag} match") == f"{flag} match"  # with UCS-2 on, it travels whole


@given(st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=2),
       st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=4))
def test_any_subdivision_flag_stays_whole(region: str, subdivision: str) -> None:
    flag = "\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in region + subdivision) + \
        "\U000e007f"
    assert core_relayable(f"hi {flag}") == f"hi {flag}"


@pytest.mark.parametrize(("typed", "kept"), [
    # Tag characters anywhere else are invisible text: dropped.
    ("hi\U000e0068\U000e0069 there", "hi there"),
    ("a\U0001f600\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", "a\U0001f600"),
    ("\U0001f3f4\U000e0067\U000e0062", "\U0001f3f4"),  # never cancelled: not a flag
    ("\U0001f3f4" + "\U000e0061" * 20 + "\U000e007f", "\U0001f3f4"),  # not a subdivision id
])
def test_tag_characters_outside_a_flag_are_dropped(typed: str, kept: str) -> None:
    assert core_relayable(typed) == kept


@pytest.mark.parametrize(("typed", "kept"), [
    # Bidi marks (zero-width letters with a direction) are kept...
    ("\u0645\u0631\u062d\u0628\u0627 Ann\u200f!", "\u0645\u0631\u062d\u0628\u0627 Ann\u200f!"),
    ("Room 3\u200e \u05e9\u05dc\u05d5\u05dd", "Room 3\u200e \u05e9\u05dc\u05d5\u05dd"),
    ("\u061c\u0661\u0662", "\u061c\u0661\u0662"),
    ("\u0600\u0661\u0662", "\u0600\u0661\u0662"),  # the Arabic number sign shows
    # ...embeddings, overrides and isolates, which reorder what is read, are not.
    ("abc\u202edcba", "abcdcba"),
    ("\u2066isolate\u2069 text", "isolate text"),
    ("\u202a\u202b\u202c\u202d x", "x"),
])
def test_bidi_marks_are_kept_and_reordering_controls_dropped(typed: str, kept: str) -> None:
    assert core_relayable(typed) == kept


@pytest.mark.parametrize("end", LINE_ENDS)
def test_a_line_end_between_words_is_a_line_break(end: str) -> None:
    typed = f"see you{end}tomorrow"
    assert core_relayable(typed) == "see you\ntomorrow"
    assert storable(typed) == "see you\ntomorrow"
    assert clean(typed) == "see you tomorrow"


@pytest.mark.parametrize("control", [*OTHER_CONTROLS, "\x1f", "\t"])
def test_no_control_runs_two_words_together(control: str) -> None:
    typed = f"hi{control}there"
    assert core_relayable(typed) == "hi there"
    assert clean(typed) == "hi there"
    assert storable(typed) in ("hi there", "hi\tthere")
    assert to_gsm7(typed) == "hi there"


WORD = st.text("abXY09\u00e9\u00df\u0436\u0639\u0661\u4e2d\u0915", min_size=1, max_size=5)


@given(WORD, st.text(st.characters(codec="utf-8", categories=["Cc", "Zl", "Zp"]), min_size=1,
                     max_size=3), WORD)
def test_words_either_side_of_any_controls_stay_apart(before: str, controls: str,
                                                      after: str) -> None:
    typed = before + controls + after
    for kept in (core_relayable(typed), storable(typed), clean(typed)):
        assert kept.split() == [before, after]


@given(st.text(max_size=200))
def test_kept_words_carry_nothing_a_database_or_phone_refuses(typed: str) -> None:
    for kept in (core_relayable(typed), storable(typed)):
        assert not any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t"
                       for c in kept)
