"""The History page's own work: gathering the weeks (``history_for``) and drawing the charts, for years of log.

    .venv/bin/python benchmarks/history_pictures.py [--years 1 5] [--weeks 12 52] [--repeat 15]

For each history length, one SQLite database holds a runner with a check-in every day and four runs a
week (the generator of ``state_load.py``). Each repetition times, for each number of weeks shown and in
alternating order (paired), ``history_for`` (storage read, the weekly figures, each run's answer,
``causes``, shoes) and ``history_charts`` (the five SVG pictures). Prints the median and the spread
(min-max) in milliseconds, and the SVG bytes a phone downloads. Asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from state_load import TODAY, history

from backstride.contract import parse_state
from backstride.services.history import history_for
from backstride.storage import Database
from backstride.storage.athletes import create_athlete
from backstride.web.charts import history_charts


def _fmt(times: list[float]) -> str:
    return f"{statistics.median(times):7.1f} ({min(times):.1f}-{max(times):.1f})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 5])
    parser.add_argument("--weeks", type=int, nargs="+", default=[12, 52])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    print(f"History page work, wall ms, median (min-max) of {args.repeat} paired runs")
    print(f"{'years':>5} {'weeks':>5}  {'history_for':>22}  {'charts':>18}  {'SVG bytes':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for years in args.years:
            db = Database.open(f"sqlite:///{Path(tmp) / f'{years}.db'}")
            athlete = create_athlete(db, parse_state(history(years)), name="bench")
            gather: dict[int, list[float]] = {w: [] for w in args.weeks}
            draw: dict[int, list[float]] = {w: [] for w in args.weeks}
            size: dict[int, int] = {}
            for i in range(args.repeat):
                order = args.weeks if i % 2 == 0 else list(reversed(args.weeks))
                for weeks in order:
                    t0 = time.perf_counter()
                    h = history_for(db, athlete, TODAY, weeks)
                    t1 = time.perf_counter()
                    charts = history_charts(h)
                    t2 = time.perf_counter()
                    gather[weeks].append((t1 - t0) * 1000)
                    draw[weeks].append((t2 - t1) * 1000)
                    size[weeks] = sum(len(c.svg.encode()) for c in charts)
            for weeks in args.weeks:
                print(f"{years:>5} {weeks:>5}  {_fmt(gather[weeks]):>22}  {_fmt(draw[weeks]):>18}  {size[weeks]:>9}")
            db.dispose()


if __name__ == "__main__":
    main()
