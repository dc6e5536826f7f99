"""GSM-7 and UCS-2: how a text travels by SMS, and what it costs.

Segments are counted as networks count them (3GPP TS 23.038 and 23.040): GSM-7 carries 160
septets in one SMS, or 153 in each part of a longer one (the rest of the part is the
concatenation header), and an extension character (an escape and the character: € [ ] { }
~ ^ | \\ and form feed) is never split across two parts. One character outside GSM-7
makes the whole text UCS-2: 70 UTF-16 units in one SMS, 67 in each part, and a character
outside the Basic Multilingual Plane (most emoji) is a surrogate pair that is never split
either. So `~` at septet 153 moves to the next part and can cost a whole extra segment.

Before deciding, look-alike characters are replaced by their GSM-7 forms (curly quotes,
dashes, special spaces, the ellipsis...; Twilio calls this Smart Encoding), so one curly
apostrophe never doubles what a text costs. No replacement may change what a text means:
a fraction after a number keeps a space ("1½" is "1 1/2", never "11/2"). `to_gsm7` goes
further for texts that must be GSM-7: letters lose accents GSM-7 lacks (only accents on
letters: "≠" is "=" and an overlay, and is never sent as "="), powers are written with a
caret ("10⁵" is "10^5", never "105"), digits of every script are 0-9 ("١٠" is "10"),
symbols are written with GSM-7 signs or words that mean the same ("≥" is ">=", "20°C" is
"20 degrees C", "500µg" is "500mcg", "₹500" is "Rs 500"), and anything else (emoji, other
scripts, symbols like "✓" and "≠") is left out, leaving a space where it stood between two
words or numbers ("10👍30" is "10 30"); `unsendable` says what that would leave out, and
`left_out` what the sender is told went (emoji, letters, symbols), so nobody's words
vanish unnoticed, and no symbol is passed off as an emoji.
Names are the exception: a name is the reader's only way to tell who wrote, so
`readable_name` transliterates one in another script ("Сергей" is "Sergey").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import regex
from anyascii import anyascii

from bot.core.splitting import split_fitting

BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = "^{}\\[~]|€\f"  # each costs two septets (escape + character)
_BASIC = frozenset(BASIC)
_EXTENSION = frozenset(EXTENSION)

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# Look-alikes and their GSM-7 forms: Twilio's Smart Encoding list
# (twilio.com/docs/messaging/services/smart-encoding-char-list) and a few of our own.
# Deliberately left out: its combining marks (a combining tilde is part of a letter in
# other scripts, not a tilde) and the ideographic full stop and comma (part of Chinese and
# Japanese text, which travels as UCS-2 anyway). Nothing visible is ever deleted here.
_LOOK_ALIKE_GROUPS = {
    '"': "\u00ab\u00bb\u201c\u201d\u02ba\u02ee\u201e\u201f\u275d\u275e\u301d\u301e\uff02"
         "\u2033",
    "'": "\u2018\u2019\u02bb\u02c8\u02bc\u02bd\u02b9\u201b\uff07\u00b4\u02ca`\u02cb\u275b"
         "\u275c\ufe10\ufe11\u2032\u2039\u203a",
    "-": "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u23bc\u23bd\ufe63\uff0d\u2022",
    " ": "\t\x1f\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f"
         "\u205f\u3000",
    # Invisible: zero-width space, word joiner, byte order mark, soft hyphen (a hint where
    # a word may break, which phones don't draw).
    "": "\u200b\u2060\ufeff\u00ad",
    # Line ends (vertical tab, the file, group and record separators, next line, line and
    # paragraph separators) are line breaks, the unit separator a space: deleted, they
    # would run two words together. A form feed is GSM-7 (an escaped character) already.
    "\n": "\x0b\x1c\x1d\x1e\x85\u2028\u2029",
    "/": "\u00f7\u29f8\u2044\u2215\uff0f",
    "\\": "\u29f9\u29f5\ufe68\uff3c",
    "|": "\u2223\uff5c\u23b8\u23b9\u23d0\u239c\u239f",
    "_": "\uff3f",
    ",": "\u201a\ufe50\ufe51\uff0c",
    "(": "\u2768\u276a\ufe59\uff08\u27ee\u2985",
    ")": "\u2769\u276b\ufe5a\uff09\u27ef\u2986",
    "*": "\u204e\u2217\u229b\u2722\u2723\u2724\u2725\u2731\u2732\u2733\u273a\u273b\u273c"
         "\u273d\u2743\u2749\u274a\u274b\u29c6\ufe61\uff0a",
    "+": "\u02d6\ufe62\uff0b",
    ":": "\u02d0\u02f8\u2982\ua789\ufe13\uff1a",
    ";": "\u204f\ufe14\ufe54\uff1b",
    "=": "\ua78a\ufe66\uff1d",
    "!": "\u01c3\ufe15\ufe57\uff01",
    "?": "\ufe16\ufe56\uff1f",
    "^": "\u02c6\uff3e",
    "~": "\u02dc\u02f7\u223c\uff5e",
    "{": "\u2774\ufe5b\uff5b",
    "}": "\u2775\ufe5c\uff5d",
    "...": "\u2026",
    "!!": "\u203c",
    "x": "\u00d7",
    "TM": "\u2122",
    "(c)": "\u00a9",
    "(R)": "\u00ae",
    "->": "\u2192",
    "<-": "\u2190",
}
LOOK_ALIKES = {char: plain for plain, chars in _LOOK_ALIKE_GROUPS.items() for char in chars}
# Vulgar fractions (½, ⅓, ⅞...) written plainly: "1/2". Next to a digit they get a space
# ("1 1/2"), or "1½" would read as eleven halves.
_FRACTIONS = {chr(code): unicodedata.normalize("NFKD", chr(code)).replace("\u2044", "/")
              for code in (*range(0xBC, 0xBF), *range(0x2150, 0x2160), 0x2189)}


# Superscripts and subscripts (Unicode's decomposition types), which GSM-7 lacks. Powers
# are superscript digits, signs and the n and i of "xⁿ"; other superscript letters are
# abbreviations ("2ⁿᵈ", "Mˡˡᵉ"), which only lose the raising.
_POWER = "[\u00b2\u00b3\u00b9\u2070-\u207f]"
_RAISED = r"\p{Decomposition_Type=Super}"
_POWER_RUN = regex.compile(rf"(?<!{_RAISED}){_POWER}++(?!{_RAISED})")
_SUBSCRIPT_AFTER_DIGIT = regex.compile(r"(?<=\d)\p{Decomposition_Type=Sub}+")
# "¹⁄₂" (its fraction slash already made "/" by `smart`).
_WRITTEN_FRACTION = regex.compile(
    "([\u00b2\u00b3\u00b9\u2070\u2074-\u2079]+)/([\u2080-\u2089]+)")

# Only for texts forced into GSM-7. A symbol GSM-7 lacks is written with GSM-7 signs that
# mean the same ("≥" is ">=", "±" is "+/-"), or as a word, kept apart from a number or word
# beside it ("20°C" is "20 degrees C", "₹500" is "Rs 500"); anything else is left out and
# reported (`unsendable`), never replaced by something that means another thing: "✓" is
# not "", "≠" is not "=".
_SIGNS = {
    "\u2265": ">=", "\u2a7e": ">=", "\u2264": "<=", "\u2a7d": "<=", "\u00b1": "+/-",
    "\u2213": "-/+", "\u21d2": "=>", "\u2194": "<->", "\u2248": "~", "\u203d": "?!",
    "\u00a6": "|", "\u00a2": "c", "\uffe0": "c",
    # Arabic decimal and thousands separators and per cent sign, around Arabic-Indic digits.
    "\u066b": ".", "\u066c": ",", "\u066a": "%",
}
_WORDS = {
    "\u00b0": "degrees", "\u2103": "degrees C", "\u2109": "degrees F",
    # Currencies by the code or abbreviation people write (Rs for the rupee signs).
    "\u20b9": "Rs", "\u0af1": "Rs", "\u0bf9": "Rs", "\u09f2": "Rs", "\ua838": "Rs",
    "\u09f3": "Tk", "\u20ba": "TL", "\u20bd": "RUB", "\u20a6": "NGN", "\u20b1": "PHP",
    "\u20a9": "KRW", "\uffe6": "KRW", "\u20aa": "ILS", "\u20ab": "VND", "\u20b4": "UAH",
    "\u20bf": "BTC",
}
# Letters GSM-7 lacks that Unicode does not decompose into a GSM-7 letter and an accent;
# and the Greek capitals that look like Latin ones (GSM-7 has the others: Γ Δ Θ Λ Ξ Π Σ Φ
# Ψ Ω), so "ΑΘΗΝΑ" is "AΘHNA", as Greek texts have always been written in GSM-7.
_LETTERS = {
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Ħ": "H", "ħ": "h",
    "ı": "i", "Ŀ": "L", "ŀ": "l", "Œ": "OE", "œ": "oe", "Ŧ": "T", "ŧ": "t", "Þ": "Th",
    "þ": "th", "ƒ": "f", "Ŋ": "N", "ŋ": "n", "\u1e9e": "SS",
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
}
# The accents a letter may lose and still be the same letter to a reader ("ë" is "e",
# "ş" is "s", "ά" is "α"): Unicode's Combining Diacritical Marks, but not its overlays
# (U+0334-U+0338: a tilde, stroke or slash drawn through what it marks, which is how "≠",
# "≮" and "∉" say "not"). No other mark is ever dropped from a letter, and no mark at all
# from anything else (a space, a digit, a symbol): that would change what it says.
_ACCENTS = frozenset(chr(c) for c in range(0x300, 0x370) if not 0x334 <= c <= 0x338)
_MICRO, _MU = "\u00b5", "\u03bc"
_GREEK = regex.compile(r"(?=\p{L})\p{Greek}")
_LATIN = regex.compile(r"\p{Latin}")
# Fullwidth and small forms of ASCII (＠, ﹫...) become ASCII through NFKC.
_COMPATIBLE_BLOCKS = ((0xFE50, 0xFE6B), (0xFF01, 0xFF5E))


def is_gsm7(text: str) -> bool:
    return all(c in _BASIC or c in _EXTENSION for c in text)


def septets(text: str) -> int:
    return sum(2 if c in _EXTENSION else 1 for c in text)


def smart(text: str) -> str:
    """Look-alike characters replaced by their GSM-7 forms; everything else as it was.
    Accents typed as separate marks ("e" + U+0301) are joined first (NFC): "é" is GSM-7.
    Invisible marks that do nothing where they are go first (`without_stray_marks`), and
    so does an emoji's U+FE0F once its character is plain text ("™️" is "TM")."""
    out: list[str] = []
    text = without_stray_marks(unicodedata.normalize("NFC", text))
    for at, char in enumerate(text):
        if char == _VS16 and at > 0 and text[at - 1] in LOOK_ALIKES:
            continue
        if char in _BASIC or char in _EXTENSION:
            out.append(char)
        elif char in LOOK_ALIKES:
            out.append(LOOK_ALIKES[char])
        elif char in _FRACTIONS:
            out.append(_fraction(_FRACTIONS[char], "".join(out[-1:]), text[at + 1:at + 2]))
        elif any(low <= ord(char) <= high for low, high in _COMPATIBLE_BLOCKS):
            plain = unicodedata.normalize("NFKC", char)
            out.append(plain if is_gsm7(plain) else char)
        else:
            out.append(char)
    return "".join(out)


