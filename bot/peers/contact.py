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
  four", run together or typed into the digits: "07700ninehundred314"), and O, l, I (and in
  long runs S, B, Z, g) among digits, read as digits;
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
number and a name with no street word ("at 14 Elm").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from datetime import timedelta
from enum import StrEnum
from functools import cache, lru_cache

import phonenumbers
import tldextract

from bot.core.textnorm import english_words
from bot.peers.contact_mending import (
    LETTER_NAME,
    digitised,
    fold,
    joined_singles,
    letters_said,
)


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

# -- phone numbers ----------------------------------------------------------------------
# Digit groups with any separators between them (at most three characters, or a few
# words such as "then" in "07700 then 900 123").
_SEPARATOR = r"[\s\-‐‑‒–—―/\\_*•·|,.:;()\[\]{}~+#=]"
_RUN = re.compile(rf"(?:\+|\b00)?\d(?:{_SEPARATOR}{{0,3}}\d)*")
# At most six words between the halves of one number: "07305 and it finishes 922 237".
_GLUE = re.compile(r"^\W*(?:\w+\W+){0,6}$")
_DATE = re.compile(r"^\d{1,2}[./-]\d{1,2}(?:[./-](?:\d{2}|\d{4}))?$|^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s*-\s*\d{1,2}[:.]?\d{0,2})?$")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_MONEY_BEFORE = re.compile(r"[£$€]\s*$")
_UNIT_AFTER = re.compile(r"^\s*(?:k\b|km|kms|miles?|steps|mins?|minutes|hours?|hrs?|am|pm|"
                         r"st\b|stone|lbs?|kg|g\b|mg|ml|%|mmol|bpm|th\b|nd\b|rd\b)(?![a-z])",
                         re.I)
_UK_SHAPE = re.compile(r"^(?:0[1237]\d{8,9}|447\d{9}|44[123]\d{8,9}|7\d{9})$")
LOCAL_DIGITS = (7,)  # a local number without its area code, like 254 1234


def _runs(text: str) -> list[tuple[int, int, str, list[str]]]:
    """Each run of digits: (start, end, the digits with a leading + kept, its groups)."""
    runs = []
    for match in _RUN.finditer(text):
        raw = match.group(0)
        groups = re.findall(r"\d+", raw)
        digits = "".join(groups)
        # "0044 7700 900123" is international; a lone "00" is just two zeros.
        international = raw.startswith("00") and len(digits) > 11
        plus = raw.startswith("+") or international
        runs.append((match.start(), match.end(), ("+" if plus else "") + digits.removeprefix(
            "00" if international else ""), groups))
    return runs


def _a_list(raw: str, groups: list[str]) -> bool:
    """Small numbers in a row, not one number: lottery and bingo numbers (rising), readings
    with commas, clock times ("0800 1200 1600")."""
    digits = "".join(groups)
    rising = [int(g) for g in groups] == sorted(int(g) for g in groups)
    # A number read out digit by digit ("seven, seven, zero, zero, ...") is UK-shaped
    # and, unlike lottery numbers, does not rise.
    uk_shaped = (raw.lstrip().startswith("0") and len(digits) in (10, 11)) or (
        bool(_UK_SHAPE.match(digits)) and not rising)
    if len(groups) >= 3 and all(len(g) <= 2 for g in groups) and not uk_shaped and (
            "," in raw or rising):
        return True
    return len(groups) >= 2 and all(len(g) == 4 and int(g[:2]) < 24 and g[2:] in
                                    ("00", "15", "30", "45") for g in groups)


def _windows(digits: str, groups: list[str]) -> list[tuple[str, list[str]]]:
    """The run whole, then every stretch of its groups ("number 1: 07912 345678"), and a
    run from 0 cut to 11 or 10 digits ("07912 345678 3 rings", "0 7 88 4 ... 2390")."""
    found = [(digits, groups)]
    if digits.startswith("0") and len(digits) > 11:
        found += [(digits[:11], []), (digits[:10], [])]
    if digits.startswith("+") or len(groups) < 2:
        return found
    for i in range(len(groups)):
        size = 0
        for j in range(i + 1, len(groups) + 1):
            size += len(groups[j - 1])
            if size > 13:
                break  # longer than any number: linear in a long run, not cubic
            if size >= 7 and (i, j) != (0, len(groups)):
                found.append(("".join(groups[i:j]), groups[i:j]))
    return found


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


def _is_phone(digits: str, groups: Sequence[str] = ()) -> bool:
    """A UK number (10 or 11 digits from 0, or after 44), an international one (after + or
    00, possible by libphonenumber), or a local one without its area code: 7 or 8 digits
    as one group or as 3 + 4 / 4 + 4 ("254 1234"), never a run of small numbers."""
    bare = digits.removeprefix("+")
    if _UK_SHAPE.match(bare) or (digits.startswith("+") and bare.startswith("44")
                                 and 11 <= len(bare) <= 13):
        return True
    if digits.startswith("+") and 8 <= len(bare) <= 15:
        return any(True for _ in phonenumbers.PhoneNumberMatcher(
            digits, "GB", leniency=phonenumbers.Leniency.POSSIBLE))
    sizes = [len(g) for g in groups] or [len(bare)]
    if len(bare) in LOCAL_DIGITS and (len(sizes) == 1 or sizes == [3, 4]):
        return True
    # An international number without its +: a country code, then groups ("353 87 123 4567"),
    # real by libphonenumber's ranges (VALID), so an order reference does not count.
    return (2 <= len(sizes) <= 5 and sizes[0] in (2, 3) and not bare.startswith("0")
            and 9 <= len(bare) <= 13 and any(True for _ in phonenumbers.PhoneNumberMatcher(
                "+" + bare, "GB", leniency=phonenumbers.Leniency.VALID)))


_Run = tuple[int, int, str, list[str]]
# The start of a UK number on its own ("07912", "0116"): its other half may come any number
# of words later in the message ("The first half is 07912. ... Right, back - 345678").
_UK_PREFIX = re.compile(r"^0[1237]\d{2,4}$")
_BACKWARDS = re.compile(r"\bbackwards?\b|\breversed?\b|\bback to front\b|"
                        r"\bthe other way (?:round|around)\b", re.I)
