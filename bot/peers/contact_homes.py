"""A home told by its house number and a street's name with no street word, given as where
the writer is (round thirteen): "Pat Kirby, 23 Marlow" (a name over a number, as on an
envelope), "I'm the blue door at no.23 marlow", "calle Marlow 23, that's me", "23 Marlow,
that's us"; and one told over two messages, a bare house number, then its street alone
("23" / "marlow road": see `street_after_number`).

A number and a word alone are everywhere ("gate 23", "23 Marlow fans"), so each needs the
writer put there: a full name before it, a door or a home, or "that's me".
"""

from __future__ import annotations

import re

from bot.peers.contact_address import has_address

_NAME = r"[A-Za-z][a-z'-]+"
# A name over a number and a one-word street, the whole message: "Pat Kirby, 23 Marlow".
_ENVELOPE = re.compile(rf"^\W*(?-i:[A-Z][a-z'-]+\s+[A-Z][a-z'-]+)\s*,\s*\d{{1,4}}[a-z]?,?\s+"
                       r"(?!(?:years?|yrs?|months?|weeks?|days?|stone|st|kg|lbs?|miles?|km|"
                       r"steps|laps|mins?|minutes|hours?|today|now|again|times)\b)"
                       rf"{_NAME}(?:\s+{_NAME})?\W*$", re.I)
# A door or a home, then "no.23 marlow" / "number 23 marlow": the number word marks a door.
_DOOR_NUMBER = re.compile(
    r"\b(?:i'?m|we'?re|i\s+am|we\s+are|mine'?s|ours'?s?|my\s+(?:house|home|flat|place|door)|"
    r"the\s+(?:\w+\s+)?(?:door|house|flat|bungalow|cottage))\b[^.!?]{0,40}?"
    rf"\b(?:no\.?|number|num|#)\s*\d{{1,4}}[a-z]?,?\s+(?:on\s+)?(?!(?:on|in|at|the|and|for|"
    rf"to|with|from|is|was|now|today|bus|platform|gate|ward|room)\b){_NAME}", re.I)
# The door itself said ("I'm number 1 fan of the chippy" is no door).
_DOOR_WORD = re.compile(r"\b(?:door|house|flat|bungalow|cottage|home|place|at\s+no\.?|"
                        r"at\s+number)\b", re.I)
# A number and a name (either way round, a street word before it or not), then the writer
# put there: "calle Marlow 23, that's me", "23 Marlow, that's us", "Marlow 23 is mine".
_THATS_ME = (r"(?:that'?s|thats|that\s+is|is|=)\s+(?:me|us|mine|ours|home|where\s+i\s+live)"
             r"\s*(?:$|[^\w\s]|(?:x+|lol|so|if|and|then|come|pop|by\s+the\s+way)\b)")
_CLAIMED = re.compile(
    rf"(?:\b\d{{1,4}}[a-z]?,?\s+{_NAME}|\b(?:calle|rue|via|rua|avenida|avenue|ulica)?\s*"
    rf"{_NAME}\s+\d{{1,4}}[a-z]?)\s*[,;:\-–—]?\s*{_THATS_ME}", re.I)
# Not a street: "gate 23, that's me" (a seat), "row 4", "bus 14".
_NOT_A_STREET = re.compile(r"\b(?:gate|row|seat|bus|platform|table|room|ward|bed|bay|stand|"
                           r"block|level|floor|number|no|page|line|team|size|age|"
                           r"aged|year|years|day|days|week|weeks|minute|minutes|mins|hours|"
                           r"miles|km|steps|laps|times|x)\s+\d|\b\d{1,4}\s+(?:minutes|mins|"
                           r"hours|miles|km|steps|laps|times|years|days|weeks|x|of|in|on|"
                           r"at|to|and|or|more|less|pounds|quid|degrees|percent|pm|am)\b", re.I)


def has_home_without_street_word(text: str) -> bool:
    """Whether `text` (folded) tells a home by a number and a bare street name (above)."""
    if not re.search(r"\d", text):
        return False
    if _ENVELOPE.match(text) or any(_DOOR_WORD.search(m.group(0))
                                    for m in _DOOR_NUMBER.finditer(text)):
        return True
    match = _CLAIMED.search(text)
    return bool(match) and not _NOT_A_STREET.search(match.group(0))


_STREET_LAST = re.compile(r"\b(?:road|rd|street|st|lane|ln|avenue|ave|close|drive|dr|way|"
                          r"crescent|cres|grove|gardens|terrace|place|court|walk|rise|hill|"
                          r"view|mews|row|square|green|parade|gate)\W*$", re.I)
_BARE_NUMBER = re.compile(r"\W*(?:no\.?\s*|number\s+)?\d{1,4}[a-z]?\W*", re.I)


def street_after_number(earlier: str, later: str) -> bool:
    """A house number sent alone, then its street alone ("23" / "marlow road"): `earlier` is
    the message just before (its whole text), `later` the new one: a street and its word,
    nothing else (four words at most, no digits)."""
    words = later.split()
    return bool(_BARE_NUMBER.fullmatch(earlier.strip())) and 2 <= len(words) <= 4 and \
        bool(_STREET_LAST.search(later)) and \
        not re.search(r"\d", later) and has_address(f"{earlier.strip()} {later.strip()}") and \
        not has_address(later)
