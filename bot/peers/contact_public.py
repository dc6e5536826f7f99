"""Contact details that are not the writer's own, for the contact-detail detector
(bot/peers/contact.py): organisations' sites, freephone and non-geographic numbers, public
short numbers, references (order, parcel, booking, NHS numbers), public places' street
numbers and public venues' postcodes. The lists are data, in content/public_contacts.yaml
(with where they come from); the rules that read them are here.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.core.content import CONTENT_ROOT, load_yaml

PUBLIC_CONTACTS = CONTENT_ROOT / "public_contacts.yaml"


@dataclass(frozen=True)
class PublicContacts:
    sites: re.Pattern[str]
    number_prefixes: tuple[str, ...]
    short_numbers: frozenset[str]
    reference: re.Pattern[str]
    organisations: str  # a pattern: the organisations' names, as people write them
    accounts: frozenset[str]  # public @ names, lower case
    addresses: re.Pattern[str] | None  # public buildings' street addresses
    # Listed sites where people have their own pages: site -> the starts of their paths
    # (glob patterns, a part at a time); and the pages there that are public all the same.
    personal_pages: dict[str, tuple[str, ...]]
    public_pages: dict[str, tuple[str, ...]]
    home_listings: tuple[str, ...]  # listed sites whose pages are homes for sale or to let
    site_names: frozenset[str]  # the listed sites, lower case ("nhs.uk")
    venues: tuple[str, ...] = ()  # public venues named without a venue's word ("LRI", "Curve")
    # The organisations' names run together in small letters, four letters or more ("ageuk",
    # "loros"): a site or an account named for one is theirs (round twelve).
    organisation_names: frozenset[str] = frozenset()


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
    # Names as written, capitals and all ("Mind", "GP"; "mind" and "my boots" are words).
    names = sorted((str(n) for n in data.get("organisations") or ()), key=len, reverse=True)
    return PublicContacts(
        sites=site, number_prefixes=tuple(str(p) for p in data.get("number_prefixes") or ()),
        short_numbers=frozenset(str(n) for n in data.get("short_numbers") or ()),
        reference=reference,
        organisations="|".join(r"\s+".join(map(re.escape, n.split())) for n in names),
        accounts=frozenset(str(a).lower() for a in data.get("accounts") or ()),
        addresses=re.compile("|".join(r"\s+".join(map(re.escape, str(a).split()))
                                      for a in data.get("public_addresses") or ()), re.I)
        if data.get("public_addresses") else None,
        personal_pages={str(site).lower(): tuple(str(p).lower().strip("/") for p in paths)
                        for site, paths in (data.get("personal_pages") or {}).items()},
        public_pages={str(site).lower(): tuple(str(p).lower().strip("/") for p in paths)
                      for site, paths in (data.get("public_pages") or {}).items()},
        home_listings=tuple(str(s).lower() for s in data.get("home_listings") or ()),
        site_names=frozenset(sites),
        venues=tuple(str(v) for v in data.get("venues") or ()),
        organisation_names=frozenset(
            joined for n in names if len(joined := re.sub(r"[^a-z0-9]", "", n.lower())) >= 4))


# Words before "at" that make it "where to look", not an email's @: "have a look at nhs.uk",
# "it's all at bhf.org.uk"; after any other word ("kev dot doyle at sky dot com") the site
# may be the end of a person's email address, so it is left for the email finder.
LOOK_AT = frozenset({
    "look", "looks", "looking", "looked", "glance", "peek", "it", "it's", "its", "all", "that",
    "this", "them", "there", "everything", "info", "information", "details", "advice",
    "online", "more", "stuff", "page", "pages", "site", "website", "leaflet", "leaflets",
    "booklet", "is", "are", "was", "were", "bill", "help", "forms", "form", "apply",
    "available", "free", "listed", "up", "out", "in", "go"})


@lru_cache(maxsize=1024)  # each finder reads the same text: blanked once
def without_public_sites(text: str, pages: bool = True) -> str:
    """`text` with organisations' sites blanked out, unless one stands where an email's
    domain would (after "@", or after "at" and a name: "kev dot doyle at sky dot com"), or
    the page is a person's own ("ebay.co.uk/usr/grannysbits": see `personal_page`) and
    `pages` (the phone finder blanks those too: a profile's number is no phone number)."""
    def blank(match: re.Match[str]) -> str:
        before = re.search(r"(\S+)\s*(?:\bat\b|\(at\)|\[at\]|@)\s*$",
                           text[max(0, match.start() - 40):match.start()], re.I)
        if before and before.group(1).lower().strip(",.;:!?'\"") not in LOOK_AT:
            return match.group(0)
        if pages and personal_page(match.group(0)):
            return match.group(0)
        return " "  # one space: no long gaps to scan
    return public_contacts().sites.sub(blank, text)


def _site_and_path(link: str) -> tuple[str, str] | None:
    """The listed site a link is on and the path after it ("m.ebay.co.uk/usr/ann" is
    ("ebay.co.uk", "usr/ann")), or None when it is on none."""
    bare = re.sub(r"^(?:https?://)?(?:www\s*\.\s*)?", "", link.strip(), flags=re.I)
    host, _slash, path = bare.partition("/")
    host = re.sub(r"\s*(?:\.|\bdot\b)\s*", ".", host.lower()).strip(".")
    listed = public_contacts().site_names
    for start in [0, *(i + 1 for i, c in enumerate(host) if c == ".")]:
        if host[start:] in listed:
            return host[start:], path
    return None


def personal_page(link: str) -> bool:
    """Whether a link on a listed site is a person's own page: under a path
    content/public_contacts.yaml lists for the site ("ebay.co.uk/usr/...", "parkrun.org.uk/
    parkrunner/..."), or any path starting "@" or "~" ("youtube.com/@bevknits")."""
    found = _site_and_path(link)
    if found is None or not found[1].strip("/"):
        return False
    site, path = found[0], found[1].lower()
    if path[:1] in "@~":
        return True
    listed = public_contacts()
    return any(_under(path, p) for p in listed.personal_pages.get(site, ())) and not any(
        _under(path, p) for p in listed.public_pages.get(site, ()))


def _under(path: str, pattern: str) -> bool:
    """Whether `path` starts with `pattern`, a part at a time ("usr" holds "usr/ann",
    "*/events" holds "walkers/events/299812345"; a part ends at "/", "?" or "#")."""
    parts = re.split(r"[/?#]", path)
    wanted = pattern.split("/")
    return len(parts) >= len(wanted) and all(
        fnmatch.fnmatchcase(part, want) for part, want in zip(parts, wanted, strict=False))


def home_listing(text: str) -> bool:
    """Whether `text` holds a page of a listed property site (content/public_contacts.yaml
    `home_listings`: "rightmove.co.uk/properties/14523678"): a home for sale or to let."""
    for match in public_contacts().sites.finditer(text):
        found = _site_and_path(match.group(0))
        if found is not None and found[1] and found[0] in public_contacts().home_listings:
            return True
    return False


# The writer claims the number as their own, just before it ("call me on", "my work line
# is"): then even a freephone-looking one is held.
# Round seven: "my telephone is", "our home number's", and the town of a local number named
# instead of its code ("my telephone is Leicester 2391 774").
_CLAIMED = re.compile(r"(?:\b(?:me|us)\s+(?:on|at)|\b(?:ring|call|text|phone|bell|reach|"
                      r"contact|whatsapp|message)\s+me|\b(?:my|our)\s+(?:own\s+|new\s+|work\s+|"
                      r"personal\s+|home\s+|house\s+)?(?:number|no|mobile|mob|phone|telephone|"
                      r"tel|landline|line|digits|cell)(?:\s+(?:number|no))?(?:\s+is|'s)?)\W{0,3}"
                      r"(?:(?-i:[A-Z][a-z]+)(?:\s+(?-i:[A-Z][a-z]+))?\W{1,3})?$", re.I)
# A UK mobile or landline by its shape: never excused as a reference.
_PERSONAL_SHAPE = re.compile(r"^(?:0[127]\d{8,9}|(?:00)?44[127]\d{8,9}|08[35-9]\d{7})$")
# An Irish mobile as typed in Ireland (083, 085, 086, 087, 089 and seven digits: ten in
# all). No UK 084 or 087 service number has ten digits (Ofcom: all have eleven), so one
# of ten is never excused as a service number.
IRISH_MOBILE = re.compile(r"^08[35-9]\d{7}$")
_NHS_NUMBER = re.compile(r"\bnhs\s*(?:number|no\b|num\b|#)|\bnhs\s+no\.", re.I)


def claims(text: str, start: int) -> bool:
    """Whether the writer claims the number at `start` as their own, just before it."""
    return _CLAIMED.search(text[max(0, start - 40):start]) is not None


# A book's number: after "ISBN", with its check digit right (ISBN-10 may end in X).
_ISBN = re.compile(r"\bisbn(?:-?1[03])?\b", re.I)


def _isbn(digits: str, typed: str) -> bool:
    if len(digits) == 9 and re.match(r"[\d\s\-]*[xX]", typed):
        digits += "X"
    if len(digits) == 10:
        values = [10 if c in "xX" else int(c) for c in digits]
        return sum(v * (10 - i) for i, v in enumerate(values)) % 11 == 0
    return len(digits) == 13 and digits.isdigit() and sum(
        int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits)) % 10 == 0


