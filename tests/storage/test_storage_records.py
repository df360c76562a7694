"""Check-ins, hand-entered activities, shoes and issued plans."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from backstride.contract import Activity, Checkin, Plan
from backstride.storage.activities import add_activity, list_activities
from backstride.storage.athletes import create_athlete, state_for
from backstride.storage.checkins import list_checkins, upsert_checkin
from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound, ShoeNotFound
from backstride.storage.plans import planned_days, save_plan
from backstride.storage.shoes import add_shoe, list_shoes, retire_shoe
from tests.storage.storage_builders import full_state, row_counts

D = dt.date


@pytest.fixture
def athlete(db: Database) -> int:
    return create_athlete(db, full_state())


def test_a_second_checkin_for_a_date_merges_into_the_first_field_by_field(db: Database, athlete: int) -> None:
    upsert_checkin(db, athlete, Checkin(date=D(2026, 11, 30), pain_rest=2, sleep_hours=7.5, saddle_numbness=True))
    upsert_checkin(db, athlete, Checkin(date=D(2026, 11, 30), pain_during=3, pain_after=2, sharp_pain=False))
    [today] = list_checkins(db, athlete, D(2026, 11, 30), D(2026, 11, 30))
    # the morning's answers survive the after-run ones, and the emergency answer is not dropped
    assert today == Checkin(date=D(2026, 11, 30), pain_rest=2, sleep_hours=7.5, saddle_numbness=True,
                            pain_during=3, pain_after=2, sharp_pain=False)
    assert len(list_checkins(db, athlete)) == 3


def test_a_later_answer_wins_for_the_fields_it_gives(db: Database, athlete: int) -> None:
    upsert_checkin(db, athlete, Checkin(date=D(2026, 11, 30), pain_rest=2, saddle_numbness=True, notes="am"))
    upsert_checkin(db, athlete, Checkin(date=D(2026, 11, 30), pain_rest=4, saddle_numbness=False))
    [today] = list_checkins(db, athlete, D(2026, 11, 30), D(2026, 11, 30))
    assert today == Checkin(date=D(2026, 11, 30), pain_rest=4, saddle_numbness=False, notes="am")


def test_checkins_are_listed_by_date_within_a_range(db: Database, athlete: int) -> None:
    assert [c.date for c in list_checkins(db, athlete, start=D(2026, 11, 29))] == [D(2026, 11, 29)]
    assert [c.date for c in list_checkins(db, athlete, end=D(2026, 11, 28))] == [D(2026, 11, 28)]
    assert [c.date for c in list_checkins(db, athlete)] == [D(2026, 11, 28), D(2026, 11, 29)]


def test_concurrent_checkins_for_one_date_leave_one_row(db: Database, athlete: int) -> None:
    errors: list[BaseException] = []

    def save(pain: int) -> None:
        try:
            for _ in range(5):
                upsert_checkin(db, athlete, Checkin(date=D(2026, 12, 1), pain_rest=pain))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(p,)) for p in (1, 2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    [checkin] = list_checkins(db, athlete, D(2026, 12, 1))
    assert checkin.pain_rest in (1, 2, 3)


def test_checkins_for_an_unknown_athlete_are_refused(db: Database) -> None:
    with pytest.raises(AthleteNotFound):
        upsert_checkin(db, 31337, Checkin(date=D(2026, 11, 30)))
    with pytest.raises(AthleteNotFound):
        list_checkins(db, 31337)
    assert row_counts(db)["checkins"] == 0


def test_activities_are_listed_in_a_date_range(db: Database, athlete: int) -> None:
    add_activity(db, athlete, Activity(date=D(2026, 11, 30), kind="easy", distance_km=5.0), notes="felt fine")
    listed = list_activities(db, athlete, D(2026, 11, 29), D(2026, 11, 30))
    assert [(a.date, a.kind, a.notes) for a in listed] == [
        (D(2026, 11, 29), "run", None),
        (D(2026, 11, 30), "easy", "felt fine"),
    ]


def test_shoes_add_retire_and_count_km(db: Database, athlete: int) -> None:
    shoe = add_shoe(db, athlete, "Clifton", start_km=12.5, added_on=D(2026, 11, 30))
    add_activity(db, athlete, Activity(date=D(2026, 11, 30), kind="easy", distance_km=5.0))
    add_activity(db, athlete, Activity(date=D(2026, 11, 30), kind="strength", duration_min=20))
    add_activity(db, athlete, Activity(date=D(2026, 11, 30), kind="long", distance_km=3.0), assign_current_shoe=False)
    by_name = {s.name: s for s in list_shoes(db, athlete)}
    assert by_name["Clifton"].km == 17.5
    assert by_name["Pegasus"].km == 412.5
    retire_shoe(db, athlete, shoe, on=D(2026, 12, 1))
    [retired] = [s for s in list_shoes(db, athlete) if s.id == shoe]
    assert retired.retired and retired.retired_on == D(2026, 12, 1) and retired.km == 17.5
    assert "Clifton" not in {s.name for s in list_shoes(db, athlete, include_retired=False)}
    assert "Clifton" not in {s.name for s in state_for(db, athlete, D(2026, 12, 1)).athlete.shoes}
    other = create_athlete(db, full_state())
    with pytest.raises(ShoeNotFound):
        retire_shoe(db, other, shoe)
    with pytest.raises(ValueError):
        add_shoe(db, athlete, "  ")


def test_an_issued_plan_is_kept(db: Database, athlete: int) -> None:
    plan = Plan.model_validate(
        {
            "week_start": "2026-11-30",
            "triage": {"level": "none"},
            "running_allowed": True,
            "phase": "calm",
            "volume": {"baseline_run_km": 32, "last_week_run_km": 28, "planned_run_km": 22},
            "sessions": [{"date": "2026-11-30", "kind": "easy", "distance_km": 5, "rules": ["I-EASY"]}],
            "rules_applied": [{"id": "I-EASY", "why": "irritable", "source": "000"}],
        }
    )
    assert save_plan(db, athlete, plan) == 1
    assert save_plan(db, athlete, plan) == 1  # the same day again: updated in place, not a second row
    [day] = planned_days(db, athlete, D(2026, 11, 24), D(2026, 12, 6))
    assert (day.date, day.week_start, day.phase) == (D(2026, 11, 30), D(2026, 11, 30), "calm")
    assert day.sessions == tuple(s.model_copy(update={"notes": ""}) for s in plan.sessions)
    later = plan.model_copy(update={"week_start": D(2026, 12, 1), "phase": "rebuild", "sessions": (
        plan.sessions[0].model_copy(update={"date": D(2026, 12, 1)}),
        plan.sessions[0].model_copy(update={"date": D(2026, 11, 30), "distance_km": 3.0}))})
    save_plan(db, athlete, later)
    days = planned_days(db, athlete, D(2026, 11, 30), D(2026, 12, 1))
    assert [(d.date, d.phase, d.sessions[0].distance_km) for d in days] == [
        (D(2026, 11, 30), "rebuild", 3.0), (D(2026, 12, 1), "rebuild", 5.0)]
    assert row_counts(db)["planned_days"] == 2
    with pytest.raises(AthleteNotFound):
        save_plan(db, 31337, plan)


def test_a_shoe_counts_only_runs_from_the_day_it_came_into_use(db: Database, athlete: int) -> None:
    from backstride.storage.imports import add_imported_file
    from tests.storage.storage_builders import UTC, imported

    shoe = add_shoe(db, athlete, "Novablast", added_on=D(2026, 11, 30))
    # a 2011 run imported today, typed in, and one run after the shoe came into use
    add_imported_file(db, athlete, [imported(dt.datetime(2011, 5, 1, 7, tzinfo=UTC), distance_m=10000.0)])
    add_activity(db, athlete, Activity(date=D(2011, 5, 3), kind="easy", distance_km=7.0))
    add_activity(db, athlete, Activity(date=D(2026, 12, 1), kind="easy", distance_km=4.0))
    [nova] = [s for s in list_shoes(db, athlete) if s.id == shoe]
    assert nova.km == 4.0
    # a run stored under the old rule (every run to the newest shoe) is still not counted
    with db.write_connection() as conn:
        from sqlalchemy import text

        conn.execute(text("UPDATE activities SET shoe_id = :s WHERE athlete_id = :a"), {"s": shoe, "a": athlete})
    [nova] = [s for s in list_shoes(db, athlete) if s.id == shoe]
    assert nova.km == 4.0


def test_a_red_flag_answered_long_ago_and_never_answered_since_still_reaches_the_planner(db: Database) -> None:
    from backstride.core.planner import plan_week

    runner = create_athlete(db, full_state(checkins=[], activities=[]))
    upsert_checkin(db, runner, Checkin(date=D(2026, 3, 1), pain_rest=3, saddle_numbness=True))
    for day in range(1, 29):  # months later, daily check-ins that leave the question out
        upsert_checkin(db, runner, Checkin(date=D(2026, 11, day), pain_rest=2))
    plan = plan_week(state_for(db, runner, D(2026, 11, 30)))
    assert plan.triage.level == "emergency" and {s.kind for s in plan.sessions} == {"rest"}
