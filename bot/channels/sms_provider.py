"""Sending SMS through a provider, behind a small interface so another provider (GOV.UK
Notify is common in UK public services) can be added without touching anything else."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client
from urllib3.exceptions import NameResolutionError, NewConnectionError

from bot.dispatch.outbox import Result

log = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 15.0

# Twilio error codes (https://www.twilio.com/docs/api/errors) and what they mean for us.
OPTED_OUT_CODES = {21610}  # the recipient replied STOP: Twilio will not deliver
# A number that can't take texts at all: invalid, unknown, a landline. Nothing goes to it
# until the person texts in again. Not 30003 ("unreachable destination handset": a phone
# switched off or out of signal for an afternoon): that text failed, the next may not.
UNREACHABLE_CODES = {21211, 21214, 21612, 21614, 30005, 30006}
# Codes after which a message that Twilio reports as *failed* (never sent to a carrier)
# may safely be sent again. 'undelivered' (it left Twilio) is never resent: it may arrive.
TRANSIENT_FAILURE_CODES = {30001, 30008, 30500}


@dataclass(frozen=True)
class SendResult:
    result: Result
    provider_ref: str | None = None
    error: str | None = None
    retry_after: float | None = None


class SmsProvider(Protocol):
    name: str

    async def send(self, to: str, body: str, status_callback: str | None) -> SendResult: ...


def classify(error: TwilioRestException) -> SendResult:
    code = error.code
    label = f"twilio_{code or error.status}"
    if code in OPTED_OUT_CODES:
        return SendResult(Result.OPTED_OUT, error=label)
    if code in UNREACHABLE_CODES:
        return SendResult(Result.UNREACHABLE, error=label)
    if error.status == 429 or code == 20429 or error.status >= 500:
        return SendResult(Result.RETRY, error=label)
    return SendResult(Result.FAILED, error=label)


def _never_sent(error: requests.RequestException) -> bool:
    """True when the request cannot have reached Twilio (no connection was made)."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError | NameResolutionError)


class TwilioProvider:
    """Twilio's REST API through the official library (`messages.create`)."""

    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, *, messaging_service_sid: str | None,
                 from_number: str | None, api_base_url: str | None = None) -> None:
        if not (messaging_service_sid or from_number):
            raise ValueError("set TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER")
        self.client = Client(account_sid, auth_token)
        self.client.http_client.timeout = REQUEST_TIMEOUT_SECONDS
        if api_base_url:
            self.client.api.base_url = api_base_url.rstrip("/")
        self.messaging_service_sid = messaging_service_sid
        self.from_number = from_number

    def _sender(self) -> dict[str, str]:
        if self.messaging_service_sid:
            return {"messaging_service_sid": self.messaging_service_sid}
        return {"from_": self.from_number or ""}

    async def send(self, to: str, body: str, status_callback: str | None) -> SendResult:
        started = datetime.now().astimezone()
        try:
            message = await asyncio.to_thread(
                self.client.messages.create, to=to, body=body,
                **({"status_callback": status_callback} if status_callback else {}),
                **self._sender())
        except TwilioRestException as error:
            return classify(error)
        except requests.RequestException as error:
            if _never_sent(error):
                return SendResult(Result.RETRY, error="twilio_connection")
            return await self._reconcile(to, body, started)
        return SendResult(Result.SENT, provider_ref=message.sid)

    async def _reconcile(self, to: str, body: str, since: datetime) -> SendResult:
        """The request timed out after it may have reached Twilio. Twilio's API has no
        idempotency key, so look for the message before deciding to send it again."""
        try:
            recent = await asyncio.to_thread(
                self.client.messages.list, to=to,
                date_sent_after=since - timedelta(minutes=1), limit=20)
        except (TwilioRestException, requests.RequestException):
            return SendResult(Result.UNKNOWN, error="twilio_timeout_unverified")
        for message in recent:
            if message.body == body:
                return SendResult(Result.SENT, provider_ref=message.sid)
        return SendResult(Result.RETRY, error="twilio_timeout")
