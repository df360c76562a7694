"""kill -9 in the middle of `backstride import`, then the same import again: nothing twice, nothing half-written."""

from __future__ import annotations

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
