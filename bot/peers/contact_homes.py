"""A home told by its house number and a street's name with no street word, given as where
the writer is (round thirteen): "Pat Kirby, 23 Marlow" (a name over a number, as on an
envelope), "I'm the blue door at no.23 marlow", "calle Marlow 23, that's me", "23 Marlow,
that's us"; and one told over two messages, a bare house number, then its street alone
("23" / "marlow road": see `street_after_number`).

A number and a word alone are everywhere ("gate 23", "23 Marlow fans"), so each needs the
writer put there: a full name before it, a door or a home, or "that's me".

Round fourteen: an address over three pieces or with fillers between ("3" / "Fernleigh" /
"Gardens", "we're at 14" / "ok" / "hawthorn close", "I'm down Saffron Lane" / "319"; see
`address_in_pieces`).
"""

from __future__ import annotations

import re

from bot.peers.contact_address import QUALIFIERS, STREETS, has_address
from bot.peers.contact_buildings import has_building_home
from bot.peers.contact_mending import digitised

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
                           r"at|to|and|or|more|less|pounds|quid|degrees|percent|pm|am|"
                           # Round fourteen: sizes and measures ("size 5 shoes, 14 dress,
                           # that's me", "a 38 waist, that's me").
                           r"dress|dresses|shoes?|boots?|waist|chest|collar|bust|hips?|leg|"
                           r"trousers|jeans|shirts?|tops?|jumpers?|bra|inch|inches|foot|feet|"
                           r"ft|stone|st|kg|kilos?|lbs?|cm|mm|ml|mg|units?|points?|goals?|"
                           r"runs?|wickets?|handicap)\b", re.I)


def has_home_without_street_word(text: str) -> bool:
    """Whether `text` (folded) tells a home by a number and a bare street name (above)."""
    if not re.search(r"\d", text):
        return False
    if _ENVELOPE.match(text) or any(_DOOR_WORD.search(m.group(0))
                                    for m in _DOOR_NUMBER.finditer(text)):
        return True
    match = _CLAIMED.search(text)
    return (bool(match) and not _NOT_A_STREET.search(match.group(0))) or _number_set_apart(text)


# Round sixteen: the writer put on a named street, and the door's number alone between
# commas further on ("I'm at the top of Braunstone Lane by the mini roundabout, 186, red
# car outside", "on vestry street my flat is literally across, 2b"). Only after "I'm at",
# "we're on" or the writer's home; the number alone as a clause of its own, not a count
# ("Braunstone Lane, 10 mins"), a time or a price.
_PUT_THERE = re.compile(r"\b(?:i'?m|we'?re|i\s+am|we\s+are)\s+(?:at|on|in|down|up|by)\b|"
                        r"\bmy\s+(?:house|home|flat|place|door|bungalow|cottage)\b", re.I)
_ON_STREET = re.compile(rf"\b(?:[A-Z][a-z'-]+|[a-z]{{3,}})\s+(?:{STREETS})\b", re.I)
_NUMBER_APART = re.compile(r",\s*(?:no\.?\s*|number\s+)?([1-9]\d{0,3}[a-z]?)\s*(?=$|[,.!?;]|x+\b)",
                           re.I)


def _number_set_apart(text: str) -> bool:
    sentence_ends = [m.end() for m in re.finditer(r"[.!?]", text)]
    for number in _NUMBER_APART.finditer(text):
        start = max([end for end in sentence_ends if end <= number.start()], default=0)
        before = text[start:number.start()]
        if _PUT_THERE.search(before) and _ON_STREET.search(before):
            return True
    return False


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


