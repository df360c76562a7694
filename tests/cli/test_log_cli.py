"""The training log from the command line: store, import, check in, plan, report, export, erase, back up."""

from __future__ import annotations

import gzip
import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED

CMD = [sys.executable, "-m", "backstride"]
ACTIVITIES = SHARED / "data" / "activities"
STATE: dict[str, Any] = {
    "schema": "backstride.state/1", "today": "2026-11-30",
    "athlete": {"baseline": {"sessions": [{"day": "tue", "kind": "easy", "distance_km": 10},
                                          {"day": "thu", "kind": "easy", "distance_km": 10},
                                          {"day": "sun", "kind": "long", "distance_km": 12}]},
                "cadence_spm": 164, "cross_training": ["bike", "swim"], "shoes": [{"name": "Trainers", "km": 300}]},
    "checkins": [{"date": "2026-11-27", "pain_rest": 2, "pain_during": 3, "pain_after": 3},
                 {"date": "2026-11-29", "pain_rest": 2, "pain_during": 3, "pain_after": 3, "sleep_hours": 6.5}],
    "activities": [{"date": "2026-11-24", "kind": "easy", "distance_km": 10, "rpe": 3},
                   {"date": "2026-11-26", "kind": "easy", "distance_km": 10, "rpe": 3},
                   {"date": "2026-11-29", "kind": "long", "distance_km": 12, "rpe": 4}],
}


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'log.db'}"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CMD, *args], input=stdin, capture_output=True, text=True, timeout=300,
                          env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "HOME": "/tmp", "NO_COLOR": "1"})


def create(db: str, state: dict[str, Any] = STATE) -> int:
    p = run("athlete", "create", "--from-state", "-", "--db", db, "--json", "--name", "Alex", stdin=json.dumps(state))
    assert p.returncode == 0, p.stderr
    return int(json.loads(p.stdout)["id"])


def test_a_stored_athlete_plans_exactly_like_the_state_file(db: str) -> None:
    athlete = create(db)
    state = json.loads(run("state", "--athlete", str(athlete), "--db", db, "--today", "2026-11-30").stdout)
    assert state["today"] == "2026-11-30"
    assert len(state["checkins"]) == 2 and len(state["activities"]) == 3
    from_db = run("plan", "--athlete", str(athlete), "--db", db, "--today", "2026-11-30", "--json")
    from_file = run("plan", "--input", "-", "--json", stdin=json.dumps(STATE))
    assert from_db.returncode == 0, from_db.stderr
    assert json.loads(from_db.stdout) == json.loads(from_file.stdout)


def test_an_unknown_athlete_is_named(db: str) -> None:
    p = run("plan", "--athlete", "99", "--db", db, "--json")
    assert p.returncode == 2 and "99" in p.stderr and "Traceback" not in p.stderr


