"""The one contact-detail detector, for peer relays and group posts: phone numbers, email
addresses, social handles, links, full UK postcodes and street addresses. A message with
any is held until both people agree to share (relays) or a helper looks (groups).

`contact_details(text)` returns the kinds found, in the order above. The text is first
mended the way people dodge filters (bot/peers/contact_mending.py):

- folded (NFKC: full-width digits and @), invisible characters and keycap marks dropped
  ("0️⃣7️⃣" is "07"), other scripts' digits read as digits and their look-alike letters as
  Latin (Unicode's confusables: Cyrillic "З" is 3), letters typed one by one joined
  ("L E 4 5 A B"), letter names read as letters for postcodes ("el ee four");
- digits written as words ("oh seven seven double oh", "six hundred and twelve", "thirty
  four", run together or typed into the digits: "07700ninehundred314"; in Punjabi, Hindi,
  Urdu or Polish inside a run of numbers: "sifar saat ...", "zero siedem ..."), and O, l, I
  (and in long runs S, B, Z, g) among digits, read as digits;
- any separator between digit groups ("07700/900_123", "0 7 7 0 0", "07700 • 900 • 123").

Phone numbers: a UK number by its shape (10 or 11 digits from 0, or after +44: the
fictional 07700 900xxx range counts, as a person dodging a filter types exactly that);
one from abroad by libphonenumber (`PhoneNumberMatcher`, leniency POSSIBLE after a + or
00, VALID without); a local number as 7 digits ("254 1234"). Dates, times, years, money,
step counts, bus numbers, lists of small numbers (lottery, readings) and clock times are
let through. A number told in pieces is put back together: halves with a few words
between, or any words after a UK number's start ("07912 ... the rest is 345678"), a count
between them left out ("the last six are"), told back to front or typed backwards. A
number split over two of one person's messages is caught by passing the earlier one as
`previous`. Links and emails are checked against the Public Suffix List as `tldextract`
bundles it (offline): "annsmith.me" is a link, "today.it" (a full stop without its space)
is not. Handles and emails people dictate rather than type ("all one word", "bev dot
knits", "discord: walkingwithbev", "the usual gmail bit") are read as such. Measured in
bench/contact_detection.py.

Told rather than typed, too: a number without its leading 0 and a word to add it ("put a
0 first"), or digit by digit with commas; a handle as the name the other person already
knows ("same as my name, in lower case"), on X ("x: runnerjo"), or a name after "I'm" or
"as"; a link as a shortener's name and a path ("bitly slash 3Fg7") or an ending letter by
letter ("c o m"); a postcode's halves apart or back to front ("ends 7QH, LE2"), or its
area sounded out ("Lee two"); a front door as what3words or a map position, or a house
number and a name with no street word ("at 14 Elm"). Round five: a number as prices or
counts with a leading 0 ("£07.91 £23.45 £678"), a home's number and directions from a
landmark ("flat 5 above the Greggs"), a provider misspelt ("hotmial"), an emoji for a
platform ("👻 jodawalks"), a postcode's halves apart or its area as a town ("Leicester 4,
5AB").

Not the writer's own, so let through (bot/peers/contact_public.py, with its lists in
content/public_contacts.yaml): organisations' sites ("nhs.uk/conditions", "bhf.org.uk"; a
person's address at one, "jo@nhs.net", is still an email), freephone and 03 numbers unless
claimed ("call me on 0800 ..."), public short numbers (111, 116 123), and references: a
number after "order", "ref", "tracking", "policy", ... or an NHS number (never a UK mobile's
or landline's shape), an ISBN; an organisation's landline or public @account, a public
place's street number ("the cafe at 15 Market Place"). The learned reader never sees these.
Each kind's finder is its own module: contact_phone, contact_web (links, emails),
contact_handle, contact_address (postcodes, addresses).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import timedelta
from enum import StrEnum

from bot.peers import contact_reader
from bot.peers.contact_address import has_address, has_postcode
from bot.peers.contact_handle import has_handle
from bot.peers.contact_mending import (
    LETTER_NAME,
    digitised,
    fold,
    joined_singles,
    letters_said,
)
from bot.peers.contact_phone import has_phone, without_public_numbers
from bot.peers.contact_public import (
    places_postcode,
    without_public_accounts,
    without_public_sites,
)
from bot.peers.contact_web import has_email, has_link


class ContactKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    USERNAME = "username"
    LINK = "link"
    POSTCODE = "postcode"
    ADDRESS = "address"


# A number split over one person's two messages is caught when they come this close.
SPLIT_WITHIN = timedelta(minutes=30)
# Telegram marks some of these itself (message entities).
ENTITY_KINDS = {"url": ContactKind.LINK, "text_link": ContactKind.LINK,
                "phone_number": ContactKind.PHONE, "email": ContactKind.EMAIL,
                "mention": ContactKind.USERNAME, "text_mention": ContactKind.USERNAME}


_COMMA_SINGLES = re.compile(r"(?<=\b\w)\s*,\s*(?=\w\b)")
_FINDERS = ((ContactKind.PHONE, has_phone), (ContactKind.EMAIL, has_email),
            (ContactKind.USERNAME, has_handle), (ContactKind.LINK, has_link),
            (ContactKind.POSTCODE, has_postcode), (ContactKind.ADDRESS, has_address))


def contact_details(text: str, entity_types: Iterable[str] = (), previous: str = "",
                    kinds: Sequence[ContactKind] = tuple(ContactKind),
                    use_reader: bool = True) -> list[ContactKind]:
    """The kinds of contact detail in `text` (empty when none), among `kinds`.

    `entity_types`: Telegram's message entity types ("url", "phone_number", ...).
    `previous`: the same person's messages just before in the same chat (the last two,
    oldest first), so a number split over them is caught (the earlier pieces alone were
    not a number, so they went through).
    `use_reader`: let the learned second reader (bot/peers/contact_reader.py) add a hold
    the rules missed when it is very sure (once it is trained, in the background).
    """
    folded = " ".join(fold(text).split())  # one space between words: no long gaps to scan
    joined = joined_singles(folded)
    mended = joined_singles(digitised(folded))
    # Numbers are read with words made digits; names, links and emails as typed (mending
    # would make the "o" of "c o . u k" a zero); addresses and postcodes both ways.
    sources = {ContactKind.PHONE: (mended,), ContactKind.POSTCODE: (joined, mended),
               ContactKind.ADDRESS: (joined, mended)}
    if LETTER_NAME.search(mended):
        sources[ContactKind.POSTCODE] += (joined_singles(letters_said(mended)),)
    # "el ee five, three, dee bee", "L, E, 4, 5, A, B": a character at a time, with commas.
    for said in sources[ContactKind.POSTCODE][1:]:
        if _COMMA_SINGLES.search(said):
            sources[ContactKind.POSTCODE] += (joined_singles(_COMMA_SINGLES.sub(" ", said)),)
    found = {ENTITY_KINDS[t] for t in entity_types if t in ENTITY_KINDS}
    entity_found = set(found)
    for kind, finder in _FINDERS:
        if kind in kinds and kind not in found and any(
                finder(s) for s in sources.get(kind, (folded, joined))):
            found.add(kind)
    if ContactKind.POSTCODE in found and ContactKind.ADDRESS not in found and \
            ContactKind.POSTCODE not in entity_found and places_postcode(folded):
        found.discard(ContactKind.POSTCODE)  # "the postcode for Watermead Park car park is"
    # The reader never sees what the rules passed on purpose as an organisation's or a
    # reference ("my NHS number is ...", "ISBN ...", "ring the surgery on ...", "@NHSuk").
    if not found and use_reader and (reader := contact_reader.shared()) is not None \
            and reader.holds(without_public_accounts(without_public_sites(
                without_public_numbers(folded)))):
        likely = _likely_kind(folded)  # the learned second reader is very sure
        if likely in kinds:
            found.add(likely)
    if ContactKind.PHONE not in found and previous and ContactKind.PHONE in kinds:
        earlier = joined_singles(digitised(" ".join(fold(previous).split())))
        if not has_phone(earlier) and has_phone(f"{earlier} {mended}"):
            found.add(ContactKind.PHONE)
    return [kind for kind in ContactKind if kind in found and kind in kinds]


_LIKELY = ((ContactKind.EMAIL, re.compile(r"@|\b(?:e-?mail|g\s?mail|hotmail|yahoo|outlook|"
                                          r"icloud|btinternet|aol)\b", re.I)),
           (ContactKind.PHONE, re.compile(r"(?:\d\D{0,3}){6}|\b(?:ring|call|text|phone|"
                                          r"number|mobile|landline|whatsapp)\b", re.I)),
           (ContactKind.POSTCODE, re.compile(r"\bpost\s?code\b", re.I)),
           (ContactKind.LINK, re.compile(r"\b(?:dot|com|www|http|site|website|blog|link)\b",
                                         re.I)),
           (ContactKind.ADDRESS, re.compile(r"\b(?:live|house|flat|road|street|address|door|"
                                            r"moved|number)\b", re.I)))


def _likely_kind(text: str) -> ContactKind:
    """What the second reader most likely found, to name it (it only says "a way to reach
    the writer"): by the message's words; a profile name when nothing else fits."""
    return next((kind for kind, cue in _LIKELY if cue.search(text)), ContactKind.USERNAME)
