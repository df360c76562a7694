"""The nightly re-plan benchmark (benchmarks/nightly_replan.py) runs as its docstring says, briefly; its
figures are read by people, so only their form is checked (no timing assertion)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.postgres
def test_the_nightly_replan_benchmark_prints_its_median_spread_and_the_target(pg_url: str) -> None:
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "nightly_replan.py"), "--athletes", "4",
                           "--repeats", "2", "--database-url", pg_url], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("backstride nightly re-plan: 4 athletes on PostgreSQL, 2 repeats")
    assert lines[1].startswith("wall s     median") and "[" in lines[1]
    assert lines[2].startswith("per athlete median")
    assert "2,000 athletes at this rate" in lines[3] and "target < 120 s" in lines[3]
