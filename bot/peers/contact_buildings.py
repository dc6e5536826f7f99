"""Homes in a named building, for the contact-detail detector (bot/peers/contact.py), round
fourteen (blind held_out_15 and held_out_16: addresses were the weakest kind on both):

- a flat's number and its building's name, with no street word: "flat 3 the maltings",
  "I'm at flat 4 the old hosiery works, Frog Island", "Flat 2, The Granary";
- a block and a door on an estate: "I'm in the flats, block C number 31, St Peters estate";
- a named house, its street and its village, as on an envelope, where the house's name is
  no street's, pub's or venue's: "The Old Forge, Main Street, Houghton on the Hill",
  "Ivy House, Church Lane, Thurnby"; or given as where the writer lives ("I live at the Old
  Forge on Main Street");
- a flat's or a door's number and a named block, tower or estate where the writer lives
  ("I live in the tower block on St Peters estate, 11th floor, flat 64").

Each is a pure function of folded, single-spaced text; each kind has near-misses in
content/contact_examples/kinds_14.tsv that must pass ("the walk was flat 3 the whole way",
"block C room 12 at the college", "The Red Lion, Main Street, Kibworth").
"""

from __future__ import annotations

import re

# "flat" the adjective, just before: "the walk was flat 3 the whole way", "a flat 5k".
FLAT_ADJECTIVE = re.compile(r"\b(?:a|the|was|is|were|are|be|been|very|pretty|fairly|quite|"
                             r"dead|mostly|all|so|too|really|nice|lovely|totally|completely|"
                             r"bit|and|or|but|not)\s+$", re.I)
_FLAT_IN_BUILDING = re.compile(
    r"\b(?:flat|apartment|apt)\s*(?:no\.?\s*|number\s+)?\d{1,4}[a-h]?\s*,?\s+(?:at\s+|in\s+)?"
    r"the\s+((?:[a-z][\w'’-]*\s+){0,2}[a-z][\w'’-]{2,})(?=\s*(?:$|[,.;!?()]|\s(?:in|on|off|"
    r"near|by|behind|opposite|x+|lol|come|pop|knock|buzz|ring)\b))", re.I)
# Words after "the" that make a stretch of a walk, not a building: "flat 3 the whole way".
_NOT_A_BUILDING = frozenset({"whole", "way", "rest", "time", "lot", "end", "first", "last",
                             "best", "same", "entire", "route", "walk", "path", "course",
                             "mile", "miles", "km", "k", "day", "week", "weekend", "morning",
                             "afternoon", "evening", "night", "other", "next", "top",
                             "bottom", "start", "finish", "hill", "hills", "bit", "one",
                             "ones", "loop", "lap", "laps", "stretch", "section", "trail"})


def _flat_in_building(text: str) -> bool:
    for match in _FLAT_IN_BUILDING.finditer(text):
        words = {w.lower().strip("'’") for w in match.group(1).split()}
        if words & _NOT_A_BUILDING or FLAT_ADJECTIVE.search(text[:match.start()]):
            continue
        return True
    return False


# A block and a door: "block C number 31", "Block 4, flat 12"; a home or an estate said.
_BLOCK_DOOR = re.compile(
    r"\bblock\s+(?:[A-Z]|\d{1,2})\b\s*,?\s*(?:(?:flat|number|no\.?|door|#)\s*)?\d{1,4}[a-h]?\b"
    r"(?!\s*(?:am|pm|mins?|minutes|hours?|bus|:|\.\d))", re.I)
_HOMES_THERE = re.compile(r"\b(?:flats|estate|tower|towers|maisonettes?|i\s+live|we\s+live|"
                          r"i'?m\s+in|we'?re\s+in|my\s+flat|our\s+flat|come\s+round|"
                          r"pop\s+round|knock|buzz(?:er)?|that'?s\s+(?:me|us|mine|ours))\b",
                          re.I)


# A named house as on an envelope: its name, its street, its village or town. The name
# ends with a word a house is called by, or is "The Old ..." (not a pub's: "The Old Crown").
_HOUSE_NAMES = (r"Forge|Mill|Maltings|Granary|Stables|Smithy|Rectory|Vicarage|Manse|Laurels|"
                r"Willows|Beeches|Limes|Hollies|Cedars|Gables|Chestnuts|Elms|Firs|Poplars|"
                r"Pines|Oaks|Orchard|Paddock|Nook|Haven|Dell|Dairy|Byre|Homestead|Hermitage|"
                r"Schoolhouse|Coach\s+House|House|Cottage|Cottages|Farm|Farmhouse|Lodge|Barn|"
                r"Villa|Bungalow|Croft|Grange|Retreat|Hawthorns|Birches|Larches|Spinney|Bakery|"
                r"Post\s+Office|Chapel|School|Old\s+[A-Z][a-z'-]+")
_PUB_WORDS = re.compile(r"\b(?:Arms|Inn|Tavern|Hotel|Crown|Lion|Swan|Bell|Plough|Anchor|Horse|"
                        r"Bull|Fox|Hare|Hounds|Star|Sun|George|Angel|Keys|Wheatsheaf|Chequers|"
                        r"Ship|Castle|Hart|Globe|Greyhound|Queen|King|Kings|Head|Feathers|"
                        r"Unicorn|Dragon|Eagle|Falcon|Pheasant|Woodman|Cafe|Café|Bar|Kitchen|"
                        r"Club|Centre|Hall|Library|Church|Surgery|Pharmacy|Stores?|Shop|"
                        r"Market|Gallery|Museum|Theatre)\b")
