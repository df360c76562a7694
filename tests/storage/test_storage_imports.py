"""Imported activities: one transaction per file, duplicates by hash or by start and duration."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from sqlalchemy import select

from backstride.storage.activities import add_activity, list_activities
from backstride.storage.athletes import create_athlete, state_for
from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound, ShoeNotFound
from backstride.storage.imports import add_imported_activity, add_imported_file, list_import_log, log_import
from backstride.storage.shoes import add_shoe, list_shoes
from backstride.storage.tables import LapRow
from tests.storage.storage_builders import UTC, full_state, imported, row_counts

START = dt.datetime(2026, 11, 20, 7, 30, tzinfo=UTC)


@pytest.fixture
def athlete(db: Database) -> int:
    return create_athlete(db, full_state(activities=[], athlete={"baseline": {"sessions": []}}))


def test_an_import_stores_the_activity_its_laps_and_a_log_row(db: Database, athlete: int) -> None:
    assert add_imported_activity(db, athlete, imported(START, laps=3)) == "imported"
    [stored] = list_activities(db, athlete)
    assert (stored.kind, stored.distance_km, stored.duration_min, stored.elapsed_min) == (
        "run",
        8.0,
        2900 / 60,
        50.0,
    )
    assert stored.start_time == START and stored.date == START.date()
    assert (stored.cadence_spm, stored.avg_hr, stored.device, stored.source_format) == (
        172.0,
        141.0,
        "Forerunner 255",
        "fit",
    )
    with db.session() as session:
        laps = session.scalars(select(LapRow).where(LapRow.activity_id == stored.id).order_by(LapRow.position)).all()
        assert [lap.start_time for lap in laps] == [START + dt.timedelta(seconds=600 * i) for i in range(3)]
    [log] = list_import_log(db, athlete)
    assert (log.outcome, log.source_name, log.activity_id) == ("imported", "run.fit", stored.id)


def test_the_planner_sees_an_imported_run_as_kind_run(db: Database, athlete: int) -> None:
    add_imported_activity(db, athlete, imported(START))
    add_imported_activity(db, athlete, imported(START + dt.timedelta(hours=5), kind="cross_training"))
    state = state_for(db, athlete, dt.date(2026, 11, 30))
    assert [(a.kind, a.distance_km, a.duration_min, a.cadence_spm, a.elevation_gain_m) for a in state.activities] == [
        ("run", 8.0, 2900 / 60, 172.0, 55.0),
        ("cross_training", 8.0, 2900 / 60, 172.0, 55.0),
    ]


def test_reimporting_the_same_file_is_a_duplicate(db: Database, athlete: int) -> None:
    activity = imported(START)
    assert add_imported_activity(db, athlete, activity) == "imported"
    before = row_counts(db)
    assert add_imported_activity(db, athlete, dataclasses.replace(activity, source_name="copy.fit")) == "duplicate"
    after = row_counts(db)
    assert after["activities"] == before["activities"] and after["laps"] == before["laps"]
    assert after["import_log"] == before["import_log"] + 1
    log = list_import_log(db, athlete)[-1]
    assert log.outcome == "duplicate" and "same file" in (log.reason or "")


def test_the_same_run_as_fit_and_as_tcx_is_a_duplicate(db: Database, athlete: int) -> None:
    assert add_imported_activity(db, athlete, imported(START, source_format="fit", name="a.fit")) == "imported"
    tcx = imported(START + dt.timedelta(seconds=4), moving_s=2930.0, elapsed_s=None, source_format="tcx", name="a.tcx")
    assert add_imported_activity(db, athlete, tcx) == "duplicate"
    assert len(list_activities(db, athlete)) == 1
    assert "a.fit" in (list_import_log(db, athlete)[-1].reason or "")


@pytest.mark.parametrize(("offset_s", "moving_s"), [(61, 2900.0), (0, 2900.0 * 1.05), (-120, 2900.0)])
def test_a_different_activity_close_in_time_is_not_a_duplicate(
    db: Database, athlete: int, offset_s: int, moving_s: float
) -> None:
    add_imported_activity(db, athlete, imported(START, elapsed_s=2900.0))
    other = imported(START + dt.timedelta(seconds=offset_s), moving_s=moving_s, elapsed_s=moving_s, name="b.fit")
    assert add_imported_activity(db, athlete, other) == "imported"


def test_the_same_file_for_two_athletes_is_stored_twice(db: Database, athlete: int) -> None:
    other = create_athlete(db, full_state())
    assert add_imported_activity(db, athlete, imported(START)) == "imported"
    assert add_imported_activity(db, other, imported(START)) == "imported"


def test_concurrent_imports_of_one_file_store_one_row(db: Database, athlete: int) -> None:
    activity = imported(START)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(add_imported_activity(db, athlete, activity))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == ["duplicate", "duplicate", "duplicate", "imported"]
    assert len(list_activities(db, athlete)) == 1
    assert row_counts(db)["laps"] == 2


def test_bad_input_writes_nothing(db: Database, athlete: int) -> None:
    before = row_counts(db)
    naive_lap = dataclasses.replace(
        imported(START), laps=(dataclasses.replace(imported(START).laps[0], start=dt.datetime(2026, 1, 1)),)
    )
    with pytest.raises(Exception, match="naive"):
        add_imported_activity(db, athlete, naive_lap)
    with pytest.raises(ValueError, match="timezone"):
        add_imported_activity(db, athlete, dataclasses.replace(imported(START), start=dt.datetime(2026, 1, 1)))
    with pytest.raises(ValueError, match="kind"):
        add_imported_activity(db, athlete, imported(START, kind="walk"))
    with pytest.raises(AthleteNotFound):
        add_imported_activity(db, 424242, imported(START))
    assert row_counts(db) == before


def test_the_local_date_uses_the_athletes_timezone(db: Database) -> None:
    athlete = create_athlete(db, full_state(activities=[]), timezone="America/Los_Angeles")
    evening = dt.datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # 19:00 on the 20th in Los Angeles
    add_imported_activity(db, athlete, imported(evening))
    assert [a.date for a in list_activities(db, athlete)] == [dt.date(2026, 11, 20)]


def test_failed_and_skipped_files_are_logged(db: Database, athlete: int) -> None:
    log_import(db, athlete, "broken.fit", "failed", "not a FIT file")
    log_import(db, athlete, "route.gpx", "skipped", "a route, not an activity")
    assert [(e.source_name, e.outcome) for e in list_import_log(db, athlete)] == [
        ("broken.fit", "failed"),
        ("route.gpx", "skipped"),
    ]
    with pytest.raises(ValueError):
        log_import(db, athlete, "x", "exploded")


def test_new_runs_go_to_the_current_shoe_and_count_towards_its_km(db: Database, athlete: int) -> None:
    old = add_shoe(db, athlete, "Old", start_km=300, added_on=dt.date(2026, 1, 1))
    new = add_shoe(db, athlete, "New", start_km=10, added_on=dt.date(2026, 11, 1))
    add_imported_activity(db, athlete, imported(START))  # -> New
    add_imported_activity(db, athlete, imported(START + dt.timedelta(days=1)), shoe_id=old)
    add_imported_activity(db, athlete, imported(START + dt.timedelta(days=2), kind="cross_training"))
    kms = {s.id: s.km for s in list_shoes(db, athlete)}
    assert kms == {old: 308.0, new: 18.0}
    other = create_athlete(db, full_state())
    with pytest.raises(ShoeNotFound):
        add_imported_activity(db, other, imported(START), shoe_id=old)
    with pytest.raises(ShoeNotFound):
        add_activity(db, other, state_for(db, athlete, dt.date(2026, 11, 30)).activities[0], shoe_id=old)


def test_device_values_the_contract_would_reject_are_left_out_of_the_state(db: Database, athlete: int) -> None:
    glitch = dataclasses.replace(imported(START), avg_cadence_spm=300.0, distance_m=900_000.0)
    add_imported_activity(db, athlete, glitch)
    [activity] = state_for(db, athlete, dt.date(2026, 11, 30)).activities
    assert (activity.kind, activity.cadence_spm, activity.distance_km) == ("run", None, None)
    assert activity.duration_min == 2900 / 60
    assert list_activities(db, athlete)[0].cadence_spm == 300.0  # the stored data is untouched


def test_every_leg_of_a_multisport_file_is_kept_once(db: Database, athlete: int) -> None:
    sha = "f" * 64
    legs = [
        imported(START, kind="cross_training", sha=sha, name="tri.fit"),
        imported(START + dt.timedelta(hours=1), kind="cross_training", sha=sha, name="tri.fit"),
        imported(START + dt.timedelta(hours=2), sha=sha, name="tri.fit"),
    ]
    assert add_imported_file(db, athlete, legs) == ["imported", "imported", "imported"]
    assert add_imported_file(db, athlete, legs) == ["duplicate", "duplicate", "duplicate"]
    assert [a.kind for a in list_activities(db, athlete)] == ["cross_training", "cross_training", "run"]
    assert [e.outcome for e in list_import_log(db, athlete)] == ["imported"] * 3 + ["duplicate"] * 3


def test_a_file_is_one_transaction(db: Database, athlete: int) -> None:
    before = row_counts(db)
    good = imported(START)
    bad = dataclasses.replace(
        imported(START + dt.timedelta(hours=3)),
        laps=(dataclasses.replace(good.laps[0], start=dt.datetime(2026, 1, 1)),),
    )  # naive: refused at write
    with pytest.raises(Exception, match="naive"):
        add_imported_file(db, athlete, [good, bad])
    assert row_counts(db) == before
