"""How well the contact-detail detector holds what it should and passes what it should.

Reads the team's corpora (`content/contact_examples/*.tsv`: label leak|benign, kind, text;
written blind by people who had not seen the detector). By default only the ones the rules
have been tuned on (`TUNED`: tuning, held_out, newcomer, held_out_2, held_out_3, kinds_3,
held_out_4, kinds_4, kinds_5, kinds_6, held_out_7, kinds_7, held_out_8, kinds_8, held_out_9,
kinds_9, held_out_10, held_out_11, kinds_10, held_out_12, kinds_11, held_out_13, kinds_12,
kinds_13, held_out_15, held_out_16, kinds_14,
held_out_17, kinds_15, held_out_18, kinds_16, held_out_19, kinds_17, kinds_18, kinds_19);
a blind corpus is read only when named, so nobody tuning sees it by accident. Prints one JSON
line per corpus: the share of leaks let through (per kind), the share of ordinary messages
held (per kind), and time per message (p50, p95, ms). A line with "⏎" in it is one person's
consecutive messages, read as the relay reads them (see `read`): each with the last two
passed on as `previous`; the line is held if any of its messages is.

    .venv/bin/python bench/contact_detection.py [--misses] [--rules] [--corpus NAME ...]
    .venv/bin/python bench/contact_detection.py --pairs [N]

`--pairs` measures the split reading on ordinary chat instead: N (default 5000) random pairs
of ordinary lines from the tuned corpora, read as one person's two messages in a row; it
prints the share of pairs whose second message is held only because of the first (and
every pair held, and the same for triples, the relay's last two as `previous`).

`--misses` prints what a tuned corpus gets wrong (never a blind one's lines); `--rules`
scores the rules alone, without the learned second reader.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.peers import contact_reader  # noqa: E402
from bot.peers.contact import contact_details  # noqa: E402
from bot.peers.contact_pieces import PIECES_BACK, earlier_messages  # noqa: E402

CORPORA = ROOT / "content" / "contact_examples"
# The corpora the rules have been tuned on: their misses may be read. Any other corpus in
# CORPORA is blind (a fresh one for a clean measurement) and is only scored when named;
# held_out_2 joined once its clean first figure was recorded (3.2 % leaks, 0.35 % held);
# held_out_3 likewise after its clean measure (4.2 % leaks, 5.2 % held, 2026-11-30), to fix
# its kinds (public sites and helplines, references, conversational addresses); kinds_3 is
# the variants written while fixing them, tuned on from the start. held_out_4 joined after
# its clean measure (3.3 % leaks, 7.0 % held, 2026-12-01, after round three): three rounds
# of rules had plateaued at 3-4 % on unseen text, so its misses are read to fix their kinds
# (round four) and to train the learned second reader on; kinds_4 holds the variants
# written while fixing them. Its figures since are tuned, so optimistic. kinds_5 holds the
# variants written for round five (a newcomer's break-test, 2026-12-01), tuned on from the start;
# kinds_6 those for round six (the same break-test's next kinds), likewise. held_out_7
# joined after its clean measure (3.64 % leaks, 12 of 330: postcode 12 %, address 5.6 %,
# phone 5.1 %, email 1.7 %, handle 1.4 %; 2.12 % held, 7 of 330: public 12 %, times 3.3 %;
# after round six), to fix its kinds (round seven); kinds_7 holds the variants written
# while fixing them, tuned on from the start. Its figures since are tuned, so optimistic.
# held_out_8 joined after its clean measure (5.76 % leaks, 19 of 330: address 16.3 %,
# handle 8.6 %, phone 3.7 %, email 3.5 %, postcode 2.4 %; 2.42 % held, 8 of 330: postcode
# districts 7.1 %, public 5.9 % (three public venues' full postcodes), near-miss 4.2 %;
# 2026-12-01, after round seven), to fix its kinds (round eight). held_out_9 joined after
# its clean measure (5.76 % leaks, 19 of 330: address 12.5 %, handle 11.4 %, postcode 5.7 %,
# link 2.9 %, phone 2.2 %, email 1.7 %; 1.52 % held, 5 of 330: postcode districts 8 %;
# 2026-12-01, after round eight), to fix its kinds (round nine). Read as the relay reads a
# line of several messages (see `read`), its clean measure is 4.85 % leaks (16 of 330), the
# same 2.42 % held. kinds_8 holds the variants written while fixing them (round eight),
# tuned on from the start. Their figures since are tuned, so optimistic. Round nine aimed
# at the ways of telling a detail that slipped across held_out_7, 8 and 9 rather than at
# their lines (bot/peers/contact_signals.py: platforms' nicknames, symbols said in brackets,
# plus signs, boxed letters and flags, quoted and run-together profile names after an
# invitation, described handles, a house number told apart from its street, map positions,
# a postcode's rest described, a path put after a site, digit words in other scripts);
# kinds_9 holds the variants written for it, near-misses for each, tuned on from the start.
# held_out_10, measured once clean after round nine (2026-12-01): 2.12 % leaks (7 of 330:
# handle 3.8 %, postcode 3.3 %, address 2.9 %, email 1.8 %, phone 1.0 %) and 2.12 % held
# (7 of 330: postcode districts 6.7 %, near-miss 3.6 %, public 3.2 %).
# held_out_11, measured once clean after round nine (2026-12-01): 2.12 % leaks (7 of 330:
# postcode 5.7 %, handle 4.0 %, address 2.9 %, phone 1.1 %) and 2.73 % held (9 of 330:
# postcode districts 6.7 %, near-miss 5.5 %, public 5.0 %, chat 1.2 %). Both joined in the
# tenth session (2026-12-01), to fix their kinds (round ten); kinds_10 holds the variants
# written while fixing them, near-misses for each, tuned on from the start. Their figures
# since are tuned, so optimistic.
# held_out_12 (a sneakier writer: homes without a number, profiles pointed at, names to
# search, numbers backwards or in other scripts, a third person's details), measured once
# clean after round ten (2026-12-01, tenth session): 6.67 % leaks (22 of 330: address 20 %,
# handle 12 %, postcode 5.7 %, email 3.6 %, phone 2.1 %, link 0) and 3.03 % held (10 of
# 330: postcode districts 16.7 %, public 6.7 %, near-miss 1.8 %). It joined in the
# eleventh session to fix its kinds (round eleven); kinds_11 holds the variants written
# while fixing them, near-misses for each, tuned on from the start. Its figures since are
# tuned, so optimistic.
# held_out_13 (a fresh natural mix), measured once clean after round eleven (2026-12-01,
# tenth session): 2.12 % leaks (7 of 330: handle 6.7 %, address 2.9 %, email 1.8 %;
# phone, postcode, link 0) and 2.73 % held (9 of 330: postcode districts 10 %, near-miss
# 5.5 %, public 3.3 %, chat 1.2 %): the third fresh corpus in a row at ~2.1 % leaks, mostly
# handles. It joined in the twelfth round to fix its kinds; kinds_12 holds the variants
# written while fixing them (handles as an unknown word beside a platform or an invitation,
# organisations named beside their own site or account), tuned on from the start. Its
# figures since are tuned, so optimistic.
# held_out_14 (a fresh natural mix, written blind while round twelve was made), measured
# once clean after round twelve (2026-12-01, tenth session): 1.52 % leaks (5 of 330:
# handle 5.3 %, address 2.9 %; phone, email, link, postcode 0) and 2.73 % held (9 of 330:
# postcode districts 13.3 %, public 6.7 %, near-miss 1.8 %): within issue 11's bar. It
# stays blind (not in TUNED), like held_out_5 and held_out_6 (held_out_6: one line seen by
# a grep in round twelve, nothing tuned on it).
# held_out_15 (600: adversarial, half the leaks determined tricks), measured once clean
# after round thirteen (2026-12-01, tenth session): 3.67 % leaks (11 of 300: address
# 8.6 %, phone 5.6 %, handle 3.1 %, email 2.0 %; link, postcode 0) and 0.67 % held (2 of
# 300): over the acceptance bar on determined attempts. held_out_16 (700: adversarial,
# written blind), measured once clean after round thirteen (2026-12-01): 1.75 % leaks (7 of
# 400: address 9.5 %, postcode 1.8 %, others 0) and 1.0 % held (3 of 300: postcode
# districts 5.7 %, near-miss 1.7 %), p95 2.7 ms. Both joined in round fourteen to fix their
# kinds (addresses above all: in pieces, flats and named buildings, named houses; digits as
# words in more languages; handles a word a message); kinds_14 holds the variants written
# while fixing them, near-misses for each, tuned on from the start. Their figures since are
# tuned, so optimistic.
# held_out_17 (650: natural and determined, written blind), measured once clean after round
# fourteen (2026-12-01): 2.86 % leaks (address 7.1 %, handle 7.5 %, postcode 2.8 %, email
# 1.6 %, phone 0.9 %) and 1.67 % held (near-miss 6 %, public 3.6 %), p95 7 ms under load.
# It joined in round fifteen to fix its kinds; kinds_15 holds the variants written while
# fixing them, near-misses for each, tuned on from the start. Its figures since are tuned,
# so optimistic.
# held_out_18 (687: natural and determined, written blind), measured once clean after round
# fifteen (2026-12-01): 4.13 % leaks (16 of 387: handle 10.2 %, address 4.8 %, email 4.7 %,
# phone 3.0 %, postcode 1.9 %, link 0) and 2.0 % held (6 of 300: postcode districts 5.7 %,
# public 4.0 %, near-miss 3.3 %). It joined in round sixteen to fix its kinds; kinds_16
# holds the variants written while fixing them, near-misses for each, tuned on from the
# start. Its figures since are tuned, so optimistic.
# held_out_19 (650: natural and determined, written blind), measured once clean after round
# sixteen (2026-12-01): 2.29 % leaks (8 of 350: address 9.1 %, link 2.6 %, postcode 2.5 %,
# handle 1.8 %, phone 0.9 %) and 1.0 % held (3 of 300). It joined in round seventeen to
# fix its kinds (homes told in passing: a house number and a street name with or without
# its suffix, a flat in a named building, "number 22 on ...", a home split over messages;
# then links, postcodes, handles); kinds_17 holds the variants written while fixing them,
# near-misses for each (public places' addresses, bus routes, distances, times, scores),
# tuned on from the start. Its figures since are tuned, so optimistic.
# kinds_13 (round thirteen, a newcomer's break-test fixed by kind: a number a piece a
# message, read back over the run of pieces (bot/peers/contact_pieces.py), a house number
# with a bare street name, Chinese and Japanese number characters, a postcode spelt by
# sound, handles and emails described), tuned on from the start.
# kinds_18 (round eighteen, a newcomer's break-test fixed by kind: groups read a member's
# recent posts as the relay does, so pieces over 3+ messages; links in capitals or
# full-width; emails told as a name "at" a provider without its ending), with near-misses
# for each (shouted full stops without a space, working or a job at a provider), tuned on
# from the start. Its figures since are tuned, so optimistic.
# kinds_19 (round nineteen: a phone number said in words in fourteen more languages, from
# num2words and by hand, bot/peers/contact_digit_words.py), tuned on from the start.
TUNED = ("tuning", "held_out", "newcomer", "held_out_2", "held_out_3", "kinds_3",
         "held_out_4", "kinds_4", "kinds_5", "kinds_6", "held_out_7", "kinds_7", "held_out_8",
         "kinds_8", "held_out_9", "kinds_9", "held_out_10", "held_out_11", "kinds_10",
         "held_out_12", "kinds_11", "held_out_13", "kinds_12", "kinds_13", "held_out_15",
         "held_out_16", "kinds_14", "held_out_17", "kinds_15", "held_out_18", "kinds_16",
         "held_out_19", "kinds_17", "kinds_18", "kinds_19")
# Between one person's consecutive messages in a corpus line.
SPLIT = "⏎"


def load(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, kind, text = line.split("\t")
            rows.append((label, kind, text))
    return rows


def read(text: str, use_reader: bool = True) -> list[str]:
    """The kinds found in a corpus line. A line of several messages (⏎) is read as the relay
    reads them (bot/peers/relay.py): each in turn, with the sender's messages that were
    passed on (not held) as `previous`, as contact_pieces.earlier_messages picks them (the
    last two, or a run of numeric pieces: round thirteen); the line is held if any of
    its messages is. A detail told in four pieces ("07700" / "900" / "cont..." / "975") is
    caught where a piece is held, as the peer then never sees it whole; an ordinary line is
    held if any of its messages would be (round eight: before, only the last was read)."""
    found: list[str] = []
    passed: list[str] = []
    for part in (part.strip() for part in text.split(SPLIT)):
        kinds = contact_details(part, previous=earlier_messages(
            [(text, None) for text in reversed(passed[-PIECES_BACK - 1:])]),
            use_reader=use_reader)
        found += [kind for kind in kinds if kind not in found]
        if not kinds:
            passed.append(part)
    return found


def evaluate(rows: list[tuple[str, str, str]], misses: bool = False,
             use_reader: bool = True) -> dict[str, object]:
    total: Counter[str] = Counter()
    leaked: Counter[str] = Counter()
    ordinary: Counter[str] = Counter()
    held_kind: Counter[str] = Counter()
    held = benign = 0
    times = []
    for label, kind, text in rows:
        started = time.perf_counter()
        found = read(text, use_reader=use_reader)
        times.append((time.perf_counter() - started) * 1000)
        if label == "leak":
            total[kind] += 1
            leaked[kind] += not found
            wrong = not found
        else:
            benign += 1
            held += bool(found)
            ordinary[kind] += 1
            held_kind[kind] += bool(found)
            wrong = bool(found)
        if misses and wrong:
            print(f"{label:<7}{kind:<9}{','.join(found) or '-':<18}{text}")
    times.sort()
    leaks = sum(total.values())
    return {"leaks": leaks, "leak_rate": round(sum(leaked.values()) / max(leaks, 1), 4),
            "leak_rate_per_kind": {k: round(leaked[k] / total[k], 3) for k in sorted(total)},
            "benign": benign, "false_holds": round(held / max(benign, 1), 4),
            "false_holds_per_kind": {k: round(held_kind[k] / ordinary[k], 3)
                                     for k in sorted(ordinary)},
            "ms_p50": round(statistics.median(times), 3),
            "ms_p95": round(times[int(len(times) * 0.95) - 1], 3)}


def pairs(count: int, use_reader: bool = True, seed: int = 6) -> dict[str, object]:
    """The split reading on ordinary chat: random pairs (and triples) of ordinary lines from
    the tuned corpora read as one person's messages in a row (see the module's docstring)."""
    lines = [text for name in TUNED for label, _kind, text in load(CORPORA / f"{name}.tsv")
             if label == "benign" and SPLIT not in text]
    alone = {text: bool(contact_details(text, use_reader=use_reader)) for text in set(lines)}
    chance = random.Random(seed)
    figures: dict[str, object] = {"bench": "contact_detection", "pairs": count,
                                  "ordinary_lines": len(lines)}
    for size in (2, 3):
        extra = held = 0
        times = []
        examples = []
        for _ in range(count):
            *earlier, last = chance.sample(lines, size)
            started = time.perf_counter()
            found = contact_details(last, previous=" ".join(earlier), use_reader=use_reader)
            times.append((time.perf_counter() - started) * 1000)
            held += bool(found)
            if found and not alone[last]:
                extra += 1
                examples.append(f"{' | '.join(earlier)} ⏎ {last} -> {','.join(found)}")
        times.sort()
        name = "pairs" if size == 2 else "triples"
        figures[f"{name}_held_by_the_split_reading"] = round(extra / count, 4)
        figures[f"{name}_held"] = round(held / count, 4)
        figures[f"{name}_ms_p50"] = round(statistics.median(times), 3)
        figures[f"{name}_ms_p95"] = round(times[int(len(times) * 0.95) - 1], 3)
        figures[f"{name}_examples"] = examples[:8]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--rules", action="store_true", help="the rules alone, no reader")
    parser.add_argument("--corpus", nargs="+", default=TUNED, metavar="NAME")
    parser.add_argument("--pairs", nargs="?", const=5000, type=int, metavar="N",
                        help="the split reading on N random pairs of ordinary lines")
    args = parser.parse_args()
    contact_details("warm up 07700 900123 ann@example.com")  # load the suffix list
    contact_reader.wait()  # the learned second reader, trained in the background
    if args.pairs:
        print(json.dumps(pairs(args.pairs, use_reader=not args.rules), ensure_ascii=False))
        return 0
    for name in args.corpus:
        figures = evaluate(load(CORPORA / f"{name}.tsv"), misses=args.misses and name in TUNED,
                           use_reader=not args.rules)
        print(json.dumps({"bench": "contact_detection", "corpus": name, **figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
