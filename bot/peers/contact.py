"""The one contact-detail detector, for peer relays and group posts: phone numbers, email
addresses, social handles, links, full UK postcodes and street addresses. A message with
any is held until both people agree to share (relays) or a helper looks (groups).

`contact_details(text)` returns the kinds found, in the order above. The text is first
mended the way people dodge filters:

- folded (NFKC: full-width digits and @), invisible characters and keycap marks dropped
  ("0️⃣7️⃣" is "07"), letters typed one by one joined ("L E 4 5 A B");
- digits written as words ("oh seven seven double oh", "nine hundred"), and O, l and I
  inside a run of digits ("O77OO 9OO l23"), read as digits;
- any separator between digit groups ("07700/900_123", "0 7 7 0 0", "07700 • 900 • 123").

Phone numbers are found with libphonenumber (`phonenumbers.PhoneNumberMatcher`, region GB,
leniency POSSIBLE: the fictional 07700 900xxx range is "possible" but not "valid", and a
person dodging a filter types exactly that); then dates, times, years, money, step counts
and bus numbers are let through. A number split over two of one person's messages is
caught by passing the earlier one as `previous`. Links and emails are checked against
the Public Suffix List as `tldextract` bundles it (offline): "annsmith.me" is a link,
"today.it" (a full stop without its space) is not. Measured in bench/contact_detection.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from enum import StrEnum
from functools import cache

import phonenumbers
import tldextract

from bot.engine.textnorm import english_words


class ContactKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    USERNAME = "username"
    LINK = "link"
    POSTCODE = "postcode"
    ADDRESS = "address"


# Telegram marks some of these itself (message entities).
ENTITY_KINDS = {"url": ContactKind.LINK, "text_link": ContactKind.LINK,
                "phone_number": ContactKind.PHONE, "email": ContactKind.EMAIL,
                "mention": ContactKind.USERNAME, "text_mention": ContactKind.USERNAME}

# -- mending ------------------------------------------------------------------------------
_DIGIT_WORDS = {"zero": "0", "oh": "0", "o": "0", "nought": "0", "nil": "0", "one": "1",
                "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                "eight": "8", "nine": "9", "niner": "9"}
_REPEAT_WORDS = {"double": 2, "treble": 3, "triple": 3}
_SPELLED = re.compile(r"\b(?:double|treble|triple)\s+\w+\b|\b\w+\s+hundred\b|\b[a-z]+\b",
                      re.I)
# A run of digits with O, l or I typed for 0 and 1 ("O77OO", "9OO", "l23"); in a longer
# run, S, B and Z for 5, 8 and 2 too ("8S9986"), never in a short one ("B12", "b4").
_LOOKALIKE = re.compile(r"\b(?=[0-9OoIl]*[0-9])[0-9OoIl]{3,}\b|"
                        r"\b(?=(?:[A-Za-z]*[0-9]){3})[0-9OoIlSsBbZz]{5,}\b")
# Letters or digits typed one at a time: "L E 4 5 A B", "0 7 7 0 0".
_SINGLES = re.compile(r"\b(?:\w(?: {1,2}| ?[.\-] ?)){3,}\w\b")


def fold(text: str) -> str:
    """Compatibility forms folded (full-width digits, @), invisible characters and the
    marks that make keycap emoji dropped."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in folded if unicodedata.category(c) not in ("Cf", "Mn", "Me"))


def _digit(word: str) -> str | None:
    return word if len(word) == 1 and word.isdigit() else _DIGIT_WORDS.get(word)


def _spell_out(match: re.Match[str]) -> str:
    words = match.group(0).lower().split()
    if words[0] in _REPEAT_WORDS and len(words) == 2 and (digit := _digit(words[1])):
        return digit * _REPEAT_WORDS[words[0]]
    if len(words) == 2 and words[1] == "hundred" and (digit := _digit(words[0])):
        return digit + "00"
    if len(words) == 1 and words[0] in _DIGIT_WORDS:
        return _DIGIT_WORDS[words[0]]
    return match.group(0)


