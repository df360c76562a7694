"""``erase`` says done only when it is, ``restore`` puts a checked backup back, and unsafe places are refused.

Every command runs as its own process, as a person would run it; another program holding the
database open is a second process with a read transaction.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_log_cli import STATE

CANARY = "cli-erase-canary-3a9f"
CMD = [sys.executable, "-m", "backstride"]
ENV = {"COLUMNS": "120", "PATH": "/usr/bin:/bin", "HOME": "/tmp", "NO_COLOR": "1",
       "BACKSTRIDE_BUSY_TIMEOUT_MS": "300"}


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CMD, *args], input=stdin, capture_output=True, text=True, timeout=300,
                          env={**ENV, **(env or {})})


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "log.db"


def _create(db_file: Path, name: str = "Alex") -> int:
    state = {**STATE, "checkins": [{**c, "notes": f"{name} {CANARY}" if name == "Alex" else name}
                                   for c in STATE["checkins"]]}
    p = run("athlete", "create", "--from-state", "-", "--db", str(db_file), "--json", "--name", name,
            stdin=json.dumps(state))
    assert p.returncode == 0, p.stderr
    return int(json.loads(p.stdout)["id"])


def _holds_canary(db_file: Path) -> bool:
    return any(CANARY.encode() in p.read_bytes() for p in (db_file, Path(f"{db_file}-wal")) if p.exists())


@pytest.fixture
def reader(db_file: Path) -> Iterator[subprocess.Popen[str]]:
    """Another program reading the database (a read transaction left open) until told to stop."""
    _create(db_file, "Robin")
    script = (
        "import sqlite3, sys\n"
        f"c = sqlite3.connect({str(db_file)!r}, isolation_level=None)\n"
        "c.execute('BEGIN'); c.execute('SELECT count(*) FROM checkins').fetchone()\n"
        "print('reading', flush=True); sys.stdin.readline(); c.execute('ROLLBACK'); c.close()\n"
    )
    with subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True) as proc:
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)


def _start_reading(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None and proc.stdout.readline().strip() == "reading"


def _stop_reading(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(timeout=30)


def test_erase_with_another_reader_says_it_is_not_finished_and_finishes_at_the_next_open(
        db_file: Path, reader: subprocess.Popen[str]) -> None:
    athlete = _create(db_file)
    _start_reading(reader)
    p = run("erase", "-a", str(athlete), "--yes", "--db", str(db_file))
    assert p.returncode == 1, (p.stdout, p.stderr)
    out, err = " ".join(p.stdout.split()), " ".join(p.stderr.split())
    assert "all their data" not in out and "no trace" not in out
    assert "is erased from the log" in out and "erasure is recorded" in out
    assert "Not finished: another program has the database open" in err
    assert _holds_canary(db_file)  # which is what it said
    assert "Traceback" not in p.stderr
    _stop_reading(reader)
    listed = run("athlete", "list", "--db", str(db_file), "--json")
    assert listed.returncode == 0, listed.stderr
    assert f"The erasure of athlete {athlete} is now complete" in listed.stderr
    assert [a["name"] for a in json.loads(listed.stdout)] == ["Robin"]
    assert not _holds_canary(db_file)


def test_erase_with_nobody_else_reading_says_exactly_what_went(db_file: Path) -> None:
    athlete = _create(db_file)
    _create(db_file, "Robin")
    p = run("erase", "-a", str(athlete), "--yes", "--db", str(db_file))
    assert p.returncode == 0, p.stderr
    out = " ".join(p.stdout.split())
    assert f"Erased Alex (athlete {athlete}) and all their data: 1 profile, 3 sessions of the normal week, " \
           "2 check-ins, 3 runs and sessions, 1 pair of shoes" in out
    assert "no trace of them" in out
    assert not _holds_canary(db_file)
    as_json = run("erase", "-a", str(athlete), "--yes", "--db", str(db_file), "--json")
    assert as_json.returncode == 2 and f"no athlete with id {athlete}" in as_json.stderr


def test_erase_json_reports_a_pending_clean_up_with_exit_1(db_file: Path, reader: subprocess.Popen[str]) -> None:
    athlete = _create(db_file)
    _start_reading(reader)
    p = run("erase", "-a", str(athlete), "--yes", "--db", str(db_file), "--json")
    assert p.returncode == 1
    data = json.loads(p.stdout)
    assert data["erased"] == athlete and data["files_clean"] is False and data["rows_deleted"]["checkins"] == 2


def test_restore_puts_the_backup_back_and_keeps_erased_athletes_erased(db_file: Path, tmp_path: Path) -> None:
    gone = _create(db_file)
    kept = _create(db_file, "Robin")
    copy = tmp_path / "copy.db"
    assert run("backup", str(copy), "--db", str(db_file)).returncode == 0
    assert run("erase", "-a", str(gone), "--yes", "--db", str(db_file)).returncode == 0
    p = run("restore", str(copy), "--db", str(db_file))
    assert p.returncode == 0, p.stderr
    out = " ".join(p.stdout.split())
    assert f"Restored {db_file} from {copy}: it passed its integrity check and now holds 1 profile" in out
    assert f"Athlete {gone} was erased before this restore, so they were erased from the backup again" in out
    assert "The database it replaced is kept as" in out
    listed = json.loads(run("athlete", "list", "--db", str(db_file), "--json").stdout)
    assert [a["id"] for a in listed] == [kept]
    assert not _holds_canary(db_file)


@pytest.mark.parametrize(("copy", "words"), [
    ("missing.db", "missing.db: no such file"),
    (".", "is a folder"),
    ("notes.txt", "is not a SQLite database"),
])
def test_restore_refuses_what_is_not_a_backup_with_exit_2_and_changes_nothing(
        db_file: Path, tmp_path: Path, copy: str, words: str) -> None:
    _create(db_file)
    (tmp_path / "notes.txt").write_text("not a database")
    before = db_file.read_bytes()
    p = run("restore", str(tmp_path / copy), "--db", str(db_file))
    assert p.returncode == 2 and words in p.stderr, p.stderr
    assert "Traceback" not in p.stderr
    assert db_file.read_bytes() == before


def test_restore_on_postgresql_says_which_tools_to_use(tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    p = run("restore", str(copy), "--db", "postgresql://nobody@/nowhere")
    assert p.returncode == 2 and "pg_restore" in p.stderr


FAKE_MOUNTS = "/dev/vda / ext4 rw 0 0\nserver:/export {root}/nfs nfs4 rw,vers=4.2 0 0\n"


def _run_with_mounts(mounts: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # The real command line, with the mounts table of a machine whose {root}/nfs is an NFS mount.
    code = ("import sys; from pathlib import Path; from backstride.storage import sqlite_safety; "
            f"sqlite_safety.MOUNTS_FILE = Path({str(mounts)!r}); sys.argv = ['backstride', *sys.argv[1:]]; "
            "from backstride.cli.main import run; run()")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                          env={**ENV, **(env or {})})


def test_a_database_on_a_network_filesystem_is_refused_unless_allowed(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(FAKE_MOUNTS.format(root=tmp_path))
    db = tmp_path / "nfs" / "log.db"
    p = _run_with_mounts(mounts, "athlete", "list", "--db", str(db))
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert f"database: {db} is on a network filesystem (nfs4 mounted at {tmp_path / 'nfs'})" in p.stderr
    assert "BACKSTRIDE_ALLOW_NETWORK_FS=1" in p.stderr and "Traceback" not in p.stderr
    assert not db.parent.exists()
    allowed = _run_with_mounts(mounts, "athlete", "list", "--db", str(db), env={"BACKSTRIDE_ALLOW_NETWORK_FS": "1"})
    assert allowed.returncode == 0, allowed.stderr
    restore = _run_with_mounts(mounts, "restore", str(tmp_path / "copy.db"), "--db", str(db))
    assert restore.returncode == 2 and "network filesystem" in restore.stderr
