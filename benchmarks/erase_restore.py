"""What honest erasure and a checked restore cost, on a log with years of history.

    .venv/bin/python benchmarks/erase_restore.py [--athletes 5] [--years 10] [--repeat 7]

One SQLite template holds ``--athletes`` runners, each with a check-in every day and four runs a week for
``--years``. Each repetition starts from a fresh copy of the template and, in alternating order (paired),
erases the first athlete two ways:

- checkpoint only: the DELETE transaction, then ``wal_checkpoint(TRUNCATE)`` (what erase did before the
  ledger and the VACUUM);
- full: ``storage.erase.erase_athlete`` (DELETE and ledger row, checkpoint, VACUUM, checkpoint).

Both must leave no byte of the athlete's notes in the database or its -wal. Then it times
``restore_database`` of a backup of the template into a fresh path (checks, copy, upgrade, re-applying a
ledger of one erasure, VACUUM, swap). It prints the median and the spread (min-max) of the wall time in
milliseconds, and the database size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from state_load import history

from backstride.contract import parse_state
from backstride.storage import Database
from backstride.storage.athletes import create_athlete
from backstride.storage.backup import backup
from backstride.storage.erase import _checkpoint, _delete_athlete, erase_athlete, ledger
from backstride.storage.restore_copy import restore_database
from backstride.storage.tables import AthleteRow

CANARY = "bench-erase-canary"


def _template(folder: Path, athletes: int, years: int) -> Path:
    path = folder / "template.db"
    with Database.open(f"sqlite:///{path}") as db:
        for n in range(athletes):
            data = history(years, seed=n)
            for checkin in data["checkins"]:
                checkin["notes"] = f"{CANARY} {n}" if n == 0 else f"runner {n}"
            create_athlete(db, parse_state(data), name=f"Runner {n}")
    return path


def _fresh(template: Path, folder: Path, name: str) -> Path:
    path = folder / name
    for side in ("", "-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    shutil.copyfile(template, path)
    return path


def _checkpoint_only(db: Database) -> None:
    with db.write() as session:
        athlete = session.get(AthleteRow, 1)
        assert athlete is not None
        session.expunge(athlete)
        _delete_athlete(session, athlete)
    with db.write_lock(), db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None and _checkpoint(raw)


def _full(db: Database) -> None:
    report = erase_athlete(db, 1)
    assert report.files_clean and report.vacuumed


def _timed(path: Path, work: Callable[[Database], None]) -> float:
    with Database.open(f"sqlite:///{path}") as db:
        start = time.perf_counter()
        work(db)
        elapsed = (time.perf_counter() - start) * 1000
    for side in ("", "-wal"):
        file = Path(f"{path}{side}")
        if file.exists() and CANARY.encode() in file.read_bytes():
            raise SystemExit(f"{work.__name__}: the erased athlete is still readable in {file.name}")
    return elapsed


def _spread(values: list[float]) -> str:
    return f"median {statistics.median(values):8.1f} ms  (min {min(values):.1f}, max {max(values):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, default=5)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = _template(folder, args.athletes, args.years)
        size_mb = template.stat().st_size / 2**20
        old_ms: list[float] = []
        full_ms: list[float] = []
        for i in range(args.repeat):
            pair = ((old_ms, _checkpoint_only), (full_ms, _full))
            for times, work in pair if i % 2 == 0 else reversed(pair):
                times.append(_timed(_fresh(template, folder, "log.db"), work))
        copy = folder / "copy.db"
        with Database.open(f"sqlite:///{_fresh(template, folder, 'source.db')}") as source:
            backup(source, copy)
            erase_athlete(source, 1)
            entries = ledger(source)
        restore_ms: list[float] = []
        for _ in range(args.repeat):
            target = _fresh(copy, folder, "restored.db")
            # The database being replaced carries the ledger: copy the erased source's file there.
            shutil.copyfile(folder / "source.db", target)
            start = time.perf_counter()
            report = restore_database(target, copy)
            restore_ms.append((time.perf_counter() - start) * 1000)
            assert list(report.reerased) == [e.athlete_id for e in entries]
            assert report.kept_as is not None
            report.kept_as.unlink()
    print(f"{args.athletes} athletes, {args.years} years each: database {size_mb:.1f} MB; "
          f"{args.repeat} paired repetitions ({dt.date.today()})")
    print(f"erase, checkpoint only   {_spread(old_ms)}")
    print(f"erase, full clean-up     {_spread(full_ms)}  "
          f"ratio of medians {statistics.median(full_ms) / statistics.median(old_ms):.2f}")
    print(f"restore (checked, ledger re-applied) {_spread(restore_ms)}")


if __name__ == "__main__":
    main()
