"""Details told in passing (round seventeen, blind held_out_19's kinds, fixed by kind; variants
in content/contact_examples/kinds_17.tsv), for the contact-detail detector
(bot/peers/contact.py):

- a home on a one-word street whose street word is run into its name ("we're 45 Kingsway",
  "I'm 8 Thurncourt", "ours is 16 Kingsway, Braunstone"), after the writer put there;
  and (`split_fused`) such a word split off its name wherever a number is near ("9b
  Kingsway" is read as "9b Kings Way"), so every address rule, over messages too, reads it;
- a house number in Roman numerals ("No. XXIV Stoneygate Road"), read as digits;
- what3words described rather than named ("the three words thing: soft, window, bread");
- a link whose dot is a comma or a space, with a path after it ("example,org/tilly",
  "example org/tilly", "example org slash tilly");
- a handle told as the writer's name on here, put the other way round ("same username on
  insta as on this app", "my username's the same on insta", "search my name on here on fb").

Each needs the writer or a door in the message, so ordinary chat passes: "I'm 45 anyway",
"the number 3 bus", "same as on the app, the walk starts at 10", "insta-worthy".
"""

from __future__ import annotations

import re

from bot.core.textnorm import english_words
from bot.peers.contact_address import has_address
from bot.peers.contact_handle import PLATFORM

# The writer put at a door: "I'm", "we're", "ours is", "mine's", "home is", "I live at",
# "come round to", "my house is".
_PUT_AT = (r"(?:\b(?:i'?m|we'?re|i\s+am|we\s+are|ours?(?:'s|\s+is|\s*,)|mine(?:'s|\s+is|\s*,)|"
           r"home(?:'s|\s+is)|(?:my|our)\s+(?:house|home|flat|place|address|bungalow)"
           r"(?:'s|\s+is)|(?:i|we)\s+live|living|come\s+(?:round\s+|over\s+)?to|"
           r"(?:round|over)\s+to|pop\s+(?:round|over)\s+to|no\s+wait|sorry|i\s+mean)"
           r"(?:\s+(?:at|in))?[,\s]\s*)")
# A street's word run into its name: "Kingsway", "Thurncourt", "Highfield", "Brookside".
_FUSED = (r"(?:way|gate|court|field|fields|side|croft|dale|mead|meadow|lands|wood|holme|brook|"
          r"bank|leys|hurst|moor|gardens|crest|ridge|green|grove|lea)")
_FUSED_HOME = re.compile(
    rf"{_PUT_AT}(?:no\.?\s*|number\s+|num\s+|#\s*)?(\d{{1,4}})[a-h]?,?\s+"
    rf"([A-Za-z][a-z'-]{{2,}}{_FUSED})\b(?=\s*(?:$|[,.;:!?)(]|\.\.\.|x+\b|lol\b|and\b|so\b|"
    r"if\b|come\b|pop\b|in\b|near\b|by\b|off\b|next\b|opposite\b|just\b|the\b|with\b|"
    r"(?-i:[A-Z])))", re.I)
# Not a street: calendar words and words for a time ("I'm 45 Wednesday"? never fused).
_NOT_A_NAME = frozenset({"anyway", "someway", "halfway", "midway", "sideways", "everyway",
                         "nowhere", "outside", "inside", "beside", "aside", "upside", "backside",
                         "offside", "onside", "alongside", "ringside", "bedside", "poolside",
                         "weekend", "likewise", "otherwise"})


_HOME = re.compile(r"\b(?:live|lives|living|home|house|flat|bungalow|mine|ours|door|knock|"
                   r"bell|buzz|buzzer|round|address)\b", re.I)


def _fused_street_home(text: str) -> bool:
    words = english_words()
    for match in _FUSED_HOME.finditer(text):
        number, name = int(match.group(1)), match.group(2).lower()
        if 1900 <= number <= 2099 or name in _NOT_A_NAME or name in words:
            continue
        lead = text[match.start():match.start(1)]
        if number <= 12 and re.search(r"\bat\s+(?:no\.?\s*|number\s+|num\s+|#\s*)?$", lead,
                                      re.I) and not _HOME.search(text):
            continue  # "I'm at 10 Eastgate, see you there": a time, then a place
        return True
    return False


