"""Names in other scripts reach someone who texts. Found by a newcomer: with
SMS_ALLOW_UNICODE off, a supporter called "Сергей" vanished from every text the resident
got ("Good news! would like to support you", "You're now connected with.", ": Hello"). A
name is the reader's only way to tell who wrote, so for a reader who only gets GSM-7 it is
transliterated ("Sergey"), or, with nothing readable left, shown as the words for no name;
two partners always stay distinguishable. Every text that names someone gets the name from
one place (service.shown_name), so each kind is checked here, through the real SMS channel:
signed webhooks in, the twilio library out to a stub of Twilio's API."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address
from bot.core.gsm7 import is_gsm7, readable_name
from bot.storage.models import Identity, Person, Volunteer
from support.peers import PeerWorld
from support.sms_peers import sms_world
from support.twilio_stub import TwilioStub

EN = library().for_language("en")
ANN = Address("sms", "+447700900170")  # a resident, by text
SAM = Address("telegram", "737373")  # a peer supporter on Telegram
SAM_SMS = Address("sms", "+447700900171")  # a peer supporter who texts

SERGEI = "\u0421\u0435\u0440\u0433\u0435\u0439"  # Сергей
LI_MING = "\u674e\u660e"  # 李明
MUHAMMAD = "\u0645\u062d\u0645\u062f"  # محمد
NITA = "\u0aa8\u0ac0\u0aa4\u0abe"  # નીતા (Gujarati)
NAMES = [(SERGEI, "Sergey"), (LI_MING, "LiMing"), (MUHAMMAD, "Mhmd"), (NITA, "Nita")]


def t(key: str, **params: object) -> str:
    return EN.text(key, **params)


def opening(key: str, alias: str) -> str:
    """A text's words up to its {about}: what the reader sees first."""
    return t(key, alias=alias, about="\x00").split("\x00")[0].rstrip()


class Phone:
    """What one number's phone received from the Twilio stub, a message at a time."""

    def __init__(self, stub: TwilioStub, who: Address, *, gsm7: bool = True) -> None:
        self.stub, self.who, self.gsm7, self.read = stub, who, gsm7, len(stub.sent)

    def new(self) -> list[str]:
        got = [m.body for m in self.stub.sent[self.read:] if m.to == self.who.address]
        self.read = len(self.stub.sent)
        assert not self.gsm7 or all(is_gsm7(body) for body in got), got
        return got


async def set_name(w: PeerWorld, who: Address, name: str) -> None:
    """A name kept from before names were checked (or typed where it is not checked)."""
    person = await w.person_id(who)
    await w.db(lambda c: c.execute(update(Person).where(Person.id == person).values(name=name)))
    await w.db(lambda c: c.execute(update(Volunteer).where(
        Volunteer.person_id == person).values(alias=name)))


# -- the names themselves -------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "shown"), [
    *NAMES, ("Jos\u00e9", "Jos\u00e9"), ("M\u00fcller", "M\u00fcller"), ("\u0141ucja", "Lucja"),
    ("Zo\u00eb", "Zoe"), ("Ann-Marie O'Neil", "Ann-Marie O'Neil"), ("Sam \U0001f60a", "Sam"),
    ("\U0001f60a", ""), ("\u3164", ""), ("\U0001f1ec\U0001f1e7", ""),
    ("\u5c71\u7530 \u592a\u90ce", "ShanTian TaiLang"),
])
def test_a_name_is_made_readable_in_gsm7(typed: str, shown: str) -> None:
    assert readable_name(typed) == shown
    assert is_gsm7(shown)


# -- a supporter named in another script, a resident who texts ---------------------------
@pytest.mark.parametrize(("typed", "shown"), NAMES)
async def test_every_text_naming_the_supporter_reaches_a_texter_with_the_name(
        settings: Settings, stub: TwilioStub, typed: str, shown: str) -> None:
    async with sms_world(settings, stub) as (w, sms):
        phone = Phone(stub, ANN)
        await w.supporter(SAM, typed)
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        phone.new()
        await w.says(SAM, "1")  # the supporter accepts: the resident is asked
        [offer] = phone.new()
        assert offer.startswith(opening("peers.buddy.offer_to_resident", shown))
        assert (await sms.text(ANN.address, "yes")).status_code == 200
        assert phone.new() == [t("peers.buddy.connected", alias=shown)]
        await w.says(SAM, "Hello")
        assert phone.new() == [f"{shown}: Hello"]
        await w.says(SAM, "pause chat")
        assert phone.new() == [t("peers.relay.paused_you", alias=shown)]
        await w.says(SAM, "resume chat")
        assert phone.new() == [t("peers.relay.resumed_you", alias=shown)]
        await sms.text(ANN.address, "See you at ten")
        assert (await w.delivered()).texts(SAM) == ["Ann: See you at ten"]
        await w.says(SAM, "end chat")
        assert phone.new() == [t("peers.relay.ended_you", alias=shown)]