def claimed_freephone(text: str, start: int, digits: str) -> bool:
    """A freephone number the writer calls their own ("call me on 0800 11 22 333, my work
    line"): no person's number looks like one, so it counts only when claimed."""
    return bool(re.match(r"^08\d{8,9}$", digits)) and bool(
        _CLAIMED.search(text[max(0, start - 40):start]))


# "ask for Raj" names a person to reach; "ask for adult social care" a department (round
# ten), which keeps an organisation's line its own.
_ASK_FOR = (r"ask\s+for(?!\s+(?:the\s+)?(?:[a-z]+\s+){0,2}(?:care|services?|team|department|"
            r"dept|desk|line|unit|ward|clinic|office|reception|bookings?|appointments?|"
            r"enquiries|housing|benefits|repairs|support|advice)\b)")
# The writer (or their household) in the message: then nothing in it is excused as an
# organisation's ("ring me on", "our landline", "if u need me email hello@...", "ask for Raj").
_PERSONAL = re.compile(r"\b(?:me|my|mine|myself|i|i'm|im|i've|i'll|us|our|ours|we|we're|"
                       rf"home|house|hse|flat|landline|mobile|mob|{_ASK_FOR}|text)\b", re.I)
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


def organisations_landline(text: str, digits: str, start: int | None = None) -> bool:
    """A geographic landline the message gives as an organisation's ("ring Leicester City
    Council on 0116 454 1000", "the hospice shop ... call 0116 496 0320"), where nothing in
    it is the writer's own: never a mobile, never beside "me", "our", "home", "ask for".
    Or one the organisation is named just before, as whose it is ("I rang the surgery on
    0116 ...", "my GP surgery's number is", "Age UK Leicestershire are on"), with the writer
    in the message but no line of their own ("ring me at the surgery on", "my direct line")."""
    if not _LANDLINE.match(digits.removeprefix("+")):
        return False
    if _ORGANISATION.search(text) is not None and _PERSONAL.search(text) is None:
        return True
    return start is not None and _OWN_LINE.search(text) is None and \
        _theirs(public_contacts().organisations).search(text[max(0, start - 60):start]) is not None


