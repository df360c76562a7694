"""Restoring a backup: checked before anything changes, swapped in whole, and erased athletes stay erased."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import stat
from pathlib import Path

import pytest

from backstride.storage import migrate
from backstride.storage.athletes import create_athlete, list_athletes, state_for
from backstride.storage.backup import backup
from backstride.storage.engine import Database
from backstride.storage.erase import erase_athlete, ledger
from backstride.storage.restore_copy import RestoreError, restore_database
from tests.storage.storage_builders import full_state, row_counts
from tests.storage.test_storage_export_erase import _populate

CANARY = "RESTORE-CANARY-91b0"
NOW = dt.datetime(2026, 12, 4, 7, 30, tzinfo=dt.UTC)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """The path of the database in use (a folder of its own, so leftovers would show)."""
    folder = tmp_path / "live"
    folder.mkdir()
    return folder / "backstride.db"


def _open(path: Path) -> Database:
    return Database.open(f"sqlite:///{path}")


def test_a_backup_comes_back_whole_and_the_old_database_is_kept_beside_it(db: Database, live: Path,
                                                                            tmp_path: Path) -> None:
    # The backup may come from either backend: a PostgreSQL backup is a portable SQLite file.
    athlete = _populate(db, "kept")
    copy = backup(db, tmp_path / "copy.db").path
    with _open(live) as current:
        create_athlete(current, full_state(), name="only in the live database")
    report = restore_database(live, copy, now=NOW)
    assert report.kept_as == live.with_name("backstride.db.before-restore-20261204T073000Z")
    assert sorted(p.name for p in live.parent.iterdir()) == ["backstride.db", report.kept_as.name]
    for path in (live, report.kept_as):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with _open(live) as restored:
        assert row_counts(restored) == row_counts(db)
        assert state_for(restored, athlete, full_state().today) == state_for(db, athlete, full_state().today)
    with _open(report.kept_as) as before:
        assert [a.name for a in list_athletes(before)] == ["only in the live database"]
    assert report.revision == migrate.head_revision() and report.row_counts["athletes"] == 1


def test_an_athlete_erased_after_the_backup_is_erased_again_on_restore(sqlite_db: Database, tmp_path: Path) -> None:
    gone = _populate(sqlite_db, CANARY)
    kept = _populate(sqlite_db, "kept")
    copy = backup(sqlite_db, tmp_path / "copy.db").path
    assert CANARY.encode() in copy.read_bytes()
    erase_athlete(sqlite_db, gone)
    live = sqlite_db.sqlite_path
    assert live is not None
    sqlite_db.dispose()
    report = restore_database(live, copy, now=NOW)
    assert list(report.reerased) == [gone]
    assert report.reerased[gone]["athletes"] == 1 and report.reerased[gone]["laps"] == 2
    assert report.other_person == []
    assert CANARY.encode() not in live.read_bytes()  # VACUUMed before it went into place
    with _open(live) as restored:
        assert [a.id for a in list_athletes(restored)] == [kept]
        assert [e.athlete_id for e in ledger(restored)] == [gone]  # the ledger came along
        assert all(e.files_cleaned_at is not None for e in ledger(restored))
    # and a second restore of the same copy erases them again: the ledger is now in the restored database
    again = restore_database(live, copy, now=NOW + dt.timedelta(seconds=1))
    assert list(again.reerased) == [gone]


def test_a_new_athlete_who_got_an_erased_athletes_id_is_not_erased_on_restore(sqlite_db: Database,
                                                                               tmp_path: Path) -> None:
    create_athlete(sqlite_db, full_state(), name="first")
    gone = create_athlete(sqlite_db, full_state(), name="erased")
    erase_athlete(sqlite_db, gone)
    newcomer = create_athlete(sqlite_db, full_state(), name="newcomer")
    assert newcomer == gone  # SQLite hands the highest free id out again
    copy = backup(sqlite_db, tmp_path / "copy.db").path
    live = sqlite_db.sqlite_path
    assert live is not None
    sqlite_db.dispose()
    report = restore_database(live, copy, now=NOW)
    assert report.reerased == {} and report.other_person == [newcomer]
    with _open(live) as restored:
        assert sorted(a.name for a in list_athletes(restored)) == ["first", "newcomer"]


def test_a_backup_of_an_older_schema_is_upgraded(live: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with Database(f"sqlite:///{old}") as db:
        migrate.upgrade(db, "0004")
    report = restore_database(live, old, now=NOW)
    assert report.copy_revision == "0004" and report.revision == migrate.head_revision()
    assert report.kept_as is None  # there was nothing to keep
    with _open(live) as restored:
        assert migrate.current_revision(restored) == migrate.head_revision()


def _not_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "notes.db"
    path.write_text("dear diary")
    return path


def _damaged(tmp_path: Path) -> Path:
    path = tmp_path / "damaged.db"
    with Database.open(f"sqlite:///{path}") as db:
        for n in range(30):
            create_athlete(db, full_state(), name=f"runner {n}")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    data = path.read_bytes()
    path.write_bytes(data[:4096] + b"\x55" * (len(data) - 4096))  # every page but the first overwritten
    return path


def _foreign(tmp_path: Path) -> Path:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    return path


def _from_the_future(tmp_path: Path) -> Path:
    path = tmp_path / "future.db"
    with Database.open(f"sqlite:///{path}") as db, db.write_connection() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    conn2 = sqlite3.connect(path)
    conn2.execute("PRAGMA journal_mode=DELETE")
    conn2.close()
    return path


@pytest.mark.parametrize(("make", "words"), [
    (lambda tmp: tmp / "missing.db", "no such file"),
    (lambda tmp: tmp, "is a folder"),
    (_not_sqlite, "not a SQLite database"),
    (_damaged, "damaged"),
    (_foreign, "not a backstride one"),
    (_from_the_future, "newer backstride"),
])
def test_a_copy_that_is_not_a_sound_backstride_backup_changes_nothing(
        live: Path, tmp_path: Path, make: object, words: str) -> None:
    with _open(live) as current:
        create_athlete(current, full_state(), name="still here")
    before = _digest(live)
    copy = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(RestoreError, match=words):
        restore_database(live, copy, now=NOW)
    assert _digest(live) == before
    assert sorted(p.name for p in live.parent.iterdir()) == ["backstride.db"]


def test_the_database_itself_is_not_its_own_backup(live: Path) -> None:
    with _open(live):
        pass
    with pytest.raises(RestoreError, match="the database itself"):
        restore_database(live, live, now=NOW)


def test_another_program_holding_the_database_stops_the_restore(live: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKSTRIDE_BUSY_TIMEOUT_MS", "200")
    with _open(live) as current:
        create_athlete(current, full_state(), name="still here")
        copy = backup(current, tmp_path / "copy.db").path
        with pytest.raises(RestoreError, match="another program has the database open"):
            restore_database(live, copy, now=NOW)
    with _open(live) as current:
        assert [a.name for a in list_athletes(current)] == ["still here"]
    assert sorted(p.name for p in live.parent.iterdir() if "before-restore" in p.name or ".tmp" in p.name) == []


def test_a_failure_while_preparing_the_copy_leaves_the_database_as_it_was(
        live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from backstride.storage import restore_copy

    with _open(live) as current:
        create_athlete(current, full_state(), name="still here")
        copy = backup(current, tmp_path / "copy.db").path
    before = _digest(live)

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(restore_copy, "reapply_erasures", broken)
    with pytest.raises(OSError, match="No space"):
        restore_database(live, copy, now=NOW)
    assert _digest(live) == before
    assert sorted(p.name for p in live.parent.iterdir()) == ["backstride.db"]


def test_a_damaged_database_is_replaced_by_the_backup_and_kept_aside(live: Path, tmp_path: Path) -> None:
    with _open(live) as current:
        create_athlete(current, full_state(), name="back again")
        copy = backup(current, tmp_path / "copy.db").path
    data = live.read_bytes()
    live.write_bytes(b"\x00" * len(data))  # the disk ate it
    report = restore_database(live, copy, now=NOW)
    assert report.ledger_problem is not None and report.kept_as is not None
    assert report.kept_as.read_bytes() == b"\x00" * len(data)
    with _open(live) as restored:
        assert [a.name for a in list_athletes(restored)] == ["back again"]
