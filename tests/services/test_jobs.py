"""Jobs off the request path: an import through enqueue, its progress, and the CLI's summary at the end."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from backstride.contract import parse_state
from backstride.services.importing import import_paths
from backstride.services.jobs import InlineJobs, Progress, UnknownJob, job_status
from backstride.storage import AthleteNotFound, Database, create_athlete, erase_athlete
from backstride.storage.tables import JobRow
from tests.conftest import SHARED
from tests.storage.conftest import pg_server_url, pg_url  # noqa: F401  (the PostgreSQL fixtures, reused)

ACTIVITIES = SHARED / "data" / "activities"
FILES = ("fit/fitparse__activity-small-fenix2-run.fit", "fit/fitparse__garmin-fenix-5-run.fit",
         "fit/fitparse__activity-unexpected-eof.fit", "gpx/goldencheetah__Move_2014_01_16_19_48_44.gpx")
TODAY = dt.date(2026, 12, 4)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(f"sqlite:///{tmp_path / 'log.db'}")
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The database on SQLite and on PostgreSQL in turn (the clinic's queue will be PostgreSQL's own)."""
    url = f"sqlite:///{tmp_path / 'log.db'}" if request.param == "sqlite" else str(request.getfixturevalue("pg_url"))
    database = Database.open(url)
    yield database
    database.dispose()


@pytest.fixture
def jobs(db: Database) -> Iterator[InlineJobs]:
    queue = InlineJobs(db)
    yield queue
    queue.close()


def _athlete(db: Database) -> int:
    return create_athlete(db, parse_state({"schema": "backstride.state/1", "today": TODAY.isoformat(), "athlete": {
        "baseline": {"sessions": [{"day": "sun", "kind": "long", "distance_km": 10}]}}}), name="runner")


def _upload(tmp_path: Path) -> Path:
    """A folder of uploaded files as the web app saves them: a few real ones and one that is not a FIT file."""
    if not ACTIVITIES.is_dir():
        pytest.skip(f"the shared activity files are absent ({ACTIVITIES}); set BACKSTRIDE_SHARED")
    folder = tmp_path / "upload"
    folder.mkdir()
    for name in FILES:
        shutil.copy(ACTIVITIES / name, folder / Path(name).name)
    (folder / "broken.fit").write_bytes(b"\x0e\x10this is no FIT file" * 4)
    return folder


def test_an_import_job_stores_the_same_summary_the_cli_prints(any_db: Database, tmp_path: Path) -> None:
    db = any_db
    folder = _upload(tmp_path)
    a = _athlete(db)
    jobs = InlineJobs(db)
    try:
        job = jobs.enqueue("import", {"athlete_id": a, "paths": [str(folder)], "today": TODAY.isoformat()})
        status = jobs.wait(job)
    finally:
        jobs.close()
    assert status.state == "done" and status.athlete_id == a and status.error is None
    assert status.done == status.total == len(FILES) + 1
    result = status.result
    assert result is not None
    failed = {f["file"]: f["reason"] for f in result["failed"]}
    assert "not a FIT file" in failed["upload/broken.fit"]
    assert result["imported"] >= 2 and result["units"] == "km"
    named = [d["file"] for d in result["damaged"]] + list(failed)
    assert any("unexpected-eof" in n for n in named)  # a damaged file is named with what was lost
    # The same files through the command line's path give the same summary (nothing new: all duplicates).
    again = import_paths(db, a, [folder], workers=1, today=TODAY).to_json_dict()
    assert again["failed"] == result["failed"] and again["duplicates"] == result["imported"]
    assert status.to_json_dict()["state"] == "done"


def test_progress_rises_file_by_file_while_the_job_runs(db: Database, tmp_path: Path) -> None:
    folder = _upload(tmp_path)
    a = _athlete(db)
    gate, seen = threading.Event(), []

    def slow_import(database: Database, payload: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        files = sorted(Path(payload["paths"][0]).iterdir())
        for i, _ in enumerate(files, start=1):
            gate.wait(5)
            gate.clear()
            progress(i, len(files))
        return {"files": len(files)}

    queue = InlineJobs(db, kinds={"import": slow_import})
    try:
        job = queue.enqueue("import", {"athlete_id": a, "paths": [str(folder)]})
        for _ in range(len(FILES) + 1):
            gate.set()
            for _ in range(200):  # until the job has taken the step
                if not gate.is_set():
                    break
                threading.Event().wait(0.01)
            threading.Event().wait(0.25)  # past the progress throttle
            seen.append(queue.job_status(job).done)
        status = queue.wait(job)
    finally:
        queue.close()
    assert seen == sorted(seen) and seen[-1] == len(FILES) + 1 and len(set(seen)) > 2
    assert status.state == "done" and status.result == {"files": len(FILES) + 1}


def test_uploaded_files_are_removed_when_the_job_says_so(db: Database, jobs: InlineJobs, tmp_path: Path) -> None:
    folder = _upload(tmp_path)
    job = jobs.enqueue("import", {"athlete_id": _athlete(db), "paths": [str(folder)], "remove": str(folder)})
    assert jobs.wait(job).state == "done" and not folder.exists()


def test_a_job_that_breaks_fails_with_a_calm_reason_and_no_traceback(db: Database, tmp_path: Path) -> None:
    def broken(database: Database, payload: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        raise RuntimeError("SELECT secret FROM somewhere")

    queue = InlineJobs(db, kinds={"import": broken})
    try:
        status = queue.wait(queue.enqueue("import", {"athlete_id": _athlete(db), "paths": []}))
    finally:
        queue.close()
    assert status.state == "failed" and status.error and "SELECT" not in status.error
    assert "Traceback" not in status.error and status.result is None


def test_unknown_jobs_kinds_and_athletes_are_refused(db: Database, jobs: InlineJobs) -> None:
    with pytest.raises(UnknownJob):
        job_status(db, 12345)
    with pytest.raises(UnknownJob):
        jobs.enqueue("mine bitcoin", {"athlete_id": _athlete(db)})
    with pytest.raises(AthleteNotFound):
        jobs.enqueue("import", {"athlete_id": 999, "paths": []})


def test_jobs_a_stopped_server_left_behind_are_marked_failed(db: Database) -> None:
    a = _athlete(db)
    with db.write() as session:
        session.add(JobRow(athlete_id=a, kind="import", state="running", payload={}, done=3, total=9,
                           created_at=dt.datetime.now(dt.UTC)))
    queue = InlineJobs(db)
    try:
        assert queue.recover() == 1
    finally:
        queue.close()
    with db.session() as session:
        [row] = session.scalars(select(JobRow)).all()
        assert row.state == "failed" and row.error and "import again" in row.error


def test_an_athletes_jobs_go_with_them_on_erasure(db: Database, jobs: InlineJobs) -> None:
    a = _athlete(db)
    job = jobs.enqueue("import", {"athlete_id": a, "paths": []})
    jobs.wait(job)
    erase_athlete(db, a)
    with pytest.raises(UnknownJob):
        job_status(db, job)
