"""Invisible marks that do nothing where they are never decide a text's encoding (issue 13):
a left-to-right mark pasted with a number, a joiner between two Latin letters, a stray
U+FE0F after a letter, a combining grapheme joiner: with SMS_ALLOW_UNICODE on, one of them
made a plain English text UCS-2 (1 segment became 2 texts, 3 segments). They are dropped
before the encoding is decided; where they do something (right-to-left text, joining
Arabic or Indic letters, emoji ZWJ sequences) they stay."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.core.events import Address, Outbound
from bot.core.gsm7 import measure, smart, to_gsm7, without_stray_marks
from bot.core.render import render_sms
from bot.peers.models import RelayedMessage
from support.sms_peers import bodies, sms_chat
from support.twilio_stub import TwilioStub

ANN, SAM = Address("sms", "+447700900160"), Address("telegram", "626262")
ENGLISH = "See you at the gate by the big oak tree near the cafe at 10. Bring water and a " \
    "snack, it will be a long walk and the forecast says sun!"
LRM, RLM, ALM, ZWNJ, ZWJ, VS16, CGJ = "\u200e", "\u200f", "\u061c", "\u200c", "\u200d", \
    "\ufe0f", "\u034f"

# (typed, what is left of it)
STRAY = [
    (f"{ENGLISH}{LRM}", ENGLISH),
    (f"Call me on {LRM}+44 7700 900123{LRM} after 6", "Call me on +44 7700 900123 after 6"),
    (f"{RLM}ok{ALM} see you", "ok see you"),
    (f"hel{ZWNJ}lo and wel{ZWJ}come", "hello and welcome"),
    (f"Thanks{VS16} see you", "Thanks see you"),
    (f"x{CGJ}y {ENGLISH}", f"xy {ENGLISH}"),
    (f"A{VS16}{ZWJ}b", "Ab"),  # the VS16 goes first, and the joiner then joins nothing
    # A bidi mark on an English line stays out even when another line is Arabic.
    (f"ok{LRM}\n\u0645\u0631\u062d\u0628\u0627{RLM}!", "ok\n\u0645\u0631\u062d\u0628\u0627"
     f"{RLM}!"),
]
KEPT = [
    f"\u05e9\u05dc\u05d5\u05dd{RLM}!",  # Hebrew: the mark puts the "!" at its end
    f"\u0645\u0631\u062d\u0628\u0627 {ALM}123 ok",  # Arabic and a number
    f"\u0645\u06cc{ZWNJ}\u062e\u0648\u0627\u0645",  # Persian: the ZWNJ keeps a word apart
    f"\u0915\u094d{ZWJ}\u0937",  # Devanagari: a half form
    f"\U0001f469{ZWJ}\U0001f4bb",  # woman technologist: one emoji
    f"\u2764{VS16}{ZWJ}\U0001f525",  # heart on fire
    f"\U0001f3f3{VS16}{ZWJ}\U0001f308",  # rainbow flag
    f"\U0001f468{ZWJ}\U0001f469{ZWJ}\U0001f467",  # family
    f"1{VS16}\u20e3",  # keycap one
    f"\u263a{VS16} see you",
]


@pytest.mark.parametrize(("typed", "left"), STRAY)
def test_a_mark_that_does_nothing_there_goes(typed: str, left: str) -> None:
    assert without_stray_marks(typed) == left


@pytest.mark.parametrize("typed", KEPT)
def test_a_mark_that_does_something_stays(typed: str) -> None:
    assert without_stray_marks(typed) == typed
    assert smart(typed) == typed


@pytest.mark.parametrize("mark", [LRM, RLM, ALM, ZWNJ, ZWJ, VS16, CGJ, "\u00ad"])
@pytest.mark.parametrize("where", ["end", "middle", "start"])
def test_one_mark_never_makes_an_english_text_ucs2(mark: str, where: str) -> None:
    typed = {"end": ENGLISH + mark, "start": mark + ENGLISH,
             "middle": ENGLISH.replace("oak", f"o{mark}ak")}[where]
    for allow_unicode in (True, False):
        rendered = render_sms(Outbound(typed), allow_unicode=allow_unicode)
        assert rendered.encoding == "GSM-7" and rendered.segments == 1
        assert rendered.parts == (ENGLISH,)


def test_an_emoji_that_became_plain_text_loses_its_selector() -> None:
    """"™️" is "TM" in GSM-7: its U+FE0F, which asked for the emoji, would be all that
    was left to make the text UCS-2."""
    assert smart(f"Move Mates\u2122{VS16} is free\u203c{VS16}") == "Move MatesTM is free!!"
    assert measure(smart(f"(c){VS16} \u00a9{VS16} 2026")).name == "GSM-7"


@pytest.mark.parametrize("typed", KEPT[:4])
def test_right_to_left_and_joined_letters_travel_with_their_marks(typed: str) -> None:
    rendered = render_sms(Outbound(typed), allow_unicode=True)
    assert rendered.encoding == "UCS-2" and "".join(rendered.parts) == typed
    # Without UCS-2 they are letters a text can't carry either way: nothing new is kept.
    assert to_gsm7(typed) == to_gsm7(without_stray_marks(typed))


@pytest.mark.parametrize("mark", ["", LRM, ZWJ, VS16, CGJ])
async def test_a_relayed_english_text_with_a_mark_costs_one_segment(
        settings: Settings, stub: TwilioStub, mark: str) -> None:
    async with sms_chat(settings, stub, ANN, SAM, unicode=True) as (w, _sms):
        before = len(stub.sent)
        await w.says(SAM, ENGLISH + mark)
        assert bodies(stub, ANN.address, before) == [f"Sam: {ENGLISH}"]
        [relayed] = await w.rows(RelayedMessage)
        assert relayed["segments"] == 1


async def test_a_relayed_emoji_sequence_arrives_whole(
        settings: Settings, stub: TwilioStub) -> None:
    async with sms_chat(settings, stub, ANN, SAM, unicode=True) as (w, _sms):
        before = len(stub.sent)
        typed = f"Great walk \U0001f469{ZWJ}\U0001f9b3 and \u2764{VS16}{ZWJ}\U0001f525"
        await w.says(SAM, typed)
        assert bodies(stub, ANN.address, before) == [f"Sam: {typed}"]
