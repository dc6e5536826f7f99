"""Details pointed at rather than given, for the contact-detail detector (bot/peers/contact.py),
round eleven.

Blind held_out_12 was written by a sneakier imagined writer (6.67 % leaks at its clean
measure): no typed detail at all, only enough to find one. The kinds read here:

- a profile pointed at in a named group, page or forum, with an invitation to the writer
  ("I'm the one with the red bike photo on the Leicester Walkers facebook group, message me
  there"); describing oneself at a group in person is no way to reach anyone ("I'm the one
  in the red coat at the Tuesday group") and passes;
- a full name given for a platform ("I'm on LinkedIn, Michael O'Connor", "search my name Jan
  Kowalski on facebook", "facebook-ga: Amina Hassan"); "my user on the X forum is ...";
- an email whose ending is described ("eddie at example, the dot com one", "bev.h at the
  usual example one");
- a home without its number or with it told apart: a numbered row of cottages, a room in a
  named care home, the nth house past something on a named street, a house at the end of a
  named lane, next door but one to a landmark, "the number's painted on the bin, 19", a boat
  or caravan named and moored where the writer lives;
- a postcode's district and sector, then its letters described ("LE2 3 something, the last
  two letters are LP").

Each finder is a pure function of folded, single-spaced text (see contact.py); each kind
has near-misses in content/contact_examples/kinds_11.tsv that must pass.
"""

from __future__ import annotations

import re

from bot.core.textnorm import english_words
from bot.peers.contact_handle import PLATFORM

# An invitation to reach the writer on a named group, page or forum (not "on here": this
# app, where the peer already is).
_INVITED = re.compile(
    r"\b(?:message|msg|pm|dm|inbox|add|find|friend|poke|look\s+for|search\s+for)\s+me\b"
    r"(?!\s+(?:on\s+)?here\b)|\bsend\s+me\s+an?\s+(?:pm|dm|message|friend\s+request|request)\b|"
    r"\bfriend\s+request\b", re.I)
# A named group, page or forum: "the Leicester Walkers facebook group", "the Parkinson's UK
# forum", "the Bradgate Park walkers page".
_NAMED_GROUP = re.compile(
    r"\b(?:on|in)\s+the\s+(?:[\w'’&-]+\s+){1,5}?(?:group|page|forum|community|board|chat)\b",
    re.I)
_WRITER = re.compile(r"\b(?:i'?m|i\s+am|me|my|i)\b", re.I)
# How to tell the writer's profile there from the others': a look, a picture, a name ("add
# me on facebook later, I'm in the Leicester Walking Group there" says none: passes).
_DESCRIBED = re.compile(
    r"\bthe\s+(?:one|man|lady|woman|guy|bloke|girl|chap|fella)\s+(?:with|in|wearing)\b|"
    r"\b(?:photos?|pictures?|pics?|avatar|selfie)\b|\b(?:i'?m|as)\s+(?-i:[A-Z])[\w'’]+"
    r"(?:\s+(?-i:[A-Z])[\w'’]+)?\s+on\s+the\b|\bmy\s+(?:user|username|name)\s+on\b", re.I)


def _profile_in_group(text: str) -> bool:
    """The writer said to be findable in a named group, page or forum, and invited there."""
    group = _NAMED_GROUP.search(text)
    if group is None or not _INVITED.search(text) or not _WRITER.search(text[:group.start()]) \
            or not _DESCRIBED.search(text):
        return False
    # A capital in the group's name or a platform before it: a real group, not "in the
    # walking group at the centre, message me on here".
    named = group.group(0)
    return bool(re.search(r"\s(?-i:[A-Z])", named) or PLATFORM.search(named))