# The writer's own line, or a way to reach them, anywhere in the message: then no landline
# in it is excused as an organisation's named before it.
_OWN_LINE = re.compile(
    r"\b(?:call|ring|text|phone|bell|reach|contact|whatsapp|message|buzz|try|get)\s+(?:me|us)\b|"
    rf"\b(?:me|us)\s+(?:on|at)\b|\b{_ASK_FOR}|\bextension\b|\bext\.?\s*\d|"
    r"\bmy\s+(?:direct|own|work|personal|desk|home|number|no|mobile|mob|phone|line|landline|"
    r"extension)\b|\bour\s+(?:number|no|landline|phone|line|house|home)\b|\bhome\b|"
    r"\bi\s+work\b|\bi'?m\s+on\b|\bi\s+am\s+on\b|\bthrough\s+to\s+me\b|\bput\s+you\b|"
    r"\b(?:i'?m|i\s+am)\s+(?:the|a|their)\s+(?:receptionist|manager|nurse|pharmacist|"
    r"secretary|admin|volunteer|caretaker|owner|boss)\b", re.I)


@cache
def _theirs(names: str) -> re.Pattern[str]:
    """An organisation (a word such as "surgery", or a listed name), then as whose the
    number is: "the surgery on", "the GP surgery's phone number is", "Age UK Leicestershire
    are on", "Braunstone leisure centre:"; nothing else between it and the number."""
    return re.compile(
        rf"(?:{_ORGANISATION.pattern}|\b(?-i:{names})(?![\w'-]))(?:'s|s')?"
        r"(?:\s+(?-i:[A-Z][\w'-]+)){0,2}"
        r"(?:\s+(?:main|phone|booking|bookings|direct|reception|general|enquiries|"
        r"appointments?)?\s*(?:number|no\.?|line|phone|switchboard|landline))?"
        r"(?:\s+(?:is|are|was))?(?:\s+on\b|\s*[:=,\-–—])?\s*$", re.I)


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
    "pharmacy", "patientexperience", "pals", "accounts", "complaints", "editor",
    # Round seven: "Diabetes UK's helpline@diabetes.org.uk answered me".
    "helpline", "helplines", "adviceline", "advice", "infoline", "careline", "supportline",
    "askus", "nurses", "carers", "careteam"})
# The writer giving a mailbox as theirs: "my email is", "email me at", "I'm on".
_MY_MAILBOX = re.compile(r"\b(?:my|our)\s+(?:\w+\s+)?(?:e-?mail|address|inbox)\b|"
                         r"\b(?:e-?mail|contact|write\s+to|message|reach)\s+(?:me|us)\b|"
                         r"\b(?:me|us)\s+(?:at|on)\b|\b(?:i'?m|i\s+am|we'?re)\s+on\b|"
                         r"\bi\s+(?:run|own|work)\b", re.I)
