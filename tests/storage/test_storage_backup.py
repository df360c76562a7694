"""Backups: a consistent, checked copy, even while someone writes."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest

from backstride.contract import Checkin
from backstride.storage.athletes import create_athlete, state_for
from backstride.storage.backup import backup
from backstride.storage.checkins import upsert_checkin
from backstride.storage.engine import Database
from backstride.storage.imports import add_imported_activity
from tests.storage.storage_builders import UTC, full_state, imported, row_counts


def test_a_backup_is_a_checked_sqlite_file_that_opens_as_a_database(db: Database, tmp_path: Path) -> None:
    athlete = create_athlete(db, full_state())
    add_imported_activity(db, athlete, imported(dt.datetime(2026, 11, 20, 7, tzinfo=UTC)))
    report = backup(db, tmp_path / "out" / "b.db")
    assert report.path == tmp_path / "out" / "b.db"
    assert report.row_counts["athletes"] == 1 and report.row_counts["laps"] == 2
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["b.db"]  # one file, no temp files
    with Database.open(f"sqlite:///{report.path}") as copy:
        assert row_counts(copy) == row_counts(db)
        assert state_for(copy, athlete, full_state().today) == state_for(db, athlete, full_state().today)


def test_a_backup_never_overwrites_unless_asked(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "b.db"
    out.write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        backup(db, out)
    assert out.read_bytes() == b"precious"
    backup(db, out, overwrite=True)
    conn = sqlite3.connect(out)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def test_a_backup_taken_while_a_writer_runs_is_consistent(db: Database, tmp_path: Path) -> None:
    athlete = create_athlete(db, full_state(checkins=[], activities=[]))
    stop = threading.Event()
    written: list[dt.date] = []
    errors: list[BaseException] = []

    def writer() -> None:
        day = dt.date(2020, 1, 1)
        try:
            while not stop.is_set():
                upsert_checkin(db, athlete, Checkin(date=day, pain_rest=day.day % 10))
                add_imported_activity(db, athlete, imported(dt.datetime.combine(day, dt.time(7), UTC)))
                written.append(day)
                day += dt.timedelta(days=1)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            assert thread.is_alive()
            stop.wait(0.01)
        reports = [backup(db, tmp_path / f"b{i}.db") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    assert errors == []
    for report in reports:
        counts = report.row_counts
        # each backup is one snapshot: an import's activity, laps and log row are all there or none;
        # the check-in of a day is written just before its import, in a transaction of its own
        assert counts["activities"] == counts["import_log"] > 0
        assert counts["laps"] == 2 * counts["activities"]
        assert counts["checkins"] - counts["activities"] in (0, 1)
    assert len(written) >= reports[-1].row_counts["activities"]