# A person's full name (two or three capitalised words, "O'Connor" and "McKay" too).
_FULL_NAME = r"(?-i:[A-Z][a-z]+(?:\s+(?:O['’]|Mc|Mac)?[A-Z][a-z'’-]+(?:-[A-Z][a-z'’]+)?){1,2})"
_NAME_FOR_PLATFORM = re.compile(
    # "I'm on LinkedIn, Michael O'Connor", "facebook-ga: Amina Hassan Leicester"
    rf"\b(?:{PLATFORM.pattern[3:-3]})(?:-\w+)?\s*[:,\-–—]\s*(?P<a>{_FULL_NAME})|"
    # Round fourteen: "Strava user Clive Barker-Jones, Market Harborough, give me a follow",
    # the name ending its clause ("strava user Clive Barker-Jones overtook me" is about him).
    rf"\b(?:{PLATFORM.pattern[3:-3]})\s+(?:user|username|name|profile|account)\s*[:,\-–—]?"
    rf"\s*(?P<c>{_FULL_NAME})(?=\s*(?:$|[,.;!?]))|"
    # "search my name Jan Kowalski on facebook", "look up Jan Kowalski on fb"
    rf"\b(?:search|look\s+up|look\s+for|find)\s+(?:for\s+)?(?:my\s+(?:full\s+)?name\s*,?\s*)?"
    rf"(?P<b>{_FULL_NAME})\s+on\s+(?:{PLATFORM.pattern[3:-3]})\b", re.I)
# Capitalised words that make no person's name: groups, places' words, days.
_NOT_A_PERSON = re.compile(
    r"\b(?:Group|Club|Page|Forum|Team|Walkers|Runners|Society|Trust|Centre|Council|UK|NHS|"
    r"Road|Street|Park|Lane|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Move|"
    r"Mates|News|Mercury|Live|Support|Stories|Messenger|Marketplace)\b")


def _name_for_platform(text: str) -> bool:
    """A full name given on a platform, with the writer in the message."""
    if not _WRITER.search(text) and not re.search(r"facebook-\w+|\bigu\b", text, re.I):
        return False
    for found in _NAME_FOR_PLATFORM.finditer(text):
        name = found.group("a") or found.group("b") or found.group("c")
        words = name.split()
        known = english_words()
        if _NOT_A_PERSON.search(name) or all(w.lower().strip("'’") in known for w in words):
            continue
        return True
    return False


# "my user on the Diabetes UK forum is sugarfreeshirley": a name on a named forum or site.
_USER_ON = re.compile(
    r"\bmy\s+(?:user|username|user\s+name|name|handle|login|account)\s+on\s+(?:the\s+)?"
    r"(?:[\w'’&-]+\s+){1,5}?(?:is|=|:)\s+['\"]?([a-z][\w.]{3,30})\b", re.I)


def _user_on_forum(text: str) -> bool:
    return any(found.group(1).lower() not in english_words() and
               not re.search(r"\bon\s+(?:the\s+)?(?:here|this)\b", found.group(0), re.I)
               for found in _USER_ON.finditer(text))


# "telegram handle is the same as the bit of my email before the at, h.kapoor": a dotted
# name beside a platform, where no site's ending follows the dot.
_DOTTED_NAME = re.compile(r"(?<![\w.@/])([a-z]{1,20})\.([a-z]{2,20})(?![\w.@/])", re.I)
_SITE_ENDINGS = frozenset({"com", "co", "uk", "org", "net", "io", "me", "info", "biz", "gov",
                           "ac", "nhs", "app", "tv", "ly", "gl", "be", "ie", "eu", "de", "fr"})


def _dotted_beside_platform(text: str) -> bool:
    return bool(PLATFORM.search(text)) and any(
        found.group(2).lower() not in _SITE_ENDINGS and len(found.group(0)) >= 6
        for found in _DOTTED_NAME.finditer(text))


def has_pointed_handle(text: str) -> bool:
    """A profile pointed at (see the module's docstring)."""
    return _profile_in_group(text) or _name_for_platform(text) or _user_on_forum(text) or \
        _dotted_beside_platform(text)


# "eddie at example, the dot com one", "bev.h at the usual example one".
_EMAIL_ENDING = re.compile(
    r"(?<![\w.@])([a-z][\w.+-]{1,30})\s+at\s+(?:the\s+usual\s+)?([a-z][\w-]{2,20})"
    r"(?:\s*,?\s*(?:the\s+)?(?:dot|\.)\s*(?:com|co\s*(?:dot|\.)?\s*uk|net|org)\s+"
    r"(?:one|address|bit)\b|\s+one\b)", re.I)
