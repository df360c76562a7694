"""The cohort benchmark (benchmarks/cohort.py) runs as its docstring says, on a tiny cohort, and is
deterministic for a seed; its figures are read by people, so only their form is checked here."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

SCRIPT = REPO / "benchmarks" / "cohort.py"
POLICIES = ("backstride", "backstride, plan only", "keep training", "rest, then +10%")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300,
                          check=False)


def test_a_tiny_cohort_prints_every_policy_and_the_same_figures_for_the_same_seed() -> None:
    first = _run("--runners", "3", "--weeks", "4", "--seed", "7")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith("3 simulated runners, 4 weeks, seed 7")
    assert "flare weeks/runner" in lines[1] and "weeks to normal" in lines[1] and "km/runner" in lines[1]
    for name in POLICIES:
        row = next(line for line in lines if line.startswith(name))
        never = row[len(name):].split()[-2]
        assert never.endswith("/3"), row
    again = _run("--runners", "3", "--weeks", "4", "--seed", "7")
    assert again.stdout.splitlines()[:-1] == lines[:-1]  # the last line is the time it took


def test_keep_training_flares_every_week_when_the_back_tolerates_less_than_the_normal_week() -> None:
    # Every simulated back starts at 45-80% of the normal week and grows at most 12% a week.
    out = _run("--runners", "4", "--weeks", "3").stdout.splitlines()
    row = next(line for line in out if line.startswith("keep training"))
    assert float(row[len("keep training"):].split()[0]) == 3.0


def test_a_bad_option_is_named_without_a_traceback() -> None:
    bad = _run("--runners", "0")
    assert bad.returncode == 2
    assert "--runners" in bad.stderr and "Traceback" not in bad.stderr