# Round fourteen: an address given in pieces over a few messages, the house number in one
# and the street in the others ("3" / "Fernleigh" / "Gardens", "we're at 14" / "ok" /
# "hawthorn close", "I'm down Saffron Lane" / "319"). A number piece is a house number
# alone, or with the writer put there ("we're at 14", "mine's 14", "number 14"); each other
# piece is a few words without digits (a street's name, its word, a town), a street word
# among them all; fillers between ("ok", "yes", "x") are passed over. Held where the piece
# that completes the address comes, as the relay passes the earlier ones on. Not a count
# then a place ("5" / "Victoria Park": no street word), nor words about a street ("14" /
# "marlow road was shut": each piece only names).
_NUMBER_PIECE = re.compile(
    r"\W*((?:(?:i'?m|we'?re|i\s+am|we\s+are|i\s+live|we\s+live|living|mine'?s|mine\s+is|"
    r"ours\s+is|it'?s|its|come\s+to|round\s+to|send\s+it\s+to)\s+(?:at\s+)?)?"
    r"(?:(?:no\.?|number|num|#|flat|house)\s*)?)\d{1,4}[a-h]?\W*", re.I)
# A piece that only names: an optional lead-in ("I'm down", "we're on", "it's"), then up to
# four words, a comma at most between them ("hawthorn close", "Fernleigh", "Gardens, Oadby").
_NAMING_PIECE = re.compile(
    r"\W*(?:(?:i'?m|we'?re|it'?s|its|i\s+live|we\s+live|live|living)\s+)?"
    r"(?:(?:on|in|down|up|off|at)\s+)?(?:the\s+)?"
    r"[a-z][a-z'’-]*(?:\s*,?\s+[a-z][a-z'’-]*){0,3}\W*", re.I)
# Street words, but not a park's or a venue's ("5" / "Victoria Park" is a count and a place).
_STREET_WORD = re.compile(rf"\b(?!(?:park|hill|view|green|square|yard|wharf|quay)\b)"
                          rf"(?:{STREETS})\b", re.I)
_PIECE_FILLER = re.compile(r"\W*(?:ok|okay|k|yes|yeah|yep|and|then|so|x+|lol|sorry|oops|"
                           r"wait|hang\s+on|got\s+(?:that|it)|right)\W*", re.I)
# Words that say something about a street rather than name it: "was shut", "is closed".
_SAYS = re.compile(r"\b(?:is|was|were|are|has|had|got|gets|closed|shut|busy|blocked|"
                   r"flooded|nice|lovely|my|you|your|the\s+bus|bus|near|nearby|from|outside|"
                   r"opposite|behind|next|past|beside|towards|by|for|with|to)\b", re.I)
_STREET_SAID = re.compile(r"^\W*(?:the\s+|my\s+|our\s+)?(?:street|road)(?:'s|\s+is|\s*[:=-])\s+",
                          re.I)
_NUMBER_SAID = re.compile(r"\b(?:(?:house|door)\s+)?(number|no\.?)(?:'s|\s+is)\s+(?=\d)",
                          re.I)


def _street_named(piece: str) -> str:
    """A street piece said as such without its word ("my street's Kingsway") read with one
    ("Kingsway Road"); any other piece with the lead-in taken off ("street is Wordsworth
    Road" is "Wordsworth Road")."""
    said = _STREET_SAID.match(piece)
    if said is None:
        return piece
    name = piece[said.end():].strip()
    if _STREET_WORD.search(name) or _SAYS.search(name) or not re.fullmatch(
            r"[A-Za-z][\w'’-]*(?:\s+[A-Za-z][\w'’-]*){0,2}\W*", name):
        return name
    return re.sub(r"\W*$", "", name) + " Road"


_DOOR_PIECE = re.compile(r"^\W*(?:the\s+|my\s+|our\s+)?(?:house|door|flat|bungalow|mine|ours)"
                         r"(?:'s|\s+is)\s+(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)|first|second|"
                         r"third|fourth|fifth|sixth|last|end|one)\b", re.I)
# The writer put on the street ("I'm down Saffron Lane" / "319"): a bare street then a bare
# number is a bus or a count ("London Road" / "5").
_WRITER_ON = re.compile(r"^\W*(?:i'?m|we'?re|i\s+am|we\s+are|i\s+live|we\s+live|living|"
                        r"it'?s|its)\b", re.I)


