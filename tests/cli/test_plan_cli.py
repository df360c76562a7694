"""The planning command line, used as a runner or a script would use it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED

CMD = [sys.executable, "-m", "backstride"]
STATE: dict[str, Any] = {
    "schema": "backstride.state/1", "today": "2026-11-30",
    "athlete": {"baseline": {"sessions": [{"day": "tue", "kind": "easy", "distance_km": 10},
                                          {"day": "thu", "kind": "easy", "distance_km": 10},
                                          {"day": "sun", "kind": "long", "distance_km": 12}]},
                "cadence_spm": 164},
    "checkins": [{"date": "2026-11-29", "pain_rest": 2, "pain_during": 3, "pain_after": 3}],
    "activities": [{"date": "2026-11-24", "kind": "easy", "distance_km": 10},
                   {"date": "2026-11-26", "kind": "easy", "distance_km": 10},
                   {"date": "2026-11-29", "kind": "long", "distance_km": 12}],
}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CMD, *args], input=stdin, capture_output=True, text=True, timeout=60,
                          env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "HOME": "/tmp", "NO_COLOR": "1"})


def test_plan_json_from_stdin_is_the_contract() -> None:
    p = run("plan", "--input", "-", "--json", stdin=json.dumps(STATE))
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["schema"] == "backstride.plan/1" and doc["week_start"] == "2026-11-30"
    assert doc["phase"] == "calm" and 19.2 <= doc["volume"]["planned_run_km"] <= 25.6


def test_plan_json_matches_the_schema_when_the_contract_is_there() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    folder = SHARED / "contract"
    if not folder.exists():
        pytest.skip(f"{folder} is absent")
    from referencing import Registry, Resource

    plan_schema = json.loads((folder / "plan.schema.json").read_text())
    registry = Registry().with_resources([("plan.schema.json", Resource.from_contents(plan_schema))])
    decision_schema = json.loads((folder / "decision.schema.json").read_text())
    for command, schema in (("plan", plan_schema), ("decide", decision_schema)):
        p = run(command, "--input", "-", "--json", stdin=json.dumps(STATE))
        errors = list(jsonschema.Draft202012Validator(schema, registry=registry).iter_errors(json.loads(p.stdout)))
        assert errors == []


def test_the_same_input_prints_the_same_bytes(tmp_path: Path) -> None:
    f = tmp_path / "state.json"
    f.write_text(json.dumps(STATE))
    assert run("plan", "--input", str(f), "--json").stdout == run("plan", "--input", str(f), "--json").stdout


@pytest.mark.parametrize(("change", "where"), [
    (lambda s: s["checkins"][0].update(pain_during=11), "checkins[0].pain_during: must be between 0 and 10 (got 11)"),
    (lambda s: s.update(today="2026-02-30"), "today: is not a real date"),
    (lambda s: s["activities"][0].update(distance_km=-3), "activities[0].distance_km: must be between 0 and 500"),
    (lambda s: s["activities"][1].update(kind="swimming"), "activities[1].kind: must be one of"),
    (lambda s: s["athlete"].pop("baseline"), "athlete.baseline: is required"),
])
def test_bad_input_exits_2_with_one_located_line_per_problem(change: Any, where: str) -> None:
    state = json.loads(json.dumps(STATE))
    change(state)
    p = run("plan", "--input", "-", "--json", stdin=json.dumps(state))
    assert p.returncode == 2
    assert p.stdout == ""
    assert where in p.stderr
    assert "Traceback" not in p.stderr


def test_several_problems_are_all_named() -> None:
    state = json.loads(json.dumps(STATE))
    state["checkins"][0]["pain_rest"] = 12
    state["activities"][0]["rpe"] = -1
    p = run("decide", "--input", "-", "--json", stdin=json.dumps(state))
    assert p.returncode == 2
    assert len(p.stderr.strip().splitlines()) == 2


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", "null", "\"x\"", "{\"schema\": 1}"])
def test_text_that_is_not_a_state_exits_2_cleanly(text: str) -> None:
    p = run("plan", "--input", "-", "--json", stdin=text)
    assert p.returncode == 2 and p.stdout == "" and p.stderr.strip() and "Traceback" not in p.stderr


def test_a_missing_input_file_is_named() -> None:
    p = run("plan", "--input", "/no/such/state.json")
    assert p.returncode == 2 and "/no/such/state.json" in p.stderr


def test_the_human_plan_shows_the_week_and_the_reasons() -> None:
    p = run("plan", "--input", "-", stdin=json.dumps(STATE))
    assert p.returncode == 0
    assert "Calming the back down" in p.stdout
    assert "Long run:walk" in p.stdout
    assert "Why this plan" in p.stdout and "W-START" in p.stdout


def test_an_emergency_is_unmistakable_for_people() -> None:
    state = json.loads(json.dumps(STATE))
    state["checkins"].append({"date": "2026-11-30", "pain_rest": 4, "saddle_numbness": True})
    p = run("decide", "--input", "-", stdin=json.dumps(state))
    assert p.returncode == 0
    assert "EMERGENCY" in p.stdout and "emergency department now" in p.stdout
    assert "Seek care" in p.stdout


def test_decide_tells_what_means_stop() -> None:
    state = json.loads(json.dumps(STATE))
    state["today"] = "2026-12-01"
    p = run("decide", "--input", "-", "--json", stdin=json.dumps(state))
    doc = json.loads(p.stdout)
    assert doc["schema"] == "backstride.decision/1"
    if doc["session"] and doc["session"]["kind"] not in ("rest", "strength", "cross_training"):
        assert any("more than 3 points" in s for s in doc["stop_if"])


def test_rules_json_lists_every_rule_with_its_numbers_and_source() -> None:
    p = run("rules", "--json")
    rules = json.loads(p.stdout)
    by_id = {r["id"]: r for r in rules}
    assert by_id["W-START"]["fraction"] == 0.7 and by_id["W-START"]["source"]
    assert by_id["L-SPIKE"]["max_ratio"] == 1.1
    assert all({"id", "title", "source"} <= set(r) for r in rules)


def test_rules_for_people_is_a_table() -> None:
    p = run("rules")
    assert p.returncode == 0 and "T-EMERG" in p.stdout and "cauda equina" in p.stdout


def test_the_contract_examples_pass_when_the_checker_is_there() -> None:
    checker = SHARED / "contract" / "check.py"
    if not checker.exists():
        pytest.skip(f"{checker} is absent")
    examples = sorted(str(p) for p in (SHARED / "contract" / "examples").glob("*.json"))
    p = subprocess.run([sys.executable, str(checker), "--cmd", f"{sys.executable} -m backstride", *examples],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout
    assert p.stdout.strip().splitlines()[-1] == f"{len(examples)} passed, 0 failed"
