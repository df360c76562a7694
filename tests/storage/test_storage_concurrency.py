"""Many backstride processes on one database: readers never wait for writers, writers queue.

Each process is a real ``backstride`` command line, started all at once; what a process said was
saved must be in the database afterwards, and no process may fail with "locked" or a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_log_cli import STATE

CMD = [sys.executable, "-m", "backstride"]
BUSY = "database is busy"


def _env(home: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "NO_COLOR": "1", "COLUMNS": "120"}


def _create(url: str, home: Path) -> int:
    p = subprocess.run([*CMD, "athlete", "create", "--from-state", "-", "--db", url, "--json"],
                       input=json.dumps(STATE), capture_output=True, text=True, timeout=300, env=_env(home))
    assert p.returncode == 0, p.stderr
    return int(json.loads(p.stdout)["id"])


def _checkins_at_once(url: str, athlete: int, home: Path, count: int) -> list[tuple[str, int, str, str]]:
    first = dt.date(2026, 1, 1)
    days = [(first + dt.timedelta(days=i)).isoformat() for i in range(count)]
    procs = [(day, subprocess.Popen([*CMD, "checkin", "-a", str(athlete), "--date", day, "--pain-rest", "2",
                                     "--db", url, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, env=_env(home))) for day in days]
    out = []
    for day, proc in procs:
        stdout, stderr = proc.communicate(timeout=600)
        out.append((day, proc.returncode, stdout, stderr))
    return out


def _assert_nothing_acknowledged_lost(results: list[tuple[str, int, str, str]], stored: set[str]) -> None:
    for day, code, stdout, stderr in results:
        assert "Traceback" not in stderr + stdout, stderr
        assert "locked" not in stderr.lower(), stderr
        if code == 0:
            assert day in stored, f"check-in of {day} was acknowledged but is not stored"
        else:
            assert code == 2 and BUSY in stderr, (code, stderr)


def test_fifty_checkin_processes_at_once_on_one_sqlite_file_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    url = f"sqlite:///{path}"
    athlete = _create(url, tmp_path)
    results = _checkins_at_once(url, athlete, tmp_path, 50)
    with sqlite3.connect(path) as conn:
        stored = {row[0] for row in conn.execute("SELECT date FROM checkins WHERE athlete_id = ?", (athlete,))}
    _assert_nothing_acknowledged_lost(results, stored)
    assert sum(code == 0 for _, code, _, _ in results) == 50  # the writers queued: none gave up
    assert len(stored) == 50 + len(STATE["checkins"])


@pytest.mark.postgres
def test_fifty_checkin_processes_at_once_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    athlete = _create(pg_url, tmp_path)
    results = _checkins_at_once(pg_url, athlete, tmp_path, 50)
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url)
    with engine.connect() as conn:
        stored = {str(r[0]) for r in conn.execute(text("SELECT date FROM checkins WHERE athlete_id = :a"),
                                                 {"a": athlete})}
    engine.dispose()
    _assert_nothing_acknowledged_lost(results, stored)
    assert sum(code == 0 for _, code, _, _ in results) == 50


def test_a_read_only_command_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    url = f"sqlite:///{path}"
    athlete = _create(url, tmp_path)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock for as long as this test
        holder.execute("UPDATE athletes SET name = name")
        for args in (["athlete", "list", "--json"], ["decide", "--athlete", str(athlete), "--today", "2026-11-30"],
                     ["state", "-a", str(athlete), "--today", "2026-11-30"]):
            p = subprocess.run([*CMD, *args, "--db", url], capture_output=True, text=True, timeout=300,
                               env=_env(tmp_path))
            assert p.returncode == 0, (args, p.stderr)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_writer_behind_a_lock_that_is_never_released_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    url = f"sqlite:///{path}"
    athlete = _create(url, tmp_path)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        p = subprocess.run([*CMD, "checkin", "-a", str(athlete), "--date", "2026-11-30", "--pain-rest", "1",
                            "--db", url], capture_output=True, text=True, timeout=300,
                           env={**_env(tmp_path), "BACKSTRIDE_BUSY_TIMEOUT_MS": "300"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert BUSY in p.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM checkins WHERE date = '2026-11-30'").fetchone()[0] == 0

