"""kill -9 in the middle of `backstride import`, then the same import again: nothing twice, nothing half-written."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SHARED

ACTIVITIES = SHARED / "data" / "activities"
CMD = [sys.executable, "-m", "backstride"]
STATE = {"schema": "backstride.state/1", "today": "2026-11-30",
         "athlete": {"baseline": {"sessions": [{"day": "sun", "kind": "long", "distance_km": 10}]}}}


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {
            "activities": conn.execute("SELECT count(*) FROM activities").fetchone()[0],
            "laps": conn.execute("SELECT count(*) FROM laps").fetchone()[0],
            "dup_hashes": conn.execute(
                "SELECT count(*) FROM (SELECT content_sha256, part FROM activities "
                "GROUP BY athlete_id, content_sha256, part HAVING count(*) > 1)").fetchone()[0],
            "orphan_laps": conn.execute(
                "SELECT count(*) FROM laps WHERE activity_id NOT IN (SELECT id FROM activities)").fetchone()[0],
            "integrity_ok": int(conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"),
        }


def _import(db: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CMD, "import", "-a", "1", "--db", f"sqlite:///{db}", "--json", *paths],
                          capture_output=True, text=True, timeout=600)


@pytest.mark.timeout(900)
def test_kill_9_mid_import_then_again_gives_the_same_log(tmp_path: Path) -> None:
    folders = [ACTIVITIES / d for d in ("fit", "gpx", "tcx")]
    if not all(f.exists() for f in folders):
        pytest.skip(f"the shared activity files are absent ({ACTIVITIES})")
    paths = [str(f) for f in folders]
    clean, crashed = tmp_path / "clean.db", tmp_path / "crashed.db"
    for db in (clean, crashed):
        p = subprocess.run([*CMD, "athlete", "create", "--from-state", "-", "--db", f"sqlite:///{db}"],
                           input=json.dumps(STATE), capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
    assert _import(clean, *paths).returncode == 1  # a few shared files are broken on purpose
    want = _counts(clean)
    assert want["activities"] > 40

    for stop_after in (5, 25):  # kill at two different points
        child = subprocess.Popen([*CMD, "import", "-a", "1", "--db", f"sqlite:///{crashed}", "--json", *paths],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 300
        try:
            while time.monotonic() < deadline and child.poll() is None:
                if _counts(crashed)["activities"] >= stop_after:
                    break
                time.sleep(0.05)
        finally:
            os.killpg(child.pid, signal.SIGKILL)  # the importer and its decoding workers
            child.wait()
        mid = _counts(crashed)
        assert mid["integrity_ok"] and mid["orphan_laps"] == 0 and mid["dup_hashes"] == 0

    again = _import(crashed, *paths)
    assert again.returncode == 1, again.stderr
    got = _counts(crashed)
    assert got == want, (got, want)


def _strava_zip(path: Path, good: int, broken: int) -> list[str]:
    """A Strava-layout export: ``good`` distinct runs (GPX, every fifth gzipped) and ``broken`` damaged
    files under activities/; returns the names of the broken ones."""
    import gzip
    import zipfile

    from tests.importers.test_xml import gpx

    broken_names = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(good + broken):
            if i % 10 == 9 and len(broken_names) < broken:
                name = f"activities/{1000 + i}.fit"
                z.writestr(name, b".FIT" + bytes([i % 256]) * 40)  # not a FIT file
                broken_names.append(name)
                continue
            day = (dt.date(2024, 1, 1) + dt.timedelta(days=i)).isoformat()
            body = gpx(12).replace("2024-05-01", day).encode()
            if i % 5 == 0:
                z.writestr(f"activities/{1000 + i}.gpx.gz", gzip.compress(body))
            else:
                z.writestr(f"activities/{1000 + i}.gpx", body)
    return broken_names


@pytest.mark.timeout(300)
def test_kill_9_three_times_in_a_500_file_strava_export_then_again_stores_450_once_and_names_the_50(
    tmp_path: Path,
) -> None:
    """T9's A-tier figure: 500 files, 50 broken, SIGKILL at three points, then the import again."""
    export = tmp_path / "export_123.zip"
    broken = _strava_zip(export, 450, 50)
    assert len(broken) == 50
    db = tmp_path / "log.db"
    p = subprocess.run([*CMD, "athlete", "create", "--from-state", "-", "--db", f"sqlite:///{db}"],
                       input=json.dumps(STATE), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    # the B tier's 10 kills with BACKSTRIDE_SLOW=1
    points = range(20, 420, 40) if os.environ.get("BACKSTRIDE_SLOW") else (20, 120, 300)
    for stop_after in points:
        child = subprocess.Popen([*CMD, "import", "-a", "1", "--db", f"sqlite:///{db}", "--json", str(export)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        try:
            while time.monotonic() < deadline and child.poll() is None:
                if _counts(db)["activities"] >= stop_after:
                    break
                time.sleep(0.02)
        finally:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        mid = _counts(db)
        assert mid["integrity_ok"] and mid["orphan_laps"] == 0 and mid["dup_hashes"] == 0
        assert mid["activities"] < 450, "the import finished before it could be killed"
    again = _import(db, str(export))
    assert again.returncode == 1, again.stderr  # exit 1: some files failed
    report = json.loads(again.stdout)
    got = _counts(db)
    assert got["activities"] == 450 and got["dup_hashes"] == 0 and got["orphan_laps"] == 0 and got["integrity_ok"]
    assert report["imported"] + report["duplicates"] == 450
    failed = {f["file"]: f["reason"] for f in report["failed"]}
    assert sorted(failed) == sorted(f"export_123.zip!{n}" for n in broken)
    assert all(reason for reason in failed.values())


@pytest.mark.timeout(300)
def test_the_same_export_imported_by_two_processes_at_once_then_again_stores_each_file_once(tmp_path: Path) -> None:
    """T10: two imports of one export at the same moment, then a third: one row per file, the third adds none."""
    export = tmp_path / "export_9.zip"
    _strava_zip(export, 80, 0)
    db = tmp_path / "log.db"
    p = subprocess.run([*CMD, "athlete", "create", "--from-state", "-", "--db", f"sqlite:///{db}"],
                       input=json.dumps(STATE), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    cmd = [*CMD, "import", "-a", "1", "--db", f"sqlite:///{db}", "--json", str(export)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [proc.communicate(timeout=240) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], [err for _, err in outs]
    reports = [json.loads(out) for out, _ in outs]
    assert sum(r["imported"] for r in reports) == 80
    assert all(r["imported"] + r["duplicates"] == 80 and not r["failed"] for r in reports)
    got = _counts(db)
    assert got["activities"] == 80 and got["dup_hashes"] == 0 and got["integrity_ok"]
    third = _import(db, str(export))
    assert third.returncode == 0 and json.loads(third.stdout)["imported"] == 0
    assert _counts(db) == got
