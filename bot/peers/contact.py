"""The one contact-detail detector, for peer relays and group posts: phone numbers, email
addresses, social handles, links, full UK postcodes and street addresses. A message with
any is held until both people agree to share (relays) or a helper looks (groups).

`contact_details(text)` returns the kinds found, in the order above. The text is first
mended the way people dodge filters:

- folded (NFKC: full-width digits and @), invisible characters and keycap marks dropped
  ("0️⃣7️⃣" is "07"), other scripts' digits read as digits and their look-alike letters as
  Latin (Unicode's confusables: Cyrillic "З" is 3), letters typed one by one joined
  ("L E 4 5 A B");
- digits written as words ("oh seven seven double oh", "nine hundred", "thirty four",
  even run together), and O, l, I (and in long runs S, B, Z) among digits, read as digits;
- any separator between digit groups ("07700/900_123", "0 7 7 0 0", "07700 • 900 • 123").

Phone numbers: a UK number by its shape (10 or 11 digits from 0, or after +44: the
fictional 07700 900xxx range counts, as a person dodging a filter types exactly that);
one from abroad by libphonenumber (`PhoneNumberMatcher`, leniency POSSIBLE after a + or
00, VALID without); a local number as 7 digits ("254 1234"). Dates, times, years, money,
step counts, bus numbers, lists of small numbers (lottery, readings) and clock times are
let through. A number split over two of one person's messages is caught by passing the
earlier one as `previous`. Links and emails are checked against the Public Suffix List
as `tldextract` bundles it (offline): "annsmith.me" is a link,
"today.it" (a full stop without its space) is not. Measured in bench/contact_detection.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import timedelta
from enum import StrEnum
from functools import cache, lru_cache

import phonenumbers
import tldextract
from confusable_homoglyphs import confusables

from bot.engine.textnorm import english_words


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

# -- mending ------------------------------------------------------------------------------
_DIGIT_WORDS = {"zero": "0", "oh": "0", "o": "0", "nought": "0", "nil": "0", "one": "1",
                "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                "eight": "8", "nine": "9", "niner": "9"}
_REPEAT_WORDS = {"double": 2, "treble": 3, "triple": 3}
_TEENS = {"ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
          "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18",
          "nineteen": "19"}
_TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6",
         "seventy": "7", "eighty": "8", "ninety": "9"}
_SPELLED = re.compile(
    r"\b(?:double|treble|triple)\s+\w+\b|\b\w+\s+hundred\b|"
    rf"\b(?:{'|'.join(_TENS)})[\s-]+(?:one|two|three|four|five|six|seven|eight|nine)\b|"
    r"\b[a-z]+\b", re.I)
# A run of digits with O, l or I typed for 0 and 1 ("O77OO", "9OO", "l23"); in a longer
# run, S, B and Z for 5, 8 and 2 too ("8S9986"), never in a short one ("B12", "b4").
_LOOKALIKE = re.compile(r"\b(?=[0-9OoIl]*[0-9])[0-9OoIl]{3,}\b|"
                        r"\b(?=(?:[A-Za-z]*[0-9]){3})[0-9OoIlSsBbZz]{5,}\b")
# Letters or digits typed one at a time: "L E 4 5 A B", "0 7 7 0 0".
_SINGLES = re.compile(r"\b(?:\w(?: {1,2}| ?[.\-] ?)){3,}\w\b")


def fold(text: str) -> str:
    """Compatibility forms folded (full-width digits, @), invisible characters and the
    marks that make keycap emoji dropped, and letters from other scripts that look like
    Latin letters or digits read as those ("О7912 З45678": Cyrillic O and Ze)."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(_look_alike(c) for c in folded
                   if unicodedata.category(c) not in ("Cf", "Mn", "Me"))


@lru_cache(maxsize=4096)
def _look_alike(char: str) -> str:
    # Unicode's confusables table, as confusable_homoglyphs packages it (no network).
    if char.isascii():
        return char
    digit = unicodedata.decimal(char, None)  # Arabic, Gujarati, Devanagari... digits
    if digit is not None:
        return str(digit)
    found = confusables.is_confusable(char, preferred_aliases=["latin", "common"])
    for homoglyph in (found[0]["homoglyphs"] if found else []):
        if homoglyph["c"].isascii() and homoglyph["c"].isalnum():
            return str(homoglyph["c"])
    return char


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
    tens = re.split(r"[\s-]+", match.group(0).lower())
    if tens[0] in _TENS and (len(tens) == 1 or tens[1] in _DIGIT_WORDS):
        # "thirty four", "thirty-four", "thirty" ("twenty hundred hours" stays as it is)
        return _TENS[tens[0]] + (_DIGIT_WORDS[tens[1]] if len(tens) == 2 else "0")
    if len(words) == 1 and words[0] in _TEENS:
        return _TEENS[words[0]]
    return match.group(0)


