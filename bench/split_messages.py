"""A crisis or emergency split over two messages, and the cost of reading pairs together.

The engine reads a message after the end of the one before (within minutes) when neither
alone is urgent (`bot/engine/screening.py`). This measures both sides of that, on the
labelled sets (examples and held out, as `bench/safety_eval.py` reads them):

- split: every urgent message cut at a word boundary chosen at random (seeded), sent as
  two messages. Caught if either half alone is urgent, or the two read together are; the
  share caught with and without reading together, per category.
- worst cut: for each urgent message, whether some cut leaves both halves quiet alone
  (a message a person could split so that only reading together catches it).
- pairs: quiet messages (no urgent label) sent one after another in a random order. A
  false trigger is a pair read together as urgent when neither alone was.

    .venv/bin/python bench/split_messages.py [--seed N] [--pairs N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from safety_eval import QUIET, URGENT, load, sets  # noqa: E402

from bot.core.content import library  # noqa: E402
from bot.safety.screen import SafetyScreen  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pairs", type=int, default=4000)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    screen = SafetyScreen.from_content(library().for_language("en"))

    def urgent(text: str) -> bool:
        return bool(screen.assess(text).findings)

    rows = [row for name in sets() for row in load(name)]
    total: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    together: Counter[str] = Counter()
    fragile: Counter[str] = Counter()
    for label, _style, text in rows:
        words = text.split()
        if label not in URGENT or len(words) < 2 or not urgent(text):
            continue  # only messages the screen catches whole say anything about splitting
        if len(words) <= 30 and any(
                not urgent(" ".join(words[:at])) and not urgent(" ".join(words[at:]))
                for at in range(1, len(words))):
            fragile[label] += 1
        cut = rng.randrange(1, len(words))
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        total[label] += 1
        if urgent(first) or urgent(second):
            alone[label] += 1
            together[label] += 1
        elif any(c.isalpha() for c in second) and urgent(f"{first} {second}"):
            together[label] += 1
    quiet = [text for label, _style, text in rows if label in QUIET and not urgent(text)]
    joined_false = 0
    for _ in range(args.pairs):
        first, second = rng.sample(quiet, 2)
        joined_false += urgent(f"{first} {second}")
    # Three in a row, as the engine keeps them (a sentence told over three texts): the
    # third read after the first two, where neither the pair nor the third said anything.
    triple_false = 0
    for _ in range(args.pairs):
        first, second, third = rng.sample(quiet, 3)
        triple_false += not urgent(f"{first} {second}") and \
            urgent(f"{first} {second} {third}")
    # The most common next message of all: an answer to our question ("1", "yes", "3pm").
    answers = ["1", "2", "3", "4", "5", "yes", "no", "ok", "skip", "3pm", "2 or 3", "0",
               "1 and 3", "none", "thanks", "monday", "not sure", "menu", "2.5", "1,2"]
    # As the engine does: a message with no letters is never read with the one before.
    worded = [answer for answer in answers if any(c.isalpha() for c in answer)]
    answer_false = sum(urgent(f"{first} {answer}") for first in quiet for answer in worded)
    print(json.dumps({
        "split": {
            "messages": sum(total.values()),
            "caught_halves_alone": round(sum(alone.values()) / sum(total.values()), 3),
            "caught_read_together": round(sum(together.values()) / sum(total.values()), 3),
            "some_cut_defeats_halves": round(sum(fragile.values()) / sum(total.values()), 3),
            "by_category_together": {k: round(together[k] / total[k], 3)
                                     for k in sorted(total)},
        },
        "pairs": {"pairs": args.pairs, "quiet_messages": len(quiet),
                  "false_triggers_read_together": round(joined_false / args.pairs, 4),
                  "false_triggers_third_read_after_two": round(triple_false / args.pairs, 4),
                  "then_an_answer": len(quiet) * len(answers),
                  "false_triggers_then_an_answer": round(
                      answer_false / (len(quiet) * len(answers)), 4)},
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