_STREET_WORDS = (r"Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Way|Grove|Crescent|Terrace|"
                 r"Gardens|Place|Walk|Rise|Hill|Green|Court|Row|View|Mews|Square|Gate|Hollow|"
                 r"Yard|Wharf|Chase|Croft|Meadows|Fields|End")
_ENVELOPE = re.compile(
    rf"(?:^|[,.:;!?]\s*|\b(?:at|is|it'?s|i'?m|we'?re)\s+)((?:The\s+)?(?:[A-Z][a-z'-]+\s+){{0,2}}"
    rf"(?:{_HOUSE_NAMES}))\s*,\s*(?:[A-Z][a-z'-]+\s+){{1,2}}(?:{_STREET_WORDS})\s*,\s*"
    r"[A-Z][a-z'-]{2,}")


def _named_house_envelope(text: str) -> bool:
    return any(not _PUB_WORDS.search(match.group(1)) for match in _ENVELOPE.finditer(text))


# A named house given as where the writer lives, on a street or in a village: "I live at
# the Old Forge on Main Street", "I'm at Rose Cottage in Newtown Linford". After "I'm at"
# (where the writer is now) only a house's own word counts, never one a cafe or a venue
# may have ("I'm at the Old Bakery on High Street": a cafe).
_VENUE_NAMES = re.compile(r"\b(?:Bakery|Post\s+Office|Chapel|School|Mill|Barn|Dairy|Stables|"
                          r"Old\s+(?!Rectory|Vicarage|Forge|Manse|Smithy|Granary|Schoolhouse)"
                          r"[A-Z][a-z'-]+)\b")
_LIVE_AT_HOUSE = re.compile(
    rf"\b(?P<verb>(?:i|we)\s+live|living|(?:my|our)\s+(?:house|home|place)\s+is|i'?m|we'?re|"
    rf"i\s+am|we\s+are)\s+(?:at|in)\s+(?P<name>(?:the\s+)?(?:[A-Z][a-z'-]+\s+){{0,2}}"
    rf"(?:{_HOUSE_NAMES}))\s*,?\s+(?:on|off|in|just\s+off)\s+[A-Z][a-z'-]+", re.I)


def _lives_at_named_house(text: str) -> bool:
    for match in _LIVE_AT_HOUSE.finditer(text):
        name = match.group("name")
        # The house's name in capitals (a name, not "the house"); no pub's nor venue's.
        if not re.search(r"(?:^|\s)[A-Z]", name) or _PUB_WORDS.search(name):
            continue
        if re.match(r"(?:i'?m|we'?re|i\s+am|we\s+are)$", match.group("verb"), re.I) and \
                _VENUE_NAMES.search(name):
            continue
        return True
    return False


# A flat's or a door's number and a named block, tower or estate, the writer living there:
# "I live in the tower block on St Peters estate, 11th floor, flat 64", "we're in Attlee
# Tower, number 31"; "unit 4 the old mill, that's my flat" (a unit said to be a home).
_DOOR_NUMBER = re.compile(r"\b(?:flat|apartment|apt|number|no\.?|door|unit)\s*\d{1,4}[a-h]?\b"
                          r"(?!\s*(?:am|pm|mins?|minutes|hours?|bus|in\s+the\s+queue|:|\.\d))",
                          re.I)
_NAMED_BLOCK = re.compile(r"\b(?:[A-Z][\w'’]*\s+){1,3}(?i:estate|tower|towers|court|house|"
                          r"flats|block|buildings|mansions|heights|apartments|lodge|mill|works)\b")
_LIVING_THERE = re.compile(r"\b(?:i\s+live|we\s+live|i'?m\s+in|we'?re\s+in|i\s+am\s+in|"
                           r"we\s+are\s+in|my\s+flat|our\s+flat|that'?s\s+my\s+(?:flat|home|"
                           r"place)|come\s+round|pop\s+round|knock|buzz(?:er)?)\b", re.I)
_UNIT_HOME = re.compile(r"\bunit\s*\d{1,4}[a-h]?\s*,?\s+the\s+(?:[a-z][\w'’-]*\s+){0,2}"
                        r"[a-z][\w'’-]{2,}\b", re.I)


def _door_in_named_block(text: str) -> bool:
    if not _LIVING_THERE.search(text):
        return False
    return bool((_DOOR_NUMBER.search(text) and _NAMED_BLOCK.search(text)) or
                _UNIT_HOME.search(text))


def has_building_home(text: str) -> bool:
    """Whether `text` (folded) tells a home in a named building (see the module)."""
    if re.search(r"\b(?:flat|apartment|apt)\b", text, re.I) and _flat_in_building(text):
        return True
    if re.search(r"\bblock\b", text, re.I) and _BLOCK_DOOR.search(text) and \
            _HOMES_THERE.search(text):
        return True
    if re.search(r"\d", text) and _door_in_named_block(text):
        return True
    if re.search(r"\b(?:live|living|is|i'?m|we'?re|am|are)\s+(?:at|in)\b", text, re.I) and \
            _lives_at_named_house(text):
        return True
    return "," in text and _named_house_envelope(text)
