"""Senders that are not people: a short code or an alphanumeric sender (a pharmacy, the NHS
App) gets no reply, creates nobody, is counted for coordinators and is answered 200 with
empty TwiML so Twilio does not retry; a WhatsApp sender is never merged into the SMS person
with that number. Through signed webhooks, as Twilio sends them."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot.channels.addresses import (
    ALPHANUMERIC,
    OTHER_CHANNEL,
    PHONE,
    SHORT_CODE,
    UNUSABLE,
    sender_kind,
    sender_number,
)
from bot.config import Settings
from bot.core.content import library
from bot.storage.models import Identity, ImpactEvent, OutboxMessage, Person
from bot.tools import impact
from support.engine import START
from support.sms import SmsHarness, sms_service
from support.twilio_stub import TwilioStub

MAGGIE = "+447700900123"


async def count(sms: SmsHarness, model: type) -> int:
    async with sms.services.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def ignored(sms: SmsHarness) -> list[tuple[str | None, str | None]]:
    async with sms.services.db.transaction() as session:
        rows = await session.execute(select(ImpactEvent.detail, ImpactEvent.channel).where(
            ImpactEvent.kind == "ignored_sender"))
        return [tuple(r) for r in rows.all()]


@pytest.mark.parametrize(("raw", "kind"), [
    ("60777", SHORT_CODE), ("81025", SHORT_CODE), ("123456", SHORT_CODE),
    ("NHSApp", ALPHANUMERIC), ("BOOTS", ALPHANUMERIC), ("Boots Pharm", ALPHANUMERIC),
    ("GP-Surgery", ALPHANUMERIC), ("whatsapp:+447700900123", OTHER_CHANNEL),
    ("+447700900123", PHONE), ("07700 900123", PHONE), ("447700900123", PHONE),
    # Found by a newcomer trying to break it: prefixes, other digits, spaces, any script.
    ("tel:60777", SHORT_CODE), ("sms:60777", SHORT_CODE), ("\u0666\u0660\u0667\u0667\u0667",
                                                            SHORT_CODE),
    ("60 777", SHORT_CODE), ("\u00c4rztehaus", ALPHANUMERIC), ("GP@Surgery", ALPHANUMERIC),
    ("Dr. Smith's", ALPHANUMERIC), ("sms:NHSApp", ALPHANUMERIC), ("NHSAppTest12", ALPHANUMERIC),
    ("sms:+447700900123", PHONE),
    # Digits without '+' or 0 are a person only if they make a possible number with the '+'.
    ("123456789", SHORT_CODE), ("999999999999", SHORT_CODE), ("12025550143", PHONE),
    ("0116 496 0123", PHONE),
    # Found by the break-test of issue 13: service codes, a short code with a '+', and
    # anything that is no number a person texts from.
    ("+60777", SHORT_CODE), ("+12345", SHORT_CODE), ("#123", SHORT_CODE),
    ("*100#", SHORT_CODE), ("*#06#", SHORT_CODE), ("", UNUSABLE), (" ", UNUSABLE),
    ("+", UNUSABLE), ("0000000000", UNUSABLE), ("+44000000000", UNUSABLE),
    ("+447700900123,+447700900124", UNUSABLE), ("+447700900123 +447700900124", UNUSABLE),
    ("#+!", UNUSABLE), ("0", UNUSABLE), ("+10000000000", UNUSABLE),
    ("+44 (0)7700 900123", PHONE), ("\u202a+447700900123\u202c", PHONE),
    ("+1 202 555 0143", PHONE),
    # Service ranges are services however they are written (issue 13's break-test:
    # "+448001111" was a person while "0800 1111" was ignored): freephone, premium rate,
    # shared cost, UK-wide 03, a US toll-free number; personal (070) numbers are people.
    ("+448001111", SHORT_CODE), ("0800 1111", SHORT_CODE), ("448001111", SHORT_CODE),
    ("+44 808 157 0000", SHORT_CODE), ("08081570000", SHORT_CODE),
    ("+449098765432", SHORT_CODE), ("+448457000000", SHORT_CODE),
    ("0300 123 4567", SHORT_CODE), ("+1 800 555 0100", SHORT_CODE),
    ("+447000123456", PHONE), ("+447624000000", PHONE),
])
def test_sender_kinds(raw: str, kind: str) -> None:
    assert sender_kind(raw)[0] == kind


@pytest.mark.parametrize(("raw", "number"), [
    ("+447700900123", "+447700900123"), ("447700900123", "+447700900123"),
    ("07700 900123", "+447700900123"), ("tel:+44 7700 900123", "+447700900123"),
    # A US number with its '+' left off is the US number, not a British one.
    ("12025550143", "+12025550143"), ("+1 (202) 555-0143", "+12025550143"),
    ("+33 6 12 34 56 78", "+33612345678"),
])
def test_a_persons_number_is_read_in_its_own_country(raw: str, number: str) -> None:
    assert sender_kind(raw)[0] == PHONE
    assert sender_number(raw) == number


@pytest.mark.parametrize(("sender", "detail"), [
    ("60777", "short_code"), ("123456", "short_code"), ("123456789", "short_code"),
    ("NHSApp", "alphanumeric"), ("BOOTS", "alphanumeric"),
    ("+60777", "short_code"), ("+12345", "short_code"), ("#123", "short_code"),
    ("*100#", "short_code"), ("", "unusable"), (" ", "unusable"), ("+", "unusable"),
    ("0000000000", "unusable"), ("+447700900123,+447700900124", "unusable"),
    ("+448001111", "short_code"), ("0800 1111", "short_code"),
])
async def test_a_service_sender_gets_nothing_back_and_becomes_nobody(
        settings: Settings, stub: TwilioStub, sender: str, detail: str,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with sms_service(settings, stub) as sms:
        for body in ("Your prescription is ready to collect.", "hi", "STOP", "1"):
            response = await sms.text(sender, body)
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("application/xml")
            assert response.text.endswith("<Response></Response>")
        assert stub.sent == []  # no reply, not even to STOP
        assert await count(sms, Person) == 0
        assert await count(sms, Identity) == 0
        assert await count(sms, OutboxMessage) == 0
        assert await ignored(sms) == [(detail, "sms")] * 4
        # Twilio delivering the same webhook again is counted once.
        again = await sms.text(sender, "hi", sid="SM" + "5" * 32)
        await sms.text(sender, "hi", sid="SM" + "5" * 32)
        assert again.status_code == 200
        assert len(await ignored(sms)) == 5
        # A person texting afterwards is welcomed as ever.
        await sms.text(MAGGIE, "hi")
        assert await count(sms, Person) == 1
        assert sms.bodies_to(MAGGIE)
    said = {"short_code": "short code", "alphanumeric": "alphanumeric",
            "unusable": "no number a person texts from"}[detail]
    assert any(said in r.getMessage() for r in caplog.records)
    if sender.strip(" +"):  # ours never say who (the twilio library logs its own URLs)
        assert not any(sender in r.getMessage() for r in caplog.records
                       if r.name.startswith("bot."))


async def test_a_us_number_without_its_plus_is_that_person(settings: Settings,
                                                          stub: TwilioStub) -> None:
    """Decided one way: digits that make an international number with the '+' put back
    are that number's person (as '447700900123' is), answered there; never a 400."""
    async with sms_service(settings, stub) as sms:
        response = await sms.text("12025550143", "hi")
        assert response.status_code == 200
        await sms.text("+12025550143", "1")  # the same person, written as Twilio does
        async with sms.services.db.transaction() as session:
            addresses = (await session.execute(select(Identity.address))).scalars().all()
        assert addresses == ["+12025550143"]
        assert sms.bodies_to("+12025550143")
        assert await ignored(sms) == []


