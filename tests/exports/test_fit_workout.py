"""FIT workouts for the watch: every file written decodes with fitdecode into the planned steps."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import fitdecode
import pytest

from backstride.contract import Session
from backstride.exports.fit_workout import PACE_BAND_MIN_PER_KM, session_fit

D = dt.date


def decode(data: bytes) -> list[tuple[str, dict[str, Any]]]:
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        return [(f.name, {x.name: x.value for x in f.fields if x.value is not None})
                for f in reader if isinstance(f, fitdecode.FitDataMessage)]


def steps(data: bytes) -> list[dict[str, Any]]:
    return [m for name, m in decode(data) if name == "workout_step"]


def test_run_walk_becomes_repeated_run_and_walk_steps_between_warm_up_and_cool_down() -> None:
    s = Session(date=D(2026, 12, 6), kind="long_run_walk", distance_km=8.1, duration_min=57.3,
                run_walk={"run_min": 8, "walk_min": 2}, rules=("L-RUNWALK",))
    data = session_fit(s, units="mi", easy_pace_min_per_km=6.5)
    messages = decode(data)
    assert messages[0][0] == "file_id" and messages[0][1]["type"] == "workout"
    [workout] = [m for n, m in messages if n == "workout"]
    assert workout["sport"] == "running" and workout["num_valid_steps"] == 5
    assert workout["wkt_name"] == "Long run walk 5.0 mi"
    warm, run, walk, repeat, cool = steps(data)
    assert (warm["intensity"], warm["duration_type"], warm["duration_time"]) == ("warmup", "time", 360.0)
    assert (run["duration_time"], run["target_type"], run["wkt_step_name"]) == (480.0, "speed", "Run 8 min, easy pace")
    assert run["custom_target_speed_low"] == pytest.approx(1000 / ((6.5 + PACE_BAND_MIN_PER_KM) * 60), abs=0.001)
    assert run["custom_target_speed_high"] == pytest.approx(1000 / ((6.5 - PACE_BAND_MIN_PER_KM) * 60), abs=0.001)
    assert (walk["duration_time"], walk["intensity"], walk["target_type"]) == (120.0, "recovery", "open")
    assert repeat["duration_type"] == "repeat_until_steps_cmplt"
    assert (repeat["duration_step"], repeat["repeat_steps"]) == (1, 6)  # 57 min of 8+2 min
    assert (cool["intensity"], cool["duration_time"]) == ("cooldown", 300.0)


def test_an_easy_run_without_a_known_pace_is_a_distance_step_with_no_target_and_says_easy() -> None:
    s = Session(date=D(2026, 12, 1), kind="easy", distance_km=4.0, rules=("I-EASY",))
    _, run, _ = steps(session_fit(s))
    assert (run["duration_type"], run["duration_distance"], run["target_type"]) == ("distance", 4000.0, "open")
    assert run["wkt_step_name"] == "Run 4.0 km, easy, conversational"


def test_a_session_that_is_not_a_run_is_refused() -> None:
    with pytest.raises(ValueError, match="not a run"):
        session_fit(Session(date=D(2026, 12, 1), kind="strength", duration_min=25, rules=()))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "backstride.cli.main", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "80"}, timeout=120)


def test_workout_writes_the_planned_run_and_the_week_as_a_zip(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    assert run("start", "--db", db, "--today", "2026-11-24").returncode == 0
    plan = json.loads(run("plan", "--athlete", "1", "--db", db, "--today", "2026-11-24", "--json").stdout)
    runs = [s for s in plan["sessions"] if s.get("distance_km") and s["kind"] not in ("cross_training", "rest")]
    one = tmp_path / "one.fit"
    plain = next((s for s in runs if not s.get("run_walk")), None)  # a run set by distance, not run:walk
    p = run("workout", "-a", "1", "--date", (plain or runs[0])["date"], str(one), "--db", db)
    assert p.returncode == 0, p.stderr
    [run_step] = [m for m in steps(one.read_bytes()) if m["intensity"] == "active"][:1]
    if plain is not None:
        assert run_step["duration_distance"] == pytest.approx(plain["distance_km"] * 1000, abs=1)
    else:
        assert run_step["duration_time"] == pytest.approx(runs[0]["run_walk"]["run_min"] * 60, abs=1)
    week = tmp_path / "week.zip"
    p = run("workout", "-a", "1", "--date", "2026-11-24", str(week), "--db", db, "--json")
    assert p.returncode == 0, p.stderr
    with zipfile.ZipFile(week) as zf:
        names = zf.namelist()
        assert len(names) == json.loads(p.stdout)["sessions"] == len(runs)
        for name in names:
            assert decode(zf.read(name))[0][1]["type"] == "workout"
    bad = run("workout", "-a", "1", "--date", "2026-13-01", str(tmp_path / "x.fit"), "--db", db)
    assert bad.returncode == 2 and "--date" in bad.stderr and not (tmp_path / "x.fit").exists()
    rest = [s["date"] for s in plan["sessions"] if s["kind"] == "rest"]
    if rest:
        none = run("workout", "-a", "1", "--date", rest[0], str(tmp_path / "r.fit"), "--db", db)
        assert none.returncode == 2 and "no run is planned" in none.stderr
