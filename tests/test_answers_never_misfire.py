"""Answers that cannot misfire: an option is chosen by its number, its label, a close form
of them or a plain yes/no, never by one word inside a longer sentence; consequential
choices (delete everything, decline the privacy notice) need a plain answer.

The property tests drive random sentences at every consequential question: none that
says anything besides the option's own words may choose it."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.core.answers import AnswerKind, Choice, Vocabulary, match_answer, option_choices
from bot.core.content import library
from bot.core.events import Address, Inbound
from bot.core.textnorm import tokens
from bot.storage import repository as repo
from support.engine import running, say

CONTENT = library().for_language("en")
VOCAB = Vocabulary.from_content(CONTENT)


def choices(name: str) -> list[Choice]:
    return option_choices(CONTENT, name)


# (options, the consequential option): every question whose answer cannot be taken back.
CONSEQUENTIAL = [("delete_confirm", "yes"), ("privacy", "not_now")]


def plain_words(options: str, option: str) -> frozenset[str]:
    """Words a plain answer naming `option` may be made of: its number, its label and
    words, and filler."""
    listed = choices(options)
    number = str([c.id for c in listed].index(option) + 1)
    chosen = next(c for c in listed if c.id == option)
    own = {t for phrase in (chosen.label, *chosen.words) for t in tokens(phrase)}
    return frozenset(own | VOCAB.filler() | {number})


def chooses(text: str, options: str, option: str) -> bool:
    """Whether the app would choose `option`, read as the conversations read it."""
    from conversations.answers import read_answer

    class _Ctx:
        vocabulary = VOCAB

    answer = read_answer(_Ctx(), choices(options), Inbound.from_text(text),  # type: ignore[arg-type]
                         exact_for=(option,))
    return answer.chosen and option in answer.ids


# What people really send at "Are you sure? This deletes everything..." and at the
# privacy notice that is not a plain yes to deleting or a plain no to the notice.
NOT_PLAIN = [
    "not sure, what does that do?", "not sure", "maybe", "maybe later", "idk", "dunno tbh",
    "what does that mean?", "yes?", "yes but can I keep my walking group?",
    "I don't want to delete it", "dont delete", "no don't delete it", "sure, if I have to?",
    "delete what exactly", "wait what", "can I think about it", "not now, maybe tomorrow",
    "ok but what happens to my buddy", "low or no cost, accessible venue", "no idea",
    "yes I'd like to start but not sure about the health bit?", "do it later",
    "I'm not sure, my daughter set this up", "no, I meant the other thing", "2 or 1",
    "1 2", "yes no", "yep... actually no", "hmm", "?", "no sorry I pressed the wrong thing",
    "what happens if I delete my data", "I pressed delete by mistake", "never mind",
    "please don't", "no no no", "I would like to keep going", "not really sure what this is",
    "no cost please", "not now thanks, I'm at work, text me later?", "nah, go on then?",
    # Found by a newcomer trying to break it: trailing off, a contrast, an emoji.
    "yes but...", "Yes but…", "yes, but", "yes and", "yes delete it all but", "yes 😂",
    "go away", "go away please", "ok i guess not", "ok stop", "ok bye",
]


@pytest.mark.parametrize("text", [t for t in NOT_PLAIN if t not in ("no no no", "never mind",
                                                                     "please don't")])
def test_a_sentence_never_accepts_the_privacy_notice(text: str) -> None:
    """Agreeing is consent to keep someone's answers: it must be plain too."""
    assert not chooses(text, "privacy", "ok")


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_a_sentence_never_deletes_everything(text: str) -> None:
    assert not chooses(text, "delete_confirm", "yes")


@pytest.mark.parametrize("text", [t for t in NOT_PLAIN if t not in (
    "no no no", "never mind", "please don't")])
def test_a_sentence_never_declines_the_privacy_notice(text: str) -> None:
    assert not chooses(text, "privacy", "not_now")


@pytest.mark.parametrize(("options", "text", "expected"), [
    ("delete_confirm", "1", "yes"), ("delete_confirm", "yes", "yes"),
    ("delete_confirm", "Yes, delete it all", "yes"), ("delete_confirm", "yes delete it", "yes"),
    ("delete_confirm", "yes please", "yes"), ("delete_confirm", "YES!", "yes"),
    ("delete_confirm", "2", "no"), ("delete_confirm", "no", "no"),
    ("delete_confirm", "No, keep it", "no"), ("privacy", "3", "not_now"),
    ("privacy", "not now", "not_now"), ("privacy", "no thanks", "not_now"),
    ("privacy", "Not now", "not_now"), ("privacy", "1", "ok"), ("privacy", "ok", "ok"),
    ("privacy", "tell me more", "more"),
])
def test_plain_answers_still_work(options: str, text: str, expected: str) -> None:
    answer = match_answer(text, choices(options), VOCAB)
    assert answer.kind is AnswerKind.CHOSEN and answer.ids == (expected,)
    assert chooses(text, options, expected)


# Words people use around these questions: option words, negations, hedges, questions,
# service words and everyday chat, so random sentences come near the real thing.
POOL = sorted({
    "yes", "yeah", "yep", "sure", "ok", "okay", "go", "on", "do", "it", "delete", "keep", "no",
    "nope", "not", "now", "later", "more", "tell", "me", "dont", "never", "maybe", "perhaps",
    "unsure", "idk", "dunno", "what", "why", "how", "does", "that", "mean", "can", "i",
    "would", "happen", "my", "data", "group", "buddy", "walking", "chat", "answers",
    "everything", "all", "please", "thanks", "but", "then", "first", "cost", "venue",
    "accessible", "tomorrow", "daughter", "wrong", "button", "pressed", "think", "about",
    "wait", "hmm", "lol", "x", "1", "2", "3", "?", "!", ",",
})