# Listed sites that also give people their own mailboxes ("grandadmick@sky.com").
_MAILBOX_SITES = frozenset({"sky", "bt", "btinternet", "virginmedia", "talktalk", "ntlworld"})
_PUBLIC_SECTOR = (".gov.uk", ".nhs.uk", ".ac.uk", ".police.uk", ".sch.uk", ".gov")


def organisations_email(text: str, name: str, domain: str) -> bool:
    """Whether `name`@`domain` in `text` is an organisation's mailbox (see above)."""
    name, domain = name.lower(), domain.lower().rstrip(".")
    listed = public_contacts().sites.fullmatch(domain) is not None and \
        domain.split(".")[0] not in _MAILBOX_SITES
    roles = set(re.split(r"[._\-]", name)) & _ROLES
    # A role at a listed site or a public body's domain is the organisation's even with the
    # writer in the message ("helpline@diabetes.org.uk answered me"), unless they give it as
    # theirs ("email me at ...").
    if roles and name.isalpha() and (listed or domain.endswith(_PUBLIC_SECTOR)) and \
            not _MY_MAILBOX.search(text):
        return True
    if _PERSONAL.search(text):
        return False
    if roles:
        return True
    return name.isalpha() and (listed or domain.endswith(_PUBLIC_SECTOR))


# A public account: listed (content/public_contacts.yaml), or, where the message has nobody's
# own details in it, one whose name is a public body's ("@wigstonlibrary",
# "@LeicsCityCouncil") or one given as an organisation's ("the club's insta is @...").
_AT_NAME = re.compile(r"(?<![\w.])@([a-z][\w.]{1,31})", re.I)
_PUBLIC_BODY = re.compile(r"council|nhs|surgery|librar|hospital|hospice|pharmacy|charity|"
                          r"leisure|police|gov|museum|clinic", re.I)
_ACCOUNT_THEIRS = re.compile(
    rf"{_ORGANISATION.pattern}(?:'s|s')?(?:\s+(?:twitter|insta|instagram|facebook|fb|page|"
    r"account|x|tiktok|handle|feed|socials))?(?:\s+(?:is|are|was))?(?:\s+on\b|\s*[:=\-–—])?"
    r"\s*$", re.I)


# Round twelve: what may follow an organisation's name in its own site's or account's name
# ("ageukleics.org.uk", "@ArrivaMidlands", "@LOROSHospice"): a place it serves or a word
# for what it is; anything else ("mindfulmary") is someone's own name.
_ORGANISATION_SUFFIXES = frozenset({
    "", "uk", "gb", "england", "leics", "leic", "leicester", "leicestershire", "llr",
    "rutland", "midlands", "eastmidlands", "em", "hospice", "charity", "official", "news",
    "bus", "buses", "shop", "shops", "help", "helpline", "online", "info", "org", "group",
    "trust", "cymru", "scotland", "hq", "local", "blind", "deaf", "sightloss", "care",
    "carers", "support"})


def named_for_organisation(name: str) -> bool:
    """Whether a site's first label or an account's name (`name`) is a listed organisation's
    name run together, with at most a place or a word for it after ("ageukleics",
    "arrivamidlands", "loros"): its own, not a person's."""
    plain = re.sub(r"[^a-z0-9]", "", name.lower())
    return any(plain.startswith(org) and plain[len(org):] in _ORGANISATION_SUFFIXES
               for org in public_contacts().organisation_names)


# Round fifteen: a group's own account, named for it, where the message says it is a
# group's ("the walking group has an instagram, @LeicsWalkingGroup") and nobody's own
# details are in it.
_GROUP_ACCOUNT = re.compile(r"(?:group|club|walkers|ramblers|runners|society|choir)s?$", re.I)
_GROUP_SAID = re.compile(r"\b(?:group|club|society|choir)(?:'s)?\b", re.I)


def without_public_accounts(text: str) -> str:
    """`text` with organisations' public @ names blanked out (see above)."""
    listed, personal = public_contacts().accounts, _PERSONAL.search(text) is not None

    def blank(match: re.Match[str]) -> str:
        name = match.group(1).lower().rstrip(".")
        public = name in listed or (not personal and (named_for_organisation(name) or
            _PUBLIC_BODY.search(name) is not None or (_GROUP_ACCOUNT.search(name) is not None
            and _GROUP_SAID.search(text) is not None) or _ACCOUNT_THEIRS.search(
                text[max(0, match.start() - 50):match.start()]) is not None))
        return " " if public else match.group(0)  # one space: no long gaps to scan
    return _AT_NAME.sub(blank, text)


