"""T11 and T17 at their figures on SQLite: SIGKILL at random points of many write transactions, and at
points spread over the statements of an upgrade from each earlier revision (the first, second, last and
quarters).

The writer is a forked copy of the test process (no interpreter start-up per kill), which opens its own
:class:`Database` after the fork as backstride does, and reports each commit to the parent through a pipe
only after the call returned: what the parent heard of was acknowledged and must survive.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import select
import signal
import sqlite3
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event

from backstride.contract import parse_state
from backstride.storage import migrate
from backstride.storage.athletes import create_athlete
from backstride.storage.engine import Database
from backstride.storage.imports import add_imported_activity
from tests.storage.storage_builders import UTC, imported

STATE = {"schema": "backstride.state/1", "today": "2026-12-04",
         "athlete": {"baseline": {"sessions": [{"day": "sun", "kind": "long", "distance_km": 10}]}}}


def _fork(work: Callable[[int], None]) -> tuple[int, int]:
    """Run ``work(write_fd)`` in a forked child; returns its pid and the read end of its pipe."""
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns when forking with threads alive; the child only opens its own database and writes
        warnings.filterwarnings("ignore", message=r".*use of fork\(\) may lead to deadlocks",
                                category=DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_fd)
        code = 0
        try:
            work(write_fd)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def _writer(url: str, athlete: int, first: int) -> Callable[[int], None]:
    def work(fd: int) -> None:
        db = Database.open(url)
        start = dt.datetime(2000, 1, 1, 7, tzinfo=UTC)
        for i in range(first, first + 100_000):
            add_imported_activity(db, athlete, imported(start + dt.timedelta(days=i), name=f"{i}.fit", laps=3))
            os.write(fd, f"{i}\n".encode())  # acknowledged: the call returned, the commit is durable
    return work


def _heard(fd: int, seconds: float) -> list[int]:
    """The acknowledgements the child sends within ``seconds``."""
    got, buf, deadline = [], b"", time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        got += [int(line) for line in lines]
    return got


def _kill(pid: int, fd: int) -> int:
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return status


@pytest.mark.timeout(300)
def test_fifty_kill_9s_at_random_points_keep_every_acknowledged_commit_and_a_sound_file(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    url = f"sqlite:///{path}"
    with Database.open(url) as db:
        athlete = create_athlete(db, parse_state(STATE))
    rng = random.Random(20261204)
    acknowledged: set[int] = set()
    rounds = 200 if os.environ.get("BACKSTRIDE_SLOW") else 50  # the B tier's 200 with BACKSTRIDE_SLOW=1
    for round_ in range(rounds):
        pid, fd = _fork(_writer(url, athlete, first=round_ * 1000))
        acknowledged.update(_heard(fd, rng.uniform(0.05, 0.25)))
        _kill(pid, fd)
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",), round_
            names = {row[0] for row in conn.execute("SELECT source_name FROM activities")}
            activities, laps, logged = (conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                        for t in ("activities", "laps", "import_log"))
        conn.close()
        assert {f"{i}.fit" for i in acknowledged} <= names, round_  # every acknowledged commit is there
        assert laps == 3 * activities and logged == activities, round_  # no transaction half-written
    assert len(acknowledged) > 50  # the writer did get work done between the kills


def _schema(path: Path) -> tuple[str | None, dict[str, list[str]]]:
    """The stamped revision and every table's columns, read with plain sqlite3."""
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        columns = {t: [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')] for t in tables}
        revision = (conn.execute("SELECT version_num FROM alembic_version").fetchone() or (None,))[0] \
            if "alembic_version" in tables else None
    conn.close()
    return revision, {t: c for t, c in columns.items() if t != "alembic_version"}


def _at(path: Path, revision: str | None) -> None:
    """A fresh database file at ``revision`` (None: empty)."""
    db = Database.open(f"sqlite:///{path}", upgrade=False)
    try:
        if revision is not None:
            migrate.upgrade(db, revision)
    finally:
        db.dispose()


@pytest.mark.timeout(120)
def test_kill_9_at_points_all_through_each_upgrade_leaves_the_old_or_the_new_revision(tmp_path: Path) -> None:
    revisions: list[str | None] = [None, *migrate.revisions()]
    head = revisions[-1]
    expected: dict[str | None, dict[str, list[str]]] = {}
    for rev in revisions:
        _at(tmp_path / f"ref-{rev}.db", rev)
        stamped, expected[rev] = _schema(tmp_path / f"ref-{rev}.db")
        assert stamped == rev
    checked = 0
    for old in revisions[:-1]:
        path = tmp_path / f"count-{old}.db"
        _at(path, old)
        pid, fd = _fork(_upgrade_killed_at_url(f"sqlite:///{path}", None))
        total = _heard(fd, 30)[0]  # statements an upgrade from ``old`` runs
        os.close(fd)
        assert os.waitpid(pid, 0)[1] == 0
        points = sorted({1, 2, total // 4, total // 2, 3 * total // 4, total - 1, total} - {0})
        for point in points:
            path = tmp_path / f"kill-{old}-{point}.db"
            _at(path, old)
            pid, fd = _fork(_upgrade_killed_at_url(f"sqlite:///{path}", point))
            _heard(fd, 30)
            status = os.waitpid(pid, 0)[1]
            os.close(fd)
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (old, point)
            revision, tables = _schema(path)
            assert revision in (old, head), (old, point, revision)
            assert tables == expected[revision], (old, point)  # never a schema between two revisions
            with Database.open(f"sqlite:///{path}") as db:  # and the next start finishes the upgrade
                assert migrate.current_revision(db) == head
            checked += 1
    assert checked >= 5 * (len(revisions) - 1) - 5


def _pg_schema(url: str) -> tuple[str | None, dict[str, set[str]]]:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        tables = {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}
        with engine.connect() as conn:
            from alembic.runtime.migration import MigrationContext

            revision = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    return revision, {t: c for t, c in tables.items() if t != "alembic_version"}


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_kill_9_during_each_upgrade_on_postgresql_leaves_the_old_or_the_new_revision(
    pg_url: str, tmp_path: Path
) -> None:
    revisions: list[str | None] = [None, *migrate.revisions()]
    head = revisions[-1]
    expected: dict[str | None, dict[str, set[str]]] = {}
    for rev in revisions:  # the tables and columns of each revision, as SQLite has them
        _at(tmp_path / f"ref-{rev}.db", rev)
        expected[rev] = {t: set(c) for t, c in _schema(tmp_path / f"ref-{rev}.db")[1].items()}

    def reset_to(old: str | None) -> None:
        """The schema at ``old``, from wherever the last kill left it."""
        db = Database.open(pg_url, upgrade=False)
        try:
            now = revisions.index(migrate.current_revision(db))
            if now > revisions.index(old):
                migrate.downgrade(db, old or "base")
            elif now < revisions.index(old):
                migrate.upgrade(db, str(old))
        finally:
            db.dispose()

    for old in revisions[:-1]:
        reset_to(old)
        pid, fd = _fork(_upgrade_killed_at_url(pg_url, None))
        total = _heard(fd, 30)[0]
        os.close(fd)
        assert os.waitpid(pid, 0)[1] == 0
        for point in sorted({1, total // 2, total - 1} - {0}):
            reset_to(old)
            pid, fd = _fork(_upgrade_killed_at_url(pg_url, point))
            _heard(fd, 30)
            status = os.waitpid(pid, 0)[1]
            os.close(fd)
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (old, point)
            revision, tables = _pg_schema(pg_url)
            assert revision in (old, head), (old, point, revision)
            assert tables == expected[revision], (old, point)


def _upgrade_killed_at_url(url: str, statement: int | None) -> Callable[[int], None]:
    """Upgrade to the newest revision, SIGKILLing this process at its ``statement``-th SQL statement
    (None: never; then the count of statements goes back through the pipe)."""
    def work(fd: int) -> None:
        db = Database.open(url, upgrade=False)
        count = 0

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_: object) -> None:
            nonlocal count
            count += 1
            if count == statement:
                os.kill(os.getpid(), signal.SIGKILL)

        migrate.upgrade(db)
        os.write(fd, f"{count}\n".encode())
        db.dispose()
    return work