# Invisible marks that do something only beside certain characters, and otherwise change
# nothing a reader sees but the cost: one makes a whole text UCS-2 (a pasted English text
# with a left-to-right mark, iOS copies numbers with them, went from 1 segment to 3).
_BIDI_MARKS = "\u200e\u200f\u061c"  # LRM, RLM, ALM: settle punctuation in right-to-left text
_RIGHT_TO_LEFT = regex.compile(r"[\p{Bidi_Class=R}\p{Bidi_Class=AL}\p{Bidi_Class=AN}]")
# ZWNJ, ZWJ and the combining grapheme joiner: they shape (or keep apart) the letters
# either side in Arabic, Persian and Indic scripts, and make one emoji of several.
_JOINERS = "\u200c\u200d\u034f"
_VS16 = "\ufe0f"  # "show this as an emoji": meaningful only after something that can be one
_CAN_BE_EMOJI = regex.compile(r"[\p{Emoji}\p{Emoji_Component}]")


def without_stray_marks(text: str) -> str:
    """`text` without the invisible marks that do nothing where they are: a bidi mark
    (LRM, RLM, ALM) on a line with no right-to-left letter or number; U+FE0F after
    something that is no emoji; a ZWJ, ZWNJ or U+034F with neither neighbour a character
    GSM-7 lacks (so not inside an emoji sequence, nor between Arabic or Indic letters).
    Right-to-left text and emoji ZWJ sequences keep theirs: "👩‍💻" stays one emoji."""
    if not any(c in _BIDI_MARKS or c in _JOINERS or c == _VS16 for c in text):
        return text
    lines = []
    for line in text.split("\n"):
        if not _RIGHT_TO_LEFT.search("".join(c for c in line if c not in _BIDI_MARKS)):
            line = "".join(c for c in line if c not in _BIDI_MARKS)
        line = "".join(c for at, c in enumerate(line) if c != _VS16 or (
            at > 0 and _CAN_BE_EMOJI.match(line[at - 1]) is not None))
        line = "".join(c for at, c in enumerate(line) if c not in _JOINERS or
                       _joins(line[at - 1:at]) or _joins(line[at + 1:at + 2]))
        lines.append(line)
    return "\n".join(lines)