def test_a_checkin_from_flags_is_saved_and_screened_at_once(db: str) -> None:
    athlete = create(db)
    p = run("checkin", "--athlete", str(athlete), "--db", db, "--date", "2026-11-30", "--pain-rest", "3",
            "--yes", "saddle_numbness", "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["triage"]["level"] == "emergency" and doc["running_allowed"] is False
    human = run("checkin", "--athlete", str(athlete), "--db", db, "--date", "2026-11-30", "--pain-rest", "3",
                "--yes", "saddle_numbness")
    assert "GO TO AN EMERGENCY DEPARTMENT NOW" in human.stdout
    plan = json.loads(run("plan", "--athlete", str(athlete), "--db", db, "--today", "2026-11-30", "--json").stdout)
    assert {s["kind"] for s in plan["sessions"]} == {"rest"}


def test_a_checkin_replaces_that_days_answers(db: str) -> None:
    athlete = create(db)
    for pain in ("5", "1"):
        run("checkin", "-a", str(athlete), "--db", db, "--date", "2026-11-30", "--pain-rest", pain)
    state = json.loads(run("state", "-a", str(athlete), "--db", db, "--today", "2026-11-30").stdout)
    assert [c["pain_rest"] for c in state["checkins"] if c["date"] == "2026-11-30"] == [1]


@pytest.mark.parametrize(("args", "message"), [
    (("--pain-rest", "11"), "--pain-rest: must be between 0 and 10 (got 11)"),
    (("--date", "2026-02-30", "--pain-rest", "2"), "not a real date"),
    (("--yes", "headache"), "unknown symptom 'headache'"),
])
def test_a_bad_checkin_is_refused_with_a_clear_message(db: str, args: tuple[str, ...], message: str) -> None:
    athlete = create(db)
    p = run("checkin", "-a", str(athlete), "--db", db, *args)
    assert p.returncode == 2 and message in p.stderr and "Traceback" not in p.stderr


def test_a_checkin_without_answers_outside_a_terminal_says_what_to_do(db: str) -> None:
    athlete = create(db)
    p = run("checkin", "-a", str(athlete), "--db", db, stdin="")
    assert p.returncode == 2 and "--pain-rest" in p.stderr


def _real(*names: str) -> list[str]:
    paths = [ACTIVITIES / n for n in names]
    if not all(p.exists() for p in paths):
        pytest.skip(f"the shared activity files are absent ({ACTIVITIES})")
    return [str(p) for p in paths]


def test_import_real_files_then_again_adds_nothing(db: str, tmp_path: Path) -> None:
    files = _real("fit/fitparse__activity-small-fenix2-run.fit", "tcx/goldencheetah__10kUNLP2014-Garmin15.tcx",
                  "fit/goldencheetah__10kUNLP2014-Garmin15.fit")
    athlete = create(db)
    first = run("import", "-a", str(athlete), "--db", db, "--json", *files)
    assert first.returncode == 0, first.stderr
    s1 = json.loads(first.stdout)
    # The same 10 km race as FIT and TCX is one activity.
    assert s1["files"] == 3 and s1["imported"] == 2 and s1["duplicates"] == 1 and s1["failed"] == []
    again = json.loads(run("import", "-a", str(athlete), "--db", db, "--json", *files).stdout)
    assert again["imported"] == 0 and again["duplicates"] == 3
    gz = tmp_path / "race.fit.gz"
    gz.write_bytes(gzip.compress(Path(files[2]).read_bytes()))
    assert json.loads(run("import", "-a", str(athlete), "--db", db, "--json", str(gz)).stdout)["imported"] == 0


def test_import_reports_each_broken_file_and_keeps_the_rest(db: str, tmp_path: Path) -> None:
    good = _real("fit/fitparse__activity-small-fenix2-run.fit")[0]
    (tmp_path / "notes.fit").write_bytes(b"this is not a FIT file at all")
    (tmp_path / "bomb.gpx").write_text('<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa">]><gpx>&a;</gpx>')
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr("../../escape.fit", b"x")
        zf.write(good, "activities/run.fit")
    athlete = create(db)
    p = run("import", "-a", str(athlete), "--db", db, "--json", good, str(tmp_path / "notes.fit"),
            str(tmp_path / "bomb.gpx"), str(export))
    assert p.returncode == 1
    s = json.loads(p.stdout)
    assert s["imported"] == 1 and s["duplicates"] == 1
    reasons = {f["file"].rsplit("/", 1)[-1]: f["reason"] for f in s["failed"]}
    assert set(reasons) >= {"notes.fit", "bomb.gpx"} and any("escape" in f["file"] for f in s["failed"])
    assert all(r.strip() for r in reasons.values())
    assert not (tmp_path.parent / "escape.fit").exists()


def test_import_of_a_missing_path_is_a_usage_error(db: str) -> None:
    athlete = create(db)
    p = run("import", "-a", str(athlete), "--db", db, "/no/such/folder")
    assert p.returncode == 2 and "/no/such/folder" in p.stderr


def test_imported_runs_show_in_the_weeks_and_the_plan(db: str) -> None:
    files = _real("fit/fitparse__activity-small-fenix2-run.fit")
    athlete = create(db)
    run("import", "-a", str(athlete), "--db", db, *files)
    state = json.loads(run("state", "-a", str(athlete), "--db", db, "--today", "2026-11-30").stdout)
    imported = [a for a in state["activities"] if a["kind"] == "run"]
    assert imported and imported[0]["distance_km"] == pytest.approx(9.008, rel=0.01)
    weeks = json.loads(run("weeks", "-a", str(athlete), "--db", db, "--today", "2026-11-30", "--json").stdout)
    assert weeks[-1]["start"] == "2026-11-30" and weeks[-1]["run_km"] == 0  # this Monday week, so far
    assert weeks[-2]["run_km"] == pytest.approx(32.0, abs=0.1) and weeks[-2]["response"] in ("green", "unknown")


def test_causes_names_what_the_history_shows(db: str) -> None:
    state = json.loads(json.dumps(STATE))
    # Four weeks of 12 km, then 32 km: a jump the history shows.
    state["activities"] += [{"date": f"2026-{m:02d}-{d:02d}", "kind": "easy", "distance_km": 4}
                            for m, d in ((10, 27), (10, 29), (10, 31), (11, 3), (11, 5), (11, 7), (11, 10), (11, 12),
                                         (11, 14), (11, 17), (11, 19), (11, 21))]
    athlete = create(db, state)
    doc = json.loads(run("causes", "-a", str(athlete), "--db", db, "--today", "2026-11-30", "--json").stdout)
    found = {c["id"] for c in doc["causes"] if c["found"]}
    assert "C-LOAD-JUMP" in found or "C-ACWR" in found
    assert doc["questions"]
    human = run("causes", "-a", str(athlete), "--db", db, "--today", "2026-11-30")
    assert "What may have led to the pain" in human.stdout


def test_calendar_writes_one_event_per_session(db: str, tmp_path: Path) -> None:
    athlete = create(db)
    out = tmp_path / "week.ics"
    p = run("calendar", "-a", str(athlete), str(out), "--db", db, "--today", "2026-11-30")
    assert p.returncode == 0, p.stderr
    text = out.read_text()
    assert text.startswith("BEGIN:VCALENDAR") and text.count("BEGIN:VEVENT") >= 7


def test_export_json_and_csv_hold_everything_and_erase_removes_it(db: str, tmp_path: Path) -> None:
    athlete = create(db)
    run("checkin", "-a", str(athlete), "--db", db, "--date", "2026-11-30", "--pain-rest", "2",
        "--notes", "canary-7f3a")
    out = tmp_path / "alex.json"
    assert run("export", "-a", str(athlete), str(out), "--db", db).returncode == 0
    data = json.loads(out.read_text())
    assert "canary-7f3a" in out.read_text() and len(data["checkins"]) == 3
    again = run("export", "-a", str(athlete), str(out), "--db", db)
    assert again.returncode == 2 and "already exists" in again.stderr
    csv_zip = tmp_path / "alex.zip"
    assert run("export", "-a", str(athlete), str(csv_zip), "--format", "csv", "--db", db).returncode == 0
    assert any(n.endswith(".csv") for n in zipfile.ZipFile(csv_zip).namelist())
    refused = run("erase", "-a", str(athlete), "--db", db, stdin="")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    gone = run("erase", "-a", str(athlete), "--db", db, "--yes", "--json")
    assert gone.returncode == 0, gone.stderr
    assert run("state", "-a", str(athlete), "--db", db).returncode == 2
    db_file = Path(db.removeprefix("sqlite:///"))
    assert b"canary-7f3a" not in db_file.read_bytes()


def test_backup_is_a_checked_copy(db: str, tmp_path: Path) -> None:
    create(db)
    out = tmp_path / "backup.db"
    p = run("backup", str(out), "--db", db, "--json")
    assert p.returncode == 0, p.stderr
    with sqlite3.connect(out) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM activities").fetchone()[0] == 3
    again = run("backup", str(out), "--db", db)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_start_on_an_empty_log_shows_a_demo_athlete(db: str) -> None:
    p = run("start", "--db", db, "--today", "2026-11-24")
    assert p.returncode == 0, p.stderr
    assert "Sam (demo)" in p.stdout and "Why this plan" in p.stdout
    again = run("athlete", "list", "--db", db, "--json")
    assert [a["name"] for a in json.loads(again.stdout)] == ["Sam (demo)"]


def test_shoes_count_new_runs_and_say_when_to_replace_them(db: str) -> None:
    files = _real("fit/fitparse__activity-small-fenix2-run.fit")
    state = json.loads(json.dumps(STATE))
    del state["athlete"]["shoes"]
    athlete = create(db, state)
    old = run("shoes", "add", "-a", str(athlete), "Old trainers", "--km", "475", "--since", "2010-01-01",
              "--db", db, "--json")
    assert old.returncode == 0, old.stderr
    added = run("shoes", "add", "-a", str(athlete), "Pegasus 41", "--db", db, "--json")
    shoe, old_shoe = json.loads(added.stdout)["id"], json.loads(old.stdout)["id"]
    run("import", "-a", str(athlete), "--db", db, *files)
    listed = {s["id"]: s for s in json.loads(run("shoes", "list", "-a", str(athlete), "--db", db, "--json").stdout)}
    # the watch file is years old: it counts against the pair in use then, never the pair added today
    assert listed[old_shoe]["km"] == pytest.approx(484.0, abs=0.1)
    assert listed[old_shoe]["advice"] == "check them for wear"
    assert listed[shoe]["km"] == 0 and listed[shoe]["advice"] == "fine"
    bad = run("shoes", "add", "-a", str(athlete), "X", "--since", "2026-02-30", "--db", db)
    assert bad.returncode == 2 and "--since" in bad.stderr
    assert run("shoes", "retire", "-a", str(athlete), str(shoe), "--db", db).returncode == 0
    listed = {s["id"]: s for s in json.loads(run("shoes", "list", "-a", str(athlete), "--db", db, "--json").stdout)}
    assert listed[shoe]["advice"] == "retired"
    assert run("shoes", "retire", "-a", str(athlete), "999", "--db", db).returncode == 2