def _lookalike(match: re.Match[str]) -> str:
    return match.group(0).translate(str.maketrans("OoIlSsBbZz", "0011558822"))


def digitised(text: str) -> str:
    """`text` (folded) with digits written as words or look-alike letters made digits."""
    text = _SPELLED.sub(_spell_out, text)
    return _LOOKALIKE.sub(_lookalike, text)


def _joined_singles(text: str) -> str:
    # "L-E-6-5" and "d.e.1 9.j.j" are LE65 and DE19JJ; "w w w . a n n" keeps its full stop.
    return _SINGLES.sub(lambda m: re.sub(r"[ \-.]" if re.search(r"\d", m.group(0)) else r"[ \-]",
                                         "", m.group(0)), text)


# -- phone numbers ----------------------------------------------------------------------
# Digit groups with any separators between them (at most three characters, or a few
# words such as "then" in "07700 then 900 123").
_SEPARATOR = r"[\s\-‐‑‒–—―/\\_*•·|,.:;()\[\]{}~+#=]"
_RUN = re.compile(rf"(?:\+|\b00)?\d(?:{_SEPARATOR}{{0,3}}\d)*")
# At most six words between the halves of one number: "07305 and it finishes 922 237".
_GLUE = re.compile(r"^\W*(?:\w+\W+){0,6}$")
_DATE = re.compile(r"^\d{1,2}[./-]\d{1,2}(?:[./-](?:\d{2}|\d{4}))?$")
_TIME = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s*-\s*\d{1,2}[:.]?\d{0,2})?$")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_MONEY_BEFORE = re.compile(r"[£$€]\s*$")
_UNIT_AFTER = re.compile(r"^\s*(?:k\b|km|kms|miles?|steps|mins?|minutes|hours?|hrs?|am|pm|"
                         r"st\b|stone|lbs?|kg|g\b|mg|ml|%|mmol|bpm|th\b|nd\b|rd\b)",
                         re.I)
_UK_SHAPE = re.compile(r"^(?:0[1237]\d{8,9}|447\d{9}|44[123]\d{8,9}|7\d{9})$")
LOCAL_DIGITS = (7, 8)  # a local number without its area code, like 254 1234


def _runs(text: str) -> list[tuple[int, int, str]]:
    """Each run of digits: (start, end, the digits with a leading + kept)."""
    runs = []
    for match in _RUN.finditer(text):
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        plus = raw.startswith("+") or raw.startswith("00")
        runs.append((match.start(), match.end(), ("+" if plus else "") + digits.removeprefix(
            "00" if raw.startswith("00") and len(digits) > 11 else "")))
    return runs


def _not_a_number(text: str, start: int, end: int) -> bool:
    """A date, a time, a year, money or a measurement rather than a phone number."""
    raw = text[start:end].strip(" ,.;:")
    if _DATE.match(raw) or _TIME.match(raw) or _YEAR.match(raw):
        return True
    if _MONEY_BEFORE.search(text[max(0, start - 2):start]):
        return True
    if _UNIT_AFTER.match(text[end:end + 8]):
        return True
    groups = re.findall(r"\d+", raw)
    # Years side by side ("2019 2020"), or a thousands separator ("10,000 steps").
    return all(_YEAR.match(g) for g in groups) or bool(re.fullmatch(r"\d{1,3}(,\d{3})+", raw))


def _is_phone(digits: str) -> bool:
    bare = digits.removeprefix("+")
    if _UK_SHAPE.match(bare) or (digits.startswith("+") and bare.startswith("44")
                                 and 11 <= len(bare) <= 13):
        return True
    if digits.startswith("+") and 8 <= len(bare) <= 15:
        return any(True for _ in phonenumbers.PhoneNumberMatcher(
            digits, "GB", leniency=phonenumbers.Leniency.POSSIBLE))
    if len(bare) in LOCAL_DIGITS:
        return True
    return 9 <= len(bare) <= 13 and any(True for _ in phonenumbers.PhoneNumberMatcher(
        bare, "GB", leniency=phonenumbers.Leniency.POSSIBLE))