def _joins(neighbour: str) -> bool:
    """Whether a joiner beside this character may matter: it is one GSM-7 lacks (a letter
    of another script, an emoji, a variation selector), so the text is UCS-2 anyway."""
    return bool(neighbour) and not neighbour.isspace() and neighbour not in _BASIC and \
        neighbour not in _EXTENSION and neighbour not in LOOK_ALIKES and \
        neighbour not in _JOINERS


def _fraction(plain: str, before: str, after: str) -> str:
    """A fraction written plainly, set apart from a number next to it: "1 1/2"."""
    if before[-1:].isdecimal():
        plain = f" {plain}"
    if after.isdecimal() and not plain.endswith("/"):  # "⅟" is "1/": its number follows
        plain = f"{plain} "
    return plain


def _forced(text: str) -> str:
    """`smart`, then what only GSM-7 needs: superscripts and subscripts, which GSM-7
    lacks, written so they still mean the same: "10⁵" -> "10^5", "x²" -> "x^2",
    "Ca²⁺" -> "Ca^2+", "10₂" -> "10_2", "H₂O" -> "H2O", "1¹⁄₂" -> "1 1/2"."""
    text = smart(text)

    def plain(chars: str) -> str:
        return smart(unicodedata.normalize("NFKC", chars))

    text = _WRITTEN_FRACTION.sub(lambda m: _fraction(
        plain(m.group(1)) + "/" + plain(m.group(2)), m.string[m.start() - 1:m.start()],
        m.string[m.end():m.end() + 1]), text)
    text = _POWER_RUN.sub(lambda m: "^" + plain(m.group()), text)
    return _SUBSCRIPT_AFTER_DIGIT.sub(lambda m: "_" + plain(m.group()), text)


