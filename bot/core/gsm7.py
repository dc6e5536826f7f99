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
further for texts that must be GSM-7: letters lose accents GSM-7 lacks, powers are written
with a caret ("10⁵" is "10^5", never "105"), and anything else (emoji, other scripts) is
left out, leaving a space where it stood between two words or numbers ("10👍30" is
"10 30"); `unsendable` says what that would leave out, so nobody's words vanish unnoticed.
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
    " ": "\t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f"
         "\u205f\u3000",
    "": "\u200b\u2060\ufeff",  # invisible: zero-width space, word joiner, byte order mark
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

# Only for texts forced into GSM-7: plainer words for symbols, and marks we can do without.
_FORCED = {"\u00b0": " degrees", "\u00b7": "-", "\u2713": "", "\u2714": ""}
# Latin letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = {
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Ħ": "H", "ħ": "h",
    "ı": "i", "Ŀ": "L", "ŀ": "l", "Œ": "OE", "œ": "oe", "Ŧ": "T", "ŧ": "t", "Þ": "Th",
    "þ": "th", "ƒ": "f", "Ŋ": "N", "ŋ": "n",
}
# Fullwidth and small forms of ASCII (＠, ﹫...) become ASCII through NFKC.
_COMPATIBLE_BLOCKS = ((0xFE50, 0xFE6B), (0xFF01, 0xFF5E))


def is_gsm7(text: str) -> bool:
    return all(c in _BASIC or c in _EXTENSION for c in text)


def septets(text: str) -> int:
    return sum(2 if c in _EXTENSION else 1 for c in text)


def smart(text: str) -> str:
    """Look-alike characters replaced by their GSM-7 forms; everything else as it was.
    Accents typed as separate marks ("e" + U+0301) are joined first (NFC): "é" is GSM-7."""
    out: list[str] = []
    text = unicodedata.normalize("NFC", text)
    for at, char in enumerate(text):
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
    """A character as GSM-7 text, or None when GSM-7 has nothing like it."""
    if char in _BASIC or char in _EXTENSION:
        return char
    if char in _FORCED:
        return _FORCED[char]
    if char in _LETTERS:
        return _LETTERS[char]
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if base and all(c in _BASIC for c in base):
        return base
    return None


def to_gsm7(text: str) -> str:
    """Plain GSM-7 text: look-alikes replaced, accents dropped where GSM-7 lacks them,
    emoji and anything else unrepresentable removed, spacing tidied."""
    return _tidy("".join(_transliterated(c) or _gap(c) for c in _forced(text)))


def unsendable(text: str) -> list[str]:
    """What `to_gsm7` would leave out of a text, character by character, in order."""
    return [c for c in _forced(text) if _transliterated(c) is None]


def readable_name(name: str) -> str:
    """A name as someone who only gets GSM-7 can read it, or "" when nothing readable is
    left (a name of emoji). Unlike someone's words, where the sender is told what could
    not go, a name cannot just lose its letters: "Сергей" would arrive as nothing, and
    every message as ": hello". Letters GSM-7 has stay as typed ("José", "Müller");
    other scripts are transliterated by anyascii, which covers every script with no
    per-language data ("Сергей" -> "Sergey", "李明" -> "LiMing", "محمد" -> "Mhmd");
    emoji and symbols are left out."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if not run:
            return
        plain = "".join(c for c in smart(anyascii("".join(run))) if is_gsm7(c))
        starts_word = not out or not out[-1][-1:].isalnum()
        if plain and starts_word and unicodedata.category(run[0]) == "Lo":
            plain = plain[0].upper() + plain[1:]  # scripts without capitals: "Mhmd"
        out.append(plain or _HIDDEN)
        run.clear()

    for char in _forced(name):
        plain = _transliterated(char)
        if plain is None and unicodedata.category(char)[0] in "LMN":
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
    return _HIDDEN if unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf", "Cc") else _GONE


def _tidy(text: str) -> str:
    """Close the gaps left where characters were removed ("hi 👍 there" -> "hi there",
    "Well done 🎉 !" -> "Well done!", "10👍30" -> "10 30"), and nothing else: ":)" or
    "fe80::1" stay as typed."""
    return "\n".join(_GAP.sub(_closed, line) for line in text.split("\n"))


# A gap: what was removed, the spaces around it, and a comma just before it.
_GAP = re.compile(rf"[,;:]?[ {_GONE}{_HIDDEN}]*[{_GONE}{_HIDDEN}][ {_GONE}{_HIDDEN}]*")
_ENDS = ",.!?;:"


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