def _has_phone(text: str) -> bool:
    runs = [r for r in _runs(text) if not _not_a_number(text, r[0], r[1])]
    for i, (_, _, digits) in enumerate(runs):
        if _is_phone(digits):
            return True
        # Halves of one number with a few words between: "07700, rest is 900 123".
        joined, end = digits, runs[i][1]
        for start, next_end, more in runs[i + 1:i + 5]:
            if not _GLUE.match(text[end:start]):
                break
            joined, end = joined + more, next_end
            if len(joined.removeprefix("+")) >= 10 and _is_phone(joined):
                return True
    return False


# -- links and emails --------------------------------------------------------------------
@cache
def _suffixes() -> tldextract.TLDExtract:
    # The Public Suffix List snapshot tldextract ships with: never fetched at run time.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


# Country codes that are also English words, and the link services that use them.
_WORD_SUFFIXES = frozenset({"it", "so", "me", "in", "to", "be", "is", "us", "no", "do", "go",
                            "my", "am", "as", "by", "he", "we", "on", "or", "an", "at", "tv",
                            "la", "ms", "im", "pm", "ok", "hi", "re", "ch", "st", "eu"})
SHORTENERS = frozenset({"t", "wa", "bit", "goo", "youtu", "linktr", "discord", "tinyurl",
                        "ow", "buff", "rb", "is", "cutt", "shorturl", "fb", "m", "tiny"})
_DOMAIN = re.compile(r"(?<![\w@.])([a-z0-9][a-z0-9-]*(?:\s?\.\s?[a-z0-9-]+)+(?:/\S*)?)", re.I)
_OPEN, _CLOSE = r"[\(\[\{<'\"‘“\-]", r"[\)\]\}>'\"’”\-]"
_OBFUSCATED_AT = re.compile(
    rf"\s*{_OPEN}\s*(?:at|@)\s*{_CLOSE}\s*|\s+at(?: sign)?\s+|\s*@\s*", re.I)
_OBFUSCATED_DOT = re.compile(
    rf"\s*{_OPEN}\s*(?:dot|d0t|point|\.)\s*{_CLOSE}\s*|\s+(?:dot|d0t|dt|point|full stop)\s+|"
    r"\s+\.\s+|。", re.I)
_EMAIL = re.compile(r"(?<![\w.])[a-z0-9][\w.+-]*@([a-z0-9-]+(?:\.[a-z0-9-]+)*)", re.I)
PROVIDERS = frozenset({"gmail", "googlemail", "hotmail", "yahoo", "outlook", "icloud", "live",
                       "btinternet", "aol", "protonmail", "proton", "sky", "virginmedia",
                       "talktalk", "ntlworld", "mail", "msn", "me", "ymail", "gmx"})


def _is_link(candidate: str) -> bool:
    """A domain with a real public suffix, not a full stop without its space."""
    name = re.sub(r"\s", "", candidate).lower().rstrip(".")
    found = _suffixes()(name)
    if not found.suffix or not found.domain or not re.search(r"[a-z]", found.domain):
        return False
    if found.domain in SHORTENERS or re.search(r"/\S", candidate):
        return True
    if found.suffix in _WORD_SUFFIXES and not found.subdomain:
        # "today.it", "ok.so": two words; "annsmith.me": a name.
        return found.domain not in english_words() and len(found.domain) > 2
    if " " in candidate and found.suffix not in ("com", "co.uk", "org", "net", "uk", "org.uk"):
        return False  # "walk . See you": spaced out, only for the commonest endings
    return found.domain not in english_words() or found.suffix in (
        "com", "co.uk", "org", "net", "org.uk", "io", "ly", "gl", "gg", "ee", "be", "app")