def _transliterated(char: str) -> str | None:
    """A character as GSM-7 text on its own, or None when GSM-7 has nothing that means the
    same. See `_plain` for the characters whose GSM-7 form depends on their neighbours."""
    if char in _BASIC or char in _EXTENSION:
        return char
    if char in _SIGNS:
        return _SIGNS[char]
    if char in _LETTERS:
        return _LETTERS[char]
    if unicodedata.category(char) == "Nd":  # "١٠", "۱۰", "१०", "１０" are all 10
        return str(unicodedata.decimal(char))
    return _decomposed(char)


def _decomposed(char: str) -> str | None:
    """A character as the GSM-7 letters of its compatibility decomposition, when all that
    goes is accents on letters ("ë" is "e", "ǅ" is "Dz", "ﬁ" is "fi", "Ά" is "A"); None
    when a mark that changes meaning would go: an overlay ("≠" is "=" and a long solidus),
    or a mark on anything but a letter (the spacing accent "¨" is a space and a diaeresis)."""
    out: list[str] = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.category(part)[0] == "M":
            if part not in _ACCENTS or not out or not out[-1].isalpha():
                return None
            continue
        out.append(_LETTERS.get(part, part))
    plain = "".join(out)
    if _MU in plain:  # "㎍" is "μg": "mcg"
        plain = regex.sub(f"{_MU}(?=[A-Za-z])", lambda m: _micro(m.string[m.end()]), plain)
    return plain if plain and all(c in _BASIC for c in plain) else None


