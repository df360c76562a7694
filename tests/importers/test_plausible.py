"""Plausibility at the boundary (issue 9 item 4): impossible values are dropped with a reason, never kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from backstride.contract import Activity, parse_state
from backstride.importers.model import ImportedActivity, Lap
from backstride.importers.plausible import BOUNDS, check_activity
from backstride.services.importing import import_paths
from backstride.storage import Database, create_athlete, list_activities, state_for
from backstride.storage.tables import ActivityRow

TODAY = dt.date(2026, 12, 3)
UTC = dt.UTC


def run(**kw: object) -> ImportedActivity:
    values: dict[str, object] = {
        "start": dt.datetime(2026, 11, 1, 7, tzinfo=UTC), "kind": "run", "sport": "running",
        "distance_m": 10_000.0, "elapsed_s": 3000.0, "moving_s": 2900.0, "source_name": "a.gpx",
    }
    values.update(kw)
    return ImportedActivity(**values)  # type: ignore[arg-type]


def test_every_bound_has_a_unit_and_a_source() -> None:
    for bound in BOUNDS.values():
        assert bound.unit and len(bound.source) > 30 and bound.low <= bound.high


def test_a_plausible_run_is_kept_as_it_is() -> None:
    activity = run(avg_hr=150.0, max_hr=181.0, avg_cadence_spm=172.0, elevation_gain_m=120.0)
    checked = check_activity(activity, TODAY)
    assert checked.activity is activity and checked.problems == ()


@pytest.mark.parametrize("year", [1900, 1979, 2200, 9999])
def test_a_date_out_of_range_refuses_the_activity(year: int) -> None:
    checked = check_activity(run(start=dt.datetime(year, 6, 1, tzinfo=UTC)), TODAY)
    assert checked.activity is None
    assert "refused: date" in checked.problems[0] and "1980-01-01" in checked.problems[0]


def test_tomorrow_is_the_latest_date_relative_to_the_day_passed_in() -> None:
    tomorrow = dt.datetime(2026, 12, 4, 23, tzinfo=UTC)
    assert check_activity(run(start=tomorrow), TODAY).activity is not None
    assert check_activity(run(start=tomorrow + dt.timedelta(days=1)), TODAY).activity is None
    assert check_activity(run(start=dt.datetime(1980, 1, 1, tzinfo=UTC)), TODAY).activity is not None


def test_a_run_round_the_globe_loses_its_distance_with_the_reason() -> None:
    checked = check_activity(run(distance_m=1_167_772_000.0), TODAY)
    assert checked.activity is not None and checked.activity.distance_m is None
    assert any("distance" in p and "dropped" in p for p in checked.problems)
    assert "distance" in checked.activity.notes  # stored with the activity, not silently


def test_42865_km_in_a_minute_is_not_a_run() -> None:
    checked = check_activity(run(distance_m=42_865_000.0, elapsed_s=57.0, moving_s=57.0), TODAY)
    assert checked.activity is not None and checked.activity.distance_m is None
    assert checked.activity.elapsed_s == 57.0


def test_a_marathon_in_an_hour_is_faster_than_any_human() -> None:
    checked = check_activity(run(distance_m=42_195.0, elapsed_s=3600.0, moving_s=3600.0), TODAY)
    assert checked.activity is not None and checked.activity.distance_m is None
    assert "run_speed" in checked.problems[0]
    # the same speed is fine on a bike
    ride = check_activity(run(kind="cross_training", sport="cycling", distance_m=42_195.0, elapsed_s=3600.0,
                           moving_s=3600.0), TODAY)
    assert ride.problems == ()


def test_a_hundred_metre_sprint_at_world_record_pace_is_kept() -> None:
    assert check_activity(run(distance_m=100.0, elapsed_s=9.7, moving_s=9.7), TODAY).problems == ()


def test_an_elapsed_time_of_128_years_is_dropped() -> None:
    checked = check_activity(run(elapsed_s=128 * 365.25 * 86400, moving_s=None), TODAY)
    assert checked.activity is not None and checked.activity.elapsed_s is None
    assert checked.activity.distance_m == 10_000.0


def test_an_elevation_gain_of_1e301_metres_is_dropped() -> None:
    checked = check_activity(run(elevation_gain_m=1.5e301), TODAY)
    assert checked.activity is not None and checked.activity.elevation_gain_m is None
    steep = check_activity(run(distance_m=1000.0, elevation_gain_m=1500.0), TODAY)
    assert steep.activity is not None and steep.activity.elevation_gain_m is None
    assert "per km" in steep.problems[0]


@pytest.mark.parametrize(("field", "value"), [("avg_hr", 300.0), ("avg_hr", 5.0), ("max_hr", 400.0),
                                              ("avg_cadence_spm", 300.0), ("avg_cadence_spm", 20.0)])
def test_heart_rate_and_cadence_outside_a_human_are_dropped(field: str, value: float) -> None:
    checked = check_activity(run(**{field: value}), TODAY)
    assert checked.activity is not None and getattr(checked.activity, field) is None
    assert len(checked.problems) == 1


def test_a_negative_lap_is_dropped_and_named() -> None:
    laps = (Lap(None, 1000.0, 300.0), Lap(None, 1000.0, -3600.0), Lap(None, 1000.0, 310.0, avg_hr=900.0))
    checked = check_activity(run(laps=laps), TODAY)
    assert checked.activity is not None
    assert [lap.elapsed_s for lap in checked.activity.laps] == [300.0, 310.0]
    assert checked.activity.laps[1].avg_hr is None
    assert any(p.startswith("lap 2 dropped") for p in checked.problems)
    assert any(p.startswith("lap 3 average heart rate") for p in checked.problems)


def test_a_run_typed_by_hand_is_checked_the_same_way() -> None:
    typed = Activity(date=dt.date(2026, 11, 30), kind="easy", distance_km=400.0, duration_min=30.0)
    checked = check_activity(typed, TODAY)
    assert checked.activity is not None and checked.activity.distance_km is None
    assert checked.activity.duration_min == 30.0
    # The contract refuses such a date already; the check refuses it too for anything built without it.
    old = check_activity(Activity.model_construct(date=dt.date(1900, 1, 1), kind="easy", distance_km=5.0), TODAY)
    assert old.activity is None
    fine = Activity(date=dt.date(2026, 11, 30), kind="long_run_walk", distance_km=21.0, duration_min=150.0)
    assert check_activity(fine, TODAY).activity is fine


def _gpx(when: str, lats: list[float]) -> str:
    points = "".join(
        f'<trkpt lat="{lat}" lon="{(i % 2) * 179.0}"><time>{when}T06:00:{i:02d}Z</time></trkpt>'
        for i, lat in enumerate(lats)
    )
    return ('<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
            f"<trk><type>running</type><trkseg>{points}</trkseg></trk></gpx>")


@pytest.fixture
def sqlite(tmp_path: Path) -> Database:
    return Database.open(f"sqlite+pysqlite:///{tmp_path / 'b.db'}")


def _athlete(db: Database) -> int:
    state = parse_state({"schema": "backstride.state/1", "today": "2026-12-03",
                         "athlete": {"baseline": {"sessions": [{"day": "tue", "kind": "easy", "distance_km": 5}]}}})
    return create_athlete(db, state)


def test_an_import_refuses_a_run_from_1900_and_drops_a_globe_crossing_distance(sqlite: Database,
                                                                               tmp_path: Path) -> None:
    athlete = _athlete(sqlite)
    (tmp_path / "old.gpx").write_text(_gpx("1900-05-01", [47.0, 47.001, 47.002]))
    (tmp_path / "globe.gpx").write_text(_gpx("2026-11-20", [47.0, -47.0] * 10))
    summary = import_paths(sqlite, athlete, [tmp_path / "old.gpx", tmp_path / "globe.gpx"], workers=1, today=TODAY)
    assert [f.source_name for f in summary.failed] == ["old.gpx"]
    assert "1900-05-01" in summary.failed[0].reason
    assert summary.imported == 1 and any(c.startswith("globe.gpx: distance") for c in summary.corrected)
    (stored,) = list_activities(sqlite, athlete)
    assert stored.distance_km is None and "dropped" in (stored.notes or "")


def test_state_never_hands_impossible_values_stored_earlier_to_the_planner(sqlite: Database) -> None:
    athlete = _athlete(sqlite)
    with sqlite.write() as session:
        for day, km, minutes in ((dt.date(1900, 1, 1), 5.0, 30.0), (dt.date(2026, 11, 30), 400.0, 20.0)):
            session.add(ActivityRow(athlete_id=athlete, date=day, kind="easy", distance_km=km, duration_min=minutes,
                                    partial=False, created_at=dt.datetime(2026, 12, 1, tzinfo=UTC)))
    state = state_for(sqlite, athlete, TODAY)
    assert [(a.date, a.distance_km, a.duration_min) for a in state.activities] == [(dt.date(2026, 11, 30), None, 20.0)]