HALVES_AHEAD = 5  # runs after the first half that may complete it


# "put a 0 first", "with an oh at the front", "0 in front", "starts with a zero", "I've left
# the 0 off": the number is told without its leading 0 (read on the mended text, where "oh"
# is already 0).
_ZERO_FIRST = re.compile(r"0\s+(?:(?:in|at|on|to)\s+(?:the\s+)?)?(?:front|first|start|beginning)\b|"
                         r"\b(?:starts?|begins?)\s+with\s+(?:an?\s+)?0\b|\b(?:add|adding|missing|"
                         r"without|minus|left|leave|dropped|drop)\s+(?:off\s+)?(?:the|a|an|my)\s+"
                         r"(?:first\s+|leading\s+|front\s+)?0\b", re.I)


def _has_phone(text: str) -> bool:
    runs = [r for r in _runs(text) if not _not_a_number(text, r[0], r[1])
            and not _a_list(text[r[0]:r[1]], r[3])]
    if _ZERO_FIRST.search(text):
        # The 0 they left off put back: "7700900, 1010 in front" is 07700 900101.
        runs = [(start, end, digits, groups) if digits[:1] in "0+" else
                (start, end, "0" + digits, ["0", *groups])
                for start, end, digits, groups in runs]
    for i, (start, end, digits, groups) in enumerate(runs):
        raw = text[start:end]
        if any(_is_phone(d, g) for d, g in _windows(digits, groups)
               if "," not in raw or len(d) >= 10):  # "0712, 0742": times, not a local number
            return True
        if any(_completed(text, head, end, runs[i + 1:i + 1 + HALVES_AHEAD])
               for head in _heads(digits, groups)):
            return True
    return bool(_BACKWARDS.search(text)) and _reversed_number(runs)


def _heads(digits: str, groups: list[str]) -> list[str]:
    """Where the first half of a split number may start: the run whole, or at a group from
    0 within it ("change the last 3 to 678 - 07912 345 then 678")."""
    tails = ["".join(groups[k:]) for k in range(1, len(groups)) if groups[k].startswith("0")]
    return [digits, *tails]


def _completed(text: str, head: str, end: int, rest: Sequence[_Run]) -> bool:
    """Halves of one number with a few words between ("07700, rest is 900 123"), any words
    after the start of a UK number, told back to front ("ends 123 and starts 07700 900"),
    with a count between them left out ("07678 then the last six are 264796": the 6 is how
    many digits, not one of them)."""
    any_glue = bool(_UK_PREFIX.match(head))
    partials = {head}
    for start, next_end, more, _groups in rest:
        if not any_glue and not _GLUE.match(text[end:start]):
            return False
        grown = {p + more for p in partials if len(p) < 13}
        partials = partials | grown if len(more) == 1 else grown
        end = next_end
        if any(_UK_SHAPE.match(p.removeprefix("+")) for p in partials) or (
                more.startswith("0") and _UK_SHAPE.match(more + head)):
            return True
    return False


def _reversed_number(runs: Sequence[_Run]) -> bool:
    """A number typed backwards ("876543 21970 - read that backwards")."""
    every = "".join(digits.removeprefix("+") for _start, _end, digits, _groups in runs)
    return any(_UK_SHAPE.match(d[::-1]) for d in
               [every, *(digits.removeprefix("+") for _s, _e, digits, _g in runs)])


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
# Providers whose names are everyday words ("look at me", "live", "the sky"): an address
# at one counts only with its ending ("ann@me.com").
WORD_PROVIDERS = frozenset({"me", "live", "mail", "sky"})
NAMED_PROVIDERS = PROVIDERS - WORD_PROVIDERS


def _is_link(candidate: str) -> bool:
    """A domain with a real public suffix, not a full stop without its space."""
    name = re.sub(r"\s", "", candidate).lower().rstrip(".")
    found = _suffixes()(name)
    if not found.suffix or not found.domain or not re.search(r"[a-z]", found.domain) \
            or found.domain in _NOT_A_NAME:  # "the dot com boom"
        return False
    if re.search(r"/\S", candidate) or (found.domain in SHORTENERS and " " not in candidate):
        return True  # a path, or a shortener typed as one ("a.m. at" is a time)
    if " " in candidate and found.suffix not in ("com", "co.uk", "org", "net", "uk", "org.uk"):
        # "walk . See you", "in Skegness. My sugars": spaced out, only the commonest endings
        return False
    if found.suffix in _WORD_SUFFIXES and not found.subdomain:
        # "today.it", "ok.so": two words; "annsmith.me": a name.
        return found.domain not in english_words() and len(found.domain) > 2
    return found.domain not in english_words() or found.suffix in (
        "com", "co.uk", "org", "net", "org.uk", "io", "ly", "gl", "gg", "ee", "be", "app")


_SPACED_ENDING = re.compile(r"\b([a-z][a-z0-9-]{3,})[\s,]+(co|org)[\s,]+uk\b|"
                            r"\b([a-z][a-z0-9-]{3,})\s*[,•·*|;~_]\s*(com|net|org|co\.uk)\b", re.I)
_NOT_A_NAME = frozenset({"the", "a", "an", "this", "that", "my", "your", "our", "his", "her"})


# Sites people make for themselves, named without the ending: "janewalks dot blogspot",
# "walkingwithbev.wordpress", "bevknits (dot) substack".
_OWN_SITE = re.compile(
    r"\b[a-z0-9][a-z0-9-]{2,}\s*(?:\.|\bdot\b|\(dot\)|\[dot\])\s*(?:blogspot|blogger|"
    r"wordpress|wixsite|wix|substack|tumblr|weebly|squarespace|carrd|netlify|github|"
    r"linktree|linktr)\b", re.I)


