"""The import summary on the command line: nothing found is a warning and exit 1; names wrap at 80 columns."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED

CMD = [sys.executable, "-m", "backstride"]
ACTIVITIES = SHARED / "data" / "activities"
STATE = {"schema": "backstride.state/1", "today": "2026-11-30",
         "athlete": {"baseline": {"sessions": [{"day": "tue", "kind": "easy", "distance_km": 10}]}}}
LONG_NAMES = ["fit/gpsbabel__lezyne_super_gps-garmin_fit-sample-bad-endian.fit",
              "fit/fitparse__strava-android-app-201.10-b1218918.fit", "fit/garminsdk__WithGearChangeData.fit"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CMD, *args], input=stdin, capture_output=True, text=True, timeout=300,
                          env={"COLUMNS": "80", "PATH": "/usr/bin:/bin", "HOME": "/tmp", "NO_COLOR": "1"})


@pytest.fixture
def athlete(tmp_path: Path) -> tuple[str, str]:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    p = run("athlete", "create", "--from-state", "-", "--db", db, "--json", "--name", "Alex", stdin=json.dumps(STATE))
    assert p.returncode == 0, p.stderr
    return db, str(json.loads(p.stdout)["id"])


def test_an_empty_folder_warns_and_exits_1(athlete: tuple[str, str], tmp_path: Path) -> None:
    db, a = athlete
    (tmp_path / "empty").mkdir()
    p = run("import", "-a", a, "--db", db, str(tmp_path / "empty"))
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert "No activities were found" in p.stdout and "files read" not in p.stdout
    j = run("import", "-a", a, "--db", db, "--json", str(tmp_path / "empty"))
    assert j.returncode == 1 and json.loads(j.stdout)["found_nothing"] is True


def test_a_folder_of_other_files_warns_and_names_them(athlete: tuple[str, str], tmp_path: Path) -> None:
    db, a = athlete
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "readme.txt").write_text("notes")
    p = run("import", "-a", a, "--db", db, str(tmp_path / "docs"))
    assert p.returncode == 1
    assert "No activities were found" in p.stdout and "readme.txt" in p.stdout


def _first_cells(table_text: str) -> str:
    """The File column of the rendered tables, its wrapped pieces joined back together."""
    return "".join(line.split("│")[1].strip() for line in table_text.splitlines() if line.count("│") >= 3)


def test_damaged_and_unknown_files_are_named_in_full_at_80_columns(athlete: tuple[str, str], tmp_path: Path) -> None:
    paths = [ACTIVITIES / n for n in LONG_NAMES]
    if not all(p.exists() for p in paths):
        pytest.skip(f"the shared activity files are absent ({ACTIVITIES})")
    db, a = athlete
    p = run("import", "-a", a, "--db", db, *map(str, paths))
    assert p.returncode == 0, p.stderr
    assert max(len(line) for line in p.stdout.splitlines()) <= 80
    assert "…" not in p.stdout
    joined = _first_cells(p.stdout)
    for path in paths:
        assert path.name in joined
    assert "Read in part" in p.stdout and "read up to 92 min" in p.stdout
    assert "Sport unknown" in p.stdout and "does not say its sport" in p.stdout
