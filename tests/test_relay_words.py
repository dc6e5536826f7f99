"""A relay's words as its reader gets them (break-test nc13): characters a phone draws but
GSM-7 lacks (private-use logos, code points newer than our tables) are reported left out,
never dropped unnoticed, and an empty relay never goes; the first text of a long relay
never holds only the writer's name; "how much fits" counts what a reader counts; and a
photo's caption to someone who blocked us gets one notice, not two.

Through the real engine, dispatcher and SMS sender (rendering each text, the twilio
library sending it to the REST stub), on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
import regex

from bot.channels.wordless import RELAY_SETTLE
from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address
from bot.core.gsm7 import is_gsm7, measure
from bot.core.render import MAX_PARTS
from bot.peers import relay as relay_module
from support.group_api import group_bot, person
from support.peers import PeerWorld
from support.sms_peers import bodies, sms_chat
from support.twilio_stub import TwilioStub

EN = library().for_language("en")
ANN = Address("sms", "+447700900160")  # a resident, by text
SAM = Address("telegram", "626262")  # a peer supporter on Telegram
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one emoji, 7 code points


def t(key: str, **params: object) -> str:
    return EN.text(key, **params)


# -- characters a phone draws that GSM-7 lacks ---------------------------------------------
@pytest.mark.parametrize(("typed", "got", "told"), [
    ("\uf8ff", None, "not_sent.symbols"),  # the Apple logo iPhones send
    ("\ue000", None, "not_sent.symbols"),
    ("\U000f0000", None, "not_sent.symbols"),  # plane 15
    ("\U0010fffd", None, "not_sent.symbols"),  # plane 16
    ("\U0001f600\uf8ff", None, "not_sent.emoji_symbols"),
    ("Sent from my \uf8ff iPhone", "Sam: Sent from my iPhone", "part_sent.symbols"),
    ("See you \u0378 soon", "Sam: See you soon", "part_sent.symbols"),  # unassigned
], ids=["apple", "bmp_private", "plane15", "plane16", "emoji_and_logo", "signature",
        "unassigned"])
async def test_private_use_and_unassigned_characters_are_never_dropped_unnoticed(
        settings: Settings, stub: TwilioStub, typed: str, got: str | None,
        told: str) -> None:
    async with sms_chat(settings, stub, ANN, SAM, unicode=False) as (w, _sms):
        before = len(stub.sent)
        heard = await w.says(SAM, typed)
        assert bodies(stub, ANN.address, before) == ([got] if got else [])
        assert heard.only(SAM) == t(f"peers.relay.{told}", alias="Ann")


async def test_an_empty_relay_never_goes_whatever_emptied_it(
        settings: Settings, stub: TwilioStub, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even if what is left out were not recognised as lost (a character our tables do not
    know yet), words that come to nothing after the name are never sent as "Sam: "."""
    monkeypatch.setattr(relay_module, "left_out", lambda text: None)
    async with sms_chat(settings, stub, ANN, SAM, unicode=False) as (w, _sms):
        before = len(stub.sent)
        heard = await w.says(SAM, "\U0001f44d\U0001f44d")
        assert bodies(stub, ANN.address, before) == []
        assert heard.only(SAM) == t("peers.relay.not_sent.symbols", alias="Ann")


# -- the first text of a long relay is never the name alone --------------------------------
LINK = "https://www.google.com/maps/place/Watermead+Country+Park/" + "a" * 241


@pytest.mark.parametrize(("unicode", "typed"), [
    (False, f"{LINK} see you there"),  # a link that fits a text, but not beside the name
    (True, "x" * 125 + "\u6211 abc " + "y" * 125 + "\u6211"),
    # Words that fill a text alone: cut beside the name, never inside an escape (two
    # septets), a surrogate pair, or a cluster of seven code points.
    (False, "\u20ac" * 148 + " see you"),
    (True, "\U0001f600" * 62 + " see you"),
    (True, FAMILY * 11 + "\U0001f600" * 2 + " see you"),
], ids=["link", "ucs2_word", "escapes", "surrogates", "families"])
async def test_the_name_always_shares_its_text_with_words(
        settings: Settings, stub: TwilioStub, unicode: bool, typed: str) -> None:
    async with sms_chat(settings, stub, ANN, SAM, unicode=unicode) as (w, _sms):
        await w.says(SAM, "share details")
        await w.says(ANN, "share details")
        before = len(stub.sent)
        await w.says(SAM, typed)
        got = bodies(stub, ANN.address, before)
        assert 2 <= len(got) <= MAX_PARTS, got
        assert not re.fullmatch(r"Sam: ?\(1/\d\)", got[0]), got[0]
        assert got[0].startswith("Sam: ") and len(got[0]) > len("Sam:  (1/2)")
        assert all(measure(body).segments <= 2 for body in got)
        assert all(is_gsm7(body) for body in got) or unicode
        # In order and whole: the parts, labels off, are the words; nothing cut inside
        # a character a reader sees as one.
        words = [re.sub(r" \(\d/\d\)$", "", body) for body in got]
        words[0] = words[0].removeprefix("Sam: ")
        assert "".join(words).replace(" ", "") == typed.replace(" ", "")
        clusters = regex.findall(r"\X", typed)
        assert all(regex.findall(r"\X", part)[-1] in clusters for part in words)


# -- how much fits, counted as a reader counts ---------------------------------------------
async def test_how_much_fits_counts_emoji_as_one_and_that_much_goes(
        settings: Settings, stub: TwilioStub) -> None:
    """45 family emoji (seven code points each) were refused as "about 300 characters",
    when only about 40 fit; the number said now counts each as one, and a message trimmed
    to it goes."""
    typed = " ".join([FAMILY] * 45)
    async with sms_chat(settings, stub, ANN, SAM, unicode=True) as (w, _sms):
        before = len(stub.sent)
        heard = await w.says(SAM, typed)
        assert bodies(stub, ANN.address, before) == []
        said = re.search(r"about (\d+) characters", heard.only(SAM))
        assert said is not None
        count = int(said.group(1))
        assert count == 80  # 40 emoji and the spaces between them
        trimmed = "".join(regex.findall(r"\X", typed)[:count])
        await w.says(SAM, trimmed)
        got = bodies(stub, ANN.address, before)
        assert 1 <= len(got) <= MAX_PARTS


# -- a caption to someone who blocked us ----------------------------------------------------
RESIDENT, SUPPORTER = person(7101, "Ann"), person(7102, "Sue")
RES, SUP = Address("telegram", "7101"), Address("telegram", "7102")
PHOTO = {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]}


def private(sender: dict[str, object], n: int, **content: object) -> dict[str, object]:
    chat = {"id": sender["id"], "type": "private", "first_name": sender["first_name"]}
    return {"message": {"message_id": n, "date": 1772442000, "chat": chat,
                        "from": sender, **content}}


async def test_a_caption_to_a_reader_who_blocked_us_gets_one_notice(
        settings: Settings) -> None:
    async with group_bot(settings) as bot:
        world = PeerWorld(bot.services, {}, bot.clock)
        await world.supporter(SUP, "Sue")
        await world.resident(RES, "Ann")
        await world.asks_for_buddy(RES)
        await world.connected(RES, SUP)
        bot.api.forget()
        bot.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
        await bot.feed(private(RESIDENT, 4242, **PHOTO, caption="Bradgate Park this morning!"))
        await bot.services.dispatcher.drain()
        bot.clock.advance(RELAY_SETTLE * 2)
        await bot.services.dispatcher.drain()
        assert bot.api.texts_to(7101) == [t("peers.relay.unreachable", alias="Sue")]
