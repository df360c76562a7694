"""Storage fixtures: a clean database per test on SQLite and on a throwaway PostgreSQL cluster.

The ``db`` fixture is parametrized over both backends. The PostgreSQL side starts its own cluster
once per session (``initdb`` in a temp dir, ``pg_ctl start`` listening only on a unix socket in that
dir, fsync off) and gives each test a fresh schema through ``search_path``. When the server
binaries are missing the PostgreSQL tests are skipped, unless ``BACKSTRIDE_REQUIRE_POSTGRES=1``,
which turns the skip into a failure (CI sets it). ``BACKSTRIDE_TEST_POSTGRES_URL`` points the tests
at an existing server instead (it must allow CREATE SCHEMA).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from backstride.storage.engine import Database

REQUIRE_ENV = "BACKSTRIDE_REQUIRE_POSTGRES"
URL_ENV = "BACKSTRIDE_TEST_POSTGRES_URL"


def _pg_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for directory in reversed(candidates):
        if (Path(directory) / "initdb").exists():
            return Path(directory)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _no_postgres(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1 makes this a failure)")
    pytest.skip(reason)


class _Cluster:
    """A PostgreSQL cluster in a temp dir, run as an unprivileged user when we are root."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.user: str | None = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self.user = _unprivileged_user()
        self.root = Path(tempfile.mkdtemp(prefix="bs-pg-"))
        self.data = self.root / "data"
        self.sock = self.root / "sock"
        self.sock.mkdir()
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            for path in (self.root, self.sock):
                os.chown(path, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.user is not None:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> str:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "backstride",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        )
        options = (
            f"-c listen_addresses='' -c unix_socket_directories={self.sock} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        return f"postgresql+psycopg://backstride@/postgres?host={quote(str(self.sock))}"

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _unprivileged_user() -> str:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root with neither a 'postgres' nor a 'nobody' user to run PostgreSQL")


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """The URL of a PostgreSQL server for this test session (started here unless given)."""
    given = os.environ.get(URL_ENV)
    if given:
        yield given
        return
    bindir = _pg_bindir()
    if bindir is None:
        _no_postgres("PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian's postgresql")
        return
    cluster = _Cluster(bindir)
    try:
        url = cluster.start()
    except Exception as exc:
        cluster.stop()
        _no_postgres(f"could not start a throwaway PostgreSQL cluster: {exc}")
        return
    try:
        yield url
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A URL whose connections see only a fresh, empty schema; the schema is dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in pg_server_url else "?"
        yield f"{pg_server_url}{separator}options={quote(f'-csearch_path={schema}')}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of a fresh SQLite file."""
    return f"sqlite+pysqlite:///{tmp_path / 'backstride.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A URL for an empty database, on each backend in turn."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """An open, migrated, empty database on each backend in turn."""
    database = Database.open(db_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    """An open, migrated, empty SQLite database (for SQLite-only behaviour)."""
    database = Database.open(sqlite_url)
    try:
        yield database
    finally:
        database.dispose()
