"""Senders that are not people: a short code or an alphanumeric sender (a pharmacy, the NHS
App) gets no reply, creates nobody, is counted for coordinators and is answered 200 with
empty TwiML so Twilio does not retry; a WhatsApp sender is never merged into the SMS person
with that number. Through signed webhooks, as Twilio sends them."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot.channels.addresses import ALPHANUMERIC, OTHER_CHANNEL, PHONE, SHORT_CODE, sender_kind
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
])
def test_sender_kinds(raw: str, kind: str) -> None:
    assert sender_kind(raw)[0] == kind


@pytest.mark.parametrize(("sender", "detail"), [
    ("60777", "short_code"), ("123456", "short_code"), ("123456789", "short_code"),
    ("NHSApp", "alphanumeric"), ("BOOTS", "alphanumeric"),
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
    assert any(detail.replace("_", " ") in r.getMessage() for r in caplog.records)
    assert not any(sender in r.getMessage() for r in caplog.records)


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