# Words before "at" that are no one's name: "see you at ...", "meet at ...", "I'm at ...".
_NOT_A_MAILBOX = frozenset({"you", "me", "us", "them", "him", "her", "meet", "be", "i'm", "im",
                            "we're", "was", "is", "are", "were", "it", "that", "this", "one",
                            "see", "stay", "staying", "work", "works", "working", "here",
                            "there", "lunch", "coffee", "tea", "dinner", "look", "looking"})


# Round twelve: an email dictated with its ending's dot left out ("my email's rosie b 51 at
# example com, no spaces"), where the message says it is an email or dictates it.
_BARE_ENDING = re.compile(r"(?<![\w.@])[a-z0-9][\w.+-]*\s+at\s+([a-z][\w-]{2,20})\s+"
                          r"(?:com|co\s*uk|net|org(?:\s*uk)?)\b", re.I)
_EMAIL_SAID = re.compile(r"\be-?mail|\bmail\b|\binbox\b|\bno\s+spaces?\b|\ball\s+(?:one\s+word|"
                         r"together|lower\s?case)\b", re.I)


def has_described_email(text: str) -> bool:
    """An email whose provider's ending is described rather than typed (see above)."""
    if _EMAIL_SAID.search(text) and any(
            found.group(1).lower() not in ("the", "a", "my", "home", "work")
            for found in _BARE_ENDING.finditer(text)):
        return True
    for found in _EMAIL_ENDING.finditer(text):
        name, provider = found.group(1).lower(), found.group(2).lower()
        if name in _NOT_A_MAILBOX or provider in ("the", "a", "my", "home", "work", "least"):
            continue
        if "usual" in found.group(0).lower() or "." in name or name not in english_words() \
                or re.search(r"\b(?:dot|\.)\s*(?:com|co|net|org)", found.group(0), re.I):
            return True
    return False


# A home told without a number or with it told apart (see the module's docstring).
_NAMED = r"(?-i:[A-Z][\w'’-]+)"
_STREET_WORD = (r"(?:Road|Rd|Street|St|Lane|Avenue|Close|Crescent|Drive|Way|Grove|Terrace|"
                r"Gardens|Place|Walk|Rise|Hill|Green|Court|Row|View)")
_HOME_AT = re.compile(
    # "I'm at 3 Ivy Cottages": a numbered door in a named row.
    rf"\b\d{{1,3}}[a-h]?\s+{_NAMED}(?:\s+{_NAMED})?\s+(?-i:Cottages|Almshouses|Houses|Buildings|"
    rf"Mansions|Villas|Flats|Bungalows)\b|"
    # "room 14 at Ashdene care home", "flat 3, Ashdene Court retirement flats"
    r"\b(?:room|flat|apartment|apt|bed|unit)\s+(?:no\.?\s*|number\s+)?\d{1,4}[a-h]?\b[^.!?]{0,40}?"
    r"\b(?:care|nursing|residential|retirement)\s+(?:home|village|flats?)\b|"
    r"\b(?:care|nursing|residential|retirement)\s+(?:home|village|flats?)\b[^.!?]{0,30}?"
    r"\b(?:room|flat|apartment|bed|unit)\s+(?:no\.?\s*|number\s+)?\d{1,4}[a-h]?\b|"
    # "the farmhouse at the end of Ratby Lane", not an event there ("... was sold")
    r"\b(?:farm\s?house|house|cottage|bungalow|barn|farm|lodge|semi|last\s+house)\s+at\s+the\s+"
    rf"(?:very\s+)?(?:end|top|bottom)\s+of\s+{_NAMED}(?:\s+{_NAMED})?\s+(?:Lane|Road|Close|"
    r"Drive|Way|Track|Avenue|Street|Grove|Crescent|Rise)\b(?![^.!?]*\b(?:had|has|was|were|got|"
    r"sold|burn\w*|caught|does|do|did)\b)", re.I)
