"""The safety screen's figures on the team's labelled sets (bench/safety_eval.py prints them
all; BENCHMARKS.md publishes them).

- Held out (every `tests/data/safety/set_*.tsv`, whatever its name): written blind, never read
  while tuning the lexicon, never seen by the second reader. The floors are the acceptance
  bar for unseen messages. A set once used for tuning moves to the examples (sets m and o,
  2026-11-30); its held-out figures stay in BENCHMARKS.md as history.
- Cross-validation over the examples (`content/en/safety_examples/`): each fold read by a
  second reader trained on the other folds.
- The examples themselves: the bar the issue sets (sensitivity 0.97, every category 0.93,
  false triggers 2 %), as a guard that a lexicon edit breaks nothing already taught.
Speed is measured in the bench, not here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from bot.core.content import library
from bot.safety.screen import SafetyScreen

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import safety_eval

SCREEN = SafetyScreen.from_content(library().for_language("en"))
HELD_OUT = [n for n in safety_eval.sets() if safety_eval.held_out(n)]
EXAMPLES = [n for n in safety_eval.sets() if not safety_eval.held_out(n)]


def figures(name: str) -> dict[str, Any]:
    return safety_eval.evaluate(SCREEN, safety_eval.load(name))


def test_every_set_in_the_held_out_folder_is_held_out() -> None:
    # By folder alone, so a set added there is measured, never trained on or tuned to.
    for path in safety_eval.HELD_OUT.glob("set_*.tsv"):
        name = path.stem.removeprefix("set_")
        assert name in HELD_OUT and safety_eval.held_out(name)
    for path in safety_eval.EXAMPLES.glob("set_*.tsv"):
        assert not safety_eval.held_out(path.stem.removeprefix("set_"))
    trained_on = {p.resolve() for p in safety_eval.EXAMPLES.glob("*.tsv")}
    assert not trained_on & {p.resolve() for p in safety_eval.HELD_OUT.glob("*.tsv")}


def test_there_are_enough_labelled_messages() -> None:
    assert HELD_OUT, "a held-out set is needed"
    assert sum(len(safety_eval.load(n)) for n in HELD_OUT) >= 600
    assert sum(len(safety_eval.load(n)) for n in EXAMPLES) >= 600
    everything = set(safety_eval.URGENT) | {"none", "medical_question", "distress"}
    for name in HELD_OUT:
        assert {label for label, _, _ in safety_eval.load(name)} == everything
    for name in EXAMPLES:
        assert {label for label, _, _ in safety_eval.load(name)} <= everything


# False triggers on a held-out set, as first measured clean (BENCHMARKS.md), where that was
# above the acceptance target of 3 %: a guard against getting worse. Any other held-out set
# (a new one included) is held to the target itself. Sets m and o (5.0 %, 4.9 % clean)
# became examples on 2026-11-30, when the false alarms they showed were fixed by kind.
CLEAN_FALSE_TRIGGERS = {"f": 0.040}


@pytest.mark.parametrize("name", HELD_OUT)
def test_held_out_messages(name: str) -> None:
    found = figures(name)
    assert found["sensitivity"] >= 0.95, found
    assert found["false_triggers"] <= CLEAN_FALSE_TRIGGERS.get(name, 0.03), found
    assert found["medical_signposted"] >= 0.90, found
    assert found["distress_cared"] >= 0.90, found


def test_held_out_messages_every_category() -> None:
    # Pooled: one set holds as few as 7 messages of a category, where one miss is 14 %.
    found = safety_eval.evaluate(SCREEN, [row for n in HELD_OUT for row in safety_eval.load(n)])
    assert min(found["per_category"].values()) >= 0.90, found["per_category"]


@pytest.mark.slow
def test_cross_validated_examples() -> None:
    found = safety_eval.cross_validate(SCREEN, 5)
    assert found["sensitivity"] >= 0.95, found
    assert min(found["per_category"].values()) >= 0.90, found["per_category"]
    assert found["false_triggers"] <= 0.03, found


def test_examples_are_all_still_understood() -> None:
    found = safety_eval.evaluate(SCREEN, [row for n in EXAMPLES for row in safety_eval.load(n)])
    assert found["sensitivity"] >= 0.97, found
    assert min(found["per_category"].values()) >= 0.93, found["per_category"]
    assert found["false_triggers"] <= 0.02, found
    assert found["medical_signposted"] >= 0.90 and found["distress_cared"] >= 0.90, found


def test_urgent_messages_are_never_read_as_a_standing_pattern() -> None:
    """Told as an answer about their health, a standing pattern ("I get chest pain on hills")
    gets when to get help, not 999: no urgent message of any set may read as one, held
    out or not (0 of 4,309 when the reading came, 2026-12-01)."""
    rows = [row for name in safety_eval.sets() for row in safety_eval.load(name)]
    found = safety_eval.evaluate(SCREEN, rows)
    assert found["urgent_read_as_standing"] <= 0.001, found
