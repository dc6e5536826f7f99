"""Round ten's signals for the contact-detail detector (bot/peers/contact.py).

Two blind corpora (held_out_10, held_out_11) each let 2.1 % of leaks through after round
nine. Their misses were read by kind, the kind written out in content/contact_examples/
kinds_10.tsv with near-misses, and read here rather than line by line:

- text turned upside down ("˙ɯoɔ˙lᴉɐɯƃ@ʎǝlʍɐɹɔ˙ǝuɐɾ (flip your phone)"): `unflipped` turns it
  back so the ordinary rules read it (an extra reading, never instead);
- a handle given some words after its platform was named, once a description is over ("my
  IG handle rhymes with ... cos it is dawnonthelawn", "my instagram name is my cat's name
  plus the year, Biscuit1960"); claimed on every platform at once ("I'm "lindawalks" on
  pretty much everything"); or told as the name on here ("my name on telegram is the same
  as here but with 'official' at the end");
- a number sent in pieces after saying so, to get past the filter ("I'll put it in bits so
  it's not blocked. 07"), or told short with its 0 to be added ("seven seven double oh
  nine hundred ..., stick a zero on the front");
- a postcode's last part said with "double" ("LE5 six double N") or typed after a
  description of it ("LE5 the rest is ... my initials and the number 9: 9KD");
- a home picked out as the nth house past a named landmark ("pick me up from mine, third
  house past the Braunstone Frith pub").

Each is measured both ways on every tuned corpus (bench/contact_detection.py).
"""

from __future__ import annotations

import re

from bot.core.textnorm import english_words
from bot.peers.contact_handle import PLATFORM, handle_shaped

# Upside-down letters and digits, read back as the letters they are turned from. The
# whole text is turned (and read back to front) only where several such letters stand,
# since a few (ɐ, ǝ) are phonetic letters too.
_FLIPPED = str.maketrans({
    "ɐ": "a", "q": "b", "ɔ": "c", "p": "d", "ǝ": "e", "ɟ": "f", "ƃ": "g", "ɥ": "h", "ᴉ": "i",
    "ı": "i", "ɾ": "j", "ʞ": "k", "ɯ": "m", "u": "n", "d": "p", "b": "q", "ɹ": "r", "ʇ": "t",
    "n": "u", "ʌ": "v", "ʍ": "w", "ʎ": "y", "˙": ".", "¿": "?", "¡": "!", "Ɩ": "1", "ᄅ": "2",
    "Ɛ": "3", "ㄣ": "4", "ϛ": "5", "9": "6", "ㄥ": "7", "6": "9", "'": ",", ",": "'"})
_FLIP_MARKS = re.compile("[ɐɔǝɟƃɥᴉɾʞɯɹʇʌʍʎ]")


def unflipped(text: str) -> str:
    """`text` with upside-down readings of it added after breaks, where it has several
    upside-down letters; else `text` itself."""
    if len(_FLIP_MARKS.findall(text)) < 3:
        return text
    # Each turned word turned back where it stands ("my snap: sʞlɐʍʎɹɹɐɥ"), and the whole
    # text, read back to front as turned text is.
    words = re.sub(r"\S+", lambda m: m.group(0).translate(_FLIPPED)[::-1]
                   if _FLIP_MARKS.search(m.group(0)) else m.group(0), text)
    return f"{text} ¦ {words} ¦ {text.translate(_FLIPPED)[::-1]}"


# A profile on a platform said to be the writer's: "my IG handle", "my instagram name",
# "my name on telegram", "my account on tiktok".
_MY_PROFILE = re.compile(
    r"\bmy\s+(?:[\w-]+\s+){0,2}?(?:handle|user\s?name|name|account|profile|@|tag)\b"
    r"|\b(?:i'?m|i\s+am)\s+(?:on\s+)?(?:[\w-]+\s+)?as\b|"
    # "my snap (turn your phone over): ...": the platform itself as the profile.
    rf"\bmy\s+(?:{PLATFORM.pattern})", re.I)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_NOT_HANDLES = frozenset({"lol", "lols", "haha", "hahaha", "hehe", "xxx", "xx", "innit", "tbh",
                          "btw", "omg", "lmao", "pls", "plz", "thx", "okay", "ok"})


