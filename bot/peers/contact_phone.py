"""Phone numbers for the contact-detail detector (bot/peers/contact.py), read on the mended
text: a UK number by its shape, one from abroad by libphonenumber, a local one of 7 digits,
and a number told in pieces, back to front or split over two messages. Dates, times, money,
measures and lists of small numbers pass."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import phonenumbers

from bot.peers.contact_public import (
    IRISH_MOBILE,
    claimed_freephone,
    claims,
    public_number,
    without_public_sites,
)

# Digit groups with any separators between them (at most three characters, or a few
# words such as "then" in "07700 then 900 123").
_SEPARATOR = r"[\s\-‐‑‒–—―/\\_*•·|,.:;()\[\]{}~+#=]"
_RUN = re.compile(rf"(?:\+|\b00)?\d(?:{_SEPARATOR}{{0,3}}\d)*")
# At most six words between the halves of one number: "07305 and it finishes 922 237".
_GLUE = re.compile(r"^\W*(?:\w+\W+){0,6}$")
_DATE = re.compile(r"^\d{1,2}[./-]\d{1,2}(?:[./-](?:\d{2}|\d{4}))?$|^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s*-\s*\d{1,2}[:.]?\d{0,2})?$")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
MONEY_BEFORE = re.compile(r"[£$€]\s*$")
UNIT_AFTER = re.compile(r"^\s*(?:k\b|km|kms|miles?|steps|mins?|minutes|hours?|hrs?|am|pm|"
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


# A clock time as typed in a timetable or a list of splits: "07:30", "6.59".
_CLOCK = re.compile(r"(?:[01]?\d|2[0-3])[:.][0-5]\d")


def _clock(group: str) -> bool:
    """Four digits that are a time of day on the 24-hour clock ("0705", "1835")."""
    return len(group) == 4 and int(group[:2]) < 24 and int(group[2:]) < 60


def readings(groups: Sequence[str]) -> bool:
    """Readings of one meter or counter in a row, not one number: two or more of the same
    length (four digits or more), never falling, sharing all but their last two or three
    digits ("04512 04519", "07341 07355 07369"). A number's pieces differ in length or in
    their first digits ("07912 34567 8")."""
    if len(groups) < 2 or len({len(g) for g in groups}) > 1 or len(groups[0]) < 4:
        return False
    shared = len(groups[0]) - 3 if len(groups[0]) > 4 else 2
    return [int(g) for g in groups] == sorted(int(g) for g in groups) and \
        len({g[:shared] for g in groups}) == 1


def _times_or_readings(raw: str, groups: Sequence[str]) -> bool:
    """Clock times in a row ("07:00 07:30 08:00", splits "07:12 07:08 06:59"), a
    timetable's times without colons, rising ("0705 0735 0805"), or one meter's readings."""
    tokens = [t for t in re.split(r"[\s,;/|]+", raw.strip(" ,;")) if t]
    if len(tokens) >= 2 and all(_CLOCK.fullmatch(t) for t in tokens):
        return True
    if len(groups) >= 3 and all(_clock(g) for g in groups) and \
            [int(g) for g in groups] == sorted(int(g) for g in groups):
        return True
    return readings(groups)


def _a_list(raw: str, groups: list[str]) -> bool:
    """Small numbers in a row, not one number: lottery and bingo numbers (rising), readings
    with commas, clock times ("0800 1200 1600", "07:00 07:30 08:00", "07:12 07:08 06:59",
    a timetable's "0705 0735 0805"), one meter's readings ("07341 07355 07369")."""
    if _times_or_readings(raw, groups):
        return True
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


def _not_a_number(text: str, start: int, end: int, measures: bool = True) -> bool:
    """A date, a time, a year, money or a measurement (if `measures`) rather than a phone
    number."""
    raw = text[start:end].strip(" ,.;:")
    if MONEY_BEFORE.search(text[max(0, start - 2):start]):
        return measures  # "£23.45" is money, never a time
    if _DATE.match(raw) or _TIME.match(raw) or _YEAR.match(raw):
        return True
    if measures and UNIT_AFTER.match(text[end:end + 8]):
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
                                 and 11 <= len(bare) <= 13) or IRISH_MOBILE.match(digits):
        return True
    # A mobile's start as people group it, and most of the rest (round eight): "07700 900"
    # then "cont..." then "975" over three messages; the relay reads only the last two, so
    # the first eight digits are held where they meet ("07700" / "900").
    if len(groups) >= 2 and _MOBILE_FIVE.match(groups[0]) and 8 <= len(bare) <= 9:
        return True
    # Round eleven: the same eight or nine said as words, read as one run ("oh seven
    # seven oh oh" / "nine oh oh"); never a date typed as one (DDMMYYYY: "07122023").
    if len(groups) <= 1 and _MOBILE_EIGHT.match(bare) and not _DATE_EIGHT.match(bare):
        return True
    if digits.startswith("+") and 8 <= len(bare) <= 15:
        return any(True for _ in phonenumbers.PhoneNumberMatcher(
            digits, "GB", leniency=phonenumbers.Leniency.POSSIBLE))
    sizes = [len(g) for g in groups] or [len(bare)]
    # Counting ("ek do teen char panj chhe saat", "1 2 3 4 5 6 7 and relax") is no local
    # number: no number is issued as seven digits in a row.
    if len(bare) in LOCAL_DIGITS and (len(sizes) == 1 or sizes == [3, 4]) and \
            bare not in "0123456789":
        return True
    # An international number without its +: a country code, then groups ("353 87 123 4567"),
    # real by libphonenumber's ranges (VALID), so an order reference does not count.
    return (2 <= len(sizes) <= 5 and sizes[0] in (2, 3) and not bare.startswith("0")
            and 9 <= len(bare) <= 13 and any(True for _ in phonenumbers.PhoneNumberMatcher(
                "+" + bare, "GB", leniency=phonenumbers.Leniency.VALID)))


_MOBILE_FIVE = re.compile(r"^07\d{3}$")
_MOBILE_EIGHT = re.compile(r"^07[1-9]\d{5,6}$")
_DATE_EIGHT = re.compile(r"^07(?:0[1-9]|1[0-2])(?:19|20)\d\d$")
_CODE_SHAPE = re.compile(r"^0[12]\d{2,4}$")  # 0116, 01509, 020
_Run = tuple[int, int, str, list[str]]
# The start of a UK number on its own ("07912", "0116"): its other half may come any number
# of words later in the message ("The first half is 07912. ... Right, back - 345678").
_UK_PREFIX = re.compile(r"^0[1237]\d{2,4}$")
_BACKWARDS = re.compile(r"\bbackwards?\b|\breversed?\b|\bback to front\b|"
                        r"\bthe other way (?:round|around)\b", re.I)
HALVES_AHEAD = 5  # runs after the first half that may complete it


# "put a 0 first", "with an oh at the front", "0 in front", "starts with a zero", "I've left
# the 0 off": the number is told without its leading 0 (read on the mended text, where "oh"
# is already 0); not "the 07700 at the start", whose 0 is there.
_ZERO_FIRST = re.compile(r"(?<!\b0\d{3})(?<!\b0\d{4})0\s+(?:(?:in|at|on|to)\s+(?:the\s+)?)?"
                         r"(?:front|first|start|beginning)\b|"
                         r"\b(?:starts?|begins?)\s+with\s+(?:an?\s+)?0\b|\b(?:add|adding|missing|"
                         r"without|minus|left|leave|dropped|drop)\s+(?:off\s+)?(?:the|a|an|my)\s+"
                         r"(?:first\s+|leading\s+|front\s+)?0\b", re.I)


# A number's start told after the rest, as where it goes (round seven): "eight zero four,
# three nine nine, one two one... then 07 at the start", "7700 900 123, stick 0 on the
# front", "put 07 in front of 912 345 678".
_PREFIX_SAID = re.compile(
    r"(?<![\d+])(0\d{0,4}|\+?44)\s+(?:(?:goes|go|is)\s+)?(?:(?:at|on|in|to)\s+(?:the\s+)?)?"
    r"(?:front|start|beginning)\b|"
    r"\b(?:put|stick|add|with|plus)\s+(?:an?\s+)?(0\d{0,4}|\+?44)\s+(?:(?:at|on|in|to)\s+"
    r"(?:the\s+)?)?(?:front|start|beginning|first|before)\b", re.I)


def _prefix_said_apart(text: str) -> bool:
    """Whether a start said as such (see above) and the message's other digits, in order,
    make a UK number."""
    lower = text.lower()
    if not any(word in lower for word in ("front", "start", "beginning", "first", "before")):
        return False
    # The first few only: each reads the message again (a long post stays quick).
    for said in itertools.islice(_PREFIX_SAID.finditer(text), 3):
        prefix = (said.group(1) or said.group(2)).removeprefix("+")
        # The other digits, read without the start's own ("700 900 246, 07 at the front").
        apart = text[:said.start()] + " ¦ " + text[said.end():]
        rest = "".join(d.removeprefix("+") for start, end, d, _g in _runs(apart)
                       if not _not_a_number(apart, start, end))
        if rest and not rest.startswith(prefix) and _UK_SHAPE.match(prefix + rest):
            return True
    return False


# A mobile's start given as a way to reach the writer, then a piece as a riddle, then more
# digits (round seven): "phone me, zero seven eight one, then the year the war ended, then
# 661", "text me 07912, then my door number twice, then 345". Not a time ("ring me at 0745
# then the 0900 bus": 0745 is a clock's, and a mobile's start of four digits never is).
_REACH_ME = re.compile(r"\b(?:phone|ring|call|text|whatsapp|bell|buzz|message|reach)\b|"
                       r"\b(?:my|our)\s+(?:\w+\s+)?(?:number|mobile|mob|phone|no)\b", re.I)
_THEN = re.compile(r"\b(?:then|and\s+then|followed\s+by|after\s+that|next)\b", re.I)
_MOBILE_HEAD = re.compile(r"^07\d{2,3}$")


def _piece_in_words(text: str, runs: Sequence[_Run]) -> bool:
    for i, (start, end, digits, _groups) in enumerate(runs):
        if not _MOBILE_HEAD.match(digits) or not _REACH_ME.search(text[max(0, start - 40):start]) \
                or (len(digits) == 4 and _clock(digits) and _AT_TIME.search(text[:start])):
            continue
        for later_start, later_end, later, _g in runs[i + 1:i + 3]:
            between = text[end:later_start]
            if len(later) >= 2 and len(digits + later) < 11 and _THEN.search(between) and \
                    re.search(r"[a-z]{3,}", _THEN.sub(" ", between), re.I) and \
                    not _AT_TIME.search(between) and not UNIT_AFTER.match(text[later_end:]):
                return True
    return False


# A time, not a number's piece: "ring me at 0745", "then see you at 10".
_AT_TIME = re.compile(r"\b(?:at|after|before|by|from|till|until|around|about|for)\s*$", re.I)


# The writer's own number, perhaps from another country or in another language, just
# before it: "my Irish number is", "my number back home in Lagos is", "mi número es", "mon
# numéro", "mój numer" (a reference's number is excused before this is read).
_CLAIMED_ABROAD = re.compile(
    r"(?:\b(?:my|mi|mon|ma|m[oó]j|mein|meine|our)\s+(?:[\w'-]+\s+){0,3}?(?:number|no|num|"
    r"mobile|mob|phone|cell|handy|n[uú]mero|num[eé]ro|numer|nummer|portable|m[oó]vil|celular|"
    r"whatsapp)\b(?:[^\d.!?]{0,30}?\b(?:is|es|est|ist|to|c'est))?|"
    # "text 601 234 567", "whatsapp on 612 ...": a way to reach someone, then the number
    r"\b(?:ring|call|text|phone|dial|whatsapp|bell|llama|llámame|appelle|zadzwo[nń])"
    r"(?:\s+(?:me|us|moi))?(?:\s+(?:on|at))?)\W{0,3}$", re.I)


# A whole date with its year, which may stand in a longer run ("20/11/2026 - 27/11/2026").
_FULL_DATE = re.compile(r"(?<![\d/.-])(?:0?[1-9]|[12]\d|3[01])([./-])(?:0?[1-9]|1[0-2])\1"
                        r"(?:19|20)\d{2}(?![\d/.-])")
# The area code named instead of typed: "it's the Leicester dialling code and then four nine
# six, oh seven four seven"; the local number's 6 to 8 digits follow.
# Or the town's code ("leicester code obviously", "the Loughborough code"), before or after.
_AREA_CODE = re.compile(r"\b(?:dialling|dialing|area|std|phone|landline|leicester|"
                        r"loughborough|hinckley|coalville|melton|market\s+harborough|"
                        r"lutterworth|nottingham|derby|coventry|northampton|london)\s+"
                        r"(?:dialling\s+|dialing\s+|area\s+|std\s+)?code\b", re.I)
# A number given as a sum: "07700 then the year the war ended minus 1045 then 388".
_ARITHMETIC = re.compile(r"\b(?:minus|plus|take away|add|added|times|multiplied|divided|"
                         r"subtract|double it|halve|half of)\b", re.I)
_MOBILE_START = re.compile(r"^0[1237]\d{3}$")


# A price, a count or a measure never starts with 0 and a digit as a number's start does
# ("£07.91 £23.45 £678", "07 laps, 912 steps, 345 squats", "07 mins, then 912 mins"): where
# one does, money and measures excuse nothing in the message (the pieces must still make a
# whole number).
_NUMBER_START = re.compile(r"^0[1237]")


def _disguised(text: str, runs: Sequence[_Run]) -> bool:
    return any(_NUMBER_START.match(groups[0]) and not _not_a_number(text, s, e, measures=False)
               for s, e, _d, groups in runs)


# A letter typed between the digits to hide them (round seven): "0x7x8x4x5x1x1x2x6x6x9",
# "07h7h0h0 9h0h0 1h2h3"; one letter over and over, or any letters where the message says
# to take them out ("remove the x's", "ignore the letters"). "3x2x1", "10x20x30" stay short.
_FILLED = re.compile(r"(?<![\w.])[a-z]?\d+(?:[a-z]{1,2}\d+){2,}[a-z]?(?![\w.])", re.I)
_TAKE_LETTERS_OUT = re.compile(
    r"\b(?:remove|ignore|skip|delete|take\s+out|without|leave\s+out|drop|cross\s+out|"
    r"minus)\s+(?:the\s+|all\s+the\s+|every\s+|any\s+)?(?:letters?|[a-z]['’]?s|[a-z])\b",
    re.I)


_TOWN_BEFORE = re.compile(r"\b(?-i:[A-Z][a-z]+)(?:\s+(?-i:[A-Z][a-z]+))?\W{1,3}$")
_LETTER_BETWEEN = re.compile(r"\d[a-z]{1,2}\d", re.I)
_PLUS_SAID = re.compile(r"\bplus\s+(?=\d{1,3}\W{1,3}\d)", re.I)


def _unfilled(text: str) -> str:
    told = _TAKE_LETTERS_OUT.search(text) is not None

    def digits_only(match: re.Match[str]) -> str:
        filler = {c for c in match.group(0).lower() if c.isalpha()}
        return re.sub(r"[a-z]", "", match.group(0), flags=re.I) if told or len(filler) == 1 \
            else match.group(0)
    return _FILLED.sub(digits_only, text)


# A number with a placeholder filled in after it (round eight): "07700 900 XXX where XXX is
# 4 5 8", "07912 345 ??? and ??? = 678": the placeholder (two to four x, ?, * or #) right
# after digits, then the same placeholder given as as many digits.
_PLACEHOLDER = re.compile(r"(?<=\d)[\s\-.]*(?<![\w?*#])([xX]{2,4}|\?{2,4}|\*{2,4}|#{2,4})"
                          r"(?![\w?*#])")
_FILL = r"\s*(?:(?:is|are|=|:|means|stands\s+for|equals)\s*)+(\d(?:[\s,\-]{0,3}\d){1,3})"


def _filled_in(text: str) -> str:
    for match in _PLACEHOLDER.finditer(text):
        said = re.compile(rf"(?<![\w?*#]){re.escape(match.group(1))}(?![\w?*#]){_FILL}", re.I)
        if (fill := said.search(text, match.end())) is None:
            continue
        digits = re.sub(r"\D", "", fill.group(1))
        if len(digits) == len(match.group(1)):
            return text[:match.start(1)] + digits + text[match.end(1):fill.start()] + " ¦ " + \
                text[fill.end():]
    return text


# Every digit moved by one, and how to undo it (round eight): "my number but every digit is
# one more: 18811 011 523, take one off each", "add one to each digit".
_SHIFTED = re.compile(
    r"\b(?:every|each|all(?:\s+the)?)\s+(?:digit|number)s?\b[^.!?]{0,40}?\b(?:one|1)\s+"
    r"(?:more|higher|bigger|up|less|lower|smaller|down|too\s+(?:high|big|low|small))\b|"
    r"\b(?:take|knock|subtract|minus|add|put)\s+(?:one|1)\s+(?:off|from|to|on|onto)?\s*"
    r"(?:each|every|all)\b", re.I)
_SHIFTS = (str.maketrans("0123456789", "9012345678"), str.maketrans("0123456789", "1234567890"))


def has_phone(text: str) -> bool:
    if "x" in text.lower() or "?" in text or "*" in text or "#" in text:
        text = _filled_in(text)
    if _read_phone(text):
        return True
    return _SHIFTED.search(text) is not None and any(
        _read_phone(text.translate(shift)) for shift in _SHIFTS)


def _read_phone(text: str) -> bool:
    # A listed site's page ids are no number ("bbc.co.uk/weather/2644668", "parkrun.org.uk/
    # parkrunner/4412345": a person's page there is the link finder's).
    text = without_public_sites(text, pages=False)
    if _LETTER_BETWEEN.search(text):
        text = _unfilled(text)
    # "plus nine one, nine eight two five oh, ..." is +91 98250 ... (round seven).
    if "plus" in text.lower():
        text = _PLUS_SAID.sub("+", text)
    text = _FULL_DATE.sub(lambda m: " " * len(m.group(0)), text)
    every = _runs(text)
    measures = not _disguised(text, every)
    numbers = [r for r in every if not _not_a_number(text, r[0], r[1], measures)]
    runs = [r for r in numbers if not _a_list(text[r[0]:r[1]], r[3])]
    if any(claimed_freephone(text, start, digits) for start, _e, digits, _g in runs):
        return True
    # A local number (six to eight digits) the writer gives as theirs, however it is grouped,
    # even digit by digit with commas (round seven): "my home phone is two five one, oh nine
    # nine four", "my telephone is Leicester 2391 774".
    # Not small numbers in a row, rising (a draw, a bingo card: "my number is 12, 14, 21").
    # Six digits only with the town named for the code ("Hinckley 613 224"): a number's
    # last six alone are no number ("my mobile is 07880" ⏎ "123456" is read across).
    if any((7 <= len(digits) <= 8 or (len(digits) == 6 and _TOWN_BEFORE.search(
            text[max(0, start - 30):start]))) and claims(text, start) and not (
            len(groups) >= 3 and all(len(g) <= 2 for g in groups) and
            [int(g) for g in groups] == sorted(int(g) for g in groups)) and
           not public_number(text, start, digits, groups)
           for start, _e, digits, groups in numbers):
        return True
    # Ten or eleven digits the writer gives as theirs ("text me on 943 476 5919", shaped like
    # an NHS number or not) are a number to reach them on, whatever their shape.
    if any(10 <= len(digits.removeprefix("+")) <= 11 and claims(text, start)
           for start, _e, digits, _g in runs):
        return True
    # A mobile's start passed off as a reading or a reference, its rest told after it
    # (session fourteen: "meter readings: gas 07700, electric 900537"): read with its rest.
    passed_off = [r for r in runs if r[2].startswith("07") and len(r[2]) <= 6
                  and public_number(text, r[0], r[2], r[3])]
    runs = [r for r in runs if not public_number(text, r[0], r[2], r[3])]
    # A number from abroad written the way it is at home, given as the writer's: "my Polish
    # number is 601 234 567", "mi número es 612 ...", "my German handy is 0151 ...".
    if any(9 <= len(digits.removeprefix("+")) <= 12 and (
            claims(text, start) or _CLAIMED_ABROAD.search(text[max(0, start - 60):start]))
           for start, _e, digits, _g in runs):
        return True
    # A local number never starts with 0: "the Leicester dialling code, 0116, and I said
    # 0161" names two codes (round eight), no number.
    if (code := _AREA_CODE.search(text)) and (6 <= len("".join(
            d for start, _e, d, _g in numbers if start > code.end() and d[:1] != "0")) <= 8
            or 6 <= len("".join(d for _s, end, d, _g in numbers
                                if end <= code.start() and d[:1] != "0")) <= 8):
        return True
    if _ARITHMETIC.search(text) and any(_MOBILE_START.match(d) for _s, _e, d, _g in runs[:-1]):
        return True
    if _prefix_said_apart(text) or _piece_in_words(text, numbers):
        return True
    if _ZERO_FIRST.search(text):
        # The 0 they left off put back: "7700900, 1010 in front" is 07700 900101.
        runs = [(start, end, digits, groups) if digits[:1] in "0+" else
                (start, end, "0" + digits, ["0", *groups])
                for start, end, digits, groups in runs]
    # Dialling codes named and compared ("is it 0116 or 0161?", "Loughborough's code is
    # 01509, Hinckley's 01455"): every run a code's shape, with "code" said (round eight).
    if "code" in text.lower() and any(len(d) >= 4 for _s, _e, d, _g in runs) and all(
            _CODE_SHAPE.match(d) or len(d) < 4 for _s, _e, d, _g in runs):
        return False
    # A number's end told digit by digit ("07700 900 then 3 3 8") is no lottery list: such
    # a run may finish a number begun before it (round eight), though it is none alone.
    tails = sorted([*runs, *(r for r in numbers if r not in runs and len(r[3]) >= 2 and
                             all(len(g) == 1 for g in r[3]) and
                             not public_number(text, r[0], r[2], r[3]))])
    for start, end, digits, groups in runs:
        raw = text[start:end]
        if any(_is_phone(d, g) for d, g in _windows(digits, groups)
               if "," not in raw or len(d) >= 10):  # "0712, 0742": times, not a local number
            return True
        after = [r for r in tails if r[0] >= end][:HALVES_AHEAD]
        if any(_completed(text, head, end, after) for head in _heads(digits, groups)):
            return True
    for _start, end, digits, _groups in passed_off:
        after = [r for r in tails if 0 <= r[0] - end <= 40][:HALVES_AHEAD]
        if after and _completed(text, digits, end, after):
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
    last = head
    for start, next_end, more, _groups in rest:
        if not any_glue and not _GLUE.match(text[end:start]):
            return False
        if readings([last, more]):
            return False  # "meter says 04512 then 04519": one meter read twice
        grown = {p + more for p in partials if len(p) < 13}
        partials = partials | grown if len(more) == 1 else grown
        if any(_UK_SHAPE.match(p.removeprefix("+")) for p in partials) or (
                more.startswith("0") and _UK_SHAPE.match(more + head)
                and _TOLD_BACK_TO_FRONT.search(text[max(0, end - 60):start + 20])):
            return True
        end, last = next_end, more
    return False


# Words that say a number's end is told before its start: "ends 123 and starts 07700 900",
# "the last bit's 456, first bit 07912 123"; without them two readings that start with 0
# ("gas meter 04512, electric 07731") are not put back to front.
_TOLD_BACK_TO_FRONT = re.compile(r"\b(?:starts?|starting|begins?|beginning|first|front|"
                                 r"ends?|ending|last|rest|before\s+that)\b", re.I)


def _reversed_number(runs: Sequence[_Run]) -> bool:
    """A number typed backwards ("876543 21970 - read that backwards")."""
    every = "".join(digits.removeprefix("+") for _start, _end, digits, _groups in runs)
    return any(_UK_SHAPE.match(d[::-1]) for d in
               [every, *(digits.removeprefix("+") for _s, _e, digits, _g in runs)])


def without_public_numbers(text: str) -> str:
    """`text` with the numbers the rules excuse as public (an organisation's line, a short
    number, a reference, an NHS number, an ISBN) or as times and readings (a timetable, one
    meter read twice: "meter says 04512 then 04519") blanked out, so the learned second
    reader does not hold again what the rules passed on purpose ("my NHS number is 943 476
    5919")."""
    every = _runs(text)
    # One meter's readings told with words between: "04512 then 04519".
    read = {i for i in range(1, len(every)) if _GLUE.match(text[every[i - 1][1]:every[i][0]])
            and readings([every[i - 1][2], every[i][2]])}
    read |= {i - 1 for i in read}
    # A country's calling code alone ("Ireland's is +353") is nobody's number either, nor
    # dialling codes compared ("Loughborough's code is 01509, Hinckley's 01455").
    codes = "code" in text.lower() and all(_CODE_SHAPE.match(d) for _s, _e, d, _g in every)
    excused = [i in read or codes or re.fullmatch(r"\+\d{1,3}", digits) is not None or (
        not claims(text, start) and (public_number(text, start, digits, groups)
                                     or _times_or_readings(text[start:end], groups)))
        for i, (start, end, digits, groups) in enumerate(every)]
    # The next of a list, as long as the one excused just before ("gas meter 04512,
    # electric 07731", "refs 88231 and 88232").
    for i in range(1, len(every)):
        if excused[i - 1] and not excused[i] and len(every[i][2]) == len(every[i - 1][2]) and \
                _SIBLING.fullmatch(text[every[i - 1][1]:every[i][0]]) and \
                not claims(text, every[i][0]) and not _UK_SHAPE.match(every[i][2]):
            excused[i] = True
    for (start, end, _digits, _groups), blank in reversed(list(zip(every, excused,
                                                                   strict=True))):
        if blank:
            text = text[:start] + " " + text[end:]  # one space: no long gaps to scan
    return text


_SIBLING = re.compile(r"\W*(?:(?:and|then|&)\W+)?(?:[a-z]+\W+){0,2}", re.I)
