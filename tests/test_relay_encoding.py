"""People's own words in a peer chat, by SMS: look-alikes made plain, other scripts and emoji
sent as UCS-2 when SMS_ALLOW_UNICODE is on, and when it is off, never silently deleted: the
sender is told what could not go, and an empty message is never sent. Long messages arrive
in order, labelled, the sender's name on the first.

Through the real engine and dispatcher, with the real SMS sender rendering every text and
the twilio library sending it to a REST stub that checks each call against Twilio's
published API description; the resident's words come in through signed webhooks."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address
from bot.core.gsm7 import is_gsm7, measure
from bot.core.render import MAX_PARTS, characters_that_fit
from bot.peers.models import RelayedMessage
from bot.storage.models import OutboxMessage
from support.peers import PeerWorld
from support.sms import SmsHarness
from support.sms_peers import bodies, sms_chat
from support.twilio_stub import TwilioStub

EN = library().for_language("en")
ANN = Address("sms", "+447700900160")  # a resident, by text
SAM = Address("telegram", "626262")  # a peer supporter on Telegram


def t(key: str, **params: object) -> str:
    return EN.text(key, **params)


@asynccontextmanager
async def chat(settings: Settings, stub: TwilioStub, *, unicode: bool
               ) -> AsyncIterator[tuple[PeerWorld, SmsHarness]]:
    """Ann (SMS) and Sam (Telegram) connected and chatting."""
    async with sms_chat(settings, stub, ANN, SAM, unicode=unicode) as both:
        yield both


async def last_relay(w: PeerWorld) -> dict[str, object]:
    rows = await w.rows(RelayedMessage)
    return max(rows, key=lambda r: r["id"])


# -- from a Telegram supporter to a resident who texts ----------------------------------
# (what Sam types, what Ann's phone gets with UCS-2 off, what Sam is told with it off)
WORDS = [
    ("\U0001f44d", None, "not_sent.emoji"),
    ("\u2764\ufe0f\U0001f64f", None, "not_sent.emoji"),
    ("\u0a95\u0ac7\u0aae \u0a9b\u0acb?", None, "not_sent.letters"),
    ("\u0a95\u0ac7\u0aae \U0001f44d", None, "not_sent.both"),
    ("\u0141ucja here", "Sam: Lucja here", None),
    ("I\u2019ll be at the gate at 10 \u2013 see you \u201cthere\u201d",
     "Sam: I'll be at the gate at 10 - see you \"there\"", None),
    ("See you Saturday \U0001f44d", "Sam: See you Saturday", "part_sent.emoji"),
    ("Good to meet you, \u0a95\u0ac7\u0aae \u0a9b\u0acb?", "Sam: Good to meet you?",
     "part_sent.letters"),
    # A keycap emoji keeps its digit; what went is an emoji, not letters.
    ("Meet at gate 1\ufe0f\u20e3", "Sam: Meet at gate 1", "part_sent.emoji"),
    # A tab is a space in a text message: never a reason for UCS-2, nothing lost.
    ("See you\tthere", "Sam: See you there", None),
]


@pytest.mark.parametrize(("typed", "arrives", "told"), WORDS)
async def test_without_unicode_nothing_vanishes_unnoticed(
        settings: Settings, stub: TwilioStub, typed: str, arrives: str | None,
        told: str | None) -> None:
    async with chat(settings, stub, unicode=False) as (w, _sms):
        before = len(stub.sent)
        rows_before = len(await w.rows(RelayedMessage))
        heard = await w.says(SAM, typed)
        got = bodies(stub, ANN.address, before)
        if arrives is None:
            assert got == []  # never an empty "Sam:" or "Sam?"
            assert len(await w.rows(RelayedMessage)) == rows_before
        else:
            assert got == [arrives]
            assert is_gsm7(got[0])
        if told is None:
            assert SAM not in heard
        else:
            assert heard.only(SAM) == t(f"peers.relay.{told}", alias="Ann")


@pytest.mark.parametrize(("typed", "_arrives", "_told"), WORDS)
async def test_with_unicode_their_words_travel_whole_and_the_cost_is_recorded(
        settings: Settings, stub: TwilioStub, typed: str, _arrives: str | None,
        _told: str | None) -> None:
    async with chat(settings, stub, unicode=True) as (w, _sms):
        before = len(stub.sent)
        heard = await w.says(SAM, typed)
        assert SAM not in heard
        [got] = bodies(stub, ANN.address, before)
        plain = typed.replace("\u2019", "'").replace("\u2013", "-").replace(
            "\u201c", '"').replace("\u201d", '"').replace("\t", " ")
        assert got == f"Sam: {plain}"
        cost = measure(got)
        assert cost.name == ("GSM-7" if is_gsm7(plain) else "UCS-2")
        relayed = await last_relay(w)
        assert relayed["segments"] == cost.segments
        outbox = await w.db(lambda c: c.scalar(select(OutboxMessage.segments).where(
            OutboxMessage.id == relayed["outbox_id"])))
        assert outbox == cost.segments


async def test_a_curly_apostrophe_keeps_a_text_to_one_segment_with_unicode_on(
        settings: Settings, stub: TwilioStub) -> None:
    async with chat(settings, stub, unicode=True) as (w, _sms):
        before = len(stub.sent)
        typed = "I\u2019ll meet you by the cafe at ten, and we can walk round the lake " \
                "together. Bring a coat, it\u2019s meant to be windy later on, ok?"
        await w.says(SAM, typed)
        [got] = bodies(stub, ANN.address, before)
        assert len(got) <= 160 and is_gsm7(got)
        assert (await last_relay(w))["segments"] == 1


# -- from a resident who texts (signed webhooks) to a Telegram supporter ---------------
@pytest.mark.parametrize("unicode", [False, True])
@pytest.mark.parametrize("typed", ["\U0001f44d", "\u2764\ufe0f\U0001f64f",
                                   "\u0a95\u0ac7\u0aae \u0a9b\u0acb?", "\u0141ucja",
                                   "I\u2019m fine"])
async def test_words_texted_in_reach_a_telegram_supporter_as_typed(
        settings: Settings, stub: TwilioStub, typed: str, unicode: bool) -> None:
    async with chat(settings, stub, unicode=unicode) as (w, sms):
        response = await sms.text(ANN.address, typed)
        assert response.status_code == 200
        heard = await w.delivered()
        assert heard.only(SAM) == f"Ann: {typed}"
        assert (await last_relay(w))["segments"] == 0  # Telegram costs nothing


# -- long messages, in order --------------------------------------------------------------
LINK = "https://www.google.com/maps/place/Watermead+Country+Park/@52.6841,-1.1196,15z/" + \
    "data=!4m6!3m5!1s0x4877615b5f0b3c3f:0x" + "9a7c1" * 70
CHINESE = "\u6211\u4eec\u660e\u5929\u4e0a\u5348\u5341\u70b9\u5728\u516c\u56ed\u95e8\u53e3" \
    "\u89c1\u9762\u7136\u540e\u4e00\u8d77\u6563\u6b65" * 8


@pytest.mark.parametrize(("typed", "unicode"), [
    (f"Here is the place: {LINK}", False),
    (f"Here is the place: {LINK}", True),
    (CHINESE, True),
])
async def test_a_long_message_arrives_in_order_labelled_with_the_name_first(
        settings: Settings, stub: TwilioStub, typed: str, unicode: bool) -> None:
    async with chat(settings, stub, unicode=unicode) as (w, _sms):
        await w.says(SAM, "share details")  # a link is a contact detail until both agree
        await w.says(ANN, "share details")
        before = len(stub.sent)
        heard = await w.says(SAM, typed)
        assert SAM not in heard
        got = bodies(stub, ANN.address, before)
        assert 1 < len(got) <= MAX_PARTS
        assert got[0].startswith("Sam: ")
        labels = [re.search(r" \((\d+)/(\d+)\)$", body) for body in got]
        assert [m.groups() if m else None for m in labels] == \
            [(str(n), str(len(got))) for n in range(1, len(got) + 1)]
        joined = "".join(body[:m.start()] for body, m in zip(got, labels, strict=True) if m)
        assert "".join(joined.split()) == "".join(f"Sam:{typed}".split())
        assert all(measure(body).segments <= 2 for body in got)
        assert (await last_relay(w))["segments"] == sum(measure(b).segments for b in got)


async def test_a_message_that_would_need_too_many_texts_is_not_passed_on(
        settings: Settings, stub: TwilioStub) -> None:
    async with chat(settings, stub, unicode=True) as (w, _sms):
        before = len(stub.sent)
        heard = await w.says(SAM, "\u5c71" * 900)  # 900 UCS-2 units: 14 segments
        # The sender is told why: too long for a text, and how much fits.
        assert heard.only(SAM) == t("peers.relay.too_long_texts", alias="Ann", count=500)
        assert bodies(stub, ANN.address, before) == []


@pytest.mark.parametrize(("typed", "fits"), [
    ("I went round the lake \U0001f44d " * 40, 450),  # an emoji costs two units
    ("\u0622\u067e \u06a9\u06cc\u0633\u06d2 \u06c1\u06cc\u06ba " * 50, 500),  # Urdu
    ("\U0001f44d" * 300, 250),
])
async def test_a_sender_is_told_how_much_fits_in_texts_with_unicode_on(
        settings: Settings, stub: TwilioStub, typed: str, fits: int) -> None:
    async with chat(settings, stub, unicode=True) as (w, _sms):
        before = len(stub.sent)
        heard = await w.says(SAM, typed)
        assert heard.only(SAM) == t("peers.relay.too_long_texts", alias="Ann", count=fits)
        assert bodies(stub, ANN.address, before) == []
        assert characters_that_fit(f"Sam: {typed}", allow_unicode=True) == fits
        # What it says fits does fit: that much of the same text goes, in at most 4 texts.
        await w.says(SAM, typed[:fits - len("Sam: ")])
        got = bodies(stub, ANN.address, before)
        assert 1 <= len(got) <= MAX_PARTS


# -- symbols, digits, flags and line ends (issue 13) ---------------------------------------
# (what Sam types on Telegram, what Ann's phone gets with UCS-2 off, what Sam is told)
MEANING = [
    ("BP \u2260 140 today", "Sam: BP 140 today", "part_sent.symbols"),
    ("\u2260", None, "not_sent.symbols"),
    ("Take 500\u00b5g of B12", "Sam: Take 500mcg of B12", None),
    ("It's 20\u00b0C at the park", "Sam: It's 20 degrees C at the park", None),
    ("\u2265 5 mins walking", "Sam: >= 5 mins walking", None),
    ("Only \u00b12 kg", "Sam: Only +/-2 kg", None),
    ("Cost \u20b9500", "Sam: Cost Rs 500", None),
    ("\u2713 booked", "Sam: booked", "part_sent.symbols"),
    ("\u2714\ufe0f booked", "Sam: booked", "part_sent.emoji"),
    ("\u2713 booked \U0001f44d", "Sam: booked", "part_sent.emoji_symbols"),
    ("Stra\u00dfe \u1e9e", "Sam: Stra\u00dfe SS", None),
    ("\u0391\u0392\u0393 OK", "Sam: AB\u0393 OK", None),
    ("See you at \u0661\u0660", "Sam: See you at 10", None),
    ("Meet at \u06f1\u06f0 am", "Sam: Meet at 10 am", None),
    ("Meet at \u0967\u0966 \u092c\u091c\u0947", "Sam: Meet at 10", "part_sent.letters"),
    ("see you\u0085tomorrow", "Sam: see you\ntomorrow", None),
    ("see you\x0btomorrow", "Sam: see you\ntomorrow", None),
    ("see you\x0ctomorrow", "Sam: see you\ntomorrow", None),
    ("a\x1eb", "Sam: a\nb", None),
    ("hi\x00there", "Sam: hi there", None),
    ("see you\u2028tomorrow", "Sam: see you\ntomorrow", None),
]


@pytest.mark.parametrize(("typed", "arrives", "_told"), MEANING)
async def test_without_unicode_nothing_changes_meaning(
        settings: Settings, stub: TwilioStub, typed: str, arrives: str | None,
        _told: str | None) -> None:
    async with chat(settings, stub, unicode=False) as (w, _sms):
        before = len(stub.sent)
        await w.says(SAM, typed)
        got = bodies(stub, ANN.address, before)
        assert got == ([arrives] if arrives else [])
        assert all(is_gsm7(body) for body in got)
        if got:
            assert (await last_relay(w))["segments"] == measure(got[0]).segments


@pytest.mark.parametrize(("typed", "_arrives", "told"), MEANING)
async def test_the_sender_is_told_exactly_what_did_not_go(
        settings: Settings, stub: TwilioStub, typed: str, _arrives: str | None,
        told: str | None) -> None:
    async with chat(settings, stub, unicode=False) as (w, _sms):
        heard = await w.says(SAM, typed)
        if told is None:
            assert SAM not in heard
        else:
            assert heard.only(SAM) == t(f"peers.relay.{told}", alias="Ann")


FLAGS = ["\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
         "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
         "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"]


@pytest.mark.parametrize("flag", FLAGS)
async def test_a_flag_of_england_scotland_or_wales_arrives_whole(
        settings: Settings, stub: TwilioStub, flag: str) -> None:
    async with chat(settings, stub, unicode=True) as (w, sms):
        before = len(stub.sent)
        heard = await w.says(SAM, f"{flag} match tonight")
        assert SAM not in heard
        [got] = bodies(stub, ANN.address, before)
        assert got == f"Sam: {flag} match tonight"
        assert (await last_relay(w))["segments"] == measure(got).segments == 1
        response = await sms.text(ANN.address, f"Come on {flag}!")
        assert response.status_code == 200
        assert (await w.delivered()).only(SAM) == f"Ann: Come on {flag}!"


async def test_without_unicode_a_flag_is_an_emoji_left_out(
        settings: Settings, stub: TwilioStub) -> None:
    async with chat(settings, stub, unicode=False) as (w, _sms):
        before = len(stub.sent)
        heard = await w.says(SAM, f"{FLAGS[0]} match tonight")
        assert bodies(stub, ANN.address, before) == ["Sam: match tonight"]
        assert heard.only(SAM) == t("peers.relay.part_sent.emoji", alias="Ann")


@pytest.mark.parametrize("unicode", [False, True])
@pytest.mark.parametrize("typed", ["see you\u0085tomorrow", "see you\x0btomorrow",
                                   "a\x1eb", "hi\x00there", "see you\u2029tomorrow"])
async def test_words_texted_in_with_controls_reach_telegram_apart(
        settings: Settings, stub: TwilioStub, typed: str, unicode: bool) -> None:
    async with chat(settings, stub, unicode=unicode) as (w, sms):
        response = await sms.text(ANN.address, typed)
        assert response.status_code == 200
        [got] = (await w.delivered()).texts(SAM)
        assert got.removeprefix("Ann: ").split() == typed.replace("\x00", " ").split()
