"""The decoding benchmark (benchmarks/decode_speed.py) runs as its docstring says, on a small corpus and one
repetition; its figures are read by people, so only their form is checked (no timing)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, SHARED


def test_the_decode_benchmark_prints_both_ways_and_the_paired_speed_up() -> None:
    if not (SHARED / "data" / "activities").is_dir():
        pytest.skip(f"the shared activity files are absent ({SHARED / 'data' / 'activities'})")
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "decode_speed.py"), "--files", "10",
                           "--workers", "2", "--repeat", "1"], capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, "BACKSTRIDE_SHARED": str(SHARED)})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("corpus: ") and "paired" in lines[0]
    assert [line.split()[0] for line in lines[2:4]] == ["workers=2", "workers=1"]
    assert lines[4].startswith("speed-up of 2 workers over one process (paired, wall)"), done.stdout
