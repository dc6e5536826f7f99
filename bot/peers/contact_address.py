"""Postcodes and street addresses for the contact-detail detector (bot/peers/contact.py):
a full UK postcode (typed, spaced, with look-alike letters, halves apart, sounded out or
backwards), a house number and a street, a flat, a home told by a landmark or picked out
on a named street, a named house, a what3words address, a plus code, a grid reference or a
map position."""

from __future__ import annotations

import re

from bot.core.textnorm import english_words
from bot.peers.contact_buildings import FLAT_ADJECTIVE
from bot.peers.contact_phone import MONEY_BEFORE, UNIT_AFTER
from bot.peers.contact_public import home_listing, public_place

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
# punctuation, an emoji or "and then" between them; the area a spaced dash from the rest
# (round fourteen: "le - 2 - 5 - q - f", its other characters joined as singles).
_POSTCODE = re.compile(
    r"(?<!')\b([a-z]{1,2})(?:[\s\-_./]{0,2}|\s[\-–—]\s)([\dIlO][a-z\d]?)(?:[^\w]{0,3}|[\s,]+(?:and\s+)?then\s+)"
    r"([\dIlOZSB])(?:[\s\-_./*•–]{0,3}|[\s,]+(?:and\s+)?then\s+)([abd-hjlnp-uw-z])[\s.\-]?"
    r"([abd-hjlnp-uw-z])\b", re.I)
STREETS = _STREETS = ("road|rd|street|avenue|ave|av|lane|ln|crescent|cres|terrace|mews|boulevard|"
            "close|cl|drive|dr|way|walk|place|court|grove|gardens|park|hill|rise|view|green|"
            "square|row|parade|gate|chase|croft|wharf|yard|meadows|st|fairway|paddocks?|dale|"
            "vale|hollow|orchard|spinney|nook|ridge|heights|glade|leys|copse|brow|causeway|"
            "embankment|promenade|quay|holt|garth|wynd|coppice|dene|"
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
                      r"\b(?:moved|moving|move)\b[^.!?]{0,24}\b(?:now|just|to)\s+(?:at|in)\s*$|"
                      r"\b(?:flat|house|home|bungalow|address|door)\b[^.!?]*\bat\s*$|"
                      r"\b(?:mine|ours)\s+at\s*$|"  # "come to mine at 6 Beech Drive"
                      # Round ten: something left at or fetched from a door, "drop the poles
                      # off at 9 Bramble Close", "bring it round to 4 ...".
                      r"\b(?:drop|dropping|dropped|bring|bringing|deliver|delivering|post|"
                      r"posting|send|sending|leave|pick\s+(?:me|us)\s+up)\b[^.!?]{0,30}?"
                      r"\b(?:off|round|over|it|them|me|us)\s+(?:at|to|from)\s*$", re.I)
# Where the writer is, or where to find or send to them: "I'm at 4 Cedar Close", "send it
# to me at 10 ..."; not "meet me at 10", "see us at 11", "join us at 9" (a time and a
# place), nor with a day or a time after it ("I'm at 9 Bradgate Park tomorrow").
_HERE_AT = re.compile(r"\b(?:i'?m|we'?re|i\s+am|we\s+are|(?<!\bmeet )(?<!\bsee )(?<!\bjoin )"
                      r"(?<!\bcatch )(?<!\bwith )(?<!\bmeeting )(?:me|us))\s+at\s*$", re.I)
_WHEN = re.compile(r"\b(?:tomorrow|today|tonight|later|this\s+(?:morning|afternoon|evening|"
                   r"week)|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|weekend|o'?clock|am|"
                   r"pm|sharp|till|until|ish)\b", re.I)


def home_at(text: str, at: int) -> bool:
    """Whether the number at `at` (just after "at") is where someone lives, not a time."""
    before = text[:at]
    if _HOME_AT.search(before):
        return True
    rest = re.split(r"[.!?]", text[at:], maxsplit=1)[0]
    return _HERE_AT.search(before) is not None and _WHEN.search(rest) is None


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
    # Not a bus's, a route's or a room's number ("bus number is 14" / "road is closed").
    r"(?<!\bbus )(?<!\broute )(?<!\bservice )(?<!\broom )(?<!\bplatform )(?<!\bgate )"
    r"(?<!\bward )(?<!\bphone )(?<!\bpage )"
    rf"\b(?:house|flat|apartment|apt|no\.?|number)(?:'s|\s+is)?\s*\d{{1,4}}[a-h]?\b"
    r"(?!\s*(?:miles?|mins?|minutes?|hours?|km|k|yards|metres|meters|steps|stops|bus|buses|"
    r"service|route|in\s+the\s+queue|on\s+the\s+(?:list|menu|card|board|shirt|sheet|rota|"
    r"register|chart))\b)"
    rf"[\w\s,']{{0,30}}?(?<!\bmy )(?<!\bthe )(?<!\bour )(?<!\byour )(?<!\bhis )(?<!\bher )"
    # No name before the street word, no street: "house number is 9" / "road is Kirby Lane".
    rf"(?<!\bmy own )(?<!\btheir )(?<!\ba )(?<!\d )(?<!\d, )\b({_STREETS})\b|"
    # Round eight: "my door is 4b, Wycliffe House".
    r"\b(?:flat|apartment|apt|door(?:'s|\s+is|\s+number(?:\s+is)?)?)\s*\d{1,4}[a-h]?\b,?\s+"
    r"(?:[A-Z][\w']*\s+){1,3}"
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
_MEASURES = frozenset({"ft", "lb", "hr", "yd", "pt"})


# A postcode's halves apart, in any case: "le4 ... 5ab", "le2, the rest is 7qh", "le3 ...
# 2na, come round": the district, then only signs or a few words that carry on a postcode,
# then a digit and two letters a unit may have, typed as one, that make no word ("le4 ...
# 5am": M is no unit's letter; "le4, 2 hd tvs" holds no unit).
_CARRY_ON = (r"(?:then|and|the|rest|is|it's|its|it|second|other|half|bit|part|ends?|ending|"
             r"finish(?:es|ing)?|with|after|that|last|of|postcode|post|code)")
