"""Erasing an athlete (GDPR Art. 17): every row, and no readable trace left in the database files."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound
from backstride.storage.ownership import athlete_tables, owned_by
from backstride.storage.tables import AthleteRow

__all__ = ["ErasureReport", "erase_athlete"]


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """How many rows went from each table (no health data), and whether the WAL was emptied."""

    athlete_id: int
    rows_deleted: dict[str, int]
    wal_truncated: bool | None  # None on PostgreSQL


def erase_athlete(db: Database, athlete_id: int, *, checkpoint_timeout_s: float = 10.0) -> ErasureReport:
    """Delete the athlete and everything that belongs to them.

    One DELETE of the athlete row; ``ON DELETE CASCADE`` removes the rest, and the transaction is
    rolled back if any row is left. On SQLite, ``secure_delete`` has zeroed the freed content and
    ``wal_checkpoint(TRUNCATE)`` then empties the WAL, which still held copies of the old pages; a
    reader holding an old snapshot can delay that, so it is retried for ``checkpoint_timeout_s``
    (``wal_truncated`` says whether it worked). On PostgreSQL the tables are VACUUMed so the dead
    rows are reclaimed rather than left for autovacuum.
    """
    tables = athlete_tables()
    with db.write() as session:
        if session.get(AthleteRow, athlete_id) is None:
            raise AthleteNotFound(athlete_id)
        counts = {
            t.name: session.scalar(select(func.count()).select_from(t).where(owned_by(t, athlete_id))) or 0
            for t in tables
        }
        session.execute(delete(AthleteRow).where(AthleteRow.id == athlete_id))
        left = {
            t.name: n
            for t in tables
            if (n := session.scalar(select(func.count()).select_from(t).where(owned_by(t, athlete_id))))
        }
        if left:  # foreign keys off on this connection? never commit a partial erasure
            raise RuntimeError(f"erasure left rows behind: {left}")
    if db.is_sqlite:
        return ErasureReport(athlete_id, counts, _truncate_wal(db, checkpoint_timeout_s))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in tables:
            conn.exec_driver_sql(f'VACUUM "{table.name}"')
    return ErasureReport(athlete_id, counts, None)


def _truncate_wal(db: Database, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    with db.write_lock(), db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        while True:
            # Run on the raw connection: a checkpoint cannot complete inside our own transaction.
            busy, _log, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy == 0:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
