"""Running the real SMS channel: signed Twilio webhooks in, a Twilio REST stub out."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from twilio.request_validator import RequestValidator

from bot.app import Services, build
from bot.channels.sms import SmsChannel, SmsSender
from bot.channels.sms_provider import TwilioProvider
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.web import create_app
from support.engine import START
from support.twilio_stub import ACCOUNT_SID, AUTH_TOKEN, SERVICE_SID, TwilioStub

PUBLIC = "https://movemates.example.org"
OUR_NUMBER = "+447700900999"


@dataclass
class SmsHarness:
    services: Services
    client: httpx.AsyncClient
    stub: TwilioStub
    settings: Settings
    clock: FakeClock
    sids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def sign(self, url: str, params: dict[str, str]) -> str:
        return RequestValidator(AUTH_TOKEN).compute_signature(url, params)

    async def post(self, path: str, params: dict[str, str], *, signature: str | None = "auto",
                   headers: dict[str, str] | None = None, url: str | None = None,
                   ) -> httpx.Response:
        sent_headers = dict(headers or {})
        if signature == "auto":
            signature = self.sign(url or f"{PUBLIC}{path}", params)
        if signature is not None:
            sent_headers["X-Twilio-Signature"] = signature
        return await self.client.post(path, data=params, headers=sent_headers)

    async def text(self, sender: str, body: str, *, sid: str | None = None,
                   **extra: str) -> httpx.Response:
        params = {"MessageSid": sid or f"SM{next(self.sids):032x}", "AccountSid": ACCOUNT_SID,
                  "From": sender, "To": OUR_NUMBER, "Body": body, "NumMedia": "0", **extra}
        response = await self.post("/sms/inbound", params)
        await self.services.dispatcher.drain()
        return response

    def bodies_to(self, number: str) -> list[str]:
        return [m.body for m in self.stub.sent if m.to == number]


@asynccontextmanager
async def sms_service(settings: Settings, stub: TwilioStub, clock: FakeClock | None = None,
                      **overrides: Any) -> AsyncIterator[SmsHarness]:
    settings = settings.model_copy(update={
        "twilio_account_sid": ACCOUNT_SID, "twilio_auth_token": AUTH_TOKEN,
        "twilio_messaging_service_sid": SERVICE_SID, "twilio_api_base_url": stub.base_url,
        "public_base_url": PUBLIC, **overrides})
    clock = clock or FakeClock(START)
    services = build(settings, clock=clock, paced=False)
    provider = TwilioProvider(ACCOUNT_SID, AUTH_TOKEN, messaging_service_sid=SERVICE_SID,
                              from_number=None, api_base_url=stub.base_url)
    services.dispatcher.senders["sms"] = SmsSender(provider, settings)
    channel = SmsChannel(settings, services.engine, services.db, services.clock,
                         after_undelivered=services.dispatcher.after_undelivered)
    app = create_app(services.db, {"telegram": False, "sms": True}, routes=channel.routes())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as client:
        try:
            yield SmsHarness(services, client, stub, settings, clock)
        finally:
            await services.close()