def _handle_later(text: str) -> bool:
    """A handle-shaped word in the same sentence, some words after the writer's profile on
    a named platform ("my IG handle rhymes with ... cos it is dawnonthelawn lol"): a name
    with digits, an underscore or a dot, or a made-up word in small letters or with its
    digits ("Biscuit1960"); not a capitalised word (a place, a pet: "Loughborough")."""
    for said in _MY_PROFILE.finditer(text):
        end = _SENTENCE_END.search(text, said.end())
        sentence = text[max(0, said.start() - 40):end.start() if end else len(text)]
        if not PLATFORM.search(sentence):
            continue
        for token in re.findall(r"[\w.@'’-]+", text[said.end():said.end() + 120]):
            bare = token.strip(".'’-").removeprefix("@")
            if bare.lower() in _NOT_HANDLES or PLATFORM.fullmatch(bare):
                continue
            if handle_shaped(bare) and not bare.isdigit() and (
                    bare.islower() or any(c.isdigit() or c in "._" for c in bare)):
                return True
    return False


# A name claimed on every platform at once: "I'm "lindawalks" on pretty much everything",
# "same name everywhere: lindawalks"; not "I'm behind on everything".
_EVERYWHERE = re.compile(
    r"\b(?:on\s+(?:pretty\s+much\s+|nearly\s+|just\s+about\s+|basically\s+|almost\s+)?"
    r"(?:everything|everywhere|all\s+(?:the\s+|my\s+)?(?:socials|apps|platforms|sites|"
    r"of\s+them)|most\s+(?:of\s+)?(?:the\s+|my\s+)?(?:socials|apps|platforms|sites|things|"
    r"of\s+them))|everywhere|across\s+(?:all\s+)?(?:the\s+)?(?:socials|apps|platforms))\b",
    re.I)
_QUOTED_WORD = re.compile(r"['\"‘“]([\w.]{3,30})['\"’”]")


def _everywhere(text: str) -> bool:
    if not _EVERYWHERE.search(text):
        return False
    names = [m.group(1) for m in _QUOTED_WORD.finditer(text)] + [
        m.group(1) for m in re.finditer(
            r"\b(?:i'?m|as|name\s+is|name:)\s+@?([\w.]{4,30})(?![\w.])", text, re.I)]
    return any(handle_shaped(n) and n.lower() not in english_words() for n in names)


# The name on a platform told as the name on here: "my name on telegram is the same as here
# but with 'official' at the end"; not a question ("is your fb name the same as here?").
_SAME_AS_HERE = re.compile(
    r"\b(?:name|handle|user\s?name|account|@)\b[^.!?]{0,40}?\b(?:same\s+as|like)\s+"
    r"(?:(?:on|in)\s+)?(?:here|this\s+(?:chat|app|one)|my\s+name\s+(?:on|in)\s+here)\b",
    re.I)


def _same_as_here(text: str) -> bool:
    found = _SAME_AS_HERE.search(text)
    if found is None or "?" in text[found.end():found.end() + 60]:
        return False
    return bool(_MY_PROFILE.search(text) and PLATFORM.search(text))


def has_told_handle(text: str) -> bool:
    """A handle told in one of round ten's ways (see the module's docstring)."""
    return _handle_later(text) or _everywhere(text) or _same_as_here(text)


# Saying the detail comes in pieces or disguised, to get it past the filter.
_DODGE = re.compile(
    r"\bso\s+(?:it|that|they|the\s+(?:bot|filter|system)|it'?s|that'?s|its)\s+(?:does\s*n[o']?t|"
    r"don'?t|won'?t|can'?t|is\s*n[o']?t|is\s+not|will\s+not|wont|doesnt|isnt|not)\s+"
    r"(?:get\s+)?(?:block|blocked|caught|catch|flag|flagged|spot|spotted|pick\s+(?:it\s+)?up|"
    r"picked\s+up|notice|stop|stopped|hidden|held)\b|"
    r"\b(?:get|sneak|slip)\s+(?:it\s+)?(?:past|round|around|by)\s+the\s+(?:bot|filter|system|"
    r"block|censor)\b|\b(?:in|into)\s+(?:bits|pieces|chunks|parts|bobs)\b|\bbit\s+by\s+bit\b|"
    r"\bone\s+(?:bit|piece|digit|chunk)\s+at\s+a\s+time\b|\bsplit\s+(?:it\s+)?up\b", re.I)
