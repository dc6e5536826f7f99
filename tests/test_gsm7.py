"""SMS is honest about what is sent: GSM-7 only, segments counted, long texts split."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.gsm7 import is_gsm7, left_out, measure, septets, split_for_sms, to_gsm7


def test_typographic_marks_become_plain() -> None:
    assert to_gsm7("It\u2019s \u201cfine\u201d \u2013 really\u2026") == 'It\'s "fine" - really...'


def test_emoji_are_removed_and_spacing_tidied() -> None:
    assert to_gsm7("Well done \U0001f389 !") == "Well done!"


def test_accents_outside_gsm7_lose_the_accent_but_keep_the_letter() -> None:
    # é is in GSM-7; ë and Ł are not, and Ł has no decomposition: it is read as L.
    assert to_gsm7("Zoë, Łukasz, Łucja, café") == "Zoe, Lukasz, Lucja, café"


def test_segments_gsm7() -> None:
    assert measure("a" * 160).segments == 1
    assert measure("a" * 161).segments == 2
    assert measure("a" * 306).segments == 2
    assert measure("a" * 307).segments == 3
    assert measure("").segments == 1


def test_extension_characters_cost_two() -> None:
    assert septets("[x]") == 5
    assert measure("€" * 80).segments == 1
    assert measure("€" * 81).segments == 2


def test_segments_ucs2() -> None:
    assert measure("ا" * 70).name == "UCS-2"
    assert measure("ا" * 70).segments == 1
    assert measure("ا" * 71).segments == 2
    assert measure("ا" * 134).segments == 2
    assert measure("ا" * 135).segments == 3


def test_short_text_is_not_split() -> None:
    assert split_for_sms("Hello there.") == ["Hello there."]


def test_long_text_splits_at_sentences() -> None:
    sentence = "This is a sentence of moderate length about moving more."
    text = " ".join([sentence] * 10)
    parts = split_for_sms(text)
    assert len(parts) > 1
    assert all(measure(p).segments <= 2 for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts) == text


def test_lines_are_preferred_break_points() -> None:
    lines = [f"Line {n}: " + "word " * 10 for n in range(12)]
    parts = split_for_sms("\n".join(line.strip() for line in lines))
    assert all(measure(p).segments <= 2 for p in parts)
    assert all(p.startswith("Line") for p in parts)


@given(st.text(min_size=0, max_size=3000))
def test_any_text_becomes_gsm7_and_splits_within_budget(text: str) -> None:
    plain = to_gsm7(text)
    assert is_gsm7(plain)
    parts = split_for_sms(plain)
    assert all(measure(p).segments <= 2 for p in parts)
    # Nothing but whitespace is lost in splitting.
    assert "".join("".join(parts).split()) == "".join(plain.split())


# Found by a newcomer trying to break it: tidying must only close the gaps where something
# was left out, never change what someone typed; accents typed as separate marks are kept.
@pytest.mark.parametrize("typed", [":)", ";-)", "...", "?!", ", and", "x :-(", "fe80::1",
                                   "a,;b", "ok  so", "  indented", "Ann: :)"])
def test_plain_gsm7_text_is_never_changed(typed: str) -> None:
    assert to_gsm7(typed) == typed


@pytest.mark.parametrize(("typed", "sent"), [
    ("hi \U0001f44d there", "hi there"), ("thanks \U0001f64f.", "thanks."),
    ("Thanks, \U0001f44d!", "Thanks!"), ("a \U0001f44d, b", "a, b"),
    ("Cafe\u0301", "Caf\u00e9"),
])
def test_only_the_gaps_left_by_removed_characters_are_closed(typed: str, sent: str) -> None:
    assert to_gsm7(typed) == sent


# -- characters a phone draws that our tables don't know (break-test nc13) ---------------------
@pytest.mark.parametrize(("text", "kind", "plain"), [
    ("\uf8ff", "symbols", ""),  # the Apple logo iPhones send (private use)
    ("\ue000", "symbols", ""),
    ("\U000f0000", "symbols", ""),  # plane 15
    ("\U0010fffd", "symbols", ""),  # plane 16
    ("Sent from my \uf8ff iPhone", "symbols", "Sent from my iPhone"),
    ("\U0001f600\uf8ff", "emoji_symbols", ""),
    ("see \u0378 you", "symbols", "see you"),  # unassigned
    ("ok\u200b", None, "ok"),  # invisible: nothing a reader misses
    ("a\x00b", None, "a b"),
])
def test_private_use_and_unassigned_characters_are_left_out_not_ignored(
        text: str, kind: str | None, plain: str) -> None:
    assert left_out(text) == kind
    assert to_gsm7(text) == plain
