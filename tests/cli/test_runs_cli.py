"""`runs`: what was done beside what was planned, on Monday weeks, readable at 80 columns, in the runner's units."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backstride.contract import Activity, Session
from backstride.core.planned_done import verdict

D = dt.date


def run(*args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "backstride.cli.main", *args], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.mark.parametrize(("planned", "done", "word"), [
    (8.0, 8.3, "as planned"), (8.0, 6.0, "shorter"), (8.0, 0.0, "skipped"), (8.0, 10.0, "more than planned"),
    (0.0, 4.0, "more than planned"),
])
def test_a_plain_verdict_for_what_was_done_against_what_was_planned(planned: float, done: float, word: str) -> None:
    assert verdict(planned, done, planned_anything=planned > 0, done_anything=done > 0) == word


def test_a_planned_strength_session_not_done_is_skipped_and_a_rest_day_is_rest() -> None:
    assert verdict(0.0, 0.0, planned_anything=True, done_anything=False) == "skipped"
    assert verdict(0.0, 0.0, planned_anything=False, done_anything=False) == "rest"


def test_runs_shows_planned_beside_done_week_by_week_in_miles_at_80_columns(tmp_path: Path) -> None:
    from backstride.contract import parse_state
    from backstride.core.planner import plan_week
    from backstride.storage import Database, add_activity, save_plan
    from backstride.storage.athletes import create_athlete

    db = f"sqlite:///{tmp_path / 'log.db'}"
    state = parse_state({"schema": "backstride.state/1", "today": "2026-11-25", "athlete": {
        "units": "mi", "baseline": {"sessions": [{"day": "tue", "kind": "easy", "distance_km": 8},
                                                 {"day": "sat", "kind": "long", "distance_km": 12}]}}})
    with Database.open(db) as database:
        athlete = create_athlete(database, state)
        plan = plan_week(state)
        save_plan(database, athlete, plan)
        runs = [s for s in plan.sessions if s.distance_km and s.kind != "rest"]
        first, second = runs[0], runs[1]
        add_activity(database, athlete, Activity(date=first.date, kind="easy", distance_km=first.distance_km))
        add_activity(database, athlete, Activity(date=second.date, kind="easy",
                                                 distance_km=round((second.distance_km or 0) / 2, 1)))
    today = (second.date + dt.timedelta(days=1)).isoformat()
    p = run("runs", "-a", str(athlete), "--db", db, "--today", today, "--weeks", "2")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in p.stdout.replace("… to come", "")  # no header or word cut short
    assert "✓ as planned" in p.stdout and "↓ shorter" in p.stdout
    assert " km" not in p.stdout and " mi" in p.stdout
    data = json.loads(run("runs", "-a", str(athlete), "--db", db, "--today", today, "--weeks", "2", "--json").stdout)
    assert all(D.fromisoformat(w["week_start"]).weekday() == 0 for w in data)
    days = {d["date"]: d for w in data for d in w["days"]}
    assert days[first.date.isoformat()]["verdict"] == "as planned"
    assert days[second.date.isoformat()]["verdict"] == "shorter"
    assert days[first.date.isoformat()]["done"][0]["distance_km"] == first.distance_km  # JSON stays in km


def test_weeks_reads_at_80_columns_with_marks_in_words_or_symbols(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    assert run("start", "--db", db, "--today", "2026-11-24").returncode == 0
    p = run("weeks", "-a", "1", "--db", db, "--today", "2026-11-24")
    assert p.returncode == 0, p.stderr
    assert max(len(line) for line in p.stdout.splitlines()) <= 80
    assert "…" not in p.stdout and "Runni" not in p.stdout.replace("Running", "")
    assert "Week of" in p.stdout and "Mon" in p.stdout


def test_sessions_kept_without_notes_read_back_as_sessions() -> None:
    s = Session(date=D(2026, 11, 30), kind="easy", distance_km=4.0, rules=("I-EASY",), notes="x")
    assert s.model_copy(update={"notes": ""}).notes == ""