_HALVES_APART = re.compile(
    rf"\b([a-z]{{1,2}})(\d[a-z\d]?)(?:\W{{1,8}}|\W+(?:{_CARRY_ON}\W+){{1,5}})"
    r"(\d)([abd-hjlnp-uw-z])([abd-hjlnp-uw-z])\b", re.I)
# A postcode's area said as its town: "Leicester 4, 5AB" is LE4 5AB, "Coventry 6" CV6.
_TOWN_AREAS = {"leicester": "LE", "nottingham": "NG", "derby": "DE", "coventry": "CV",
               "birmingham": "B", "northampton": "NN", "peterborough": "PE", "lincoln": "LN",
               "sheffield": "S", "manchester": "M", "liverpool": "L", "leeds": "LS",
               "bristol": "BS"}
_TOWN_DISTRICT = re.compile(rf"\b({'|'.join(_TOWN_AREAS)})\s+(\d{{1,2}})\b", re.I)


def _halves_apart(text: str) -> bool:
    for match in _HALVES_APART.finditer(text):
        unit = match.group(4) + match.group(5)
        if match.group(1).upper() in AREAS and unit.lower() not in _NOT_A_UNIT and (
                unit.isupper() or unit.lower() not in english_words()):
            return True
    return False


# Postcodes from abroad (round seven). An Irish Eircode names one front door, as a full UK
# postcode does, so it is held whoever's it is: a routing key (a letter and two digits, or
# D6W) and four characters of its alphabet, with a letter and a digit among them unless the
# word "eircode" is there ("D24 X8K2"; "the A42 2030" is a road and a year).
_EIRCODE = re.compile(r"\b([ACDEFHKNPRTVWXY]\d{2}|D6W)\s?([0-9ACDEFHKNPRTVWXY]{4})\b", re.I)
# Another country's postcode names an area, as "LE4" does, so a bare number is none ("we did
# 380008 steps", "31-420" a score); it is held where the writer gives it as their own home's,
# in English or their language: "my PIN code is 380008 in Ahmedabad", "mój kod pocztowy
# 31-420 Kraków", "our zip code back home is 10001", "ma code postal: 75012". A friend's
# ("my French friend's postcode is 75012") is not the writer's home.
_POSTCODE_NAMES = (r"(?:post\s?code|postal\s+code|zip(?:\s?code)?|kod(?:\s+pocztowy)?|"
                   r"code\s+postal|c[oó]digo\s+postal|plz|postleitzahl|eircode|postnummer)")
_PIN_NAMES = r"(?:pin\s?code|pin\s+no|pincode)"
_ABROAD_SHAPE = (r"(?:\d{2}-\d{3}|\d{3}\s?\d{3}|\d{4,5}(?:-\d{4})?|\d{4}\s?[A-Z]{2}|"
                 r"[A-Z]\d[A-Z]\s?\d[A-Z]\d|\d{3}\s\d{2})")
_PIN_SHAPE = r"[1-9]\d{2}\s?\d{3}"
_OWN_WORD = (r"(?:my|our|m[oó]j|moja|nasz|mon|ma|notre|mi|nuestro|mein|meine|unser|il\s+mio|"
             r"mera|meri|hamara)")
# Between "my" and the word: where it is ("home", "back home", "Polish", "Indian"), never
# whose ("my friend's postcode").
_WHICH = r"(?:(?:home|house|old|new|own|real|full|family|(?-i:[A-Z][a-z]+))\s+){0,2}"
_BEFORE_NUMBER = (r"(?:'s)?(?:\s+(?:is|was|es|est|ist|to|jest|there|back\s+home|at\s+home|"
                  r"in\s+(?-i:[A-Z])[\w-]+)){0,3}\s*[:=\-–—]?\s*")
_POSTCODE_ABROAD = re.compile(
    rf"\b{_OWN_WORD}\s+{_WHICH}(?:{_POSTCODE_NAMES}{_BEFORE_NUMBER}{_ABROAD_SHAPE}|"
    rf"{_PIN_NAMES}{_BEFORE_NUMBER}{_PIN_SHAPE})(?![\w-])|"
    rf"(?<![\w-])(?:{_ABROAD_SHAPE}|{_PIN_SHAPE})\s+(?:is|was|'s)\s+{_OWN_WORD}\s+{_WHICH}"
    rf"(?:{_POSTCODE_NAMES}|{_PIN_NAMES})\b", re.I)


_POSTCODE_CUE = re.compile(r"post|zip|pin|kod|plz|code|leitzahl", re.I)
# A postcode abroad the writer had, not has (round eleven: "my old postcode in Warsaw was
# 00-950, so different here"): no longer a way to them.
_FORMER = re.compile(r"\b(?:old|former|previous)\b.*\b(?:was|used\s+to\s+be)\b", re.I)
# Someone else's postcode abroad, as the rules let it through ("my French friend's postcode
# is 75012, Paris", "my sister's zip code is 10001"): blanked for the learned reader, which
# cannot tell whose it is (round eight: it held these), as public numbers are.
_OTHERS_POSTCODE = re.compile(
    rf"\b(?!(?:my|our|mine|ours)\b)[\w-]+['’]s\s+(?:{_WHICH})?(?:{_POSTCODE_NAMES}|{_PIN_NAMES})"
    rf"{_BEFORE_NUMBER}({_ABROAD_SHAPE}|{_PIN_SHAPE})(?![\w-])", re.I)


def without_others_postcodes(text: str) -> str:
    """`text` with postcodes from abroad given as someone else's blanked (see above)."""
    if not _POSTCODE_CUE.search(text):
        return text
    return _OTHERS_POSTCODE.sub(lambda m: m.group(0)[:m.start(1) - m.start()] + " ", text)


def _eircode(text: str) -> bool:
    said = re.search(r"\beircode\b", text, re.I) is not None
    for match in _EIRCODE.finditer(text):
        unique = match.group(2)
        if said or (re.search(r"\d", unique) and re.search(r"[a-z]", unique, re.I)):
            return True
    return False


