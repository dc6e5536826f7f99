"""Reading and normalising channel addresses: E.164 phone numbers, Telegram ids, names."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from bot.core.events import Address

CHANNELS = ("console", "sms", "telegram")
DEFAULT_REGION = "GB"

# Who an inbound text can be from. Only a phone number is a person we can answer:
# a short code (60777) or an alphanumeric sender (NHSApp, BOOTS) is a service, and
# 'whatsapp:+44...' is another channel, not the SMS person with that number.
PHONE, SHORT_CODE, ALPHANUMERIC, OTHER_CHANNEL = "phone", "short_code", "alphanumeric", \
    "other_channel"
# UK short codes have 5 digits (some services abroad use 3 to 8); never written with a +.
# Longer digits without a '+' that make no valid number are a service's number too.
_SHORT_CODE = re.compile(r"[0-9]{3,8}")
_CHANNEL_PREFIX = re.compile(r"([a-z][a-z0-9-]{1,19}):")


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


def sender_kind(raw: str) -> tuple[str, str | None]:
    """What kind of sender Twilio's `From` is, and the other channel's name if it names one
    ('whatsapp:+447700900123' -> (OTHER_CHANNEL, 'whatsapp')). Anything else is PHONE, to
    be read with `normalise_phone` (which may still refuse it)."""
    value = raw.strip()
    prefix = _CHANNEL_PREFIX.match(value.lower())
    if prefix and prefix.group(1) not in ("sms", "tel"):
        return OTHER_CHANNEL, prefix.group(1)
    if prefix:
        value = value[prefix.end():].strip()  # "tel:60777" is the short code 60777
    # Any script's digits as ASCII, spaces and dashes out: "٦٠٧٧٧", "60 777".
    compact = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in value
                      if c not in " -")
    if _SHORT_CODE.fullmatch(compact) or (compact.isdigit() and not _international(compact)):
        # Digits without '+' or a leading 0 are a number only if they make one with the
        # '+' put back ('447700900123'); otherwise ('123456789') a service's number.
        return SHORT_CODE, None
    if any(c.isalpha() for c in value):
        # A sender name (Twilio's alphanumeric ids, in any script or spelling): not a
        # number we could ever text back.
        return ALPHANUMERIC, None
    return PHONE, None


def _international(digits: str) -> bool:
    """'447700900123' -> True: a possible number once its '+' is back (possible, not
    valid: Ofcom's drama ranges and new ranges are real enough). A national number
    (a leading 0) is left to `normalise_phone`."""
    if digits.startswith("0"):
        return True
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(f"+{digits}"))
    except phonenumbers.NumberParseException:
        return False


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