# "second house past the post box on Main Street", "the third door after the Swan on ...",
# given as a place (the message starts there, or the writer is in it), not an event there
# ("the second house past the pub on Main Street had a fire").
_NTH_HOUSE = re.compile(
    r"(?:^|\b(?:i'?m|i\s+am|we'?re|we\s+are|i\s+live|we\s+live|mine|ours|it'?s|we'?re\s+in|"
    r"i'?m\s+in|i'?m\s+at)\s+)(?:(?:the|in\s+the|at\s+the)\s+)?"
    r"(?:first|second|third|fourth|fifth|sixth|seventh|\d(?:st|nd|rd|th))\s+"
    r"(?:house|door|bungalow|cottage|semi|one|flat|terrace)\s+(?:past|after|before|from|on\s+"
    rf"the\s+(?:left|right))\b[^.!?]{{0,50}}?\b(?:on|in|along|up|down)\s+{_NAMED}(?:\s+{_NAMED})?"
    rf"\s+{_STREET_WORD}\b(?![^.!?]*\b(?:had|has|was|were|got|sold|burn\w*|caught)\b)", re.I)
# The writer (or their home) placed: for the landmark and number readings below.
_WRITER_HOME = re.compile(
    r"\b(?:i'?m|i\s+am|we'?re|we\s+are|i\s+live|we\s+live|my\s+(?:house|home|place|flat)|"
    r"our\s+(?:house|home|place|flat))\b", re.I)
# "I'm next door but one to the library on Welford Road"
_NEXT_DOOR = re.compile(
    rf"\bnext\s+door\s+(?:but\s+(?:one|two)\s+)?(?:to|from)\s+(?:the\s+)?[\w'’ ]{{2,30}}?\s+"
    rf"(?:on|in|along)\s+{_NAMED}(?:\s+{_NAMED})?\s+{_STREET_WORD}\b", re.I)
# "I'm on Oakfield Crescent ..., the number's painted on the bin, 19"
_ON_STREET = re.compile(rf"\b(?:on|in)\s+{_NAMED}(?:\s+{_NAMED})?\s+{_STREET_WORD}\b", re.I)
_NUMBER_TOLD = re.compile(
    r"\b(?:house\s+|door\s+)?number(?:'s|\s+is)\b[^.!?\d]{0,40}?\b(\d{1,3}[a-h]?)\b(?!\s*(?:am|pm|"
    r"mins?|minutes|hours?|bus|:))", re.I)
# "my boat's moored at Foxton Locks, the green narrowboat called Mabel, that's where I live"
_AFLOAT = re.compile(
    r"\b(?:narrow\s?boat|boat|barge|houseboat|caravan|static|mobile\s+home|motorhome)\b", re.I)
_AFLOAT_PLACED = re.compile(
    rf"\b(?:moored|berthed|pitched|parked|sited)\s+(?:up\s+)?(?:at|on|by|in)\s+{_NAMED}|"
    rf"\b(?:called|named)\s+{_NAMED}|\b(?:pitch|plot|berth|mooring)\s+(?:no\.?\s*)?\d", re.I)
_LIVE_ABOARD = re.compile(
    r"\b(?:where\s+(?:i|we)\s+live|(?:i|we)\s+live\s+(?:on|in|aboard)|my\s+home|our\s+home|"
    r"(?:that'?s|it'?s)\s+(?:home|mine)|come\s+(?:and\s+)?(?:find|see|visit)\s+(?:me|us)|"
    r"visit\s+(?:me|us)|(?:my|our)\s+(?:narrow\s?boat|boat|barge|houseboat|caravan|static)(?:'s|"
    r"\s+is)\s+(?:moored|berthed|pitched|at|on))\b", re.I)


# Round twelve: a home picked out by its look beside a named landmark in a named place,
# given as where the writer is ("It's the big white house next door to the Red Lion in
# Kibworth, only one with a blue gate", "mine's the bungalow opposite St Mary's church on
# Main Street"); not a house spoken of ("the big house next to the Red Lion in Kibworth was
# sold", "there's a lovely cottage opposite ...").
_LANDMARK = (
    r"(?:\s+with\s+(?:a|the)\s+(?:[\w-]+\s+){0,2}?[\w-]+,?)?"  # "the one with the green door"
    r"\s+(?:(?:right\s+)?next\s+(?:door\s+)?to|opposite|across\s+from|beside|behind|facing|over\s+"
    rf"the\s+road\s+from|round\s+the\s+corner\s+from)\s+(?:the\s+)?{_NAMED}(?:\s+(?:{_NAMED}|"
    r"and|&|of|church|chapel|pub|inn|arms|school|park|shop|stores?|garage|post\s+office|hall|"
    r"surgery|library|green)){0,3}"
    rf"\s+(?:in|on|at|along)\s+{_NAMED}"
    r"(?![^.!?]*\b(?:had|has|was|were|got|sold|burn\w*|caught|is\s+for\s+sale)\b)")
