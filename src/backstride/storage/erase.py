"""Erasing an athlete (GDPR Art. 17): every row, no readable trace left in the files, and a ledger entry.

An erasure is one transaction: the athlete row goes (``ON DELETE CASCADE`` takes the rest) and a row
goes into the erasure ledger (``erasures``: the id, when, and a salted fingerprint, no health data).
Then, on SQLite, the files are cleaned: ``secure_delete`` has zeroed the freed content, but until a
checkpoint the old pages are still in the main file and the WAL holds copies, so the WAL is
checkpointed and truncated, the database VACUUMed where possible, and checkpointed again. Another
program reading the database can hold that up (its snapshot still needs the old pages): then
:attr:`ErasureReport.files_clean` is false, the ledger entry stays "not cleaned", and
:func:`finish_pending_erasures` finishes the job the next time backstride opens the database.
A restored backup is brought back in line with the ledger by :func:`reapply_erasures`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from backstride.storage.engine import Database, busy_timeout_ms
from backstride.storage.errors import AthleteNotFound
from backstride.storage.ownership import athlete_tables, owned_by
from backstride.storage.tables import AthleteRow, ErasureRow, utcnow

__all__ = [
    "ErasureReport",
    "LedgerEntry",
    "Reapplied",
    "erase_athlete",
    "finish_pending_erasures",
    "ledger",
    "reapply_erasures",
]

# How long opening the database may spend finishing an earlier erasure's clean-up before it leaves
# it for next time (readers must not wait behind it).
OPEN_CLEAN_WAIT_S = 0.25


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """How many rows went from each table (no health data), and whether the files are clean yet.

    ``files_clean`` is None on PostgreSQL (the tables are VACUUMed; the server's own files are its
    business); on SQLite false means another program held the database open with an old snapshot:
    the erasure is committed and recorded, and the files are cleaned at the next open.
    """

    athlete_id: int
    rows_deleted: dict[str, int]
    files_clean: bool | None
    vacuumed: bool


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One erasure in the ledger."""

    athlete_id: int
    erased_at: dt.datetime
    salt: str
    fingerprint: str
    files_cleaned_at: dt.datetime | None


def fingerprint(salt: str, athlete_id: int, created_at: dt.datetime) -> str:
    """HMAC-SHA256 (keyed by ``salt``) of the athlete row's id and creation time: the same person, not a
    later athlete with a reused id. Neither the name nor any health data goes in."""
    created = created_at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    return hmac.new(bytes.fromhex(salt), f"{athlete_id}|{created}".encode(), hashlib.sha256).hexdigest()


def _delete_athlete(session: Session, athlete: AthleteRow) -> dict[str, int]:
    tables = athlete_tables()
    athlete_id = athlete.id
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
    return counts


def erase_athlete(db: Database, athlete_id: int, *, clean_wait_s: float | None = None) -> ErasureReport:
    """Delete the athlete and everything that belongs to them, record it in the ledger, clean the files.

    ``clean_wait_s`` (default: the busy timeout) is how long to wait for other programs' readers to let
    the WAL go. Raises :class:`AthleteNotFound` for an unknown id.
    """
    with db.write() as session:
        athlete = session.get(AthleteRow, athlete_id)
        if athlete is None:
            raise AthleteNotFound(athlete_id)
        salt = secrets.token_hex(16)
        entry = ErasureRow(
            athlete_id=athlete_id,
            erased_at=utcnow(),
            salt=salt,
            fingerprint=fingerprint(salt, athlete_id, athlete.created_at),
            files_cleaned_at=None,
        )
        session.expunge(athlete)
        counts = _delete_athlete(session, athlete)
        session.add(entry)
    if db.is_sqlite:
        wait = busy_timeout_ms() / 1000 if clean_wait_s is None else clean_wait_s
        clean, vacuumed = _clean_sqlite_files(db, wait)
        return ErasureReport(athlete_id, counts, clean, vacuumed)
    _clean_postgresql(db)
    return ErasureReport(athlete_id, counts, None, True)


