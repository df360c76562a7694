"""The daily companion from the command line: short options, messages that name what was typed, sessions by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_log_cli import STATE, create, run


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'log.db'}"


@pytest.mark.parametrize("command", ["plan", "decide"])
def test_the_short_athlete_option_works_as_the_readme_shows(db: str, command: str) -> None:
    athlete = create(db)
    p = run(command, "-a", str(athlete), "--db", db, "--today", "2026-11-30", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["schema"].startswith("backstride.")


@pytest.mark.parametrize(("args", "message"), [
    (("--date", "2026-02-30", "--pain-rest", "2"), "--date: is not a real date"),
    (("--date", "1900-01-01", "--pain-rest", "2"), "--date: must be between 1980-01-01 and"),
    (("--date", "9999-12-31", "--pain-rest", "2"), "--date: must be between 1980-01-01 and"),
    (("--date", "2099-12-31", "--pain-rest", "2"), "--date: 2099-12-31 is in the future"),
    (("--sleep", "30"), "--sleep: must be between 0 and 24"),
    (("--pain-rest", "2", "--stress", "12"), "--stress: must be between 0 and 10"),
])
def test_checkin_messages_name_the_option_that_was_typed(db: str, args: tuple[str, ...], message: str) -> None:
    athlete = create(db)
    before = run("state", "-a", str(athlete), "--db", db, "--today", "2026-11-30").stdout
    p = run("checkin", "-a", str(athlete), "--db", db, *args)
    assert p.returncode == 2 and message in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert run("state", "-a", str(athlete), "--db", db, "--today", "2026-11-30").stdout == before  # nothing written


def test_a_folder_given_as_the_state_file_is_named_as_a_folder(db: str, tmp_path: Path) -> None:
    p = run("athlete", "create", "--from-state", str(tmp_path), "--db", db)
    assert p.returncode == 2 and "--from-state:" in p.stderr and "is a folder" in p.stderr


def test_the_export_format_follows_the_file_name_or_a_mismatch_is_refused(db: str, tmp_path: Path) -> None:
    athlete = create(db)
    mismatch = run("export", "-a", str(athlete), str(tmp_path / "x.json"), "--format", "csv", "--db", db)
    assert mismatch.returncode == 2 and "name the file .zip" in mismatch.stderr
    assert not (tmp_path / "x.json").exists()
    assert run("export", "-a", str(athlete), str(tmp_path / "x.zip"), "--db", db).returncode == 0
    import zipfile

    assert zipfile.is_zipfile(tmp_path / "x.zip")


def test_state_takes_json_like_every_command(db: str) -> None:
    athlete = create(db)
    p = run("state", "-a", str(athlete), "--db", db, "--json", "--today", "2026-11-30")
    assert p.returncode == 0 and json.loads(p.stdout)["schema"] == "backstride.state/1"


def test_answering_no_at_the_erase_prompt_says_nothing_was_erased(db: str) -> None:
    athlete = create(db)
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "backstride", "erase", "-a", str(athlete), "--db", db],
                            stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "NO_COLOR": "1", "COLUMNS": "120"})
    os.write(leader, b"n\n")
    out, _ = proc.communicate(timeout=120)
    os.close(leader)
    os.close(follower)
    assert proc.returncode == 1 and b"Nothing was erased" in out
    assert run("state", "-a", str(athlete), "--db", db).returncode == 0


def test_a_run_a_cross_training_and_a_strength_session_logged_by_hand_feed_the_planner(db: str) -> None:
    athlete = create(db)
    for args in (("run", "--distance", "6", "--minutes", "38", "--rpe", "4", "--treadmill", "--date", "2026-11-28"),
                 ("cross", "--sport", "bike", "--minutes", "30", "--date", "2026-11-28"),
                 ("strength", "--minutes", "25", "--date", "2026-11-27")):
        p = run("log", "-a", str(athlete), *args, "--db", db)
        assert p.returncode == 0, p.stderr
    state = json.loads(run("state", "-a", str(athlete), "--db", db, "--today", "2026-11-30").stdout)
    kinds = {(a["date"], a["kind"]) for a in state["activities"]}
    assert {("2026-11-28", "run"), ("2026-11-28", "cross_training"), ("2026-11-27", "strength")} <= kinds
    plan = json.loads(run("plan", "-a", str(athlete), "--db", db, "--today", "2026-11-30", "--json").stdout)
    assert plan["volume"]["last_week_run_km"] == pytest.approx(32 + 6, abs=0.05)


def test_the_same_run_typed_twice_is_one_activity(db: str) -> None:
    athlete = create(db)
    first = run("log", "-a", str(athlete), "run", "--distance", "6", "--minutes", "38", "--date", "2026-11-28",
                "--db", db, "--json")
    again = run("log", "run", "-a", str(athlete), "--distance", "6.1", "--minutes", "39", "--date", "2026-11-28",
                "--db", db, "--json")
    assert json.loads(first.stdout)["already_logged"] is False
    assert json.loads(again.stdout)["already_logged"] is True
    state = json.loads(run("state", "-a", str(athlete), "--db", db, "--today", "2026-11-30").stdout)
    assert sum(1 for a in state["activities"] if a["date"] == "2026-11-28") == 1


@pytest.mark.parametrize(("args", "message"), [
    (("run", "--distance", "60", "--minutes", "38"), "is faster than"),
    (("run", "--minutes", "30", "--date", "2030-01-01"), "--date: 2030-01-01 is in the future"),
    (("run", "--minutes", "30", "--rpe", "11"), "--rpe: must be between 0 and 10 (got 11)"),
    (("run", "--distance", "-3"), "--distance: must be 0 or more"),
    (("run", "--kind", "jog", "--minutes", "30"), "--kind: 'jog' is not a kind of run"),
    (("run", "--rpe", "3"), "give the distance, the time, or both"),
    (("cross", "--sport", "skating", "--minutes", "30"), "--sport: 'skating'"),
    (("strength", "--minutes", "3000"), "--minutes: must be between 0 and 2880"),
])
def test_impossible_sessions_are_refused_with_the_reason(db: str, args: tuple[str, ...], message: str) -> None:
    athlete = create(db)
    p = run("log", "-a", str(athlete), *args, "--db", db)
    assert p.returncode == 2 and message in p.stderr and "Traceback" not in p.stderr, p.stderr
    state = json.loads(run("state", "-a", str(athlete), "--db", db, "--today", "2026-11-30").stdout)
    assert len(state["activities"]) == len(STATE["activities"])


def test_a_runner_in_miles_logs_miles(db: str) -> None:
    state = {**STATE, "athlete": {**STATE["athlete"], "units": "mi"}}
    athlete = create(db, state)
    p = run("log", "-a", str(athlete), "run", "--distance", "5", "--minutes", "45", "--date", "2026-11-28",
            "--db", db)
    assert p.returncode == 0 and "5.0 mi" in p.stdout and "km" not in p.stdout, p.stdout
    stored = json.loads(run("state", "-a", str(athlete), "--db", db, "--today", "2026-11-30").stdout)
    assert any(a.get("distance_km") == pytest.approx(8.047, abs=0.001) for a in stored["activities"])


def test_a_runner_is_set_up_without_json_and_changed_later(db: str) -> None:
    p = run("athlete", "create", "--name", "Sam", "--units", "mi", "--week",
            "tue easy 5, thu easy 5, sat cross_training 45 min, sun long 9", "--available", "tue,thu,sat,sun",
            "--long-run-day", "sun", "--cross-training", "bike,swim", "--cadence", "162", "--db", db, "--json")
    assert p.returncode == 0, p.stderr
    athlete = str(json.loads(p.stdout)["id"])
    profile = json.loads(run("state", "-a", athlete, "--db", db).stdout)["athlete"]
    assert profile["units"] == "mi" and profile["available_days"] == ["tue", "thu", "sat", "sun"]
    assert [s.get("distance_km") for s in profile["baseline"]["sessions"]] == [8.047, 8.047, None, 14.484]
    assert profile["cross_training"] == ["bike", "swim"] and profile["cadence_spm"] == 162
    edit = run("athlete", "edit", "-a", athlete, "--available", "mon,wed,fri,sat", "--units", "km", "--db", db)
    assert edit.returncode == 0, edit.stderr
    profile = json.loads(run("state", "-a", athlete, "--db", db).stdout)["athlete"]
    assert profile["available_days"] == ["mon", "wed", "fri", "sat"] and profile["units"] == "km"
    assert profile["long_run_day"] == "sun"  # what was not given stays as it was


@pytest.mark.parametrize(("args", "message"), [
    (("--week", "tue jog 5"), "--week: 'jog' is not a kind of session"),
    (("--week", "tuesday easy"), "--week: 'tuesday easy' is not of the form"),
    (("--cadence", "500"), "--cadence: must be between 100 and 230"),
    (("--available", "mon,funday"), "--available: give days as mon,tue"),
    (("--units", "furlongs"), "--units:"),
])
def test_a_bad_edit_names_the_option_and_changes_nothing(db: str, args: tuple[str, ...], message: str) -> None:
    athlete = str(create(db))
    before = run("state", "-a", athlete, "--db", db, "--today", "2026-11-30").stdout
    p = run("athlete", "edit", "-a", athlete, *args, "--db", db)
    assert p.returncode == 2 and message in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert run("state", "-a", athlete, "--db", db, "--today", "2026-11-30").stdout == before


def test_setting_up_outside_a_terminal_without_answers_says_what_to_give(db: str) -> None:
    p = run("athlete", "create", "--db", db, stdin="")
    assert p.returncode == 2 and "--name" in p.stderr and "--week" in p.stderr


def test_a_clinicians_clearance_lifts_the_diagnosis_and_is_dated(db: str) -> None:
    athlete = str(create(db))
    assert run("athlete", "edit", "-a", athlete, "--diagnoses", "sciatica", "--db", db).returncode == 0
    held = json.loads(run("decide", "-a", athlete, "--db", db, "--today", "2026-11-30", "--json").stdout)
    assert held["session"] is None or held["session"]["kind"] not in ("easy", "long", "run_walk")
    p = run("athlete", "clear", "-a", athlete, "--date", "2026-11-29", "--db", db, "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == {"athlete": int(athlete), "cleared_on": "2026-11-29",
                                    "diagnoses_lifted": ["sciatica"]}
    state = json.loads(run("state", "-a", athlete, "--db", db, "--today", "2026-11-30").stdout)
    assert "cleared_to_run" in state["athlete"]["diagnoses"]
    plan = json.loads(run("plan", "-a", athlete, "--db", db, "--today", "2026-11-30", "--json").stdout)
    assert plan["running_allowed"] is True


def test_a_checkin_with_a_bad_run_and_no_watch_file_replans_and_says_so(db: str) -> None:
    athlete = str(create(db))
    morning = run("checkin", "-a", athlete, "--db", db, "--date", "2026-11-30", "--pain-rest", "2", "--sleep", "7")
    assert "No warning signs" in morning.stdout
    p = run("checkin", "-a", athlete, "--db", db, "--date", "2026-11-30", "--pain-during", "6", "--rising",
            "--sharp", "--json")
    doc = json.loads(p.stdout)
    assert doc["run"]["level"] == "red" and doc["replanned"] is True
    assert doc["checkin"]["pain_rest"] == 2 and doc["checkin"]["sleep_hours"] == 7  # the morning's answers kept
    human = run("checkin", "-a", athlete, "--db", db, "--date", "2026-11-30", "--pain-during", "6")
    assert "No warning signs" not in human.stdout and "too much for your back" in human.stdout


def test_a_red_flag_answered_yes_stays_until_answered_no(db: str) -> None:
    athlete = str(create(db))
    run("checkin", "-a", athlete, "--db", db, "--date", "2026-11-30", "--pain-rest", "2", "--yes", "saddle_numbness")
    later = json.loads(run("checkin", "-a", athlete, "--db", db, "--date", "2026-11-30", "--pain-during", "2",
                           "--json").stdout)
    assert later["checkin"]["saddle_numbness"] is True and later["triage"]["level"] == "emergency"
    cleared = json.loads(run("checkin", "-a", athlete, "--db", db, "--date", "2026-11-30", "--no", "saddle_numbness",
                             "--json").stdout)
    assert cleared["checkin"]["saddle_numbness"] is False and cleared["triage"]["level"] != "emergency"


def test_yes_and_no_for_one_symptom_is_refused(db: str) -> None:
    athlete = str(create(db))
    p = run("checkin", "-a", athlete, "--db", db, "--yes", "limping", "--no", "limping")
    assert p.returncode == 2 and "answer it one way" in p.stderr


def test_a_runner_in_miles_reads_no_kilometre_in_plan_or_decision(db: str) -> None:
    p = run("athlete", "create", "--name", "Sam", "--units", "mi", "--week", "tue easy 5, thu easy 5, sun long 9",
            "--db", db, "--json")
    athlete = str(json.loads(p.stdout)["id"])
    run("checkin", "-a", athlete, "--db", db, "--pain-rest", "3")
    for command in ("plan", "decide"):
        out = run(command, "-a", athlete, "--db", db).stdout
        assert " km" not in out and "mi" in out, out
        assert ".." not in out.replace("...", "")
