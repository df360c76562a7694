"""The load-and-plan benchmark (benchmarks/state_load.py) runs as its docstring says, on a short history;
its figures are read by people, so only their form is checked here (no timing assertion)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_the_state_load_benchmark_prints_both_loads_for_each_history_length() -> None:
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "state_load.py"), "--years", "1", "2",
                           "--repeat", "2"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "plans identical" in lines[0]
    assert "whole history" in lines[1] and "window" in lines[1]
    assert [line.split()[0] for line in lines[2:]] == ["1", "2"]
    assert all(line.rstrip().endswith("x") for line in lines[2:])
