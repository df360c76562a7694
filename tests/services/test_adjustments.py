"""A physio's adjustments on the record: set, read in the plan, undone by another event, and the same trail
for diagnoses and clearances. As a clinician reads them: what changed, beside what it was, who, when, why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from backstride.contract import parse_state
from backstride.core.adjustments import AdjustmentProblem
from backstride.services.adjustments import (
    adjustments_for,
    record_diagnosis,
    rules_for,
    set_adjustment,
    undo_adjustment,
)
from backstride.services.athletes import clear_to_run
from backstride.services.training_log import decide_for, plan_for
from backstride.storage import Database, create_athlete, erase_athlete, export_athlete
from backstride.storage.adjustments import list_events
from backstride.storage.errors import AthleteNotFound

TODAY = dt.date(2026, 11, 30)
PHYSIO = {"by_user_id": 3, "by_email": "lee@clinic.example"}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(f"sqlite:///{tmp_path / 'log.db'}")
    yield database
    database.dispose()


def _irritable(db: Database) -> int:
    """A runner whose back has just become irritable: the first plan starts at W-START's share."""
    return create_athlete(db, parse_state({
        "schema": "backstride.state/1", "today": TODAY.isoformat(),
        "athlete": {"baseline": {"sessions": [{"day": "tue", "kind": "easy", "distance_km": 10},
                                              {"day": "thu", "kind": "easy", "distance_km": 10},
                                              {"day": "sun", "kind": "long", "distance_km": 12}]}},
        "checkins": [{"date": "2026-11-29", "pain_rest": 3}]}), name="Ana")


def test_a_lower_start_changes_the_plan_and_the_plan_cites_it(db: Database) -> None:
    a = _irritable(db)
    _, before = plan_for(db, a, TODAY, save=False)
    set_adjustment(db, a, "W-START", "fraction", "60%", "very irritable, sleeps badly", **PHYSIO)
    _, after = plan_for(db, a, TODAY, save=False)
    assert after.volume.planned_run_km < before.volume.planned_run_km
    start = next(r for r in after.rules_applied if r.id == "W-START")
    assert "adjusted by your physio: fraction 60% (cited default 70%)" in start.why
    assert start.source == next(r for r in before.rules_applied if r.id == "W-START").source
    _, decision = decide_for(db, a, TODAY)
    assert decision.schema_ == "backstride.decision/1"


def test_undo_is_another_event_and_brings_back_the_default_plan_byte_for_byte(db: Database) -> None:
    a = _irritable(db)
    _, before = plan_for(db, a, TODAY, save=False)
    setting = set_adjustment(db, a, "W-START", "fraction", 0.6, "very irritable", **PHYSIO)
    undo_adjustment(db, a, setting.id, "settled since", **PHYSIO)
    _, after = plan_for(db, a, TODAY, save=False)
    assert after.to_json() == before.to_json()
    assert [e.kind for e in list_events(db, a)] == ["set", "undo"]  # nothing deleted
    view = adjustments_for(db, a)
    assert view.current == () and view.history[1].refers_to == setting.id


def test_undoing_the_latest_setting_brings_back_the_one_before(db: Database) -> None:
    a = _irritable(db)
    set_adjustment(db, a, "W-START", "fraction", 0.65, "irritable", **PHYSIO)
    second = set_adjustment(db, a, "W-START", "fraction", 0.6, "worse this week", **PHYSIO)
    undo_adjustment(db, a, second.id, **PHYSIO)
    assert rules_for(db, a).value("W-START", "fraction") == 0.65
    (now,) = adjustments_for(db, a).current
    assert (now.value_text, now.default_text, now.event.reason, now.event.by_email) == \
        ("65%", "70%", "irritable", "lee@clinic.example")


@pytest.mark.parametrize(("rule", "param", "value", "reason", "field"), [
    ("W-START", "fraction", 0.9, "why", "value"),
    ("T-EMERG", "anything", 1, "why", "rule"),
    ("T-PERSIST", "weeks_with_pain", 12, "why", "rule"),
    ("W-START", "fraction", 0.6, "  ", "reason"),
    ("X-NONE", "fraction", 0.6, "why", "rule"),
])
def test_an_invalid_adjustment_is_refused_with_the_field_named(db: Database, rule: str, param: str, value: object,
                                                               reason: str, field: str) -> None:
    a = _irritable(db)
    with pytest.raises(AdjustmentProblem) as refused:
        set_adjustment(db, a, rule, param, value, reason, **PHYSIO)
    assert refused.value.field == field
    assert list_events(db, a) == []


def test_an_undo_that_would_leave_a_range_out_of_order_is_refused(db: Database) -> None:
    a = _irritable(db)
    lower = set_adjustment(db, a, "W-START", "min_fraction", 0.5, "room for a lower start", **PHYSIO)
    set_adjustment(db, a, "W-START", "fraction", 0.5, "a lower start", **PHYSIO)
    with pytest.raises(AdjustmentProblem, match="keep min_fraction at or below fraction"):
        undo_adjustment(db, a, lower.id, **PHYSIO)
    with pytest.raises(AdjustmentProblem, match="no change 999"):
        undo_adjustment(db, a, 999, **PHYSIO)


def test_a_diagnosis_that_stops_running_and_the_clearance_that_lifts_it_are_on_the_same_trail(db: Database) -> None:
    a = _irritable(db)
    record_diagnosis(db, a, "L5 nerve root irritation on exam", TODAY, code="nerve_root_compression", **PHYSIO)
    _, stopped = plan_for(db, a, TODAY, save=False)
    assert not stopped.running_allowed and "T-DIAG" in {r.rule for r in stopped.triage.reasons}
    clear_to_run(db, a, TODAY, reason="symptoms gone, strength normal", **PHYSIO)
    _, cleared = plan_for(db, a, TODAY, save=False)
    assert cleared.running_allowed
    trail = adjustments_for(db, a).history
    assert [(e.kind, e.by_email) for e in trail] == [("diagnosis", "lee@clinic.example"),
                                                      ("clearance", "lee@clinic.example")]
    assert trail[0].reason == "L5 nerve root irritation on exam" and trail[1].value["lifted"] == [
        "nerve_root_compression"]
    with pytest.raises(AdjustmentProblem) as refused:
        record_diagnosis(db, a, "", TODAY)
    assert refused.value.field == "diagnosis"


def test_the_trail_is_exported_and_erased_with_the_athlete(db: Database) -> None:
    a = _irritable(db)
    set_adjustment(db, a, "I-STAIRS", "allowed", "no", "knee", **PHYSIO)
    assert [e["rule_id"] for e in export_athlete(db, a)["adjustment_events"]] == ["I-STAIRS"]
    erase_athlete(db, a)
    with pytest.raises(AthleteNotFound):
        list_events(db, a)
