"""Putting a backup back: checked first, prepared aside, swapped in whole, erasures re-applied.

:func:`restore_database` mirrors :func:`~backstride.storage.backup.backup` in reverse:

1. The copy is checked before anything else happens: a regular SQLite file (opened read-only),
   ``PRAGMA integrity_check`` is ok, it has backstride's tables and a schema revision this backstride
   knows (not newer). Otherwise :class:`RestoreError` and nothing is touched.
2. The current database's erasure ledger is read (it may be damaged: then the restore says so).
3. The copy is copied with SQLite's backup API into a 0600 temp file beside the database, its
   schema upgraded, every erasure of the current ledger re-applied (an erased athlete does not come
   back) and added to its ledger, VACUUMed with ``secure_delete``, checked again and fsynced.
4. Only then the swap: the current database is switched out of WAL mode (which succeeds only when no
   other program has it open, and leaves it one self-contained file), hard-linked beside itself as
   ``NAME.before-restore-YYYYmmddTHHMMSSZ`` and replaced with ``os.replace``. At every moment the
   database path holds either the old database or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from backstride.storage.engine import Database, busy_timeout_ms
from backstride.storage.erase import LedgerEntry, Reapplied, reapply_erasures
from backstride.storage.errors import DatabaseTooNew
from backstride.storage.private import FILE_MODE, move_into_place, private_temp_beside
from backstride.storage.sqlite_safety import refuse_network_filesystem

__all__ = ["RestoreError", "RestoreReport", "restore_database"]

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every backstride database has had since its first revision.
_REQUIRED_TABLES = frozenset({"alembic_version", "athletes", "checkins", "activities"})


class RestoreError(RuntimeError):
    """The copy (or the database it would replace) is not fit for a restore; nothing was changed."""


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What the restore did, for the person who asked for it."""

    path: Path
    kept_as: Path | None  # the database that was there before, kept beside it
    copy_revision: str
    revision: str
    row_counts: dict[str, int]
    reerased: dict[int, dict[str, int]] = field(default_factory=dict)
    other_person: list[int] = field(default_factory=list)  # ledger ids now held by a different athlete
    ledger_problem: str | None = None  # why the replaced database's ledger could not be read


def _ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, isolation_level=None)


