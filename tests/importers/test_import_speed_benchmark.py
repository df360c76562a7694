"""The import benchmark (benchmarks/import_speed.py) runs as its docstring says, on the few smallest shared
files and one repetition; its figures are read by people, so only their form is checked (no timing)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, SHARED

SCRIPT = REPO / "benchmarks" / "import_speed.py"


def _run(shared: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--limit", "4", "--repeat", "1"], capture_output=True,
                          text=True, timeout=300, check=False, env={**os.environ, "BACKSTRIDE_SHARED": shared})


def test_the_import_benchmark_prints_the_three_works_and_both_paired_ratios() -> None:
    if not (SHARED / "data" / "activities").is_dir():
        pytest.skip(f"the shared activity files are absent ({SHARED / 'data' / 'activities'})")
    done = _run(str(SHARED))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for work in ("bare fitdecode + gpxpy loop", "backstride decode only", "backstride decode + plausibility + store"):
        assert sum(line.startswith(work) for line in out.splitlines()) == 1, out
    assert "TCX left out" in out and "paired" in out
    ratios = [line for line in out.splitlines() if line.startswith("  backstride")]
    assert len(ratios) == 2 and all("wall" in r and "CPU" in r for r in ratios), out


def test_without_the_shared_files_the_import_benchmark_says_so_and_exits_0(tmp_path: object) -> None:
    done = _run(str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("skipped: the shared activity files are not at")