def _micro(unit: str) -> str:
    """The micro prefix before a unit: "mcg" for micrograms (as UK prescriptions write it,
    never "ug", read as "mg"), "u" before any other unit ("um", "uL", "umol")."""
    return "mc" if unit == "g" else "u"


def _plain(text: str) -> list[str | None]:
    """Each character of a `_forced` text as GSM-7 text, or None when it is left out. Most
    depend on nothing else (`_transliterated`); these depend on their neighbours:
    - the micro sign (and a Greek mu outside Greek text) before a unit is a prefix
      ("500µg" is "500mcg", "5μm" is "5um"); on its own it is a word ("micro", "mu");
    - a Greek small letter outside Greek text is a symbol, written as its name ("2πr" is
      "2 pi r", "β-blocker" is "beta-blocker"); in Greek words it is a letter, left out;
    - a middle dot between digits is a decimal point ("2·5" is "2.5"), otherwise a dash;
    - a word ("degrees", "Rs", "pi") is kept apart from a letter or digit beside it."""
    out: list[str | None] = []
    for at, char in enumerate(text):
        before, after = text[at - 1:at], text[at + 1:at + 2]
        plain: str | None
        if char == "\u00b7":
            plain = "." if before.isdecimal() and after.isdecimal() else "-"
        elif char == _MICRO or (char == _MU and not _in_greek(text, at)):
            if after.isascii() and after.isalpha():
                plain = _micro(after)
            else:
                plain = _spaced("micro" if char == _MICRO else "mu", before, after)
        elif char in _WORDS:
            plain = _spaced(_WORDS[char], before, after)
        else:
            plain = _transliterated(char)
            if plain is None:
                name = _greek_name(char, before, after)
                plain = name if name and not _in_greek(text, at) else None
        out.append(plain)
    if _GREEK.search(text):
        _whole_greek_words(text, out)
    return out


_GREEK_WORD = regex.compile(r"(?:(?=\p{L})\p{Greek}\p{M}*)+")


def _whole_greek_words(text: str, out: list[str | None]) -> None:
    """A Greek word goes whole or not at all: GSM-7 has most Greek capitals, and "Σάμ"
    would otherwise arrive as "Σ", a letter that says nothing. (Its letters are then
    left out, and the sender told, like any other script's.)"""
    for word in _GREEK_WORD.finditer(text):
        span = range(word.start(), word.end())
        if any(out[at] is None for at in span):
            for at in span:
                out[at] = None


def _spaced(word: str, before: str, after: str) -> str:
    return f"{' ' if before.isalnum() else ''}{word}{' ' if after.isalnum() else ''}"