@pytest.mark.parametrize(("options", "option"), CONSEQUENTIAL)
@settings(max_examples=400, deadline=None)
@given(words=st.lists(st.sampled_from(POOL), min_size=1, max_size=9))
def test_property_random_sentences_never_trigger(options: str, option: str,
                                                 words: list[str]) -> None:
    text = " ".join(words)
    said = tokens(text)
    plain = plain_words(options, option)
    if said and all(w in plain for w in said) and "?" not in text:
        return  # made only of the option's own words: a plain answer, may choose it
    assert not chooses(text, options, option), text


@pytest.mark.parametrize(("options", "option"), CONSEQUENTIAL)
@settings(max_examples=300, deadline=None)
@given(text=st.text(min_size=1, max_size=80))
def test_property_any_text_never_triggers_unless_plain(options: str, option: str,
                                                       text: str) -> None:
    said = tokens(text)
    if said and all(w in plain_words(options, option) for w in said) and "?" not in text:
        return
    assert not chooses(text, options, option), text


@pytest.mark.parametrize(("typed", "expected"), [
    ("not good", None), ("no better", None), ("not great tbh", None),
    ("good", "better"), ("better thanks", "better"),
])
def test_a_negated_option_word_is_not_that_option(typed: str, expected: str | None) -> None:
    answer = match_answer(typed, choices("checkin"), VOCAB)
    assert (answer.ids[0] if answer.chosen else None) == expected


@pytest.mark.parametrize("typed", [
    "maybe walking", "what is chair based?", "can I do both", "is swimming ok for me?",
    "walking? not sure", "idk",
])
def test_hedges_and_questions_back_are_unclear(typed: str) -> None:
    assert match_answer(typed, choices("activities"), VOCAB).kind is AnswerKind.UNCLEAR


@pytest.mark.parametrize(("options", "typed", "expected"), [
    ("yes_no", "yes, I'd love to", ("yes",)), ("activities", "swimming please", ("swimming",)),
    ("activities", "walking and yoga I think", ("walking", "yoga")),
    ("activities", "I like walking", ("walking",)),
    ("activities", "1 and 3 please", ("walking", "dancing")),
])
def test_answers_with_a_little_filler_still_choose(options: str, typed: str,
                                                  expected: tuple[str, ...]) -> None:
    answer = match_answer(typed, choices(options), VOCAB, multi=options == "activities")
    assert answer.kind is AnswerKind.CHOSEN and answer.ids == expected


def test_one_word_inside_a_sentence_about_something_else_is_unclear() -> None:
    text = "my neighbour said yes to the church walk but I was at the dentist all morning"
    assert match_answer(text, choices("yes_no"), VOCAB).kind is AnswerKind.UNCLEAR


async def test_random_sentences_at_the_delete_question_never_erase(settings: Settings) -> None:
    """Through the real engine and storage: sentences at "Are you sure?" leave the person
    and their answers in place, and a plain yes then erases them."""
    rng = random.Random(20261130)
    sentences = [t for t in NOT_PLAIN if t not in ("no no no",)]
    sentences += [" ".join(rng.choices(POOL, k=rng.randint(3, 8))) for _ in range(25)]
    address = Address("sms", "+447700900777")
    async with running(settings) as (services, _senders):
        await say(services, address, "hi", "1", "skip", "skip", "Jo")
        for text in sentences:
            plain = plain_words("delete_confirm", "yes")
            if all(w in plain for w in tokens(text)) and "?" not in text:
                continue
            await say(services, address, "delete my data", text)
            stored = await services.db.run(lambda c: repo.load(c, address, lock=False))
            assert stored is not None, f"{text!r} erased everything"
            assert repo.to_profile(stored).name == "Jo", text
        await say(services, address, "delete my data", "1")
        gone = await services.db.run(lambda c: repo.load(c, address, lock=False))
        assert gone is None


# Leaving a chat, stopping messages, reporting and deleting are words that work anywhere:
# they act only when the whole message is one of their phrases, never inside a sentence.
COMMAND_POOL = sorted({*POOL, "stop", "end", "chat", "report", "delete", "my", "data",
                       "cancel", "quit", "pause", "messages", "the", "please"})
ACTING = {"stop": "stop", "delete": "delete", "end_chat": "end_chat", "report": "report",
          "pause_chat": "pause_chat"}


def _phrases(key: str) -> set[str]:
    return {" ".join(tokens(w)) for w in CONTENT.words(f"commands.{key}")}


@settings(max_examples=500, deadline=None)
@given(words=st.lists(st.sampled_from(COMMAND_POOL), min_size=1, max_size=8))
def test_property_chat_and_stop_words_act_only_when_they_are_the_whole_message(
        words: list[str]) -> None:
    from bot.core.clock import FakeClock
    from bot.core.commands import Command, CommandWords
    from bot.core.turn import Context
    from conversations import peer

    text = " ".join(words)
    said = " ".join(tokens(text))
    command_words = CommandWords(CONTENT)
    recognised = command_words.recognise(Inbound.from_text(text))
    if recognised is not None and recognised.command in (Command.STOP, Command.DELETE):
        # A STOP word said again or with courtesies ("stop stop", "stop please") is the
        # command too (bot/core/stopping.py); nothing else around it is.
        again = recognised.command is Command.STOP and \
            command_words.stop.bare(command_words.stop.words(text))
        assert said in _phrases(recognised.command.value) or again, text
    ctx = Context(content=CONTENT, clock=FakeClock(), vocabulary=VOCAB)
    for key in ("end_chat", "pause_chat", "report"):
        if peer._is(ctx, Inbound.from_text(text), key):
            assert said in _phrases(key), text