def _lookalike(match: re.Match[str]) -> str:
    return match.group(0).translate(str.maketrans("OoIlSsBbZz", "0011558822"))


_WORD_DIGIT = r"zero|one|two|three|four|five|six|seven|eight|nine|oh|double|treble|triple"
_RUN_TOGETHER = re.compile(rf"\b(?:{_WORD_DIGIT}){{4,}}\b", re.I)


def digitised(text: str) -> str:
    """`text` (folded) with digits written as words or look-alike letters made digits."""
    # "zeroseveneightfour...": the words run together, parted again.
    text = _RUN_TOGETHER.sub(
        lambda m: " ".join(re.findall(_WORD_DIGIT, m.group(0), re.I)), text)
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
    uk_shaped = raw.lstrip().startswith("0") and len("".join(groups)) in (10, 11)
    if len(groups) >= 3 and all(len(g) <= 2 for g in groups) and not uk_shaped and (
            "," in raw or [int(g) for g in groups] == sorted(int(g) for g in groups)):
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


def _has_phone(text: str) -> bool:
    runs = [r for r in _runs(text) if not _not_a_number(text, r[0], r[1])
            and not _a_list(text[r[0]:r[1]], r[3])]
    for i, (start, end, digits, groups) in enumerate(runs):
        raw = text[start:end]
        if any(_is_phone(d, g) for d, g in _windows(digits, groups)
               if "," not in raw or len(d) >= 10):  # "0712, 0742": times, not a local number
            return True
        # Halves of one number with a few words between: "07700, rest is 900 123".
        joined, end = digits, runs[i][1]
        for start, next_end, more, _groups in runs[i + 1:i + 5]:
            if not _GLUE.match(text[end:start]):
                break
            joined, end = joined + more, next_end
            if len(joined.removeprefix("+")) >= 10 and _UK_SHAPE.match(joined.removeprefix("+")):
                return True
            # Told back to front: "ends 123 and starts 07700 900".
            if more.startswith("0") and _UK_SHAPE.match(more + digits):
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
    if not found.suffix or not found.domain or not re.search(r"[a-z]", found.domain) \
            or found.domain in _NOT_A_NAME:  # "the dot com boom"
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


_SPACED_ENDING = re.compile(r"\b([a-z][a-z0-9-]{3,})[\s,]+(co|org)[\s,]+uk\b", re.I)
_NOT_A_NAME = frozenset({"the", "a", "an", "this", "that", "my", "your", "our", "his", "her"})


def _has_link(text: str) -> bool:
    if re.search(r"https?://|\bwww\s?\.|\bwww\s+[a-z0-9]", text, re.I):
        return True
    # "janewalks,co,uk", "janewalks co uk"; "janewalksdotcom", "janewalks.c0m".
    if any(m.group(1).lower() not in english_words() for m in _SPACED_ENDING.finditer(text)):
        return True
    text = re.sub(r"\s*\bdot\s?com\b|(?<=[a-z])dotcom\b", ".com", text, flags=re.I)
    text = re.sub(r"\.c0m\b", ".com", re.sub(r"\.c0\b", ".co", text, flags=re.I), flags=re.I)
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


_PROVIDER_SPELLINGS = re.compile(r"\bg[\s-]mail\b|\bgoogle\s?mail\b|\bvirgin\s?media\b|"
                                 r"\bbt\s?internet\b|\bhot\s?mail\b", re.I)
# "jane.smith52", "pauline_h": a name with a digit or an underscore, never "moment.shall".
_MADE_UP_NAME = re.compile(r"\b[a-z]+[._][a-z]*\d+\b|\b[a-z]+_[a-z]+\b", re.I)
_MAIL_WORD = re.compile(r"\b(?:e-?mail|mail|at|@)\b|@", re.I)


def _named_at_provider(text: str) -> bool:
    text = _PROVIDER_SPELLINGS.sub(lambda m: re.sub(r"[\s-]", "", m.group(0)).lower(), text)
    words = {w.lower() for w in re.findall(r"[a-z]+", text, re.I)}
    # "jane.smith52 at the gmail", "janesmith52 - it's a hotmail": a made-up name and a
    # provider, with some word for mail between or around them.
    if words & (PROVIDERS - {"me", "live", "mail", "sky"}) and _MAIL_WORD.search(text) and (
            _NAME_WITH_DIGITS.search(text) or _MADE_UP_NAME.search(text)):
        return True
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
    r"fb|f b|tik ?tok|the tok|twitter|telegram|tg|whats ?app|discord|skype|threads|"
    r"bluesky|linked ?in|kik|wechat|messenger|youtube|pinterest|reddit|strava|wordfeud|"
    r"words with friends|zoom|bird app|ghost thing|yellow ghost|blue app|username|user name|"
    r"handle|gamertag|socials)\b", re.I)