def _greek_name(char: str, before: str, after: str) -> str | None:
    """A Greek small letter used as a symbol, as its name: "π" is "pi", "λ" is "lambda"."""
    letter = unicodedata.normalize("NFKD", char)
    if len(letter) != 1 or not "\u03b1" <= letter <= "\u03c9" or letter == "\u03c2":
        return None
    name = unicodedata.name(letter).removeprefix("GREEK SMALL LETTER ").lower()
    return _spaced("lambda" if name == "lamda" else name, before, after)


def _in_greek(text: str, at: int) -> bool:
    """Whether the character at `at` is part of Greek text: another Greek letter is in its
    word or in the words either side ("ο Γιάννης": "ο" is a word, the article)."""
    words = list(_NEAR_WORDS.finditer(text[max(at - 80, 0):at + 81]))
    here = min(at, 80)
    mine = next(i for i, word in enumerate(words) if word.start() <= here < word.end())
    near = words[max(mine - 1, 0):mine + 2]
    return any(_GREEK.match(word.string, i) for word in near
               for i in range(word.start(), word.end()) if i != here)


_NEAR_WORDS = regex.compile(r"\S+")


def to_gsm7(text: str) -> str:
    """Plain GSM-7 text: look-alikes replaced, accents dropped where GSM-7 lacks them,
    digits of other scripts made 0-9, symbols written plainly where they can be, emoji
    and anything else unrepresentable removed, spacing tidied."""
    forced = _forced(text)
    return _tidy("".join(p if p is not None else _gap(c)
                         for c, p in zip(forced, _plain(forced), strict=True)))


def unsendable(text: str) -> list[str]:
    """What `to_gsm7` would leave out of a text, character by character, in order."""
    forced = _forced(text)
    return [c for c, p in zip(forced, _plain(forced), strict=True) if p is None]


def keeps_words(text: str, *, allow_unicode: bool = False) -> bool:
    """Whether anything of `text` a reader takes for words reaches them by SMS (GSM-7, or
    UCS-2 with `allow_unicode`): a letter, a digit or a symbol. A text that would arrive
    as only punctuation and spaces ("Привет, как дела?" is "?") says nothing, so the
    sender must be stopped, not just warned; punctuation typed as it goes ("?") is the
    sender's own, and keeps. Invisible characters (zero-width spaces) are nothing."""
    sent = smart(text) if allow_unicode else to_gsm7(text)
    shown = [c for c in sent
             if unicodedata.category(c)[0] not in "CZ" and not _INVISIBLE.match(c)]
    if any(unicodedata.category(c)[0] != "P" for c in shown):
        return True
    return bool(shown) and (allow_unicode or left_out(text) is None)


def left_out(text: str) -> str | None:
    """What a reader would miss of `text` sent as GSM-7 (what `unsendable` finds), to tell
    the sender: "emoji", "letters" (of other scripts), "symbols", or two or three of them:
    "both" (emoji and letters), "emoji_symbols", "letters_symbols", "all". None when
    nothing visible goes: joiners, variation selectors and tags are parts of an emoji
    (a skin tone is an emoji: alone, it shows as a patch of colour), and controls and
    invisible characters show nothing. A private-use character (the Apple logo iPhones
    send, U+F8FF; planes 15 and 16) or one this Unicode version has not assigned yet is
    something the writer's phone draws: a symbol left out (an emoji, in the emoji blocks,
    where new emoji arrive before our tables know them). A mark is what it is on: the
    stem of a musical note is part of a symbol, an accent on a letter GSM-7 keeps a
    letter's part, an overlay ("x" and a long solidus: "not x") a symbol. Punctuation of
    another script ("؟", "।") is part of the words left out when letters go too, and only
    counts as symbols on its own."""
    forced = _forced(text)
    found: set[str] = set()
    punctuation = False
    base: tuple[str, str | None] = ("", None)  # the last character that is not a mark
    for char, plain in zip(forced, _plain(forced), strict=True):
        category = unicodedata.category(char)
        if category[0] != "M":
            base = (char, plain)
        if plain is not None or _UNSEEN.match(char):
            continue
        if char == "\u20e3" or _EMOJI.match(char):
            found.add("emoji")  # an emoji, or the keycap of "1️⃣" (its digit stays)
        elif category[0] == "M":
            if base[0] and base[1] is None:
                continue  # part of something already counted
            symbol = 0x334 <= ord(char) <= 0x338 or 0x20D0 <= ord(char) <= 0x20FF or \
                (not base[0] and _COMMON.match(char))
            found.add("symbols" if symbol else "letters")
        elif category[0] == "L" or (category[0] == "N" and not _COMMON.match(char)):
            found.add("letters")
        elif category[0] == "P":
            punctuation = True
        else:
            found.add("symbols")
    if punctuation and "letters" not in found:
        found.add("symbols")
    return _KIND_KEYS.get(tuple(k for k in ("emoji", "letters", "symbols") if k in found))


