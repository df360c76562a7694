"""Decode speed: backstride's importers (``decode_all``) vs a bare fitdecode / gpxpy loop.

Builds a corpus in a temp dir by repeating the shared FIT/GPX/TCX files (same proportions)
until it holds at least ``--files`` files, then times:

* ours: ``decode_all(iter_sources([corpus]), workers)`` - folder walk, reading, sniffing,
  decoding, on a process pool (all cores by default); no storage.
* baseline: a single-process loop of ``fitdecode.FitReader`` (every message to a dict) over
  the FIT files and ``gpxpy.parse`` over the GPX files. fitdecode runs at ~0.36 MB/s, so by
  default the baseline decodes one copy of each unique file and scales to the corpus (the
  copies are byte-identical); ``--full-baseline`` times every copy.

    .venv/bin/python benchmarks/decode_speed.py [--files 1000] [--workers N] [--full-baseline]

gpxpy is needed only here (``pip install gpxpy``); it is not a backstride dependency.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import resource
import shutil
import tempfile
import time
import warnings
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


def run_ours(corpus: Path, workers: int | None) -> tuple[float, int, int, int]:
    t = time.perf_counter()
    files = acts = fails = 0
    for res in decode_all(iter_sources([corpus]), workers=workers):
        files += 1
        acts += len(res.activities)
        fails += len(res.failures)
    return time.perf_counter() - t, files, acts, fails


def _fitdecode_one(data: bytes) -> None:
    import fitdecode

    try:
        for frame in fitdecode.FitReader(io.BytesIO(data)):
            if isinstance(frame, fitdecode.FitDataMessage):
                {f.name: f.value for f in frame.fields}
    except Exception:
        pass


def _gpxpy_one(data: bytes) -> None:
    import gpxpy

    try:
        g = gpxpy.parse(data.decode("utf-8-sig", "replace").lstrip())
        g.length_2d()
        g.get_duration()
    except Exception:
        pass


def run_baseline(files: list[Path]) -> tuple[float, int, int]:
    """Seconds, file count and bytes for a bare fitdecode/gpxpy loop over ``files``."""
    total = 0
    n = 0
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for p in files:
            data = p.read_bytes()
            if p.name.endswith(".gz"):
                data = gzip.decompress(data)
            if ".fit" in p.name:
                _fitdecode_one(data)
            elif ".gpx" in p.name:
                _gpxpy_one(data)
            else:
                continue  # no TCX in the baseline (tcxreader drops treadmill points: not comparable)
            n += 1
            total += len(data)
    return time.perf_counter() - t, n, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--full-baseline", action="store_true")
    args = ap.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"shared corpus not found at {SHARED}")
    with tempfile.TemporaryDirectory(prefix="backstride-bench-") as tmp:
        corpus = Path(tmp)
        originals = build_corpus(corpus, args.files)
        all_files = sorted(p for p in corpus.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in all_files)
        copies = len(all_files) // len(originals)
        print(f"corpus: {len(all_files)} files ({copies} copies of {len(originals)}), {size / 1e6:.1f} MB on disk")
        cpu0 = cpu_seconds()
        secs, nfiles, acts, fails = run_ours(corpus, args.workers)
        cpu_ours = cpu_seconds() - cpu0
        print(f"ours    decode_all(workers={args.workers or 'all cores'}): {secs:.2f} s, "
              f"{nfiles / secs:.0f} files/s, {size / 1e6 / secs:.1f} MB/s "
              f"({acts} activities, {fails} failures); "
              f"{cpu_ours:.1f} CPU-s = {size / 1e6 / cpu_ours:.1f} MB per CPU-s")  # fmt: skip
        fit_gpx = [p for p in all_files if ".tcx" not in p.name]
        ours_sub = sum(p.stat().st_size for p in fit_gpx)
        base_files = fit_gpx if args.full_baseline else [p for p in fit_gpx if p.parent.name == "copy000"]
        cpu0 = cpu_seconds()
        bsecs, bn, bbytes = run_baseline(base_files)
        bcpu = cpu_seconds() - cpu0
        scale = 1 if args.full_baseline else copies
        print(f"baseline fitdecode+gpxpy, 1 process, FIT+GPX only"
              f"{'' if args.full_baseline else f' (1 copy timed, x{copies})'}: "
              f"{bsecs * scale:.2f} s, {bn * scale / (bsecs * scale):.1f} files/s, "
              f"{bbytes / 1e6 / bsecs:.2f} MB/s, {bbytes / 1e6 / bcpu:.2f} MB per CPU-s")  # fmt: skip
        cpu0 = cpu_seconds()
        sub_secs, *_ = run_ours_subset(corpus, fit_gpx, args.workers)
        sub_cpu = cpu_seconds() - cpu0
        print(f"ours on the same FIT+GPX files: {sub_secs:.2f} s, {len(fit_gpx) / sub_secs:.0f} files/s, "
              f"{ours_sub / 1e6 / sub_secs:.1f} MB/s, {ours_sub / 1e6 / sub_cpu:.1f} MB per CPU-s")  # fmt: skip
        print(f"ratio (ours / baseline, FIT+GPX files/s, wall clock): {(bsecs * scale) / sub_secs:.0f}x")
        print(f"ratio per CPU-second (independent of other load on the box): "
              f"{(ours_sub / sub_cpu) / (bbytes / bcpu):.0f}x")  # fmt: skip


def run_ours_subset(corpus: Path, files: list[Path], workers: int | None) -> tuple[float, int]:
    t = time.perf_counter()
    n = sum(1 for _ in decode_all(iter_sources(files), workers=workers))
    return time.perf_counter() - t, n


if __name__ == "__main__":
    main()
