"""Should a learned second reader (bot/peers/contact_reader.py) sit beside the contact-detail
rules, and how sure must it be? Two honest measures, printed as JSON lines:

- `loco`: leave-one-corpus-out. For each tuned corpus (a corpus and the variants written
  from it count as one: held_out_3 with kinds_3, held_out_4 with kinds_4, tuning with
  held_out, its other half), the reader is trained on all the others and scores it; the
  rules are today's. Per corpus: leaks let through and ordinary held, rules alone and rules
  plus reader, for each threshold.
- `prospective`: what the reader would have done on a corpus while it was still blind: the
  rules as they were at its clean measure (a copy of bot/ at that commit, `--rules-root`),
  the reader trained only on the corpora that existed then.

    .venv/bin/python bench/contact_reader_cv.py loco
    .venv/bin/python bench/contact_reader_cv.py prospective --rules-root /tmp/r3 \
        --corpus held_out_4 --train tuning held_out newcomer held_out_2 held_out_3 kinds_3
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import contact_detection  # noqa: E402

from bot.peers.contact_reader import ContactReader, has_material  # noqa: E402

GROUPS = (("tuning", "held_out"), ("newcomer",), ("held_out_2",), ("held_out_3", "kinds_3"),
          ("held_out_4", "kinds_4"))
ADD = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)
RELEASE = (0.0, 0.01, 0.02, 0.05, 0.1)
# Kinds a rule may hold weakly enough for the reader to release (no typed @, no UK mobile).
WEAK = {"link", "username", "postcode"}


def rows(name: str) -> list[tuple[str, str, str]]:
    return contact_detection.load(contact_detection.CORPORA / f"{name}.tsv")


def rule_kinds(names: list[str], root: Path) -> dict[str, list[list[str]]]:
    """The kinds the rules under `root` (a copy of the repository's bot/ and content/)
    find in each line of each corpus, run in a fresh process, without the reader."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); "
            "from pathlib import Path; "
            "import inspect; from bot.peers.contact import contact_details as found; "
            "rules = {'use_reader': False} if 'use_reader' in "
            "inspect.signature(found).parameters else {}; "
            "contact_details = lambda t: found(t, **rules); "
            "assert found.__code__.co_filename.startswith(sys.argv[1]); "
            "rows = lambda n: [l.split(chr(9))[2] for l in (Path(sys.argv[2]) / f'{n}.tsv')"
            ".read_text(encoding='utf-8').splitlines() if l.strip() and not l.startswith('#')]; "
            "print(json.dumps({n: [list(map(str, contact_details(t))) for t in rows(n)] "
            "for n in sys.argv[3:]}))")
    corpora = str(contact_detection.CORPORA)
    out = subprocess.run([sys.executable, "-c", code, str(root), corpora, *names],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "CONTENT_DIR": str(root / "content")}).stdout
    return json.loads(out)


def score(lines: list[tuple[str, str, str]], kinds: list[list[str]], probs: list[float],
          add: float | None, release: float | None) -> dict[str, float]:
    leaks = benign = leaked = held = 0
    for (label, _, text), found, p in zip(lines, kinds, probs, strict=True):
        hold = bool(found)
        if not hold and add is not None and p >= add and has_material(text):
            hold = True
        if hold and found and release is not None and set(found) <= WEAK and p <= release:
            hold = False
        if label == "leak":
            leaks += 1
            leaked += not hold
        else:
            benign += 1
            held += hold
    return {"leaks": round(leaked / leaks, 4), "held": round(held / benign, 4),
            "n_leak": leaks, "n_benign": benign, "leaked": leaked, "held_n": held}


def loco(root: Path) -> None:
    names = [n for g in GROUPS for n in g]
    kinds = rule_kinds(names, root)
    pooled: dict[tuple[float | None, float | None], list[int]] = {}
    for group in GROUPS:
        train = [r for g in GROUPS if g != group for n in g for r in rows(n)]
        started = time.perf_counter()
        reader = ContactReader([(label, text) for label, _, text in train])
        trained = time.perf_counter() - started
        for name in group:
            lines = rows(name)
            probs = [reader.probability(t) for _, _, t in lines]
            result = {"corpus": name, "train_s": round(trained, 2),
                      "rules": score(lines, kinds[name], probs, None, None)}
            for add in ADD:
                for release in (None, *RELEASE[1:]):
                    figures = score(lines, kinds[name], probs, add, release)
                    pooled.setdefault((add, release), [0, 0, 0, 0])
                    totals = pooled[(add, release)]
                    totals[0] += figures["leaked"]
                    totals[1] += figures["n_leak"]
                    totals[2] += figures["held_n"]
                    totals[3] += figures["n_benign"]
                    if release is None:
                        result[f"add>={add}"] = figures
            print(json.dumps(result))
    for (add, release), (leaked, n_leak, held, benign) in pooled.items():
        print(json.dumps({"pooled": True, "add": add, "release": release,
                          "leaks": round(leaked / n_leak, 4), "held": round(held / benign, 4)}))


def prospective(root: Path, corpus: str, train_names: list[str]) -> None:
    kinds = rule_kinds([corpus], root)[corpus]
    reader = ContactReader([(label, text) for n in train_names for label, _, text in rows(n)])
    lines = rows(corpus)
    probs = [reader.probability(t) for _, _, t in lines]
    print(json.dumps({"corpus": corpus, "rules": score(lines, kinds, probs, None, None)}))
    for add in ADD:
        for release in (None, *RELEASE[1:]):
            print(json.dumps({"corpus": corpus, "add": add, "release": release,
                              **score(lines, kinds, probs, add, release)}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("loco", "prospective"))
    parser.add_argument("--rules-root", type=Path, default=ROOT)
    parser.add_argument("--corpus")
    parser.add_argument("--train", nargs="+", default=())
    args = parser.parse_args()
    if args.mode == "loco":
        loco(args.rules_root)
    else:
        prospective(args.rules_root, args.corpus, list(args.train))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