def public_number(text: str, start: int, digits: str, groups: list[str]) -> bool:
    """A run of digits at `start` that is an organisation's number or a reference rather
    than anyone's phone: a freephone or 03 number (unless the writer calls it theirs), a
    public short number, a landline given as an organisation's, a number after "order",
    "ref", "tracking"..., or an NHS number (10 digits, 3 3 4, where the message says it is
    one)."""
    found = public_contacts()
    bare = digits.removeprefix("+")
    if bare in found.short_numbers or organisations_landline(text, "".join(groups) or bare,
                                                             start):
        return True
    if bare.startswith(found.number_prefixes) and 10 <= len(bare) <= 11 \
            and not IRISH_MOBILE.match(bare) \
            and not _CLAIMED.search(text[max(0, start - 40):start]):
        return True
    claimed = claims(text, start)
    if _NHS_NUMBER.search(text) and len(bare) == 10 and not bare.startswith("0") and (
            [len(g) for g in groups] in ([3, 3, 4], [10])) and not claimed:
        return True  # "my NHS number is 943 476 5919"; not "text me on 943 476 5919"
    joined = "".join(groups) or bare
    if _ISBN.search(text[max(0, start - 40):start]) and _isbn(joined, text[start:start + 20]):
        return True  # a book's number checks out: "ISBN 0-7475-3269-9", "978-0-14-..."
    if _PERSONAL_SHAPE.match(joined) or (  # a mobile without its 0: "7912 345678"
            re.match(r"^7\d{9}$", joined) and [len(g) for g in groups or [joined]] in (
                [10], [4, 6], [4, 3, 3])):
        return False
    return found.reference.search(text[max(0, start - 60):start]) is not None


# A public place's postcode, for a sat nav: "the postcode for Watermead Park car park is
# LE7 4PF", "the leisure centre's postcode"; never with the writer in the message.
_PLACES = (r"(?:car\s+park|park|centre|center|hospital|station|surgery|clinic|church|hall|"
           r"library|stadium|school|museum|venue|pool|cafe|café|pub|shop|store|club|ground|"
           r"reservoir|garden|gardens|office|market)")
_PLACE_POSTCODE = re.compile(
    # Round sixteen: no digits or colon before the place's word, so a postcode typed first
    # is not the place's ("postcode for the satnav: LE16 7PU, Market Harborough").
    rf"\bpost\s?code\s+(?:for|of)\s+(?:the\s+)?[^.!?:\d]{{0,40}}?\b{_PLACES}\b|"
    rf"\b{_PLACES}(?:'s)?\s+(?:sat\s?nav\s+)?post\s?code\b|"
    # Round twelve: a venue named after the sat nav ("put LE4 5NS in the sat nav for the
    # Space Centre") or as an acronym before "postcode" ("LRI postcode for the sat nav is").
    rf"\bsat\s?nav\s+(?:for|to\s+get\s+to|to)\s+(?:the\s+)?(?:[\w'&-]+\s+){{0,3}}?{_PLACES}\b|"
    r"(?<![\w-])(?-i:[A-Z]{2,5})(?:'s)?\s+(?:sat\s?nav\s+)?post\s?code\b", re.I)


def places_postcode(text: str) -> bool:
    """Whether the postcodes in `text` are given as a public place's (see above)."""
    return _PLACE_POSTCODE.search(text) is not None and _PERSONAL.search(text) is None


# A public venue's full postcode, the venue named just before it (round eight): "Glenfield
# Hospital, Groby Road, LE3 9QP - cardiac rehab is there", "National Space Centre,
# Exploration Drive, LE4 5NS", "LRI is Infirmary Square LE1 5WW if you're getting a taxi".
#
# Decision and hazard (round eight; held_out_8 labels these three benign). A contact detail
# is a way to reach or find the writer; a hospital's, a leisure centre's or a library's
# postcode finds the building, which the venue's name already does, and people give it for
# a taxi or a sat nav. Such venues mostly have a postcode of their own (Royal Mail's "large
# user" postcodes), so it names no home. So a full postcode is let through when a public
# venue is named in the same clause just before it: a name ending in a venue's word
# ("Glenfield Hospital", "Wigston Library", "St Mary's Church"), or a venue listed in
# content/public_contacts.yaml `venues` ("LRI", "Curve"), with at most a street and a town
# between. Hazard: a home's postcode given beside a venue's name, as where the writer lives
# ("I'm opposite Glenfield Hospital, LE3 9QP"). Controls, each keeping the hold: anyone's
# home or the writer's whereabouts said anywhere in the message (`_HOME_CLAIM`: "I live",
# "my postcode", "our house", "I'm at", "come round", "mine", a flat or house number);
# directions before the venue ("opposite", "next to", "behind", "near", "by", "past": the
# postcode may be the house beside it); a house named like a venue ("The Old Chapel", "The
# Old School": a home, "Old" before the venue word); a house number anywhere (an address is
# held on its own, and the postcode with it, see contact.py); and a postcode disguised
# (spaced, said, split: only one typed plainly is excused). Residual: a home's postcode
# beside a venue's name with none of these said is let through; the postcode then names
# the block by the venue, never a door (no number), the same as "I'm in LE3 near
# Glenfield Hospital", which passes by design. The learned reader never sees an excused
# postcode (contact.py blanks it first).
_VENUE_WORDS = (r"Hospital|Infirmary|Hospice|Centre|Center|Library|Church|Chapel|Cathedral|"
                r"Mosque|Temple|Gurdwara|Mandir|Synagogue|Surgery|Practice|Clinic|Health\s+Centre|"
                r"Park|Stadium|Museum|Gallery|Station|School|Academy|College|University|Hall|"
                r"Theatre|Cinema|Pool|Baths|Arena|Lido|Gardens|Reservoir|Market|Hub|Ground")
