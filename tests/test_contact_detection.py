"""The contact-detail detector's figures on the team's corpora (bench/contact_detection.py
prints them; BENCHMARKS.md publishes them). Both corpora were written blind, by a writer
who had not seen the detector, as people really try to slip a detail past a filter.

- `tuning.tsv`: the rules were tuned on it; it holds the issue's bar (leaks ≤ 1 %, ordinary
  messages held ≤ 3 %), so an edit never lets through a trick already taught.
- `held_out.tsv`: nobody tuning read it. Its guard is its figure now (5.2 % leaks, after
  a review traded a few leaks for fewer holds of ordinary chat), so the gap to the bar is
  known and never widens.
- `newcomer.tsv`: what a newcomer wrote to break the detector (tuned on since); its guard
  is its figure now too (seven of its "ordinary" lines really do hold an address or a
  phone number, so holding them is right).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import contact_detection

CORPORA = contact_detection.CORPORA


def test_the_corpora_are_big_enough() -> None:
    rows = [r for p in CORPORA.glob("*.tsv") for r in contact_detection.load(p)]
    assert sum(label == "leak" for label, _, _ in rows) >= 400
    assert sum(label == "benign" for label, _, _ in rows) >= 300


def test_tuning_corpus() -> None:
    found = contact_detection.evaluate(contact_detection.load(CORPORA / "tuning.tsv"))
    assert found["leak_rate"] <= 0.01, found
    assert found["false_holds"] <= 0.03, found


def test_held_out_corpus() -> None:
    found = contact_detection.evaluate(contact_detection.load(CORPORA / "held_out.tsv"))
    assert found["leak_rate"] <= 0.053, found
    assert found["false_holds"] <= 0.03, found


def test_newcomer_corpus() -> None:
    found = contact_detection.evaluate(contact_detection.load(CORPORA / "newcomer.tsv"))
    assert found["leak_rate"] <= 0.045, found
    assert found["false_holds"] <= 0.035, found
