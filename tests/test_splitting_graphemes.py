"""Long texts are cut only between what a reader sees as characters: Unicode's extended
grapheme clusters (UAX #29, as the `regex` module's \\X finds them). A Thai SARA AM or a
Lao AM is a spacing vowel (category Lo) that belongs to the letter before it; cut from
it, one part ends in a bare consonant and the next starts with a vowel floating on a
dotted circle."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.events import Outbound
from bot.core.gsm7 import measure, split_for_sms
from bot.core.render import render_sms
from bot.core.splitting import split_text

THAI_KAM = "\u0e01\u0e33"  # กำ: KO KAI + SARA AM
LAO_KAM = "\u0e81\u0eb3"  # ກຳ: KO + AM


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("pair", [THAI_KAM, LAO_KAM])
@pytest.mark.parametrize("limit", [5, 6, 7, 67, 134])
def test_sara_am_stays_with_its_letter(pair: str, limit: int) -> None:
    text = "a" + pair * 150  # the odd start puts an AM on every possible cut
    parts = split_text(text, limit)
    assert "".join(parts) == text
    for part in parts:
        assert not part.startswith(pair[1]), part
        assert len(part) <= limit


@pytest.mark.parametrize("pair", [THAI_KAM, LAO_KAM])
def test_sara_am_is_never_cut_from_its_letter_in_an_sms(pair: str) -> None:
    for lead in range(4):
        rendered = render_sms(Outbound("x" * lead + pair * 120), allow_unicode=True)
        assert len(rendered.parts) > 1
        for part in rendered.parts:
            assert not part.startswith(pair[1])
            assert measure(part).segments <= 2


def test_thai_written_without_spaces_is_cut_between_clusters() -> None:
    words = "\u0e27\u0e31\u0e19\u0e19\u0e35\u0e49\u0e2d\u0e32\u0e01\u0e32\u0e28\u0e14\u0e35" \
        "\u0e21\u0e32\u0e01\u0e44\u0e1b\u0e40\u0e14\u0e34\u0e19\u0e01\u0e31\u0e19\u0e17\u0e35" \
        "\u0e48\u0e2a\u0e27\u0e19\u0e2a\u0e32\u0e18\u0e32\u0e23\u0e13\u0e30\u0e01\u0e33\u0e25" \
        "\u0e31\u0e07\u0e14\u0e35"
    text = words * 12
    parts = split_for_sms(text)
    assert len(parts) > 1
    _assert_cut_between_clusters(text, parts, 134, utf16)


# -- the property: no cut inside a cluster -------------------------------------------------
# Characters that build clusters: letters, accents, Thai and Lao vowels and tone marks,
# Devanagari with viramas, emoji with skin tones, variation selectors and joiners, flags'
# halves, Hangul jamo, a CR LF, and spaces (a space can carry an accent too).
BUILDING = (
    "ab", "\u0301\u0308\u0327", "\u0e01\u0e33\u0e48\u0e34\u0e40", "\u0e81\u0eb3\u0ec8",
    "\u0915\u094d\u0937\u093f", "\U0001f44d\U0001f3fd\ufe0f\u200d\u2764\U0001f469",
    "\U0001f1ec\U0001f1e7", "\u1100\u1161\u11a8", "\r\n", "  ", "\u0a95\u0acd\u0ab7",
)
ALPHABET = st.sampled_from("".join(BUILDING))


def _positions(text: str) -> list[int]:
    """Where the text's visible clusters are, character by character: spacing (a cluster of
    nothing but whitespace) is what a split may change; a space carrying an accent is not."""
    return [at for match in regex.finditer(r"\X", text) if not match.group().isspace()
            for at in range(match.start(), match.end())]


def _assert_cut_between_clusters(text: str, parts: list[str], limit: int,
                                 units: object) -> None:
    """Every part starts and ends, in the original text, on a cluster boundary, unless
    the cluster it cuts is longer than a whole part (then nothing else is possible)."""
    seen = _positions(text)
    kept = ["".join(part[at] for at in _positions(part)) for part in parts]
    assert "".join(kept) == "".join(text[at] for at in seen)  # nothing lost but spacing
    boundaries = {0}
    too_long: list[range] = []
    for match in regex.finditer(r"\X", text):
        boundaries.add(match.end())
        if units(match.group()) > limit:  # type: ignore[operator]
            too_long.append(range(match.start() + 1, match.end()))
    done = 0
    for part in kept[:-1]:
        done += len(part)
        end, start = seen[done - 1] + 1, seen[done]
        for at in (end, start):
            assert at in boundaries or any(at in r for r in too_long), (
                f"cut at {at} inside a cluster: {text[max(0, at - 3):at + 3]!r}")


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, min_size=1, max_size=400), st.integers(4, 80),
       st.sampled_from([len, utf16]))
def test_no_part_boundary_falls_inside_an_extended_grapheme_cluster(
        text: str, limit: int, units: object) -> None:
    parts = split_text(text, limit, units)  # type: ignore[arg-type]
    assert all(units(p) <= limit for p in parts)  # type: ignore[operator]
    _assert_cut_between_clusters(text, parts, limit, units)


@settings(max_examples=150, deadline=None)
@given(st.text(ALPHABET, min_size=100, max_size=700))
def test_no_sms_part_boundary_falls_inside_a_cluster(text: str) -> None:
    parts = split_for_sms(text, 2)
    assert all(measure(p).segments <= 2 for p in parts)
    _assert_cut_between_clusters(text, parts, 134, utf16)


def test_a_space_carrying_an_accent_is_kept_whole() -> None:
    # " \u0301" is an accent shown on its own: one cluster, not a space to cut at.
    text = ("word \u0301" * 40).strip()
    parts = split_text(text, 30)
    for part in parts:
        assert not part.startswith("\u0301")
    assert "".join("".join(parts).split()) == "".join(text.split())


# A flag of England, Scotland or Wales is a black flag, tag characters and a cancel tag:
# one character to a reader, now that the relay keeps its tags (issue 13).
TAG_FLAGS = ["\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in code) + "\U000e007f"
             for code in ("gbeng", "gbsct", "gbwls")]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*TAG_FLAGS, "a", " ", "\u0142", "\U0001f44d"]), min_size=1,
                max_size=80),
       st.integers(14, 140))
def test_a_tag_flag_is_never_cut(pieces: list[str], limit: int) -> None:
    text = "".join(pieces)
    parts = split_text(text, limit, utf16)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")
    for part in parts:
        assert utf16(part) <= limit
        assert part.count("\U0001f3f4") == part.count("\U000e007f")
        assert not 0xE0000 <= ord(part[0]) <= 0xE007F


# -- a label never goes alone (break-test nc13) ------------------------------------------------
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"


@pytest.mark.parametrize("words", [
    "https://example.org/" + "a" * 276 + " see you there",  # GSM-7: fits alone, not beside
    "\u20ac" * 148 + " see you there",  # escapes, two septets each
    "\U0001f600" * 62 + " see you there",  # surrogate pairs
    FAMILY * 11 + "\U0001f600" * 2 + " see you there",  # clusters of seven code points
], ids=["link", "escapes", "surrogates", "families"])
@pytest.mark.parametrize("name", ["Sam", "Move Mates"])
def test_a_name_always_shares_its_text_with_words(name: str, words: str) -> None:
    text = f"{name}: {words}"
    parts = split_for_sms(text, 2, reserve=" (9/9)", max_parts=4)
    assert 2 <= len(parts) <= 4
    assert parts[0].startswith(f"{name}: ") and len(parts[0]) > len(f"{name}: ")
    assert all(measure(p + " (9/9)").segments <= 2 for p in parts)
    # The first part is full: not one more character would fit.
    rest = text[len(parts[0]):].lstrip()
    first = regex.match(r"\X", rest).group()
    assert measure(parts[0] + first + " (9/9)").segments > 2
    clusters = regex.findall(r"\X", text)
    assert all(regex.findall(r"\X", p)[-1] in clusters for p in parts)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")


def test_a_heading_on_its_own_line_may_go_alone() -> None:
    """Only a label on the line its words follow on is kept with them; a heading line says
    something by itself, and its next line stays whole."""
    line = ("Bradgate Park, Newtown Linford, open every day from dawn to dusk " * 5)[:300]
    parts = split_for_sms(f"Places this week:\n{line.strip()}", 2, max_parts=4)
    assert parts == ["Places this week:", line.strip()]