_KIND_KEYS = {("emoji",): "emoji", ("letters",): "letters", ("symbols",): "symbols",
              ("emoji", "letters"): "both", ("emoji", "symbols"): "emoji_symbols",
              ("letters", "symbols"): "letters_symbols",
              ("emoji", "letters", "symbols"): "all"}
_INVISIBLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")
# What shows nothing, so is never reported left out: spaces, controls, format characters
# and lone surrogates; not private-use (Co) or unassigned (Cn) characters, which phones draw.
_UNSEEN = regex.compile(r"[\p{Z}\p{Cc}\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}]")
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Emoji_Presentation}"
                       r"\p{Regional_Indicator}\p{Emoji_Modifier}]")
_COMMON = regex.compile(r"\p{Script=Common}")


def readable_name(name: str) -> str:
    """A name as someone who only gets GSM-7 can read it, or "" when nothing readable is
    left (a name of emoji). Unlike someone's words, where the sender is told what could
    not go, a name cannot just lose its letters: "Сергей" would arrive as nothing, and
    every message as ": hello". Letters GSM-7 has stay as typed ("José", "Müller");
    other scripts are transliterated by anyascii, which covers every script with no
    per-language data ("Сергей" -> "Sergey", "李明" -> "LiMing", "محمد" -> "Mhmd");
    emoji and symbols are left out. A name that needs transliterating is transliterated
    whole, all its letters of scripts other than Latin, even those GSM-7 has: "Σάμ" is
    "Sam", never "Σam", and "Σάμ Θεο" is "Sam Theo"."""
    out: list[str] = []
    run: list[str] = []
    forced = _forced(name)
    plains = _plain(forced)
    whole = any(p is None and unicodedata.category(c)[0] in "LMN"
                for c, p in zip(forced, plains, strict=True))

    def flush() -> None:
        if not run:
            return
        plain = "".join(c for c in smart(anyascii("".join(run))) if is_gsm7(c))
        starts_word = not out or not out[-1][-1:].isalnum()
        if plain and starts_word and unicodedata.category(run[0]) == "Lo":
            plain = plain[0].upper() + plain[1:]  # scripts without capitals: "Mhmd"
        out.append(plain or _HIDDEN)
        run.clear()

    for char, plain in zip(forced, plains, strict=True):
        kind = unicodedata.category(char)[0]
        if (plain is None and kind in "LMN") or (run and kind == "M") or \
                (whole and kind == "L" and not _LATIN.match(char)):
            run.append(char)
            continue
        flush()
        out.append(plain or _gap(char))
    flush()
    readable = _tidy("".join(out)).strip()
    return readable if any(c.isalnum() for c in readable) else ""


# Where a character was left out; only those gaps are tidied. Something visible (an emoji,
# a letter of another script) stood between two words as a word of its own, so they keep a
# space; an invisible one (an accent on nothing, a joiner, a soft hyphen) was inside a word.
_GONE, _HIDDEN = "\x00", "\x01"