async def test_with_unicode_on_the_name_travels_as_typed(
        settings: Settings, stub: TwilioStub) -> None:
    async with sms_world(settings, stub, unicode=True) as (w, sms):
        phone = Phone(stub, ANN, gsm7=False)
        await w.supporter(SAM, SERGEI)
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        await w.says(SAM, "1")
        await sms.text(ANN.address, "yes")
        phone.new()
        await w.says(SAM, "Hello")
        assert phone.new() == [f"{SERGEI}: Hello"]


async def test_a_telegram_reader_sees_the_name_as_typed(
        settings: Settings, stub: TwilioStub) -> None:
    async with sms_world(settings, stub) as (w, sms):
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Ann")
        await set_name(w, ANN, MUHAMMAD)
        await w.asks_for_buddy(ANN)
        await w.says(SAM, "1")
        await sms.text(ANN.address, "yes")
        await w.delivered()
        await sms.text(ANN.address, "hello")
        assert (await w.delivered()).texts(SAM) == [f"{MUHAMMAD}: hello"]


# -- both text: what the sender is told names the other person too ------------------------
async def test_texters_on_both_sides_see_each_others_names_and_what_was_left_out(
        settings: Settings, stub: TwilioStub) -> None:
    async with sms_world(settings, stub) as (w, sms):
        ann, sam = Phone(stub, ANN), Phone(stub, SAM_SMS)
        await w.supporter(SAM_SMS, SERGEI)
        await w.resident(ANN, "Ann")
        await set_name(w, ANN, MUHAMMAD)
        await w.asks_for_buddy(ANN)
        await sms.text(SAM_SMS.address, "1")
        assert ann.new()[-1].startswith(opening("peers.buddy.offer_to_resident", "Sergey"))
        sam.new()
        await sms.text(ANN.address, "yes")
        assert ann.new() == [t("peers.buddy.connected", alias="Sergey")]
        assert sam.new() == [t("peers.buddy.connected", alias="Mhmd")]
        await sms.text(ANN.address, "See you there \U0001f44d")
        assert sam.new() == ["Mhmd: See you there"]
        assert ann.new() == [t("peers.relay.part_sent.emoji", alias="Sergey")]
        await sms.text(ANN.address, "\U0001f44d")
        assert sam.new() == []
        assert ann.new() == [t("peers.relay.not_sent.emoji", alias="Sergey")]
        await sms.text(SAM_SMS.address, "Share details")
        assert ann.new() == [t("peers.relay.share_request", alias="Sergey")]
        # Sam can no longer be reached: Ann is told, by name.
        await w.db(lambda c: c.execute(update(Identity).where(
            Identity.address == SAM_SMS.address).values(unreachable_at=w.clock.now())))
        await sms.text(ANN.address, "are you there?")
        assert ann.new() == [t("peers.relay.unreachable", alias="Sergey")]


# -- two partners whose names end up alike stay apart --------------------------------------
RESIDENT_1 = Address("telegram", "811")
RESIDENT_2 = Address("telegram", "822")


@pytest.mark.parametrize(("first", "second", "shown"), [
    (SERGEI, "Sergey", "Sergey"),  # the same once transliterated
    ("\U0001f60a", "\U0001f643", t("peers.no_name")),  # nothing readable in either
])
async def test_two_partners_stay_distinguishable_by_text(
        settings: Settings, stub: TwilioStub, first: str, second: str, shown: str) -> None:
    async with sms_world(settings, stub) as (w, sms):
        sam = Phone(stub, SAM_SMS)
        await w.supporter(SAM_SMS, "Sam", capacity="2")
        told = []
        for resident, name in ((RESIDENT_1, first), (RESIDENT_2, second)):
            await w.resident(resident, "Someone")
            await set_name(w, resident, name)
            await w.asks_for_buddy(resident)
            await sms.text(SAM_SMS.address, "1")
            sam.new()
            await w.says(resident, "yes")
            told += sam.new()
        assert told == [t("peers.buddy.connected", alias=shown),
                        t("peers.buddy.connected_several", alias=f"{shown} 2")]
        await sms.text(SAM_SMS.address, f"{shown} 2: hello second")
        await sms.text(SAM_SMS.address, f"{shown}: hello first")
        assert w.sent_to(RESIDENT_1)[-1] == "Sam: hello first"
        assert w.sent_to(RESIDENT_2)[-1] == "Sam: hello second"
        await w.says(RESIDENT_2, "hi Sam")
        assert sam.new()[-1] == f"{shown} 2: hi Sam"
