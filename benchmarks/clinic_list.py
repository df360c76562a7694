"""How fast the clinic list answers for a clinician with many athletes.

    .venv/bin/python benchmarks/clinic_list.py [--athletes 200] [--repeat 30] [--db sqlite:///clinic.db]

Builds the athletes (the demo's eight weeks each), links them to one clinician, then times, in turn:
the list when every status row is stale (each athlete's log read and assessed: the first view of a
day), the list when the rows are fresh (one query), and ``GET /clinic`` over the app in process (the
page as served: the access check, the list, the template). Paired: the fresh and the page timings
alternate in the same loop. Prints the median and the spread (10th-90th percentile) in milliseconds;
asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from backstride.services import accounts
from backstride.services.clinic import clinic_list
from backstride.services.demo import demo_state
from backstride.storage import Database, create_athlete
from backstride.storage.tables import AthleteStatusRow


def _spread(ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=10) if len(ms) >= 2 else [ms[0]] * 9
    return f"median {statistics.median(ms):7.1f} ms   p10-p90 {q[0]:7.1f}-{q[-1]:7.1f} ms   n={len(ms)}"


def _build(db: Database, n: int) -> accounts.Actor:
    today = dt.date.today()
    state = demo_state(today)
    user = accounts.create_user(db, "physio@example.org", "clinician")
    for i in range(n):
        athlete = create_athlete(db, state, name=f"Runner {i:03d}")
        accounts.link_clinician(db, "physio@example.org", athlete)
    return accounts.Actor(user, "physio@example.org", "clinician", None)


def _timed(call: object) -> float:
    start = time.perf_counter()
    call()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--db", default=None, help="a database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite+pysqlite:///{Path(folder.name) / 'clinic.db'}"
    db = Database.open(url)
    built = time.perf_counter()
    actor = _build(db, args.athletes)
    print(f"{args.athletes} athletes built in {time.perf_counter() - built:.1f} s ({url.split(':')[0]})")
    today = dt.date.today()

    def stale() -> None:
        with db.write() as session:
            session.query(AthleteStatusRow).delete()

    cold = []
    for _ in range(max(3, args.repeat // 10)):
        stale()
        cold.append(_timed(lambda: clinic_list(db, actor, today)))
    print(f"list, every row stale:  {_spread(cold)}")

    from fastapi.testclient import TestClient

    from backstride.web.app import create_app
    from backstride.web.settings import Settings

    app = create_app(Settings(database_url=url, secret_key="a-benchmark-secret-long-enough-for-it",  # type: ignore[call-arg]
                              base_url="https://testserver", environment="production"), db=db)
    client = TestClient(app, base_url="https://testserver")
    client.cookies.set("__Host-backstride", accounts.start_session(db, actor, client="bench"))
    assert client.get("/clinic").status_code == 200
    fresh, served = [], []
    for _ in range(args.repeat):
        fresh.append(_timed(lambda: clinic_list(db, actor, today)))
        served.append(_timed(lambda: client.get("/clinic")))
    print(f"list, rows fresh:       {_spread(fresh)}")
    print(f"GET /clinic, in process: {_spread(served)}")
    client.close()
    db.dispose()
    folder.cleanup()


if __name__ == "__main__":
    main()