# Told back to front (round eight): "backwards: HQ7 2EL" is LE2 7QH. Only a piece shaped
# like a postcode reversed (two letters, a digit, digits, letters) is read backwards, so
# "walking backwards in LE3 is a hoot" is not read as "S1 3EL".
_BACKWARDS = re.compile(r"\bbackwards?\b|\breversed?\b|\bback\s+to\s+front\b|"
                        r"\bthe\s+other\s+way\s+(?:round|around)\b", re.I)
_REVERSED = re.compile(r"\b[a-z]{2}\s?\d\s?\d{1,2}\s?[a-z]{1,2}\b", re.I)


def has_postcode(text: str) -> bool:
    if _read_postcode(text):
        return True
    return _BACKWARDS.search(text) is not None and any(
        _read_postcode(m.group(0)[::-1]) for m in _REVERSED.finditer(text))


def _read_postcode(text: str) -> bool:
    if any(_a_postcode(m) for m in _POSTCODE.finditer(text)) or _halves_apart(text):
        return True
    if _DIGIT.search(text) and (_eircode(text) or (
            _POSTCODE_CUE.search(text) and any(
                not _FORMER.search(m.group(0)) for m in _POSTCODE_ABROAD.finditer(text)))):
        return True
    towns = _TOWN_DISTRICT.sub(lambda m: _TOWN_AREAS[m.group(1).lower()] + m.group(2), text)
    if towns != text and _halves_apart(towns):
        return True
    outward = [m for m in _OUTWARD.finditer(text) if m.group(1).upper() in AREAS]
    if not outward:
        return False
    said = _POSTCODE_WORD.search(text) is not None
    return any((said or m.group(0).isupper()) and m.group(0)[-2:].lower() not in _NOT_A_UNIT
               and not any(o.start() <= m.start() < o.end() for o in outward)
               for m in _INWARD.finditer(text))


def plain_postcodes(text: str) -> list[tuple[int, int]]:
    """Where full postcodes typed as one stand in `text` ("LE3 9QP", "le1 5ww")."""
    return [(m.start(), m.end()) for m in _POSTCODE.finditer(text) if _a_postcode(m)]


def _a_postcode(match: re.Match[str]) -> bool:
    """Typed letters are read as digits only where a digit must be, and in the first half
    only when the second is typed in capitals ("LEl 2AB"): "half 9 at", "Mon 3rd" pass."""
    area, district, sector, unit = match.group(1), match.group(2), match.group(3), \
        match.group(4) + match.group(5)
    if area.upper() not in AREAS or (unit in _NOT_A_UNIT and not (
            # Round ten: "le4 0lb" is a postcode in small letters, its unit's letters a
            # measure's: a two-letter area and its district typed as one, then a space.
            # The area in small letters too ("I'm LE4" / "5ft 2" is a height), no number
            # after it ("le4 5ft 2").
            unit in _MEASURES and len(area) == 2 and area.islower()
            and match.end(1) == match.start(2) and match.start(3) > match.end(2)
            and not re.match(r"\s*\d", match.string[match.end():]))):
        return False
    if not sector.isdigit() and not unit.isupper() and (
            (sector + unit).lower() in english_words() or (sector + unit).lower() == "ish"):
        return False  # "LE18, see you": a word, not a 5 typed as S; "LE9 ish" (round fourteen)
    if not sector.isdigit() and match.string[match.end():match.end() + 1] in ("'", "’"):
        return False  # "Melton's LE13, isn't it?": a word cut short by "n't", not "1SN"
    if not unit.isupper() and match.start(3) == match.end(2) and \
            match.start(4) > match.end(3) and unit.lower() in english_words():
        # "take B12 at breakfast", "room B12 at the college": one token, then a word, not
        # a postcode's unit ("B12 8AT", "le2 8at", "le2 8 at" and "LE2 8 AT" still are).
        return False
    if match.start(4) - match.end(3) >= 3 and not unit.isupper() and \
            unit.lower() in english_words():
        return False  # "b4 9 - at the latest": a word after a wide gap ("LE5 - 6 - LH" is)
    if not sector.isdigit() and not unit.isupper() and match.start(5) > match.end(4):
        return False  # "LE3 is a nice area": "is a" is no "1SA" (round eight)
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
    if UNIT_AFTER.match(text[match.end(3):match.end(3) + 8]):
        return False  # "at 20 mph"
    if not _CLAUSE_END.match(text[match.end():]):
        return False  # "at 80 Dorothy still walks": an age, then a person
    if public_place(text, match.start(3)):
        return False  # "the Phoenix cinema is at 40 Midland"
    home = match.group(2) is not None or match.group(1).lower() not in ("at", "come to") or \
        home_at(text, match.end(1))
    return home or number > 12


# Three words with dots beside the service's name, or after a colon without them ("what3words:
# table lamp spoon"); "have you heard of what3words, it is so clever" passes.
# The dots may be spaced or said (round eight): "what three words: slept . carpet . ribbon",
# "w3w slept dot carpet dot ribbon", "/// slept. carpet. ribbon".
_W3W_DOT = r"\s*(?:\.|\bdot\b)\s*"
# Round fourteen: a few words before the colon ("what three words for my door: apple banana
# cherry").
_W3W = re.compile(rf"\b(?:what\s?3\s?words|what\s?three\s?words|w3w)\b(?:.{{0,30}}?\b[a-z]+"
                  rf"{_W3W_DOT}[a-z]+{_W3W_DOT}[a-z]+\b|\s*[:=\-]\s*[a-z]+\s+[a-z]+\s+[a-z]+|"
                  r"[^:=.!?]{1,30}?:\s*[a-z]+\s+[a-z]+\s+[a-z]+\s*(?:$|[,;!]))", re.I)
# Words no what3words address uses (round fourteen: "what3words for the cafe: it is great").
_NOT_W3W = frozenset({"a", "an", "the", "it", "is", "was", "and", "or", "but", "to", "of", "in",
                      "on", "at", "for", "my", "me", "you", "we", "i", "so", "be", "are", "its",
                      "this", "that", "not", "no", "yes"})


def _three_words(found: str) -> bool:
    return not _NOT_W3W & {w.lower() for w in re.findall(r"[a-z]+", found, re.I)[-3:]}


