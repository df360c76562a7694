"""Load-and-plan time: the whole history against the planner's window, for years of history.

    .venv/bin/python benchmarks/state_load.py [--years 2 10] [--repeat 15]

For each history length, one SQLite database holds a runner with a check-in every day and four runs a week.
Each repetition, in alternating order (paired), times the same work two ways:

- whole history: ``storage.athletes.state_for`` (every check-in and activity up to today) and ``plan_week``;
- window: ``storage.state_load.planner_state`` (the planner's window plus the latest older answer to each
  warning sign) and ``plan_week``.

It checks that both give byte-identical plans, then prints the median and the spread (min-max) of the wall
time in milliseconds and the ratio of the medians. plan_speed.py prints the same pair next to the plan
alone and the plan from JSON text, in wall and CPU time; ``history`` here is the workload of both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backstride.contract import parse_state
from backstride.core.planner import plan_week
from backstride.storage import Database
from backstride.storage.athletes import create_athlete, state_for
from backstride.storage.state_load import planner_state

TODAY = dt.date(2026, 11, 30)
DAY = dt.timedelta(days=1)


def history(years: int, seed: int = 1) -> dict[str, Any]:
    """A runner's state with ``years`` of daily check-ins and four runs a week up to ``TODAY``."""
    rng = random.Random(seed)
    checkins, activities = [], []
    day = TODAY - years * 365 * DAY
    while day < TODAY:
        checkins.append({"date": day.isoformat(), "pain_rest": rng.choice((0, 1, 1, 2, 2, 3))})
        if day.weekday() in (1, 3, 5, 6):
            km = 14.0 if day.weekday() == 6 else rng.choice((6.0, 8.0, 10.0))
            activities.append({"date": day.isoformat(), "kind": "long" if km > 12 else "easy",
                               "distance_km": km, "duration_min": round(km * 6.0, 1), "rpe": 4})
        day += DAY
    baseline = [{"day": "tue", "kind": "easy", "distance_km": 8.0}, {"day": "thu", "kind": "easy", "distance_km": 8.0},
                {"day": "sat", "kind": "easy", "distance_km": 8.0}, {"day": "sun", "kind": "long", "distance_km": 14.0}]
    return {"schema": "backstride.state/1", "today": TODAY.isoformat(),
            "athlete": {"baseline": {"sessions": baseline}}, "checkins": checkins, "activities": activities}


def _ms(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def measure(years: int, repeat: int) -> tuple[list[float], list[float]]:
    """Paired wall times (ms) of load-and-plan from the whole history and from the window."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(f"sqlite:///{Path(tmp) / 'log.db'}")
        try:
            athlete = create_athlete(db, parse_state(history(years)), name="Runner")

            def whole() -> str:
                return plan_week(state_for(db, athlete, TODAY)).model_dump_json()

            def window() -> str:
                return plan_week(planner_state(db, athlete, TODAY)).model_dump_json()

            if whole() != window():
                raise SystemExit(f"{years} years: the two loads give different plans")
            full_ms: list[float] = []
            window_ms: list[float] = []
            for i in range(repeat):
                pair = ((full_ms, whole), (window_ms, window))
                for times, work in (pair if i % 2 == 0 else pair[::-1]):
                    times.append(_ms(work))
        finally:
            db.dispose()
    return full_ms, window_ms


def _fmt(times: list[float]) -> str:
    return f"{statistics.median(times):8.1f} ({min(times):.1f}-{max(times):.1f})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, nargs="+", default=[2, 10], help="history lengths (default 2 10)")
    parser.add_argument("--repeat", type=int, default=15, help="paired repetitions (default 15)")
    args = parser.parse_args(argv)
    print(f"load and plan, wall ms, median (min-max) of {args.repeat} paired runs; plans identical")
    print(f"{'years':>5}  {'whole history':>24}  {'window':>24}  {'ratio':>6}")
    for years in args.years:
        full_ms, window_ms = measure(years, args.repeat)
        ratio = statistics.median(full_ms) / statistics.median(window_ms)
        print(f"{years:>5}  {_fmt(full_ms):>24}  {_fmt(window_ms):>24}  {ratio:5.1f}x")


if __name__ == "__main__":
    main()
