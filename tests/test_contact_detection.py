"""The contact-detail detector's figures on the team's corpora (bench/contact_detection.py
prints them; BENCHMARKS.md publishes them). Every corpus here was written blind, by a writer
who had not seen the detector, as people really try to slip a detail past a filter (but
kinds_3); all have since been tuned on, so their guards hold today's figures (a little slack of
one message), and an edit never lets through a trick already taught. An unseen corpus is
measured on its own (`bench/contact_detection.py --corpus NAME`), never read here.

- `tuning.tsv`: tuned on from the start.
- `held_out.tsv`: nobody tuning read it until the fixes by kind of leak (it gave 5.2 %
  leaks, 2.0 % held before them); tuned on since.
- `newcomer.tsv`: what a newcomer wrote to break the detector (tuned on since); six of its
  "ordinary" lines really do hold an address or a phone number, so holding them is right.
- `held_out_2.tsv`: a second blind corpus, measured once clean (3.2 % leaks, 0.35 % held),
  then tuned on by kind of leak.
- `held_out_3.tsv`: a third, measured once clean (4.2 % leaks, 5.2 % held: public sites
  and helplines, order and NHS numbers), then tuned on by kind.
- `kinds_3.tsv`: variants of held_out_3's kinds, written while fixing them (not blind).
- `held_out_4.tsv`: a fourth, measured once clean (3.3 % leaks, 7.0 % held), then tuned on
  by kind (round four) and learned from by the second reader: its figures here are tuned,
  so optimistic.
- `kinds_4.tsv`: variants of held_out_4's kinds, written while fixing them (not blind).

The learned second reader (bot/peers/contact_reader.py) is trained on these same corpora,
so the figures below are with it (the bench waits for it); the rules alone are held to
the same guards, since the reader only adds holds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import contact_detection

from bot.peers import contact_reader
from bot.peers.contact import ContactKind, contact_details

CORPORA = contact_detection.CORPORA


def figures(name: str) -> dict[str, object]:
    contact_reader.wait()
    return contact_detection.evaluate(contact_detection.load(CORPORA / f"{name}.tsv"))


def test_the_corpora_are_big_enough() -> None:
    rows = [r for name in contact_detection.TUNED
            for r in contact_detection.load(CORPORA / f"{name}.tsv")]
    assert sum(label == "leak" for label, _, _ in rows) >= 400
    assert sum(label == "benign" for label, _, _ in rows) >= 300


def test_tuning_corpus() -> None:
    found = figures("tuning")  # 0 of 251 leaks, 0 of 199 ordinary held
    assert found["leak_rate"] <= 0.004, found
    assert found["false_holds"] <= 0.005, found


def test_held_out_corpus() -> None:
    found = figures("held_out")  # 0 of 249 leaks, 0 of 201 ordinary held
    assert found["leak_rate"] <= 0.004, found
    assert found["false_holds"] <= 0.005, found


def test_newcomer_corpus() -> None:
    found = figures("newcomer")  # 0 of 358 leaks, 4 of 226 ordinary held (all debatable)
    assert found["leak_rate"] <= 0.0028, found
    assert found["false_holds"] <= 0.022, found


def test_held_out_2_corpus() -> None:
    found = figures("held_out_2")  # 0 of 314 leaks, 0 of 283 ordinary held
    assert found["leak_rate"] <= 0.0032, found
    assert found["false_holds"] <= 0.0035, found


def test_held_out_3_corpus() -> None:
    found = figures("held_out_3")  # 0 of 260 leaks, 0 of 230 ordinary held
    assert found["leak_rate"] <= 0.0039, found
    assert found["false_holds"] <= 0.0044, found


def test_kinds_3_corpus() -> None:
    found = figures("kinds_3")  # 0 of 52 leaks, 0 of 61 ordinary held
    assert found["leak_rate"] <= 0.0193, found
    assert found["false_holds"] <= 0.0164, found


def test_held_out_4_corpus() -> None:
    found = figures("held_out_4")  # 0 of 306 leaks, 6 of 331 ordinary held (tuned on)
    assert found["leak_rate"] <= 0.0033, found
    assert found["false_holds"] <= 0.0212, found


def test_kinds_4_corpus() -> None:
    found = figures("kinds_4")  # 0 of 57 leaks, 2 of 54 ordinary held (with the reader)
    assert found["leak_rate"] <= 0.0176, found
    assert found["false_holds"] <= 0.0371, found


def test_the_second_reader_adds_only_when_sure_and_there_is_something_to_hold() -> None:
    reader = contact_reader.wait()
    assert reader is not None
    # It reads a leak it has learned the shape of, and not ordinary chat.
    assert reader.probability("ring me on 07700 900123 after tea") > 0.9
    assert reader.probability("lovely walk round the park today, legs are tired") < 0.2
    # Asking for contact without giving any: nothing to hold, whatever it thinks.
    assert not contact_reader.has_material("email me your thoughts")
    assert contact_details("email me your thoughts") == []
    # It only adds: a hold the rules make stands with or without it.
    text = "my number is 07700 900 123"
    assert contact_details(text) == contact_details(text, use_reader=False) == [
        ContactKind.PHONE]
    # A reader trained on a few lines reads too (a probability).
    examples = contact_reader.load_examples(names=("kinds_3",))
    small = contact_reader.ContactReader(examples)
    assert 0.0 <= small.probability("x") <= 1.0


def test_the_second_reader_trains_quickly() -> None:
    import time

    examples = contact_reader.load_examples()
    started = time.perf_counter()
    contact_reader.ContactReader(examples)
    assert time.perf_counter() - started < 5.0  # about 0.3 s quiet; a busy shared machine


@pytest.mark.parametrize("text", ["take B12 at breakfast", "room B12 at the college",
                                  "I take D3 and B12 at night"])
def test_a_vitamin_or_a_room_before_a_word_is_no_postcode(text: str) -> None:
    """A newcomer's break-test: "B12 at" was read as the postcode B1 2AT."""
    assert contact_details(text) == []


@pytest.mark.parametrize("text", ["my postcode is B12 8AT", "B12 8at", "le2 8 at",
                                  "LE3 2 and then NA", "le28at"])
def test_a_postcode_with_a_word_like_unit_is_still_held(text: str) -> None:
    assert ContactKind.POSTCODE in contact_details(text)
