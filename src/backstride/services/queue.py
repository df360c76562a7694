"""The clinic's job queue: procrastinate on PostgreSQL behind the same ``enqueue()`` / ``job_status()``.

The web app stores a job in the ``jobs`` table exactly as on SQLite (:func:`~backstride.services.jobs.store_job`)
and defers a procrastinate task that carries only the job's id; a ``backstride worker`` process runs it
through the same :func:`~backstride.services.jobs.run_job`, so state, progress and result are read the
same way whoever ran the job. The worker also runs the periodic tasks (cron syntax, in UTC): the nightly
re-plan, the missed check-in round and the erasure ledger's round (:mod:`backstride.services.periodic`).

:func:`make_app` takes any procrastinate connector: the tests use procrastinate's in-memory connector,
the clinic a psycopg one (:func:`postgres_connector`). Successful queue entries are deleted when done
(our ``jobs`` row keeps the result); failed ones stay in procrastinate's table for the administrator.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Mapping
from typing import Any

import procrastinate
from procrastinate.connector import BaseConnector
from sqlalchemy.engine import make_url

from backstride.services import periodic
from backstride.services.jobs import JOB_KINDS, JobStatus, UnknownJob, job_status, run_job, store_job
from backstride.storage import Database
from backstride.storage.tables import JobRow, utcnow

__all__ = ["CRON", "QUEUE", "QueueJobs", "make_app", "postgres_connector"]

log = logging.getLogger(__name__)

QUEUE = "backstride"
RUN_JOB = "backstride.run_job"
# When each round runs (UTC). The re-plan after midnight in Europe and before the morning check-ins;
# the missed check-ins after it, so a runner who checked in at breakfast is not flagged; the erasure
# ledger every quarter hour, so an erasure a stopped process left half-cleaned is finished soon; and every
# five minutes a job whose worker stopped mid-way (no heartbeat) runs again (an import adds nothing twice).
CRON = {
    "backstride.nightly_replan": "30 2 * * *",
    "backstride.missed_checkins": "0 7 * * *",
    "backstride.erasure_round": "*/15 * * * *",
    "backstride.retry_stalled": "*/5 * * * *",
}


def postgres_connector(url: str, *, max_size: int = 4) -> procrastinate.PsycopgConnector:
    """A psycopg connector for backstride's database URL (``postgresql+psycopg://`` becomes libpq's own)."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return procrastinate.PsycopgConnector(conninfo=conninfo, min_size=1, max_size=max_size)


def _at(timestamp: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC)


def make_app(db: Database, connector: BaseConnector) -> procrastinate.App:
    """A procrastinate app whose tasks work on ``db``: the stored jobs and the periodic rounds."""
    app = procrastinate.App(connector=connector, worker_defaults={"queues": [QUEUE], "delete_jobs": "successful"})

    @app.task(name=RUN_JOB, queue=QUEUE)
    def run_stored_job(job_id: int) -> None:
        """Run a job the web app stored (its kind and payload are in its row)."""
        with db.session() as session:
            row = session.get(JobRow, job_id)
            kind, payload = (row.kind, dict(row.payload)) if row is not None else (None, {})
        handler = JOB_KINDS.get(kind or "")
        if handler is None:  # erased with its athlete, or a kind this version does not know
            log.warning("job %s: nothing to run (%s)", job_id, "no such job" if kind is None else "unknown kind")
            return
        run_job(db, job_id, handler, payload)

    @app.periodic(cron=CRON["backstride.nightly_replan"])
    @app.task(name="backstride.nightly_replan", queue=QUEUE, queueing_lock="backstride.nightly_replan")
    def nightly_replan(timestamp: int) -> None:
        """Plan every athlete's week again (and refresh what depends on it)."""
        report = periodic.replan_all(db, _at(timestamp))
        log.info("nightly re-plan: %d athletes planned, %d could not be", report.planned, len(report.failed))

    @app.periodic(cron=CRON["backstride.missed_checkins"])
    @app.task(name="backstride.missed_checkins", queue=QUEUE, queueing_lock="backstride.missed_checkins")
    def missed_checkins(timestamp: int) -> None:
        """Flag the athletes with no check-in for three days or more."""
        flagged = periodic.missed_checkin_round(db, _at(timestamp))
        log.info("missed check-ins: %d athletes flagged", len(flagged))

    @app.periodic(cron=CRON["backstride.erasure_round"])
    @app.task(name="backstride.erasure_round", queue=QUEUE, queueing_lock="backstride.erasure_round")
    def erasure_round(timestamp: int) -> None:
        """Finish erasures a stopped process left half-cleaned; remove old finished jobs."""
        cleaned = periodic.erasure_round(db, _at(timestamp))
        if cleaned:
            log.info("erasure ledger: %d erasures finished", len(cleaned))

    @app.periodic(cron=CRON["backstride.retry_stalled"])
    @app.task(name="backstride.retry_stalled", queue=QUEUE, queueing_lock="backstride.retry_stalled")
    async def retry_stalled(timestamp: int) -> None:
        """Run again the jobs of a worker that stopped without finishing them (procrastinate's recipe)."""
        for job in await app.job_manager.get_stalled_jobs():
            log.warning("job %s (%s) was left by a stopped worker: running it again", job.id, job.task_name)
            await app.job_manager.retry_job(job)

    return app


class QueueJobs:
    """The web app's queue on PostgreSQL: the job kept in ``jobs``, its run deferred to procrastinate."""

    def __init__(self, db: Database, app: procrastinate.App) -> None:
        self._db = db
        self._app = app
        self._opened = False
        self._guard = threading.Lock()

    def _open(self) -> None:
        """Open this process's small pool to the queue on first use (after any fork: never inherited)."""
        with self._guard:
            if not self._opened:
                self._app.open()
                self._opened = True

    def enqueue(self, kind: str, payload: Mapping[str, Any]) -> int:
        """Store the job as queued and defer its run; return its id at once.

        UnknownJob for a kind with no handler; AthleteNotFound when the payload's athlete is unknown. When
        the queue cannot be reached the job is marked failed with a calm reason, so the page never waits.
        """
        if kind not in JOB_KINDS:
            raise UnknownJob(f"no job of kind {kind!r}")
        job_id = store_job(self._db, kind, payload)
        try:
            self._open()
            self._app.configure_task(RUN_JOB, queue=QUEUE).defer(job_id=job_id)
        except Exception:
            log.exception("job %s could not be queued", job_id)
            with self._db.write() as session:
                row = session.get(JobRow, job_id)
                if row is not None:
                    row.state, row.finished_at = "failed", utcnow()
                    row.error = "The import could not be started just now. Please try again in a moment."
        return job_id

    def job_status(self, job_id: int) -> JobStatus:
        """The job as stored now (the worker writes its progress into the same row)."""
        return job_status(self._db, job_id)

    def recover(self) -> int:
        """Nothing to recover in a web process: the worker and procrastinate own the running jobs."""
        return 0

    def close(self) -> None:
        """Close this process's connections to the queue."""
        with self._guard:
            if self._opened:
                self._app.close()
                self._opened = False
