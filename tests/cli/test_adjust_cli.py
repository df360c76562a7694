"""``backstride adjust`` and ``athlete diagnosis``: a physio's change, beside the cited default, and its undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_log_cli import create, run
from tests.conftest import SHARED


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'log.db'}"


def _plan(db: str, athlete: int, command: str = "plan") -> str:
    p = run(command, "-a", str(athlete), "--db", db, "--today", "2026-11-30", "--json")
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_set_list_and_undo_an_adjustment(db: str) -> None:
    athlete = create(db)
    before = _plan(db, athlete)
    p = run("adjust", "set", "-a", str(athlete), "--rule", "W-START", "--param", "fraction", "--value", "60%",
            "--reason", "very irritable back", "--by", "lee@clinic.example", "--db", db)
    assert p.returncode == 0 and "Recorded change 1" in p.stdout, p.stderr
    adjusted = json.loads(_plan(db, athlete))
    assert any("adjusted by your physio: fraction 60% (cited default 70%)" in r["why"]
               for r in adjusted["rules_applied"] if r["id"] == "W-START")
    listed = run("adjust", "list", "-a", str(athlete), "--db", db)
    assert all(w in listed.stdout for w in ("W-START", "60%", "70%", "lee@clinic.example", "very irritable back"))
    undo = run("adjust", "undo", "-a", str(athlete), "--change", "1", "--reason", "settled", "--db", db)
    assert undo.returncode == 0, undo.stderr
    assert _plan(db, athlete) == before
    trail = json.loads(run("adjust", "list", "-a", str(athlete), "--db", db, "--json").stdout)
    assert trail["current"] == [] and [e["kind"] for e in trail["history"]] == ["set", "undo"]


def test_decide_for_a_stored_athlete_reads_the_adjustments(db: str) -> None:
    athlete = create(db)
    run("adjust", "set", "-a", str(athlete), "--rule", "P-RED-DURING", "--param", "max_rise_points", "--value", "2",
        "--reason", "stop sooner", "--db", db)
    decision = json.loads(_plan(db, athlete, "decide"))
    if decision["stop_if"]:
        assert "more than 2 points" in decision["stop_if"][0]


@pytest.mark.parametrize(("args", "message"), [
    (("--rule", "W-START", "--param", "fraction", "--value", "0.95"), "--value: W-START fraction must be between"),
    (("--rule", "T-EMERG", "--param", "x", "--value", "1"), "--rule: T-EMERG cannot be adjusted"),
    (("--rule", "W-START", "--param", "share", "--value", "1"), "--param: rule W-START has no parameter 'share'"),
    (("--rule", "I-STAIRS", "--param", "allowed", "--value", "maybe"), "--value: give yes or no"),
])
def test_a_refused_adjustment_names_the_option(db: str, args: tuple[str, ...], message: str) -> None:
    athlete = create(db)
    p = run("adjust", "set", "-a", str(athlete), *args, "--reason", "r", "--db", db)
    assert p.returncode == 2 and message in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert json.loads(run("adjust", "list", "-a", str(athlete), "--db", db, "--json").stdout)["history"] == []


def test_a_diagnosis_and_a_clearance_go_on_the_trail(db: str) -> None:
    athlete = create(db)
    p = run("athlete", "diagnosis", "-a", str(athlete), "--text", "L5 radiculopathy", "--stops-running", "sciatica",
            "--by", "lee", "--db", db)
    assert p.returncode == 0 and "Running stops" in p.stdout, p.stderr
    assert json.loads(_plan(db, athlete))["running_allowed"] is False
    cleared = run("athlete", "clear", "-a", str(athlete), "--reason", "settled", "--by", "lee", "--db", db)
    assert cleared.returncode == 0, cleared.stderr
    trail = json.loads(run("adjust", "list", "-a", str(athlete), "--db", db, "--json").stdout)["history"]
    assert [(e["kind"], e["by"], e["reason"]) for e in trail] == [("diagnosis", "lee", "L5 radiculopathy"),
                                                                   ("clearance", "lee", "settled")]
    bad = run("athlete", "diagnosis", "-a", str(athlete), "--text", "x", "--stops-running", "flu", "--db", db)
    assert bad.returncode == 2 and "--stops-running: give one of" in bad.stderr


def test_an_adjusted_plan_and_decision_keep_to_the_contract(db: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    folder = SHARED / "contract"
    if not folder.exists():
        pytest.skip(f"{folder} is absent")
    from referencing import Registry, Resource

    athlete = create(db)
    for rule, param, value in (("W-START", "fraction", "60%"), ("I-STAIRS", "allowed", "no"),
                               ("P-RED-DURING", "max_rise_points", "2")):
        assert run("adjust", "set", "-a", str(athlete), "--rule", rule, "--param", param, "--value", value,
                   "--reason", "physio's call", "--db", db).returncode == 0
    plan_schema = json.loads((folder / "plan.schema.json").read_text())
    registry = Registry().with_resources([("plan.schema.json", Resource.from_contents(plan_schema))])
    decision_schema = json.loads((folder / "decision.schema.json").read_text())
    for command, schema in (("plan", plan_schema), ("decide", decision_schema)):
        doc = json.loads(_plan(db, athlete, command))
        assert list(jsonschema.Draft202012Validator(schema, registry=registry).iter_errors(doc)) == []
    assert "adjusted by your physio" in _plan(db, athlete)