def _clean_postgresql(db: Database) -> None:
    """VACUUM the athlete tables (the freed rows' space is reused and their dead copies go), then mark the
    ledger: a process stopped in between leaves the entry "not cleaned" for the worker's round."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in athlete_tables():
            conn.exec_driver_sql(f'VACUUM "{table.name}"')
    _mark_cleaned(db)


def _mark_cleaned(db: Database) -> None:
    with db.write() as session:
        session.execute(
            update(ErasureRow).where(ErasureRow.files_cleaned_at.is_(None)).values(files_cleaned_at=utcnow())
        )


def _checkpoint(raw: sqlite3.Connection) -> bool:
    busy, _log, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return bool(busy == 0)


def _clean_sqlite_files(db: Database, wait_s: float) -> tuple[bool, bool]:
    """Checkpoint and truncate the WAL, VACUUM, and truncate again; mark the ledger when it all worked.

    Returns (files clean, vacuumed). SQLite's busy handler does the waiting: a TRUNCATE checkpoint
    waits up to the busy timeout for readers to leave the WAL.
    """
    vacuumed = False
    with db.write_lock(), db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        # Run on the raw connection: neither a checkpoint nor VACUUM can run inside a transaction.
        raw.execute(f"PRAGMA busy_timeout={max(0, int(wait_s * 1000))}")
        try:
            if not _checkpoint(raw):
                return False, False
            try:
                raw.execute("VACUUM")
                vacuumed = True
            except sqlite3.OperationalError:
                pass  # busy or out of room for the copy: secure_delete has zeroed the content already
            if not _checkpoint(raw):
                return False, vacuumed
            # Only now, with the files clean, does the ledger say so; the last checkpoint empties the
            # WAL of that one ledger page too (best effort: it holds no athlete data either way).
            raw.execute("BEGIN IMMEDIATE")
            raw.execute(
                "UPDATE erasures SET files_cleaned_at = ? WHERE files_cleaned_at IS NULL",
                (utcnow().strftime("%Y-%m-%d %H:%M:%S.%f"),),
            )
            raw.execute("COMMIT")
            _checkpoint(raw)
        except sqlite3.OperationalError:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            return False, vacuumed  # "database is locked": another writer held it all along
        finally:
            raw.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    return True, vacuumed


def pending_cleanups(db: Database) -> list[int]:
    """Athlete ids whose erasure is committed but whose data may still be readable in the files."""
    with db.session() as session:
        return list(session.scalars(select(ErasureRow.athlete_id).where(ErasureRow.files_cleaned_at.is_(None))))


def finish_pending_erasures(db: Database, wait_s: float = OPEN_CLEAN_WAIT_S) -> list[int]:
    """Finish the file clean-up of earlier erasures that another program held up (or, on PostgreSQL, that a
    stopped process left undone); return the athlete ids now clean (empty when there was nothing to do or
    the files are still held)."""
    pending = pending_cleanups(db)
    if not pending:
        return []
    if not db.is_sqlite:
        _clean_postgresql(db)
        return pending
    clean, _vacuumed = _clean_sqlite_files(db, wait_s)
    return pending if clean else []


def ledger(db: Database) -> list[LedgerEntry]:
    """Every erasure recorded in this database, oldest first."""
    with db.session() as session:
        rows = session.scalars(select(ErasureRow).order_by(ErasureRow.id))
        return [
            LedgerEntry(r.athlete_id, r.erased_at, r.salt, r.fingerprint, r.files_cleaned_at) for r in rows
        ]


@dataclass(frozen=True, slots=True)
class Reapplied:
    """What re-applying a ledger did: athletes erased again, and ids left alone because the athlete
    there now is someone else (a new athlete who was given a reused id)."""

    erased: dict[int, dict[str, int]]
    other_person: list[int]


def reapply_erasures(db: Database, entries: Iterable[LedgerEntry]) -> Reapplied:
    """Bring a database (a restored backup) in line with a ledger, in one transaction: every athlete the
    ledger erased is erased here too, and the ledger entries are added to this database's own ledger.
    The files are not cleaned here (the caller VACUUMs the copy before it goes into place)."""
    erased: dict[int, dict[str, int]] = {}
    other: list[int] = []
    with db.write() as session:
        known = {(r.athlete_id, r.fingerprint) for r in session.scalars(select(ErasureRow))}
        for entry in entries:
            athlete = session.get(AthleteRow, entry.athlete_id)
            if athlete is not None:
                if fingerprint(entry.salt, athlete.id, athlete.created_at) == entry.fingerprint:
                    session.expunge(athlete)
                    erased[entry.athlete_id] = _delete_athlete(session, athlete)
                elif entry.athlete_id not in other:
                    other.append(entry.athlete_id)
            if (entry.athlete_id, entry.fingerprint) not in known:
                known.add((entry.athlete_id, entry.fingerprint))
                session.add(ErasureRow(
                    athlete_id=entry.athlete_id, erased_at=entry.erased_at, salt=entry.salt,
                    fingerprint=entry.fingerprint, files_cleaned_at=None,
                ))
    return Reapplied(erased, other)