# A house number in Roman numerals after its word: "No. XXIV Stoneygate Road", "number XII
# on Belgrave Gate"; read as digits, then as any address ("No. 1 fan" is no street).
_ROMAN_NUMBER = re.compile(r"\b((?i:no\.?|number|num)|#)\s*([IVXLC]{1,8})\b(?=\s+\w)")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman(numeral: str) -> int | None:
    values = [_ROMAN[c] for c in numeral.upper()]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v
                for i, v in enumerate(values))
    # Only a numeral written the usual way ("IIII" and "VX" are none).
    return total if 0 < total < 400 and _to_roman(total) == numeral.upper() else None


def _to_roman(number: int) -> str:
    out = ""
    for value, letters in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"),
                           (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out += letters
            number -= value
    return out


def _roman_house(text: str) -> bool:
    def digits(match: re.Match[str]) -> str:
        # "I" alone is the writer ("no I don't drive"), never a house's number.
        value = _roman(match.group(2)) if match.group(2) != "I" else None
        return match.group(0) if value is None else f"{match.group(1)} {value}"

    plain = _ROMAN_NUMBER.sub(digits, text)
    return plain != text and has_address(plain)


# what3words described, not named: "the three words thing: soft, window, bread", "that
# three word app, mine is table chair lamp", "3 little words address: apple.pear.plum".
_W3W_SAID = re.compile(
    r"\b(?:(?:three|3)\s+(?:little\s+|random\s+)?words?\s*(?:thing|app|address|one|map|"
    r"location|code)?|what\s?(?:3|three)\s?words|w3w)\b[^.!?:]{0,30}?(?:[:=]|\bis\b|\bare\b)\s*"
    r"([a-z]{3,})\s*[,./\s]\s*([a-z]{3,})\s*[,./\s]\s*(?:and\s+)?([a-z]{3,})\s*(?:$|[,;!)x])",
    re.I)
_NOT_W3W = frozenset({"the", "and", "that", "this", "for", "you", "are", "was", "not", "but",
                      "its", "all", "one", "two", "three", "words", "word", "what", "with",
                      "have", "has", "just", "really", "very", "good", "great", "clever",
                      "handy", "easy", "useful", "brilliant", "amazing", "cool", "how", "use",
                      "app", "thing", "called", "about", "said", "says"})


# "Three words" alone is how people sum things up ("in three words: walk, rest, repeat"):
# the map service's word for itself, or a door, is needed too.
_W3W_CUE = re.compile(r"\b(?:what\s?(?:3|three)\s?words|w3w|thing|app|address|location|map|"
                      r"code|door|house|home|flat|gate|bungalow|mine|ours|front)\b", re.I)


def _w3w_said(text: str) -> bool:
    return any(not _NOT_W3W & {w.lower() for w in m.groups()} and
               _W3W_CUE.search(m.group(0)[:m.start(1) - m.start()])
               for m in _W3W_SAID.finditer(text))


# A street's word run into its name, split off so every address rule reads it as a street
# word: "9b Kingsway" is "9b Kings Way", "Thurncourt" "Thurn Court". Only names no
# dictionary has ("anyway", "gateway", "Broadway" stay), with three letters or more before
# the word, and only the words that are street words already (contact_address.STREETS).
_SPLIT_SUFFIX = re.compile(
    r"\b([A-Za-z][a-z'-]{2,}?)(way|gate|court|croft|dale|vale|green|grove|gardens|rise|leys|"
    r"ridge|walk|chase|close|drive|lane|road|street|crescent|mews|row|hill)\b", re.I)


def split_fused(text: str) -> str:
    """`text` with street words run into a name split off (above); unchanged if none."""
    if not re.search(r"\d", text) and not re.search(r"\b(?:number|no)\b", text, re.I):
        return text
    words = english_words()

    def split(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole.lower() in words or whole.lower() in _NOT_A_NAME or \
                match.group(1).lower() in ("the", "any", "some", "half", "mid", "side"):
            return whole
        suffix = match.group(2)
        if whole[:1].isupper():
            suffix = suffix[:1].upper() + suffix[1:]
        return f"{match.group(1)} {suffix}"

    return _SPLIT_SUFFIX.sub(split, text)


def has_passing_home(text: str) -> bool:
    """A home told in one of round seventeen's ways (see the module's docstring)."""
    return _fused_street_home(text) or _roman_house(text) or _w3w_said(text)


# A site's dot typed as a comma or a space, then a path: "example,org/tilly", "example
# org/tilly", "example org slash tilly", "example,co,uk/me". Only with the path (a name after
# a slash): "ok,org the walk" and "the kids,com on" have none.
_ENDINGS = r"(com|org|net|co(?:[,\s]\s?uk)?|org[,\s]\s?uk|uk|me|io|info|biz|blog)"
_SITE_APART = re.compile(
    rf"(?<![\w@.])([a-z][a-z0-9-]{{2,30}})\s?[,\s]\s?{_ENDINGS}\s?(?:/|\bslash\b|"
    r"\bforward\s+slash\b)\s?(@?[a-z0-9][\w.~-]{1,30})", re.I)


# The writer's own page or site said just before ("my page is example net slash margaret").
_OWN_SITE = re.compile(r"\b(?:my|our)\s+(?:own\s+)?(?:web\s?)?(?:site|page|blog|shop|"
                       r"channel|gallery|portfolio)(?:'s|\s+is|\s*[:=\-–—])?\s*$", re.I)


def has_link_apart(text: str) -> bool:
    """A link written with its dot as a comma or a space and a path after (above)."""
    from bot.peers.contact_web import has_link

    for match in _SITE_APART.finditer(text):
        name = match.group(1).lower()
        if PLATFORM.fullmatch(name) or name in ("www", "http", "https"):
            continue  # "insta com/..." is another kind's
        ending = re.sub(r"[,\s]+", ".", match.group(2).lower())
        typed_comma = "," in match.group(0)[match.end(1) - match.start():match.start(2) -
                                             match.start()]
        words = english_words()
        path = match.group(3).lower()
        if ending in ("me", "uk") and not typed_comma:
            continue  # "text me/whatsapp", "the uk/europe": words, not a site
        own = _OWN_SITE.search(text[max(0, match.start() - 30):match.start()]) is not None
        if not typed_comma and not own and name in words and (path in words or len(path) < 4):
            continue  # "we walked org/ok": words either side of a space, no site
        if has_link(f"{name}.{ending}/{match.group(3)}"):
            return True
    return False


# The name on a platform told as the name on here, the other way round: "same username on
# insta as on this app", "same name on snapchat as on here", "same as on here on facebook",
# "my username's the same on insta", "search my name on here on fb".
_HERE = r"(?:here|this\s+(?:app|chat|one|site|thing)|the\s+app|move\s+mates)"
_PLATFORM = r"(?:" + PLATFORM.pattern + r")"
_SAME_ON_PLATFORM = re.compile(
    rf"\bsame\s+(?:user\s?name|name|handle|@|profile)\s+(?:on|for|in)\s+(?:the\s+)?{_PLATFORM}"
    rf"\s+as\s+(?:on\s+|in\s+)?{_HERE}\b|"
    rf"\bsame\s+(?:as|name\s+as|username\s+as)\s+(?:on\s+|in\s+){_HERE}\s+(?:on|for)\s+"
    rf"(?:the\s+)?{_PLATFORM}\b|"
    rf"\bmy\s+(?:user\s?name|name|handle|@|profile)(?:'s|\s+is)\s+the\s+same\s+(?:on|for)\s+"
    rf"(?:the\s+)?{_PLATFORM}\b|"
    rf"\b(?:search|look\s+up|find|type\s+in)\s+(?:for\s+)?my\s+name\s+(?:on|from|in)\s+"
    rf"{_HERE}\s+(?:on|in)\s+(?:the\s+)?{_PLATFORM}\b", re.I)


def has_same_name_handle(text: str) -> bool:
    """A handle told as the name on here, put the other way round (above); not a question."""
    found = _SAME_ON_PLATFORM.search(text)
    return found is not None and "?" not in text[found.start():found.end() + 40]
