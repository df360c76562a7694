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


def _fill_to_100_mb(path: Path, athletes: list[int]) -> None:
    """About 100 MB of check-ins with long notes, written straight through sqlite3 (quick to build)."""
    note = "a long note about how the back felt " * 28  # about 1 KB
    first = dt.date(1990, 1, 1)
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO checkins (athlete_id, date, pain_rest, notes, updated_at) VALUES (?, ?, ?, ?, ?)",
            ((a, (first + dt.timedelta(days=d)).isoformat(), d % 5, f"{d} {note}", "2026-12-04 07:00:00.000000")
             for a in athletes for d in range(1000)),
        )
    conn.close()


@pytest.mark.timeout(180)
def test_a_100_mb_database_backed_up_under_a_writer_and_restored_to_a_fresh_path_within_30_s_each(
    tmp_path: Path,
) -> None:
    """T15's drill: every commit acknowledged before the backup started is in it; both steps under 30 s."""
    import time

    from backstride.storage.restore_copy import restore_database

    live = tmp_path / "live.db"
    db = Database.open(f"sqlite:///{live}")
    try:
        bulk = [create_athlete(db, full_state(checkins=[], activities=[]), name=f"bulk {i}") for i in range(100)]
        _fill_to_100_mb(live, bulk)
        assert live.stat().st_size + Path(f"{live}-wal").stat().st_size > 95e6
        writer_athlete = create_athlete(db, full_state(checkins=[], activities=[]), name="writing")
        stop, written, errors = threading.Event(), [], []

        def writer() -> None:
            day = dt.date(2020, 1, 1)
            try:
                while not stop.is_set():
                    upsert_checkin(db, writer_athlete, Checkin(date=day, pain_rest=1))
                    written.append(day)  # acknowledged: upsert_checkin returned
                    day += dt.timedelta(days=1)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            while len(written) < 20:
                assert thread.is_alive()
                stop.wait(0.01)
            acknowledged = set(written)
            started = time.perf_counter()
            report = backup(db, tmp_path / "copy.db")
            backup_s = time.perf_counter() - started
        finally:
            stop.set()
            thread.join()
        assert errors == []
    finally:
        db.dispose()
    assert backup_s < 30, backup_s
    with sqlite3.connect(report.path) as conn:
        days = {dt.date.fromisoformat(r[0]) for r in
                conn.execute("SELECT date FROM checkins WHERE athlete_id = ?", (writer_athlete,))}
    conn.close()
    assert acknowledged <= days
    fresh = tmp_path / "elsewhere" / "restored.db"
    fresh.parent.mkdir()
    started = time.perf_counter()
    restored = restore_database(fresh, report.path)
    restore_s = time.perf_counter() - started
    assert restore_s < 30, restore_s
    with sqlite3.connect(fresh) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM checkins").fetchone()[0] == report.row_counts["checkins"]
    conn.close()
    assert restored.row_counts["checkins"] >= 100 * 1000 + len(acknowledged)
