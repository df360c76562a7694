"""The web app under load: requests/s and p50/p99 latency at 50 concurrent clients, beside /healthz.

    .venv/bin/python benchmarks/web_load.py [--clients 50] [--seconds 10] [--rounds 3]
                                            [--database-url postgresql+psycopg://...] [--workers N]

One server process (uvicorn, as ``backstride serve`` runs it) on a fresh database with the demo athlete;
with ``--workers N`` (PostgreSQL only) N server processes, as ``backstride serve --workers N`` runs them
(each building the app from the environment, the database migrated beforehand). The clients are asyncio
tasks in this process. Each round runs every scenario for ``--seconds`` in turn
(paired: the same server, the same minute), after ``--warmup`` seconds of the same load that are not
counted (each worker's first request of a kind fills its pool and memo; the check-ins of the round before
have changed the athlete's plan), and the figures printed are the median over the rounds with their
spread (min-max):

- ``healthz``: a bare ``GET /healthz`` of the same server, the ceiling (no database, no template);
- ``plan``: ``GET /api/athletes/{id}/plan`` with a bearer token (the week remembered while the athlete's
  history is unchanged, so after the first request: sign-in, access check, revision read, JSON);
- ``today``: the Today page with a session cookie (decision, template);
- ``checkin``: ``POST /api/athletes/{id}/checkins``, each on a day of its own, so that every 201 must
  leave one row: after the run the rows are counted and any check-in lost is reported (T13);
- ``clinic``: the clinic list page (``GET /clinic``) of a clinician with ``--clinic-athletes`` linked
  athletes (200: the issue's target, p99 under 150 ms), their status rows built beforehand as the
  nightly job builds them;
- then ``--double-submits`` clients (default 100) each post one and the same check-in twice, all at once:
  every answer must be 201 and exactly one row must hold that day (T14).

The issue's targets (plan p99 under 100 ms, plan throughput at least a quarter of /healthz's, no
check-in lost and no 5xx) are printed beside the figures, never asserted: the machine is shared and
the client shares its cores with the server, so the figures are this machine's, not the app's limit.
"CPU ms/req" is the server processes' own CPU time per answered request (from /proc), the figure least
moved by the client and by other work on the machine; "client CPU" is this process's (the clients speak
plain HTTP/1.1 over keep-alive connections, about a tenth of a general client's cost, so that they leave
the shared cores to the server).
SQLite by default (a temp file); ``--database-url`` points at an empty PostgreSQL database instead.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"
SCENARIOS = ("healthz", "plan", "today", "checkin", "clinic")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(url: str, clinic_athletes: int = 200) -> dict[str, Any]:
    """The demo athlete, an account with a session and a token; a clinician with a session and that many
    athletes (the demo's weeks each); returned for the clients."""
    from backstride.services import accounts
    from backstride.services.clinic import refresh_all
    from backstride.services.demo import demo_state, ensure_demo_athlete
    from backstride.storage import Database, create_athlete

    with Database.open(url) as db:
        athlete = ensure_demo_athlete(db, dt.date.today())
        user = accounts.create_user(db, "load@example.org", "athlete", athlete_id=athlete)
        cookie = accounts.start_session(db, accounts.Actor(user, "load@example.org", "athlete", athlete),
                                        client="benchmark")
        token = accounts.issue_token(db, "load@example.org")
        physio = accounts.create_user(db, "physio@example.org", "clinician")
        state = demo_state(dt.date.today())
        for i in range(clinic_athletes):
            accounts.link_clinician(db, "physio@example.org", create_athlete(db, state, name=f"Runner {i:03d}"))
        clinic = accounts.start_session(db, accounts.Actor(physio, "physio@example.org", "clinician", None),
                                        client="benchmark")
        refresh_all(db, dt.date.today())  # what the nightly job does: the morning's first view reads fresh rows
    return {"athlete": athlete, "cookie": cookie, "token": token, "clinic_cookie": clinic}


def _serve(url: str, port: int) -> None:
    import uvicorn

    from backstride.web.app import create_app
    from backstride.web.settings import Settings

    settings = Settings(database_url=url, secret_key=SECRET, base_url=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
                        environment="development", cookie_secure=False)
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, access_log=False, log_level="warning")


