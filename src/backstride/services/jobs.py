"""Work done off the request path: ``enqueue(kind, payload)`` gives a job id, ``job_status(id)`` its progress.

On SQLite the jobs run in this process, in a small thread pool (:class:`InlineJobs`); their state,
progress and result live in the ``jobs`` table, so any request (or another process) reads them the
same way. The clinic's PostgreSQL queue provides the same two methods (:class:`JobQueue`), so the web
app never knows which it has. The one kind today is ``import``: files already saved on disk are read
by :func:`~backstride.services.importing.import_paths` with a progress callback, and the job keeps
the same summary the command line prints (every damaged or unreadable file named with its reason).

A job left queued or running by a server that stopped is marked failed when the next one starts
(:meth:`InlineJobs.recover`): the runner is told to import again, which adds nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backstride.services.importing import count_files, import_paths
from backstride.storage import Database, get_athlete
from backstride.storage.tables import JobRow, utcnow

__all__ = ["JOB_KINDS", "InlineJobs", "JobQueue", "JobState", "JobStatus", "UnknownJob", "job_status", "run_import",
           "run_job", "store_job"]

log = logging.getLogger(__name__)

JobState = Literal["queued", "running", "done", "failed"]
# A job's progress is written at most this often (and always at the end): a thousand small files
# must not become a thousand transactions on the runner's phone-sized SQLite file.
PROGRESS_EVERY_S = 0.2
Progress = Callable[[int, int | None], None]  # files done, files in all (None when not known)
Handler = Callable[[Database, Mapping[str, Any], Progress], dict[str, Any]]


class UnknownJob(LookupError):
    """No such job (or a kind no handler is registered for)."""


@dataclass(frozen=True, slots=True)
class JobStatus:
    """What a job is doing: its state, files done of total, and when done its result (or a reason)."""

    id: int
    athlete_id: int
    kind: str
    state: JobState
    done: int
    total: int | None
    result: dict[str, Any] | None
    error: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @property
    def finished(self) -> bool:
        """Done or failed: nothing more will change."""
        return self.state in ("done", "failed")

    def to_json_dict(self) -> dict[str, Any]:
        """Plain JSON data for the API's poll."""
        return {"id": self.id, "kind": self.kind, "state": self.state, "done": self.done, "total": self.total,
                "result": self.result, "error": self.error, "created_at": self.created_at.isoformat(),
                "finished_at": None if self.finished_at is None else self.finished_at.isoformat()}


class JobQueue(Protocol):
    """The one interface the web app uses, whatever runs the jobs."""

    def enqueue(self, kind: str, payload: Mapping[str, Any]) -> int:
        """Store a job and start it off the request path; return its id."""
        ...

    def job_status(self, job_id: int) -> JobStatus:
        """The job's state and progress (UnknownJob when there is none)."""
        ...


# --- the import job ------------------------------------------------------------------------------

