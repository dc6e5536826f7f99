"""Making a text fit SMS never changes what it says. Found by a newcomer: "take 1½ tablets"
arrived as "take 11/2 tablets" (even with UCS-2 on), "10⁵ steps" as "105 steps", and
"10👍30" as "1030"; nobody was told. Fractions keep a space from the number before them,
powers keep a caret where GSM-7 has no superscripts, and a character left out between two
words or numbers leaves a space. Segments are counted on what is actually sent, checked
against the reference in test_sms_segments.py at the segment boundaries."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_sms_segments import reference_segments

from bot.core.events import Outbound
from bot.core.gsm7 import is_gsm7, measure, smart, to_gsm7, unsendable
from bot.core.render import render_sms

FRACTIONS = "\u00bc\u00bd\u00be\u2150\u2151\u2152\u2153\u2154\u2155\u2156\u2157\u2158" \
    "\u2159\u215a\u215b\u215c\u215d\u215e\u2189"
SUPERSCRIPT = str.maketrans("0123456789-+", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076"
                            "\u2077\u2078\u2079\u207b\u207a")


# -- fractions: with or without UCS-2 ----------------------------------------------------
@pytest.mark.parametrize(("typed", "sent"), [
    ("take 1\u00bd tablets", "take 1 1/2 tablets"),
    ("walked 2\u00be miles", "walked 2 3/4 miles"),
    ("add 1\u2153 cups", "add 1 1/3 cups"),
    ("a 10\u215b inch bolt", "a 10 1/8 inch bolt"),
    ("\u00bd mile", "1/2 mile"),
    ("about \u00bc of it", "about 1/4 of it"),
    ("\u00bd2", "1/2 2"),
    ("(1\u00bd)", "(1 1/2)"),
])
def test_a_fraction_never_runs_into_the_number_beside_it(typed: str, sent: str) -> None:
    assert smart(typed) == sent  # UCS-2 on: it becomes GSM-7, and still means the same
    assert to_gsm7(typed) == sent
    assert unsendable(typed) == []
    for allow_unicode in (False, True):
        rendered = render_sms(Outbound(typed), allow_unicode=allow_unicode)
        assert rendered.parts == (sent,)
        assert rendered.encoding == "GSM-7"


@given(st.integers(0, 10**6), st.sampled_from(FRACTIONS))
def test_any_whole_number_and_fraction_stay_apart(number: int, fraction: str) -> None:
    plain = unicodedata.normalize("NFKD", fraction).replace("\u2044", "/")
    assert to_gsm7(f"{number}{fraction}") == f"{number} {plain}"
    assert smart(f"{number}{fraction}") == f"{number} {plain}"


# -- powers and other raised or lowered characters ----------------------------------------
@pytest.mark.parametrize(("typed", "sent"), [
    ("10\u2075 steps", "10^5 steps"),
    ("x\u00b2", "x^2"),
    ("x\u00b2 + y\u00b2", "x^2 + y^2"),
    ("a 5 m\u00b2 room", "a 5 m^2 room"),
    ("10\u207b\u00b3", "10^-3"),
    ("Ca\u00b2\u207a", "Ca^2+"),
    ("x\u207f", "x^n"),
    ("10\u2082", "10_2"),
    ("H\u2082O", "H2O"),
    ("the 2\u207f\u1d48 time", "the 2nd time"),  # an abbreviation, not a power
    ("1\u00b9\u2044\u2082 cups", "1 1/2 cups"),
])
def test_powers_keep_their_meaning_without_superscripts(typed: str, sent: str) -> None:
    assert to_gsm7(typed) == sent
    assert is_gsm7(sent)
    assert unsendable(typed) == []  # nothing is left out, so nobody needs telling


@pytest.mark.parametrize("typed", ["10\u2075 steps", "x\u00b2", "H\u2082O", "Ca\u00b2\u207a"])
def test_with_unicode_on_superscripts_travel_as_typed(typed: str) -> None:
    rendered = render_sms(Outbound(typed), allow_unicode=True)
    assert rendered.parts == (typed,)
    assert rendered.encoding == "UCS-2"


@given(st.integers(0, 10**6), st.integers(-999, 999))
def test_any_power_of_a_number_is_written_with_a_caret(base: int, power: int) -> None:
    raised = str(power).translate(SUPERSCRIPT)
    assert to_gsm7(f"{base}{raised}") == f"{base}^{power}"


# -- what is counted is what is sent, at the segment boundaries --------------------------
@pytest.mark.parametrize("allow_unicode", [False, True])
@pytest.mark.parametrize("tail", [" 1\u00bd", " 10\u2075", " x\u00b2", " 2\u00be\u00b2"])
@pytest.mark.parametrize("lead", [*range(148, 164), *range(296, 312)])
def test_segments_count_the_converted_text_at_every_boundary(
        lead: int, tail: str, allow_unicode: bool) -> None:
    rendered = render_sms(Outbound("a" * lead + tail), allow_unicode=allow_unicode)
    sent = "\n".join(re.sub(r" \(\d/\d\)$", "", part) for part in rendered.parts)
    if allow_unicode and not is_gsm7(smart(tail)):
        assert smart(tail).strip() in sent  # superscripts travel as UCS-2
    else:
        assert to_gsm7(tail).strip() in sent
        assert is_gsm7(sent)
    assert rendered.segments == sum(reference_segments(p) for p in rendered.parts)
    assert all(measure(p).segments == reference_segments(p) for p in rendered.parts)


@pytest.mark.parametrize("lead", range(150, 158))
def test_a_caret_is_never_split_from_its_escape(lead: int) -> None:
    # A caret costs two septets (escape + character): at septet 153 it starts part two.
    text = "a" * lead + "10\u2075" + " more" * 30
    plain = to_gsm7(text)
    assert "10^5" in plain
    assert measure(plain).segments == reference_segments(plain)


# -- a character left out between two words or numbers leaves a space ------------------
@pytest.mark.parametrize(("typed", "sent"), [
    ("Great walk today\U0001f60aSee you", "Great walk today See you"),
    ("10\U0001f44d30", "10 30"),
    ("ok\U0001f44d\U0001f44dok", "ok ok"),
    ("a\U0001f469\u200d\U0001f469\u200d\U0001f467b", "a b"),  # a whole ZWJ sequence
    ("see\u4f60\u597dyou", "see you"),
    ("at 10\u2705done", "at 10 done"),
    ("well\U0001f44d\U0001f3fddone", "well done"),
    # Kept as before: spaces and punctuation around what was left out are tidied.
    ("hi \U0001f44d there", "hi there"), ("Thanks, \U0001f44d!", "Thanks!"),
    ("a \U0001f44d, b", "a, b"), ("\U0001f44dhello", "hello"), ("bye\U0001f44b", "bye"),
    # Invisible things inside a word leave nothing: they never stood between two words.
    ("co\u00adoperate", "cooperate"), ("a\u0332b", "ab"), ("Zoe\u0308", "Zoe"),
])
def test_a_removed_character_never_glues_two_words(typed: str, sent: str) -> None:
    assert to_gsm7(typed) == sent


@given(st.text("abcXYZ019", min_size=1, max_size=5), st.text("abcXYZ019", min_size=1,
                                                              max_size=5),
       st.sampled_from(["\U0001f44d", "\U0001f60a", "\u2764\ufe0f", "\u0a95\u0ac7\u0aae",
                        "\U0001f1ec\U0001f1e7", "\u4f60\u597d"]))
def test_words_either_side_of_a_removed_character_stay_apart(before: str, after: str,
                                                             gone: str) -> None:
    assert to_gsm7(f"{before}{gone}{after}") == f"{before} {after}"


@pytest.mark.parametrize("allow_unicode", [False, True])
@pytest.mark.parametrize("words", range(140, 156))
def test_a_number_and_its_fraction_are_never_split_between_texts(
        words: int, allow_unicode: bool) -> None:
    # Without the space, "1 1/2" is one word; with it, a cut between the two would leave
    # a text ending "take 1".
    text = "x " * words + "take 1\u00bd tablets and rest"
    rendered = render_sms(Outbound(text), allow_unicode=allow_unicode)
    assert len(rendered.parts) > 1
    assert sum("1 1/2" in part for part in rendered.parts) == 1
