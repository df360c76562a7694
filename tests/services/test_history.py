"""The history service: the same weeks, runs and answers the command line shows, as data for pictures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from backstride.contract import Checkin, parse_state
from backstride.core.words import KM_PER_MI
from backstride.services.demo import demo_state
from backstride.services.history import MAX_WEEKS, history_for
from backstride.services.runs import runs_for
from backstride.services.training_log import causes_for, plan_for
from backstride.storage import AthleteNotFound, Database, create_athlete, upsert_checkin

TODAY = dt.date(2026, 12, 3)  # a Thursday


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(f"sqlite:///{tmp_path / 'log.db'}")
    yield database
    database.dispose()


def _demo(db: Database, units: str = "km") -> int:
    data = demo_state(TODAY).to_json_dict()
    data["athlete"]["units"] = units
    return create_athlete(db, parse_state(data), name="Sam")


def test_weeks_are_monday_weeks_oldest_first_with_the_distance_runs_shows(db: Database) -> None:
    a = _demo(db)
    h = history_for(db, a, TODAY, weeks=8)
    _, records = runs_for(db, a, TODAY, 8)
    assert [w.start for w in h.weeks] == [r.start for r in records]
    assert all(w.start.weekday() == 0 for w in h.weeks) and h.weeks[-1].start == dt.date(2026, 11, 30)
    assert [w.distance for w in h.weeks] == [r.done_km for r in records]
    assert h.units == "km" and not h.empty


def test_each_run_has_its_answer_and_the_demo_flare_is_marked(db: Database) -> None:
    a = _demo(db)
    h = history_for(db, a, TODAY, weeks=4)
    assert h.runs and all(r.level in ("green", "amber", "red", "unknown") for r in h.runs)
    flares = [r for r in h.runs if r.flare]
    # The demo's pain began with a jump in distance: the run before the first painful morning is red (24-hour rule).
    assert flares and all(r.rule.startswith("P-RED") and r.why for r in flares)
    for week in h.weeks:
        inside = [r for r in flares if week.start <= r.date < week.start + dt.timedelta(days=7)]
        assert week.flares == len(inside) and (week.response == "red") == bool(inside)


def test_pains_are_week_averages_on_the_0_to_10_scale(db: Database) -> None:
    a = _demo(db)
    h = history_for(db, a, TODAY, weeks=8)
    for w in h.weeks:
        for p in (w.pain_rest, w.pain_during, w.pain_next_morning):
            assert p is None or 0 <= p <= 10
    assert h.weeks[0].pain_rest == 0 and h.weeks[-1].pain_rest is not None and h.weeks[-1].pain_rest > 0


def test_planned_against_done_appears_once_a_plan_is_kept(db: Database) -> None:
    a = _demo(db)
    assert all(w.planned is None for w in history_for(db, a, TODAY, weeks=2).weeks)
    plan_for(db, a, TODAY - dt.timedelta(days=3))  # Monday's plan
    h = history_for(db, a, TODAY, weeks=2)
    assert h.weeks[0].planned is None and h.weeks[-1].planned is not None and h.weeks[-1].planned > 0
    assert h.weeks[-1].verdict != "no plan kept"


def test_a_red_flag_answer_marks_its_day_in_triages_words(db: Database) -> None:
    a = _demo(db)
    upsert_checkin(db, a, Checkin(date=TODAY, numbness_tingling=True, leg_weakness=True, both_legs=True))
    h = history_for(db, a, TODAY, weeks=2)
    [flag] = h.red_flags
    assert flag.date == TODAY and flag.rule == "T-EMERG" and "weakness in both legs" in flag.signs
    assert h.weeks[-1].red_flag_days == 1 and h.weeks[0].red_flag_days == 0


def test_a_miles_runner_reads_miles(db: Database) -> None:
    km, mi = _demo(db, "km"), _demo(db, "mi")
    hk, hm = history_for(db, km, TODAY, weeks=4), history_for(db, mi, TODAY, weeks=4)
    assert hm.units == "mi"
    for a, b in zip(hk.weeks, hm.weeks, strict=True):
        assert b.distance == pytest.approx(a.distance / KM_PER_MI, abs=0.06)
    assert hm.shoes[0].distance == pytest.approx(hk.shoes[0].distance / KM_PER_MI, abs=0.06)


def test_shoes_carry_their_wear_and_causes_their_weeks(db: Database) -> None:
    a = _demo(db)
    h = history_for(db, a, TODAY, weeks=12)
    assert [s.name for s in h.shoes] == ["Daily trainers"] and h.shoes[0].advice
    report = causes_for(db, a, TODAY)
    assert [c.id for c in h.causes] == [c.id for c in report.causes]
    assert h.weeks_examined == report.weeks_examined
    found = [c for c in h.causes if c.found]
    assert found and all(w.weekday() == 0 for c in found for w in c.weeks)


def test_the_acute_chronic_ratio_is_there_once_there_is_a_month_before(db: Database) -> None:
    h = history_for(db, _demo(db), TODAY, weeks=8)
    assert h.weeks[0].acwr is None or h.weeks[0].acwr >= 0
    assert h.weeks[-1].acwr is not None


def test_an_athlete_with_nothing_logged_has_an_empty_history(db: Database) -> None:
    a = create_athlete(db, parse_state({"schema": "backstride.state/1", "today": TODAY.isoformat(), "athlete": {
        "baseline": {"sessions": [{"day": "sun", "kind": "long", "distance_km": 10}]}}}), name="new")
    h = history_for(db, a, TODAY, weeks=6)
    assert h.empty and len(h.weeks) == 6 and not h.runs and not h.red_flags
    assert h.to_json_dict()["weeks"][0]["start"] == h.weeks[0].start.isoformat()


def test_bad_requests_name_the_problem(db: Database) -> None:
    a = _demo(db)
    for weeks in (0, MAX_WEEKS + 1):
        with pytest.raises(ValueError, match="weeks must be from 1"):
            history_for(db, a, TODAY, weeks=weeks)
    with pytest.raises(AthleteNotFound):
        history_for(db, 999, TODAY)
