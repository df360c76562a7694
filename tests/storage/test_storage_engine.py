"""Connection settings, the write discipline, and where the database is."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from backstride.storage import engine as engine_module
from backstride.storage.engine import (
    DATABASE_URL_ENV,
    Database,
    default_database_url,
    make_engine,
    resolve_url,
)


def test_every_pooled_sqlite_connection_has_the_reliability_settings(sqlite_db: Database) -> None:
    seen: list[tuple[object, ...]] = []
    barrier = threading.Barrier(4)
    lock = threading.Lock()

    def check() -> None:
        with sqlite_db.engine.connect() as conn:
            barrier.wait(timeout=10)  # four connections open at once: four distinct pool entries
            row = tuple(
                conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in (
                    "journal_mode",
                    "synchronous",
                    "foreign_keys",
                    "busy_timeout",
                    "secure_delete",
                    "mmap_size",
                )
            )
            with lock:
                seen.append(row)

    threads = [threading.Thread(target=check) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 4
    for journal, synchronous, foreign_keys, busy_timeout, secure_delete, mmap_size in seen:
        assert journal == "wal"
        assert synchronous == 2  # FULL
        assert foreign_keys == 1
        assert isinstance(busy_timeout, int) and busy_timeout >= 5000
        assert secure_delete == 1
        assert mmap_size == 0


def test_writes_begin_immediate_so_other_writers_wait(sqlite_db: Database) -> None:
    assert sqlite_db.sqlite_path is not None
    other = sqlite3.connect(sqlite_db.sqlite_path, timeout=0, isolation_level=None)
    try:
        with sqlite_db.write() as session:
            session.execute(text("SELECT 1"))  # no write yet, but the write lock is already ours
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_reads_do_not_take_the_write_lock(sqlite_db: Database) -> None:
    assert sqlite_db.sqlite_path is not None
    other = sqlite3.connect(sqlite_db.sqlite_path, timeout=0, isolation_level=None)
    try:
        with sqlite_db.session() as session:
            session.execute(text("SELECT count(*) FROM athletes"))
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_nested_write_is_refused_instead_of_deadlocking(db: Database) -> None:
    with db.write(), pytest.raises(RuntimeError, match="nested"), db.write():
        pass


def test_two_database_objects_on_one_file_share_the_write_lock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    with Database(url) as a, Database(url) as b:
        assert a._gate is b._gate
        with a.write(), pytest.raises(RuntimeError, match="nested"), b.write():
            pass


def test_resolve_url_prefers_the_explicit_url_then_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(engine_module.platformdirs, "user_data_dir", lambda app: str(tmp_path / "data" / app))
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    assert resolve_url(None) == f"sqlite+pysqlite:///{tmp_path / 'data' / 'backstride' / 'backstride.db'}"
    assert (tmp_path / "data" / "backstride").is_dir()
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://u:p@h/db")
    assert resolve_url(None) == "postgresql+psycopg://u:p@h/db"
    assert resolve_url(str(tmp_path / "mine.db")) == f"sqlite+pysqlite:///{tmp_path / 'mine.db'}"
    assert resolve_url("sqlite:///other.db") == "sqlite:///other.db"


def test_default_database_url_is_a_file_in_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(engine_module.platformdirs, "user_data_dir", lambda app: str(tmp_path / app))
    assert default_database_url().endswith("/backstride/backstride.db")


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "mysql://x/y"])
def test_make_engine_refuses_what_backstride_cannot_use(url: str) -> None:
    with pytest.raises(ValueError):
        make_engine(url)


def test_a_failed_write_rolls_back(db: Database) -> None:
    from backstride.storage.tables import AthleteRow, utcnow

    with pytest.raises(ZeroDivisionError), db.write() as session:
        session.add(AthleteRow(name="x", created_at=utcnow(), units="km", diagnoses=[]))
        session.flush()
        _ = 1 / 0
    with db.session() as session:
        assert session.scalar(text("SELECT count(*) FROM athletes")) == 0


def test_a_connection_is_never_used_in_another_process(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = db.engine.raw_connection()
    inherited = raw.driver_connection
    raw.close()  # back in the pool, as it would be at fork time
    real_pid = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: real_pid + 1)  # "we are the child now"
    try:
        with db.engine.connect() as conn:
            assert conn.connection.driver_connection is not inherited
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        inherited.close()  # type: ignore[union-attr]


def test_the_public_api_is_what_it_says_and_loads_no_alembic() -> None:
    code = (
        "import sys, backstride.storage as s\n"
        "missing = [n for n in s.__all__ if not hasattr(s, n)]\n"
        "assert not missing, missing\n"
        "assert 'alembic' not in sys.modules\n"
    )
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_missing_postgres_binaries_skip_unless_postgres_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.storage import conftest

    monkeypatch.setattr(conftest.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(conftest.shutil, "which", lambda name: None)
    assert conftest._pg_bindir() is None
    monkeypatch.delenv(conftest.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="not found"):
        conftest._no_postgres("PostgreSQL server binaries (initdb, pg_ctl) not found")
    monkeypatch.setenv(conftest.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="BACKSTRIDE_REQUIRE_POSTGRES=1"):
        conftest._no_postgres("PostgreSQL server binaries (initdb, pg_ctl) not found")


def test_after_a_thousand_reads_and_writes_from_four_threads_every_connection_still_has_the_settings(
    sqlite_db: Database,
) -> None:
    """T12's figure: 100% of the connections used for 1,000 sessions, reads and writes mixed."""
    want = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "secure_delete": 1, "mmap_size": 0}
    wrong: list[tuple[str, object]] = []
    connections: set[int] = set()
    done: list[int] = []
    lock = threading.Lock()

    def work(offset: int) -> None:
        for i in range(250):
            with sqlite_db.write() if (i + offset) % 2 else sqlite_db.session() as session:
                raw = session.connection().connection.driver_connection
                seen = {name: raw.execute(f"PRAGMA {name}").fetchone()[0] for name in (*want, "busy_timeout")}
                with lock:
                    connections.add(id(raw))
                    wrong.extend((k, v) for k, v in seen.items() if k in want and v != want[k])
                    if seen["busy_timeout"] < 5000:
                        wrong.append(("busy_timeout", seen["busy_timeout"]))
                    done.append(i)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == [] and len(done) == 1000
    assert connections  # the settings were read on real pooled connections
