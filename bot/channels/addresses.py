"""Reading and normalising channel addresses: E.164 phone numbers, Telegram ids, names."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from bot.core.events import Address

CHANNELS = ("console", "sms", "telegram")
DEFAULT_REGION = "GB"

# Who an inbound text can be from. Only a phone number is a person we can answer:
# a short code (60777) or an alphanumeric sender (NHSApp, BOOTS) is a service,
# 'whatsapp:+44...' is another channel, not the SMS person with that number, and anything
# else that is no number a person texts from (nothing, "+", "0000000000", two numbers
# joined by a comma) is UNUSABLE: all are ignored and counted, never made into a person.
PHONE, SHORT_CODE, ALPHANUMERIC, OTHER_CHANNEL, UNUSABLE = "phone", "short_code", \
    "alphanumeric", "other_channel", "unusable"
# UK short codes have 5 digits (some services abroad use 3 to 8); never written with a +.
# A full number of a service range (freephone, premium rate...: `_service`) is one too.
# Longer digits without a '+' that make no valid number are a service's number too, and
# so are service codes (#123, *100#) and a short code written with a stray '+' ("+60777").
_SHORT_CODE = re.compile(r"[0-9]{3,8}")
_SERVICE_CODE = re.compile(r"[*#]+[0-9*#]*|[0-9]+[*#][0-9*#]*|\+[0-9]{1,8}")
_CHANNEL_PREFIX = re.compile(r"([a-z][a-z0-9-]{1,19}):")
# Marks that format a number without being part of it.
_FORMATTING = " -\u00a0\u2010\u2011\u2012\u2013\u2014\u2212().\u202a\u202c\u200e\u200f"


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
    ('whatsapp:+447700900123' -> (OTHER_CHANNEL, 'whatsapp')). PHONE only when
    `sender_number` reads a person's number from it."""
    value = raw.strip()
    prefix = _CHANNEL_PREFIX.match(value.lower())
    if prefix and prefix.group(1) not in ("sms", "tel"):
        return OTHER_CHANNEL, prefix.group(1)
    if prefix:
        value = value[prefix.end():].strip()  # "tel:60777" is the short code 60777
    compact = _compact(value)
    if _SHORT_CODE.fullmatch(compact) or (compact.isdigit() and not _international(compact)):
        # Digits without '+' or a leading 0 are a number only if they make one with the
        # '+' put back ('447700900123'); otherwise ('123456789') a service's number.
        return SHORT_CODE, None
    if any(c.isalpha() for c in value):
        # A sender name (Twilio's alphanumeric ids, in any script or spelling): not a
        # number we could ever text back.
        return ALPHANUMERIC, None
    if _SERVICE_CODE.fullmatch(compact) and not _person(compact):
        return SHORT_CODE, None
    try:
        number = sender_number(value)
    except AddressError:
        return UNUSABLE, None
    if _service(number):
        return SHORT_CODE, None
    return PHONE, None


def sender_number(raw: str) -> str:
    """The person's number in an inbound `From`, in E.164, or AddressError when it is none.

    Read as Twilio and phones write it: "+447700900123", a national "07700 900123", or
    digits with the '+' left off when they make an international number ("447700900123",
    "12025550143": the US number, not a British one). A number must be one a person could
    text from: possible for its country and inside its country's numbering plan
    ("0000000000" is not; new ranges and Ofcom's drama numbers are)."""
    value = raw.strip()
    prefix = _CHANNEL_PREFIX.match(value.lower())
    if prefix and prefix.group(1) in ("sms", "tel"):
        value = value[prefix.end():].strip()
    compact = _compact(value)
    if compact.isdigit() and not compact.startswith("0") and _international(compact):
        value = f"+{compact}"
    number = normalise_phone(value)
    if not _person(number):
        raise AddressError("not a number a person texts from")
    return number


def _compact(value: str) -> str:
    """Any script's digits as ASCII, formatting out: "٦٠٧٧٧", "60 777", "+44 (0)7700"."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in value
                   if c not in _FORMATTING)


def _person(number: str) -> bool:
    """Whether an E.164-ish number ('+' and digits) is possible and inside its country's
    numbering plan (its general pattern, broad enough for ranges opened after our copy of
    the metadata)."""
    try:
        parsed = phonenumbers.parse(number if number.startswith("+") else f"+{number}")
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_possible_number(parsed):
        return False
    national = phonenumbers.national_significant_number(parsed)
    for region in phonenumbers.region_codes_for_country_code(parsed.country_code):
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        pattern = metadata.general_desc.national_number_pattern if metadata else None
        if pattern and re.fullmatch(pattern, national):
            return True
    return False


# Numbers that belong to services, never to a person's phone: freephone (0800 1111, the
# same number as +448001111 and as the short code its 8 digits look like), premium rate,
# shared cost, non-geographic "UK-wide" (03) and voicemail numbers, by phonenumbers' type.
_SERVICE_TYPES = frozenset({
    phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST, phonenumbers.PhoneNumberType.UAN,
    phonenumbers.PhoneNumberType.VOICEMAIL})


def _service(number: str) -> bool:
    """Whether an E.164 number is a valid number of a service range (`_SERVICE_TYPES`).
    Only a valid one: a number phonenumbers does not know (Ofcom's drama ranges, ranges
    newer than our metadata) stays a person's, as `_person` allows."""
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) and \
        phonenumbers.number_type(parsed) in _SERVICE_TYPES


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