def _has_link(text: str) -> bool:
    if re.search(r"https?://|\bwww\s?\.", text, re.I):
        return True
    # An email's domain is the email's; "annsmith dot co dot uk" is a link spelled out.
    plain, spelled = _without_emails(text), _without_emails(_OBFUSCATED_DOT.sub(".", text))
    return any(_is_link(m.group(1)) for t in {plain, spelled} for m in _DOMAIN.finditer(t))


# "I'm pauline_h on yahoo", "my gmail is grace.o": a name that is not a word, beside a provider.
_ON_PROVIDER = re.compile(r"(?<![\w.])([a-z][\w.]*[\d_.][\w.]*|[a-z]{3,}) on (\w+)\b", re.I)
_PROVIDER_IS = re.compile(r"\b(\w+) (?:is|:)\s*([a-z][\w.]*)", re.I)


def _emails(text: str) -> tuple[str, list[re.Match[str]]]:
    """`text` with obfuscated at and dot mended, and the email addresses in it."""
    for mended in (text, _OBFUSCATED_AT.sub("@", _OBFUSCATED_DOT.sub(".", text))):
        # Any name@domain.ending (even one read backwards), or a provider without its ending.
        found = [m for m in _EMAIL.finditer(mended)
                 if (domain := m.group(1).lower()).split(".")[0] in PROVIDERS
                 or ("." in domain and re.search(r"[a-z]{2,}$", domain)
                     and re.search(r"[a-z]", domain.split(".")[0]))]
        if found:
            return mended, found
    return text, []


def _named_at_provider(text: str) -> bool:
    for match in _ON_PROVIDER.finditer(text):
        name, provider = match.group(1).lower(), match.group(2).lower()
        if provider in PROVIDERS | {"bt"} and (re.search(r"[\d_.]", name)
                                               or name not in english_words()):
            return True
    return any(m.group(1).lower() in PROVIDERS - {"me", "live", "mail", "sky"}
               and re.search(r"[\d_.]", m.group(2)) for m in _PROVIDER_IS.finditer(text))


def _without_emails(text: str) -> str:
    mended, found = _emails(text)
    for match in reversed(found):
        mended = mended[:match.start()] + " " + mended[match.end():]
    return mended if found else text


def _has_email(text: str) -> bool:
    return bool(_emails(text)[1]) or _named_at_provider(text)


# -- handles ----------------------------------------------------------------------------
_AT_HANDLE = re.compile(r"(?<![\w.])@[a-z][\w.]{3,31}", re.I)
_AT_SPACED = re.compile(r"(?<![\w.])@\s+([a-z][\w.]{3,31})", re.I)
_PLATFORM = re.compile(
    r"\b(snap ?chat|snap|sc|ghost app|[i1]nsta ?gram|[i1]nsta|ig|the gram|fa[c]e ?b[o0]{2}k|"
    r"fb|f b|tik ?tok|the tok|twitter|telegram|tg|whats ?app|discord|skype|signal|threads|"
    r"bluesky|linked ?in|kik|wechat|messenger|youtube|pinterest|reddit|username|user name|"
    r"handle|gamertag)\b", re.I)
# A name with an underscore in it is a username wherever it stands ("kezza_77").
_UNDERSCORED = re.compile(r"(?<![\w.])(?=[\w.]{5})[a-z][a-z0-9.]*_[a-z0-9_.]*[a-z0-9](?![\w])",
                          re.I)
_HANDLE_TOKEN = re.compile(r"[A-Za-z0-9][\w.:]*")
# Asking to be found: a profile name beside these is a contact detail ("search Tony Knight
# Wigston on facebook", "add me on fb, I'm Shazia Patel").
_INVITATION = frozenset({"find", "search", "add", "look", "follow", "friend", "message", "dm",
                         "im", "i'm", "under", "called", "me", "put"})
HANDLE_WINDOW = 8  # words either side of the platform word


def _looks_like_handle(token: str) -> bool:
    return bool(re.search(r"[a-z]", token, re.I) and re.search(r"\d|_|\w[.:]\w", token))