_HOME_CLAIM = re.compile(
    r"\b(?:i|we)\s+(?:live|lives|living|stay|staying|moved)\b|\b(?:my|our|mine|ours|me|us)\b|"
    r"\b(?:i'?m|we'?re|i\s+am|we\s+are)\s+(?:at|in|on|by|near|opposite|next|behind|round)\b|"
    r"\b(?:come|pop|drop)\s+(?:round|over|by)\b|\b(?:flat|house|door)\s+(?:no\.?\s*|number\s*)?\d|"
    r"\b(?:home|address|bungalow|cottage)\b", re.I)
_DIRECTIONS_BEFORE = re.compile(r"\b(?:opposite|next\s+(?:door\s+)?to|behind|near|nr|by|past|"
                                r"beside|across\s+from|facing|round\s+the\s+corner\s+from|back\s+of|"
                                r"over\s+the\s+road\s+from|down\s+from|up\s+from)\b", re.I)
# Between the venue and its postcode only "is" or "at", a street (its name and a street's
# word) and a town: "Glenfield Hospital, Groby Road, LE3 9QP", "LRI is Infirmary Square".
# Round eleven: a car park's, or said on a leaflet or a sign, or for an event ("the sign for
# the Royal Infirmary car park says LE1 5WW", "the community centre on the leaflet is ...",
# "Victoria Park for parkrun is ...").
_VENUE_TO_POSTCODE = (r"(?:\s+car\s+park)?(?:'s)?(?:\s+(?:for|on|in)\s+(?:the\s+)?(?:parkrun|"
                      r"leaflet|poster|flyer|sign|website|letter|map|maps|satnav|sat\s+nav))?"
                      r"(?:\s+(?:sat\s?nav\s+)?post\s?code)?"
                      r"(?:\s+(?:is|are|at|on|in|off|says|reads|shows))?"
                      r"\s*[,:\-–—(]?\s*"
                      r"(?:(?:[a-z][\w'-]*\s+){1,3}(?:road|rd|street|st|lane|ln|avenue|ave|"
                      r"drive|dr|way|square|sq|place|pl|walk|close|crescent|terrace|gate|row|"
                      r"hill|parade|green|boulevard|circus)\.?\s*[,\-–—]?\s*)?"
                      r"(?:[a-z][\w'-]+\s*[,\-–—]\s*)?$")


@cache
def _venue_before() -> re.Pattern[str]:
    listed = "|".join(r"\s+".join(map(re.escape, str(v).split()))
                      for v in sorted(public_contacts().venues, key=len, reverse=True))
    # A venue's name: one to four words, then a venue's word, in any case ("glenfield
    # hospital"); or a listed venue as written (capitals and all).
    named = rf"(?i:(?:\b[a-z][\w'&.-]*\s+){{1,4}}(?:{_VENUE_WORDS})\b)"
    venue = rf"{named}|\b(?:{listed})(?![\w-])" if listed else named
    return re.compile(rf"(?P<venue>{venue})(?i:{_VENUE_TO_POSTCODE})")


def venues_postcode(text: str, start: int) -> bool:
    """Whether the full postcode at `start` is given as a public venue's (see above)."""
    if _HOME_CLAIM.search(text):
        return False
    sentences = re.split(r"[.!?;]\s", text[max(0, start - 120):start])
    before = sentences[-1]
    # "Meet at the National Space Centre car park? It's Exploration Drive, LE4 5NS": "it's"
    # is the venue of the sentence before (round ten), read as "... car park is ...".
    said = re.match(r"\s*(?:it'?s|it\s+is|that'?s|that\s+is)\b", before, re.I)
    if said and len(sentences) > 1:
        before = re.sub(r"\s+car\s+park\s*$", "", sentences[-2], flags=re.I) + " is" + \
            before[said.end():]
    found = _venue_before().search(before)
    if found is None or re.search(r"\bold\s+\S+\s*$", found.group("venue"), re.I):
        return False
    return _DIRECTIONS_BEFORE.search(before[:found.end("venue")]) is None


