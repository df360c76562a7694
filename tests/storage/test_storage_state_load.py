"""The planner's windowed load: the same plan and decision as from the whole history, read from far less."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.contract import Checkin, parse_state
from backstride.core.decide import decide_today
from backstride.core.planner import plan_week
from backstride.storage.athletes import create_athlete, state_for
from backstride.storage.checkins import upsert_checkin
from backstride.storage.engine import Database
from backstride.storage.state_load import FLAG_FIELDS, PLANNER_WINDOW_DAYS, planner_state
from tests.storage.storage_builders import full_state

D = dt.date
DAY = dt.timedelta(days=1)
_KINDS = ("easy", "recovery", "long", "run_walk", "long_run_walk", "intervals_short", "intervals_long", "tempo",
          "hills", "stairs", "race", "run", "cross_training", "strength", "mobility")


def _history(seed: int, years: int, today: dt.date, checkin_share: float, flag_share: float,
             cleared: bool) -> dict[str, Any]:
    """A runner's state: ``years`` of check-ins and activities up to a few days after ``today``."""
    rng = random.Random(seed)
    data = full_state().to_json_dict()
    data["today"] = today.isoformat()
    data["athlete"]["diagnoses"] = ["cleared_to_run"] if cleared else []
    checkins, activities = [], []
    day = today - years * 365 * DAY
    while day <= today + 3 * DAY:
        if rng.random() < checkin_share:
            c: dict[str, Any] = {"date": day.isoformat()}
            for pain in ("pain_rest", "pain_during", "pain_after", "pain_next_morning"):
                if rng.random() < 0.7:
                    c[pain] = rng.choice((0, 0, 0, 1, 2, 3, 4, 5, 7, 9))
            for flag in FLAG_FIELDS:
                if rng.random() < flag_share:
                    c[flag] = rng.random() < 0.4
            if rng.random() < 0.3:
                c["sleep_hours"] = rng.choice((5.5, 7.0, 8.25))
            checkins.append(c)
        if rng.random() < 0.6:
            kind = rng.choice(_KINDS)
            a: dict[str, Any] = {"date": day.isoformat(), "kind": kind}
            if rng.random() < 0.8:
                a["distance_km"] = round(rng.uniform(1, 25), 2)
            if rng.random() < 0.8:
                a["duration_min"] = round(rng.uniform(10, 150), 1)
            if rng.random() < 0.3:
                a["rpe"] = rng.randint(1, 10)
            if rng.random() < 0.3:
                a["cadence_spm"] = rng.choice((150, 165, 172, 180))
            activities.append(a)
        day += DAY
    # A warning sign answered long ago, perhaps answered again later, perhaps never.
    if rng.random() < 0.7 and checkins:
        old = rng.choice(checkins[: max(1, len(checkins) // 2)])
        old[rng.choice(FLAG_FIELDS)] = True
    data["checkins"], data["activities"] = checkins, activities
    return data


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32),
    years=st.integers(1, 4),
    today=st.dates(D(2015, 1, 1), D(2030, 12, 31)),
    checkin_share=st.sampled_from((0.05, 0.3, 0.9, 1.0)),
    flag_share=st.sampled_from((0.0, 0.002, 0.02, 0.3)),
    cleared=st.booleans(),
)
def test_plan_and_decision_from_the_window_are_byte_identical_to_the_whole_history(
    sqlite_db: Database, seed: int, years: int, today: dt.date, checkin_share: float, flag_share: float,
    cleared: bool,
) -> None:
    runner = create_athlete(sqlite_db, parse_state(_history(seed, years, today, checkin_share, flag_share, cleared)))
    for day in (today, today - 30 * DAY, today - 400 * DAY):  # plans for past days too
        full, windowed = state_for(sqlite_db, runner, day), planner_state(sqlite_db, runner, day)
        assert plan_week(windowed).model_dump_json() == plan_week(full).model_dump_json()
        assert decide_today(windowed).model_dump_json() == decide_today(full).model_dump_json()
        first = day - PLANNER_WINDOW_DAYS * DAY
        older = [c for c in windowed.checkins if c.date < first]
        assert len(older) <= len(FLAG_FIELDS)
        assert all(a.date >= first for a in windowed.activities)
        assert [c for c in windowed.checkins if c.date >= first] == [c for c in full.checkins if c.date >= first]


def test_an_old_warning_sign_comes_reduced_to_the_answers_in_force(db: Database) -> None:
    runner = create_athlete(db, full_state(checkins=[], activities=[], athlete={
        **full_state().to_json_dict()["athlete"], "diagnoses": []}))
    upsert_checkin(db, runner, Checkin(date=D(2024, 1, 5), pain_rest=6, recent_trauma=True, leg_weakness=False))
    upsert_checkin(db, runner, Checkin(date=D(2025, 2, 1), pain_rest=3, recent_trauma=False, saddle_numbness=True,
                                       notes="sore"))
    upsert_checkin(db, runner, Checkin(date=D(2025, 3, 1), pain_rest=2, leg_weakness=True))
    for day in range(1, 29):  # months later, daily check-ins that leave the questions out
        upsert_checkin(db, runner, Checkin(date=D(2026, 11, day), pain_rest=2))
    today = D(2026, 11, 30)
    state = planner_state(db, runner, today)
    # the latest answer to each question before the window; the standing fact by its latest yes
    assert state.checkins[:3] == (
        Checkin(date=D(2024, 1, 5), recent_trauma=True),
        Checkin(date=D(2025, 2, 1), saddle_numbness=True),
        Checkin(date=D(2025, 3, 1), leg_weakness=True),
    )
    assert [c.date for c in state.checkins[3:]] == [D(2026, 11, d) for d in range(1, 29)]
    plan = plan_week(state)
    assert plan.triage.level == "emergency" and {s.kind for s in plan.sessions} == {"rest"}
    assert plan.model_dump_json() == plan_week(state_for(db, runner, today)).model_dump_json()
