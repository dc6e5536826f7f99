"""The safety screen: every phrase in content fires; negations and old history do not."""

from __future__ import annotations

import pytest

from bot.engine.content import library
from bot.engine.safety import SafetyCategory, SafetyScreen

CONTENT = library().for_language("en")
SCREEN = SafetyScreen.from_content(CONTENT)


@pytest.mark.parametrize("phrase", CONTENT.words("safety.crisis"))
def test_every_crisis_phrase_fires(phrase: str) -> None:
    finding = SCREEN.check(f"Honestly, {phrase} lately.")
    assert finding is not None
    assert finding.category is SafetyCategory.CRISIS


@pytest.mark.parametrize(("topic", "phrase"), [
    (topic, phrase)
    for topic in CONTENT.keys_under("safety.red_flags")
    for phrase in CONTENT.words(f"safety.red_flags.{topic}")
])
def test_every_red_flag_phrase_fires(topic: str, phrase: str) -> None:
    finding = SCREEN.check(f"Today {phrase} since this morning")
    assert finding is not None
    assert finding.category is SafetyCategory.RED_FLAG


@pytest.mark.parametrize("text", [
    "no chest pain today", "I don't have chest pain", "not had any chest pain this week",
    "Never fainted in my life", "without palpitations now", "I had a stroke three years ago",
    "Walking", "I love swimming", "my chest is fine", "",
])
def test_quiet_when_nothing_is_wrong(text: str) -> None:
    assert SCREEN.check(text) is None


def test_a_but_ends_the_negation() -> None:
    finding = SCREEN.check("no worries but I have chest pain")
    assert finding is not None and finding.topic == "chest_pain"


def test_crisis_is_never_discounted_by_negation() -> None:
    finding = SCREEN.check("I'm not sure, I don't want to live")
    assert finding is not None and finding.category is SafetyCategory.CRISIS


def test_punctuation_case_and_apostrophes_do_not_matter() -> None:
    assert SCREEN.check("CAN'T BREATHE!!") is not None
    assert SCREEN.check("cant breathe") is not None
    assert SCREEN.check("can\u2019t breathe") is not None


@pytest.mark.parametrize("key", ["safety.reply.red_flag", "safety.reply.crisis"])
def test_replies_signpost_urgent_help(key: str) -> None:
    text = CONTENT.text(key)
    assert "999" in text
    if key.endswith("crisis"):
        assert "116 123" in text
    else:
        assert "111" in text
