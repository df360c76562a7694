"""Use cases that keep the log safe: erasing an athlete for good, and restoring a backup.

Shared by the command line and the web app; each takes plain values and returns a plain report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from backstride.storage import Database, get_athlete, resolve_url
from backstride.storage.erase import ErasureReport, erase_athlete
from backstride.storage.restore_copy import RestoreError, RestoreReport, restore_database

__all__ = ["Erased", "RestoreError", "erase", "restore_backup"]


@dataclass(frozen=True, slots=True)
class Erased:
    """An erasure done: whose (the name, for the person who asked, not stored anywhere) and what went."""

    name: str
    report: ErasureReport


def erase(db: Database, athlete: int) -> Erased:
    """Erase the athlete and everything about them; the report says whether the files are clean yet."""
    name = get_athlete(db, athlete).name
    return Erased(name, erase_athlete(db, athlete))


def restore_backup(url: str | None, copy: Path, *, now: dt.datetime | None = None) -> RestoreReport:
    """Restore the database at ``url`` (resolved like every command's ``--db``) from the backup ``copy``.

    Only a SQLite database can be replaced by a file; raises :class:`RestoreError` otherwise.
    """
    resolved = make_url(resolve_url(url))
    if resolved.get_backend_name() != "sqlite" or not resolved.database:
        raise RestoreError(
            "restore replaces a SQLite database file; this log is on PostgreSQL, whose own tools "
            "(pg_dump and pg_restore) back it up and restore it"
        )
    return restore_database(Path(resolved.database), copy, now=now)
