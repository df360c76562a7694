"""Schema migrations, run programmatically with Alembic from the files shipped in this package.

:func:`upgrade` brings a database to the newest revision this code knows; it refuses (with
:class:`DatabaseTooNew`) a database stamped by a newer backstride, since writing to a schema we do
not understand could lose data. On SQLite, foreign keys are switched off for the duration of the
migration, because a batch migration recreates tables and dropping a parent table with foreign keys
on would cascade-delete the children; ``PRAGMA foreign_key_check`` runs before the commit instead.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from backstride.storage.engine import WRITE_OPTION, Database
from backstride.storage.errors import DatabaseNeedsUpgrade, DatabaseTooNew

__all__ = [
    "MIGRATIONS_DIR",
    "DatabaseTooNew",
    "alembic_config",
    "check_known",
    "check_revision",
    "current_revision",
    "downgrade",
    "head_revision",
    "is_ours",
    "needs_upgrade",
    "require_current",
    "revisions",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Any fixed number: serialises concurrent migrations on one PostgreSQL database.
_PG_MIGRATION_LOCK = zlib.crc32(b"backstride.migrations")


# procrastinate's tables, types and functions (migration 0011) are the queue's, not in our table classes:
# autogenerate and schema comparisons leave them alone.
QUEUE_PREFIX = "procrastinate_"


def is_ours(name: str | None, type_: str, _parent: object) -> bool:
    """Alembic's ``include_name``: every table but the job queue's (PostgreSQL only)."""
    return not (type_ == "table" and name is not None and name.startswith(QUEUE_PREFIX))


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic ``Config`` pointing at the packaged migrations (no ``alembic.ini`` needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision this code knows."""
    head = _script().get_current_head()
    assert head is not None
    return head


def revisions() -> list[str]:
    """Every known revision, oldest first."""
    return [rev.revision for rev in reversed(list(_script().walk_revisions()))]


def current_revision(db: Database) -> str | None:
    """The revision the database is stamped with (None for an empty database)."""
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _check_known(revision: str | None) -> None:
    if revision is None:
        return
    try:
        known = _script().get_revision(revision)
    except Exception:
        known = None
    if known is None:
        raise DatabaseTooNew(
            f"This database is at schema revision {revision!r}, which this version of backstride does not "
            f"know (it knows up to {head_revision()!r}). It was written by a newer backstride: upgrade "
            f"backstride, or open a backup made with this version."
        )


def check_known(revision: str | None) -> None:
    """Raise :class:`DatabaseTooNew` if ``revision`` is not one this backstride knows (None is fine)."""
    _check_known(revision)


def needs_upgrade(db: Database) -> bool:
    """Whether the database is behind this code (read without a write transaction)."""
    revision = current_revision(db)
    _check_known(revision)
    return revision != head_revision()


def require_current(db: Database) -> None:
    """Raise :class:`DatabaseNeedsUpgrade` unless the database is at this code's revision (for the app's
    workers and the job worker, which never migrate: ``backstride db upgrade`` does, once)."""
    revision = current_revision(db)
    _check_known(revision)
    if revision != head_revision():
        raise DatabaseNeedsUpgrade(revision, head_revision())


def check_revision(db: Database) -> None:
    """Raise :class:`DatabaseTooNew` if the database is newer than this code."""
    _check_known(current_revision(db))


def upgrade(db: Database, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` (default: the newest), in one transaction."""
    _run(db, lambda cfg: command.upgrade(cfg, revision))


def downgrade(db: Database, revision: str) -> None:
    """Migrate the database down to ``revision`` (``"base"`` empties it), in one transaction."""
    _run(db, lambda cfg: command.downgrade(cfg, revision))


def _run(db: Database, step: Callable[[Config], object]) -> None:
    if not db.is_sqlite:
        with db.write_connection() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
            _check_known(MigrationContext.configure(conn).get_current_revision())
            step(alembic_config(conn))
        return
    with db.busy_as_error(), db.write_lock(), db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")  # outside any transaction, or it is ignored
        try:
            conn.execution_options(**{WRITE_OPTION: True})  # BEGIN IMMEDIATE
            with conn.begin():
                _check_known(MigrationContext.configure(conn).get_current_revision())
                step(alembic_config(conn))
                problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise RuntimeError(f"migration left rows with broken foreign keys: {problems[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
