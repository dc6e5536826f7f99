"""Contact details that are not the writer's own, for the contact-detail detector
(bot/peers/contact.py): organisations' sites, freephone and non-geographic numbers, public
short numbers, and references (order, parcel, booking, NHS numbers). The lists are data, in
content/public_contacts.yaml (with where they come from); the rules that read them are here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.core.content import CONTENT_ROOT, load_yaml

PUBLIC_CONTACTS = CONTENT_ROOT / "public_contacts.yaml"


@dataclass(frozen=True)
class PublicContacts:
    sites: re.Pattern[str]
    number_prefixes: tuple[str, ...]
    short_numbers: frozenset[str]
    reference: re.Pattern[str]


@cache
def public_contacts() -> PublicContacts:
    data = load_yaml(PUBLIC_CONTACTS) or {}
    sites = sorted((str(s).lower() for s in data.get("sites") or ()), key=len, reverse=True)
    # A site typed or spelled with spaces around its dots, with any subdomain and any page
    # ("www.nhs.uk/conditions/copd", "leicester.gov.uk", "bhf dot org dot uk"); never the
    # part after an @ (that is a person's email address: "jo@nhs.net", "ann@sky.com").
    spelled = "|".join(r"\s*(?:\.|\bdot\b)\s*".join(map(re.escape, s.split("."))) for s in sites)
    site = re.compile(
        rf"(?<![\w@.\-])(?:https?://)?(?:www\s*\.\s*)?(?:[a-z0-9-]+\s*\.\s*)*?(?:{spelled})"
        r"(?![\w-]|\.[a-z])(?:/\S*)?", re.I)
    words = sorted((str(w) for w in data.get("reference_words") or ()), key=len, reverse=True)
    # "order 203-4471829", "booking ref: 88231", "parcel tracking JD000 224", "NHS no. 485":
    # the word, then at most a few small words, a code's letters or a sign, then the number.
    named = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    reference = re.compile(
        rf"\b(?:{named})(?:'s)?\b"
        r"(?:\s*(?:number|no\.?|num|nr|id|code|ref|reference|details?|is|was|says|for|"
        r"of|on|my|the|it's|its|[:#=\-])){0,4}\s*[:#=\-]?\s*(?:[a-z]{1,4}[\s\-]?)?$", re.I)
    return PublicContacts(
        sites=site, number_prefixes=tuple(str(p) for p in data.get("number_prefixes") or ()),
        short_numbers=frozenset(str(n) for n in data.get("short_numbers") or ()),
        reference=reference)


# Words before "at" that make it "where to look", not an email's @: "have a look at nhs.uk",
# "it's all at bhf.org.uk"; after any other word ("kev dot doyle at sky dot com") the site
# may be the end of a person's email address, so it is left for the email finder.
LOOK_AT = frozenset({
    "look", "looks", "looking", "looked", "glance", "peek", "it", "it's", "its", "all", "that",
    "this", "them", "there", "everything", "info", "information", "details", "advice",
    "online", "more", "stuff", "page", "pages", "site", "website", "leaflet", "leaflets",
    "booklet", "is", "are", "was", "were", "bill", "help", "forms", "form", "apply",
    "available", "free", "listed", "up", "out", "in", "go"})


def without_public_sites(text: str) -> str:
    """`text` with organisations' sites blanked out, unless one stands where an email's
    domain would (after "@", or after "at" and a name: "kev dot doyle at sky dot com")."""
    def blank(match: re.Match[str]) -> str:
        before = re.search(r"(\S+)\s*(?:\bat\b|\(at\)|\[at\])\s*$",
                           text[max(0, match.start() - 40):match.start()], re.I)
        if before and before.group(1).lower().strip(",.;:!?'\"") not in LOOK_AT:
            return match.group(0)
        return " " * len(match.group(0))
    return public_contacts().sites.sub(blank, text)


# The writer claims the number as their own, just before it ("call me on", "my work line
# is"): then even a freephone-looking one is held.
_CLAIMED = re.compile(r"(?:\b(?:me|us)\s+(?:on|at)|\b(?:ring|call|text|phone|bell|reach|"
                      r"contact|whatsapp|message)\s+me|\bmy\s+(?:own\s+|new\s+|work\s+|"
                      r"personal\s+|home\s+)?(?:number|no|mobile|mob|phone|landline|line|digits|"
                      r"cell)(?:\s+is|'s)?)\W{0,3}$", re.I)
# A UK mobile or landline by its shape: never excused as a reference.
_PERSONAL_SHAPE = re.compile(r"^(?:0[127]\d{8,9}|(?:00)?44[127]\d{8,9})$")
_NHS_NUMBER = re.compile(r"\bnhs\s*(?:number|no\b|num\b|#)|\bnhs\s+no\.", re.I)


def claimed_freephone(text: str, start: int, digits: str) -> bool:
    """A freephone number the writer calls their own ("call me on 0800 11 22 333, my work
    line"): no person's number looks like one, so it counts only when claimed."""
    return bool(re.match(r"^08\d{8,9}$", digits)) and bool(
        _CLAIMED.search(text[max(0, start - 40):start]))


# The writer (or their household) in the message: then nothing in it is excused as an
# organisation's ("ring me on", "our landline", "if u need me email hello@...", "ask for Raj").
_PERSONAL = re.compile(r"\b(?:me|my|mine|myself|i|i'm|im|i've|i'll|us|our|ours|we|we're|"
                       r"home|house|hse|flat|landline|mobile|mob|ask\s+for|text)\b", re.I)
# Words that make a landline an organisation's: "ring Leicester City Council on 0116 ...",
# "the booking line is", "the rehab team said ring the department on", "book a taxi with".
_ORGANISATION = re.compile(
    r"\b(?:council|centre|center|department|dept|surgery|practice|pharmacy|chemist|clinic|"
    r"hospital|hospice|ward|library|libraries|office|reception|front\s+desk|helpline|"
    r"(?:booking|bookings|help|advice|information|info|appointments?|enquiry|enquiries|"
    r"support|phone|contact)\s+line|have\s+a\s+line|service|services|team|taxis?|cabs?|"
    r"shop|charity|trust|foundation|society|association|church|school|college|museum|"
    r"theatre|club|group's|branch|company|firm|healthwatch)\b", re.I)
_LANDLINE = re.compile(r"^(?:0|(?:00)?44)[12]\d{8,9}$")


def organisations_landline(text: str, digits: str) -> bool:
    """A geographic landline the message gives as an organisation's ("ring Leicester City
    Council on 0116 454 1000", "the hospice shop ... call 0116 496 0320"), where nothing in
    it is the writer's own: never a mobile, never beside "me", "our", "home", "ask for"."""
    return bool(_LANDLINE.match(digits.removeprefix("+"))) and \
        _ORGANISATION.search(text) is not None and _PERSONAL.search(text) is None


# An organisation's mailbox, not a person's: a role before the @ ("info@", "hello@",
# "braunstone.reception@"), or one plain word at a listed site or a public body's domain
# ("jo@samaritans.org", "libraries@leicester.gov.uk"); never "maureen.oakes@leics.gov.uk",
# and never where the writer is in the message ("email hello@jennysbakes.co.uk, my business").
_ROLES = frozenset({
    "info", "information", "hello", "hi", "enquiries", "enquiry", "contact", "contactus",
    "admin", "office", "bookings", "booking", "reception", "team", "support", "help",
    "helpdesk", "letters", "news", "newsdesk", "events", "membership", "members",
    "volunteers", "volunteer", "volunteering", "feedback", "general", "secretary", "sales",
    "orders", "noreply", "appointments", "referrals", "press", "media", "customerservices",
    "customer", "service", "services", "library", "libraries", "clinic",
    "pharmacy", "patientexperience", "pals", "accounts", "complaints", "editor"})
# Listed sites that also give people their own mailboxes ("grandadmick@sky.com").
_MAILBOX_SITES = frozenset({"sky", "bt", "btinternet", "virginmedia", "talktalk", "ntlworld"})
_PUBLIC_SECTOR = (".gov.uk", ".nhs.uk", ".ac.uk", ".police.uk", ".sch.uk", ".gov")


def organisations_email(text: str, name: str, domain: str) -> bool:
    """Whether `name`@`domain` in `text` is an organisation's mailbox (see above)."""
    if _PERSONAL.search(text):
        return False
    name, domain = name.lower(), domain.lower().rstrip(".")
    if set(re.split(r"[._\-]", name)) & _ROLES:
        return True
    listed = public_contacts().sites.fullmatch(domain) is not None and \
        domain.split(".")[0] not in _MAILBOX_SITES
    return name.isalpha() and (listed or domain.endswith(_PUBLIC_SECTOR))


def public_number(text: str, start: int, digits: str, groups: list[str]) -> bool:
    """A run of digits at `start` that is an organisation's number or a reference rather
    than anyone's phone: a freephone or 03 number (unless the writer calls it theirs), a
    public short number, a landline given as an organisation's, a number after "order",
    "ref", "tracking"..., or an NHS number (10 digits, 3 3 4, where the message says it is
    one)."""
    found = public_contacts()
    bare = digits.removeprefix("+")
    if bare in found.short_numbers or organisations_landline(text, "".join(groups) or bare):
        return True
    if bare.startswith(found.number_prefixes) and 10 <= len(bare) <= 11 \
            and not _CLAIMED.search(text[max(0, start - 40):start]):
        return True
    if _NHS_NUMBER.search(text) and len(bare) == 10 and not bare.startswith("0") and (
            [len(g) for g in groups] in ([3, 3, 4], [10])):
        return True
    joined = "".join(groups) or bare
    if _PERSONAL_SHAPE.match(joined) or (  # a mobile without its 0: "7912 345678"
            re.match(r"^7\d{9}$", joined) and len(groups[0] if groups else joined) in (4, 10)):
        return False
    return found.reference.search(text[max(0, start - 60):start]) is not None


# A public place's postcode, for a sat nav: "the postcode for Watermead Park car park is
# LE7 4PF", "the leisure centre's postcode"; never with the writer in the message.
_PLACES = (r"(?:car\s+park|park|centre|center|hospital|station|surgery|clinic|church|hall|"
           r"library|stadium|school|museum|venue|pool|cafe|café|pub|shop|store|club|ground|"
           r"reservoir|garden|gardens|office|market)")
_PLACE_POSTCODE = re.compile(
    rf"\bpost\s?code\s+(?:for|of)\s+(?:the\s+)?[^.!?]{{0,40}}?\b{_PLACES}\b|"
    rf"\b{_PLACES}(?:'s)?\s+(?:sat\s?nav\s+)?post\s?code\b", re.I)


def places_postcode(text: str) -> bool:
    """Whether the postcodes in `text` are given as a public place's (see above)."""
    return _PLACE_POSTCODE.search(text) is not None and _PERSONAL.search(text) is None