# A Google plus code ("9C4W+X7 Leicester"): a door to within 14 metres, as what3words is.
_PLUS_CODE = re.compile(r"(?<![\w+])(?=[^\s+]*\d)(?=[^\s+]*[cfghjmpqrvwx])"
                        r"[23456789cfghjmpqrvwx]{4,8}\+[23456789cfghjmpqrvwx]{2,3}(?![\w+])", re.I)
# An Ordnance Survey grid reference to ten metres or better ("SK 5872 0415"), given as the
# writer's home ("that's my house", "our garden"): a hill's or a car park's grid reference
# for a walk ("the trig point is SK 4596 1318") passes, as a six-figure one (100 m) does.
_GRID_REF = re.compile(r"\b(?-i:[HJNOST][A-HJ-Z])\s?(\d{4,5})\s?(\d{4,5})\b")
_MY_PLACE = re.compile(r"\b(?:my|our)\s+(?:\w+\s+)?(?:house|home|flat|bungalow|cottage|garden|"
                       r"place|door|farm)\b|\b(?:that'?s|it'?s|is)\s+(?:me|us|mine|ours)\b|"
                       r"\b(?:i|we)\s+live\b", re.I)


def _what3words(text: str) -> bool:
    """A what3words address ("///table.lamp.spoon", "what3words: table lamp spoon"), a plus
    code, or a map position to four places ("52.6369, -1.1398") or a grid reference to ten
    metres given as home: a front door as surely as a street."""
    if re.search(rf"///\s*[a-z]+{_W3W_DOT}[a-z]+{_W3W_DOT}[a-z]+", text, re.I) or \
            any(_three_words(m.group(0)) for m in _W3W.finditer(text)) or \
            ("+" in text and _PLUS_CODE.search(text)):
        return True
    if any(len(m.group(1)) == len(m.group(2)) for m in _GRID_REF.finditer(text)) and \
            _MY_PLACE.search(text):
        return True
    return any(abs(float(m.group(1))) <= 90 and abs(float(m.group(2))) <= 180 for m in re.finditer(
        r"(?<![\d.])(-?\d{1,2}\.\d{4,})°?\s*[nsNS]?\s*[,/ ]\s*(-?\d{1,3}\.\d{4,})(?![\d.])", text))


# A house number and a street's name told apart, with a word for going there or living
# there: "Come to number 8, it's the cul-de-sac Lime Grove off the Uppingham road", "I live
# in the flats on Aylestone Road, 3rd floor, number 31".
# "our house is 27", "we're at 31, the bungalow ...", "come to mine, 47, the yellow door".
_HOUSE_NUMBER = re.compile(
    r"(?:\b(?:number|no\.?|num|flat|apartment|apt|house|bungalow)(?:'s|\s+is)?\s*|"
    r"(?:\b(?:we'?re|i'?m|we\s+are|i\s+am)\s+at\s+|\bmine\W{1,3})(?=\d+[a-h]?\s*[,;:(—–-]))"
    r"(\d{1,4})[a-h]?\b(?!\s*(?:bus|buses|"
    r"service|route|in\s+(?:the\s+)?(?:\w+\s+)?(?:queue|line|list|table|league|rankings?)|"
    # Round seventeen: "number 22 on the menu at the curry house on Belgrave Gate".
    r"on\s+the\s+(?:\w+\s+)?(?:list|menu|card|board|shirt|sheet|rota|register|chart)|miles?|mins?|"
    r"minutes?|hours?|k|km|steps|stops|times?|of|out\s+of|[:.]\d))", re.I)
_NAMED_STREET = re.compile(rf"\b[A-Z][a-z'-]+\s+(?i:{_STREETS})\b")
# Round fourteen: the kinds of home people say beside a house and a bungalow ("the cream semi
# opposite Braunstone Leisure Centre, number 31", "number 5, the cottage behind the Red Lion").
_HOME_KINDS = r"house|bungalow|flat|semi|cottage|maisonette|townhouse|end\s+terrace"
_GOING_HOME = re.compile(r"\b(?:live|lives|living|come|coming|pop|round|mine|my place|my house|"
                         r"my flat|address|visit|door|bell|buzzer|knock|find me|i'?m|we'?re|"
                         rf"{_HOME_KINDS}|that'?s\s+(?:us|me|mine|ours)|ours)\b", re.I)
_A_HOME = re.compile(rf"\b(?:live|lives|living|mine|my place|{_HOME_KINDS}|door|bell|"
                     r"buzzer|buzz|knock|come round|pop round|that'?s\s+(?:us|me|mine|ours))\b",
                     re.I)
# Directions from a landmark with a name: "above the Greggs", "past the Londis", "behind the
# Methodist church", "opposite the school on Church Lane".
_LANDMARK = re.compile(r"\b(?:above|over|behind|opposite|past|next\s+to|beside|near|off|"
                       r"across\s+from|facing|round\s+the\s+corner\s+from)\s+(?:the\s+)?"
                       r"[^.!?]{0,30}?\b(?-i:[A-Z][\w'&-]+)", re.I)
# "44 the Fairway, Kibworth", "12 the Paddocks, Glenfield": a number, "the" and a name, then
# a town.
_THE_NAME_TOWN = re.compile(
    r"(?<![£$€\d.:])\b(\d{1,4})[a-h]?,?\s+the\s+[A-Z][a-z'-]+\s*,\s*[A-Z][a-z'-]{2,}")


def _told_apart(text: str) -> bool:
    if not _GOING_HOME.search(text):
        return False
    # A home's number and where it is: a street's name, or directions from a landmark with
    # a name ("flat 5 above the Greggs in Wigston, ring the top bell").
    # The landmark alone needs a home in the message ("I'm number 1 fan of the chippy behind
    # the Asda" is no address).
    return any(not 1900 <= int(m.group(1)) <= 2099 for m in _HOUSE_NUMBER.finditer(text)) and (
        _NAMED_STREET.search(text) is not None or (
            _LANDMARK.search(text) is not None and _A_HOME.search(text) is not None))


