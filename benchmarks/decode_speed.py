"""Decoding on every core against one process: ``decode_all`` on the same corpus, paired and repeated.

    .venv/bin/python benchmarks/decode_speed.py [--files 1000] [--workers N] [--repeat 3]

Builds a corpus in a temporary folder by repeating the shared FIT, GPX and TCX files (in their shared
proportions) until it holds at least ``--files`` files, then each repetition decodes the whole corpus
twice, in a rotating order: ``decode_all(iter_sources([corpus]), workers=N)`` (N = every core by
default) and the same with ``workers=1``. The work is the same both ways: the folder walk, reading,
sniffing and decoding; nothing checked, nothing stored. It prints the median and the spread (min-max)
of wall and CPU seconds (CPU includes the worker processes) and the paired speed-up of the pool.
The comparison with the bare fitdecode / gpxpy loop is import_speed.py's. When the shared files are
absent it says so and exits 0.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from backstride.importers import decode_all, iter_sources

# ../shared/data/activities from the repository root, or $BACKSTRIDE_SHARED/data/activities (as the tests read it)
_ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BACKSTRIDE_SHARED", _ROOT.parent / "shared")) / "data" / "activities"


def build_corpus(dest: Path, min_files: int) -> list[Path]:
    """Copy the shared fit/gpx/tcx files into ``dest`` repeatedly; returns the unique originals."""
    originals = sorted(p for sub in ("fit", "gpx", "tcx") for p in (SHARED / sub).iterdir() if p.is_file())
    copies = -(-min_files // len(originals))
    for i in range(copies):
        folder = dest / f"copy{i:03d}"
        folder.mkdir()
        for p in originals:
            shutil.copyfile(p, folder / p.name)
    return originals


def cpu_seconds() -> float:
    """CPU time of this process plus its reaped children (the pool workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def decode_corpus(corpus: Path, workers: int) -> tuple[float, float, int]:
    """Wall and CPU seconds of decoding every file under ``corpus``, and the activities found."""
    cpu, wall = cpu_seconds(), time.perf_counter()
    activities = sum(len(res.activities) for res in decode_all(iter_sources([corpus]), workers=workers))
    return time.perf_counter() - wall, cpu_seconds() - cpu, activities


def _spread(values: list[float], digits: int = 2, unit: str = "") -> str:
    return f"{statistics.median(values):.{digits}f}{unit} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--files", type=int, default=1000, help="at least this many files (default 1000)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: every core)")
    ap.add_argument("--repeat", type=int, default=3, help="paired repetitions (default 3)")
    args = ap.parse_args(argv)
    if not SHARED.is_dir():
        print(f"skipped: the shared activity files are not at {SHARED} (set BACKSTRIDE_SHARED to the shared folder)")
        return
    with tempfile.TemporaryDirectory(prefix="backstride-decode-speed-") as tmp:
        corpus = Path(tmp)
        originals = build_corpus(corpus, args.files)
        files = sorted(p for p in corpus.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in files)
        print(f"corpus: {len(files)} files ({len(files) // len(originals)} copies of {len(originals)} FIT, GPX "
              f"and TCX), {size / 1e6:.1f} MB; {args.repeat} paired repetitions in rotating order")
        ways = (args.workers, 1)
        wall: list[list[float]] = [[], []]
        cpu: list[list[float]] = [[], []]
        found: set[int] = set()
        for i in range(args.repeat):
            for k in ((0, 1) if i % 2 == 0 else (1, 0)):
                w, c, n = decode_corpus(corpus, ways[k])
                wall[k].append(w)
                cpu[k].append(c)
                found.add(n)
    print(f"{'decode_all':<24} {'wall s, median (min-max)':>26} {'CPU s, median (min-max)':>26} {'files/s':>8}")
    for k, n in enumerate(ways):
        label = f"workers={n}"
        print(f"{label:<24} {_spread(wall[k]):>26} {_spread(cpu[k]):>26} "
              f"{len(files) / statistics.median(wall[k]):>8.0f}")
    speedup = [one / max(many, 1e-9) for many, one in zip(wall[0], wall[1], strict=True)]
    same = f"{found.pop()} activities each way" if len(found) == 1 else \
        f"NOTE: the runs found different numbers of activities ({sorted(found)}): a file ran out of its time budget"
    print(f"speed-up of {args.workers} workers over one process (paired, wall): {_spread(speedup, 1, 'x')}; {same}")


if __name__ == "__main__":
    main()
