"""Every assigned Unicode character, one at a time and between two words, through what a
text without UCS-2 becomes: nothing changes meaning and nothing visible goes untold.

Found by a break-test (issue 13): "≠" arrived as "=" (its decomposition is "=" and a long
solidus overlay, and the overlay was dropped: "BP ≠ 140" read "BP = 140"), "≮" as "<",
"500µg" as "500 g", Arabic-Indic and Devanagari digits vanished ("See you at ١٠" arrived
as "See you at"), "✓" vanished with nobody told, and "≥", "±" and "₹" were reported as
emoji. The rules these tests hold, written here from Unicode's own properties rather than
from bot/core/gsm7.py's tables:
- a decomposition is only used when what it drops is accents (Combining Diacritical
  Marks, not the overlays U+0334-U+0338) on letters; any other mark carries meaning;
- a decimal digit of any script is its digit 0-9;
- whatever is left out is reported, as what a reader would see it as: emoji, letters (of
  other scripts) or symbols;
- nothing left out runs two words together.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache

import pytest
import regex

from bot.core.gsm7 import (
    LOOK_ALIKES,
    is_gsm7,
    left_out,
    smart,
    to_gsm7,
    unsendable,
    without_stray_marks,
)

DEFAULT_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")
EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Emoji_Presentation}"
                      r"\p{Regional_Indicator}\p{Emoji_Modifier}]")
COMMON_SCRIPT = regex.compile(r"\p{Script=Common}")


@cache
def assigned() -> tuple[str, ...]:
    """Every assigned code point this Python knows, but surrogates and private use."""
    return tuple(chr(c) for c in range(sys.maxunicode + 1)
                 if unicodedata.category(chr(c)) not in ("Cs", "Cn", "Co"))


@cache
def converted() -> dict[str, tuple[str, list[str], str | None]]:
    """Each character alone: what GSM-7 makes of it, what it leaves out, and how the
    sender is told."""
    return {c: (to_gsm7(c), unsendable(c), left_out(c)) for c in assigned()}


def visible(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMNPS" and not DEFAULT_IGNORABLE.match(char)


def test_every_character_becomes_gsm7() -> None:
    assert len(assigned()) > 140_000
    bad = [c for c, (sent, _, _) in converted().items() if not is_gsm7(sent)]
    assert bad == []


def test_nothing_visible_vanishes_untold() -> None:
    silent = [f"U+{ord(c):04X}" for c, (sent, _, told) in converted().items()
              if visible(c) and not sent.strip() and told is None]
    assert silent == []


def _meaningful_marks(char: str) -> list[str]:
    """The marks a decomposition of `char` would drop that are not an accent on a letter:
    an overlay (by its Unicode name), a mark for symbols (U+20D0-U+20FF), a mark from
    outside the Combining Diacritical Marks block, or any mark on a non-letter."""
    marks, base = [], ""
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.category(part)[0] != "M":
            base = part
            continue
        code = ord(part)
        if "OVERLAY" in unicodedata.name(part, "") or 0x20D0 <= code <= 0x20FF or \
                not 0x300 <= code <= 0x36F or not base.isalpha():
            marks.append(part)
    return marks


def test_a_mark_that_carries_meaning_is_never_dropped_silently() -> None:
    """"≠" is "=" with a long solidus: without it, it says the opposite. Such a character
    is left out and reported, never sent as its base (a look-alike of our Smart Encoding
    list, "´" as "'", is the one exception: it is the same mark drawn apart)."""
    overlaid = [c for c in assigned() if _meaningful_marks(c)]
    assert {"\u2260", "\u226e", "\u226f", "\u00a8", "\u00b8"} <= set(overlaid)
    # (An invisible one that does nothing where it stands, a stray U+034F or U+FE0F, is
    # no meaning lost: `without_stray_marks` drops it before anything else.)
    silent = [f"U+{ord(c):04X}" for c in overlaid
              if not converted()[c][1] and unicodedata.normalize("NFC", c) not in LOOK_ALIKES
              and not (DEFAULT_IGNORABLE.match(c) and not without_stray_marks(c))]
    assert silent == []
    for char in ("\u2260", "\u226e", "\u226f"):
        assert to_gsm7(f"BP {char} 140") == "BP 140"
        assert unsendable(f"BP {char} 140") == [char]
        assert left_out(f"BP {char} 140") == "symbols"


def test_an_accent_typed_as_an_overlay_is_a_lost_symbol() -> None:
    # "x" and U+0338 has no precomposed form: the overlay cannot be written in GSM-7.
    for mark in ("\u0334", "\u0335", "\u0336", "\u0337", "\u0338", "\u20d2", "\u20e5"):
        assert unsendable(f"a x{mark} b") == [mark]
        assert left_out(f"a x{mark} b") == "symbols"
    # An accent GSM-7 lacks on a letter it has is a letter's part: "q̇" arrives as "q".
    assert left_out("q\u0307") == "letters"


def test_accents_on_letters_are_still_dropped_quietly() -> None:
    accented = [c for c in assigned() if unicodedata.category(c)[0] == "L"
                and unicodedata.decomposition(c) and not _meaningful_marks(c)
                and all(p in "".join(chr(x) for x in range(0x41, 0x7B)) for p in
                        unicodedata.normalize("NFKD", c) if unicodedata.category(p)[0] == "L")]
    assert len(accented) > 500  # "ë", "ş", "ǅ", "ﬁ", "𝐀"...
    loud = [c for c in accented if converted()[c][1]]
    assert loud == []


def test_every_decimal_digit_of_every_script_is_its_digit() -> None:
    digits = [c for c in assigned() if unicodedata.category(c) == "Nd"]
    assert len(digits) > 600
    wrong = [f"U+{ord(c):04X}" for c in digits
             if converted()[c] != (str(unicodedata.decimal(c)), [], None)]
    assert wrong == []


def _expected_kind(char: str) -> str:
    category = unicodedata.category(char)
    if EMOJI.match(char) or char == "\u20e3":
        return "emoji"
    if category[0] == "M":
        overlay = 0x334 <= ord(char) <= 0x338 or 0x20D0 <= ord(char) <= 0x20FF
        return "symbols" if overlay or COMMON_SCRIPT.match(char) else "letters"
    if category[0] == "L" or (category[0] == "N" and not COMMON_SCRIPT.match(char)):
        return "letters"
    return "symbols"


def test_what_is_left_out_is_reported_as_what_it_is() -> None:
    """Symbols are not called emoji, nor letters symbols (the sender is told which)."""
    wrong = []
    for char, (_, lost, told) in converted().items():
        if lost == [char] and visible(char) and told != _expected_kind(char):
            wrong.append((f"U+{ord(char):04X}", told, _expected_kind(char)))
    assert wrong == []


@pytest.mark.parametrize(("typed", "told"), [
    ("\U0001f44d", "emoji"), ("\u2714\ufe0f booked", "emoji"), ("\u2713 booked", "symbols"),
    ("\u2260", "symbols"), ("\u221e", "symbols"), ("\u0a95\u0ac7\u0aae", "letters"),
    ("\u0a95\u0ac7\u0aae \U0001f44d", "both"), ("\u2713 \U0001f44d", "emoji_symbols"),
    ("\u0a95 \u2260", "letters_symbols"), ("\u0a95 \u2260 \U0001f44d", "all"),
    # Punctuation of another script goes with its words, and is a symbol alone.
    ("\u06a9\u06cc\u0633\u06d2 \u06c1\u06cc\u06ba\u061f", "letters"), ("ok\u061f", "symbols"),
    # Parts of an emoji are the emoji; invisible things are nothing to tell.
    ("\u2764\ufe0f\u200d\U0001f525", "emoji"), ("\U0001f3fd", "emoji"),
    ("\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f", "emoji"),
    ("soft\u00adhyphen", None), ("a\u200db", None), ("hi\x00there", None),
    ("1\ufe0f\u20e3", "emoji"), ("\U0001d15f", "symbols"),  # a note: its stem is part of it
])
def test_the_sender_is_told_what_went(typed: str, told: str | None) -> None:
    assert left_out(typed) == told


def _glues(char: str) -> bool:
    return to_gsm7(f"ab{char}cd") == "abcd"


def test_nothing_left_out_runs_two_words_together() -> None:
    """Between two words, a symbol, punctuation mark, control or line separator that is
    left out leaves a space; a line end is a line break."""
    between = [c for c in assigned()
               if unicodedata.category(c)[0] in "SP" or unicodedata.category(c) in
               ("Cc", "Zl", "Zp")]
    glued = [f"U+{ord(c):04X}" for c in between if c not in LOOK_ALIKES and _glues(c)]
    assert glued == []


@pytest.mark.parametrize("char", ["\x85", "\x0b", "\x1c", "\x1d", "\x1e", "\u2028", "\u2029"])
def test_a_line_end_is_a_line_break(char: str) -> None:
    assert to_gsm7(f"see you{char}tomorrow") == "see you\ntomorrow"
    assert smart(f"see you{char}tomorrow") == "see you\ntomorrow"  # GSM-7 with UCS-2 on
    assert unsendable(f"see you{char}tomorrow") == []


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x9f"])
def test_a_control_between_words_leaves_a_space(char: str) -> None:
    assert to_gsm7(f"hi{char}there") == "hi there"
    assert left_out(f"hi{char}there") is None
