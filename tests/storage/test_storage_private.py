"""Every file and folder backstride creates is private (folders 0700, files 0600), even under umask 022."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from backstride.storage import Database, backup, export_athlete_csv
from backstride.storage.private import write_private
from tests.cli.test_log_cli import STATE


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_private_makes_a_0600_file_all_or_nothing(tmp_path: Path) -> None:
    out = tmp_path / "new" / "deeper" / "plan.ics"
    write_private(out, b"data")
    assert out.read_bytes() == b"data" and mode(out) == 0o600
    assert mode(out.parent) == 0o700 and mode(out.parent.parent) == 0o700
    with pytest.raises(FileExistsError):
        write_private(out, b"other", overwrite=False)
    assert out.read_bytes() == b"data"
    assert sorted(p.name for p in out.parent.iterdir()) == ["plan.ics"]  # no temp file left


def test_the_database_its_wal_and_its_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "log.db"
    db = Database.open(f"sqlite:///{path}")
    try:
        from backstride.contract import parse_state
        from backstride.storage import create_athlete

        create_athlete(db, parse_state(STATE), name="Ana")
        assert mode(path.parent) == 0o700
        for name in ("log.db", "log.db-wal", "log.db-shm"):
            assert mode(path.parent / name) == 0o600, name
    finally:
        db.dispose()


def test_a_database_a_looser_version_left_readable_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    Database.open(f"sqlite:///{path}").dispose()
    os.chmod(path, 0o644)
    Database.open(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600


def test_backups_and_csv_exports_are_private(tmp_path: Path) -> None:
    from backstride.contract import parse_state
    from backstride.storage import create_athlete

    with Database.open(f"sqlite:///{tmp_path / 'log.db'}") as db:
        athlete = create_athlete(db, parse_state(STATE), name="Ana")
        report = backup(db, tmp_path / "backups" / "copy.db")
        csv = export_athlete_csv(db, athlete, tmp_path / "export.zip")
    assert mode(report.path) == 0o600 and mode(report.path.parent) == 0o700
    assert mode(csv) == 0o600


def test_the_json_export_the_calendar_and_the_watch_workouts_from_the_command_line_are_private(tmp_path: Path) -> None:
    import json

    url = f"sqlite:///{tmp_path / 'log.db'}"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1"}

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "backstride", *args, "--db", url], input=stdin,
                              capture_output=True, text=True, timeout=300, env=env,
                              preexec_fn=lambda: os.umask(0o022))

    made = run("athlete", "create", "--from-state", "-", "--json", stdin=json.dumps(STATE))
    assert made.returncode == 0, made.stderr
    athlete = str(json.loads(made.stdout)["id"])
    assert run("export", "-a", athlete, str(tmp_path / "me.json")).returncode == 0
    assert run("calendar", "-a", athlete, str(tmp_path / "week.ics"), "--today", "2026-11-30").returncode == 0
    workout = run("workout", "-a", athlete, "--week", str(tmp_path / "week.zip"), "--date", "2026-11-30")
    assert workout.returncode == 0, workout.stderr
    assert mode(tmp_path / "me.json") == 0o600
    assert mode(tmp_path / "week.ics") == 0o600
    assert mode(tmp_path / "week.zip") == 0o600
    assert mode(tmp_path / "log.db") == 0o600


def test_the_default_data_folder_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from backstride.storage import default_database_url

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    url = default_database_url()
    assert str(tmp_path / "xdg" / "backstride") in url
    assert mode(tmp_path / "xdg" / "backstride") == 0o700
