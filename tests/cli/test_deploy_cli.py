"""Running a clinic from the command line: ``db upgrade``/``db status``, ``worker``, ``serve --workers N``.

Migrations run once, by ``backstride db upgrade``; the app's workers and the job worker refuse a database
that is behind and name that command. SQLite stays one process; several workers are PostgreSQL's.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from typer.testing import CliRunner

from backstride.cli.main import full_app
from backstride.services import accounts
from backstride.services.demo import ensure_demo_athlete
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
    with Database.open(pg, upgrade=False) as db:  # a session and a token, kept in the database alone
        athlete = ensure_demo_athlete(db, dt.date.today())
        user = accounts.create_user(db, "r@example.org", "athlete", athlete_id=athlete)
        cookie = accounts.start_session(db, accounts.Actor(user, "r@example.org", "athlete", athlete), client="t")
        token = accounts.issue_token(db, "r@example.org")
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
        # Each request on a new connection, so either process may take it: all of them know the session and
        # the token, since nothing lives in a process.
        base = f"http://127.0.0.1:{port}"
        pages = [httpx.get(f"{base}/athletes/{athlete}/today", cookies={"backstride-dev": cookie}, timeout=30)
                 for _ in range(20)]
        plans = [httpx.get(f"{base}/api/athletes/{athlete}/plan", headers={"Authorization": f"Bearer {token}"},
                           timeout=30) for _ in range(20)]
        assert [r.status_code for r in pages + plans] == [200] * 40
        children = subprocess.run(["ps", "--ppid", str(proc.pid), "-o", "args="], capture_output=True, text=True,
                                  check=False).stdout
        assert children.count("--multiprocessing-fork") == 2  # two spawned interpreters: nothing inherited
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "2 worker processes on PostgreSQL" in out and "Traceback" not in out


# --- the README's "Running a clinic" and docker-compose.yml ---------------------------------------

LONG_RUNNING = ("backstride serve", "backstride worker")


def _until_ctrl_c(command: list[str], env: dict[str, str], port: int | None) -> tuple[int, str]:
    """Start a long-running command, wait until it says how to stop it (and, for a server, answers), then
    press Ctrl+C; its exit status and everything it printed."""
    proc = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and not any("Ctrl+C" in line for line in lines):
        lines.append(proc.stdout.readline())
    while port is not None and time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return proc.returncode, "".join(lines) + out


@pytest.mark.postgres
@pytest.mark.timeout(240)
def test_the_readme_s_clinic_commands_run_as_written_on_postgresql(pg: str, tmp_path: Path) -> None:
    from tests.cli.test_readme_commands import readme_commands

    commands = readme_commands(clinic=True)
    assert commands[0] == "backstride db upgrade" and any(c.startswith(LONG_RUNNING) for c in commands)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    exported = set(re_exports(readme))
    assert exported == {"BACKSTRIDE_DATABASE_URL", "BACKSTRIDE_SECRET_KEY", "BACKSTRIDE_BASE_URL"}
    port = _free_port()
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1",
           "COLUMNS": "200", "BACKSTRIDE_DATABASE_URL": pg, "BACKSTRIDE_SECRET_KEY": "s" * 40,
           "BACKSTRIDE_BASE_URL": "https://clinic.example.org", "BACKSTRIDE_PORT": str(port)}
    failures = []
    for command in commands:
        argv = [sys.executable, "-m", "backstride", *command.split()[1:]]
        if command.startswith(LONG_RUNNING):
            code, out = _until_ctrl_c(argv, env, port if command.startswith("backstride serve") else None)
        else:
            p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
            code, out = p.returncode, p.stdout + p.stderr
        if code != 0 or "Traceback" in out:
            failures.append(f"{command!r} exited {code}:\n{out[-1500:]}")
    assert failures == []


def re_exports(text: str) -> list[str]:
    """The variable names the README's ``export`` lines set."""
    import re

    names = []
    for line in text.splitlines():
        if line.startswith("    export "):
            names += re.findall(r"(BACKSTRIDE_[A-Z_]+)=", line)
    return names


def _resolve(argv: list[str]) -> None:
    """Parse ``argv`` as the backstride command line would, without running it: a usage error (exit status 2)
    for a command, option or value it does not have. (Typer carries its own copy of click: duck typing.)"""
    import typer

    assert argv[0] == "backstride", argv
    command: Any = typer.main.get_command(full_app())
    ctx = command.make_context("backstride", [], resilient_parsing=True)
    rest = argv[1:]
    while hasattr(command, "get_command"):
        sub = command.get_command(ctx, rest[0]) if rest else None
        if sub is None:
            raise UnknownCommand(f"no command {rest[:1]} in {argv}")
        command, rest = sub, rest[1:]
        ctx = command.make_context(command.name, [], parent=ctx, resilient_parsing=True)
    command.make_context(command.name, list(rest), parent=ctx.parent)  # refuses an unknown option or value


class UnknownCommand(LookupError):
    """A command line names a command backstride does not have."""


def test_docker_compose_runs_postgresql_a_one_shot_migration_the_app_and_a_worker() -> None:
    import yaml

    from backstride.web.settings import Settings

    repo = Path(__file__).resolve().parents[2]
    compose = yaml.safe_load((repo / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "migrate", "app", "worker"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["migrate"]["command"] == ["backstride", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    app, worker = services["app"], services["worker"]
    assert app["command"][:2] == ["backstride", "serve"] and "--workers" in app["command"]
    assert int(app["command"][app["command"].index("--workers") + 1]) > 1
    assert worker["command"] == ["backstride", "worker"]
    for name in ("app", "worker"):  # neither starts before the migration has finished, nor migrates itself
        assert services[name]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("migrate", "app", "worker"):
        _resolve(services[name]["command"])
        env = services[name]["environment"]
        known = {f"BACKSTRIDE_{field.upper()}" for field in Settings.model_fields}
        assert set(env) <= known, set(env) - known
        assert env["BACKSTRIDE_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "uploads:/var/lib/backstride/uploads" in services[name]["volumes"]
    dockerfile = (repo / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    cmd = re_cmd(dockerfile)
    _resolve(cmd)
    assert "ENV TMPDIR=/var/lib/backstride/uploads" in dockerfile and "USER backstride" in dockerfile


def re_cmd(dockerfile: str) -> list[str]:
    """The Dockerfile's CMD, in its JSON form."""
    import json

    [line] = [ln for ln in dockerfile.splitlines() if ln.startswith("CMD ")]
    return list(json.loads(line.removeprefix("CMD ")))


def test_resolving_a_command_refuses_what_the_command_line_does_not_have() -> None:
    with pytest.raises(UnknownCommand):
        _resolve(["backstride", "nonsense"])
    with pytest.raises(UnknownCommand):
        _resolve(["backstride", "db"])
    for wrong in (["backstride", "serve", "--wrokers", "4"], ["backstride", "serve", "--workers", "0"],
                  ["backstride", "db", "upgrade", "now"]):
        with pytest.raises(Exception) as caught:
            _resolve(wrong)
        assert getattr(caught.value, "exit_code", None) == 2, wrong
    _resolve(["backstride", "worker", "--concurrency", "2"])
