"""Backups that can be trusted: a consistent copy, checked before it is called a backup.

SQLite: the online backup API copies the database as one snapshot, taken inside a read transaction
that also counts every table's rows, so writers can go on meanwhile. The copy is switched to
rollback-journal mode (one self-contained file), fsynced, checked with ``PRAGMA integrity_check``
and a row-count comparison, and only then moved to ``out_path``.

PostgreSQL: the backup is a *portable* SQLite file with the same tables and revision, filled from
one REPEATABLE READ snapshot; ``Database.open("sqlite:///that-file")`` reads it like any other
backstride database. For a full server backup (roles, other schemas) use ``pg_dump``.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, insert, select

from backstride.storage.engine import Database
from backstride.storage.private import move_into_place, private_database_file, private_temp_beside
from backstride.storage.tables import Base

__all__ = ["BackupError", "BackupReport", "backup"]


class BackupError(RuntimeError):
    """The copy failed its checks; nothing was written at the destination."""


@dataclass(frozen=True, slots=True)
class BackupReport:
    """Where the backup is, and the rows it holds per table (equal to the source's at snapshot time)."""

    path: Path
    row_counts: dict[str, int]


def backup(db: Database, out_path: Path | str, *, overwrite: bool = False) -> BackupReport:
    """Back the database up to the SQLite file ``out_path`` (see the module docstring).

    Raises ``FileExistsError`` if ``out_path`` exists and ``overwrite`` is false, and
    :class:`BackupError` if the copy fails its integrity check or row counts.
    """
    out = Path(out_path)
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} already exists; pass overwrite=True to replace it")
    with private_temp_beside(out) as tmp:
        counts = _copy_sqlite(db, tmp) if db.is_sqlite else _copy_to_sqlite(db, tmp)
        _verify(tmp, counts)
        _fsync(tmp)
        move_into_place(tmp, out, overwrite=overwrite)
    return BackupReport(out, counts)


def _table_names() -> list[str]:
    return [table.name for table in Base.metadata.sorted_tables] + ["alembic_version"]


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def _copy_sqlite(db: Database, tmp: Path) -> dict[str, int]:
    assert db.sqlite_path is not None
    source = sqlite3.connect(db.sqlite_path, isolation_level=None, timeout=5.0)
    target = sqlite3.connect(tmp, isolation_level=None)
    try:
        source.execute("BEGIN")  # the counts and the copy see one snapshot
        counts = {name: _count(source, name) for name in _table_names()}
        source.backup(target)  # pages=-1: one step, so no restart when others write meanwhile
        source.execute("COMMIT")
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()
    return counts


def _copy_to_sqlite(db: Database, tmp: Path) -> dict[str, int]:
    from backstride.storage import migrate  # only here: Alembic is slow to import

    revision = migrate.current_revision(db)
    private_database_file(tmp)  # an empty 0600 file is an empty SQLite database
    with Database(f"sqlite+pysqlite:///{tmp}") as copy:
        if revision is not None:
            migrate.upgrade(copy, revision)
        with (
            db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as source,
            copy.write_connection() as target,
        ):
            counts: dict[str, int] = {}
            for table in Base.metadata.sorted_tables:
                counts[table.name] = int(source.scalar(select(func.count()).select_from(table)) or 0)
                result = source.execution_options(yield_per=1000).execute(select(table))
                for chunk in result.mappings().partitions():
                    target.execute(insert(table), [dict(row) for row in chunk])
            counts["alembic_version"] = 1 if revision is not None else 0
    sqlite = sqlite3.connect(tmp, isolation_level=None)
    try:
        sqlite.execute("PRAGMA journal_mode=DELETE")
    finally:
        sqlite.close()
    return counts


def _verify(path: Path, expected: dict[str, int]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"the copy failed its integrity check: {problems[:5]}")
        got = {name: _count(conn, name) for name in expected}
    finally:
        conn.close()
    if got != expected:
        raise BackupError(f"row counts differ between the database and the copy: {expected} vs {got}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