# A name with an underscore in it is a username wherever it stands ("kezza_77").
_UNDERSCORED = re.compile(r"(?<![\w.])(?=[\w.]{5})[a-z][a-z0-9.]*_[a-z0-9_.]*[a-z0-9](?![\w])",
                          re.I)
_HANDLE_TOKEN = re.compile(r"[A-Za-z0-9][\w.:#]*")
# Asking to be found: a profile name beside these is a contact detail ("search Tony Knight
# Wigston on facebook", "add me on fb, I'm Shazia Patel").
_INVITATION = re.compile(
    r"\b(?:find|add|follow|message|dm|friend|look for|look)\s+me\b|\bsearch\b|\blook for\b|"
    r"\bi'?m\s+on\s+\w+\s+as\b|\bunder\b|\bcalled\b|\bmy (?:name|page|profile|handle)\b|"
    r"\bmy\s+[\w ]{2,12}?(?:\s+is\b|\s*:)",  # "my insta is annwalks", "my snap: ..."
    re.I)
# "I'm janewalks52 on pretty much everything": a made-up name after "I'm", then "on".
_IM_HANDLE = re.compile(r"\bi'?m\s+(?=[a-z][\w.]*\d)[\w.]{4,}\s+on\b", re.I)
# A made-up name with digits ("janewalks52", "PatOakes1948") beside an invitation.
_NAME_WITH_DIGITS = re.compile(r"(?<![\w.@])[a-z][a-z._]{3,}\d{2,4}\b", re.I)
HANDLE_WINDOW = 8  # words either side of the platform word


_MEASURE = re.compile(r"^\d+(?:am|pm|k|km|mg|ml|th|st|nd|rd|s|min|mins|hrs?)$", re.I)


def _looks_like_handle(token: str) -> bool:
    return bool(re.search(r"[a-z]", token, re.I) and re.search(r"\d|_|\w[.:#]\w", token)
                and not _MEASURE.match(token))


def _has_handle(text: str) -> bool:
    text = re.sub(r"\s+underscore\s+", "_", text, flags=re.I)
    text = re.sub(r"(?<=\w) \. (?=\w)", ".", text)  # "sukhi . k"
    if _AT_HANDLE.search(text) or _UNDERSCORED.search(text):
        return True
    if _IM_HANDLE.search(text):
        return True
    invitation = _INVITATION.search(text)
    if invitation and _NAME_WITH_DIGITS.search(text):
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
        if any(_looks_like_handle(t) for t in after[:4] + before[-3:]):
            return True
        invited = invitation is not None
        # "find me on insta, I'm annwalks": a made-up word after an invitation.
        if invited and any(t.islower() and len(t) > 4 and t not in english_words()
                           for t in after[:4]):
            return True
        # A profile name straight after the platform ("face book Sue Baker Syston"), or
        # anywhere near it when someone asks to be found.
        if _has_name(after[:3], 3) or (invited and (_has_name(before) or _has_name(after))):
            return True
    return False


def _has_name(tokens: list[str], words: int = 2) -> bool:
    """`words` capitalised words in a row that are not the platform's own ("Sue Baker";
    with a place, "Sue Baker Syston")."""
    run = 0
    for token in tokens:
        if token[:1].isupper() and token[1:].islower() and len(token) > 1 \
                and not _PLATFORM.fullmatch(token):
            run += 1
            if run == words:
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
# The digits may be typed as I, l, O, Z or S ("LEI8 2AB", "LE18 ZAB"); the halves may have
# punctuation, an emoji or "and then" between them.
_POSTCODE = re.compile(
    r"(?<!')\b([a-z]{1,2})[\s\-_./]{0,2}([\dIlO][a-z\d]?)(?:[^\w]{0,3}|[\s,]+(?:and\s+)?then\s+)"
    r"([\dIlOZS])[\s\-_./*•–]{0,2}([abd-hjlnp-uw-z])\s?([abd-hjlnp-uw-z])\b", re.I)
_STREETS = ("road|rd|street|avenue|ave|av|lane|ln|crescent|cres|terrace|mews|boulevard|"
            "close|cl|drive|dr|way|walk|place|court|grove|gardens|park|hill|rise|view|green|"
            "square|row|parade|gate|chase|croft|wharf|yard|meadows|st")
