"""Where the data lives and how we talk to it: URLs, engines, and the :class:`Database` handle.

SQLite is the default (one file per user, one app process); PostgreSQL (``postgresql+psycopg://``)
is for multi-process deployments. The SQLite settings follow ``shared/reliability.md`` §1.2:
every connection gets WAL, ``synchronous=FULL``, foreign keys, a busy timeout and ``secure_delete``;
every write transaction starts with ``BEGIN IMMEDIATE`` and goes through one in-process lock per
database file, which is what makes "database is locked" impossible within one process.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "DATABASE_URL_ENV",
    "Database",
    "default_database_url",
    "make_engine",
    "resolve_url",
]

DATABASE_URL_ENV = "BACKSTRIDE_DATABASE_URL"

# Applied to every new SQLite connection. FULL, not NORMAL: losing the last check-ins on power loss
# is not acceptable for health data. secure_delete so erased rows do not linger in free pages.
SQLITE_PRAGMAS: tuple[tuple[str, str], ...] = (
    ("journal_mode", "WAL"),
    ("synchronous", "FULL"),
    ("foreign_keys", "ON"),
    ("busy_timeout", "5000"),
    ("secure_delete", "ON"),
)

# The execution option that marks a connection as a writer (BEGIN IMMEDIATE instead of BEGIN).
WRITE_OPTION = "backstride_write"


def default_database_url() -> str:
    """The SQLite file ``backstride.db`` in the user's data folder (created if missing)."""
    from backstride.storage.private import private_folder

    folder = private_folder(Path(platformdirs.user_data_dir("backstride")), tighten=True)
    return URL.create("sqlite+pysqlite", database=str(folder / "backstride.db")).render_as_string()


def resolve_url(explicit: str | None) -> str:
    """The database URL to use: ``explicit`` (``--db``), else ``$BACKSTRIDE_DATABASE_URL``, else the default.

    A bare path (no ``://``) is taken as a SQLite file.
    """
    for candidate in (explicit, os.environ.get(DATABASE_URL_ENV)):
        if candidate:
            return _normalise(candidate)
    return default_database_url()


def _normalise(url: str) -> str:
    if "://" not in url:
        return URL.create("sqlite+pysqlite", database=str(Path(url).expanduser())).render_as_string()
    parsed = make_url(url)
    # "postgresql://" alone would pick psycopg2, which we do not ship.
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take BEGIN away from pysqlite so that we emit it ourselves (SQLAlchemy's documented recipe);
    # this also makes DDL transactional, which the migrations rely on.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for name, value in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {name}={value}")
    finally:
        cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    # A deferred BEGIN that later writes can fail with SQLITE_BUSY without waiting; IMMEDIATE takes
    # the write lock up front, where busy_timeout applies.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _remember_pid(_dbapi_connection: Any, record: Any) -> None:
    record.info["pid"] = os.getpid()


def _refuse_other_pid(_dbapi_connection: Any, record: Any, proxy: Any) -> None:
    # A connection inherited through fork() shares its socket or file locks with the parent; using it
    # in the child corrupts both (SQLAlchemy's documented recipe: drop it and let the pool reconnect).
    owner = record.info.get("pid")
    if owner is not None and owner != os.getpid():
        record.dbapi_connection = proxy.dbapi_connection = None
        raise exc.DisconnectionError(f"connection opened in process {owner}, not in {os.getpid()}")


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with backstride's connection settings (SQLite pragmas, BEGIN IMMEDIATE).

    Connections are tied to the process that opened them: after a fork the child opens its own.
    """
    parsed = make_url(_normalise(url))
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise ValueError("backstride needs a SQLite file, not an in-memory database")
        engine = create_engine(parsed)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    elif parsed.get_backend_name() == "postgresql":
        engine = create_engine(parsed, pool_pre_ping=True)
    else:
        raise ValueError(f"unsupported database {parsed.drivername!r}: use a SQLite file or postgresql+psycopg://")
    event.listen(engine, "connect", _remember_pid)
    event.listen(engine, "checkout", _refuse_other_pid)
    return engine


class _WriteGate:
    """The write lock of one database and which threads hold it (to refuse nesting, not deadlock)."""

    def __init__(self, lock: threading.Lock | None) -> None:
        self.lock = lock
        self.holders = threading.local()


# One gate per SQLite file, shared by every Database object in the process that opens that file.
_sqlite_gates: dict[str, _WriteGate] = {}
_sqlite_gates_guard = threading.Lock()


def _gate_for(path: str) -> _WriteGate:
    key = os.path.realpath(path)
    with _sqlite_gates_guard:
        return _sqlite_gates.setdefault(key, _WriteGate(threading.Lock()))


class Database:
    """One database: an engine, a session factory, and the write discipline.

    ``session()`` gives a read session; ``write()`` a session whose transaction commits on
    success and rolls back on any exception, so a repository call never half-writes.
    Call :meth:`dispose` (or use the object as a context manager) when done.
    """

    def __init__(self, url: str) -> None:
        self.url = _normalise(url)
        self.engine = make_engine(self.url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.is_postgresql = self.engine.dialect.name == "postgresql"
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        if self.is_sqlite:
            database = self.engine.url.database
            assert database is not None  # checked in make_engine
            self.sqlite_path: Path | None = Path(database)
            self._gate = _gate_for(database)
        else:
            self.sqlite_path = None
            self._gate = _WriteGate(None)  # PostgreSQL has row locks; nesting is still refused

    @classmethod
    def open(cls, url: str | None = None, *, upgrade: bool = True) -> Database:
        """Open the database at ``url`` (resolved with :func:`resolve_url`) and bring its schema to
        the current revision. Raises :class:`~backstride.storage.errors.DatabaseTooNew` when the
        database was written by a newer backstride."""
        db = cls(resolve_url(url))
        try:
            from backstride.storage.migrate import check_revision
            from backstride.storage.migrate import upgrade as run_upgrade

            if db.is_sqlite:
                from backstride.storage.private import private_database_file

                assert db.sqlite_path is not None
                private_database_file(db.sqlite_path)  # 0600 before SQLite creates it (and its -wal/-shm)
            if upgrade:
                run_upgrade(db)
            else:
                check_revision(db)
        except BaseException:
            db.dispose()
            raise
        return db

    def upgrade(self) -> None:
        """Apply every pending migration (idempotent)."""
        from backstride.storage.migrate import upgrade as run_upgrade

        run_upgrade(self)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reading; its transaction is rolled back at the end."""
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one write transaction: commit on success, roll back on error.

        On SQLite the transaction starts with BEGIN IMMEDIATE behind the process-wide write lock
        for this file. Nested ``write()`` calls in one thread are refused: they would deadlock.
        """
        with self.write_lock(), self._write_sessions() as session, session.begin():
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A Core connection in one write transaction (for bulk work and migrations)."""
        with self.write_lock(), self.engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            yield conn

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold this database's in-process write lock (on PostgreSQL only the nesting check).

        Raises ``RuntimeError`` if this thread already holds it: a nested writer would wait for itself.
        """
        gate = self._gate
        if getattr(gate.holders, "held", False):
            raise RuntimeError("nested write transaction: pass the open session down instead")
        with gate.lock if gate.lock is not None else contextlib.nullcontext():
            gate.holders.held = True
            try:
                yield
            finally:
                gate.holders.held = False

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"Database({make_url(self.url).render_as_string(hide_password=True)!r})"
