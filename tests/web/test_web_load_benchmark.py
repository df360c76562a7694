"""The web load benchmark (benchmarks/web_load.py) runs as its docstring says, briefly; its figures are read
by people, so only their form and the count of lost check-ins are checked (no timing assertion)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_the_web_load_benchmark_prints_every_scenario_and_loses_no_check_in() -> None:
    # 50 clients for a second a scenario: T13's A tier in short (every check-in answered 201 is a row).
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "web_load.py"), "--clients", "50",
                           "--seconds", "1", "--rounds", "1", "--clinic-athletes", "20"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines[2:7]] == ["healthz", "plan", "today", "checkin", "clinic"]
    assert all(line.split()[-3:] == ["0", "0", "0"] for line in lines[2:7]), done.stdout  # no 5xx, 4xx, locked
    assert any(line.startswith("clinic list (20 athletes) p99 ") for line in lines), done.stdout
    assert ", 0 lost; 0 5xx in all: met" in lines[-1]
