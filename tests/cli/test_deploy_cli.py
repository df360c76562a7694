"""Running a clinic from the command line: ``db upgrade``/``db status``, ``worker``, ``serve --workers N``.

Migrations run once, by ``backstride db upgrade``; the app's workers and the job worker refuse a database
that is behind and name that command. SQLite stays one process; several workers are PostgreSQL's.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from typer.testing import CliRunner

from backstride.cli.main import full_app
from backstride.storage import Database
from backstride.storage.migrate import head_revision
from tests.storage.conftest import pg_server_url, pg_url  # noqa: F401  (the PostgreSQL fixtures, reused)


@pytest.fixture
def pg(request: pytest.FixtureRequest) -> str:
    """An empty schema on the session's PostgreSQL server."""
    return str(request.getfixturevalue("pg_url"))


ENV = {"COLUMNS": "200", "NO_COLOR": "1"}


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(full_app(), list(args), env=ENV)
    return result.exit_code, result.stdout, result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_db_status_and_upgrade_on_a_new_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    code, out, _ = _cli("db", "status", "--db", url)
    assert code == 1 and "backstride db upgrade" in out
    code, out, _ = _cli("db", "upgrade", "--db", url)
    assert code == 0 and f"from revision empty to {head_revision()}" in out
    code, out, _ = _cli("db", "upgrade", "--db", url)
    assert code == 0 and "already at revision" in out
    assert _cli("db", "status", "--db", url)[0] == 0


def test_the_worker_on_sqlite_says_jobs_run_in_the_web_process(tmp_path: Path) -> None:
    code, out, err = _cli("worker", "--db", f"sqlite:///{tmp_path / 'log.db'}")
    assert code == 0, err
    assert "On SQLite there is no worker to start" in out and "backstride serve" in out
    assert not (tmp_path / "log.db").exists()  # nothing was opened, so nothing was made


def test_serve_with_workers_on_sqlite_is_refused_with_the_reason(tmp_path: Path) -> None:
    code, _, err = _cli("serve", "--workers", "2", "--db", f"sqlite:///{tmp_path / 'log.db'}")
    assert code == 2
    assert "on SQLite the web app runs as one process" in err and "PostgreSQL" in err


@pytest.mark.postgres
def test_on_a_postgresql_database_that_is_behind_the_workers_refuse_and_name_the_command(pg: str) -> None:
    code, _, err = _cli("serve", "--workers", "2", "--db", pg)
    assert code == 2 and "Run `backstride db upgrade`" in err
    code, _, err = _cli("worker", "--until-idle", "--db", pg)
    assert code == 2 and "Run `backstride db upgrade`" in err
    with Database.open(pg, upgrade=False) as db, db.engine.connect() as conn:
        assert "alembic_version" not in {r[0] for r in conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}  # nobody migrated it


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_serve_with_two_workers_on_postgresql_answers_from_two_processes_and_stops_on_ctrl_c(
        pg: str, tmp_path: Path) -> None:
    assert _cli("db", "upgrade", "--db", pg)[0] == 0
    assert _cli("worker", "--until-idle", "--db", pg)[0] == 0
    port = _free_port()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "NO_COLOR": "1", "COLUMNS": "200"}
    proc = subprocess.Popen([sys.executable, "-m", "backstride", "serve", "--workers", "2", "--port", str(port),
                             "--db", pg], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, answered = time.monotonic() + 60, 0
        while time.monotonic() < deadline and answered < 20:
            try:
                answered += httpx.get(f"http://127.0.0.1:{port}/signin", timeout=5).status_code == 200
            except httpx.TransportError:
                time.sleep(0.2)
        assert answered == 20
        children = subprocess.run(["ps", "--ppid", str(proc.pid), "-o", "args="], capture_output=True, text=True,
                                  check=False).stdout
        assert children.count("--multiprocessing-fork") == 2  # two spawned interpreters: nothing inherited
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "2 worker processes on PostgreSQL" in out and "Traceback" not in out
