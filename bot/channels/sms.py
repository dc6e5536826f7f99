"""SMS through Twilio: signed webhooks in, numbered GSM-7 texts out.

Inbound `POST /sms/inbound` and delivery receipts `POST /sms/status` are checked with the
twilio library's RequestValidator against the public URL Twilio signed, before anything is
read or stored. Replies go through the outbox like every other message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import TypeGuard

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from bot.channels.addresses import OTHER_CHANNEL, PHONE, UNUSABLE, sender_kind, sender_number
from bot.channels.admission import Admission
from bot.channels.sms_provider import (
    OPTED_OUT_CODES,
    TRANSIENT_FAILURE_CODES,
    UNREACHABLE_CODES,
    SmsProvider,
)
from bot.channels.wordless import Wordless, WordlessReplies
from bot.config import Settings
from bot.core.clock import Clock
from bot.core.events import Address, Inbound
from bot.core.gsm7 import measure
from bot.core.render import render_sms
from bot.core.splitting import shows_anything
from bot.dispatch.outbox import (
    STOPPED_PART_WAY,
    Outcome,
    Outgoing,
    Part,
    Result,
    StillWanted,
    UndeliveredHook,
)
from bot.dispatch.receipts import RECEIPT_ORDER, FailureCodes, record_receipt
from bot.engine.handler import Handler
from bot.storage import repository as repo
from bot.storage.db import Database

log = logging.getLogger(__name__)

CHANNEL = "sms"
INBOUND_PATH = "/sms/inbound"
STATUS_PATH = "/sms/status"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SIGNATURE_HEADER = "X-Twilio-Signature"
# Impact event for a text from a sender that is not a person (detail: short_code,
# alphanumeric, unusable, or the other channel's name such as whatsapp).
IGNORED_SENDER = "ignored_sender"
# Twilio sends at most 10 media with one MMS; NumMedia is read leniently up to this.
MAX_MEDIA = 10
# Twilio's error codes for a text that failed, by what they mean for the number.
TWILIO_CODES = FailureCodes(platform="twilio", opted_out=OPTED_OUT_CODES,
                            unreachable=UNREACHABLE_CODES, transient=TRANSIENT_FAILURE_CODES)


def public_url(request: Request, settings: Settings) -> str:
    """The URL Twilio called, as Twilio saw it (behind a proxy it differs from ours)."""
    path_and_query = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/") + path_and_query
    if settings.trust_proxy:
        scheme = request.headers.get("x-forwarded-proto", request.url.scheme).split(",")[0]
        host = request.headers.get("x-forwarded-host", request.headers.get("host", ""))
        return f"{scheme.strip()}://{host.split(',')[0].strip()}{path_and_query}"
    return str(request.url)


class SmsSender:
    """Renders a message for SMS and sends each part; says honestly what happened."""

    channel = CHANNEL
    # Before each part after the first, the dispatcher is asked whether STOP came meanwhile.
    asks_between_parts = True

    def __init__(self, provider: SmsProvider, settings: Settings) -> None:
        self.provider = provider
        self.allow_unicode = settings.sms_allow_unicode
        base = settings.public_base_url
        self.status_callback = f"{base.rstrip('/')}{STATUS_PATH}" if base else None

    def cost(self, item: Outgoing) -> float:
        """Segments still to send: UK senders are limited in segments per second."""
        rendered = render_sms(item.message, allow_unicode=self.allow_unicode)
        return float(sum(measure(part).segments for part in rendered.parts[item.parts_sent:]))

    async def send(self, item: Outgoing, still_wanted: StillWanted | None = None) -> Outcome:
        rendered = render_sms(item.message, allow_unicode=self.allow_unicode)
        sent: list[Part] = []
        for number, text in enumerate(rendered.parts, 1):
            if number <= item.parts_sent:
                continue
            if sent and still_wanted is not None and not await still_wanted(item):
                # STOP came while an earlier part was on its way: nothing more goes.
                return Outcome(Result.SUPPRESSED, error=STOPPED_PART_WAY,
                               parts_sent=number - 1, parts=tuple(sent),
                               segments=sum(measure(part).segments
                                            for part in rendered.parts[:number - 1]))
            result = await self.provider.send(item.address, text, self.status_callback)
            if result.result is not Result.SENT or result.provider_ref is None:
                return Outcome(result.result, error=result.error, retry_after=result.retry_after,
                               parts_sent=number - 1, parts=tuple(sent),
                               segments=rendered.segments)
            sent.append(Part(number, result.provider_ref, measure(text).segments))
        return Outcome(Result.SENT, provider_ref=sent[-1].provider_ref if sent else None,
                       segments=rendered.segments, parts_sent=len(rendered.parts),
                       parts=tuple(sent))


class SmsChannel:
    def __init__(self, settings: Settings, engine: Handler, db: Database, clock: Clock, *,
                 after_undelivered: Sequence[UndeliveredHook] = ()) -> None:
        if not settings.twilio_auth_token:
            raise ValueError("TWILIO_AUTH_TOKEN is needed to check Twilio's signatures")
        self.settings = settings
        self.engine = engine
        self.db = db
        self.clock = clock
        self.validator = RequestValidator(settings.twilio_auth_token)
        # As the dispatcher's: a message that left us but never arrived is a message the
        # platform refused, only learnt later (peer support tells a relay's writer).
        self.after_undelivered = tuple(after_undelivered)
        # A picture (MMS) is answered as Telegram's are: see bot/channels/wordless.py.
        self.wordless = WordlessReplies(engine)
        # A burst of texts (replies to a broadcast) waits here, not in front of other
        # channels' messages; delivery receipts (thousands after a wave) have their own
        # door, so they hold back neither texts nor other channels (bot/channels/admission).
        self.admission = Admission()
        self.receipts = Admission()

    def routes(self) -> list[Route]:
        return [Route(INBOUND_PATH, self.inbound, methods=["POST"]),
                Route(STATUS_PATH, self.status, methods=["POST"])]

    async def _signed_form(self, request: Request) -> Mapping[str, str] | None:
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            return None
        try:
            form = await request.form()
        except Exception:
            return None
        params = {key: str(value) for key, value in form.items()}
        if not self.validator.validate(public_url(request, self.settings), params, signature):
            return None
        return params

    async def inbound(self, request: Request) -> Response:
        form = await self._signed_form(request)
        if form is None:
            return Response(status_code=403)
        sid = form.get("MessageSid") or form.get("SmsSid")
        if not _valid_sid(sid):
            # Not a message Twilio sent (it always names one): nothing to count it once by.
            return Response("missing or malformed MessageSid", status_code=400)
        async with self.admission.admitted():
            return await self._inbound(form, sid)

    async def _inbound(self, form: Mapping[str, str], sid: str) -> Response:
        kind, other_channel = sender_kind(form.get("From", ""))
        if kind != PHONE:
            # Not a person's phone (a service, another channel, no usable number at all):
            # answered with nothing (Twilio must not retry it), never made into a person.
            await self._ignore(sid, kind, other_channel)
            return Response(EMPTY_TWIML, media_type="application/xml")
        address = Address(CHANNEL, sender_number(form.get("From", "")))
        payload = {}
        if form.get("OptOutType"):
            # Twilio's opt-out handling already acted (and confirmed) for this keyword.
            payload["provider_opt_out"] = form["OptOutType"].upper()
        body = form.get("Body", "")
        media = _media_count(form.get("NumMedia"))
        if media and not payload and not shows_anything(body):
            # A picture (or any media) without words: a kind word, as on Telegram.
            routed = await self.wordless.route(address, Wordless("photo"), sid)
            if routed is not None:
                await self.engine.handle(address, routed, external_id=sid)
            return Response(EMPTY_TWIML, media_type="application/xml")
        event = Inbound.from_text(body)
        if payload:
            event = Inbound(event.kind, text=event.text, payload=payload)
        relayed = await self.wordless.last_relay(address) if media else 0
        await self.engine.handle(address, event, external_id=sid)
        if media:
            # Words with a picture: the words went on; if they reached a peer, the sender
            # is told the picture did not.
            await self.wordless.left_out(address, sid, relayed)
        return Response(EMPTY_TWIML, media_type="application/xml")

    async def _ignore(self, sid: str, kind: str, other_channel: str | None) -> None:
        """Count a text from a sender that is not a person (once, however often Twilio
        delivers it), for coordinators; no reply, no person. Logs say what kind, never who."""
        if kind == OTHER_CHANNEL:
            log.info("ignored a %s message that came in through the SMS webhook: there is no "
                     "%s channel yet, and it is not joined to anyone who texts from that "
                     "number", other_channel, other_channel)
        elif kind == UNUSABLE:
            log.info("ignored an SMS whose sender is no number a person texts from (empty, "
                     "malformed or outside any numbering plan): no reply, nobody created")
        else:
            log.info("ignored an SMS from a %s sender (a service, not a person's phone): no "
                     "reply, nobody created", kind.replace("_", " "))
        detail = other_channel if kind == OTHER_CHANNEL else kind
        now = self.clock.now()

        def record(connection: Connection) -> None:
            if repo.mark_seen(connection, CHANNEL, sid, now):
                repo.record_impact(connection, IGNORED_SENDER, now, detail=detail,
                                   channel=CHANNEL)

        await self.db.run(record)

    async def status(self, request: Request) -> Response:
        form = await self._signed_form(request)
        if form is None:
            return Response(status_code=403)
        sid = form.get("MessageSid") or form.get("SmsSid")
        status = (form.get("MessageStatus") or form.get("SmsStatus") or "").lower()
        code = form.get("ErrorCode") or ""
        if not _valid_sid(sid) or status not in RECEIPT_ORDER or \
                (code and not (code.isascii() and code.isdigit() and len(code) <= 6)):
            return Response(status_code=400)
        async with self.receipts.admitted():
            await self.record_receipt(sid, status, int(code) if code else None)
        return Response(status_code=204)

    async def record_receipt(self, sid: str, status: str, code: int | None) -> None:
        outcome = await record_receipt(
            self.db, self.clock.now(), CHANNEL, sid, status, code, codes=TWILIO_CODES,
            hooks=self.after_undelivered)
        if outcome.requeued is not None:
            log.info("outbox %s failed before leaving the provider; queued again",
                     outcome.requeued)
        if outcome.told and callable(self.engine.on_queued):
            self.engine.on_queued()  # the notice goes now, not at the next poll


# Twilio's message SIDs are two letters and 32 hex digits (twilio_api_v2010.json: "sid",
# ^(SM|MM)[0-9a-fA-F]{32}$). Read leniently (letters and digits, at most 64, the width of
# the columns they are kept in) so a test double's "SM1" still works; longer or odder ones
# are refused before they reach a bounded column.
_SID = re.compile(r"[A-Za-z0-9]{1,64}")


def _valid_sid(sid: str | None) -> TypeGuard[str]:
    return sid is not None and _SID.fullmatch(sid) is not None


def _media_count(raw: str | None) -> int:
    """Twilio's NumMedia (how many pictures or files came with the text); 0 if odd."""
    value = (raw or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 3):
        return 0
    return min(int(value), MAX_MEDIA)
