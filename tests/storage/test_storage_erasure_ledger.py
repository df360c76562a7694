"""Honest erasure: never "clean" while another reader keeps the data in the files; the ledger remembers.

The bytes of the database and its -wal are read raw and searched for a string only the erased athlete
has, with a second connection (in this process and in another) holding the database open.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from backstride.storage.athletes import create_athlete, list_athletes
from backstride.storage.engine import Database
from backstride.storage.erase import erase_athlete, fingerprint, ledger, pending_cleanups
from backstride.storage.tables import AthleteRow, ErasureRow
from tests.storage.storage_builders import full_state
from tests.storage.test_storage_export_erase import _populate

CANARY = "ERASE-CANARY-5d1c-only-this-athlete"


def _files(db: Database) -> list[Path]:
    assert db.sqlite_path is not None
    return [db.sqlite_path, Path(f"{db.sqlite_path}-wal")]


def _holds_canary(db: Database) -> bool:
    return any(CANARY.encode() in path.read_bytes() for path in _files(db) if path.exists())


@pytest.fixture
def two_athletes(sqlite_db: Database) -> tuple[Database, int]:
    athlete = _populate(sqlite_db, CANARY)
    _populate(sqlite_db, "bystander")
    assert _holds_canary(sqlite_db)
    return sqlite_db, athlete


def test_an_idle_second_connection_does_not_stop_a_clean_erasure(two_athletes: tuple[Database, int]) -> None:
    db, athlete = two_athletes
    assert db.sqlite_path is not None
    other = sqlite3.connect(db.sqlite_path, isolation_level=None)
    try:
        other.execute("SELECT count(*) FROM checkins").fetchone()  # open, but no transaction left running
        report = erase_athlete(db, athlete, clean_wait_s=0.2)
        assert report.files_clean is True and report.vacuumed is True
        assert not _holds_canary(db)
        assert pending_cleanups(db) == []
    finally:
        other.close()


def test_a_reader_holding_a_snapshot_makes_the_erasure_pending_not_clean(two_athletes: tuple[Database, int]) -> None:
    db, athlete = two_athletes
    assert db.sqlite_path is not None
    url = db.url
    reader = sqlite3.connect(db.sqlite_path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM checkins").fetchone()  # a snapshot from before the erasure
    try:
        report = erase_athlete(db, athlete, clean_wait_s=0.2)
        assert report.files_clean is False
        assert _holds_canary(db)  # which is why it must not be called clean
        assert athlete not in [a.id for a in list_athletes(db)]  # the rows are gone all the same
        assert pending_cleanups(db) == [athlete]
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    db.dispose()
    reopened = Database.open(url)
    try:
        assert reopened.notices and "now complete" in reopened.notices[0]
        assert not _holds_canary(reopened)
        assert pending_cleanups(reopened) == []
        with Database.open(url) as third:
            assert third.notices == []  # said once, when it happened
    finally:
        reopened.dispose()


@pytest.fixture
def reader_process(two_athletes: tuple[Database, int]) -> Iterator[subprocess.Popen[str]]:
    """Another program holding a read transaction on the database until it is told to stop."""
    db, _ = two_athletes
    script = (
        "import sqlite3, sys\n"
        f"c = sqlite3.connect({str(db.sqlite_path)!r}, isolation_level=None)\n"
        "c.execute('BEGIN'); c.execute('SELECT count(*) FROM checkins').fetchone()\n"
        "print('reading', flush=True); sys.stdin.readline()\n"
        "c.execute('ROLLBACK'); c.close()\n"
    )
    with subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "reading"
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)


def test_a_reader_in_another_process_holds_the_clean_up_until_it_closes(
        two_athletes: tuple[Database, int], reader_process: subprocess.Popen[str]) -> None:
    db, athlete = two_athletes
    report = erase_athlete(db, athlete, clean_wait_s=0.3)
    assert report.files_clean is False and _holds_canary(db)
    assert reader_process.stdin is not None
    reader_process.stdin.write("done\n")
    reader_process.stdin.flush()
    reader_process.wait(timeout=30)
    url = db.url
    db.dispose()
    with Database.open(url) as again:
        assert any("now complete" in n for n in again.notices)
        assert not _holds_canary(again)


def test_the_ledger_holds_the_id_and_a_fingerprint_and_no_data_of_the_athlete(
        two_athletes: tuple[Database, int]) -> None:
    db, athlete = two_athletes
    with db.session() as session:
        created = session.get(AthleteRow, athlete).created_at  # type: ignore[union-attr]
    erase_athlete(db, athlete)
    entries = ledger(db)
    assert [e.athlete_id for e in entries] == [athlete]
    entry = entries[0]
    assert entry.files_cleaned_at is not None and entry.files_cleaned_at >= entry.erased_at
    assert entry.fingerprint == fingerprint(entry.salt, athlete, created)
    assert entry.fingerprint != fingerprint(entry.salt, athlete + 1, created)  # another row, another print
    with db.session() as session:
        row = session.scalars(select(ErasureRow)).one()
        stored = " ".join(str(getattr(row, c.key)) for c in ErasureRow.__table__.columns)
    assert CANARY not in stored and "runner" not in stored


def test_two_erasures_make_two_ledger_entries_with_their_own_salts(sqlite_db: Database) -> None:
    first = create_athlete(sqlite_db, full_state(), name="one")
    second = create_athlete(sqlite_db, full_state(), name="two")
    erase_athlete(sqlite_db, first)
    erase_athlete(sqlite_db, second)
    entries = ledger(sqlite_db)
    assert [e.athlete_id for e in entries] == [first, second]
    assert entries[0].salt != entries[1].salt


def test_a_writer_in_another_process_only_delays_the_clean_up(two_athletes: tuple[Database, int]) -> None:
    db, athlete = two_athletes
    script = (
        "import sqlite3, sys, time\n"
        f"c = sqlite3.connect({str(db.sqlite_path)!r}, isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE'); print('writing', flush=True); time.sleep(0.5); c.execute('COMMIT')\n"
    )
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        report = erase_athlete(db, athlete, clean_wait_s=5)
        proc.wait(timeout=30)
    assert report.files_clean is True and not _holds_canary(db)
