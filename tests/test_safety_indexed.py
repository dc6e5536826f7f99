"""The indexed matcher finds exactly what one spaCy Matcher with every pattern finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.matcher import Matcher
from spacy.tokens import Doc

from bot.core.content import library
from bot.safety.indexed import IndexedMatcher, _first, _starts_with_digit
from bot.safety.lexicon import Lexicon
from bot.safety.patterns import compile_phrase
from bot.safety.screens import screen_for

EXAMPLES = Path(__file__).resolve().parents[1] / "content" / "en" / "safety_examples"


@pytest.mark.parametrize(("regex", "digit"), [
    ("^[0-3][.,]\\d$", True),
    ("^((3[89]|4[0-2])([.,]\\d{1,2})?|10[0-6]([.,]\\d)?)$", True),
    ("^(0|1|2|3)([.,]\\d{1,2})?$", True),
    ("^(0|a)$", False),          # one alternative is a letter
    ("^[0-3]?x$", False),        # the digit may be skipped
    ("^(\\d)?x$", False),        # the group may be skipped
    ("[0-9]+$", False),          # not anchored: may match inside a word
    ("^\\w+$", False),
])
def test_a_number_bucket_only_takes_regexes_that_must_begin_with_a_digit(regex, digit):
    assert (regex.startswith("^") and _starts_with_digit(regex[1:])) is digit
    assert (_first({"TEXT": {"REGEX": regex}})[0] == "number") is digit


def test_stems_shorter_than_the_prefix_and_optional_words_run_everywhere():
    assert _first({"LOWER": {"REGEX": "^(palpitation\\w*)$"}}) == ("prefix", ["pal"])
    assert _first({"LOWER": {"REGEX": "^(moving|moved|emigrat\\w*)$"}}) == \
        ("prefix", ["emi", "mov"])
    assert _first({"LOWER": {"REGEX": "^(ow\\w*)$"}})[0] == "anywhere"
    assert _first({"LOWER": "my", "OP": "?"})[0] == "anywhere"
    assert _first({"LOWER": {"REGEX": "^(a.c)$"}})[0] == "anywhere"


def _messages() -> list[str]:
    rows = []
    for path in sorted(EXAMPLES.glob("set_*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                rows.append(line.split("\t")[2])
    return rows


def test_the_index_finds_what_one_plain_matcher_finds_on_the_labelled_messages():
    # Every third message (a plain Matcher is slow): over 2,000 of every style and label.
    content = library().for_language("en")
    screen = screen_for(content)
    lexicon = Lexicon.from_content(content)
    indexed = IndexedMatcher(screen.nlp.vocab)
    plain = Matcher(screen.nlp.vocab)
    phrases = [(f"{topic}::{i}", source) for topic, sources in lexicon.targets.items()
               for i, source in enumerate(sources)]
    phrases += [(f"idiom::{i}", source) for i, source in enumerate(lexicon.idioms)]
    phrases += [(f"mention::{i}", source) for i, source in enumerate(lexicon.mentions)]
    for key, source in phrases:
        patterns = compile_phrase(source).patterns
        indexed.add(key, patterns)
        plain.add(key, patterns)
    compared = 0
    for text in _messages()[::3]:
        words = screen.normaliser.words(text)
        if not words:
            continue
        doc = Doc(screen.nlp.vocab, words=words)
        expected = sorted(plain(doc), key=lambda m: (m[1], m[2], m[0]))
        assert indexed(doc) == expected, text
        compared += 1
    assert compared > 2000


def test_context_finds_what_one_plain_matcher_finds_and_the_screen_reads_the_same():
    # medspaCy keeps the first of two rules matching the same words, so besides the matches
    # themselves the whole screen's reading is compared with the plain matcher put back.
    screen = screen_for(library().for_language("en"))
    medspacy = screen.context._ConText__matcher
    indexed = medspacy._MedspacyMatcher__matcher
    assert not isinstance(indexed, Matcher), "the ConText index was not installed"
    plain = Matcher(screen.nlp.vocab)
    for rule_id, rule in medspacy._rule_map.items():
        if isinstance(rule.pattern, list):
            plain.add(rule_id, [rule.pattern])
    texts = _messages()[1::3]
    readings = [screen.assess(text) for text in texts]
    compared = 0
    for text in texts:
        words = screen.normaliser.words(text)
        if words:
            doc = Doc(screen.nlp.vocab, words=words)
            assert sorted(indexed(doc)) == sorted(plain(doc)), text
            compared += 1
    medspacy._MedspacyMatcher__matcher = plain
    try:
        assert [screen.assess(text) for text in texts] == readings
    finally:
        medspacy._MedspacyMatcher__matcher = indexed
    assert compared > 2000
