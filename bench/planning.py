"""Planning a week of encouragement for 100,000 people: seconds and peak memory.

    .venv/bin/python bench/planning.py [--people 100000] [--database-url URL]

Creates the people (each with days, times, frequency, a phone number; some paused, some
with their own words), then times one planning run over a 7-day horizon, in a separate
process so peak memory is the planner's own. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from queue import Empty

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def create_people(url: str, people: int) -> None:
    import asyncio

    from bot.storage.db import Database
    from bot.storage.migrate import upgrade
    from bot.storage.models import Identity, Person

    rng = random.Random(7)

    def fill(connection) -> None:  # type: ignore[no-untyped-def]
        batch = 10_000
        for first in range(0, people, batch):
            rows = []
            for _ in range(min(batch, people - first)):
                answers = {"days": rng.sample(DAYS, rng.randint(1, 7)),
                           "times": rng.sample(["morning", "afternoon", "evening"],
                                               rng.randint(1, 2)),
                           "frequency": rng.choice(["weekly", "twice", "most_days"])}
                if rng.random() < 0.6:
                    answers["what_matters"] = "walk to the shops again"
                rows.append({"created_at": START, "updated_at": START, "role": "resident",
                             "status": "active", "language": "en", "answers": answers,
                             "flow_data": {}, "quiet_start": "21:00", "quiet_end": "08:30",
                             "consent_encouragement": True, "onboarded_at": START,
                             "name": rng.choice([None, "Sam", "Priya", "Margaret"]),
                             "paused_until": START + timedelta(days=30)
                             if rng.random() < 0.05 else None, "state_version": 1})
            ids = connection.execute(Person.__table__.insert().returning(
                Person.__table__.c.id), rows).scalars().all()
            connection.execute(Identity.__table__.insert(), [
                {"person_id": i, "channel": rng.choice(["sms", "telegram"]),
                 "address": f"+447{i:09d}", "created_at": START} for i in ids])

    async def create() -> None:
        await upgrade(url)
        db = Database(url)
        await db.run(fill)
        await db.dispose()

    asyncio.run(create())


def plan_once(url: str, days: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    import asyncio

    from bot.core.content import library
    from bot.scheduling import planner
    from bot.storage.db import Database

    content = library()

    async def plan() -> tuple[planner.PlanResult, float]:
        db = Database(url)
        started = time.perf_counter()
        done = await db.run(lambda c: planner.plan(c, content, START, days))
        took = time.perf_counter() - started
        await db.dispose()
        return done, took

    result, seconds = asyncio.run(plan())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb, 1),
               "people": result.people, "messages": result.messages,
               "checkins": result.checkins})


def result_of(process, queue) -> dict:  # type: ignore[no-untyped-def]
    """The child's result, or a clear failure if it died without one."""
    while True:
        try:
            return queue.get(timeout=1)
        except Empty:
            if not process.is_alive():
                failed = f"planning process failed (exit code {process.exitcode})"
                raise SystemExit(failed) from None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--days", type=int, default=7, help="planning horizon (serve uses 2)")
    args = parser.parse_args()
    from scratch import scratch_database

    with scratch_database(args.database_url, "planning") as url:
        create_people(url, args.people)
        spawn = multiprocessing.get_context("spawn")
        queue = spawn.Queue()
        runs = []
        for _ in range(2):  # the second run finds everything planned already
            process = spawn.Process(target=plan_once, args=(url, args.days, queue))
            process.start()
            runs.append(result_of(process, queue))
            process.join()
        result, second = runs
    print(json.dumps({
        "bench": "plan_encouragement", "horizon_days": args.days,
        "database": "sqlite" if url.startswith("sqlite") else "postgresql",
        **result, "replan_seconds": second["seconds"], "replan_new_rows": second["messages"],
    }))


if __name__ == "__main__":
    main()
