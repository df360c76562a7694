"""The plan benchmark (benchmarks/plan_speed.py) runs as its docstring says, on a short history and one
repetition; its figures are read by people, so only their form is checked here (no timing assertion)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

WAYS = ("plan alone", "text + plan", "window + plan", "whole history + plan")


def test_the_plan_benchmark_prints_every_way_of_reading_the_state_and_the_ratio() -> None:
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "plan_speed.py"), "--years", "1",
                           "--repeat", "1", "--cold", "1"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "plans checked identical" in lines[0]
    assert [line[7:].split("  ")[0].strip() for line in lines[2:6]] == list(WAYS)
    assert "whole history / window" in lines[6] and lines[6].split()[0] == "1"
    assert lines[7].startswith("cold `backstride plan")