def _has_handle(text: str) -> bool:
    text = re.sub(r"\s+underscore\s+", "_", text, flags=re.I)
    text = re.sub(r"(?<=\w) \. (?=\w)", ".", text)  # "sukhi . k"
    if _AT_HANDLE.search(text) or _UNDERSCORED.search(text):
        return True
    # "@ annsmith60" yes; "@ the cafe", "meet @ 10.30" no.
    if any(re.search(r"\d|_|\.", m.group(1)) or m.group(1).lower() not in english_words()
           for m in _AT_SPACED.finditer(text)):
        return True
    for match in _PLATFORM.finditer(text):
        if re.match(r"\s?[.(]", text[match.end():]):
            continue  # part of a link ("facebook.com/ann"): the link finder's
        after = _HANDLE_TOKEN.findall(text[match.end():])[:HANDLE_WINDOW]
        before = _HANDLE_TOKEN.findall(text[:match.start()])[-HANDLE_WINDOW:]
        if any(_looks_like_handle(t) for t in after[:4]):
            return True
        invited = _INVITATION & {t.lower() for t in before + after}
        # "find me on insta, I'm annwalks": a made-up word after an invitation.
        if invited and any(t.islower() and len(t) > 4 and t not in english_words()
                           for t in after[:4]):
            return True
        # A profile name straight after the platform ("face book Sue Baker Syston"), or
        # anywhere near it when someone asks to be found.
        if _has_name(after[:2]) or (invited and (_has_name(before) or _has_name(after))):
            return True
    return False


def _has_name(tokens: list[str]) -> bool:
    """Two capitalised words in a row that are not the platform's own ("Sue Baker")."""
    run = 0
    for token in tokens:
        if token[:1].isupper() and token[1:].islower() and len(token) > 1 \
                and not _PLATFORM.fullmatch(token):
            run += 1
            if run == 2:
                return True
        else:
            run = 0
    return False


# -- postcodes and addresses ------------------------------------------------------------
# Royal Mail postcode areas; a unit never has C, I, K, M, O or V, so "b4 9am" passes.
AREAS = frozenset({
    "AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF",
    "CH", "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN",
    "DT", "DY", "E", "EC", "EH", "EN", "EX", "FK", "FY", "G", "GL", "GU", "GY", "HA", "HD",
    "HG", "HP", "HR", "HS", "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA", "KT", "KW",
    "KY", "L", "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE",
    "NG", "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG",
    "RH", "RM", "S", "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST",
    "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W", "WA", "WC", "WD",
    "WF", "WN", "WR", "WS", "WV", "YO", "ZE",
})
_POSTCODE = re.compile(
    r"\b([a-z]{1,2})[\s\-_./]{0,2}(\d[a-z\d]?)[\s\-_./,*•–()\[\]]{0,3}(\d)[\s\-_./,*•–]{0,2}"
    r"([abd-hjlnp-uw-z]{2})\b", re.I)
_STREETS = ("road|rd|street|avenue|ave|lane|ln|crescent|cres|terrace|mews|boulevard|"
            "close|drive|way|walk|place|court|grove|gardens|park|hill|rise|view|green|square|"
            "row|parade|gate|chase|croft|wharf|yard|st")
# Street words that are also ordinary words ("a 10 minute walk", "3 close friends"): only
# after a name ("22 Belgrave Gate", "7 narborough walk"), not after ordinary words.
_PLAIN_STREETS = frozenset({"road", "rd", "street", "avenue", "ave", "lane", "ln", "crescent",
                            "cres", "terrace", "mews", "boulevard"})
_ADDRESS = re.compile(
    rf"(\w+\s+)?\b(\d{{1,4}})[a-h]?,?\s+((?:[A-Za-z'-]+\s+){{0,3}}?)({_STREETS})\b", re.I)
