"""Reading and normalising channel addresses: E.164 phone numbers, Telegram ids, names."""

from __future__ import annotations

import phonenumbers

from bot.engine.events import Address

CHANNELS = ("console", "sms", "telegram")
DEFAULT_REGION = "GB"


class AddressError(ValueError):
    pass


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """'07700 900123' -> '+447700900123'. Raises AddressError for anything unusable."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise AddressError("not a phone number") from error
    if not phonenumbers.is_possible_number(parsed):
        raise AddressError("not a possible phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def parse_address(text: str, default_channel: str) -> Address:
    """'sms:+447700900123', 'telegram:42', 'alice' (on the default channel)."""
    channel, sep, rest = text.partition(":")
    if not sep or channel not in CHANNELS:
        channel, rest = default_channel, text
    rest = rest.strip()
    if not rest:
        raise AddressError("empty address")
    if channel == "sms":
        return Address("sms", normalise_phone(rest))
    if channel == "telegram":
        if not rest.lstrip("-").isdigit():
            raise AddressError("a Telegram chat id is a number")
        return Address("telegram", str(int(rest)))
    if len(rest) > 64:
        raise AddressError("address too long")
    return Address(channel, rest)
