"""Import speed, like for like: backstride against a bare fitdecode / gpxpy loop, on the same files.

    .venv/bin/python benchmarks/import_speed.py [--repeat 5] [--limit N] [--workers 1]

The files: every FIT and GPX file (gzipped ones included) under ../shared/data/activities, or
$BACKSTRIDE_SHARED/data/activities. TCX files are left out of the comparison because the bare loop
has no TCX reader doing the same work (tcxreader drops every point without a position).
``--limit N`` keeps the N smallest files, for a quick check that the script runs.

The work, each reading every file from disk (warm page cache) inside the timing, in one process:

- bare: ``fitdecode.FitReader`` turning every FIT data message into a dict, and ``gpxpy.parse`` with the
  track's length and duration;
- decode: ``backstride.importers.decode`` on each file (sniffing, decoding, the activity summary and laps;
  nothing checked, nothing stored);
- import: ``backstride.services.importing.import_paths`` into a fresh SQLite database with the app's own
  settings (WAL, synchronous=FULL): decode, plausibility checks and storage, one transaction per file.
  ``--workers N`` decodes on N processes here (the CPU time then includes theirs).

Each repetition runs the three in a rotating order (paired); the script prints the median and the spread
(min-max) of wall and CPU seconds for each, and the median and spread of the paired ratios
(bare time / backstride time: how many times faster backstride does that work). Asserts nothing.
When the shared files are absent it says so and exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from decode_speed import SHARED, cpu_seconds

from backstride.contract import parse_state
from backstride.importers import decode
from backstride.services.importing import import_paths
from backstride.storage import Database, create_athlete

TODAY = dt.date(2026, 12, 31)  # fixed, so the plausibility checks judge every run the same way
EMPTY = {"schema": "backstride.state/1", "today": TODAY.isoformat(),
         "athlete": {"baseline": {"sessions": [{"day": "sun", "kind": "long", "distance_km": 10}]}}}
WORKS = ("bare fitdecode + gpxpy loop", "backstride decode only", "backstride decode + plausibility + store")


def comparable_files(limit: int | None) -> list[Path]:
    """The shared FIT and GPX files (plain or gzipped), or the ``limit`` smallest of them."""
    files = sorted(p for sub in ("fit", "gpx") for p in (SHARED / sub).iterdir() if p.is_file())
    if limit is not None:
        files = sorted(sorted(files, key=lambda p: p.stat().st_size)[:limit])
    return files


def _fitdecode_one(data: bytes) -> None:
    """fitdecode's reader over every message, each data message turned into a dict of its fields."""
    import fitdecode

    try:
        for frame in fitdecode.FitReader(io.BytesIO(data)):
            if isinstance(frame, fitdecode.FitDataMessage):
                {f.name: f.value for f in frame.fields}
    except Exception:
        pass


def _gpxpy_one(data: bytes) -> None:
    """gpxpy's parse, then the track's length and duration (what a summary needs)."""
    import gpxpy

    try:
        g = gpxpy.parse(data.decode("utf-8-sig", "replace").lstrip())
        g.length_2d()
        g.get_duration()
    except Exception:
        pass


def bare_loop(files: list[Path]) -> None:
    """The bare libraries on each file, exceptions swallowed (some shared files are broken on purpose)."""
    import gzip

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for p in files:
            data = p.read_bytes()
            if p.name.endswith(".gz"):
                data = gzip.decompress(data)
            (_fitdecode_one if ".fit" in p.name else _gpxpy_one)(data)


def decode_loop(files: list[Path]) -> None:
    for p in files:
        decode(p.name, p.read_bytes())


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of ``work`` (CPU: this process and any worker processes it waited for)."""
    cpu, wall = cpu_seconds(), time.perf_counter()
    work()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def import_once(folder: Path, db_path: Path, workers: int) -> tuple[float, float]:
    """Time one import of ``folder`` into a fresh database (its creation is not timed)."""
    db = Database.open(f"sqlite:///{db_path}")
    try:
        athlete = create_athlete(db, parse_state(EMPTY), name="bench")
        return timed(lambda: import_paths(db, athlete, [folder], workers=workers, today=TODAY))
    finally:
        db.dispose()


def _spread(values: list[float], unit: str = "") -> str:
    digits = 1 if unit else 3
    return f"{statistics.median(values):.{digits}f}{unit} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="paired repetitions (default 5)")
    ap.add_argument("--limit", type=int, default=None, help="only the N smallest files (a quick check)")
    ap.add_argument("--workers", type=int, default=1, help="decoding processes for the import (default 1)")
    args = ap.parse_args(argv)
    if not SHARED.is_dir():
        print(f"skipped: the shared activity files are not at {SHARED} (set BACKSTRIDE_SHARED to the shared folder)")
        return
    files = comparable_files(args.limit)
    size = sum(p.stat().st_size for p in files)
    fits = sum(".fit" in p.name for p in files)
    print(f"files: {fits} FIT and {len(files) - fits} GPX from {SHARED} ({size / 1e6:.1f} MB; TCX left out)")
    print(f"{args.repeat} paired repetitions in rotating order; every file read from disk inside the timing; "
          f"import decodes on {args.workers} process{'es' if args.workers > 1 else ''}")
    with tempfile.TemporaryDirectory(prefix="backstride-import-speed-") as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        for p in files:
            (folder / p.name).write_bytes(p.read_bytes())
        copies = sorted(folder.iterdir())
        runs: list[Callable[[int], tuple[float, float]]] = [
            lambda i: timed(lambda: bare_loop(copies)),
            lambda i: timed(lambda: decode_loop(copies)),
            lambda i: import_once(folder, Path(tmp) / f"import-{i}.db", args.workers),
        ]
        wall: list[list[float]] = [[] for _ in WORKS]
        cpu: list[list[float]] = [[] for _ in WORKS]
        for i in range(args.repeat):
            for k in [(i + j) % len(WORKS) for j in range(len(WORKS))]:
                w, c = runs[k](i)
                wall[k].append(w)
                cpu[k].append(c)
    print(f"{'work':<42} {'wall s, median (min-max)':>26} {'CPU s, median (min-max)':>26}")
    for k, name in enumerate(WORKS):
        print(f"{name:<42} {_spread(wall[k]):>26} {_spread(cpu[k]):>26}")
    print("times faster than the bare loop (paired ratio bare / backstride), median (min-max):")
    for k in (1, 2):
        by_wall = [b / max(o, 1e-9) for b, o in zip(wall[0], wall[k], strict=True)]
        by_cpu = [b / max(o, 1e-9) for b, o in zip(cpu[0], cpu[k], strict=True)]
        print(f"  {WORKS[k]:<40} wall {_spread(by_wall, 'x'):>22}   CPU {_spread(by_cpu, 'x'):>22}")
    print(f"measured {dt.datetime.now():%Y-%m-%d %H:%M}")


if __name__ == "__main__":
    main()
