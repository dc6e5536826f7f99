"""Answers are read the same way on every channel: numbers, labels, close words, skip."""

from __future__ import annotations

import pytest

from bot.core.answers import (
    AnswerKind,
    Choice,
    Vocabulary,
    match_answer,
    match_choice_id,
    option_choices,
)
from bot.core.content import library
from bot.core.textnorm import storable

CONTENT = library().for_language("en")
VOCAB = Vocabulary.from_content(CONTENT)


def choices(name: str) -> list[Choice]:
    return option_choices(CONTENT, name)


ACTIVITIES = choices("activities")
YES_NO = choices("yes_no")


@pytest.mark.parametrize("typed", ["1", " 1.", "1)", "#1", "walk", "WALKING", "Walking", "walks",
                                   "walkng", "I like walking"])
def test_single_walking_every_way(typed: str) -> None:
    answer = match_answer(typed, ACTIVITIES, VOCAB)
    assert answer.kind is AnswerKind.CHOSEN
    assert answer.ids == ("walking",)


@pytest.mark.parametrize(("typed", "expected"), [
    ("1 3 4", ("walking", "dancing", "chair")),
    ("1,3", ("walking", "dancing")),
    ("1, 3 and 10", ("walking", "dancing", "home")),
    ("swimming and yoga", ("swimming", "yoga")),
    ("tai chi, gym", ("yoga", "gym")),
    ("3 and walking", ("walking", "dancing")),
])
def test_multi_select(typed: str, expected: tuple[str, ...]) -> None:
    answer = match_answer(typed, ACTIVITIES, VOCAB, multi=True)
    assert answer.kind is AnswerKind.CHOSEN
    assert answer.ids == expected


@pytest.mark.parametrize("typed", ["skip", "SKIP", "Skip.", "pass", "rather not say",
                                   "prefer not to say", "not sure"])
def test_skip_always_works(typed: str) -> None:
    assert match_answer(typed, ACTIVITIES, VOCAB, multi=True).kind is AnswerKind.SKIP
    assert match_answer(typed, YES_NO, VOCAB).kind is AnswerKind.SKIP


@pytest.mark.parametrize("typed", ["0", "11", "99", "1 42"])
def test_number_out_of_range_is_unclear(typed: str) -> None:
    answer = match_answer(typed, ACTIVITIES, VOCAB, multi=True)
    assert answer.kind is AnswerKind.UNCLEAR
    assert answer.out_of_range


@pytest.mark.parametrize("typed", ["", "   ", "???", "🙂🙂", "maybe", "x" * 5000,
                                   "'; DROP TABLE persons; --", "\u202eevil", "مرحبا"])
def test_nonsense_is_unclear_not_an_error(typed: str) -> None:
    assert match_answer(typed, YES_NO, VOCAB).kind is AnswerKind.UNCLEAR


def test_two_options_for_a_single_question_is_unclear() -> None:
    assert match_answer("1 2", YES_NO, VOCAB).kind is AnswerKind.UNCLEAR


@pytest.mark.parametrize(("typed", "expected"), [
    ("yes", "yes"), ("Yes please", "yes"), ("yeah", "yes"), ("no", "no"),
    ("No thanks", "no"), ("nope", "no"), ("2", "no"),
])
def test_yes_and_no(typed: str, expected: str) -> None:
    assert match_answer(typed, YES_NO, VOCAB).ids == (expected,)


def test_own_words_are_kept_verbatim_alongside_matches() -> None:
    answer = match_answer("Walking and lawn bowls with my sister", ACTIVITIES, VOCAB,
                          multi=True, own_words=True)
    assert answer.kind is AnswerKind.OWN_WORDS
    assert "walking" in answer.ids
    assert answer.own_words == "Walking and lawn bowls with my sister"


def test_own_words_with_nothing_recognised() -> None:
    answer = match_answer("rock climbing", ACTIVITIES, VOCAB, multi=True, own_words=True)
    assert answer.kind is AnswerKind.OWN_WORDS
    assert answer.ids == ()


def test_short_words_get_no_typo_tolerance() -> None:
    # 'gin' must not be read as 'gym'.
    assert match_answer("gin", ACTIVITIES, VOCAB).kind is AnswerKind.UNCLEAR


def test_button_press_must_name_a_current_option() -> None:
    assert match_choice_id("walking", ACTIVITIES).ids == ("walking",)
    assert match_choice_id("not-an-option", ACTIVITIES).kind is AnswerKind.UNCLEAR
    assert match_choice_id(None, ACTIVITIES).kind is AnswerKind.UNCLEAR


@pytest.mark.parametrize("typed", ["that's all", "That’s all", "THATS ALL", "thatʼs all"])
def test_apostrophes_inside_words_are_read_either_way(typed: str) -> None:
    answer = match_answer(typed, choices("suggest_more"), VOCAB)
    assert answer.kind is AnswerKind.CHOSEN
    assert answer.ids == ("done",)


def test_storable_text_keeps_what_was_typed_but_nothing_a_database_refuses() -> None:
    typed = "Bowls\x00 with\x07 friends\r\non \ud800Tuesdays \U0001f642\rsee you"
    assert storable(typed) == "Bowls with friends\non Tuesdays \U0001f642\nsee you"
    newest_emoji = "\U0001fa77\U0001fae8"  # may be unassigned in this Python's tables
    assert storable(newest_emoji) == newest_emoji


CHECKIN = choices("checkin")


@pytest.mark.parametrize(("typed", "expected"), [
    ("better thanks, did 2 walks!", ()),  # a sentence: the check-in reads these itself
    ("about the same, managed 3 times", ("same",)),
    ("about the same, managed 3", ("same",)),
    ("2", ("same",)),
    ("2 please", ("same",)),
])
def test_a_number_inside_a_sentence_is_not_an_option(typed: str, expected: tuple[str, ...]
                                                      ) -> None:
    assert match_answer(typed, CHECKIN, VOCAB).ids == expected


def test_an_age_in_a_sentence_is_neither_an_option_nor_out_of_range() -> None:
    answer = match_answer("im 68 and I like walking", ACTIVITIES, VOCAB, multi=True)
    assert answer.ids == ("walking",) and not answer.out_of_range