_ADDRESS_GIVEN = re.compile(r"(?:^|[,:;.!?—–(-]|\b(?:mine|is|its|it's|at|to|address|i'?m|"
                            r"we'?re|live|living|by))\s*$", re.I)


def _the_name_town(text: str) -> bool:
    for match in _THE_NAME_TOWN.finditer(text):
        number = int(match.group(1))
        before = text[max(0, match.start() - 12):match.start()].split()
        timed = bool(before) and before[-1].lower() in _TIME_WORDS and number <= 12 and \
            not home_at(text, match.start())  # "we're at 2 the Paddocks, Glenfield"
        # Where an address is given: first, after a sign, or after "mine", "at", "is".
        given = _ADDRESS_GIVEN.search(text[max(0, match.start() - 20):match.start()])
        if given and not timed and not 1900 <= number <= 2099 and \
                not public_place(text, match.start()):
            return True
    return False


# The writer's own home, named as such: "our house", "my bungalow", "we're selling", "is
# ours", "that's us".
_OWN_HOME = re.compile(
    r"\b(?:my|our)\s+(?:\w+\s+)?(?:house|home|flat|bungalow|cottage|maisonette|place)\b|"
    r"\b(?:we'?re|i'?m|we\s+are|i\s+am)\s+(?:selling|moving\s+out|letting)\b|"
    r"\b(?:is|that'?s|it'?s)\s+(?:ours|mine|us|me|where\s+(?:i|we)\s+live)\b", re.I)


# A home told by a landmark, with no number and no street word: "I live in the flat above
# the chippy on Narborough Road", "we're the cottage behind the church in Newtown Linford",
# "the bungalow next to the co-op in Wigston, green door, that's me". Directions that point
# at one building (above, opposite, next to, behind, past...) from a landmark, then where
# that is ("on Narborough Road", "in Wigston"); and the writer's own home said just before
# ("I live", "my flat's", "we're the end house") or owned just after ("... is mine", "that's
# us"). "near", "by" and "not far from" point at an area, not a door: "I live near Wigston,
# not far from the co-op", "the park next to the co-op", "meet at the cafe above the chippy"
# pass.
_DOORS_FROM = (r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|"
               r"a\s+couple\s+of|couple\s+of)\s+doors?\s+(?:down|up|along|away)\s+from")
_PICK_OUT = (r"\bthe\s+one\s+with\b|\b(?:red|blue|green|yellow|black|white|grey|gray|brown|"
             r"purple|pink|orange|wooden)\s+(?:front\s+)?door\b|\bknock\b|\bring\s+the\s+bell\b|"
             r"\bbuzz(?:er)?\b|\bcan'?t\s+miss\s+(?:it|us|me)\b|\bcome\s+round\b|\bpop\s+round\b")
_HOME_NOUN = (r"(?:house|flat|bungalow|cottage|maisonette|home|place|semi|one|end\s+house|"
              # Round seven: "I'm the farmhouse at the end of the track off Station Road".
              r"farmhouse|farm|barn|lodge|mill|chalet|cabin|caravan|narrowboat|houseboat|boat|"
              r"annexe|annex|rectory|vicarage|gatehouse|townhouse|terrace|end\s+terrace)")
_DIRECTIONS = re.compile(
    r"\b(?:above|over|behind|opposite|next\s+(?:door\s+)?to|beside|across\s+(?:the\s+road\s+)?"
    r"from|facing|past|at\s+the\s+back\s+of|round\s+the\s+(?:corner|back)\s+(?:from|of)|"
    r"on\s+the\s+corner\s+(?:of|by)|"
    # Round seven: where along a way ("at the end of the track off Station Road").
    r"at\s+the\s+(?:far\s+)?(?:end|top|bottom|head|foot)\s+of|(?:half\s?way|partway)\s+"
    r"(?:up|down|along)|"
    # Round eight: doors counted from a landmark ("three doors down from the Swan pub on
    # High Street"), read on the mended text too ("3 doors down").
    rf"{_DOORS_FROM})\s+(?:(?:the|a|an)\s+|(?-i:(?=[A-Z])))"
    r"(?:[\w'&-]+\s+){0,3}?[\w'&-]+,?\s+"
    r"(?:on|in|off|at|by)\s+(?:the\s+)?(?-i:[A-Z][\w'-]+)|"
    # Round eight: the end of a named street itself ("at the end of Coalpit Lane outside
    # Ashby"); not "past London Road", "behind Station Road" (a side of town, not a door).
    r"\bat\s+the\s+(?:far\s+|very\s+)?(?:end|top|bottom|head|foot)\s+of\s+"
    rf"(?-i:[A-Z][\w'-]+)(?:\s+(?-i:[A-Z][\w'-]+))?\s+(?:{_STREETS})\b", re.I)
_MY_HOME_BEFORE = re.compile(
    r"\b(?:i|we)\s+(?:live|living|stay|staying)\b(?:\s+in\s+(?:the|a)\s+(?:[\w'-]+\s+){0,3}?"
    rf"{_HOME_NOUN}\b)?|"
    r"\b(?:i'?m|we'?re|i\s+am|we\s+are)\s+(?:in\s+|at\s+)?(?:the|a)\s+(?:[\w'-]+\s+){0,3}?"
    rf"{_HOME_NOUN}\b|"
    rf"\b(?:my|our)\s+(?:[\w'-]+\s+)?{_HOME_NOUN}(?:'s|\s+is)?(?:\s+(?:the|a)\s+(?:[\w'-]+\s+)"
    rf"{{0,3}}?{_HOME_NOUN})?\b|"
    rf"\bhome\s+is\s+(?:the|a)\s+(?:[\w'-]+\s+){{0,3}}?{_HOME_NOUN}\b", re.I)
_A_HOME_NOUN = re.compile(rf"\b(?:the|a|our|my)\s+(?:[\w'-]+\s+){{0,3}}?{_HOME_NOUN}\b", re.I)
_MINE_AFTER = re.compile(r"\b(?:is|that'?s|it'?s|thats)\s+(?:mine|ours|me|us|where\s+(?:i|we)"
                         r"\s+live|my\s+(?:house|flat|place|home))\b|"
                         # Round eight: how to pick the door out, for someone coming round
                         # ("the bungalow next to St Peter's church in Thurcaston, the one
                         # with the yellow door"; "... red door, knock loud").
                         rf"{_PICK_OUT}", re.I)


