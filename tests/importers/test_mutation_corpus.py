"""T1 at the figure in reliability.md, in every run: 2,000 mutations of six real FIT seeds.

The mutations run in a fresh process so that its peak memory (VmHWM) is the decoder's, not the test
runner's. Every mutated file that decoding rejects is then imported through the import service into a
fresh SQLite database: none of them may leave an activity behind, and each is in the import log.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

from .conftest import DATA

SCRIPT = r"""
import datetime as dt, json, random, sys, tempfile, time, warnings
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests.importers.test_fit import SEEDS, _mutate
from backstride.importers import decode

data = Path(sys.argv[2])
seeds = [(data / s).read_bytes() for s in SEEDS]
rng = random.Random(20261204)
count = int(sys.argv[3])
worst, escaped, rejected, outcomes = 0.0, [], [], {"activity": 0, "failure": 0, "skipped": 0}
with warnings.catch_warnings():
    warnings.simplefilter("error")  # a warning leaking out of a decoder is a bug too
    for i in range(count):
        mutated = _mutate(rng, seeds[i % len(seeds)])
        t = time.perf_counter()
        try:
            res = decode(f"m{i}.fit", mutated)
        except BaseException as exc:  # an escape: counted, reported, and the run goes on
            escaped.append(f"m{i}: {type(exc).__name__}: {exc}")
            continue
        finally:
            worst = max(worst, time.perf_counter() - t)
        key = "activity" if res.activities else "failure" if res.failures else "skipped"
        outcomes[key] += 1
        if not res.activities:
            rejected.append((f"m{i}.fit", mutated))
hwm_mb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) // 1024

from backstride.contract import parse_state
from backstride.services.importing import import_paths
from backstride.storage import Database, create_athlete
from sqlalchemy import text

with tempfile.TemporaryDirectory() as tmp:
    folder = Path(tmp) / "rejected"
    folder.mkdir()
    for name, body in rejected:
        (folder / name).write_bytes(body)
    db = Database.open(f"sqlite:///{Path(tmp) / 'log.db'}")
    state = parse_state({"schema": "backstride.state/1", "today": "2026-12-04",
                         "athlete": {"baseline": {"sessions": [{"day": "sun", "kind": "long", "distance_km": 10}]}}})
    athlete = create_athlete(db, state)
    summary = import_paths(db, athlete, [folder], workers=1, today=dt.date(2026, 12, 4))
    with db.session() as s:
        rows = s.execute(text("SELECT count(*) FROM activities")).scalar()
        logged = s.execute(text("SELECT count(*) FROM import_log")).scalar()
    db.dispose()
print(json.dumps({"worst_s": worst, "hwm_mb": hwm_mb, "escaped": escaped, "outcomes": outcomes,
                  "rejected": len(rejected), "stored": summary.imported, "rows": rows, "logged": logged}))
"""


@pytest.mark.timeout(120)
def test_two_thousand_mutated_fit_files_let_nothing_escape_stay_fast_and_small_and_store_nothing_rejected() -> None:
    if not DATA.is_dir():
        pytest.skip(f"shared activity corpus not found at {DATA}")
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(REPO), str(DATA), "2000"], capture_output=True,
                          text=True, timeout=110, check=False, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout.splitlines()[-1])
    assert got["escaped"] == []  # 0 exceptions reach the caller: every problem is a failure with a reason
    assert got["worst_s"] < 2.0  # 0 inputs over 2 s
    assert got["hwm_mb"] < 256  # peak memory of the whole run, interpreter included
    assert sum(got["outcomes"].values()) == 2000
    assert got["rejected"] > 100  # the mutations do break files, so the storage half is exercised
    assert got["stored"] == got["rows"] == 0  # 0 rows for rejected files
    assert got["logged"] == got["rejected"]  # each is in the import log with its reason