def _check_copy(copy: Path, target: Path) -> str:
    """The copy's schema revision, or :class:`RestoreError` naming what is wrong with it."""
    try:
        info = copy.stat()
    except FileNotFoundError:
        raise RestoreError(f"{copy}: no such file") from None
    except OSError as exc:
        raise RestoreError(f"{copy}: cannot read it ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise RestoreError(f"{copy}: is a folder; give the backup file (made by `backstride backup FILE`)")
    if not stat.S_ISREG(info.st_mode):
        raise RestoreError(f"{copy}: is not a regular file; give the backup file itself")
    if target.exists() and os.path.samefile(copy, target):
        raise RestoreError(f"{copy}: is the database itself, not a backup of it")
    with open(copy, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise RestoreError(f"{copy}: is not a SQLite database, so not a backstride backup")
    try:
        conn = _ro(copy)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revisions = (
                [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
                if "alembic_version" in names else []
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise RestoreError(f"{copy}: cannot be read as a database ({exc}); it may be damaged") from None
    if problems != ["ok"]:
        raise RestoreError(f"{copy}: failed its integrity check ({'; '.join(problems[:3])}); it is damaged")
    if not names >= _REQUIRED_TABLES or len(revisions) != 1:
        raise RestoreError(f"{copy}: is a SQLite database but not a backstride one")
    from backstride.storage import migrate

    try:
        migrate.check_known(revisions[0])
    except DatabaseTooNew as exc:
        raise RestoreError(f"{copy}: {exc}") from None
    return str(revisions[0])


def _utc(value: object) -> dt.datetime | None:
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def _current_ledger(target: Path) -> tuple[list[LedgerEntry], str | None]:
    """The erasure ledger of the database about to be replaced (read-only), and any problem reading it."""
    if not target.exists() or target.stat().st_size == 0:
        return [], None
    try:
        # Read-write, not mode=ro: a read-only connection would leave -wal and -shm files behind.
        conn = sqlite3.connect(target, isolation_level=None, timeout=busy_timeout_ms() / 1000)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "erasures" not in names:
                return [], None
            rows = conn.execute(
                "SELECT athlete_id, erased_at, salt, fingerprint, files_cleaned_at FROM erasures ORDER BY id"
            ).fetchall()
        finally:
            conn.close()
        entries = []
        for athlete_id, erased_at, salt, fingerprint, cleaned in rows:
            when = _utc(erased_at)
            assert when is not None
            entries.append(LedgerEntry(int(athlete_id), when, str(salt), str(fingerprint), _utc(cleaned)))
        return entries, None
    except (sqlite3.DatabaseError, ValueError, AssertionError) as exc:
        return [], str(exc)


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )]
    return {name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in names}


def _prepare(
    copy: Path, tmp: Path, ledger: list[LedgerEntry], now: dt.datetime
) -> tuple[str, dict[str, int], Reapplied]:
    from backstride.storage import migrate

    source, target = _ro(copy), sqlite3.connect(tmp, isolation_level=None)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()
    with Database(f"sqlite+pysqlite:///{tmp}") as restored:
        migrate.upgrade(restored)
        revision = migrate.current_revision(restored)
        reapplied = reapply_erasures(restored, ledger)
        with restored.write_connection() as conn:  # VACUUM below leaves no trace of them
            conn.exec_driver_sql(
                "UPDATE erasures SET files_cleaned_at = ? WHERE files_cleaned_at IS NULL",
                (now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),),
            )
    conn_raw = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn_raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn_raw.execute("PRAGMA journal_mode=DELETE")
        conn_raw.execute("PRAGMA secure_delete=ON")
        conn_raw.execute("VACUUM")
        problems = [row[0] for row in conn_raw.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise RestoreError(f"the restored copy failed its integrity check ({'; '.join(problems[:3])})")
        counts = _counts(conn_raw)
    finally:
        conn_raw.close()
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    assert revision is not None
    return revision, counts, reapplied


def _kept_name(target: Path, now: dt.datetime) -> Path:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = target.with_name(f"{target.name}.before-restore-{stamp}")
    n = 1
    while kept.exists():
        kept = target.with_name(f"{target.name}.before-restore-{stamp}-{n}")
        n += 1
    return kept


@contextlib.contextmanager
def _held_alone(target: Path) -> Iterator[sqlite3.Connection]:
    """Switch the database out of WAL mode and hold it exclusively, or refuse: another program has it open."""
    conn = sqlite3.connect(target, isolation_level=None, timeout=busy_timeout_ms() / 1000)
    try:
        try:
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.DatabaseError as exc:
            text = str(exc).lower()
            # A damaged database cannot be locked through SQLite: it is replaced all the same (and kept),
            # since putting a backup back is what it needs.
            mode = "wal" if "locked" in text or "busy" in text else "delete"
        if str(mode).lower() != "delete":
            raise RestoreError(
                f"{target}: another program has the database open (another backstride, or a backup tool). "
                "Close it and restore again; nothing was changed."
            )
        yield conn
    finally:
        conn.close()


def _keep(target: Path, kept: Path) -> None:
    try:
        os.link(target, kept)
    except OSError:  # no hard links here (some filesystems): a full copy, fsynced, 0600
        with private_temp_beside(kept) as tmp:
            shutil.copyfile(target, tmp)
            os.chmod(tmp, FILE_MODE)
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            move_into_place(tmp, kept, overwrite=False)


def restore_database(target: Path, copy: Path, *, now: dt.datetime | None = None) -> RestoreReport:
    """Restore the SQLite database ``target`` from the backup ``copy`` (see the module docstring).

    Raises :class:`RestoreError` with a sentence for the user when the copy is not fit or another
    program holds the database; in every failure the database is as it was.
    """
    now = now or dt.datetime.now(dt.UTC)
    copy, target = Path(copy), Path(target)
    try:
        refuse_network_filesystem(target)
    except RuntimeError as exc:
        raise RestoreError(str(exc)) from None
    copy_revision = _check_copy(copy, target)
    ledger, ledger_problem = _current_ledger(target)
    with private_temp_beside(target) as tmp:
        revision, counts, reapplied = _prepare(copy, tmp, ledger, now)
        kept: Path | None = None
        if not target.exists() or target.stat().st_size == 0:
            for side in ("-wal", "-shm", "-journal"):
                Path(f"{target}{side}").unlink(missing_ok=True)
            move_into_place(tmp, target, overwrite=True)
        else:
            with _held_alone(target):
                kept = _kept_name(target, now)
                _keep(target, kept)
                try:
                    move_into_place(tmp, target, overwrite=True)
                except BaseException:
                    kept.unlink(missing_ok=True)
                    raise
    return RestoreReport(
        path=target,
        kept_as=kept,
        copy_revision=copy_revision,
        revision=revision,
        row_counts=counts,
        reerased=dict(reapplied.erased),
        other_person=list(reapplied.other_person),
        ledger_problem=ledger_problem,
    )