# A number's start: "07", "01", "+44".
_NUMBER_START = re.compile(r"(?<![\d.:/£$€])(?:0[1-9]\d{0,4}|\+\s?44)(?![\d.:/])")
# "stick a zero on the front" (read on the mended text, where "zero" is already 0).
_ZERO_TO_ADD = re.compile(r"\b(?:put|stick|add|pop|with)\s+(?:an?\s+)?0\s+(?:(?:on|at|in|to)\s+"
                          r"(?:the\s+)?)?(?:front|start|beginning)\b|\b0\s+(?:on|at|in)\s+"
                          r"(?:the\s+)?front\b", re.I)


def has_told_phone(mended: str) -> bool:
    """A number said to be coming in pieces to get past the filter, with its start (the
    piece that starts it: "... so it's not blocked. 07"), or six or more digits with a 0
    to put on the front (a mobile's 7 or a landline's 1 or 2 first). `mended`: digit words
    made digits (contact_mending.digitised)."""
    if _DODGE.search(mended) and _NUMBER_START.search(mended):
        return True
    said = _ZERO_TO_ADD.search(mended)
    if said is None:
        return False
    digits = "".join(re.findall(r"\d", mended[:said.start()] + " " + mended[said.end():]))
    return len(digits) >= 6 and digits[0] in "127"


# "LE5 six double N": a letter said doubled in a postcode's last part.
_DOUBLED = re.compile(r"\b(\d)\s+(?:double|dbl)\s+([a-z])\b", re.I)
_DISTRICT = re.compile(r"\b[A-Z]{1,2}\d{1,2}[A-Z]?\b|\b[a-z]{1,2}\d{1,2}\b")
# A district, then what the rest is, and a digit and two capitals typed after ("LE5 the
# rest is the letters of my initials and the number 9: 9KD"); not a time ("2PM").
_REST_TYPED = re.compile(
    r"\b[A-Z]{1,2}\d{1,2}[A-Z]?\b[^.!?]{0,20}?\b(?:the\s+)?(?:rest|second\s+(?:half|bit|part)|"
    r"other\s+(?:half|bit)|end\s+bit|last\s+bit|ending)\b[^.!?]{0,80}?\b\d\s?(?!AM|PM)[A-Z]{2}\b")


def doubled_letters(text: str) -> str:
    """`text` with a doubled letter after a digit written out ("6 double N" reads "6NN"),
    where a district stands in it; else `text` itself."""
    if not _DISTRICT.search(text) or not _DOUBLED.search(text):
        return text
    return _DOUBLED.sub(lambda m: m.group(1) + m.group(2) * 2, text)


def has_told_postcode(text: str) -> bool:
    """A postcode's rest typed after a description of it (see above); the doubled letters
    are read by the caller through `doubled_letters`."""
    return _REST_TYPED.search(text) is not None


# A home picked out among others by a named landmark: "pick me up from mine, third house
# past the Braunstone Frith pub", "we're the second bungalow after the Red Lion".
_HOME_SAID = re.compile(r"\b(?:mine|ours|my\s+(?:house|place|home|flat|bungalow)|our\s+(?:house|"
                        r"place|home|flat|bungalow)|i\s+live|we\s+live|i'?m|we'?re|i\s+am|"
                        r"we\s+are|pick\s+(?:me|us)\s+up|come\s+(?:round|over)|where\s+i\s+live)\b",
                        re.I)
_NTH_HOUSE = re.compile(
    r"\b(?:(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|"
    r"\d{1,2}(?:st|nd|rd|th))\s+(?:house|door|bungalow|cottage|semi|one|place|flat|home)|"
    r"(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(?:houses|doors)\s+"
    r"(?:down|up|along|on))\s+(?:past|after|before|from|beyond|on\s+from)\s+(?:the\s+)?"
    r"(?-i:[A-Z])[\w'-]+", re.I)


def has_told_address(text: str) -> bool:
    """A home picked out as the nth house from a named landmark (see above)."""
    return bool(_HOME_SAID.search(text) and _NTH_HOUSE.search(text))
