"""Bytes kept per `plan --athlete` call: the whole plan row it used to be against the planned days now.

    .venv/bin/python benchmarks/plan_storage_bytes.py

Plans the demo athlete every day for 28 days, keeping each plan, and prints the JSON bytes the
old plans row held per call and the bytes the planned_days rows hold per call now.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

from sqlalchemy import text

from backstride.services.demo import ensure_demo_athlete
from backstride.services.training_log import plan_for
from backstride.storage import Database

DAYS = 28


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(f"sqlite:///{Path(tmp) / 'log.db'}")
        start = dt.date(2026, 11, 2)
        athlete = ensure_demo_athlete(db, start)
        old = 0
        for i in range(DAYS):
            _, plan = plan_for(db, athlete, start + dt.timedelta(days=i))
            old += len(json.dumps(json.loads(plan.to_json())))  # what the plans row stored per call
        with db.session() as session:
            rows = session.execute(text("SELECT sessions, phase, date, week_start, updated_at FROM planned_days "
                                        "WHERE athlete_id = :a"), {"a": athlete}).all()
        new = sum(len(str(v)) for row in rows for v in row)
        db.dispose()
    print(f"{DAYS} daily plans: before {old / DAYS:,.0f} B a call ({old * 365 / DAYS / 1e6:.2f} MB a year); "
          f"now {new / DAYS:,.0f} B a call ({new * 365 / DAYS / 1e6:.3f} MB a year), {len(rows)} day rows")


if __name__ == "__main__":
    main()
