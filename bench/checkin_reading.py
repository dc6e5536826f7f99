"""How well check-in replies are read: the share understood on the team's own sets.

Reads `tests/data/checkin/*.tsv` (text, expected path; written blind by people who had not
seen the reader): `tuning.tsv`, which the reader's words were built on, and `held_out.tsv`,
which nobody building it read. Prints one JSON line per set: the share understood (path
equals the writer's), the share sent down a wrong path (rather than asked again), the
confusion of misses, and time per reply (p50, p95, ms).

    .venv/bin/python bench/checkin_reading.py [--misses]

`--misses` prints what the tuning set gets wrong (never the held-out one).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.answers import Vocabulary, option_choices  # noqa: E402
from bot.core.content import library  # noqa: E402
from conversations.checkin_reading import ReadingWords, read_checkin  # noqa: E402

DATA = ROOT / "tests" / "data" / "checkin"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    content = library().for_language("en")
    vocabulary = Vocabulary.from_content(content)
    words = ReadingWords.from_content(content)
    choices = option_choices(content, "checkin")
    for name in ("tuning", "held_out"):
        with (DATA / f"{name}.tsv").open(encoding="utf-8") as handle:
            rows = [(r["text"], r["expected"]) for r in csv.DictReader(handle, delimiter="\t")]
        times, got = [], []
        for text, expected in rows:
            start = time.perf_counter()
            path = read_checkin(text, choices, vocabulary, words)
            times.append((time.perf_counter() - start) * 1000)
            got.append((expected, path.value if path else "unclear", text))
        misses = Counter(f"{e}->{g}" for e, g, _ in got if e != g)
        times.sort()
        print(json.dumps({
            "set": name, "replies": len(rows),
            "understood": round(sum(e == g for e, g, _ in got) / len(rows), 3),
            "wrong_path": round(sum(e != g and g != "unclear" for e, g, _ in got) / len(rows), 3),
            "asked_again": round(sum(e != g and g == "unclear" for e, g, _ in got) / len(rows), 3),
            "misses": dict(misses.most_common()),
            "ms_p50": round(statistics.median(times), 3),
            "ms_p95": round(times[int(len(times) * 0.95)], 3),
        }))
        if args.misses and name == "tuning":
            for e, g, text in got:
                if e != g:
                    print(f"  {e} -> {g}: {text}")


if __name__ == "__main__":
    main()
