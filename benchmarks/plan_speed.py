"""How fast the planner is: plans per second in-process on two-year histories, and the CLI's cold start.

    .venv/bin/python benchmarks/plan_speed.py [--states 200] [--seconds 5] [--cold 10]

Prints figures; asserts nothing. Targets: at least 1,000 plans a second on one
core, and a cold `backstride plan` under 0.4 s.
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
from pathlib import Path
from typing import Any

from backstride.contract import parse_state
from backstride.core.decide import decide_today
from backstride.core.planner import plan_week

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--states", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=1.0, help="length of one timed round")
    ap.add_argument("--rounds", type=int, default=7, help="timed rounds; the median and the best are printed")
    ap.add_argument("--cold", type=int, default=10)
    args = ap.parse_args()

    raw = [two_year_state(i) for i in range(args.states)]
    t0 = time.perf_counter()
    states = [parse_state(r) for r in raw]
    parse_s = (time.perf_counter() - t0) / len(states)
    print(f"states: {len(states)}, each {len(raw[0]['checkins'])} check-ins and ~{len(raw[0]['activities'])} runs")
    print(f"validating one state (pydantic):   {parse_s * 1000:.2f} ms")

    # Shared machines are noisy: several short rounds, reporting the median and the best.
    for label, fn in (("plan", plan_week), ("decide", decide_today)):
        for s in states[:10]:  # warm the catalogue and caches
            fn(s)
        rates = []
        for _ in range(args.rounds):
            n, start = 0, time.perf_counter()
            while time.perf_counter() - start < args.seconds:
                fn(states[n % len(states)])
                n += 1
            rates.append(n / (time.perf_counter() - start))
        med = statistics.median(rates)
        print(f"{label} in-process (one core):       median {med:,.0f} a second ({1000 / med:.2f} ms each), "
              f"best {max(rates):,.0f}, worst {min(rates):,.0f} over {args.rounds} rounds")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "state.json"
        path.write_text(json.dumps(raw[0]))
        exe = Path(sys.executable).with_name("backstride")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "backstride"]
        times = []
        for _ in range(args.cold):
            t = time.perf_counter()
            subprocess.run([*cmd, "plan", "--input", str(path), "--json"], check=True, capture_output=True)
            times.append(time.perf_counter() - t)
        print(f"cold `backstride plan --json` (2-year state): median {statistics.median(times):.3f} s, "
              f"best {min(times):.3f} s over {args.cold} runs")


if __name__ == "__main__":
    main()