# A shortener or a social site named without its ending, then a path said or typed:
# "bitly slash 3Fg7hJk", "tiny url / walkwithjo", "facebook forward slash anita.mistry.5".
_SHORTENER_WORDS = (r"bit\s?ly|tiny\s?url|linktr\s?ee|link\s?tree|goo\s?gl|cutt\s?ly|"
                    r"rebrand\s?ly|ow\s?ly|is\s?gd|shorturl|tiny\s?cc|bl\s?ink|wame|tme")
_SITE_SLASH = re.compile(
    rf"\b(?:({_SHORTENER_WORDS})|(facebook|fb|instagram|insta|tiktok|youtube|twitter|"
    r"snapchat|linkedin|pinterest|threads|paypal\s?me))"
    r"\s*(?:/|\\|\b(?:forward\s+|back\s?)?slash\b)\s*@?([\w.\-]+)", re.I)
# An ending typed letter by letter: "annwalks . c o m", "bevknits dot c o dot u k".
_SPELLED_ENDING = re.compile(r"\s*(?:\.|\bdot\b)\s*(c\s[o0]\s?m|n\s?e\s?t|[o0]\s?r\s?g|"
                             r"c\s?[o0]\s*(?:\.|\bdot\b)?\s*u\s?k)\b", re.I)


def _site_slash(match: re.Match[str]) -> bool:
    """A shortener's code is anything; after a social site, a name ("insta/bevknits"), not
    another platform or a word ("facebook/instagram", "fb / whatever")."""
    path = match.group(3)
    if match.group(1):
        return True
    return len(path) > 2 and not _PLATFORM.fullmatch(path) and (
        bool(re.search(r"[\d_.]", path)) or path.lower() not in english_words())


def _spelled_ending(match: re.Match[str]) -> str:
    letters = re.sub(r"[\s.]|dot", "", match.group(1), flags=re.I).lower().replace("0", "o")
    return "." + ("co.uk" if letters == "couk" else letters)


def _has_link(text: str) -> bool:
    if re.search(r"https?://|\bwww\s?\.|\bwww\s+[a-z0-9]", text, re.I) or _OWN_SITE.search(text):
        return True
    if any(_site_slash(m) for m in _SITE_SLASH.finditer(text)):
        return True
    text = _SPELLED_ENDING.sub(_spelled_ending, text)
    # "janewalks,co,uk", "janewalks co uk"; "janewalksdotcom", "janewalks.c0m".
    # "jeanwalks,com", "jeanwalks•com": any sign for the dot, before a name no word is.
    if any((m.group(1) or m.group(3)).lower() not in english_words()
           for m in _SPACED_ENDING.finditer(text)):
        return True
    text = re.sub(r"\s*\bdot\s?com\b|(?<=[a-z])dotcom\b", ".com", text, flags=re.I)
    text = re.sub(r"\.c0m\b", ".com", re.sub(r"\.c0\b", ".co", text, flags=re.I), flags=re.I)
    # An email's domain is the email's; "annsmith dot co dot uk" is a link spelled out.
    plain, spelled = _without_emails(text), _without_emails(_OBFUSCATED_DOT.sub(".", text))
    return any(_is_link(m.group(1)) for t in {plain, spelled} for m in _DOMAIN.finditer(t))


# "I'm pauline_h on yahoo", "my gmail is grace.o": a name that is not a word, beside a provider.
_ON_PROVIDER = re.compile(r"(?<![\w.])([a-z][\w.]{0,40}?[\d_.][\w.]{0,40}|[a-z]{3,40}) on (\w+)\b",
                          re.I)  # bounded: a long run of "a1a1..." stays linear
_PROVIDER_IS = re.compile(r"\b(\w+) (?:is|:)\s*([a-z][\w.]*)", re.I)
_AT_PROVIDER = re.compile(r"\b([a-z]{4,}) at (?:the |a |an )?(\w+)\b", re.I)


def _emails(text: str) -> tuple[str, list[re.Match[str]]]:
    """`text` with obfuscated at and dot mended, and the email addresses in it."""
    for typed, mended in ((True, text),
                          (False, _OBFUSCATED_AT.sub("@", _OBFUSCATED_DOT.sub(".", text)))):
        found = [m for m in _EMAIL.finditer(mended) if _an_address(m, typed)]
        if found:
            return mended, found
    return text, []


def _an_address(match: re.Match[str], typed: bool) -> bool:
    """Any name@domain.ending (even one read backwards), or a provider without its ending:
    "jsmith52 at gmail" and "janesmith52 at sky" are addresses; "I'm rubbish at gmail" and
    "look at me" are not (an "at" spelled out needs a made-up name, and a provider that is
    an everyday word a name no word could be)."""
    domain = match.group(1).lower()
    if "." in domain:
        return bool(re.search(r"[a-z]{2,}$", domain) and re.search(r"[a-z]", domain.split(".")[0]))
    name = match.group(0).split("@")[0].lower()
    if not typed and (len(name) < 2 or match.string[match.start() - 1:match.start()] == "'"):
        return False  # "she's at yahoo": the s of "she's" is no name
    coined = bool(re.search(r"[\d_.]", name))
    if domain in WORD_PROVIDERS:
        return coined
    return domain in NAMED_PROVIDERS and (typed or coined or name not in english_words())


_PROVIDER_SPELLINGS = re.compile(r"\bg[\s-]mail\b|\bgoogle\s?mail\b|\bvirgin\s?media\b|"
                                 r"\bbt\s?internet\b|\bhot\s?mail\b", re.I)
# "jane.smith52", "pauline_h": a name with a digit or an underscore, never "moment.shall".
# "ahmed.y": a dot inside a name, not a full stop before the next sentence ("walk.See").
_MADE_UP_NAME = re.compile(r"\b[a-z]+[._][a-z]*\d+\b|\b[a-z]+_[a-z]+\b|\b[a-z]+\.[a-z]+\b")
# "the usual gmail bit", "a icloud one", "the hotmail address": the part after the @.
_PROVIDER_PART = re.compile(r"\b(?:the|a|an|my)\s+(?:usual\s+)?(\w+)\s+(?:bit|one|address|"
                            r"account|ending|end)\b", re.I)