# A street address given as a public place's, not a home: the place named just before its
# number ("the cafe at 15 Market Place", "the Age UK office, 17 Loseby Lane", "the clinic
# moved to 120 Narborough Road", "meet at the library, 54 Belgrave Gate"), or a public
# building's listed address ("10 Downing Street"); never where the message says someone
# lives there or asks round ("I live at 18 Market Place, above the cafe", "we live by the
# park at 27 Victoria Road", "come round to mine", "3 doors up from the chippy, 58 ...").
_VENUES = (r"(?:car\s+park|park|centre|center|hospital|hospice|station|surgery|practice|clinic|"
           r"pharmacy|chemist|church|chapel|mosque|temple|gurdwara|synagogue|hall|library|"
           r"stadium|ground|school|college|university|museum|gallery|cinema|theatre|venue|"
           r"pool|gym|cafe|café|coffee\s+shop|restaurant|pub|bar|hotel|shop|store|"
           r"supermarket|market|club|office|offices|bank|post\s+office|studio|parkrun|bakery|"
           r"chippy|takeaway|deli|bistro|diner|launderette|salon|hairdressers?|barbers?|"
           r"florists?|butchers?|newsagents?|bookshop|dentists?|opticians?|vets|tea\s?rooms?|"
           r"canteen)")
_VENUE_BEFORE = re.compile(
    rf"\b{_VENUES}(?:'s)?(?:\s+[A-Z][\w'-]*){{0,2}}(?:\s+(?:is|are|was|has|have|now|just|"
    r"moved|moving|opened|opening|reopened|based|found|located|been))*"
    r"(?:\s+(?:at|to|on|in|from|by))?\s*[,:\-–—(]?\s*$", re.I)
_HOME_SAID = re.compile(
    r"\b(?:live|lives|living|lived|stay|staying|home|mine|my\s+(?:place|house|flat|address|"
    r"door)|our\s+(?:place|house|flat|address|door)|i'?m\s+at|we'?re\s+at|i\s+am\s+at|"
    r"we\s+are\s+at|round\s+to|come\s+round|pop\s+round|doors?|bell|buzz|knock|flat|house|"
    r"bungalow)\b",
    re.I)


# A home claimed outright: a listed public building is no home unless the writer says it
# is theirs ("I'm at 10 Downing Street on the tour" passes; "I live at ..." never does).
_LIVES_THERE = re.compile(r"\b(?:live|lives|living|lived|home|mine|ours|my\s+(?:place|house|"
                          r"flat|address|door)|our\s+(?:place|house|flat|address|door))\b", re.I)


def public_place(text: str, start: int) -> bool:
    """Whether the street number at `start` is a public place's (see above)."""
    listed = public_contacts().addresses
    if listed is not None and any(m.start() <= start < m.end() for m in listed.finditer(text)):
        return _LIVES_THERE.search(text) is None
    if _HOME_SAID.search(text):
        return False
    return _VENUE_BEFORE.search(text[max(0, start - 50):start]) is not None


# An organisation's own page or site, given as theirs (round ten): a page on a platform
# whose name is a public body's ("facebook.com/LeicesterCityCouncil posts the road
# closures"), or a bare site said to be where an organisation named in the message is
# ("Healthwatch ... want feedback, they're on healthwatchll.com"). Never where the writer
# is in the message (`_PERSONAL`: "my page is facebook.com/..."), so a person's own page
# or site stays a link.
_A_SITE = re.compile(r"(?<![\w@.])(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z]{2,}){1,2})"
                     r"(/@?[\w.~-]+(?:/[\w.~-]*)*)?(?![\w@])", re.I)
_THEIR_SITE = re.compile(r"\b(?:they'?re|they\s+are|theyre|their\s+(?:web\s?)?(?:site|page)"
                         r"(?:\s+is)?|find\s+them|look\s+them\s+up)\s*(?:on|at|:)?\s*$", re.I)