_HOUSE_BY_LANDMARK = re.compile(
    r"(?:^\W*|\b(?:i'?m|i\s+am|we'?re|we\s+are|i\s+live|we\s+live)\s+(?:in|at)\s+|"
    r"\b(?:it'?s|mine'?s|mine\s+is|ours'?s|ours\s+is|(?:my|our)\s+(?:house|home|place)(?:'s|\s+is)|"
    r"look\s+for)\s+)"
    r"the\s+(?:[\w-]+\s+){0,3}?(?:house|bungalow|cottage|farmhouse|semi|flat|terrace|one|place)"
    + _LANDMARK, re.I)
# Session fourteen: an invitation to a home so placed ("call into the cottage next to the
# Red Lion in Thurnby"); a home's word needed ("pop into the one next to the Co-op" may be
# a cafe).
_INVITED_BY_LANDMARK = re.compile(
    r"\b(?:(?:call|pop|come|drop)\s+(?:in\s+)?(?:into|round\s+to|over\s+to|in\s+at|by|to)|"
    r"find\s+(?:me|us)\s+(?:in|at))\s+"
    r"the\s+(?:[\w-]+\s+){0,3}?(?:house|bungalow|cottage|farmhouse|semi|flat|terrace)"
    + _LANDMARK, re.I)


# A home at the corner of two named streets, claimed as the writer's ("house with the big
# oak, corner of Fosse Road and Tudor Road, that's us"); not a corner to meet at.
_CORNER = re.compile(rf"\bcorner\s+of\s+{_NAMED}(?:\s+{_NAMED})?\s+{_STREET_WORD}\s+(?:and|&)\s+"
                     rf"{_NAMED}(?:\s+{_NAMED})?\s+{_STREET_WORD}\b", re.I)
_HOME_WORD = re.compile(r"\b(?:house|home|bungalow|cottage|flat|semi|terrace)\b", re.I)
_THATS_HOME = re.compile(r"\b(?:that'?s|thats|that\s+is)\s+(?:us|me|home|mine|ours|where\s+"
                         r"(?:i|we)\s+live)\b|\b(?:i|we)\s+live\b|\b(?:my|our)\s+(?:house|home|"
                         r"bungalow|cottage|flat|place)\b", re.I)


def has_pointed_address(text: str) -> bool:
    """A home told without its number or with it told apart (see above)."""
    if _HOME_AT.search(text) or _NTH_HOUSE.search(text) or _HOUSE_BY_LANDMARK.search(text) \
            or _INVITED_BY_LANDMARK.search(text):
        return True
    if _CORNER.search(text) and _HOME_WORD.search(text) and _THATS_HOME.search(text):
        return True
    writer = _WRITER_HOME.search(text)
    if writer and _NEXT_DOOR.search(text):
        return True
    if writer and _ON_STREET.search(text) and _NUMBER_TOLD.search(text):
        return True
    return bool(_AFLOAT.search(text) and _AFLOAT_PLACED.search(text)
                and _LIVE_ABOARD.search(text))


# "I live in LE2 3 something, the last two letters are LP": a district and sector, then
# the unit's letters described.
_SECTOR_THEN_LETTERS = re.compile(
    r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d\b[^.!?]{0,50}?\b(?:letters?|ends?|ending|finish(?:es)?)\s+"
    r"(?:are|is|in|with|:|=)?\s*['\"]?(?-i:[A-Z]\s?[A-Z])\b", re.I)


def has_described_postcode(text: str) -> bool:
    return _SECTOR_THEN_LETTERS.search(text) is not None