_BARE_PROVIDER = re.compile(r"\b([a-z]{5,})[\s,]+(\w+)[\s,]+(?:com|co[\s,]+uk|net)\b", re.I)
_MAIL_WORD = re.compile(r"\b(?:e-?mail|mail|at|@)\b|@", re.I)
# How people dictate an address or a handle they will not type: "all one word", "no spaces",
# "with a dot after the k", "(all together)", "then 52".
_SPELLING_OUT = re.compile(
    r"\ball (?:one word|together|joined(?: up)?|run together|lower ?case|small letters)\b|"
    r"\bno spaces?\b|\brun together\b|\bjoined up\b|\bwith (?:a|an) (?:dot|full stop|"
    r"underscore|point) (?:after|before|between|in)\b|\bmy (?:full )?name,? then\b", re.I)


def _named_at_provider(text: str) -> bool:
    """An address told rather than typed: a made-up name beside a provider's name."""
    text = _PROVIDER_SPELLINGS.sub(lambda m: re.sub(r"[\s-]", "", m.group(0)).lower(), text)
    words = {w.lower() for w in re.findall(r"[a-z]+", text, re.I)}
    # "jane.smith52 and the usual gmail bit", "ahmed.y, it's a icloud one": a made-up name
    # and a provider; "tony k wigston, all one word, at gmail": dictated.
    if words & NAMED_PROVIDERS and (_NAME_WITH_DIGITS.search(text) or _MADE_UP_NAME.search(
            text) or (_SPELLING_OUT.search(text) and _MAIL_WORD.search(text))):
        return True
    # "jeanwalker gmail com": a made-up name, the provider and its ending, no at or dot.
    if any(m.group(2).lower() in NAMED_PROVIDERS and _coined(m.group(1))
           for m in _BARE_PROVIDER.finditer(text)):
        return True
    # "it's jwalker and then the btinternet bit": a made-up name, then the provider's part.
    if any(m.group(1).lower() in NAMED_PROVIDERS for m in _PROVIDER_PART.finditer(text)) and any(
            _coined(w) for w in re.findall(r"\b[a-z]{5,}\b", text)):
        return True
    for match in _ON_PROVIDER.finditer(text):
        name, provider = match.group(1).lower(), match.group(2).lower()
        # "feelin on me chest": a provider that is an everyday word needs a made-up name.
        if provider in PROVIDERS | {"bt"} and (re.search(r"[\d_.]", name) or (
                name not in english_words() and provider not in WORD_PROVIDERS)):
            return True
    if any(m.group(1).lower() in NAMED_PROVIDERS and re.search(r"[\d_.]", m.group(2))
           for m in _PROVIDER_IS.finditer(text)):
        return True
    # "email is tonykwigston at the google mail": a word no dictionary has, at a provider.
    return any(m.group(1).lower() not in english_words() for m in _AT_PROVIDER.finditer(text)
               if m.group(2).lower() in NAMED_PROVIDERS)


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
    r"fb|f b|tik ?tok|the tok|twitter|telegram|tg|whats ?app|discord|skype|threads|"
    r"bluesky|linked ?in|kik|wechat|messenger|youtube|pinterest|reddit|strava|wordfeud|linktree|"
    r"words with friends|zoom|bird app|ghost thing|yellow ghost|blue app|username|user name|"
    r"handle|gamertag|socials|substack|tumblr|blogger|flickr|vimeo|twitch|mastodon|viber)\b",
    re.I)
# A name with an underscore in it is a username wherever it stands ("kezza_77").
_UNDERSCORED = re.compile(r"(?<![\w.])(?=[\w.]{5})[a-z][a-z0-9.]*_[a-z0-9_.]*[a-z0-9](?![\w])",
                          re.I)
_HANDLE_TOKEN = re.compile(r"[A-Za-z0-9](?:[\w.:#]|-(?=\w))*")
# Asking to be found: a profile name beside these is a contact detail ("search Tony Knight
# Wigston on facebook", "add me on fb, I'm Shazia Patel").
_INVITATION = re.compile(
    r"\b(?:find|add|follow|message|messenger|dm|pm|inbox|ping|tag|friend|look for|look)\s+me\b|"
    r"\bsearch\b|\blook for\b|"
    r"\blook\s+(?:me\s+)?up\b|\bgoogle\b|"
    r"\bi'?m\s+on\s+\w+\s+as\b|\bunder\b|\bcalled\b|\bmy (?:name|page|profile|handle)\b|"
    r"\bmy\s+[\w ]{2,12}?(?:\s+is\b|\s*:)",  # "my insta is annwalks", "my snap: ..."
    re.I)
# "I'm janewalks52 on pretty much everything": a made-up name after "I'm", then "on".
_IM_HANDLE = re.compile(r"\bi'?m\s+(?=[a-z][\w.]*\d)[\w.]{4,}\s+on\b", re.I)
# "i'm jeanwalks on insta": a word no dictionary has after "I'm", then "on" a platform.
_IM_ON = re.compile(r"\bi'?m\s+([a-z][a-z.]{4,})\s+on\s+(?:the\s+)?(\w+(?: \w+)?)", re.I)
# A made-up name with digits ("janewalks52", "PatOakes1948") beside an invitation.
_NAME_WITH_DIGITS = re.compile(r"(?<![\w.@])[a-z][a-z._]{3,}\d{2,4}\b", re.I)
HANDLE_WINDOW = 8  # words either side of the platform word
HANDLE_SPAN = 200  # characters either side that hold those words
# The platform word, then a sign that a name follows: "discord: walkingwithbev",
# "snap - sallyslims", "tiktok ➡️ grandadgary", "fb: Bev Turner", "youtube channel: ...".
_NAME_FOLLOWS = re.compile(
    r"^(?:\s+(?:handle|name|username|account|id|page|channel|profile))?\s*"
    r"(?:[:=\-–—>→➡⇒👉]+|\s(?:is|=))\s*", re.I)


_MEASURE = re.compile(r"^\d+(?:am|pm|k|km|mg|ml|th|st|nd|rd|s|min|mins|hrs?)$", re.I)