# Round twelve: an organisation named beside its own site ("LOROS have a shop on Queens
# Road, loros.co.uk for volunteering", "Age UK Leicester Shire & Rutland are on
# ageukleics.org.uk"), or a site named for a listed organisation ("loros.co.uk has the day
# therapy info", "goodgym.org do runs", "vistablind.org.uk for the sight loss support"):
# an organisation's, where the writer is not in the message. Not any .org.uk: a walking
# group's or a person's own site stays a link (held_out and newcomer label "details are on
# wigstonwalkers.org.uk" and "janewalks.org" leaks), as does one given as the writer's.
# An organisation's name as written beside its site: one to four capitalised words or an
# acronym ("LOROS", "Age UK Leicester Shire & Rutland", "GoodGym").
# (Up to eight words, round fifteen: "Leicestershire County Council's Choose How You Move".)
_CAPITALISED_RUN = re.compile(r"(?-i:[A-Z][\w'’]*)(?:\s+(?:&\s+|and\s+)?(?-i:[A-Z][\w'’]*)){0,7}")


def _named_beside(text: str, label: str) -> bool:
    """Whether an organisation named in `text` (capitalised words, or an acronym) is the
    site's first `label`, or starts it with a place or a word for it after."""
    label = label.lower()
    for run in _CAPITALISED_RUN.finditer(text):
        words = re.sub(r"[&'’]|\band\b", " ", run.group(0)).split()
        # Round fifteen: a scheme named after the body that runs it ("Leicester City
        # Council's Active Leicester, activeleicester.org.uk"): the name may start further
        # into the run, the body's word earlier in it making it an organisation's.
        for first in range(len(words)):
            for size in range(len(words) - first, 0, -1):
                part = words[first:first + size]
                joined = "".join(part).lower()
                initials = "".join(w[0] for w in part).lower()
                # Or a place the organisation serves before its name ("Mind in
                # Leicester, leicestershiremind.org.uk").
                rest = label[len(joined):] if label.startswith(joined) else next(
                    (label[:-len(joined)] for place in _ORGANISATION_SUFFIXES if place and
                     label.endswith(joined) and label[:-len(joined)] == place), None)
                if (len(joined) >= 4 and rest in _ORGANISATION_SUFFIXES) or (
                        size >= 3 and label == initials):
                    # A person's full name ("Sarah Jones ... sarahjones.co.uk") is no
                    # organisation's: an acronym, an organisation's word or a listed name is.
                    name = " ".join(words[:first + size])
                    return name.isupper() or _ORGANISATION.search(name) is not None or \
                        re.search(r"\b(?:UK|Hospice|Gym|Trust|Charity|Foundation)\b", name) \
                        is not None or named_for_organisation(joined)
    return False


# Round seventeen: a site given as a named body's website, just after its name ("I found it
# on the Healthwatch Leicester website, healthwatchll.com", "the Leicester Ramblers
# website (leicesterramblers.org.uk) has the list"): "the" or "their" before the name, the
# site's first label starting with the name's first word; the writer may be in the message
# ("I found it"), as the site is said to be the body's, not theirs ("my website" never is).
_NAMED_WEBSITE = re.compile(
    r"\b(?:the|their)\s+((?-i:[A-Z][\w'’&]*)(?:\s+(?:&\s+|and\s+|of\s+)?(?-i:[A-Z][\w'’&]*)){0,5})"
    r"(?:'s|’s)?\s+(?:web\s?site|site|web\s?page|page)\s*(?:is\s+|[,:(\-–—]\s*)?"
    r"(?:(?:https?://)?(?:www\.)?)$", re.I)


def _named_website(text: str, start: int, label: str) -> bool:
    found = _NAMED_WEBSITE.search(text[max(0, start - 80):start])
    if found is None:
        return False
    first = re.sub(r"[^a-z0-9]", "", found.group(1).split()[0].lower())
    return len(first) >= 4 and label.lower().startswith(first)


def without_organisations_sites(text: str) -> str:
    """`text` with organisations' own pages and sites blanked (see above)."""
    if "." not in text:
        return text
    if _PERSONAL.search(text):
        return _A_SITE.sub(lambda m: " " if not m.group(2) and _named_website(
            text, m.start(), m.group(1).split(".")[0]) else m.group(0), text)

    def blank(match: re.Match[str]) -> str:
        path = match.group(2) or ""
        # Round fourteen: a channel's "/@" too ("youtube.com/@nhs has a chair exercise
        # series"), and a listed account's name there.
        account = path[2:].split("/")[0].lower() if path.startswith("/@") else ""
        if path and (_PUBLIC_BODY.search(path) or account in public_contacts().accounts or
                     (account and named_for_organisation(account))):
            return " "
        if not path and _ORGANISATION.search(text) and _THEIR_SITE.search(
                text[max(0, match.start() - 40):match.start()]):
            return " "
        site = match.group(1)
        label = site.split(".")[0]
        if not path and (named_for_organisation(label) or _named_beside(text, label) or
                         _named_website(text, match.start(), label)):
            return " "
        return match.group(0)
    return _A_SITE.sub(blank, text)