def _home_by_landmark(text: str) -> bool:
    for direction in _DIRECTIONS.finditer(text):
        before = text[max(0, direction.start() - 60):direction.start()]
        # "my flat's above ...", "we're the end house past ...": said just before, in the
        # same clause.
        said = [m for m in _MY_HOME_BEFORE.finditer(before)
                if re.fullmatch(r"[^,.;!?]{0,40}", before[m.end():])]
        if said:
            return True
        # "the house with the red door next to ... is mine", "the bungalow next to ...,
        # green door, that's me": a home just before, owned just after.
        after = text[direction.end():direction.end() + 60]
        owned = _MINE_AFTER.search(after)
        # Doors counted from a landmark name a door themselves: a home noun need not come
        # first ("three doors down from the Swan pub on High Street, red door, knock").
        counted = re.match(_DOORS_FROM, direction.group(0), re.I) is not None
        if owned and not re.search(r"[.!?]", after[:owned.start()]) and (counted or any(
                re.fullmatch(r"[^.;!?]{0,40}", before[m.end():])
                for m in _A_HOME_NOUN.finditer(before)) or
                # Round fourteen: the home said after the landmark, then owned ("behind
                # the church in Newtown Linford, the thatched cottage called Bluebell,
                # that's mine").
                _A_HOME_NOUN.search(after[:owned.start()]) is not None):
            return True
    return False


# One door picked out on a named street (round eight): its place in the row ("the end one",
# "last on the left", "2nd house past the postbox", "three doors down from the Swan") on a
# street with its name, and either the writer's home said ("my bungalow's the end one on
# Rosemead Gardens") or how to pick the door out ("the white house with the blue shutters,
# last on the left on Glebe Road", "the one with the ramp", "red door, knock"). "The end
# one on Queens Road is the best chippy" and "the last house on Mill Lane had a fire" pass.
_ONE_DOOR = re.compile(
    r"\b(?:(?:end|last|first|corner)\s+(?:one|house|bungalow|cottage|door|terrace)|"
    r"(?:last|first)\s+(?:one\s+|house\s+)?on\s+the\s+(?:left|right)|"
    r"(?:\d{1,2}(?:st|nd|rd|th)|second|third|fourth|fifth|sixth|seventh|eighth)\s+(?:house|"
    r"bungalow|door|one|cottage|on\s+the\s+(?:left|right))|"
    rf"{_DOORS_FROM}|(?:\d{{1,2}}|two|three|four|five|six|a\s+few)\s+doors?\s+(?:down|up|along))\b",
    re.I)
_NAMED_WAY = re.compile(rf"\b(?:on|off|of|along|up|down|in|at)\s+(?:the\s+)?(?-i:[A-Z][\w'-]+)"
                        rf"(?:\s+(?-i:[A-Z][\w'-]+))?\s+(?:{_STREETS})\b", re.I)
_SPOTTED_BY = re.compile(rf"{_PICK_OUT}|\b(?:house|bungalow|cottage|one|door|place|flat)\s+with\s+"
                         r"(?:the|a|an)\b|"
                         # "the red brick house, last on the right on Forest Road"
                         r"\b(?:the|a)\s+(?:(?:red|blue|green|yellow|black|white|grey|gray|"
                         r"brown|pink|cream|red\s+brick|brick|stone|thatched|detached|"
                         r"semi-detached)\s+){1,2}(?:house|bungalow|"
                         r"cottage|semi|terrace|one)\b", re.I)


def _one_door_on_a_street(text: str) -> bool:
    for door in _ONE_DOOR.finditer(text):
        sentence_start = max(text.rfind(c, 0, door.start()) for c in ".!?") + 1
        end = [i for i in (text.find(c, door.end()) for c in ".!?") if i >= 0]
        sentence = text[sentence_start:min(end) if end else len(text)]
        if _NAMED_WAY.search(sentence) and (
                _MY_HOME_BEFORE.search(sentence) or _SPOTTED_BY.search(sentence)):
            return True
    return False


# A house's name given with its street or village (round eight): "the house is called
# Rosebank, Main Street, Kibworth", "our cottage is named Ivy Lodge, in Rothley".
_CALLED_HOUSE = re.compile(
    r"\b(?:house|home|cottage|bungalow|farm(?:house)?|place|barn|lodge|flat)(?:\s+is\s+|'s\s+|\s+)"
    r"(?:called|named)\s+['\"‘“]?(?-i:[A-Z][\w'-]+)(?:\s+(?-i:[A-Z][\w'-]+))?['\"’”]?\s*,?\s+"
    rf"(?:(?:on|off)\s+)?(?:(?:(?-i:[A-Z][\w'-]+)\s+){{1,2}}(?:{_STREETS})\b|"
    r"in\s+(?-i:[A-Z][\w'-]{2,}))", re.I)


# Addresses abroad (round seven): a home abroad given as one's own is still a home. Street
# words that come first ("12 rue de la Paix", "7 calle Mayor"), a street's name with its
# word built in and the number after ("Hauptstraße 5", "ul. Długa 5", "Kalverstraat 12"),
# and the words of an Indian address ("21 Shanti Nagar Society", "4 MG Marg").
_STREET_FIRST = re.compile(
    r"\b\d{1,4}[a-z]?,?\s+(?i:rue|avenue|boulevard|calle|avenida|avda|rua|viale|via|piazza|"
    r"plaza|praça|ulica|aleja)\s+(?:(?i:de|du|des|la|le|les|del|della|di|da|do|dos|das|"
    r"san|santa)\s+)*[A-Z][\w'-]+")
_NUMBER_LAST = re.compile(
    r"(?:\b(?i:ul|al|os|pl)\.\s*|\b(?i:ulica|aleja)\s+)[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?\s+"
    r"\d{1,4}[a-z]?\b|"
    r"\b[A-Z][\w'-]*(?i:stra(?:ß|ss)e|str\.|gasse|weg|straat|laan|plein|gracht|vej|gade|"
    r"gatan|vägen|katu|utca)\s+\d{1,4}[a-z]?\b")