@lru_cache(maxsize=4096)  # a long post repeats its words: each is judged once
def _looks_like_handle(token: str) -> bool:
    return bool(re.search(r"[a-z]", token, re.I) and re.search(r"\d|_|\w[.:#]\w", token)
                and not _MEASURE.match(token))


# X, as Twitter is now called, named where a letter x (a kiss) cannot stand: "x: runnerjo",
# "on x as runnerjo", "my x is runnerjo", "x (twitter) runnerjo".
_X_PLATFORM = re.compile(r"(?:(?<=^)|(?<=[\s(]))x(?=\s*(?:[:=]|\((?:formerly\s+)?twitter\)))|"
                         r"(?<=\bon )x\b(?![\w'.])|(?<=\bmy )x(?=\s+(?:is|handle|account)\b)",
                         re.I)
# A handle given as the name the other person already knows: "insta: same as my name, in
# lower case", "my snap is just my name", "same name as on here".
_NAME_REFERENCE = re.compile(
    r"\b(?:same as|just|under)\s+my\s+(?:full\s+|real\s+|first\s+|own\s+)?name\b|"
    r"\bmy\s+(?:full\s+|real\s+)?name\s+(?:in|all|with\s+no|no)\s+(?:lower\s?case|small|"
    r"one word|spaces?)\b|\bsame\s+(?:name|username|handle)\s+as\s+(?:on\s+|in\s+)?"
    r"(?:here|this|the app|my name)\b", re.I)


def _has_handle(text: str) -> bool:
    """A username: after @, with an underscore, or near a platform's name."""
    text = re.sub(r"\s+underscore\s+", "_", text, flags=re.I)
    text = _X_PLATFORM.sub("twitter", text)
    # "sukhi . k", "bev dot knits", "pauline dot h dot leics": dots said or spaced, joined.
    text = re.sub(r"(?<=\w) (?:\.|dot|DOT|\(dot\)|\[dot\]) (?=\w)", ".", text)  # not "Dot"
    if _AT_HANDLE.search(text) or _UNDERSCORED.search(text):
        return True
    if _IM_HANDLE.search(text) or any(
            _coined(m.group(1)) and _PLATFORM.match(m.group(2)) for m in _IM_ON.finditer(text)):
        return True
    invitation = _INVITATION.search(text)
    if invitation and _NAME_WITH_DIGITS.search(text):
        return True
    # "@ annsmith60" yes; "@ the cafe", "meet @ 10.30" no.
    if any(re.search(r"\d|_|\.", m.group(1)) or m.group(1).lower() not in english_words()
           for m in _AT_SPACED.finditer(text)):
        return True
    platforms = list(_PLATFORM.finditer(text))
    # "insta @ walking with bev (all together)", "snap: gaz b 1982 no spaces": dictated.
    if (platforms or "@" in text) and (_SPELLING_OUT.search(text) or _NAME_REFERENCE.search(text)):
        return True
    return any(_handle_near(text, match, invitation is not None) for match in platforms)


def _handle_near(text: str, match: re.Match[str], invited: bool) -> bool:
    """Whether the words around a platform's name (`match`) give a name to find someone by."""
    # Only the characters near it are read, so a long post of platform names stays linear.
    following = text[match.end():match.end() + HANDLE_SPAN]
    if re.match(r"\s?[.(]", following):
        return False  # part of a link ("facebook.com/ann"): the link finder's
    after = _HANDLE_TOKEN.findall(following)[:HANDLE_WINDOW]
    before = _HANDLE_TOKEN.findall(text[max(0, match.start() - HANDLE_SPAN):match.start()])[
        -HANDLE_WINDOW:]
    if any(_looks_like_handle(t) for t in after[:4] + before[-3:]):
        return True
    # "discord: walkingwithbev", "fb: Bev Turner": a word no dictionary has, or a name.
    if (follows := _NAME_FOLLOWS.match(following)) is not None:
        named = following[follows.end():]
        first = _HANDLE_TOKEN.match(named)
        if (first and _coined(first.group(0))) or _profile_name(named):
            return True
    # "snapchat me rosiewalks", "on tiktok as rosiewalks": a made-up word just after.
    if any(_coined(t) for t in _after_small_words(after)):
        return True
    # "on fb I'm Lorraine Gill", "facebook as Sue Baker": a name introduced just after.
    if _introduced_name(after):
        return True
    # "find me on insta, I'm annwalks", "look up bevknits on substack": a made-up word
    # beside an invitation.
    if invited and any(t.islower() and _coined(t) for t in after[:4] + before[-3:]):
        return True
    # A profile name straight after the platform ("face book Sue Baker Syston"), or
    # anywhere near it when someone asks to be found.
    return _has_name(after[:3], 3) or (invited and (_has_name(before) or _has_name(after)))


# A person's name on its own after "fb:", ending the message or a clause ("fb: Bev Turner
# (don't laugh)"), not the start of a sentence ("zoom: Tuesday Morning stretch class").
_PROFILE_NAME = re.compile(
    r"^([A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){1,2})(?=\s*(?:$|[^\w\s]|(?:x+|lol|ta|thanks|pls)\b))")
_CALENDAR = re.compile(r"\b(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)(?:day)?\b|"
                       r"\b(?:morning|afternoon|evening|night|today|tomorrow)\b", re.I)


def _profile_name(text: str) -> bool:
    found = _PROFILE_NAME.match(text)
    return found is not None and not _CALENDAR.search(found.group(1))


_SMALL_WORDS = frozenset({"me", "as", "is", "its", "it's", "im", "i'm", "i", "m", "am", "called",
                          "name", "under", "at", "it", "on", "s", "everywhere", "there", "here",
                          "too", "also"})


def _after_small_words(tokens: list[str]) -> list[str]:
    """The first word after the platform's name that is not a small word ("me", "as"; "I'm"
    is read as two tokens, "I" and "m")."""
    rest = list(itertools.dropwhile(lambda t: t.lower() in _SMALL_WORDS, tokens[:4]))
    return rest[:1]