def _serve_workers(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    """``backstride serve --workers N`` itself, as a clinic starts it (the database already migrated)."""
    import os

    env = {**os.environ, "BACKSTRIDE_DATABASE_URL": url, "NO_COLOR": "1"}
    return subprocess.Popen([sys.executable, "-m", "backstride", "serve", "--workers", str(workers), "--port",
                             str(port)], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


@dataclass
class Result:
    """One scenario's run: each request's latency, and what went wrong."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    server_errors: int = 0
    other_errors: int = 0
    locked: int = 0  # answers mentioning "locked" (SQLite's busy error leaking through)
    created: int = 0
    server_cpu_s: float = 0.0  # CPU time the server's processes spent in this scenario (user + system)
    client_cpu_s: float = 0.0  # and the clients' (this process)

    def cpu_ms_per_request(self) -> float:
        """Server CPU per answered request: the server's own cost, whatever the client and the machine do."""
        return self.server_cpu_s / len(self.latencies) * 1000 if self.latencies else float("nan")

    def client_cpu_ms_per_request(self) -> float:
        return self.client_cpu_s / len(self.latencies) * 1000 if self.latencies else float("nan")

    def figures(self) -> tuple[float, float, float]:
        """Requests per second, p50 and p99 in milliseconds."""
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0, float("nan"), float("nan")
        p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
        return len(ordered) / self.seconds, p(0.50), p(0.99)


class Days:
    """A distinct past day for each posted check-in (older than the demo's eight weeks)."""

    def __init__(self) -> None:
        self.next = 100

    def take(self) -> str:
        self.next += 1
        return (dt.date.today() - dt.timedelta(days=self.next)).isoformat()


class Connection:
    """One keep-alive HTTP/1.1 connection that speaks just enough HTTP for these requests: the request's
    bytes built by the caller, the answer read by its Content-Length (or chunks). A general client
    (httpx) spends about a millisecond of CPU a request, more than the server's ``/healthz``; on a
    machine whose cores the client shares with the server, that is the server's time."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def ask(self, request: bytes) -> tuple[int, bytes]:
        """Send ``request`` and read the answer: (status, body)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        pairs = (line.partition(":") for line in lines[1:] if line)
        headers = {k.strip().lower(): v.strip() for k, _, v in pairs}
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size + 2))
            await self.reader.readuntil(b"\r\n")
            body = b"".join(p[:-2] for p in parts)
        else:
            body = b""
        if headers.get("connection") == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _scenario(name: str, base: str, ctx: dict[str, Any], clients: int, seconds: float, days: Days) -> Result:
    athlete = ctx["athlete"]
    host, port = base.removeprefix("http://").split(":")
    auth = {"Authorization": f"Bearer {ctx['token']}"}
    cookie = {"Cookie": f"backstride-dev={ctx['clinic_cookie'] if name == 'clinic' else ctx['cookie']}"}
    fixed = {"healthz": _request("GET", "/healthz", {}),
             "plan": _request("GET", f"/api/athletes/{athlete}/plan", auth),
             "today": _request("GET", f"/athletes/{athlete}/today", cookie),
             "clinic": _request("GET", "/clinic", cookie)}
    result = Result()

    def request() -> bytes:
        if name in fixed:
            return fixed[name]
        body = json.dumps({"date": days.take(), "pain_rest": 1, "stress": 3}).encode()
        return _request("POST", f"/api/athletes/{athlete}/checkins",
                        {**auth, "Content-Type": "application/json"}, body)

    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        connection = Connection(host, int(port))
        try:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    status, body = await asyncio.wait_for(connection.ask(request()), 30)
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, TimeoutError):
                    result.other_errors += 1
                    connection.close()
                    continue
                result.latencies.append(time.perf_counter() - start)
                if status >= 500:
                    result.server_errors += 1
                elif status >= 400:
                    result.other_errors += 1
                if b"locked" in body:
                    result.locked += 1
                if status == 201:
                    result.created += 1
        finally:
            connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    result.seconds = time.perf_counter() - began
    return result


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its descendants (workers), from /proc; 0 where /proc is absent."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        me = int(entry.parent.name)
        children.setdefault(int(fields[1]), []).append(me)
        times[me] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo.extend(children.get(current, []))
    return total


