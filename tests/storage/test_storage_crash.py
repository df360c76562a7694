"""kill -9 in the middle of imports: every acknowledged import is there, nothing half-written (T9/T11)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from backstride.storage.athletes import create_athlete
from backstride.storage.engine import Database
from backstride.storage.tables import ActivityRow, ImportLogRow
from tests.storage.storage_builders import full_state, row_counts

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import datetime as dt, sys
    from backstride.importers.model import ImportedActivity, Lap
    from backstride.storage import Database, add_imported_activity

    url, athlete = sys.argv[1], int(sys.argv[2])
    db = Database.open(url)
    start = dt.datetime(2020, 1, 1, 7, tzinfo=dt.UTC)
    for i in range(10_000):
        when = start + dt.timedelta(days=i)
        laps = tuple(Lap(start=when, distance_m=1000.0, elapsed_s=300.0) for _ in range(3))
        outcome = add_imported_activity(db, athlete, ImportedActivity(
            start=when, kind="run", sport="running", distance_m=3000.0, elapsed_s=900.0, moving_s=900.0,
            source_format="fit", source_name=f"{i}.fit", content_sha256=f"{i:064x}", laps=laps))
        print(i, outcome, flush=True)
""")


@pytest.mark.timeout(120)
def test_killing_an_importer_mid_write_loses_only_unacknowledged_work(db: Database, db_url: str) -> None:
    athlete = create_athlete(db, full_state(activities=[]))
    rng = random.Random(20261124)
    acknowledged: set[int] = set()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    for _ in range(3):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, db_url, str(athlete)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert child.stdout is not None
        target = len(acknowledged) + rng.randint(3, 12)
        try:
            for line in child.stdout:
                acknowledged.add(int(line.split()[0]))
                if len(acknowledged) >= target:
                    break
            else:
                pytest.fail(f"the importer stopped early: {child.stderr.read() if child.stderr else ''}")
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()
            if child.stderr:
                child.stderr.close()
    counts = row_counts(db)
    with db.session() as session:
        names = set(session.scalars(select(ActivityRow.source_name)))
        imported_logs = session.scalar(
            select(func.count()).select_from(ImportLogRow).where(ImportLogRow.outcome == "imported")
        )
        if db.is_sqlite:
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert session.execute(text("PRAGMA foreign_key_check")).fetchall() == []
    assert {f"{i}.fit" for i in acknowledged} <= names  # nothing acknowledged was lost
    assert counts["laps"] == 3 * counts["activities"]  # no half-written import
    assert imported_logs == counts["activities"]