# Words that introduce a profile name: "as", "I'm" (two tokens), "under", "called".
# Not "it's": "on facebook it's Sarah Smith's 60th" is news, not a profile.
_NAME_INTRO = frozenset({"as", "i", "m", "im", "am", "under", "called", "me"})


def _introduced_name(tokens: list[str]) -> bool:
    """A name (two capitalised words) just after "as", "I'm", "me -", "under": "on fb I'm
    Lorraine Gill"; not one straight after the platform ("on Facebook Mary Jones had ...")."""
    intro = list(itertools.takewhile(lambda t: t.lower() in _NAME_INTRO or _PLATFORM.fullmatch(t),
                                     tokens[:4]))
    return any(t.lower() in _NAME_INTRO for t in intro) and _has_name(
        tokens[len(intro):len(intro) + 2], places=True)


@lru_cache(maxsize=4096)
def _coined(token: str) -> bool:
    """A made-up word: "walkingwithbev", "sallyslims", not "what" or "never", nor a
    platform's own name ("facebook/instagram")."""
    return token.isalpha() and len(token) > 4 and token.lower() not in english_words() \
        and not _PLATFORM.fullmatch(token)


# Words that make capitalised words a place, not a person: "Watermead Park", "Abbey Road";
# not those that are also surnames (Hall, Green, Wood, Lane, Church, Field).
_PLACE_WORDS = frozenset({
    "park", "road", "rd", "avenue", "centre", "center", "hospital", "station", "library",
    "market", "school", "college", "university", "museum", "cafe", "café", "pub", "gardens",
    "lake", "reservoir", "forest", "leisure", "retail", "surgery", "clinic", "infirmary",
    "cathedral", "mosque", "temple", "gurdwara", "chapel", "hotel", "meadows", "trail"})


def _has_name(tokens: list[str], words: int = 2, places: bool = False) -> bool:
    """`words` capitalised words in a row that are not the platform's own ("Sue Baker";
    with a place, "Sue Baker Syston"), nor a place's name ("Watermead Park") unless
    `places` (the name is introduced: "on facebook as Linda Park")."""
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) > 1 and all(part[:1].isupper() and part[1:].islower()
                                  for part in token.split("-")) \
                and not _PLATFORM.fullmatch(token):  # "Oakes-Bell" too
            run.append(token.lower())
            continue
        if len(run) >= words and (places or not _PLACE_WORDS & set(run)):
            return True
        run = []
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
# The digits may be typed as I, l, O, Z or S ("LEI8 2AB", "LE18 ZAB"); the halves may have
# punctuation, an emoji or "and then" between them.
_POSTCODE = re.compile(
    r"(?<!')\b([a-z]{1,2})[\s\-_./]{0,2}([\dIlO][a-z\d]?)(?:[^\w]{0,3}|[\s,]+(?:and\s+)?then\s+)"
    r"([\dIlOZS])[\s\-_./*•–]{0,2}([abd-hjlnp-uw-z])\s?([abd-hjlnp-uw-z])\b", re.I)
_STREETS = ("road|rd|street|avenue|ave|av|lane|ln|crescent|cres|terrace|mews|boulevard|"
            "close|cl|drive|dr|way|walk|place|court|grove|gardens|park|hill|rise|view|green|"
            "square|row|parade|gate|chase|croft|wharf|yard|meadows|st|"
            "gr|gro|gdns|sq|ter|terr|ct|pde|pl")
# Street words that are also ordinary words ("a 10 minute walk", "3 close friends"): only
# after a name ("22 Belgrave Gate", "7 narborough walk"), not after ordinary words.
_PLAIN_STREETS = frozenset({"road", "rd", "street", "avenue", "ave", "lane", "ln", "crescent",
                            "cres", "terrace", "mews", "boulevard"})
_ADDRESS = re.compile(
    rf"\b(\d{{1,4}})[a-h]?,?\s+((?:[A-Za-z'-]+\s+){{0,3}})({_STREETS})\b", re.I)
_TIME_WORDS = frozenset({"at", "for", "from", "until", "till", "by", "around", "about"})
# "I live at 14 Elm Grove", "the flat above the chippy at 22 ...": a home, not a time,
# after "at".
_HOME_AT = re.compile(r"\b(?:live|lives|living|lived|staying|moved|"
                      r"address is|home is|house is)\s+(?:at|to|in)\s*$|"
                      r"\b(?:flat|house|home|bungalow|address|door)\b[^.!?]*\bat\s*$", re.I)
# Between a number and a street word, these make it a distance, a time or a route.
NOT_HOUSE = frozenset({
    "minute", "minutes", "min", "mins", "mile", "miles", "hour", "hours", "hr", "hrs", "second",
    "seconds", "day", "days", "week", "weeks", "month", "months", "year", "years", "lap",
    "laps", "step", "steps", "k", "km", "metre", "metres", "yard", "yards", "bus", "buses",
    "stop", "stops", "time", "times", "along", "down", "up", "from", "to", "on", "near", "off",
    "past", "via", "by", "across", "round", "around", "into", "onto", "towards", "of", "in",
    "at", "through", "walk", "walks", "hour's", "people", "of us", "or", "and", "more", "for",
    "with", "that", "who", "which", "love", "loves", "live", "lives", "like", "likes", "are",
    "then", "so", "just", "not", "we", "you", "they", "it", "pounds", "pound", "quid", "pence",
    "p", "euros", "dollars",
    "is", "was", "were", "have", "has", "had", "all", "get", "go", "went",
    "after", "before", "since", "during", "while", "until", "till"})  # "13 after the walk"
# Words that say what kind of walk or way, typed in small letters: never a street's name
# ("one big walk", "£5 each way", "2 long drives"), though "14 Long Lane" is one.
QUALIFIERS = frozenset({
    "a", "an", "each", "every", "per", "big", "long", "short", "little", "small", "nice",
    "lovely", "good", "great", "quick", "slow", "brisk", "gentle", "easy", "hard", "steep",
    "fast", "few", "other", "different", "whole", "extra", "same", "separate", "more", "less",
    "new", "proper", "decent", "steady", "flat", "hilly", "muddy", "wet", "lazy"})
