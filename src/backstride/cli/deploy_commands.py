"""``backstride db upgrade``, ``backstride db status`` and ``backstride worker``: running a clinic.

A clinic runs several app processes and a job worker on one PostgreSQL database. None of them migrates
it when it starts (several at once would race, and a worker must never find tables half-made):
``backstride db upgrade`` does, once, and the app's workers and the job worker refuse a database that is
behind, naming that command.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from backstride.cli.log_commands import DbOpt
from backstride.cli.output import console, fail

if TYPE_CHECKING:
    from backstride.storage import Database

__all__ = ["opened_current", "register"]

SQLITE_WORKER = ("On SQLite there is no worker to start: imports run inside the web app's own process "
                 "(`backstride serve`). A clinic's worker needs PostgreSQL (see README, Running a clinic).")


@contextmanager
def _opened_as_is(url: str | None) -> Iterator[Database]:
    """The database opened without migrating it, storage errors as one clear line."""
    from sqlalchemy.exc import SQLAlchemyError

    from backstride.storage import Database, DatabaseTooNew, resolve_url

    try:
        db = Database.open(resolve_url(url), upgrade=False)
    except DatabaseTooNew as exc:
        fail([f"database: {exc}"])
    except (SQLAlchemyError, OSError, ValueError) as exc:
        fail([f"database: cannot open it ({str(exc).splitlines()[0]})"])
    try:
        yield db
    finally:
        db.dispose()


@contextmanager
def opened_current(url: str | None) -> Iterator[Database]:
    """The database opened without migrating it; exit 2 with the command to run when it is behind."""
    from backstride.storage import DatabaseNeedsUpgrade
    from backstride.storage.migrate import require_current

    with _opened_as_is(url) as db:
        try:
            require_current(db)
        except DatabaseNeedsUpgrade as exc:
            fail([f"database: {exc}"])
        yield db


def db_upgrade(db: DbOpt = None) -> None:
    """Bring the database to this backstride's schema (run once, before the app and its workers start)."""
    from backstride.storage.migrate import current_revision, needs_upgrade, upgrade

    with _opened_as_is(db) as database:
        before = current_revision(database)
        if needs_upgrade(database):
            upgrade(database)  # one transaction; on PostgreSQL under a lock, so a second run waits, then finds it done
        after = current_revision(database)
    shown = "empty" if before is None else before
    if before == after:
        console().print(f"The database is already at revision {after}, the newest this backstride knows.")
    else:
        console().print(f"The database went from revision {shown} to {after}, the newest this backstride knows.")


def db_status(db: DbOpt = None) -> None:
    """Say which schema revision the database is at; exit 1 when `backstride db upgrade` is needed."""
    from backstride.storage.migrate import current_revision, head_revision

    with _opened_as_is(db) as database:
        current = current_revision(database)
    head = head_revision()
    if current == head:
        console().print(f"The database is at revision {head}, the newest this backstride knows.")
        return
    console().print(f"The database is at revision {current or 'none (empty)'}; this backstride needs {head}. "
                    f"Run `backstride db upgrade`.")
    raise typer.Exit(1)


def worker_cmd(
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=16,
                                             help="Jobs run at once in this worker (threads).")] = 1,
    until_idle: Annotated[bool, typer.Option("--until-idle", help="Run the jobs waiting now, then stop "
                                             "(for a cron line or a check), instead of running until Ctrl+C.")]
    = False,
    db: DbOpt = None,
) -> None:
    """Run the clinic's jobs: imports from the web app, the nightly re-plan, missed check-ins, erasures."""
    from backstride.storage import resolve_url

    url = resolve_url(db)
    if url.startswith("sqlite"):
        console().print(SQLITE_WORKER)
        return
    from backstride.services.queue import CRON, make_app, postgres_connector

    with _stop_requests() as early, opened_current(url) as database:
        # Times, counts and athlete ids only: the rounds never log a name, an answer or a file name.
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        for name in ("procrastinate", "psycopg"):
            logging.getLogger(name).setLevel(logging.WARNING)
        out = console()
        out.print("backstride worker: running imports and the rounds "
                  + ", ".join(f"{name.removeprefix('backstride.')} ({cron})" for name, cron in CRON.items())
                  + " in UTC.", soft_wrap=True)
        if not until_idle:
            out.print("Stop it with Ctrl+C (a job under way is finished first).")
        app = make_app(database, postgres_connector(url, max_size=concurrency + 2))
        asyncio.run(_work(app, concurrency, until_idle, early))
        out.print("backstride worker stopped.")


@contextmanager
def _stop_requests() -> Iterator[threading.Event]:
    """Ctrl+C or SIGTERM while the worker starts: remembered (and honoured once it runs), not a traceback."""
    early = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: early.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield early
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


async def _work(app: Any, concurrency: int, until_idle: bool, early: threading.Event) -> None:
    """Run the procrastinate worker until it is idle (``until_idle``) or Ctrl+C / SIGTERM, which stop it
    gracefully: it fetches nothing more and lets the jobs under way finish."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if early.is_set():
        return
    async with app.open_async():
        worker = asyncio.create_task(app.run_worker_async(concurrency=concurrency, wait=not until_idle,
                                                          install_signal_handlers=False))
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({worker, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if not worker.done():
            worker.cancel()  # procrastinate stops fetching and lets the running jobs finish
        with contextlib.suppress(asyncio.CancelledError):
            await worker


def register(app: typer.Typer) -> None:
    """Add ``db`` and ``worker`` to the command line."""
    group = typer.Typer(help="The database's schema: upgrade it once per new backstride, before the app starts.",
                        no_args_is_help=True)
    group.command("upgrade")(db_upgrade)
    group.command("status")(db_status)
    app.add_typer(group, name="db")
    app.command("worker")(worker_cmd)