def _gap(char: str) -> str:
    """A control character (NUL...) is no part of a word: between two words it leaves a
    space like anything visible ("hi<NUL>there" is "hi there")."""
    return _HIDDEN if unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf") else _GONE


def _tidy(text: str) -> str:
    """Close the gaps left where characters were removed ("hi 👍 there" -> "hi there",
    "Well done 🎉 !" -> "Well done!", "10👍30" -> "10 30"), and nothing else: ":)" or
    "fe80::1" stay as typed. Punctuation that ended what was left out at the start of a
    line goes with it ("Привіт! See you" is "See you", not "! See you")."""
    return "\n".join(_GAP.sub(_closed, _LEADING_GAP.sub("", line))
                     for line in text.split("\n"))


# A gap: what was removed, the spaces around it, and a comma just before it.
_GAP = re.compile(rf"[,;:]?[ {_GONE}{_HIDDEN}]*[{_GONE}{_HIDDEN}][ {_GONE}{_HIDDEN}]*")
_ENDS = ",.!?;:"
# Something visible left out at the start of a line, and the punctuation that closed it
# (only when a space or the line's end follows it: "👍 :)" keeps its smile).
_LEADING_GAP = re.compile(
    rf"^[ {_GONE}{_HIDDEN}]*{_GONE}[ {_GONE}{_HIDDEN}]*[{re.escape(_ENDS)}]+(?: +|$)")


def _closed(gap: re.Match[str]) -> str:
    line, start, end = gap.string, gap.start(), gap.end()
    found = gap.group()
    mark = found[0] if found[0] in ",;:" else ""
    if end < len(line) and line[end] in ".!?":
        return ""  # "meet you, કેમ છો?" -> "meet you?"
    if start == 0 or end == len(line) or line[end] in _ENDS:
        return mark
    if " " in found:
        return mark + " "
    if not mark and _GONE in found and line[start - 1].isalnum() and line[end].isalnum():
        return " "  # "today😊See you" -> "today See you", "10👍30" -> "10 30"
    return mark


@dataclass(frozen=True)
class Encoding:
    name: str  # "GSM-7" or "UCS-2"
    units: int  # septets, or UTF-16 code units
    segments: int


def unit_costs(text: str) -> tuple[str, list[int]]:
    """The encoding a text travels in and what each character costs in it: septets (2 for
    an escaped character), or UTF-16 units (2 for a surrogate pair). A character is never
    split between segments, so these are the pieces segments are filled with."""
    if is_gsm7(text):
        return "GSM-7", [2 if c in _EXTENSION else 1 for c in text]
    return "UCS-2", [2 if ord(c) > 0xFFFF else 1 for c in text]


def measure(text: str) -> Encoding:
    """How a text would travel as SMS, and how many segments it costs."""
    name, costs = unit_costs(text)
    single, part = (GSM_SINGLE, GSM_PART) if name == "GSM-7" else (UCS2_SINGLE, UCS2_PART)
    units = sum(costs)
    if units <= single:
        return Encoding(name, units, 1)
    segments, used = 1, 0
    for cost in costs:
        if used + cost > part:  # the character would straddle two parts: it starts the next
            segments, used = segments + 1, 0
        used += cost
    return Encoding(name, units, segments)


def fits(text: str, max_segments: int = 2) -> bool:
    return measure(text).segments <= max_segments


def split_for_sms(text: str, max_segments: int = 2, *, reserve: str = "",
                  max_parts: int | None = None) -> list[str]:
    """Split a long text into texts of at most `max_segments` each (with room for
    `reserve`, such as a part label, added to each), at line or sentence boundaries, or
    between words if one sentence is itself too long. When that kind split would need
    more than `max_parts` texts, the words are packed as tightly as they go instead."""
    if fits(text, max_segments):
        return [text]
    within: Callable[[str], bool] = lambda part: fits(part + reserve, max_segments)  # noqa: E731
    parts = split_fitting(text, within)
    if max_parts is not None and len(parts) > max_parts:
        parts = split_fitting(text, within, sentences=False)
    return parts
