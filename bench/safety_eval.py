"""Sensitivity of the safety screen on the team's labelled sets.

Reads the labelled sets (label, style, text; most written blind by someone who had not
seen the lexicon): the examples the second reader learns from and the lexicon was tuned
on (`content/en/safety_examples/set_*.tsv`), and the held-out sets nobody tuned anything on
(every `tests/data/safety/set_*.tsv`, whatever its name). A held-out set, once used for
tuning, moves to the examples and its held-out figures become history (BENCHMARKS.md).
Runs every message through the real screen and prints one JSON line per set:
per urgent category the share caught (any urgent reply) and the share given the right
reply; false triggers (an urgent reply to a message that needed none); urgent messages that
would read as a standing pattern if sent as an answer about their health; medical questions
signposted; distress met with care; and time per message (p50, p95, ms).

    .venv/bin/python bench/safety_eval.py [--set NAME ...] [--misses] [--folds K]
    .venv/bin/python bench/safety_eval.py --startup [--runs N]

`--misses` prints every message the screen got wrong (for the example sets only: the
held-out set's figures say how the screen does on words nobody tuned it to). `--folds K`
measures the second reader by K-fold cross-validation over the examples: each fold is read
by a screen whose second reader never saw it (trained for each fold, never cached).
`--startup` times building the screen (`SafetyScreen.from_content`) in a fresh process,
cold (an empty cache folder: the second reader is trained and saved) and warm (the saved
reader loaded), N runs of each, interleaved; it prints the medians and every run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.content import library  # noqa: E402
from bot.safety.screen import SafetyScreen  # noqa: E402
from bot.safety.second_reader import SecondReader  # noqa: E402

EXAMPLES = ROOT / "content" / "en" / "safety_examples"
HELD_OUT = ROOT / "tests" / "data" / "safety"
URGENT = ("chest_pain", "stroke", "breathing", "palpitations", "blood_sugar", "fall",
          "fainting", "other_urgent", "someone_else", "crisis")
# The replies that are right for each label (a hypo or a very high reading both count; the
# other 999 signs include asking for 999, danger from someone, a fire and a gas leak).
RIGHT = {"blood_sugar": {"blood_sugar", "blood_sugar_high"},
         "other_urgent": {"other_urgent", "emergency", "danger", "fire", "gas"}}
QUIET = ("none", "medical_question", "distress")


def sets() -> dict[str, Path]:
    """Every labelled set by name (a, b, ...): examples first, then held out. A name in both
    folders is an error: a held-out set must never be read as an example or hidden by one."""
    found = {p.stem.removeprefix("set_"): p for p in sorted(EXAMPLES.glob("set_*.tsv"))}
    held = {p.stem.removeprefix("set_"): p for p in sorted(HELD_OUT.glob("set_*.tsv"))}
    if both := found.keys() & held.keys():
        raise ValueError(f"set names both examples and held out: {sorted(both)}")
    return found | held


def held_out(name: str) -> bool:
    return sets()[name].parent == HELD_OUT


def load(name: str) -> list[tuple[str, str, str]]:
    rows = []
    for line in sets()[name].read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, style, text = line.split("\t")
        rows.append((label, style, text))
    return rows


def evaluate(screen: SafetyScreen, rows: list[tuple[str, str, str]], misses: bool = False
             ) -> dict[str, object]:
    total: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    right: Counter[str] = Counter()
    false_trigger = signposted = cared = false_medical = false_distress = standing = 0
    times = []
    for label, style, text in rows:
        started = time.perf_counter()
        found = screen.assess(text)
        times.append((time.perf_counter() - started) * 1000)
        topics = {f.topic for f in found.findings}
        total[label] += 1
        wrong = False
        if label in URGENT:
            if topics:
                caught[label] += 1
                # Would be met with when to get help, not 999, as an answer to a question
                # about their health ("I get chest pain on hills"): must stay near nought.
                standing += found.standing
                if topics & RIGHT.get(label, {label}):
                    right[label] += 1
            wrong = not topics
        else:
            if topics:
                false_trigger += 1
                wrong = True
            elif label == "medical_question":
                signposted += found.medical_question
                wrong = not found.medical_question
            elif label == "distress":
                cared += found.distress
                wrong = not found.distress
            else:
                false_medical += found.medical_question
                false_distress += found.distress
                wrong = found.medical_question or found.distress
        if misses and wrong:
            got = ",".join(sorted(topics)) or ("medical" if found.medical_question else "") or (
                "distress" if found.distress else "-")
            print(f"{label:<17}{got:<22}{style:<22}{text}")
    urgent_total = sum(total[c] for c in URGENT)
    quiet_total = sum(total[c] for c in QUIET)
    times.sort()
    return {
        "messages": len(rows),
        "sensitivity": round(sum(caught[c] for c in URGENT) / max(urgent_total, 1), 3),
        "right_reply": round(sum(right[c] for c in URGENT) / max(urgent_total, 1), 3),
        "per_category": {c: round(caught[c] / total[c], 3) for c in URGENT if total[c]},
        "right_reply_per_category": {c: round(right[c] / total[c], 3) for c in URGENT
                                     if total[c]},
        "false_triggers": round(false_trigger / max(quiet_total, 1), 3),
        "urgent_read_as_standing": round(standing / max(urgent_total, 1), 4),
        "medical_signposted": round(signposted / max(total["medical_question"], 1), 3),
        "distress_cared": round(cared / max(total["distress"], 1), 3),
        "none_signposted_as_medical": round(false_medical / max(total["none"], 1), 3),
        "none_met_as_distress": round(false_distress / max(total["none"], 1), 3),
        "ms_p50": round(statistics.median(times), 2),
        "ms_p95": round(times[int(len(times) * 0.95) - 1], 2),
    }


def cross_validate(screen: SafetyScreen, folds: int) -> dict[str, object]:
    """Each fold read by a second reader trained on the other folds (the rules unchanged)."""
    rows = [row for name in sets() if not held_out(name) for row in load(name)]
    random.Random(20261130).shuffle(rows)
    keep = screen.second
    results = []
    try:
        for k in range(folds):
            test = rows[k::folds]
            train = [(label, text) for i, (label, _, text) in enumerate(rows) if i % folds != k]
            screen.second = SecondReader(train, screen.normaliser.words)
            results.append(evaluate(screen, test))
    finally:
        screen.second = keep
    keys = ("sensitivity", "right_reply", "false_triggers", "medical_signposted",
            "distress_cared", "none_signposted_as_medical", "none_met_as_distress")
    return {key: round(statistics.mean(float(r[key]) for r in results), 3) for key in keys} | {
        "per_category": {c: round(statistics.mean(r["per_category"][c] for r in results
                                                  if c in r["per_category"]), 3)
                         for c in URGENT},
        "messages": len(rows), "folds": folds}


def startup_once(cache: Path) -> dict[str, object]:
    """One fresh process: how long building the screen takes with `cache` as it is."""
    output = subprocess.run([sys.executable, __file__, "--startup-child", str(cache)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.splitlines()[-1])


def startup(runs: int) -> dict[str, object]:
    cold: list[float] = []
    warm: list[float] = []
    process_cold: list[float] = []
    process_warm: list[float] = []
    size = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            for times, process, loaded in ((cold, process_cold, False),
                                           (warm, process_warm, True)):
                started = time.perf_counter()
                run = startup_once(Path(folder))
                process.append(round(time.perf_counter() - started, 2))
                if run["loaded"] != loaded:
                    raise RuntimeError(f"expected loaded={loaded}, got {run}")
                times.append(round(float(str(run["seconds"])), 2))
            size = sum(p.stat().st_size for p in Path(folder).iterdir())
    return {"runs": runs, "cold_s": statistics.median(cold), "warm_s": statistics.median(warm),
            "process_cold_s": statistics.median(process_cold),
            "process_warm_s": statistics.median(process_warm), "cache_kb": size // 1024,
            "cold_all": cold, "warm_all": warm}


def _startup_child(cache: Path) -> int:
    content = library().for_language("en")
    started = time.perf_counter()
    screen = SafetyScreen.from_content(content, cache=cache)
    seconds = time.perf_counter() - started
    loaded = screen.second is not None and screen.second.loaded_from is not None
    print(json.dumps({"seconds": seconds, "loaded": loaded}))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", nargs="*", help="set names (default: all)")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--folds", type=int, default=0)
    parser.add_argument("--rules-only", action="store_true", help="without the second reader")
    parser.add_argument("--startup", action="store_true",
                        help="time building the screen, cold (no cache) and warm")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, for --startup")
    parser.add_argument("--startup-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.startup_child:
        return _startup_child(args.startup_child)
    if args.startup:
        print(json.dumps({"bench": "safety_eval", "set": "startup", **startup(args.runs)}))
        return 0
    started = time.perf_counter()
    screen = SafetyScreen.from_content(library().for_language("en"))
    load_s = round(time.perf_counter() - started, 2)
    if args.rules_only:
        screen.second = None
    if args.folds:
        figures = cross_validate(screen, args.folds)
        print(json.dumps({"bench": "safety_eval", "set": "cross-validation", **figures}))
        return 0
    for name in args.set or list(sets()):
        role = "held out" if held_out(name) else "examples"
        figures = evaluate(screen, load(name), misses=args.misses and not held_out(name))
        print(json.dumps({"bench": "safety_eval", "set": name, "role": role, "load_s": load_s,
                          **figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
