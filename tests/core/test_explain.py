"""The three reasons that set the week come first in the plan's explanation (issue 8, item 10)."""

from __future__ import annotations

from backstride.contract import parse_state
from backstride.core.explain import three_reasons
from backstride.core.planner import plan_week
from tests.scenarios.conftest import build_state

RETURNING = {"today": "2026-11-30", "baseline": ["tue intervals 10 reps=6x1000", "thu hills 10", "sun long 14"],
             "history": {"weeks": 5, "pain_rest": 1, "pain_during": 1, "scale": [0.7, 0.77, 0.85, 0.93, 1.0],
                         "kinds": {"intervals": "easy", "hills": "easy", "long": "long_run_walk"}}}
RESTART = {"today": "2026-11-30", "baseline": ["tue easy 8", "thu easy 8", "sun long 12"],
           "checkins": [{"date": "2026-11-29", "pain_rest": 1}],
           "activities": ["2026-11-02 easy 8", "2026-11-05 easy 8"]}


def _first(spec: dict[str, object], n: int = 3) -> list[tuple[str, str]]:
    plan = plan_week(parse_state(build_state(spec)))
    return [(r.id, r.why) for r in plan.rules_applied[:n]]


def test_dose_shape_and_the_one_change_lead_the_returning_week() -> None:
    first = _first(RETURNING)
    assert [r for r, _ in first] == ["W-PROGRESS", "W-SPLIT", "B-RETURN-ONE"]
    assert first[0][1].startswith("This week's dose: ")
    assert first[1][1].startswith("The week's shape: ")
    assert first[2][1].startswith("The one change this week: speed work (long reps below top speed) comes back")


def test_a_restart_leads_with_the_ladder() -> None:
    first = _first(RESTART, 2)
    assert [r for r, _ in first] == ["L-RESTART-LADDER", "L-RESTART"]
    assert "jog 1 min and walk 2 min" in first[0][1]


def test_only_what_the_plan_cites_is_put_first() -> None:
    assert three_reasons("W-HOLD", ["P-GREEN", "L-RUNWALK"]) == [("shape", "L-RUNWALK")]
    assert three_reasons("W-FLARE", ["W-FLARE", "A-TRIAL", "W-SPACE", "W-SPLIT"]) == [
        ("dose", "W-FLARE"), ("shape", "W-SPACE"), ("change", "A-TRIAL")]
