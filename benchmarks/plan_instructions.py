"""Instructions per plan, counted by valgrind: a figure that does not move with a shared machine's noise.

    .venv/bin/python benchmarks/plan_instructions.py [--states 20] [--rounds 5]

Wall-clock rates on a shared virtual machine can vary by a quarter between
runs; an instruction count is the same every time, so it is what to compare
when changing the planner. Runs the same process twice under callgrind (only
warm-up, then warm-up and the timed plans) and prints the difference per plan.
Needs Debian's valgrind; prints a note and exits 0 without it. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

WORKLOAD = """
import sys
sys.path.insert(0, {here!r})
from plan_speed import two_year_state
from backstride.contract import parse_state
from backstride.core.planner import plan_week
states = [parse_state(two_year_state(i)) for i in range({states})]
for s in states:
    plan_week(s)
for _ in range({rounds}):
    for s in states:
        plan_week(s)
"""


def _instructions(states: int, rounds: int) -> int:
    code = WORKLOAD.format(here=str(HERE), states=states, rounds=rounds)
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dict layouts every run
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code],
                         capture_output=True, text=True, env=env, check=True)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise SystemExit(f"valgrind printed no instruction count:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--states", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind); nothing measured")
        return
    base = _instructions(args.states, 0)
    full = _instructions(args.states, args.rounds)
    per_plan = (full - base) / (args.states * args.rounds)
    print(f"states: {args.states} two-year histories, {args.rounds} rounds")
    print(f"instructions per plan (callgrind): {per_plan / 1e6:.2f} million")


if __name__ == "__main__":
    main()