async def _double_submits(base: str, ctx: dict[str, Any], clients: int, day: str) -> tuple[int, int]:
    """``clients`` clients each posting the same check-in twice, all at once: (answers that were 201, all)."""
    import httpx2 as httpx

    auth = {"Authorization": f"Bearer {ctx['token']}"}
    limits = httpx.Limits(max_connections=2 * clients, max_keepalive_connections=2 * clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        body = {"date": day, "pain_rest": 2, "stress": 2}
        answers = await asyncio.gather(*(client.post(f"/api/athletes/{ctx['athlete']}/checkins", headers=auth,
                                                     json=body) for _ in range(2 * clients)),
                                       return_exceptions=True)
    ok = sum(1 for a in answers if not isinstance(a, BaseException) and a.status_code == 201)
    return ok, len(answers)


def _rows_on(url: str, athlete: int, day: str) -> int:
    from backstride.storage import Database, list_checkins

    with Database.open(url) as db:
        return sum(1 for c in list_checkins(db, athlete) if c.date.isoformat() == day)


def _wait_for(base: str, timeout_s: float = 60) -> None:
    import httpx2 as httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server at {base} did not start")


def _rows(url: str, athlete: int) -> int:
    from backstride.storage import Database, list_checkins

    with Database.open(url) as db:
        return len(list_checkins(db, athlete))


def _spread(values: list[float], fmt: str) -> str:
    return f"{format(statistics.median(values), fmt)} [{format(min(values), fmt)}-{format(max(values), fmt)}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="an empty database (default: a temp SQLite file)")
    parser.add_argument("--clinic-athletes", type=int, default=200, help="athletes on the clinician's list")
    parser.add_argument("--workers", type=int, default=1, help="server processes (more than 1: PostgreSQL only)")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS),
                        help=f"which to run, comma-separated (default: all of {','.join(SCENARIOS)})")
    parser.add_argument("--warmup", type=float, default=1.0,
                        help="seconds of each scenario run before it is measured (not counted)")
    parser.add_argument("--double-submits", type=int, default=100, help="clients posting one check-in twice")
    args = parser.parse_args(argv)
    chosen = tuple(n for n in SCENARIOS if n in args.scenarios.split(","))
    unknown = set(args.scenarios.split(",")) - set(SCENARIOS)
    if unknown or not chosen:
        parser.error(f"--scenarios: choose from {', '.join(SCENARIOS)} (not {', '.join(sorted(unknown)) or 'none'})")
    if args.workers > 1 and not (args.database_url or "").startswith("postgres"):
        parser.error("--workers above 1 needs --database-url postgresql+psycopg://... (SQLite is one process)")
    folder = tempfile.TemporaryDirectory(prefix="backstride-load-")
    url = args.database_url or f"sqlite+pysqlite:///{Path(folder.name) / 'load.db'}"
    ctx = _prepare(url, args.clinic_athletes)
    rows_before = _rows(url, ctx["athlete"])
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server: Any
    if args.workers > 1:
        server = _serve_workers(url, port, args.workers)
    else:
        server = multiprocessing.get_context("spawn").Process(target=_serve, args=(url, port), daemon=True)
        server.start()
    try:
        _wait_for(base)
        days = Days()
        results: dict[str, list[Result]] = {s: [] for s in chosen}
        warmups: list[Result] = []
        for _ in range(args.rounds):
            for name in chosen:
                if args.warmup > 0:  # the same clients, not counted: each worker's memo and pool filled
                    warmups.append(asyncio.run(_scenario(name, base, ctx, args.clients, args.warmup, days)))
                before, mine = _cpu_seconds(server.pid), time.process_time()
                result = asyncio.run(_scenario(name, base, ctx, args.clients, args.seconds, days))
                result.server_cpu_s = _cpu_seconds(server.pid) - before
                result.client_cpu_s = time.process_time() - mine
                results[name].append(result)
        twice_day = days.take()
        twice_ok, twice_all = asyncio.run(_double_submits(base, ctx, args.double_submits, twice_day))
    finally:
        server.terminate()  # SIGTERM: with several workers uvicorn's supervisor stops its children too
        if args.workers > 1:
            server.wait(60)
        else:
            server.join(10)
    twice_rows = _rows_on(url, ctx["athlete"], twice_day)
    rows_after = _rows(url, ctx["athlete"]) - twice_rows
    backend = "postgresql" if url.startswith("postgres") else "sqlite"
    processes = f", {args.workers} server processes" if args.workers > 1 else ""
    print(f"backstride web load: {backend}{processes}, {args.clients} clients, {args.seconds:g} s x {args.rounds} "
          f"rounds per scenario (median [min-max] over rounds)")
    print(f"{'scenario':<9} {'req/s':>22} {'p50 ms':>22} {'p99 ms':>22} {'CPU ms/req':>18} {'client CPU':>18} "
          f"{'5xx':>5} {'4xx/err':>8} {'locked':>7}")
    medians: dict[str, tuple[float, float]] = {}
    for name in chosen:
        figs = [r.figures() for r in results[name]]
        rps, p50, p99 = ([f[i] for f in figs] for i in range(3))
        medians[name] = (statistics.median(rps), statistics.median(p99))
        cpu = [r.cpu_ms_per_request() for r in results[name]]
        print(f"{name:<9} {_spread(rps, '.0f'):>22} {_spread(p50, '.1f'):>22} {_spread(p99, '.1f'):>22} "
              f"{_spread(cpu, '.2f'):>18} {_spread([r.client_cpu_ms_per_request() for r in results[name]], '.2f'):>18} "
              f"{sum(r.server_errors for r in results[name]):>5} {sum(r.other_errors for r in results[name]):>8} "
              f"{sum(r.locked for r in results[name]):>7}")
    created = sum(r.created for r in results.get("checkin", [])) + sum(r.created for r in warmups)
    lost = created - (rows_after - rows_before)
    if "plan" in medians:
        print(f"plan p99 {medians['plan'][1]:.1f} ms (target < 100): "
              f"{'met' if medians['plan'][1] < 100 else 'NOT met'}")
    if "plan" in medians and "healthz" in medians:
        share = medians["plan"][0] / medians["healthz"][0] if medians["healthz"][0] else float("nan")
        print(f"plan throughput {share:.0%} of /healthz's (target >= 25%): {'met' if share >= 0.25 else 'NOT met'}")
        cpu = {n: statistics.median(r.cpu_ms_per_request() for r in results[n]) for n in ("healthz", "plan")}
        if cpu["plan"] > 0:
            print(f"plan server CPU {cpu['plan']:.2f} ms/request, {cpu['healthz'] / cpu['plan']:.0%} of /healthz's "
                  f"throughput where the server's CPU is the limit")
    if "clinic" in medians:
        clinic_p99 = medians["clinic"][1]
        print(f"clinic list ({args.clinic_athletes} athletes) p99 {clinic_p99:.1f} ms (target < 150): "
              f"{'met' if clinic_p99 < 150 else 'NOT met'}")
    print(f"double submits: {args.double_submits} clients x 2 of one check-in, {twice_ok} of {twice_all} answered "
          f"201, {twice_rows} row (target: all 201, exactly 1 row): "
          f"{'met' if twice_ok == twice_all and twice_rows == 1 else 'NOT met'}")
    five = sum(r.server_errors for rs in results.values() for r in rs) + sum(r.server_errors for r in warmups)
    print(f"check-ins: {created} answered 201, {rows_after - rows_before} rows added, {lost} lost; "
          f"{five} 5xx in all: {'met' if lost == 0 and five == 0 else 'NOT met'}")
    folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
