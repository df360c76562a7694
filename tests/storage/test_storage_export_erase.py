"""Export (everything about one athlete) and erasure (nothing left, not even in the files)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, inspect, select

from backstride.contract import Checkin, Plan
from backstride.storage.activities import add_activity
from backstride.storage.adjustments import add_event
from backstride.storage.athletes import create_athlete, list_athletes, state_for
from backstride.storage.checkins import upsert_checkin
from backstride.storage.engine import Database
from backstride.storage.erase import erase_athlete
from backstride.storage.errors import AthleteNotFound
from backstride.storage.export import EXPORT_FORMAT, NESTED_TABLES, export_athlete, export_athlete_csv, exported_tables
from backstride.storage.imports import add_imported_activity, log_import
from backstride.storage.ownership import athlete_tables, owned_by
from backstride.storage.plans import save_plan
from backstride.storage.restore import import_athlete_export
from backstride.storage.shoes import add_shoe
from backstride.storage.tables import AthleteStatusRow, Base, ClinicNoteRow, JobRow
from tests.storage.storage_builders import UTC, full_state, imported

CANARY = "CANARY-7f3e-do-not-keep"
PLAN = {
    "week_start": "2026-11-30",
    "triage": {"level": "none"},
    "running_allowed": True,
    "phase": "calm",
    "volume": {"baseline_run_km": 32, "last_week_run_km": 28, "planned_run_km": 22},
    "sessions": [{"date": "2026-11-30", "kind": "easy", "distance_km": 5, "rules": ["I-EASY"], "notes": "Easy 5 km"}],
    "rules_applied": [],
}


def _populate(db: Database, notes: str = "") -> int:
    """An athlete with a row in every table."""
    athlete = create_athlete(db, full_state(), name=f"runner {notes}")
    # Added before the state's own shoes (2026-11-30), so they, not this one, are the current pair.
    shoe = add_shoe(db, athlete, f"shoe {notes}", start_km=1, added_on=dt.date(2026, 11, 1))
    add_imported_activity(db, athlete, imported(dt.datetime(2026, 11, 20, 7, tzinfo=UTC), notes=notes), shoe_id=shoe)
    upsert_checkin(db, athlete, Checkin(date=dt.date(2026, 11, 30), pain_rest=1, notes=notes))
    add_activity(db, athlete, full_state().activities[0], notes=notes)
    log_import(db, athlete, f"broken {notes}.fit", "failed", f"bad bytes {notes}")
    save_plan(db, athlete, Plan.model_validate(PLAN))
    with db.write() as session:  # an import the web app ran for the athlete, with its summary
        session.add(JobRow(athlete_id=athlete, kind="import", state="done", payload={"paths": [f"{notes}.fit"]},
                           done=1, total=1, result={"files": 1, "failed": []}, created_at=dt.datetime.now(UTC)))
        # the clinic list's row (derived: erased, not exported) and a clinician's note
        session.add(AthleteStatusRow(athlete_id=athlete, on_date=dt.date(2026, 11, 30), revision=0, rank=6,
                                     reason="steady", last_checkin=dt.date(2026, 11, 30), payload={}))
        session.add(ClinicNoteRow(athlete_id=athlete, author_id=None, created_at=dt.datetime.now(UTC),
                                  text=f"note {notes}", shared=False))
    # A physio's adjustment and its undo, and a diagnosis in their words (the clinical trail).
    first = add_event(db, athlete, "set", at=dt.datetime.now(UTC), rule_id="W-START", parameter="fraction",
                      value=0.6, reason=f"very irritable {notes}", by_user_id=7, by_email="physio@example.org")
    add_event(db, athlete, "undo", at=dt.datetime.now(UTC), refers_to=first.id, reason=f"settled {notes}")
    add_event(db, athlete, "diagnosis", at=dt.datetime.now(UTC), reason=f"disc irritation {notes}")
    return athlete


def test_every_table_but_the_erasure_ledger_is_reachable_from_athletes() -> None:
    # The ledger outlives the athletes it records and holds no data of theirs (only ids and fingerprints);
    # so do the web's audit log and sign-in failures (events and hashed keys, never health data).
    assert {t.name for t in athlete_tables()} == set(Base.metadata.tables) - {"erasures", "audit_log",
                                                                               "signin_failures"}


def test_the_json_export_holds_every_table_that_belongs_to_the_athlete(db: Database) -> None:
    athlete = _populate(db, "mine")
    _populate(db, "someone else")
    data = export_athlete(db, athlete)
    json.dumps(data)  # JSON-ready
    assert data["format"] == EXPORT_FORMAT and data["athlete"]["id"] == athlete
    with db.session() as session:
        for table in exported_tables():
            expected = session.scalar(select(func.count()).select_from(table).where(owned_by(table, athlete)))
            assert expected, f"the fixture should fill {table.name}"
            if table.name == "athletes":
                got = 1
            elif table.name in NESTED_TABLES:
                parent, _ = NESTED_TABLES[table.name]
                got = sum(len(row[table.name]) for row in data[parent])
            else:
                got = len(data[table.name])
                assert all(row["athlete_id"] == athlete for row in data[table.name])
            assert got == expected, table.name
    assert "someone else" not in json.dumps(data)
    # 1 km to start, the imported 8 km and the typed-in run of a day before the state's own pair came into use
    assert {s["name"]: s["km"] for s in data["shoes"]}["shoe mine"] == 1 + 8 + full_state().activities[0].distance_km
    assert data["planned_days"][0]["phase"] == "calm"


def test_every_athlete_foreign_key_in_the_database_is_covered_by_the_export(db: Database) -> None:
    inspector = inspect(db.engine)
    referencing = {
        t
        for t in inspector.get_table_names()
        for fk in inspector.get_foreign_keys(t)
        if fk["referred_table"] == "athletes"
    }
    exported = set(export_athlete(db, _populate(db)).keys())
    # credentials, and the derived clinic status: erased, not exported
    accounts = {t.name for t in athlete_tables() if t.info.get("account") or t.info.get("derived")}
    assert referencing - accounts <= exported
    assert not accounts & exported


def test_the_csv_export_is_a_zip_of_one_csv_per_table(db: Database, tmp_path: Path) -> None:
    athlete = _populate(db, "mine")
    out = export_athlete_csv(db, athlete, tmp_path / "export.zip")
    with zipfile.ZipFile(out) as archive:
        assert set(archive.namelist()) == {f"{t.name}.csv" for t in exported_tables()}
        rows = list(csv.DictReader(io.StringIO(archive.read("checkins.csv").decode())))
        assert [r["date"] for r in rows] == ["2026-11-28", "2026-11-29", "2026-11-30"]
        [profile] = csv.DictReader(io.StringIO(archive.read("athletes.csv").decode()))
        assert json.loads(profile["diagnoses"]) == ["cleared_to_run"]
    with pytest.raises(FileExistsError):
        export_athlete_csv(db, athlete, out)
    export_athlete_csv(db, athlete, out, overwrite=True)
    with pytest.raises(AthleteNotFound):
        export_athlete(db, 31337)


def test_erasure_removes_every_row_of_the_athlete_and_no_one_elses(db: Database) -> None:
    gone = _populate(db, "gone")
    kept = _populate(db, "kept")
    kept_export = export_athlete(db, kept)
    report = erase_athlete(db, gone)
    assert report.rows_deleted["athletes"] == 1 and report.rows_deleted["laps"] == 2
    with db.session() as session:
        for table in athlete_tables():
            assert session.scalar(select(func.count()).select_from(table).where(owned_by(table, gone))) == 0
    assert [a.id for a in list_athletes(db)] == [kept]
    again = export_athlete(db, kept)
    assert {k: v for k, v in again.items() if k != "exported_at"} == {
        k: v for k, v in kept_export.items() if k != "exported_at"
    }
    with pytest.raises(AthleteNotFound):
        erase_athlete(db, gone)
    with pytest.raises(AthleteNotFound):
        state_for(db, gone, dt.date(2026, 11, 30))


def test_erasure_leaves_no_trace_in_the_sqlite_files(sqlite_db: Database) -> None:
    athlete = _populate(sqlite_db, CANARY)
    _populate(sqlite_db, "bystander")
    assert sqlite_db.sqlite_path is not None
    files = [sqlite_db.sqlite_path, Path(f"{sqlite_db.sqlite_path}-wal")]
    assert any(CANARY.encode() in f.read_bytes() for f in files if f.exists())
    report = erase_athlete(sqlite_db, athlete)
    assert report.files_clean is True and report.vacuumed is True
    for path in files:
        if path.exists():
            assert CANARY.encode() not in path.read_bytes(), path.name
    assert Path(f"{sqlite_db.sqlite_path}-wal").stat().st_size == 0


def _without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_ids(v)
            for k, v in value.items()
            if k not in ("id", "athlete_id", "activity_id", "shoe_id", "refers_to", "exported_at")
        }
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def test_an_export_loads_back_into_this_or_another_database(db: Database, sqlite_url: str) -> None:
    athlete = _populate(db, "portable")
    data = json.loads(json.dumps(export_athlete(db, athlete)))  # through JSON text, as a file would
    again = import_athlete_export(db, data)
    assert again != athlete
    assert _without_ids(export_athlete(db, again)) == _without_ids(data)
    assert state_for(db, again, dt.date(2026, 11, 30)) == state_for(db, athlete, dt.date(2026, 11, 30))
    trail = export_athlete(db, again)["adjustment_events"]  # the undo still points at its own setting
    assert trail[1]["refers_to"] == trail[0]["id"] != data["adjustment_events"][0]["id"]
    with Database.open(sqlite_url.replace("backstride.db", "other.db")) as other:
        moved = import_athlete_export(other, data)
        assert _without_ids(export_athlete(other, moved)) == _without_ids(data)
    with pytest.raises(ValueError):
        import_athlete_export(db, {"format": "something else"})


def _owned_counts(db: Database, athlete: int) -> dict[str, int]:
    with db.session() as session:
        return {t.name: int(session.scalar(select(func.count()).select_from(t).where(owned_by(t, athlete))) or 0)
                for t in athlete_tables()}


@pytest.mark.timeout(60)
def test_an_athlete_with_5000_activities_exports_and_loads_back_with_the_same_counts(db: Database) -> None:
    """T28's figure: 5,000 activities with check-ins, symptoms and red flags, out and back in under 60 s."""
    first = dt.date(2013, 1, 1)
    days = [first + dt.timedelta(days=i) for i in range(5000)]
    state = full_state(
        today=days[-1].isoformat(),
        checkins=[{"date": d.isoformat(), "pain_rest": i % 5, "pain_during": i % 7, "numbness_tingling": i % 97 == 0,
                   "notes": f"day {i}"} for i, d in enumerate(days)],
        activities=[{"date": d.isoformat(), "kind": "easy", "distance_km": 5 + i % 6, "duration_min": 30 + i % 30,
                     "rpe": 3} for i, d in enumerate(days)],
    )
    athlete = create_athlete(db, state, name="five thousand")
    add_imported_activity(db, athlete, imported(dt.datetime(2026, 9, 1, 7, tzinfo=UTC)))
    log_import(db, athlete, "broken.fit", "failed", "bad bytes")
    want = _owned_counts(db, athlete)
    assert want["activities"] == 5001 and want["checkins"] == 5000
    data = json.loads(json.dumps(export_athlete(db, athlete)))  # through JSON text, as the file is
    assert len(data["activities"]) == 5001 and len(data["checkins"]) == 5000
    again = import_athlete_export(db, data)
    assert _owned_counts(db, again) == want