def run_import(db: Database, payload: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    """Import the payload's ``paths`` for its ``athlete_id``; the CLI's summary as JSON data.

    ``today`` (ISO date) bounds the plausible dates, ``workers`` the decoding processes (default 1: a
    web server shares its cores), and ``remove`` names a folder of uploaded files to delete afterwards.
    """
    paths = [Path(p) for p in payload["paths"]]
    total = count_files(paths)
    progress(0, total)
    done = 0

    def tick(_name: str) -> None:
        nonlocal done
        done += 1
        progress(done, max(total, done))

    try:
        today = dt.date.fromisoformat(payload["today"]) if payload.get("today") else None
        summary = import_paths(db, int(payload["athlete_id"]), paths, workers=int(payload.get("workers", 1)),
                               on_file=tick, today=today)
    finally:
        if payload.get("remove"):
            shutil.rmtree(payload["remove"], ignore_errors=True)
    progress(done, done)
    out = summary.to_json_dict()
    out["units"] = summary.units
    return out


JOB_KINDS: dict[str, Handler] = {"import": run_import}


def store_job(db: Database, kind: str, payload: Mapping[str, Any]) -> int:
    """Keep a new job as queued and return its id (AthleteNotFound when the payload's athlete is unknown)."""
    athlete_id = int(payload["athlete_id"])
    get_athlete(db, athlete_id)
    with db.write() as session:
        row = JobRow(athlete_id=athlete_id, kind=kind, state="queued", payload=dict(payload), done=0,
                     created_at=utcnow())
        session.add(row)
        session.flush()
        return row.id


# --- running jobs in this process ----------------------------------------------------------------

class InlineJobs:
    """Jobs in a thread pool of this process, their state in the ``jobs`` table (SQLite's queue)."""

    def __init__(self, db: Database, *, workers: int = 1, kinds: Mapping[str, Handler] | None = None) -> None:
        self._db = db
        self._kinds = dict(kinds if kinds is not None else JOB_KINDS)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="backstride-job")

    def enqueue(self, kind: str, payload: Mapping[str, Any]) -> int:
        """Store the job as queued and hand it to the pool; return its id at once.

        UnknownJob for a kind with no handler; AthleteNotFound when the payload's athlete is unknown.
        """
        if kind not in self._kinds:
            raise UnknownJob(f"no job of kind {kind!r}")
        job_id = store_job(self._db, kind, payload)
        self._pool.submit(self._run, job_id, kind, dict(payload))
        return job_id

    def job_status(self, job_id: int) -> JobStatus:
        """The job as stored now."""
        return job_status(self._db, job_id)

    def recover(self) -> int:
        """Mark jobs a stopped server left queued or running as failed; return how many."""
        with self._db.write() as session:
            result = session.execute(
                update(JobRow).where(JobRow.state.in_(("queued", "running")))
                .values(state="failed", finished_at=utcnow(),
                        error="The server stopped before this finished. Please import again: nothing is "
                              "imported twice."))
            return int(getattr(result, "rowcount", 0) or 0)

    def wait(self, job_id: int, timeout_s: float = 60.0) -> JobStatus:
        """Poll until the job is finished (for tests and the command line); TimeoutError after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while True:
            status = self.job_status(job_id)
            if status.finished:
                return status
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {status.state} after {timeout_s:g} s")
            time.sleep(0.02)

    def close(self) -> None:
        """Let running jobs finish, then stop the pool."""
        self._pool.shutdown(wait=True)

    def _run(self, job_id: int, kind: str, payload: dict[str, Any]) -> None:
        run_job(self._db, job_id, self._kinds[kind], payload)


def _set(db: Database, job_id: int, **values: Any) -> None:
    def work(session: Session) -> None:
        session.execute(update(JobRow).where(JobRow.id == job_id).values(**values))
    db.run_write(work)


def run_job(db: Database, job_id: int, handler: Handler, payload: Mapping[str, Any]) -> None:
    """Run one stored job with ``handler``, keeping its state, progress and result (or a reason) in its row.

    The same for both queues: the in-process pool calls it, and so does the clinic's procrastinate task.
    """
    _set(db, job_id, state="running", started_at=utcnow())
    last = 0.0

    def progress(done: int, total: int | None) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_S or done == 0 or (total is not None and done >= total):
            last = now
            _set(db, job_id, done=done, total=total)

    try:
        result = handler(db, payload, progress)
    except Exception as exc:  # the runner reads a reason, the log keeps the traceback
        log.exception("job %s failed", job_id)
        _set(db, job_id, state="failed", finished_at=utcnow(), error=_reason(exc))
        return
    _set(db, job_id, state="done", finished_at=utcnow(), result=result)


def _reason(exc: Exception) -> str:
    """One calm line for the runner: what stopped the job, never a traceback or SQL."""
    if isinstance(exc, OSError):
        return f"A file could not be read ({exc.strerror or 'input/output error'}). Nothing was half-imported."
    return "The import stopped on an unexpected problem. Files read before it are kept; please try again."


def job_status(db: Database, job_id: int) -> JobStatus:
    """A stored job's status, whoever runs it (UnknownJob when there is none)."""
    with db.session() as session:
        row = session.scalars(select(JobRow).where(JobRow.id == job_id)).one_or_none()
        if row is None:
            raise UnknownJob(f"no job {job_id}")
        return JobStatus(row.id, row.athlete_id, row.kind, row.state,  # type: ignore[arg-type]
                         row.done, row.total, row.result, row.error, row.created_at, row.finished_at)