# "house number 14 on queens rd", "Flat 7, St Peters House"; not "my neighbour at number 12
# keeps parking over my drive" (a street word after "my" or "the" is no street's name).
_NUMBERED_HOME = re.compile(
    rf"\b(?:house|flat|apartment|apt|no\.?|number)(?:'s|\s+is)?\s*\d{{1,4}}[a-h]?\b"
    r"(?!\s*(?:miles?|mins?|minutes?|hours?|km|k|yards|metres|meters|steps|stops)\b)"
    rf"[\w\s,']{{0,30}}?(?<!\bmy )(?<!\bthe )(?<!\bour )(?<!\byour )(?<!\bhis )(?<!\bher )"
    rf"(?<!\bmy own )(?<!\btheir )(?<!\ba )\b({_STREETS})\b|"
    r"\b(?:flat|apartment|apt)\s*\d{1,4}[a-h]?\b,?\s+(?:[A-Z][\w']*\s+){1,3}"
    r"(?:house|court|lodge|mews|buildings|tower|apartments|hall|mansions|close)\b", re.I)
# The street first: "Main St, no 4 is mine", "catherine street, number 14", "the cres at
# number 7"; not "back to square one", "before the walk, 6.1 after" (a reading).
_NUMBER_AFTER = re.compile(
    rf"\b({_STREETS})\b[,\s]+(?:(?:at\s+)?(?:no\.?|number|num|#)\s*\d{{1,4}}\b|"
    r"\d{1,4}[a-h]?\s*(?:$|[,.!;](?!\d)))", re.I)
# A street word after "the", "to" or "my" with a bare number after it is no address: "back to
# square one", "the walk, 6" (the same number after "number" still counts: "the cres at
# number 7").
_ORDINARY_BEFORE = re.compile(r"\b(?:the|to|my|a|our|your|his|her|their|this|that)\s+$", re.I)


# Street words that are places in a venue or a park as well ("meet at gate 1", "court 2",
# "row 3", "green 4"): a bare number after them is an address only after a name ("Belgrave
# Gate 12"); after a road word or an abbreviation ("catherine street, 14", "Main St, 4") it is.
_ADDRESSY_STREETS = _PLAIN_STREETS | frozenset({
    "st", "dr", "cl", "gr", "gro", "gdns", "sq", "ter", "terr", "ct", "pde", "pl", "av"})
_NAME_BEFORE = re.compile(r"\b[A-Z][a-z'-]+\s+$")
_HOME_WORD = re.compile(r"\b(?:live|lives|living|lived|address|house|home|flat|stay|staying)\b",
                        re.I)


def _number_after(text: str) -> bool:
    for match in _NUMBER_AFTER.finditer(text):
        if re.search(r"\b(?:no|number|num)\b|#", match.group(0), re.I):
            return True
        before = text[max(0, match.start() - 30):match.start()]
        if _ORDINARY_BEFORE.search(before[-8:]):
            continue
        if match.group(1).lower() in _ADDRESSY_STREETS or _NAME_BEFORE.search(before) or \
                _HOME_WORD.search(before):
            return True
    return False


# A postcode's halves told apart or back to front: "my postcode ends 7QH, LE2 obviously",
# "postcode starts LE2 and ends 7QH". The second half (a digit and two letters a unit may
# have) counts in capitals, or in any case beside the word postcode.
_OUTWARD = re.compile(r"\b([a-z]{1,2})(\d[a-z\d]?)\b", re.I)
_INWARD = re.compile(r"\b\d\s?[abd-hjlnp-uw-z]\s?[abd-hjlnp-uw-z]\b", re.I)
_POSTCODE_WORD = re.compile(r"\bpost\s?codes?\b|\bpostcode'?s\b", re.I)
# A digit and two letters in small letters that are an ordinal or a measure, not the end of
# a postcode: "the 3rd", "5ft 2", "1hr 20".
_NOT_A_UNIT = frozenset({"st", "nd", "rd", "th", "ft", "lb", "hr", "yd", "pt"})


def _has_postcode(text: str) -> bool:
    if any(_a_postcode(m) for m in _POSTCODE.finditer(text)):
        return True
    outward = [m for m in _OUTWARD.finditer(text) if m.group(1).upper() in AREAS]
    if not outward:
        return False
    said = _POSTCODE_WORD.search(text) is not None
    return any((said or m.group(0).isupper()) and m.group(0)[-2:].lower() not in _NOT_A_UNIT
               and not any(o.start() <= m.start() < o.end() for o in outward)
               for m in _INWARD.finditer(text))


def _a_postcode(match: re.Match[str]) -> bool:
    """Typed letters are read as digits only where a digit must be, and in the first half
    only when the second is typed in capitals ("LEl 2AB"): "half 9 at", "Mon 3rd" pass."""
    area, district, sector, unit = match.group(1), match.group(2), match.group(3), \
        match.group(4) + match.group(5)
    if area.upper() not in AREAS or unit in _NOT_A_UNIT:
        return False
    if not sector.isdigit() and not unit.isupper() and (sector + unit).lower() in english_words():
        return False  # "LE18, see you": a word, not a 5 typed as S
    if district[0].isdigit():
        return True
    return sector.isdigit() and unit.isupper()


# A house number and a name with no street word: "at 14 Elm", "I'm at 14 on Elm", "I live at
# 7 Sycamore". A number after "at" is a time up to 12 ("at 10 Abbey Park"), so only a
# bigger one counts, or any after "number" or where someone lives.
_BARE_HOUSE = re.compile(
    r"\b(at|live at|lives at|living at|round to|come to)\s+(number\s+|no\.?\s*)?"
    r"(\d{1,4})[a-h]?,?\s+(?:on\s+)?([A-Z][a-z']+)", re.I)