_TIME_WORDS = frozenset({"at", "for", "from", "until", "till", "by", "around", "about"})
# Between a number and a street word, these make it a distance, a time or a route.
NOT_HOUSE = frozenset({
    "minute", "minutes", "min", "mins", "mile", "miles", "hour", "hours", "hr", "hrs", "second",
    "seconds", "day", "days", "week", "weeks", "month", "months", "year", "years", "lap",
    "laps", "step", "steps", "k", "km", "metre", "metres", "yard", "yards", "bus", "buses",
    "stop", "stops", "time", "times", "along", "down", "up", "from", "to", "on", "near", "off",
    "past", "via", "by", "across", "round", "around", "into", "onto", "towards", "of", "in",
    "at", "through", "walk", "walks", "hour's", "people", "of us", "or", "and", "more"})
# "house number 14 on queens rd", "Flat 7, St Peters House".
_NUMBERED_HOME = re.compile(
    rf"\b(?:house|flat|no\.?|number)\s*\d{{1,4}}[a-h]?\b[\w\s,']{{0,30}}?\b({_STREETS})\b|"
    r"\bflat\s*\d{1,4}[a-h]?\b,?\s+(?:[A-Z][\w']*\s+){1,3}"
    r"(?:house|court|lodge|mews|buildings|tower|apartments|hall|mansions|close)\b", re.I)
# The street first: "Main St, no 4 is mine", "catherine street, number 14".
_NUMBER_AFTER = re.compile(rf"\b({_STREETS})\b[,\s]+(?:no\.?|number|num|#)\s*\d{{1,4}}\b", re.I)


def _has_postcode(text: str) -> bool:
    return any(m.group(1).upper() in AREAS for m in _POSTCODE.finditer(text))


def _has_address(text: str) -> bool:
    if _NUMBER_AFTER.search(text) or _NUMBERED_HOME.search(text):
        return True
    for match in _ADDRESS.finditer(text):
        before = (match.group(1) or "").strip().lower()
        between, street = match.group(3).split(), match.group(4).lower()
        if not between or NOT_HOUSE & {w.lower() for w in between}:
            continue  # "3 close friends", "5 miles along London Road", "2 buses down Narborough Rd"
        if before in _TIME_WORDS and int(match.group(2)) <= 24 and street not in _PLAIN_STREETS:
            continue  # "meet at 10 Abbey Park": a time, then a place
        return True
    return False


# -- the detector -----------------------------------------------------------------------
_FINDERS = ((ContactKind.PHONE, _has_phone), (ContactKind.EMAIL, _has_email),
            (ContactKind.USERNAME, _has_handle), (ContactKind.LINK, _has_link),
            (ContactKind.POSTCODE, _has_postcode), (ContactKind.ADDRESS, _has_address))


def contact_details(text: str, entity_types: Iterable[str] = (), previous: str = "",
                    kinds: Sequence[ContactKind] = tuple(ContactKind)) -> list[ContactKind]:
    """The kinds of contact detail in `text` (empty when none), among `kinds`.

    `entity_types`: Telegram's message entity types ("url", "phone_number", ...).
    `previous`: the same person's message just before in the same chat, so a number split
    over the two is caught (the earlier half alone was not a number, so it went through).
    """
    folded = fold(text)
    joined = _joined_singles(folded)
    mended = _joined_singles(digitised(folded))
    # Numbers are read with words made digits; names, links and emails as typed (mending
    # would make the "o" of "c o . u k" a zero); addresses and postcodes both ways.
    sources = {ContactKind.PHONE: (mended,), ContactKind.POSTCODE: (joined, mended),
               ContactKind.ADDRESS: (joined, mended)}
    found = {ENTITY_KINDS[t] for t in entity_types if t in ENTITY_KINDS}
    for kind, finder in _FINDERS:
        if kind not in found and any(finder(s) for s in sources.get(kind, (folded, joined))):
            found.add(kind)
    if ContactKind.PHONE not in found and previous:
        earlier = _joined_singles(digitised(fold(previous)))
        if not _has_phone(earlier) and _has_phone(f"{earlier} {mended}"):
            found.add(ContactKind.PHONE)
    return [kind for kind in ContactKind if kind in found and kind in kinds]
