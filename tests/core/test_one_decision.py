"""One reading, one decision: today's row of the plan is what ``decide`` gives (issue 8, findings 1 and 9)."""

from __future__ import annotations

from typing import Any

import pytest

from backstride.contract import RUNNING_KINDS, Decision, Plan, parse_state
from backstride.core.decide import decide_today
from backstride.core.planner import plan_week
from tests.scenarios.conftest import build_state

BASE = ["tue easy 10", "thu easy 10", "sat easy 8", "sun long 12"]


def _both(spec: dict[str, Any]) -> tuple[Plan, Decision]:
    state = parse_state(build_state(spec))
    return plan_week(state), decide_today(state)


def _todays_run(plan: Plan) -> Any:
    return next((s for s in plan.sessions if s.date == plan.week_start and s.kind in RUNNING_KINDS), None)


def assert_agree(plan: Plan, decision: Decision) -> None:
    run = _todays_run(plan)
    if decision.action in ("run_as_planned", "run_shorter_easier"):
        assert run is not None and decision.session == run
    else:
        assert run is None


STORIES = {
    "flare the next morning": {
        "today": "2026-11-29", "baseline": BASE, "history": {"weeks": 3, "pain_rest": 1, "pain_during": 2},
        "checkins": [{"date": "2026-11-28", "pain_rest": 1, "pain_during": 2}, {"date": "2026-11-29", "pain_rest": 4}],
    },
    "amber run yesterday": {
        "today": "2026-11-29", "baseline": BASE, "history": {"weeks": 3, "pain_rest": 1, "pain_during": 2},
        "checkins": [{"date": "2026-11-28", "pain_rest": 1, "pain_during": 4}, {"date": "2026-11-29", "pain_rest": 1}],
    },
    "severe pain at rest": {
        "today": "2026-11-29", "baseline": BASE, "history": {"weeks": 3, "pain_rest": 1, "pain_during": 2},
        "checkins": [{"date": "2026-11-29", "pain_rest": 9}],
    },
    "a sore morning": {
        "today": "2026-11-29", "baseline": BASE, "history": {"weeks": 3, "pain_rest": 1, "pain_during": 2},
        "checkins": [{"date": "2026-11-29", "pain_rest": 4}],
    },
    "a good morning": {
        "today": "2026-11-29", "baseline": BASE, "history": {"weeks": 3, "pain_rest": 1, "pain_during": 2},
        "checkins": [{"date": "2026-11-29", "pain_rest": 1}],
    },
    "no check-in this morning": {
        "today": "2026-11-29", "baseline": BASE, "history": {"weeks": 3, "pain_rest": 1, "pain_during": 2},
    },
}


@pytest.mark.parametrize("name", sorted(STORIES))
def test_plan_row_is_the_decision(name: str) -> None:
    plan, decision = _both(STORIES[name])
    assert_agree(plan, decision)


@pytest.mark.parametrize("name", ["flare the next morning", "severe pain at rest"])
def test_no_run_today_and_week_replanned(name: str) -> None:
    plan, decision = _both(STORIES[name])
    assert decision.action in ("cross_train", "rest")
    assert _todays_run(plan) is None
    assert plan.phase == "calm"  # the rest of the week is planned from today's picture: easy running only
    for s in plan.sessions:
        if s.kind in RUNNING_KINDS:
            assert s.kind not in ("intervals_long", "intervals_short", "tempo", "hills", "stairs")


def test_severe_pain_at_rest_names_the_rule() -> None:
    _, decision = _both(STORIES["severe pain at rest"])
    assert "P-SEVERE-REST" in {r.rule for r in decision.reasons}


def test_amber_run_shortens_today_in_plan_and_decision() -> None:
    plan, decision = _both(STORIES["amber run yesterday"])
    assert decision.action == "run_shorter_easier"
    run = _todays_run(plan)
    assert run is not None and run.notes.startswith("Shorter and easier today")
    assert (run.duration_min or 0) >= 15


def test_missing_checkin_is_said_first_and_not_read_as_green() -> None:
    _, decision = _both(STORIES["no check-in this morning"])
    texts = " ".join(r.text for r in decision.reasons)
    assert "No check-in" in texts
    assert "Nothing in this morning's check-in says otherwise" not in texts