def address_in_pieces(previous: list[str], text: str) -> bool:
    """Whether `text` completes an address begun in `previous` (the same person's messages
    just before, oldest first, each folded and single-spaced), told a piece a message
    (above). Up to three pieces are read: the new one and two before it."""
    # A house number said in words is read as digits ("I'm at fourteen" / "hawthorn close").
    # Round fifteen: a street's piece said as such ("street is Wordsworth Road") is read as
    # its name, and a piece picking the door out between ("house is the 3rd on the left
    # after the postbox") is passed over like a filler: it adds to the address, never
    # makes one.
    # Round seventeen: a number's piece said as such ("number is 340", "house number's 12")
    # is read as "number 340"; a street said as such names a street whatever its words ("my
    # street's Kingsway" / "number 61"), so it is read with a street word after it.
    # Session fourteen: asides between the pieces are passed over too ("I'm at 22" / "lol" /
    # "let me think" / "it's" / "Melton Road"), a label sent alone is read with the piece
    # after it ("street" / "is Melton Road"), and a name spelt a letter a message is one
    # word ("22" / "M" / "e" / "l" / ... / "Road").
    merged = _merged([p for p in [*previous, text] if p.strip() and not
                      _PIECE_FILLER.fullmatch(p) and not _ASIDE.fullmatch(p) and
                      not _DOOR_PIECE.match(p)])
    if not merged or (merged[-1] != text and not merged[-1].endswith(" " + text.strip()) and \
            not _SPELT.fullmatch(text)):
        return False  # the new message is an aside: it completes nothing
    kept = merged[:-1][-2:]
    pieces = [_said(_NUMBER_SAID.sub(r"\1 ", _street_named(p))) for p in kept]
    text = _said(_NUMBER_SAID.sub(r"\1 ", _street_named(merged[-1])))
    if not pieces or (not _NAMING_PIECE.fullmatch(text) and not _NUMBER_PIECE.fullmatch(text)):
        return False
    for size in (len(pieces), 1) if len(pieces) == 2 else (1,):
        run = [*pieces[-size:], text]
        numbers = [p for p in run if _NUMBER_PIECE.fullmatch(p)]
        names = [p for p in run if p not in numbers]
        if any(not _NAMING_PIECE.fullmatch(p) or _SAYS.search(p) for p in names):
            continue
        if not numbers and len(run) == 3:
            # A named house, its street, its village ("The Granary" / "Back Lane" / "Cosby"),
            # as on an envelope.
            named = [_capitalised(p) for p in run]
            if has_building_home(", ".join(named)) and \
                    not has_building_home(", ".join(named[:-1])):
                return True
            continue
        if len(numbers) != 1 or not names:
            continue
        # The street's word ends its piece (a town may follow after a comma, or in a piece
        # of its own): "12" / "Beaumont Leys library" names a library.
        if not any(re.search(rf"\b(?:{STREETS})\W*(?:,[^,]*)?$", n, re.I) for n in names):
            continue
        cue = _NUMBER_PIECE.fullmatch(numbers[0])
        if run.index(numbers[0]) > 0 and not (cue and cue.group(1)) and \
                not _WRITER_ON.match(run[0]):
            continue  # "Main Street" / "48": nobody said to live there
        # A street's name before its word ("hawthorn close", "Fernleigh" / "Gardens"), not
        # only "the" ("14" / "the road").
        street = _STREET_WORD.search(" ".join(names))
        before = re.findall(r"[a-z'’-]+", " ".join(names)[:street.start()], re.I) \
            if street else []
        named = street is not None and (
            any(w.lower() not in _NOT_A_NAME_WORD for w in before) or
            # "the Paddocks", "the Crescent": a street named by its word alone.
            (bool(before) and before[-1].lower() == "the" and
             street.group(0).lower() not in _ROAD_WORDS))
        if not named:
            continue
        # The pieces are given as names: read them capitalised ("hawthorn close" / "14" is
        # "Hawthorn Close 14"), as a street's name is written.
        run = [p.strip() if p in numbers else _capitalised(p) for p in run]
        if any(has_address(p) for p in run):
            continue
        # Read as one line, and with a comma at each break ("no 8" / "the paddocks" /
        # "glenfield" is "no 8, the Paddocks, Glenfield").
        for joiner in (" ", ", "):
            if has_address(joiner.join(run)) and not has_address(joiner.join(run[:-1])):
                return True
    return False


