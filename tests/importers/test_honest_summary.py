"""Import summaries that say what happened: nothing found, files read in part, sports not known, repeats."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from backstride.contract import parse_state
from backstride.importers.fit import decode_fit
from backstride.importers.pace import sport_from_pace
from backstride.services.importing import ImportSummary, import_paths
from backstride.storage import Database, create_athlete, list_activities

from .conftest import DATA, real

TODAY = dt.date(2026, 12, 3)
DAMAGED = {  # MANIFEST.tsv: truncated or malformed files that still hold most of an activity
    "fit/fitparse__nick.fit": "read up to 279 min",
    "fit/fitparse__strava-android-app-201.10-b1218918.fit": "read up to 59 min",
    "fit/gpsbabel__lezyne_super_gps-garmin_fit-sample-bad-endian.fit": "read up to 92 min",
}


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database.open(f"sqlite+pysqlite:///{tmp_path / 'b.db'}")


def _athlete(db: Database) -> int:
    state = parse_state({"schema": "backstride.state/1", "today": "2026-12-03",
                         "athlete": {"baseline": {"sessions": [{"day": "tue", "kind": "easy", "distance_km": 5}]}}})
    return create_athlete(db, state)


def _import(db: Database, athlete: int, *paths: Path) -> ImportSummary:
    return import_paths(db, athlete, list(paths), workers=1, today=TODAY)


def _files(tmp_path: Path, *names: str) -> Path:
    """A folder holding these shared files (a test-time copy, never kept in the project)."""
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / Path(name).name).write_bytes(real(name))
    return folder


def test_an_empty_folder_or_one_without_activity_files_finds_nothing(db: Database, tmp_path: Path) -> None:
    athlete = _athlete(db)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _import(db, athlete, empty).found_nothing
    other = tmp_path / "other"
    other.mkdir()
    (other / "readme.txt").write_text("notes")
    (other / "MonitoringFile.fit").write_bytes(real("fit/fitparse__MonitoringFile.fit"))
    summary = _import(db, athlete, other)
    assert summary.found_nothing and summary.files == 2 and len(summary.skipped) == 2
    assert summary.to_json_dict()["found_nothing"] is True
    assert not _import(db, athlete, _files(tmp_path, "fit/fitparse__activity-small-fenix2-run.fit")).found_nothing


def test_every_damaged_file_is_named_with_what_was_lost(db: Database, tmp_path: Path) -> None:
    summary = _import(db, _athlete(db), _files(tmp_path, *DAMAGED))
    assert summary.partial == len(DAMAGED)
    said = dict(line.split(": ", 1) for line in summary.damaged)
    assert set(said) == {f"in/{Path(n).name}" for n in DAMAGED}
    for name, lost in DAMAGED.items():
        reason = said[f"in/{Path(name).name}"]
        assert reason.startswith(lost) and reason.endswith("the rest of the file is damaged")
    assert {d["file"] for d in summary.to_json_dict()["damaged"]} == set(said)


def _cut(name: str, share: float) -> bytes:
    data = real(name)
    return data[: int(len(data) * share)]


def test_a_run_cut_before_its_sport_is_taken_as_a_run_from_its_pace(db: Database, tmp_path: Path) -> None:
    # the fenix2's sport is stated only at the end of the file: cut at 60%, the records remain
    data = _cut("fit/fitparse__activity-small-fenix2-run.fit", 0.6)
    (activity,) = decode_fit("cut.fit", data, "x").activities
    assert activity.kind == "run" and activity.sport == "running" and activity.partial
    assert "running pace" in activity.sport_reason and "min/km" in activity.sport_reason
    (tmp_path / "cut.fit").write_bytes(data)
    summary = _import(db, _athlete(db), tmp_path / "cut.fit")
    assert summary.not_runs == 0 and summary.unknown_sport == []
    assert [line.split(": ", 1)[0] for line in summary.run_by_pace] == ["cut.fit"]
    assert [line.split(": ", 1)[0] for line in summary.damaged] == ["cut.fit"]


def test_a_sport_that_cannot_be_known_is_unknown_and_named(db: Database, tmp_path: Path) -> None:
    # an Edge 1040 file with records only and no sport anywhere: ridden pace, so not a run
    (activity,) = decode_fit("gear.fit", real("fit/garminsdk__WithGearChangeData.fit"), "x").activities
    assert activity.sport == "unknown" and activity.kind != "run"
    athlete = _athlete(db)
    summary = _import(db, athlete, _files(tmp_path, "fit/garminsdk__WithGearChangeData.fit"))
    assert [line.split(": ", 1)[0] for line in summary.unknown_sport] == ["in/garminsdk__WithGearChangeData.fit"]
    assert "does not say its sport" in summary.unknown_sport[0]
    (stored,) = list_activities(db, athlete)
    assert stored.sport == "unknown" and stored.kind == "cross_training"


def _track(pace_min_km: float, seconds: int = 1200) -> list[tuple[int, float]]:
    speed = 1000 / (pace_min_km * 60)
    return [(t, t * speed) for t in range(0, seconds, 5)]


@pytest.mark.parametrize(("pace", "sport"), [(3.5, "running"), (5.5, "running"), (11.0, "running"),
                                             (2.0, "unknown"), (15.0, "unknown")])
def test_running_pace_shows_a_run(pace: float, sport: str) -> None:
    assert sport_from_pace(_track(pace)).sport == sport


def test_too_few_records_tell_nothing() -> None:
    assert sport_from_pace(_track(5.0, seconds=60)).sport == "unknown"
    assert sport_from_pace([]).sport == "unknown"


def test_two_overlapping_csvs_in_one_export_are_repeats_not_already_in_the_log(db: Database) -> None:
    old = DATA / "exports/joboso__strava-activities-2023-10.csv"
    new = DATA / "exports/joboso__strava-activities-2025-08.csv"
    if not (old.exists() and new.exists()):
        pytest.skip(f"the shared Strava CSVs are absent ({DATA / 'exports'})")
    athlete = _athlete(db)
    first = _import(db, athlete, old, new)
    assert first.duplicates == 0 and first.repeated > 1000
    again = _import(db, athlete, old, new)
    assert again.imported == 0 and again.repeated == 0
    assert again.duplicates == first.imported + first.repeated


def test_the_same_run_as_fit_and_tcx_in_one_zip_is_one_repeat(db: Database, tmp_path: Path) -> None:
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr("activities/race.fit", real("fit/goldencheetah__10kUNLP2014-Garmin15.fit"))
        zf.writestr("activities/race.tcx", real("tcx/goldencheetah__10kUNLP2014-Garmin15.tcx"))
    athlete = _athlete(db)
    first = _import(db, athlete, export)
    assert (first.imported, first.repeated, first.duplicates) == (1, 1, 0)
    again = _import(db, athlete, export)
    assert (again.imported, again.repeated, again.duplicates) == (0, 0, 2)
