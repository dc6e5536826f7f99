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
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import contact_detection

CORPORA = contact_detection.CORPORA


def figures(name: str) -> dict[str, object]:
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