# What people type while giving an address a piece a message that is no piece of it.
_ASIDE = re.compile(r"\W*(?:let\s+me\s+(?:think|see|check)|hmm+|erm+|um+|uh+|one\s+sec|hold\s+on|"
                    r"brb|oh|ah|doh|haha+|ha|lmao|omg|typo|my\s+bad|as\s+i\s+was\s+saying)\W*",
                    re.I)
# A label sent alone, read with the piece after it: "house" / "number" / "is" / "22"; a
# street's word alone only before "is" ("street" / "is Melton Road"; "22" / "Church" /
# "Street" is a street).
_LABEL = re.compile(r"\W*(?:(?:(?:the|my|our)\s+)?(?:house|door|address|number|no\.?|"
                    r"house\s+number|door\s+number|street\s+name|road\s+name)|"
                    r"(?:(?:the|my|our)\s+)?(?:street|road|house|number|address)(?:'s|\s+is|"
                    r"\s+called|\s+is\s+called|\s*:)|it'?s|its|is|called|it'?s\s+called)\W*",
                    re.I)
_BARE_STREET = re.compile(r"\W*(?:(?:the|my|our)\s+)?(?:street|road)\W*", re.I)
_SAID_NEXT = re.compile(r"\W*(?:is|'s|called|=|:)", re.I)
_SPELT = re.compile(r"\W*[a-z]\W*", re.I)


def is_number_piece(piece: str) -> bool:
    """A house number's piece of an address told a piece a message ("22", "I'm at 22",
    "number 22", "flat 3", "I'm at twenty two")."""
    return _NUMBER_PIECE.fullmatch(_said(piece)) is not None


def _merged(pieces: list[str]) -> list[str]:
    """`pieces` with a name spelt a letter a message made one ("M" / "e" / "l" ... is
    "Mel..."), and a label alone joined to the piece after it ("street" / "is Melton Road"
    is "street is Melton Road"; "house" / "number" / "is" / "22" is "house number is 22")."""
    out: list[str] = []
    spelling = label = False
    for piece in pieces:
        letter = _SPELT.fullmatch(piece) is not None
        if letter and spelling:
            out[-1] += piece.strip(" .,-")
        elif label or (out and _BARE_STREET.fullmatch(out[-1]) and _SAID_NEXT.match(piece)):
            out[-1] = f"{out[-1].strip()} {piece.strip()}"
        else:
            out.append(piece.strip(" .,-") if letter else piece)
        spelling = letter and not label
        label = _LABEL.fullmatch(out[-1]) is not None and not letter
    return out


_ROAD_WORDS = frozenset({"road", "rd", "street", "st", "lane", "ln", "avenue", "ave", "way",
                         "drive", "dr", "walk", "close", "gate"})
# Words before a street word that name no street: lead-ins and articles.
_NOT_A_NAME_WORD = frozenset({"i'm", "im", "we're", "were", "it's", "its", "i", "we", "live",
                              "living", "on", "in", "down", "up", "off", "at", "the", "a",
                              "my", "our", "your"})
_LEAD_WORDS = _NOT_A_NAME_WORD


def _capitalised(piece: str) -> str:
    """A piece's words capitalised, but lead-ins and words for how big or how many ("long
    walk" stays a walk, not Long Walk)."""
    return " ".join(w if w.lower() in _LEAD_WORDS or w in QUALIFIERS else w[:1].upper() + w[1:]
                    for w in piece.strip().split())


def _said(piece: str) -> str:
    """A piece with a number said in words made digits, if that makes it a number piece."""
    if re.search(r"\d", piece) or not re.search(r"[a-z]", piece, re.I):
        return piece
    digits = digitised(piece)
    # Only with the writer or a door said ("I'm at fourteen", "number nine"): a number word
    # alone is an answer ("one" / "long walk").
    return digits if _NUMBER_PIECE.fullmatch(digits) and not re.fullmatch(
        r"\W*\d+\W*", digits) else piece