_INDIAN_ADDRESS = re.compile(
    r"\b\d{1,4}[a-z]?(?:/\d{1,4})?,?\s+(?:[A-Z][\w'-]*\s+){1,3}(?:Nagar|Marg|Society|Colony|"
    r"Chowk|Vihar|Enclave|Niwas|Sadan|Bhavan|Bhawan|Puram|Apartments|Pol|Bagh)\b")
# An address given as such, whatever its words: "Gujarat address: 21 Shanti Nagar Society,
# Maninagar, Ahmedabad", "my address in Lagos is 14 Adeola Odeku, Victoria Island": a
# number and a name, then a place after a comma. Not an email or web address.
_ADDRESS_LABEL = re.compile(
    r"(?<!e-)(?<!email )(?<!e-mail )(?<!web )(?<!ip )\b(?i:address)"
    r"(?:\s+(?i:is|in|back|there|at|over|home)(?:\s+[\w'-]+)?){0,3}?\s*(?:[:=\-–—]|(?i:\bis\b))"
    r"\s*(?:(?i:flat|apt|apartment|house|no\.?|number)\s*)?\d{1,4}[a-z]?(?:/\d{1,4})?,?\s+"
    r"(?:[A-Z][\w'-]*\s+){0,3}[A-Z][\w'-]*\s*,\s*[A-Z][\w'-]+")


# Words one of those patterns needs, looked for first: most messages have none.
_ABROAD_CUES = ((_STREET_FIRST, (" rue ", "calle", "avenue", "avenida", "avda", " rua ", " via ",
                                 "viale", "piazza", "plaza", "praça", "ulica", "aleja",
                                 "boulevard")),
                (_NUMBER_LAST, ("ul.", "al.", "os.", "pl.", "ulica", "aleja", "straße", "strasse",
                                "str.", "gasse", "weg ", "straat", "laan ", "plein", "gracht",
                                "vej ", "gade ", "gatan", "vägen", "katu", "utca")),
                (_INDIAN_ADDRESS, ("nagar", "marg", "society", "colony", "chowk", "vihar",
                                   "enclave", "niwas", "sadan", "bhavan", "bhawan", "puram",
                                   "apartments", " pol", "bagh")),
                (_ADDRESS_LABEL, ("address",)))


def _abroad(text: str) -> bool:
    """(Read only where the message has a digit.)"""
    lower = text.lower()
    patterns = [p for p, cues in _ABROAD_CUES if any(cue in lower for cue in cues)]
    for pattern in patterns:
        for match in pattern.finditer(text):
            digits = re.search(r"\d+", match.group(0))
            if digits and not public_place(text, match.start() + digits.start()):
                return True
    return False


# A home's number and a one-word street, then the town, with a home said (round seven):
# "Come for tea, 23 Kingsway, Braunstone. Buzzer's broken"; the street named after "on",
# then the number: "the house is on Kingsway, 138, the one with the ramp".
_NUMBER_NAME_TOWN = re.compile(
    r"(?<![£$€\d.:/])\b(\d{1,4})[a-h]?,?\s+([A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?)\s*,\s*"
    r"[A-Z][a-z'-]{2,}")
_AT_HOME_THEN = re.compile(r"\b(?:at|from)\s+home\s*[,:–-]\s*$", re.I)
_ON_STREET_NUMBER = re.compile(
    r"\b(?:(?:house|flat|bungalow|home|place|cottage|i\s+live|we\s+live)\b[^.!?]{0,20}?"
    r"\bon\s+((?-i:[A-Z][a-z'-]+)(?:\s+(?-i:[A-Z][a-z'-]+))?)(?:\s*,\s*|\s+)|"
    # "I'm on Southgate, 14, come by": the number set apart by commas ("I'm on Windows 10").
    r"\b(?:we'?re|i'?m)\s+on\s+((?-i:[A-Z][a-z'-]+)(?:\s+(?-i:[A-Z][a-z'-]+))?)\s*,\s*)"
    r"(?:(?:at\s+)?(?:no\.?|number)\s*)?(\d{1,4})[a-h]?\s*(?:$|[,.;!])", re.I)
# A named house, then its street and village: "Rose Cottage, Main Street, Great Glen".
_NAMED_HOUSE = re.compile(
    rf"\b[A-Z][a-z'-]+\s+(?:Cottage|Cottages|Farm|Farmhouse|Lodge|Barn|Villa|Bungalow|Croft|"
    rf"Grange)\s*,\s*(?:[A-Z][a-z'-]+\s+){{1,2}}(?i:{_STREETS})\b\s*,\s*[A-Z][a-z'-]+")
# A corner house between two streets, said to be the writer's: "corner house on Saffron
# Lane and Knighton Lane East, ... that's us".
_CORNER_HOME = re.compile(
    rf"\bcorner\s+(?:house|flat|bungalow|cottage|one)\s+(?:on|of|at)\s+(?:[A-Z][a-z'-]+\s+)"
    rf"{{1,2}}(?i:{_STREETS})\s+(?:and|&)\s+(?:[A-Z][a-z'-]+\s+){{1,2}}(?i:{_STREETS})\b")


def _named_street_home(text: str) -> bool:
    if not _DIGIT.search(text):
        return _no_number_home(text)
    if "," in text:
        home = _A_HOME.search(text) is not None
        for match in _NUMBER_NAME_TOWN.finditer(text):
            # Round fifteen: or the address put just after "at home" ("pick me up at home,
            # 15 Brookside, Anstey").
            if not home and not _AT_HOME_THEN.search(text[max(0, match.start() - 20):
                                                            match.start()]):
                continue
            number, name = int(match.group(1)), match.group(2).split()[0]
            before = text[max(0, match.start() - 12):match.start()].split()
            timed = bool(before) and before[-1].lower() in _TIME_WORDS and number <= 12 and \
                not home_at(text, match.start())
            if not timed and not 1900 <= number <= 2099 and \
                    name.lower() not in _NOT_A_STREET_NAME and not _CALENDAR_WORD.match(name) \
                    and not UNIT_AFTER.match(text[match.end(1):match.end(1) + 8]) \
                    and not public_place(text, match.start()):
                return True
    for match in _ON_STREET_NUMBER.finditer(text) if " on " in text.lower() else ():
        name = (match.group(1) or match.group(2)).split()[0]
        if name.lower() not in _NOT_A_STREET_NAME and not _CALENDAR_WORD.match(name) and \
                not 1900 <= int(match.group(3)) <= 2099:
            return True
    return _no_number_home(text)


