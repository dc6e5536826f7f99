"""How fast suggestions are ranked: one person at a time, and a whole wave.

    .venv/bin/python bench/ranking.py [--entries 10000] [--people 1000] [--wave 100000]

Builds a synthetic but realistic catalogue with a fixed seed (every kind, districts from
bot/geo/postcode-districts.csv, all costs, weekly schedules, accessibility with many
unknowns, a few children's and women-only sessions), then:

- ranks the full list for each of `--people` varied people and works out the first page
  of three in full, timing each person (the `RankingIndex` is built once, as the service
  builds it once per catalogue load);
- ranks a wave of `--wave` people for their first three suggestions, as a weekly
  message would, and reports the total time and people per second.

Prints one JSON line. Nothing touches the network or a database.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from bot.core.needs import ACCESS_FIELDS, ACTIVITIES, COMPANY, DAYS, WHERE, Needs  # noqa: E402
from bot.geo.districts import NON_GEOGRAPHIC, default_table  # noqa: E402
from bot.places.ranking import RankingIndex, page  # noqa: E402
from bot.places.schema import PLACE_ACCESS_FIELDS, Accessibility, Opportunity, Slot  # noqa: E402

SEED = 20260302
WAVE_CHUNK = 10_000
HELPS = ("company", "confidence", "where_to_start", "low_cost", "accessible", "transport",
         "caring", "language", "nothing")
STARTS = ("07:00", "09:00", "09:30", "10:00", "10:30", "11:00", "13:00", "14:00", "15:30",
          "17:30", "18:00", "19:00", "19:30")
SETTING_BY_KIND = {"session": ("leisure", "community", "outdoors", None),
                   "place": ("outdoors", "outdoors", "leisure", "community"),
                   "programme": (None, "community", "leisure"),
                   "online": ("online",), "at_home": ("home", "outdoors")}


def districts() -> list[str]:
    path = ROOT / "bot" / "geo" / "postcode-districts.csv"
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    return [row.split(",")[0] for row in rows if row.split(",")[0] not in NON_GEOGRAPHIC]


def tri(rng: random.Random, yes: float, no: float) -> bool | None:
    roll = rng.random()
    return True if roll < yes else False if roll < yes + no else None


def synthetic_entry(rng: random.Random, n: int, areas: list[str]) -> Opportunity:
    kind = rng.choices(("session", "place", "programme", "online", "at_home"),
                       (62, 18, 5, 8, 7))[0]
    district = rng.choice(areas) if rng.random() > 0.04 else None
    lat = lon = None
    centre = default_table().centroid(district)
    if centre and rng.random() < 0.7:  # most have coordinates near their district's centre
        lat = centre.latitude + rng.uniform(-0.03, 0.03)
        lon = centre.longitude + rng.uniform(-0.05, 0.05)
    schedule: tuple[Slot, ...] = ()
    if kind == "session" and rng.random() < 0.92:
        schedule = tuple(sorted({Slot(rng.choice(DAYS), rng.choice(STARTS))
                                 for _ in range(rng.choice((1, 1, 1, 2, 3)))}))
    access = {name: tri(rng, 0.3, 0.15) for name in (*ACCESS_FIELDS, *PLACE_ACCESS_FIELDS)}
    access["women_only"] = True if rng.random() < 0.03 else tri(rng, 0.0, 0.3)
    remote = kind in ("online", "at_home")
    return Opportunity(
        id=f"bench-{n:05d}", kind=kind, name=f"Bench option {n}",
        summary="A friendly session where you can go at your own pace.", source="bench",
        activities=tuple(rng.sample(ACTIVITIES, rng.choice((1, 1, 2, 3)))),
        setting=rng.choice(SETTING_BY_KIND[kind]),
        company=tuple(rng.sample(COMPANY, rng.randint(1, 3))),
        district=None if remote else district, latitude=None if remote else lat,
        longitude=None if remote else lon, schedule=schedule,
        cost=rng.choices(("free", "low", "paid", "unknown"), (35, 30, 20, 15))[0],
        accessibility=Accessibility(**access),
        level=rng.choice(("gentle", "moderate", "demanding", "any", "unknown")),
        age_max=12 if rng.random() < 0.02 else None,
        age_min=rng.choice((None, None, None, 16, 50, 60)),
        booking=rng.choice(("drop_in", "booking", "referral", "unknown")),
        verified=rng.random() < 0.3,
    )


def synthetic_person(rng: random.Random, areas: list[str], ids: list[str]) -> Needs:
    answers = {
        "activities": rng.sample(ACTIVITIES, rng.choice((0, 1, 2, 2, 3))),
        "helps": rng.sample(HELPS, rng.choice((0, 1, 2))),
        "days": ["any"] if rng.random() < 0.3 else rng.sample(DAYS, rng.randint(0, 4)),
        "times": ["varies"] if rng.random() < 0.2 else rng.sample(
            ("morning", "afternoon", "evening"), rng.randint(0, 2)),
        "with_whom": rng.sample(COMPANY, rng.randint(0, 2)),
        "where": rng.sample(WHERE, rng.randint(0, 2)),
    }
    district = rng.choice(areas) if rng.random() < 0.93 else None
    lat = lon = None
    if district and rng.random() < 0.1:  # shared a location instead
        centre = default_table().centroid(district)
        assert centre is not None
        lat, lon = centre.latitude + rng.uniform(-0.02, 0.02), centre.longitude
    access = None
    if rng.random() < 0.15:
        access = rng.sample(ACCESS_FIELDS, rng.randint(1, 2))
    return Needs.from_answers(
        answers, district=district, latitude=lat, longitude=lon,
        not_for_me=rng.sample(ids, rng.choice((0, 0, 1, 3))), access=access,
        max_cost=rng.choice((None, None, None, "free")), anything=rng.random() < 0.1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=1_000)
    parser.add_argument("--wave", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(SEED)
    areas = districts()
    entries = [synthetic_entry(rng, n, areas) for n in range(args.entries)]
    ids = [entry.id for entry in entries]

    started = time.perf_counter()
    index = RankingIndex(entries)
    build_ms = (time.perf_counter() - started) * 1000

    people = [synthetic_person(rng, areas, ids) for _ in range(args.people)]
    timings, offered = [], []
    for needs in people:
        started = time.perf_counter()
        found = index.rank(needs)
        first_page = page(found, 0)  # what the person is shown first, fully explained
        timings.append((time.perf_counter() - started) * 1000)
        assert len(first_page) == min(3, len(found))
        offered.append(len(found))

    # The wave goes in chunks so that only ranking is timed and the people made up for
    # it (not the ranker) don't dominate the memory measured.
    wave_seconds, empty, done = 0.0, 0, 0
    while done < args.wave:
        chunk = [synthetic_person(rng, areas, ids)
                 for _ in range(min(WAVE_CHUNK, args.wave - done))]
        started = time.perf_counter()
        # list(): each of the three is worked out in full (reasons, caveats), as if sent.
        empty += sum(1 for found in index.rank_many(chunk, limit=3) if not list(found))
        wave_seconds += time.perf_counter() - started
        done += len(chunk)

    return {
        "bench": "suggestion_ranking",
        "entries": len(entries),
        "index_build_ms": round(build_ms, 1),
        "people": len(people),
        "full_list_ms_p50": round(percentile(timings, 0.50), 2),
        "full_list_ms_p95": round(percentile(timings, 0.95), 2),
        "full_list_ms_p99": round(percentile(timings, 0.99), 2),
        "full_list_ms_max": round(max(timings), 2),
        "suggestions_per_person_median": statistics.median(offered),
        "wave_people": done,
        "wave_top": 3,
        "wave_seconds": round(wave_seconds, 2),
        "wave_people_per_second": round(done / wave_seconds),
        "wave_people_with_nothing": empty,
        # ru_maxrss is in KiB on Linux.
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
