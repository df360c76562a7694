"""The plan alone, and with reading the state from JSON text and from the database, for 2 and 10 years.

    .venv/bin/python benchmarks/plan_speed.py [--years 2 10] [--repeat 15] [--cold 5]

For each history length (a check-in every day and four runs a week, ``state_load.history``), the runner
is stored in a fresh SQLite database and the same state is kept as JSON text. Each repetition times the
same plan four ways, in a rotating order (paired), in wall and CPU milliseconds:

- plan alone: ``plan_week`` on a state already validated;
- text + plan: ``parse_state_text`` on the JSON bytes (one parse, as ``plan --input`` does), then the plan;
- window + plan: ``storage.state_load.planner_state`` (what ``plan --athlete`` reads: the planner's
  window and the latest older answer to each warning sign), then the plan;
- whole history + plan: ``storage.athletes.state_for`` (every check-in and run, as before the lean
  load), then the plan.

It checks that the window and the whole history give the same plan, and that the text gives the plan of
the state it holds; then prints the median and the spread (min-max) of each, and the paired ratio
whole history / window (target: at least 5x at 10 years). Last, the cold start: ``backstride plan
--input FILE --json`` in a fresh process on the 2-year text, ``--cold`` times (0 leaves it out).
Prints figures; asserts nothing. (``two_year_state`` below is the workload of plan_instructions.py.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from state_load import TODAY, history

from backstride.contract import parse_state, parse_state_text
from backstride.core.planner import plan_week
from backstride.storage import Database
from backstride.storage.athletes import create_athlete, state_for
from backstride.storage.state_load import planner_state

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WAYS = ("plan alone", "text + plan", "window + plan", "whole history + plan")


def two_year_state(seed: int) -> dict[str, Any]:
    """A runner with two years of daily check-ins and four or five runs a week."""
    rng = random.Random(seed)
    today = dt.date(2026, 11, 30)
    baseline = [{"day": "tue", "kind": "easy", "distance_km": 10}, {"day": "wed", "kind": "intervals",
                 "distance_km": 10, "rep_distance_m": 400, "reps": 10}, {"day": "thu", "kind": "easy",
                 "distance_km": 10}, {"day": "sat", "kind": "hills", "distance_km": 8},
                {"day": "sun", "kind": "long", "distance_km": 18}]
    checkins, activities = [], []
    pain = rng.randint(0, 3)
    for back in range(730, 0, -1):
        day = today - dt.timedelta(days=back)
        pain = max(0, min(7, pain + rng.choice((-1, 0, 0, 0, 1))))
        c: dict[str, Any] = {"date": day.isoformat(), "pain_rest": pain, "sleep_hours": 7.5, "stress": 3}
        if WEEKDAYS[day.weekday()] in ("tue", "wed", "thu", "sat", "sun") and rng.random() < 0.9:
            km = round(rng.uniform(5, 18), 1)
            activities.append({"date": day.isoformat(), "kind": rng.choice(("run", "easy", "long")),
                               "distance_km": km, "duration_min": round(km * 5.8, 1), "rpe": rng.randint(2, 6),
                               "cadence_spm": rng.randint(160, 178)})
            c["pain_during"] = min(10, pain + rng.choice((0, 0, 1, 2)))
            c["pain_after"] = c["pain_during"]
        checkins.append(c)
    return {"schema": "backstride.state/1", "today": today.isoformat(),
            "athlete": {"baseline": {"sessions": baseline}, "cadence_spm": 168},
            "checkins": checkins, "activities": activities}


def _timed(work: Callable[[], str]) -> tuple[float, float, str]:
    """Wall and CPU milliseconds of ``work``, and the plan it made (as JSON)."""
    cpu, wall = time.process_time(), time.perf_counter()
    plan = work()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, plan


def measure(years: int, repeat: int) -> tuple[list[list[float]], list[list[float]]]:
    """Paired wall and CPU times (ms) of the four ways, ``repeat`` times each, for ``years`` of history."""
    raw = history(years)
    text = json.dumps(raw).encode()
    state = parse_state(raw)
    wall: list[list[float]] = [[] for _ in WAYS]
    cpu: list[list[float]] = [[] for _ in WAYS]
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(f"sqlite:///{Path(tmp) / 'log.db'}")
        try:
            athlete = create_athlete(db, state, name="Runner")
            ways: list[Callable[[], str]] = [
                lambda: plan_week(state).model_dump_json(),
                lambda: plan_week(parse_state_text(text)).model_dump_json(),
                lambda: plan_week(planner_state(db, athlete, TODAY)).model_dump_json(),
                lambda: plan_week(state_for(db, athlete, TODAY)).model_dump_json(),
            ]
            plans = [way() for way in ways]  # also warms the catalogue and the connection
            if plans[0] != plans[1] or plans[2] != plans[3]:
                raise SystemExit(f"{years} years: the plans differ between the ways of reading the state")
            for i in range(repeat):
                for k in [(i + j) % len(WAYS) for j in range(len(WAYS))]:
                    w, c, _ = _timed(ways[k])
                    wall[k].append(w)
                    cpu[k].append(c)
        finally:
            db.dispose()
    return wall, cpu


def _fmt(times: list[float]) -> str:
    return f"{statistics.median(times):.1f} ({min(times):.1f}-{max(times):.1f})"


def cold_start(runs: int) -> list[float]:
    """Seconds of ``backstride plan --input FILE --json`` in a fresh process, on a two-year state."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "state.json"
        path.write_text(json.dumps(two_year_state(0)))
        exe = Path(sys.executable).with_name("backstride")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "backstride"]
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([*cmd, "plan", "--input", str(path), "--json"], check=True, capture_output=True)
            times.append(time.perf_counter() - t)
    return times


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--years", type=int, nargs="+", default=[2, 10], help="history lengths (default 2 10)")
    ap.add_argument("--repeat", type=int, default=15, help="paired repetitions (default 15)")
    ap.add_argument("--cold", type=int, default=5, help="cold CLI starts (default 5; 0 leaves them out)")
    args = ap.parse_args(argv)
    print(f"ms, median (min-max) of {args.repeat} paired repetitions; plans checked identical")
    print(f"{'years':>5}  {'way':<22} {'wall ms':>22} {'CPU ms':>22}")
    for years in args.years:
        wall, cpu = measure(years, args.repeat)
        for k, way in enumerate(WAYS):
            print(f"{years:>5}  {way:<22} {_fmt(wall[k]):>22} {_fmt(cpu[k]):>22}")
        ratio = [w / max(n, 1e-9) for w, n in zip(wall[3], wall[2], strict=True)]
        print(f"{years:>5}  whole history / window (paired, wall): median {statistics.median(ratio):.1f}x "
              f"({min(ratio):.1f}-{max(ratio):.1f})")
    if args.cold > 0:
        times = cold_start(args.cold)
        print(f"cold `backstride plan --input FILE --json` (2-year state): median {statistics.median(times):.3f} s "
              f"({min(times):.3f}-{max(times):.3f}) over {args.cold} runs")
    print(f"measured {dt.datetime.now():%Y-%m-%d %H:%M}")


if __name__ == "__main__":
    main()
