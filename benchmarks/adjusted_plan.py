"""What a physio's adjustments cost a stored athlete's plan: reading them, and planning with them.

    .venv/bin/python benchmarks/adjusted_plan.py [--years 2] [--repeat 15]

One runner with ``years`` of daily check-ins and four runs a week (``state_load.history``) is stored in a
fresh SQLite database, twice: once without adjustments and once with three (a lower start, no stairs, a
stricter stop during a run). Each repetition times, in a rotating order (paired), in wall milliseconds:

- window + plan: ``planner_state`` then ``plan_week`` on the shipped catalogue (the plan before adjustments);
- plan_for, none: the service, which also reads the athlete's adjustments (there are none);
- plan_for, three: the same for the athlete with three adjustments.

Prints the median and the spread (min-max) of each and the paired ratio of plan_for (none) to window +
plan; asserts nothing. Checks first that the athlete without adjustments gets the same plan both ways.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from state_load import TODAY, history

from backstride.contract import parse_state
from backstride.core.planner import plan_week
from backstride.services.adjustments import set_adjustment
from backstride.services.training_log import plan_for
from backstride.storage import Database, create_athlete, planner_state


def _ms(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database.open(f"sqlite:///{Path(folder) / 'bench.db'}")
        state = parse_state(history(args.years))
        plain, tuned = create_athlete(db, state, name="plain"), create_athlete(db, state, name="tuned")
        for rule, param, value in (("W-START", "fraction", 0.6), ("I-STAIRS", "allowed", "no"),
                                   ("P-RED-DURING", "max_rise_points", 2)):
            set_adjustment(db, tuned, rule, param, value, "benchmark", by_email="physio@example.org")
        works: dict[str, Callable[[], object]] = {
            "window + plan": lambda: plan_week(planner_state(db, plain, TODAY)),
            "plan_for, none": lambda: plan_for(db, plain, TODAY, save=False),
            "plan_for, three": lambda: plan_for(db, tuned, TODAY, save=False),
        }
        assert plan_for(db, plain, TODAY, save=False)[1] == plan_week(planner_state(db, plain, TODAY))
        names = list(works)
        times: dict[str, list[float]] = {n: [] for n in names}
        for _ in range(2):  # warm-up
            for n in names:
                works[n]()
        for i in range(args.repeat):
            for n in names[i % len(names):] + names[:i % len(names)]:
                times[n].append(_ms(works[n]))
        db.dispose()
    print(f"{args.years}-year runner, {args.repeat} paired repetitions, wall ms: median (min-max)")
    for n in names:
        print(f"  {n:<16} {statistics.median(times[n]):7.2f} ({min(times[n]):.2f}-{max(times[n]):.2f})")
    ratio = [a / b for a, b in zip(times["plan_for, none"], times["window + plan"], strict=True)]
    print(f"  plan_for (none) / window + plan, paired: median {statistics.median(ratio):.3f} "
          f"({min(ratio):.3f}-{max(ratio):.3f})")


if __name__ == "__main__":
    main()