_DIGIT = re.compile(r"\d")
_HOUSE_NAME_WORD = re.compile(r"Cottage|Farm|Lodge|Barn|Villa|Bungalow|Croft|Grange|orner")


def _no_number_home(text: str) -> bool:
    """A named house with its street, or a corner house said to be the writer's."""
    if not _HOUSE_NAME_WORD.search(text):
        return False
    if _NAMED_HOUSE.search(text):
        return True
    return _CORNER_HOME.search(text) is not None and (
        _MINE_AFTER.search(text) is not None or _OWN_HOME.search(text) is not None)


def _numbered_home(text: str) -> bool:
    """`_NUMBERED_HOME`, but not "flat" the adjective (round fourteen: "the walk was flat 3
    the whole way" read as flat 3 on a way)."""
    return any(not (m.group(0)[:4].lower() == "flat" and FLAT_ADJECTIVE.search(text[:m.start()]))
               for m in _NUMBERED_HOME.finditer(text))


def has_address(text: str) -> bool:
    if _number_after(text) or _numbered_home(text) or _what3words(text):
        return True
    if (_DIGIT.search(text) and _abroad(text)) or _named_street_home(text):
        return True
    if _home_by_landmark(text) or _one_door_on_a_street(text):
        return True
    if ("called" in text or "named" in text) and _CALLED_HOUSE.search(text):
        return True
    # A property site's page given as the writer's own home ("our house is on rightmove
    # now, rightmove.co.uk/properties/14523678"): their address, though the site is public.
    if _OWN_HOME.search(text) and home_listing(text):
        return True
    if _told_apart(text) or _the_name_town(text):
        return True
    if any(_bare_house(text, match) for match in _BARE_HOUSE.finditer(text)):
        return True
    return any(_a_house(text, match) for match in _ADDRESS.finditer(text))


# A time of day said in words before the hour (round seven): "quarter to 11", "half past 9",
# "ten to 12", "from 10 till 11", "half 7".
_SAID_TIME = re.compile(
    r"(?:\b(?:quarter|half|ten|five|twenty|twenty[\s-]five|\d{1,2})\s+(?:to|past)|\bhalf|"
    r"\b\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?\s*(?:till|until|til|-|–))\s*$", re.I)


# A part of a venue, before its number: "Gate 2, Abbey Park Road", "Entrance 2, Braunstone
# Lane", "Platform 3": the number is the gate's, not a house's.
_VENUE_PARTS = frozenset({"gate", "entrance", "exit", "platform", "stand", "bay", "pitch",
                          "court", "stop", "ward", "room", "level", "floor", "screen",
                          "stall", "terminal"})


_FETCHED = re.compile(r"\b(?:pick\s+(?:me|us)\s+up|collect\s+(?:me|us)|drop\s+(?:me|us)(?:\s+off)?|"
                      r"park(?:ed)?\s+(?:up\s+)?outside|knock\s+(?:at|on)|ring\s+the\s+bell\s+at|"
                      r"wait(?:ing)?\s+outside)\s*(?:from|at|outside)?\s*$", re.I)


def _a_house(text: str, match: re.Match[str]) -> bool:
    """A house number, a name and a street word, rather than a year, a distance, money, a
    time then a place, or a number of ordinary things ("one big walk", "£15 each way")."""
    number, street = int(match.group(1)), match.group(3).lower()
    between = match.group(2).split()
    preceding = text[max(0, match.start() - 24):match.start()]
    words_before = preceding.split()
    before = words_before[-1].lower() if words_before else ""
    if 1900 <= number <= 2099 or MONEY_BEFORE.search(preceding) or re.search(
            r"\d[:.]$", preceding):
        return False  # a year ("in 1967 Melton Road"), money ("£15 each way"), "at 14:00 ..."
    if re.match(r"\s*(?:bus|buses|service|route|stops?)\b", text[match.end():], re.I):
        return False  # "the 14 Abbey Park Road bus": a route
    if _FETCHED.search(preceding):
        # Session fourteen (a newcomer: "pick me up from 6 Lubbesthorpe Way", "park outside
        # 6 ..."): where someone is to be fetched or called on is where they are.
        return bool(between) and not NOT_HOUSE & {w.lower().strip("'’") for w in between}
    if before in _VENUE_PARTS or public_place(text, match.start()):
        return False  # "meet at Gate 2, Abbey Park Road", "the cafe at 15 Market Place"
    # "7 minutes' walk" (round fourteen): the possessive's apostrophe is no name's.
    if not between or NOT_HOUSE & {w.lower().strip("'’") for w in between}:
        return False  # "3 close friends", "5 miles along London Road", "2 buses down Narborough Rd"
    if [w.lower() for w in between] == ["the"] and street in ("road", "rd", "street", "st") \
            and not match.group(3)[:1].isupper():
        return False  # "house number is 3, the road is ..." ("27 the crescent" is an address)
    if street not in _PLAIN_STREETS and all(w in QUALIFIERS or w == "the" for w in between) \
            and any(w in QUALIFIERS for w in between):
        # "all one big walk", "5 each way", "flat 3 the whole way" (round fourteen): how
        # big, how many, not a name ("27 the crescent" is one).
        return False
    home = home_at(text, match.start())
    if number <= 12 and _SAID_TIME.search(preceding) and street not in _PLAIN_STREETS and \
            not home:
        return False  # "quarter to 11, Abbey Park café", "half past 9 Victoria Park"
    # "meet at 10 Abbey Park": a time, then a place; "I live at 14 Elm Grove", "the flat
    # above the chippy at 22 Belgrave Gate": a home.
    return home or not (before in _TIME_WORDS and number <= 12 and street not in _PLAIN_STREETS)