async def test_whatsapp_is_not_merged_into_the_sms_person_with_that_number(
        settings: Settings, stub: TwilioStub, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with sms_service(settings, stub) as sms:
        await sms.text(MAGGIE, "hi")
        texts = len(stub.sent)
        for body in ("hi", "1", "delete my data", "STOP"):
            response = await sms.text(f"whatsapp:{MAGGIE}", body)
            assert response.status_code == 200
            assert response.text.endswith("<Response></Response>")
        assert len(stub.sent) == texts  # nothing to WhatsApp, nothing more to her phone
        assert await count(sms, Person) == 1
        async with sms.services.db.transaction() as session:
            identity = (await session.execute(select(Identity))).scalar_one()
        assert (identity.channel, identity.address, identity.opted_out_at) == \
            ("sms", MAGGIE, None)
        assert await ignored(sms) == [("whatsapp", "sms")] * 4
    lines = [r.getMessage() for r in caplog.records if "whatsapp" in r.getMessage().lower()]
    assert lines and all("WhatsApp channel" in line or "whatsapp channel" in line
                         for line in lines)
    assert not any("7700900123" in r.getMessage() for r in caplog.records)


async def test_coordinators_see_the_count(settings: Settings, stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        for sender in ("60777", "NHSApp", "BOOTS", "60777", "whatsapp:+447700900999"):
            await sms.text(sender, "hello")
        since, until = START.replace(hour=0), START.replace(hour=0).replace(day=START.day + 1)
        figures = await sms.services.db.run(lambda c: impact.gather(c, since, until))
    assert figures.total("ignored_sender") == 5
    content = library().for_language("en")
    text = impact.as_text(figures, content, exact=True)
    assert f"{content.text('impact.figures.ignored_sender')}: 5" in text
    assert f"{content.text('impact.ignored_from.short_code')}: 2" in text
    assert f"{content.text('impact.ignored_from.alphanumeric')}: 2" in text
    assert f"{content.text('impact.ignored_from.whatsapp')}: 1" in text
    assert impact.as_json(figures, exact=True)["events"]["ignored_sender"]["total"] == "5"
