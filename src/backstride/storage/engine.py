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
import random
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import platformdirs
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

from backstride.storage.errors import DatabaseBusy

T = TypeVar("T")

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
    ("secure_delete", "ON"),
)

# How long a writer queues behind another process's write before "database is busy" (SQLite's
# busy_timeout; write transactions are a few milliseconds, so this is a long queue, not a hang).
BUSY_TIMEOUT_MS = 15_000
BUSY_TIMEOUT_ENV = "BACKSTRIDE_BUSY_TIMEOUT_MS"

# PostgreSQL: a transaction that lost a serialization race or a deadlock is retried this many times,
# after a random pause of up to base * 2**attempt seconds (full jitter).
PG_RETRIES = 3
PG_RETRY_BASE_S = 0.05
_PG_RETRY_CODES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected


def busy_timeout_ms() -> int:
    """The write wait in milliseconds: ``$BACKSTRIDE_BUSY_TIMEOUT_MS`` (at least 1), else 15 s."""
    value = os.environ.get(BUSY_TIMEOUT_ENV, "")
    return max(1, min(int(value), 600_000)) if value.isdigit() else BUSY_TIMEOUT_MS

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
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")  # first: switching to WAL may wait too
        for name, value in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {name}={value}")
    finally:
        cursor.close()


def _is_busy(exc: BaseException) -> bool:
    """SQLite's SQLITE_BUSY ("database is locked"), after its busy timeout ran out."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


def _is_retryable(exc: BaseException) -> bool:
    """A PostgreSQL serialization failure or deadlock: the transaction can simply run again."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in _PG_RETRY_CODES


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


# Every engine made here, so that a forked child can drop what it inherited (weakly: disposed engines go).
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    """In a forked child, before any of its code runs: forget the parent's pooled connections without
    closing them (closing would end the parent's sessions on the server) and take fresh write locks (a
    lock another parent thread held at the fork would never be released here). Checking out an inherited
    connection would already be refused (:func:`_refuse_other_pid`), but the pool's pre-ping runs before
    that check and would talk over the parent's socket: T16's test caught it doing so."""
    global _sqlite_gates_guard
    for engine in list(_engines):
        engine.dispose(close=False)
    _sqlite_gates_guard = threading.Lock()
    for gate in _sqlite_gates.values():
        gate.lock = threading.Lock()
        gate.holders = threading.local()


os.register_at_fork(after_in_child=_after_fork_in_child)


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
    _engines.add(engine)
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
        # Plain sentences for the person using backstride, gathered while opening (shells print them).
        self.notices: list[str] = []
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = self.engine.execution_options(**{WRITE_OPTION: True})
        self._write_sessions = sessionmaker(self._writer, expire_on_commit=False)
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
        database was written by a newer backstride.

        The revision is read without a write transaction; only a database that needs migrating
        takes the write lock, so opening never waits for another process's writes.
        """
        db = cls(resolve_url(url))
        try:
            from backstride.storage.migrate import check_revision, needs_upgrade
            from backstride.storage.migrate import upgrade as run_upgrade

            if db.is_sqlite:
                from backstride.storage.private import private_database_file
                from backstride.storage.sqlite_safety import refuse_network_filesystem

                assert db.sqlite_path is not None
                refuse_network_filesystem(db.sqlite_path)  # before anything is created there
                private_database_file(db.sqlite_path)  # 0600 before SQLite creates it (and its -wal/-shm)
            current = True
            if upgrade and needs_upgrade(db):
                run_upgrade(db)  # under the write lock; re-reads the revision there
            else:
                check_revision(db)
                current = upgrade or not needs_upgrade(db)
            if db.is_sqlite and current:
                db._sqlite_notices()
        except BaseException:
            db.dispose()
            raise
        return db

    def _sqlite_notices(self) -> None:
        """Finish an earlier erasure's clean-up if it was held up, and warn about several writers."""
        from backstride.storage.erase import finish_pending_erasures
        from backstride.storage.sqlite_safety import shared_writer_warning

        assert self.sqlite_path is not None
        cleaned = finish_pending_erasures(self)
        if cleaned:
            ids = ", ".join(str(a) for a in cleaned)
            self.notices.append(
                f"The erasure of athlete {ids} is now complete: the database file no longer holds their data."
            )
        warning = shared_writer_warning(self.sqlite_path)
        if warning:
            self.notices.append(warning)

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
    def read(self) -> Iterator[Connection]:
        """A Core connection for reading (rolled back at the end): half the cost of a session, for the
        small indexed reads every request makes (who is signed in, the athlete's revision)."""
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one write transaction: commit on success, roll back on error.

        On SQLite the transaction starts with BEGIN IMMEDIATE behind the process-wide write lock
        for this file. Nested ``write()`` calls in one thread are refused: they would deadlock.
        """
        with self.busy_as_error(), self.write_lock(), self._write_sessions() as session, session.begin():
            yield session

    def run_write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one write transaction and return what it returns.

        On PostgreSQL a serialization failure or deadlock rolls back and runs ``work`` again, up to
        :data:`PG_RETRIES` more times after a jittered pause, so ``work`` must only touch the
        database. On SQLite the busy timeout does the waiting; when it runs out,
        :class:`~backstride.storage.errors.DatabaseBusy`.
        """
        attempt = 0
        while True:
            try:
                with self.write() as session:
                    return work(session)
            except exc.DBAPIError as error:
                if not (self.is_postgresql and _is_retryable(error)) or attempt >= PG_RETRIES:
                    raise
            time.sleep(random.uniform(0, PG_RETRY_BASE_S * 2**attempt))
            attempt += 1

    @contextmanager
    def busy_as_error(self) -> Iterator[None]:
        """Turn SQLite's "database is locked" (the busy timeout ran out) into :class:`DatabaseBusy`."""
        try:
            yield
        except exc.OperationalError as error:
            if self.is_sqlite and _is_busy(error):
                raise DatabaseBusy(busy_timeout_ms()) from error
            raise

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A Core connection in one write transaction (bulk work, migrations, and the audit row each
        read of health data adds: half the cost of a session)."""
        with (
            self.busy_as_error(),
            self.write_lock(),
            self._writer.begin() as conn,
        ):
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
