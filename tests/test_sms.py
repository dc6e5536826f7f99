"""SMS end to end: signed Twilio webhooks in, the real twilio library out to a REST stub
that checks every call against Twilio's published OpenAPI description."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Connection, func, select

from bot.channels.wordless import RELAY_SETTLE
from bot.config import Settings
from bot.core.events import Address, Outbound
from bot.core.gsm7 import is_gsm7, measure
from bot.storage import repository as repo
from bot.storage.models import Delivery, Identity, InboundSeen, OutboxMessage, Person
from support.engine import ONBOARDING
from support.peers import PeerWorld
from support.sms import PUBLIC, SmsHarness, sms_service
from support.sms_peers import bodies, sms_chat
from support.twilio_stub import TwilioStub

MAGGIE = "+447700900123"


async def count(sms: SmsHarness, model: type) -> int:
    async with sms.services.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_whole_onboarding_by_sms(settings: Settings, stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        for line in ONBOARDING:
            response = await sms.text("07700 900123", line)
            assert response.status_code == 200
            assert response.text.endswith("<Response></Response>")
            assert response.headers["content-type"].startswith("application/xml")
        bodies = sms.bodies_to(MAGGIE)
        assert any("You're all set, Margaret!" in b for b in bodies)
        assert any("1 Walking" in b for b in bodies)  # options numbered inside the text
        for body in bodies:
            assert is_gsm7(body), body
            assert measure(body).segments <= 2, body
        # Every text Twilio accepted is recorded with its own id, for delivery receipts.
        assert await count(sms, Delivery) == len(bodies)
        async with sms.services.db.transaction() as session:
            segments = (await session.execute(select(OutboxMessage.segments))).scalars().all()
        assert all(s and s >= 1 for s in segments)
    for message in stub.sent:
        assert message.form["MessagingServiceSid"].startswith("MG")
        assert message.form["StatusCallback"] == f"{PUBLIC}/sms/status"


@pytest.mark.parametrize("word", ["STOP", "stop", " Stop. ", "STOPALL", "unsubscribe", "Cancel",
                                  "END", "quit!", "REVOKE", "optout", "opt out"])
async def test_every_opt_out_word_stops_everything_at_once(settings: Settings, stub: TwilioStub,
                                                           word: str) -> None:
    async with sms_service(settings, stub) as sms:
        await sms.text(MAGGIE, "hi")
        await sms.text(MAGGIE, "1")
        before = len(sms.bodies_to(MAGGIE))
        await sms.text(MAGGIE, word)
        assert sms.bodies_to(MAGGIE)[before:] == [
            "You won't get any more messages from Move Mates. Reply START if you'd like to "
            "come back."]
        for later in ("hello", "1", "HELP", "menu", "yes please"):
            await sms.text(MAGGIE, later)
        assert len(sms.bodies_to(MAGGIE)) == before + 1


async def test_stop_while_encouragement_is_due(settings: Settings, stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        for line in ONBOARDING:
            await sms.text(MAGGIE, line)
        def queue_nudge(connection: Connection) -> None:
            stored = repo.load(connection, Address("sms", MAGGIE), lock=False)
            assert stored is not None
            repo.queue_messages(connection, person_id=stored.person_id,
                                to=Address("sms", MAGGIE),
                                messages=[Outbound("A gentle nudge for Tuesday.")],
                                kind="encouragement", priority=5, key_prefix="enc:test",
                                now=sms.clock.now(), due_at=sms.clock.now() + timedelta(hours=2))

        await sms.services.db.run(queue_nudge)
        await sms.text(MAGGIE, "STOP")
        sms.clock.advance(timedelta(hours=3))
        await sms.services.dispatcher.drain()
        assert not any("gentle nudge" in b for b in sms.bodies_to(MAGGIE))
        async with sms.services.db.transaction() as session:
            status = await session.scalar(select(OutboxMessage.status).where(
                OutboxMessage.kind == "encouragement"))
        assert status == "cancelled"


async def test_start_brings_them_back_where_they_were(settings: Settings,
                                                      stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        for line in ("hi", "1", "STOP", "START"):
            await sms.text(MAGGIE, line)
        # One text, not two that might arrive the wrong way round.
        back = sms.bodies_to(MAGGIE)[-1]
        welcome, question = back.split("\n\n", 1)
        assert welcome == "Welcome back! You'll get messages from us again."
        assert question.startswith("Some people like to tell us about their health.")
        await sms.text(MAGGIE, "STOP")
        await sms.text(MAGGIE, "yes")  # YES opts back in too
        assert sms.bodies_to(MAGGIE)[-1] == back


async def test_help_says_who_we_are_and_how_to_stop(settings: Settings, stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        await sms.text(MAGGIE, "hi")
        await sms.text(MAGGIE, "HELP")
        help_text = " ".join(sms.bodies_to(MAGGIE)[2:4])
        assert "Move Mates" in help_text and "STOP" in help_text
        await sms.text(MAGGIE, "info")
        assert any("STOP" in b for b in sms.bodies_to(MAGGIE)[5:])


async def test_twilio_advanced_opt_out_is_honoured_without_a_second_text(
        settings: Settings, stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        await sms.text(MAGGIE, "hi")
        before = len(sms.bodies_to(MAGGIE))
        await sms.text(MAGGIE, "Please remove me", OptOutType="STOP")
        assert len(sms.bodies_to(MAGGIE)) == before  # Twilio already confirmed it
        async with sms.services.db.transaction() as session:
            identity = (await session.execute(select(Identity))).scalar_one()
        assert identity.opted_out_at is not None


async def test_a_redelivered_webhook_is_processed_once(settings: Settings,
                                                       stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        first = await sms.text(MAGGIE, "hi", sid="SM" + "1" * 32)
        again = await sms.text(MAGGIE, "hi", sid="SM" + "1" * 32)
        assert first.status_code == again.status_code == 200
        assert len(sms.bodies_to(MAGGIE)) == 2


async def test_a_signed_webhook_replayed_months_later_is_refused(settings: Settings,
                                                                  stub: TwilioStub) -> None:
    from bot.extensions import retention
    async with sms_service(settings, stub) as sms:
        await sms.text(MAGGIE, "hi", sid="SM" + "7" * 32)
        stored = await sms.services.db.run(lambda c: c.scalar(select(InboundSeen.external_id)))
        assert "7" * 32 not in stored  # kept hashed
        # Well past the old seven-day purge, with retention run: still recognised.
        sms.clock.advance(timedelta(days=200))
        await sms.services.db.run(lambda c: retention.tidy(c, sms.clock.now()))
        again = await sms.text(MAGGIE, "hi", sid="SM" + "7" * 32)
        assert again.status_code == 200
        assert len(sms.bodies_to(MAGGIE)) == 2  # the first reply only, not a second


@pytest.mark.parametrize("signature", [None, "", "bm90IGEgc2lnbmF0dXJl", "forged"])
async def test_forged_or_missing_signatures_are_refused_and_nothing_is_stored(
        settings: Settings, stub: TwilioStub, signature: str | None) -> None:
    async with sms_service(settings, stub) as sms:
        params = {"MessageSid": "SM" + "2" * 32, "From": MAGGIE, "Body": "hi"}
        response = await sms.post("/sms/inbound", params, signature=signature)
        status = await sms.post("/sms/status", {"MessageSid": "SMx", "MessageStatus": "failed"},
                                signature=signature)
        assert (response.status_code, status.status_code) == (403, 403)
        for model in (Person, InboundSeen, OutboxMessage):
            assert await count(sms, model) == 0


async def test_a_signature_for_other_parameters_is_refused(settings: Settings,
                                                           stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        signed = {"MessageSid": "SM" + "3" * 32, "From": MAGGIE, "Body": "hi"}
        tampered = {**signed, "Body": "delete my data"}
        response = await sms.post("/sms/inbound", tampered,
                                  signature=sms.sign(f"{PUBLIC}/sms/inbound", signed))
        assert response.status_code == 403
        assert await count(sms, Person) == 0


async def test_behind_a_proxy_the_forwarded_url_is_what_twilio_signed(
        settings: Settings, stub: TwilioStub) -> None:
    async with sms_service(settings, stub, public_base_url=None, trust_proxy=True) as sms:
        params = {"MessageSid": "SM" + "4" * 32, "From": MAGGIE, "Body": "hi"}
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "bot.example.net"}
        signed = sms.sign("https://bot.example.net/sms/inbound", params)
        ok = await sms.post("/sms/inbound", params, signature=signed, headers=headers)
        assert ok.status_code == 200
        # Without trusting the proxy, the same request is checked against our own URL.
    async with sms_service(settings, stub, public_base_url=None, trust_proxy=False) as sms:
        refused = await sms.post("/sms/inbound", {**params, "MessageSid": "SM" + "5" * 32},
                                 signature=signed, headers=headers)
        assert refused.status_code == 403


async def test_malformed_webhooks_get_clear_errors(settings: Settings, stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        no_sid = await sms.post("/sms/inbound", {"From": MAGGIE, "Body": "hi"})
        # Neither a number nor a sender name: a sender that is no person, ignored with 200
        # and counted (see test_sms_senders.py), never a 400 for a message Twilio signed.
        bad_from = await sms.post("/sms/inbound", {"MessageSid": "SM9", "From": "#+!",
                                                   "Body": "hi"})
        bad_status = await sms.post("/sms/status", {"MessageSid": "SM9",
                                                    "MessageStatus": "exploded"})
        assert (no_sid.status_code, bad_from.status_code, bad_status.status_code) == \
            (400, 200, 400)
        huge = await sms.text(MAGGIE, "x" * 10_000 + "\u202e\x00")
        assert huge.status_code == 200
        assert len(sms.bodies_to(MAGGIE)) == 2  # welcome and privacy, kindly


async def test_hostile_fields_get_a_clear_4xx_and_store_nothing(settings: Settings,
                                                                 stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        long_code = await sms.post("/sms/status", {"MessageSid": "SM9", "MessageStatus":
                                                   "failed", "ErrorCode": "3" * 5_000})
        odd_code = await sms.post("/sms/status", {"MessageSid": "SM9", "MessageStatus":
                                                  "failed", "ErrorCode": "\u0663\u0660"})
        long_sid = await sms.text(MAGGIE, "hi", sid="SM" + "a" * 90)
        odd_sid = await sms.text(MAGGIE, "hi", sid="SM 1/../2")
        assert [r.status_code for r in (long_code, odd_code, long_sid, odd_sid)] == \
            [400, 400, 400, 400]
        assert await count(sms, Person) == 0
        # A body over the limit is refused before it is parsed or its signature checked.
        huge = await sms.post("/sms/inbound", {"MessageSid": "SM8", "From": MAGGIE,
                                               "Body": "x" * 300_000})
        assert huge.status_code == 413
        assert await count(sms, Person) == 0
        # The ordinary message after all that is handled as ever.
        assert (await sms.text(MAGGIE, "hi")).status_code == 200
        assert await count(sms, Person) == 1


async def status(sms: SmsHarness, sid: str, state: str, code: str | None = None) -> int:
    params = {"MessageSid": sid, "MessageStatus": state, "AccountSid": "AC"}
    if code:
        params["ErrorCode"] = code
    return (await sms.post("/sms/status", params)).status_code


async def outbox_of(sms: SmsHarness, sid: str) -> OutboxMessage:
    async with sms.services.db.transaction() as session:
        delivery = (await session.execute(select(Delivery).where(
            Delivery.provider_ref == sid))).scalar_one()
        row = await session.get(OutboxMessage, delivery.outbox_id)
        assert row is not None
        return row


async def test_delivery_receipts_are_recorded_in_order(settings: Settings,
                                                       stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        await sms.text(MAGGIE, "1")  # welcome (one part) and privacy (one part)
        sid = stub.sent[0].sid
        assert await status(sms, sid, "sent") == 204
        assert await status(sms, sid, "delivered") == 204
        assert await status(sms, sid, "sent") == 204  # late and out of order: ignored
        assert (await outbox_of(sms, sid)).status == "delivered"
        assert await status(sms, "SM" + "f" * 32, "delivered") == 204  # not ours: ignored


async def test_a_message_that_never_left_twilio_is_sent_again_once(settings: Settings,
                                                                   stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        await sms.text(MAGGIE, "hi")
        sid = stub.sent[0].sid
        await status(sms, sid, "failed", "30001")  # queue overflow: nothing reached a carrier
        await sms.services.dispatcher.drain()
        assert len(stub.sent) == 3
        assert stub.sent[2].body == stub.sent[0].body
        await status(sms, stub.sent[2].sid, "undelivered", "30008")  # may have arrived
        await sms.services.dispatcher.drain()
        assert len(stub.sent) == 3
        assert (await outbox_of(sms, stub.sent[2].sid)).status == "failed"


async def test_receipts_that_mean_opted_out_or_unreachable(settings: Settings,
                                                           stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        await sms.text(MAGGIE, "hi")
        await status(sms, stub.sent[0].sid, "failed", "21610")
        async with sms.services.db.transaction() as session:
            identity = (await session.execute(select(Identity))).scalar_one()
        assert identity.opted_out_at is not None


@pytest.mark.parametrize(("code", "lasting"), [("30003", False), ("30005", True),
                                               ("30006", True)])
async def test_a_phone_switched_off_is_not_a_number_gone(settings: Settings, stub: TwilioStub,
                                                        code: str, lasting: bool) -> None:
    """30003 (handset off, out of signal) fails that text only; an unknown number or a
    landline stops everything until the person texts in."""
    async with sms_service(settings, stub) as sms:
        await sms.text(MAGGIE, "hi")
        await status(sms, stub.sent[0].sid, "undelivered", code)
        async with sms.services.db.transaction() as session:
            identity = (await session.execute(select(Identity))).scalar_one()
        assert (identity.unreachable_at is not None) is lasting


@pytest.mark.parametrize(("status_code", "code", "expected", "flag"), [
    (400, 21610, "suppressed", "opted_out_at"),
    (400, 21211, "failed", "unreachable_at"),
    (400, 21614, "failed", "unreachable_at"),
    (429, 20429, "queued", None),
    (500, 20500, "queued", None),
    (400, 21602, "failed", None),
])
async def test_send_errors_are_handled_by_meaning(settings: Settings, stub: TwilioStub,
                                                  status_code: int, code: int, expected: str,
                                                  flag: str | None) -> None:
    async with sms_service(settings, stub) as sms:
        stub.script.append(("error", status_code, code))
        await sms.text(MAGGIE, "hi")
        async with sms.services.db.transaction() as session:
            rows = (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))
                    ).scalars().all()
            identity = (await session.execute(select(Identity))).scalar_one()
        assert rows[0].status == expected
        assert rows[0].error == f"twilio_{code}"
        if flag:
            assert getattr(identity, flag) is not None
            assert rows[1].status == "suppressed"  # nothing more goes to them
        else:
            assert identity.opted_out_at is None and identity.unreachable_at is None
        if expected == "queued":
            # The welcome is tried again later; the privacy notice queued behind it waits
            # for it (untried), and they arrive in the order they were written: the
            # welcome first, then "Before we start: ..." (issue 13: a retry used to be
            # overtaken, so the notice came first and the greeting after it).
            assert (rows[1].status, rows[1].attempts) == ("queued", 0)
            assert stub.sent == []
            sms.clock.advance(timedelta(minutes=1))
            await sms.services.dispatcher.drain()
            assert [m.body[:6] for m in stub.sent] == ["Hello!", "Before"]


async def test_a_timeout_after_twilio_took_the_message_is_not_sent_twice(
        settings: Settings, stub: TwilioStub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.channels.sms_provider.REQUEST_TIMEOUT_SECONDS", 0.5)
    async with sms_service(settings, stub) as sms:
        stub.script.append(("delay", 1.5, 0))  # Twilio creates it, but answers too late
        await sms.text(MAGGIE, "hi")
        assert stub.create_calls == 2  # the welcome (timed out) and the privacy notice
        async with sms.services.db.transaction() as session:
            first = (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))
                     ).scalars().first()
        assert first is not None and first.status == "sent"
        assert first.provider_ref == stub.sent[0].sid  # found by looking, not resent


# -- a relayed text that never arrived: its writer is told, once ------------------------------
ANN, SUE = Address("sms", "+447700900201"), Address("sms", "+447700900202")


async def _chatting(sms: SmsHarness) -> PeerWorld:
    world = PeerWorld(sms.services, {}, sms.clock)  # the real SmsSender, to the stub
    await world.supporter(SUE, "Sue")
    await world.resident(ANN, "Ann")
    await world.asks_for_buddy(ANN)
    await world.connected(ANN, SUE)
    return world


@pytest.mark.parametrize(("state", "code"), [("undelivered", "30003"), ("undelivered", "30007"),
                                             ("failed", "30006"), ("undelivered", None)])
async def test_a_relay_receipt_saying_it_never_arrived_tells_the_writer_once(
        settings: Settings, stub: TwilioStub, state: str, code: str | None) -> None:
    async with sms_service(settings, stub) as sms:
        world = await _chatting(sms)
        before = len(stub.sent)
        # Long enough to go as two texts: a receipt comes for each part.
        await world.says(ANN, "See you at Watermead on Saturday? " * 9)
        relayed = [m for m in stub.sent[before:] if m.to == SUE.address]
        assert len(relayed) == 2 and relayed[0].body.startswith("Ann: ")
        for part in relayed:
            assert await status(sms, part.sid, state, code) == 204
        await world.delivered()
        told = [m.body for m in stub.sent[before:] if m.to == ANN.address]
        assert told == [sms.services.content.for_language("en").text(
            "peers.relay.unreachable", alias="Sue")]
        # Any later receipt for the same text changes nothing.
        assert await status(sms, relayed[0].sid, "failed", code) == 204
        await world.delivered()
        assert [m.to for m in stub.sent[before:]].count(ANN.address) == 1


async def test_a_receipt_for_our_own_text_or_a_resent_one_tells_nobody(
        settings: Settings, stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        world = await _chatting(sms)
        before = len(stub.sent)
        await world.says(SUE, "END CHAT")  # our own words to both: not a relay
        ours = stub.sent[before:]
        for message in ours:
            await status(sms, message.sid, "undelivered", "30003")
        await world.delivered()
        assert len(stub.sent) == before + len(ours)
    async with sms_service(settings, stub) as sms:
        world = await _chatting(sms)
        before = len(stub.sent)
        await world.says(ANN, "Hello Sue")
        relay = next(m for m in stub.sent[before:] if m.to == SUE.address)
        await status(sms, relay.sid, "failed", "30001")  # never left Twilio: sent again
        await world.delivered()
        assert [m.to for m in stub.sent[before:]] == [SUE.address, SUE.address]


# -- a picture by MMS (break-test of issue 13) -------------------------------------------------
CHAT_ANN, CHAT_SAM = Address("sms", "+447700900160"), Address("telegram", "626262")
PICTURE = {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/x.jpg",
           "MediaContentType0": "image/jpeg"}
PASS_ON = "Move Mates: Sorry, I can only pass on words"
LEFT_OUT = ("Move Mates: Your words went, but the photo or file with them didn't. "
            "I can only pass on words.")


@pytest.mark.parametrize("body", ["", "  ", "\u2800", "\u200b"],
                         ids=["empty", "spaces", "braille_blank", "zwsp"])
async def test_a_picture_without_words_in_a_peer_chat_gets_the_kind_reply(
        settings: Settings, stub: TwilioStub, body: str) -> None:
    async with sms_chat(settings, stub, CHAT_ANN, CHAT_SAM) as (world, sms):
        before = len(stub.sent)
        response = await sms.text(CHAT_ANN.address, body, sid="MM" + "1" * 32, **PICTURE)
        assert response.status_code == 200
        [reply] = bodies(stub, CHAT_ANN.address, before)
        assert reply.startswith(PASS_ON) and "didn't quite get" not in reply
        assert CHAT_SAM not in await world.delivered()
        await sms.text(CHAT_ANN.address, body, sid="MM" + "1" * 32, **PICTURE)  # again
        assert len(bodies(stub, CHAT_ANN.address, before)) == 1


async def test_a_picture_with_words_passes_the_words_and_says_the_picture_did_not(
        settings: Settings, stub: TwilioStub) -> None:
    async with sms_chat(settings, stub, CHAT_ANN, CHAT_SAM) as (world, sms):
        before = len(stub.sent)
        await sms.text(CHAT_ANN.address, "Look at this view", sid="MM" + "2" * 32, **PICTURE)
        assert (await world.delivered()).only(CHAT_SAM) == "Ann: Look at this view"
        sms.clock.advance(RELAY_SETTLE)  # once the words have been tried
        await world.delivered()
        assert bodies(stub, CHAT_ANN.address, before) == [LEFT_OUT]
        await sms.text(CHAT_ANN.address, "Look at this view", sid="MM" + "2" * 32, **PICTURE)
        assert CHAT_SAM not in await world.delivered()
        sms.clock.advance(RELAY_SETTLE)
        await world.delivered()
        assert bodies(stub, CHAT_ANN.address, before) == [LEFT_OUT]
        # Words that did not go (a command) say nothing about the picture.
        await sms.text(CHAT_ANN.address, "pause", **PICTURE)
        assert LEFT_OUT not in bodies(stub, CHAT_ANN.address, before + 1)
        # A text without a picture is as ever.
        before = len(stub.sent)
        await sms.text(CHAT_ANN.address, "resume")
        await sms.text(CHAT_ANN.address, "See you at 10")
        assert LEFT_OUT not in bodies(stub, CHAT_ANN.address, before)


async def test_a_picture_outside_a_peer_chat(settings: Settings, stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        await sms.text(MAGGIE, "", **PICTURE)  # someone new: welcomed as ever
        assert sms.bodies_to(MAGGIE)[0].startswith("Hello! I'm Move Mates")
        before = len(stub.sent)
        await sms.text(MAGGIE, "", **PICTURE)
        [reply] = bodies(stub, MAGGIE, before)
        assert reply.startswith("Sorry, I can only read words")