# Street words that are also ordinary words ("a 10 minute walk", "3 close friends"): only
# after a name ("22 Belgrave Gate", "7 narborough walk"), not after ordinary words.
_PLAIN_STREETS = frozenset({"road", "rd", "street", "avenue", "ave", "lane", "ln", "crescent",
                            "cres", "terrace", "mews", "boulevard"})
_ADDRESS = re.compile(
    rf"\b(\d{{1,4}})[a-h]?,?\s+((?:[A-Za-z'-]+\s+){{0,3}})({_STREETS})\b", re.I)
_TIME_WORDS = frozenset({"at", "for", "from", "until", "till", "by", "around", "about"})
# Between a number and a street word, these make it a distance, a time or a route.
NOT_HOUSE = frozenset({
    "minute", "minutes", "min", "mins", "mile", "miles", "hour", "hours", "hr", "hrs", "second",
    "seconds", "day", "days", "week", "weeks", "month", "months", "year", "years", "lap",
    "laps", "step", "steps", "k", "km", "metre", "metres", "yard", "yards", "bus", "buses",
    "stop", "stops", "time", "times", "along", "down", "up", "from", "to", "on", "near", "off",
    "past", "via", "by", "across", "round", "around", "into", "onto", "towards", "of", "in",
    "at", "through", "walk", "walks", "hour's", "people", "of us", "or", "and", "more", "for",
    "with", "that", "who", "which", "love", "loves", "live", "lives", "like", "likes", "are",
    "is", "was", "were", "have", "has", "had", "all", "get", "go", "went"})
# "house number 14 on queens rd", "Flat 7, St Peters House".
_NUMBERED_HOME = re.compile(
    rf"\b(?:house|flat|apartment|apt|no\.?|number)(?:\s+is)?\s*\d{{1,4}}[a-h]?\b"
    rf"[\w\s,']{{0,30}}?\b({_STREETS})\b|"
    r"\b(?:flat|apartment|apt)\s*\d{1,4}[a-h]?\b,?\s+(?:[A-Z][\w']*\s+){1,3}"
    r"(?:house|court|lodge|mews|buildings|tower|apartments|hall|mansions|close)\b", re.I)
# The street first: "Main St, no 4 is mine", "catherine street, number 14".
_NUMBER_AFTER = re.compile(
    rf"\b({_STREETS})\b[,\s]+(?:(?:no\.?|number|num|#)\s*\d{{1,4}}\b|"
    r"\d{1,4}[a-h]?\s*(?:$|[,.!;]))", re.I)


def _has_postcode(text: str) -> bool:
    # Typed letters read as digits only where a digit must be: never in a plain word.
    return any(m.group(1).upper() in AREAS and (m.group(2)[0].isdigit() or m.group(3).isdigit())
               for m in _POSTCODE.finditer(text))


def _has_address(text: str) -> bool:
    if _NUMBER_AFTER.search(text) or _NUMBERED_HOME.search(text):
        return True
    for match in _ADDRESS.finditer(text):
        words_before = text[max(0, match.start() - 20):match.start()].split()
        before = words_before[-1].lower() if words_before else ""
        between, street = match.group(2).split(), match.group(3).lower()
        if 1900 <= int(match.group(1)) <= 2099:
            continue  # a year: "in 1967 Melton Road flooded"
        if not between or NOT_HOUSE & {w.lower() for w in between}:
            continue  # "3 close friends", "5 miles along London Road", "2 buses down Narborough Rd"
        if before in _TIME_WORDS and int(match.group(1)) <= 24 and street not in _PLAIN_STREETS:
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
    folded = " ".join(fold(text).split())  # one space between words: no long gaps to scan
    joined = _joined_singles(folded)
    mended = _joined_singles(digitised(folded))
    # Numbers are read with words made digits; names, links and emails as typed (mending
    # would make the "o" of "c o . u k" a zero); addresses and postcodes both ways.
    sources = {ContactKind.PHONE: (mended,), ContactKind.POSTCODE: (joined, mended),
               ContactKind.ADDRESS: (joined, mended)}
    found = {ENTITY_KINDS[t] for t in entity_types if t in ENTITY_KINDS}
    for kind, finder in _FINDERS:
        if kind in kinds and kind not in found and any(
                finder(s) for s in sources.get(kind, (folded, joined))):
            found.add(kind)
    if ContactKind.PHONE not in found and previous and ContactKind.PHONE in kinds:
        earlier = _joined_singles(digitised(" ".join(fold(previous).split())))
        if not _has_phone(earlier) and _has_phone(f"{earlier} {mended}"):
            found.add(ContactKind.PHONE)
    return [kind for kind in ContactKind if kind in found and kind in kinds]