# Capitalised words after "at 40" that are not a street's name: ages, seasons, the rest.
_NOT_A_STREET_NAME = frozenset({
    "i", "i'm", "im", "i'd", "i've", "i'll", "we", "he", "she", "they", "you", "my", "mum", "dad",
    "nan", "gran", "grandad", "christmas", "xmas", "easter", "the", "a", "and", "or", "but",
    "so", "then", "on", "at", "in", "to", "degrees", "percent", "mph", "years", "months",
    "weeks", "days", "hours", "mins", "minutes", "quid", "pounds", "platform", "gate", "stop",
    "ward", "room", "level", "bus", "number", "no", "sharp", "ish", "tomorrow", "today",
    "tonight", "morning", "afternoon", "evening", "pm", "am", "o'clock", "oclock", "lol", "x",
})
_CALENDAR_WORD = re.compile(
    r"^(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)(?:day|days)?$|^(?:jan|feb|mar|"
    r"apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*$", re.I)


# The name ends the clause: "at 14 Elm", "at 14 Elm, the one with", "at 14 Elm so pop round".
_CLAUSE_END = re.compile(r"\s*(?:$|[^\w\s']|(?:x+|lol|so|if|and|then|come|pop|near|by|next|"
                         r"opposite|just|now|ok)\b)", re.I)


def _bare_house(text: str, match: re.Match[str]) -> bool:
    number, name = int(match.group(3)), match.group(4)
    if not name[0].isupper() or name.lower() in _NOT_A_STREET_NAME or _CALENDAR_WORD.match(
            name) or 1900 <= number <= 2099 or re.match(r"\s*[:.]\d", text[match.end(3):]):
        return False  # "at 16 I left school", "at 10 on Saturday", "at 14:00"
    if _UNIT_AFTER.match(text[match.end(3):match.end(3) + 8]):
        return False  # "at 20 mph"
    if not _CLAUSE_END.match(text[match.end():]):
        return False  # "at 80 Dorothy still walks": an age, then a person
    home = match.group(2) is not None or match.group(1).lower() not in ("at", "come to") or \
        _HOME_AT.search(text[:match.end(1)]) is not None
    return home or number > 12


# Three words with dots beside the service's name, or after a colon without them ("what3words:
# table lamp spoon"); "have you heard of what3words, it is so clever" passes.
_W3W = re.compile(r"\b(?:what\s?3\s?words|what\s?three\s?words|w3w)\b(?:.{0,30}?\b[a-z]+\.[a-z]+"
                  r"\.[a-z]+\b|\s*[:=\-]\s*[a-z]+\s+[a-z]+\s+[a-z]+)", re.I)


def _what3words(text: str) -> bool:
    """A what3words address ("///table.lamp.spoon", "what3words: table lamp spoon") or a
    map position to four places ("52.6369, -1.1398"): a front door as surely as a street."""
    if re.search(r"///\s*[a-z]+\.[a-z]+\.[a-z]+", text, re.I) or _W3W.search(text):
        return True
    return any(abs(float(m.group(1))) <= 90 and abs(float(m.group(2))) <= 180 for m in re.finditer(
        r"(?<![\d.])(-?\d{1,2}\.\d{4,})°?\s*[nsNS]?\s*[,/ ]\s*(-?\d{1,3}\.\d{4,})(?![\d.])", text))


def _has_address(text: str) -> bool:
    if _number_after(text) or _NUMBERED_HOME.search(text) or _what3words(text):
        return True
    if any(_bare_house(text, match) for match in _BARE_HOUSE.finditer(text)):
        return True
    return any(_a_house(text, match) for match in _ADDRESS.finditer(text))


def _a_house(text: str, match: re.Match[str]) -> bool:
    """A house number, a name and a street word, rather than a year, a distance, money, a
    time then a place, or a number of ordinary things ("one big walk", "£15 each way")."""
    number, street = int(match.group(1)), match.group(3).lower()
    between = match.group(2).split()
    preceding = text[max(0, match.start() - 24):match.start()]
    words_before = preceding.split()
    before = words_before[-1].lower() if words_before else ""
    if 1900 <= number <= 2099 or _MONEY_BEFORE.search(preceding) or re.search(
            r"\d[:.]$", preceding):
        return False  # a year ("in 1967 Melton Road"), money ("£15 each way"), "at 14:00 ..."
    if re.match(r"\s*(?:bus|buses|service|route|stop)\b", text[match.end():], re.I):
        return False  # "the 14 Abbey Park Road bus": a route
    if not between or NOT_HOUSE & {w.lower() for w in between}:
        return False  # "3 close friends", "5 miles along London Road", "2 buses down Narborough Rd"
    if street not in _PLAIN_STREETS and all(w in QUALIFIERS for w in between):
        return False  # "all one big walk", "5 each way": how big, how many, not a name
    home = _HOME_AT.search(text[:match.start()]) is not None
    # "meet at 10 Abbey Park": a time, then a place; "I live at 14 Elm Grove", "the flat
    # above the chippy at 22 Belgrave Gate": a home.
    return home or not (before in _TIME_WORDS and number <= 12 and street not in _PLAIN_STREETS)


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
    folded = " ".join(fold(text).split())  # one space between words: no long gaps to scan
    joined = joined_singles(folded)
    mended = joined_singles(digitised(folded))
    # Numbers are read with words made digits; names, links and emails as typed (mending
    # would make the "o" of "c o . u k" a zero); addresses and postcodes both ways.
    sources = {ContactKind.PHONE: (mended,), ContactKind.POSTCODE: (joined, mended),
               ContactKind.ADDRESS: (joined, mended)}
    if LETTER_NAME.search(mended):
        sources[ContactKind.POSTCODE] += (joined_singles(letters_said(mended)),)
    found = {ENTITY_KINDS[t] for t in entity_types if t in ENTITY_KINDS}
    for kind, finder in _FINDERS:
        if kind in kinds and kind not in found and any(
                finder(s) for s in sources.get(kind, (folded, joined))):
            found.add(kind)
    if ContactKind.PHONE not in found and previous and ContactKind.PHONE in kinds:
        earlier = joined_singles(digitised(" ".join(fold(previous).split())))
        if not _has_phone(earlier) and _has_phone(f"{earlier} {mended}"):
            found.add(ContactKind.PHONE)
    return [kind for kind in ContactKind if kind in found and kind in kinds]
