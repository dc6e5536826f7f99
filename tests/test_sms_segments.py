"""SMS segments counted as networks count them, checked against a reference written here
from the specifications (3GPP TS 23.038: the GSM 7-bit default alphabet and its extension
table; TS 23.040: 140 octets a message, a 6-octet concatenation header in each part) and
Twilio's published segment calculator examples, at every position around a boundary.

The reference works in bits and octets from the code tables, not in characters, so it
shares nothing with bot/core/gsm7.py but the rules themselves.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.events import Outbound
from bot.core.gsm7 import is_gsm7, measure, smart, split_for_sms, to_gsm7, unsendable
from bot.core.render import MAX_PARTS, render_sms

# -- the reference ------------------------------------------------------------------------
# TS 23.038 section 6.2.1, the default alphabet: position 0x00 to 0x7F, row by row
# (0x1B is the escape to the extension table).
DEFAULT_ALPHABET = ("@£$¥èéùìòÇ\nØø\rÅå" "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ" " !\"#¤%&'()*+,-./"
                    "0123456789:;<=>?" "¡ABCDEFGHIJKLMNO" "PQRSTUVWXYZÄÖÑÜ§"
                    "¿abcdefghijklmno" "pqrstuvwxyzäöñüà")
# Section 6.2.1.1, the extension table: what follows an escape.
EXTENSION_TABLE = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[",
                   0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€"}
ESCAPE = 0x1B
OCTETS = 140  # the user data of one SMS
HEADER_OCTETS = 6  # a concatenation header: UDHL, IEI, IEDL, reference, total, number
ESCAPED = "€[]{}~^|\\\f"

assert len(DEFAULT_ALPHABET) == 128


def gsm_codes(text: str) -> list[tuple[int, ...]] | None:
    """Each character as its septet codes (an escape and a code for the extension table),
    or None when the text cannot be written in GSM 7-bit."""
    codes = []
    for char in text:
        if char != "\x1b" and char in DEFAULT_ALPHABET:
            codes.append((DEFAULT_ALPHABET.index(char),))
        elif char in EXTENSION_TABLE.values():
            code = next(k for k, v in EXTENSION_TABLE.items() if v == char)
            codes.append((ESCAPE, code))
        else:
            return None
    return codes


def ucs2_chars(text: str) -> list[int]:
    """Each character's size in bits as UTF-16 units: a surrogate pair is one character."""
    data = text.encode("utf-16-be")
    units = [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
    sizes, i = [], 0
    while i < len(units):
        pair = 0xD800 <= units[i] <= 0xDBFF
        sizes.append(32 if pair else 16)
        i += 2 if pair else 1
    return sizes


def reference_segments(text: str) -> int:
    codes = gsm_codes(text)
    sizes = [7 * len(c) for c in codes] if codes is not None else ucs2_chars(text)
    if sum(sizes) <= OCTETS * 8:
        return 1
    room = (OCTETS - HEADER_OCTETS) * 8
    segments, free = 1, room
    for size in sizes:  # a character never straddles two parts
        if size > free:
            segments, free = segments + 1, room
        free -= size
    return segments


def test_the_reference_agrees_with_the_published_limits() -> None:
    assert [reference_segments("a" * n) for n in (160, 161, 306, 307, 459, 460)] == \
        [1, 2, 2, 3, 3, 4]
    assert [reference_segments("ł" * n) for n in (70, 71, 134, 135, 201, 202)] == \
        [1, 2, 2, 3, 3, 4]


# -- Twilio's published examples (their segment calculator's tests and documentation) ----
def test_twilio_gsm_example_three_segments_last_holds_one_character() -> None:
    message = "1234567890" * 30 + "1234567"
    assert len(message) == 307
    assert measure(message).segments == reference_segments(message) == 3
    assert measure(message[:-1]).segments == 2  # the last segment held only the '7'


def test_twilio_ucs2_example_emoji_three_segments_last_holds_one_character() -> None:
    message = "\U0001f61c" + ("2345678901" + "234567890" + "1234567890" * 11 + "1234")[:133]
    assert len(message.encode("utf-16-le")) // 2 == 135
    assert measure(message).name == "UCS-2"
    assert measure(message).segments == reference_segments(message) == 3
    assert measure(message[:-1]).segments == 2


@pytest.mark.parametrize(("text", "encoding", "segments"), [
    ("Hello", "GSM-7", 1),
    ("a" * 160, "GSM-7", 1),
    ("a" * 161, "GSM-7", 2),
    ("€" * 80, "GSM-7", 1),
    ("€" * 81, "GSM-7", 2),
    ("\U0001f600" * 35, "UCS-2", 1),  # 70 units
    ("\U0001f600" * 36, "UCS-2", 2),
    ("Café ☕", "UCS-2", 1),
])
def test_twilio_documented_examples(text: str, encoding: str, segments: int) -> None:
    found = measure(text)
    assert (found.name, found.segments) == (encoding, segments)
    assert reference_segments(text) == segments


# -- every position around every boundary -------------------------------------------------
POSITIONS = [*range(145, 162), *range(298, 312), *range(450, 462)]
TOTALS = [160, 161, 305, 306, 307, 458, 459, 460]


@pytest.mark.parametrize("char", list(ESCAPED))
@pytest.mark.parametrize("position", POSITIONS)
def test_an_escaped_character_is_never_split_from_its_escape(char: str, position: int) -> None:
    for total in TOTALS:
        if total < position + 2:
            continue
        text = "a" * position + char + "a" * (total - position - 2)
        assert measure(text).segments == reference_segments(text), (char, position, total)


def test_a_tilde_at_septet_153_costs_a_third_segment() -> None:
    text = "a" * 152 + "~" + "a" * 152  # 306 septets: two segments if it could be split
    assert measure(text).units == 306
    assert measure(text).segments == reference_segments(text) == 3


EMOJI_POSITIONS = [*range(60, 72), *range(128, 140), *range(145, 162), *range(298, 312)]


@pytest.mark.parametrize("emoji", ["\U0001f44d", "\u2764\ufe0f", "\U0001f64f\U0001f3fd"])
@pytest.mark.parametrize("position", EMOJI_POSITIONS)
def test_an_emoji_surrogate_pair_is_never_split(emoji: str, position: int) -> None:
    for total in (70, 71, 133, 134, 135, 136, 200, 201, 202, 320, 340):
        pad = total - position - len(emoji)
        if pad < 0:
            continue
        text = "a" * position + emoji + "a" * pad
        assert measure(text).segments == reference_segments(text), (emoji, position, total)


@given(st.text(alphabet=st.sampled_from([*"ab ~€[\n", "\U0001f44d", "ł", "\u2764"]),
               max_size=700))
def test_any_text_counts_like_the_reference(text: str) -> None:
    assert measure(text).segments == reference_segments(text)


# -- splitting obeys the same rule --------------------------------------------------------
@pytest.mark.parametrize("char", ["~", "€", "\U0001f44d"])
@pytest.mark.parametrize("position", [*range(148, 158), *range(300, 310)])
def test_split_parts_each_fit_two_segments_by_the_reference(char: str, position: int) -> None:
    words = ("walk " * 200)
    text = (words[:position] + char + words[position:])[:900]
    parts = split_for_sms(text)
    assert all(reference_segments(p) <= 2 for p in parts), parts
    assert "".join("".join(parts).split()) == "".join(text.split())


@given(st.text(alphabet=st.sampled_from([*"abc .\n~€", "\U0001f44d", "\u5c71", "ł"]),
               max_size=1200))
def test_rendered_parts_fit_in_order_with_their_labels(text: str) -> None:
    for allow_unicode in (False, True):
        rendered = render_sms(Outbound(f"Ann: {text}"), allow_unicode=allow_unicode)
        assert all(reference_segments(p) <= 2 for p in rendered.parts)
        assert rendered.segments == sum(reference_segments(p) for p in rendered.parts)
        parts = _unlabelled(rendered.parts)
        sent = to_gsm7(f"Ann: {text}") if not allow_unicode else smart(f"Ann: {text}")
        assert "".join("".join(parts).split()) == "".join(sent.split())


def _unlabelled(parts: tuple[str, ...]) -> list[str]:
    if len(parts) == 1:
        return list(parts)
    out = []
    for number, part in enumerate(parts, 1):
        label = f" ({number}/{len(parts)})"
        assert part.endswith(label), part
        out.append(part[: -len(label)])
    return out


# -- smart encoding, then honest encoding -------------------------------------------------
@pytest.mark.parametrize(("typed", "plain"), [
    ("It\u2019s \u2018fine\u2019", "It's 'fine'"),
    ("\u201cSee you\u201d", '"See you"'),
    ("10\u201312 \u2014 ok", "10-12 - ok"),
    ("Wait\u2026", "Wait..."),
    ("at\u00a010\u202fam", "at 10 am"),
    ("\uff08\uff11\uff09", "(1)"),
    ("\u00ab\u00bb\u201e\u2032\u2033", "\"\"\"'\""),
])
def test_look_alikes_become_gsm7_before_the_encoding_is_chosen(typed: str, plain: str) -> None:
    assert smart(typed) == plain
    assert is_gsm7(smart(typed))
    for allow_unicode in (False, True):
        rendered = render_sms(Outbound(typed), allow_unicode=allow_unicode)
        assert rendered.encoding == "GSM-7"


def test_one_curly_apostrophe_never_doubles_the_cost_with_unicode_on() -> None:
    text = "Ann: I\u2019ll be at the park gate at ten tomorrow. " * 3
    text = text[:158]
    rendered = render_sms(Outbound(text), allow_unicode=True)
    assert (rendered.encoding, rendered.segments) == ("GSM-7", 1)


def test_smart_encoding_deletes_nothing_visible() -> None:
    words = "\u0a95\u0ac7\u0aae \u0a9b\u0acb? \u0141ucja \U0001f44d \u2764\ufe0f\U0001f64f"
    assert smart(words) == words


@pytest.mark.parametrize(("words", "left_out"), [
    ("\U0001f44d", ["\U0001f44d"]),
    ("\u2764\ufe0f\U0001f64f", ["\u2764", "\ufe0f", "\U0001f64f"]),
    ("\u0a95\u0ac7\u0aae \u0a9b\u0acb?", ["\u0a95", "\u0ac7", "\u0aae", "\u0a9b", "\u0acb"]),
    ("\u0141ucja", []),
    ("It\u2019s lovely", []),
])
def test_what_gsm7_would_leave_out_is_known(words: str, left_out: list[str]) -> None:
    assert unsendable(words) == left_out


# -- long messages split in order ---------------------------------------------------------
LONG_LINK = "https://www.google.com/maps/place/Watermead+Country+Park/@52.6841,-1.1196," + \
    "15z/data=!4m6!3m5!1s0x4877615b5f0b3c3f:0x" + "9a7c1" * 60
CHINESE = "\u6211\u4eec\u660e\u5929\u4e0a\u5348\u5341\u70b9\u5728\u516c\u56ed\u95e8\u53e3" \
    "\u89c1\u9762\u7136\u540e\u4e00\u8d77\u6563\u6b65" * 12


@pytest.mark.parametrize(("body", "allow_unicode"), [
    (f"See you there: {LONG_LINK}", False),
    (f"Here {LONG_LINK} is the place, by the cafe.", False),
    (CHINESE, True),
    (f"\u597d {CHINESE}", True),
    ("x" * 1000, False),
])
def test_a_word_longer_than_a_part_still_arrives_in_order(body: str,
                                                          allow_unicode: bool) -> None:
    rendered = render_sms(Outbound(f"Ann: {body}"), allow_unicode=allow_unicode)
    parts = rendered.parts
    assert 1 < len(parts) <= MAX_PARTS
    assert parts[0].startswith("Ann: ")
    assert [re.search(r" \((\d+)/(\d+)\)$", p).groups() for p in parts] == \
        [(str(n), str(len(parts))) for n in range(1, len(parts) + 1)]
    assert "".join("".join(_unlabelled(parts)).split()) == "".join(f"Ann:{body}".split())
    assert all(measure(p).segments <= 2 for p in parts)


def test_sentences_stay_whole_when_they_can() -> None:
    sentence = "This is a sentence of moderate length about moving more."
    parts = render_sms(Outbound(" ".join([sentence] * 10))).parts
    assert all(re.sub(r" \(\d+/\d+\)$", "", p).endswith(".") for p in parts)


def test_a_cut_never_separates_an_emoji_from_its_marks() -> None:
    text = "\u2764\ufe0f" * 200
    for part in split_for_sms(text):
        assert not part.startswith("\ufe0f")


# Found by a newcomer trying to break it: a flag's two halves and a conjunct after a virama
# are one character to the reader, never cut between parts.
def test_flags_and_conjuncts_are_never_cut() -> None:
    from bot.core.splitting import split_text

    def utf16(text: str) -> int:
        return len(text.encode("utf-16-le")) // 2

    flags = ("\U0001f1ec\U0001f1e7" * 50, "ab" + "\U0001f1eb\U0001f1f7\U0001f1ec\U0001f1e7" * 40)
    for text in flags:
        parts = split_text(text, 67, utf16)
        assert "".join(parts) == text
        for part in parts:
            regional = [c for c in part if 0x1F1E6 <= ord(c) <= 0x1F1FF]
            assert len(regional) % 2 == 0, part
    conjuncts = "\u0915\u094d\u0937" * 100
    for part in split_text(conjuncts, 134):
        assert not part.endswith("\u094d") and not part.startswith("\u0937")


# -- what is written plainly is what is counted (issue 13) ----------------------------------
# Symbols written in GSM-7 ("20°C" is "20 degrees C", "≥" is ">="), digits of other scripts
# made 0-9, line ends made line breaks: the count is of the text as sent, at every boundary.
@pytest.mark.parametrize("allow_unicode", [False, True])
@pytest.mark.parametrize("tail", [" 20\u00b0C", " \u2265 5", " 500\u00b5g", " \u20b9500",
                                  " \u0661\u0660", " a\u0085b", " \u2713 ok", " \u00b1{2}",
                                  " \u2260 ~"])
@pytest.mark.parametrize("lead", [*range(144, 162), *range(296, 312)])
def test_segments_count_symbols_as_they_are_written(lead: int, tail: str,
                                                    allow_unicode: bool) -> None:
    rendered = render_sms(Outbound("a" * lead + tail), allow_unicode=allow_unicode)
    assert rendered.segments == sum(reference_segments(p) for p in rendered.parts)
    assert all(measure(p).segments == reference_segments(p) <= 2 for p in rendered.parts)
    if not allow_unicode:
        assert all(is_gsm7(p) for p in rendered.parts)
        assert "".join("".join(_unlabelled(rendered.parts)).split()) == \
            "".join(to_gsm7("a" * lead + tail).split())


ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"


@pytest.mark.parametrize("lead", range(50, 140))
def test_a_flag_of_england_is_never_cut_and_counted_as_sent(lead: int) -> None:
    # 14 UTF-16 units: a black flag and six tag characters, each a surrogate pair.
    text = "\u0142" * lead + f" {ENGLAND} " + "\u0142" * 40
    rendered = render_sms(Outbound(text), allow_unicode=True)
    assert sum(part.count(ENGLAND) for part in rendered.parts) == 1
    assert sum(part.count("\U000e007f") for part in rendered.parts) == 1
    assert rendered.segments == sum(reference_segments(p) for p in rendered.parts)
    for part in split_for_sms(text, 1):  # parts of one segment: the flag is a sixth of one
        assert ENGLAND in part or not any(0xE0000 <= ord(c) <= 0xE007F or c == "\U0001f3f4"
                                          for c in part)
        assert measure(part).segments == reference_segments(part) == 1
