"""The whole import, storage included, against a bare single-process fitdecode / gpxpy loop.

Builds a corpus of at least 1,000 files by repeating the shared FIT, GPX and TCX
files (in their shared proportions), then imports it with backstride exactly as
`backstride import` does: decoding on every core, one transaction per file,
into a fresh SQLite database with the app's own settings (WAL, synchronous=FULL).
Each copy of the shared set goes to its own athlete, so every activity is a real
insert rather than a duplicate skipped.

    .venv/bin/python benchmarks/import_speed.py [--files 1000] [--workers N]

Prints figures; asserts nothing. Targets: at least 10x the bare loop on two
cores, and the 1,000-file corpus in under 60 s. gpxpy is needed for the bare
loop only (`pip install gpxpy`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from decode_speed import SHARED, build_corpus, run_baseline

from backstride.contract import parse_state
from backstride.services.importing import import_paths
from backstride.storage import Database, create_athlete

EMPTY = {"schema": "backstride.state/1", "today": "2026-11-30",
         "athlete": {"baseline": {"sessions": [{"day": "sun", "kind": "long", "distance_km": 10}]}}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"the shared activity files are not at {SHARED}")
    with tempfile.TemporaryDirectory(prefix="backstride-import-") as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        corpus.mkdir()
        originals = build_corpus(corpus, args.files)
        files = sorted(p for p in corpus.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in files)
        copies = sorted(p for p in corpus.iterdir() if p.is_dir())
        kinds = {ext: sum(1 for p in files if f".{ext}" in p.name) for ext in ("fit", "gpx", "tcx")}
        print(f"corpus: {len(files)} files ({len(copies)} copies of {len(originals)}: {kinds}), {size / 1e6:.1f} MB")

        db = Database.open(f"sqlite:///{root / 'bench.db'}")
        athletes = [create_athlete(db, parse_state(EMPTY), name=f"bench {i}") for i in range(len(copies))]
        imported = failed = dup = 0
        start = time.perf_counter()
        for athlete, folder in zip(athletes, copies, strict=True):
            s = import_paths(db, athlete, [folder], workers=args.workers)
            imported, failed, dup = imported + s.imported, failed + len(s.failed), dup + s.duplicates + s.repeated
        whole = time.perf_counter() - start
        db.dispose()
        print(f"backstride import (decode on {args.workers or 'all'} cores + SQLite, one transaction per file): "
              f"{whole:.1f} s, {len(files) / whole:.0f} files/s, {size / 1e6 / whole:.2f} MB/s "
              f"({imported} activities stored, {dup} duplicates, {failed} files failed)")

        one_copy = [p for p in copies[0].iterdir() if p.is_file()]
        bsecs, bn, bbytes = run_baseline(one_copy)
        scale = len(copies)
        bare_rate = bn / bsecs
        print(f"bare loop (fitdecode + gpxpy, 1 process, FIT and GPX only, 1 copy timed, x{scale}): "
              f"{bsecs * scale:.1f} s for the corpus, {bare_rate:.1f} files/s, {bbytes / 1e6 / bsecs:.2f} MB/s")
        ours_rate = len(files) / whole
        print(f"ratio (files/s): {ours_rate / bare_rate:.0f}x; (MB/s): {(size / whole) / (bbytes / bsecs):.0f}x")
        print(f"at {dt.datetime.now():%Y-%m-%d %H:%M}: 1,000 files would take {1000 / ours_rate:.1f} s")


if __name__ == "__main__":
    main()
