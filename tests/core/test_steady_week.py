"""W-STEADY: a runner who asks each morning meets the week planned on Monday, until something changes.

Read as a clinician would: the runner follows the plan day by day, checks in green each morning, and
every morning's plan shows the same runs on the same days as Monday's; once a run answers amber the
week is planned again from that morning, and never with more running today than Monday planned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from backstride.contract import RUNNING_KINDS, Plan, parse_state
from backstride.core.decide import decide_today
from backstride.core.planner import plan_week

MONDAY = dt.date(2026, 11, 30)
BASELINE = [{"day": "tue", "kind": "easy", "distance_km": 8}, {"day": "thu", "kind": "easy", "distance_km": 8},
            {"day": "sat", "kind": "easy", "distance_km": 6}, {"day": "sun", "kind": "long", "distance_km": 12}]


def _history() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Four green weeks at 70% of the normal week, pain 0 at rest, 1 during the runs."""
    checkins, activities = [], []
    for k in range(28, 0, -1):
        day = MONDAY - dt.timedelta(days=k)
        wd = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
        runs = [s for s in BASELINE if s["day"] == wd]
        checkins.append({"date": day.isoformat(), "pain_rest": 0, **({"pain_during": 1} if runs else {})})
        activities += [{"date": day.isoformat(), "kind": s["kind"], "distance_km": round(s["distance_km"] * 0.7, 1),
                        "rpe": 3} for s in runs]
    return checkins, activities


def _state(today: dt.date, checkins: list[dict[str, Any]], activities: list[dict[str, Any]]) -> Any:
    return parse_state({"schema": "backstride.state/1", "today": today.isoformat(),
                        "athlete": {"baseline": {"sessions": BASELINE}},
                        "checkins": sorted(checkins, key=lambda c: c["date"]), "activities": activities})


def _runs(plan: Plan, until: dt.date) -> list[tuple[dt.date, str, float]]:
    return [(s.date, s.kind, s.distance_km or 0.0) for s in plan.sessions
            if s.kind in RUNNING_KINDS and s.date <= until]


def test_a_runner_who_asks_each_morning_meets_mondays_plan_all_week() -> None:
    checkins, activities = _history()
    checkins.append({"date": MONDAY.isoformat(), "pain_rest": 0})
    monday = plan_week(_state(MONDAY, checkins, activities))
    sunday = MONDAY + dt.timedelta(days=6)
    done = 0.0
    for k in range(7):
        today = MONDAY + dt.timedelta(days=k)
        if k:
            checkins.append({"date": today.isoformat(), "pain_rest": 0})
        state = _state(today, checkins, activities)
        plan = plan_week(state)
        assert _runs(plan, sunday) == [r for r in _runs(monday, sunday) if r[0] >= today], today
        if k:
            assert "W-STEADY" in {r.id for r in plan.rules_applied}
        decision = decide_today(state)
        if decision.session is not None and decision.session.kind in RUNNING_KINDS:
            km = decision.session.distance_km or 0.0
            activities.append({"date": today.isoformat(), "kind": decision.session.kind, "distance_km": km, "rpe": 3})
            checkins[-1]["pain_during"] = 1
            done += km
    # The week run is the week planned on Monday.
    assert abs(done - monday.volume.planned_run_km) < 0.05


def test_an_amber_run_plans_the_week_again_with_no_more_running_today_than_monday() -> None:
    checkins, activities = _history()
    checkins.append({"date": MONDAY.isoformat(), "pain_rest": 0})
    monday = plan_week(_state(MONDAY, checkins, activities))
    first = next(s for s in monday.sessions if s.kind in RUNNING_KINDS)
    activities.append({"date": first.date.isoformat(), "kind": first.kind, "distance_km": first.distance_km,
                       "rpe": 3})
    day_after = first.date + dt.timedelta(days=1)
    for d in range((day_after - MONDAY).days):
        day = MONDAY + dt.timedelta(days=d + 1)
        checkins.append({"date": day.isoformat(), "pain_rest": 0})
    by_date = {c["date"]: c for c in checkins}
    by_date[first.date.isoformat()]["pain_during"] = 5  # moderate pain: amber
    plan = plan_week(_state(day_after, list(by_date.values()), activities))
    assert "W-STEADY" not in {r.id for r in plan.rules_applied} or any(
        "Monday" in r.why for r in plan.rules_applied if r.id == "W-STEADY")
    today_km = sum(s.distance_km or 0.0 for s in plan.sessions if s.date == day_after and s.kind in RUNNING_KINDS)
    monday_km = sum(s.distance_km or 0.0 for s in monday.sessions if s.date == day_after and s.kind in RUNNING_KINDS)
    assert today_km <= monday_km + 1e-9
    assert "B-DECIDE" in {r.id for r in plan.rules_applied}  # the amber answer re-planned the week from today


def test_without_a_check_in_on_monday_there_is_no_monday_plan_to_follow() -> None:
    checkins, activities = _history()
    wednesday = MONDAY + dt.timedelta(days=2)
    checkins.append({"date": wednesday.isoformat(), "pain_rest": 0})
    plan = plan_week(_state(wednesday, checkins, activities))
    assert "W-STEADY" not in {r.id for r in plan.rules_applied}
