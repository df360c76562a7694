"""The clinic's queue: the job code run by procrastinate (its in-memory connector), and once on PostgreSQL.

The in-memory connector runs the very tasks a ``backstride worker`` runs, over a SQLite database; the
PostgreSQL test goes through the queue's real tables (migration 0011) with the psycopg connector.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from procrastinate.testing import InMemoryConnector
from sqlalchemy import func, select, text, update

from backstride.contract import Checkin
from backstride.services import periodic
from backstride.services.jobs import UnknownJob
from backstride.services.queue import CRON, QUEUE, QueueJobs, make_app, postgres_connector
from backstride.storage import AthleteNotFound, Database, erase_athlete, upsert_checkin
from backstride.storage.erase import ledger
from backstride.storage.tables import ErasureRow, JobRow, PlannedDayRow
from tests.services.test_jobs import TODAY, _athlete, _upload
from tests.storage.conftest import pg_server_url, pg_url  # noqa: F401  (the PostgreSQL fixtures, reused)


@pytest.fixture
def pg(request: pytest.FixtureRequest) -> str:
    """An empty schema on the session's PostgreSQL server."""
    return str(request.getfixturevalue("pg_url"))


NIGHT = dt.datetime(2026, 12, 4, 2, 30, tzinfo=dt.UTC)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(f"sqlite:///{tmp_path / 'log.db'}")
    yield database
    database.dispose()


@pytest.fixture
def refreshed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, dt.date]]:
    """What the refreshers were called with (the clinic's status row would be one of them)."""
    calls: list[tuple[int, dt.date]] = []
    monkeypatch.setattr(periodic, "REFRESHERS", [lambda _db, athlete, today: calls.append((athlete, today))])
    return calls


def _work_off(app: object) -> None:
    app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)  # type: ignore[attr-defined]


def test_an_import_deferred_to_procrastinate_is_read_through_job_status(db: Database, tmp_path: Path) -> None:
    folder = _upload(tmp_path)
    a = _athlete(db)
    connector = InMemoryConnector()
    app = make_app(db, connector)
    jobs = QueueJobs(db, app)
    job = jobs.enqueue("import", {"athlete_id": a, "paths": [str(folder)], "today": TODAY.isoformat()})
    assert jobs.job_status(job).state == "queued"
    [queued] = connector.jobs.values()
    assert queued["args"] == {"job_id": job} and queued["queue_name"] == QUEUE  # an id, never health data
    _work_off(app)
    status = jobs.job_status(job)
    assert status.state == "done", status.error
    assert status.result is not None and status.result["imported"] >= 2
    assert status.done == status.total
    assert connector.jobs == {}  # a successful queue entry is deleted; our row keeps the result


def test_enqueue_refuses_unknown_kinds_and_athletes_before_queueing(db: Database) -> None:
    connector = InMemoryConnector()
    jobs = QueueJobs(db, make_app(db, connector))
    with pytest.raises(UnknownJob):
        jobs.enqueue("nope", {"athlete_id": 1})
    with pytest.raises(AthleteNotFound):
        jobs.enqueue("import", {"athlete_id": 999, "paths": []})
    assert connector.jobs == {}


def test_a_job_whose_athlete_was_erased_before_it_ran_is_dropped_quietly(db: Database) -> None:
    a = _athlete(db)
    connector = InMemoryConnector()
    app = make_app(db, connector)
    job = QueueJobs(db, app).enqueue("import", {"athlete_id": a, "paths": [], "today": TODAY.isoformat()})
    erase_athlete(db, a)
    _work_off(app)
    assert [j["status"] for j in connector.jobs.values()] == []  # succeeded (nothing to run), deleted
    with db.session() as session:
        assert session.get(JobRow, job) is None


def test_the_periodic_tasks_are_registered_with_their_cron_lines(db: Database) -> None:
    app = make_app(db, InMemoryConnector())
    registered = {p.task.name: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert registered == CRON


def test_the_stalled_job_round_runs_with_nothing_stalled(db: Database) -> None:
    connector = InMemoryConnector()
    app = make_app(db, connector)
    app.configure_task("backstride.retry_stalled").defer(timestamp=int(NIGHT.timestamp()))
    _work_off(app)
    assert connector.jobs == {}  # it ran, succeeded and was deleted


def test_the_nightly_replan_task_plans_every_athlete_and_runs_the_refreshers(
        db: Database, refreshed: list[tuple[int, dt.date]]) -> None:
    athletes = [_athlete(db) for _ in range(3)]
    app = make_app(db, InMemoryConnector())
    app.configure_task("backstride.nightly_replan").defer(timestamp=int(NIGHT.timestamp()))
    _work_off(app)
    with db.session() as session:
        counts = session.execute(select(PlannedDayRow.athlete_id, func.count()).group_by(PlannedDayRow.athlete_id))
        planned = {athlete: n for athlete, n in counts}
    assert planned == dict.fromkeys(athletes, 7)
    assert refreshed == [(a, NIGHT.date()) for a in athletes]


def test_one_athlete_who_cannot_be_planned_does_not_stop_the_others(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    athletes = [_athlete(db) for _ in range(3)]
    real = periodic.plan_for

    def flaky(database: Database, athlete_id: int, today: dt.date, *, save: bool = True) -> object:
        if athlete_id == athletes[1]:
            raise ValueError("a history that cannot be planned")
        return real(database, athlete_id, today, save=save)

    monkeypatch.setattr(periodic, "plan_for", flaky)
    report = periodic.replan_all(db, NIGHT)
    assert (report.planned, report.failed) == (2, (athletes[1],))


def test_the_athlete_s_today_is_the_date_where_they_live() -> None:
    late = dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.UTC)
    assert periodic.local_today(late, "Pacific/Auckland") == dt.date(2026, 12, 5)
    assert periodic.local_today(late, "America/Los_Angeles") == dt.date(2026, 12, 4)
    assert periodic.local_today(late, None) == periodic.local_today(late, "Not/A_Zone") == dt.date(2026, 12, 4)


def test_missed_checkins_are_three_days_or_more_or_never(db: Database, refreshed: list[tuple[int, dt.date]]) -> None:
    never, today, two, three = (_athlete(db) for _ in range(4))
    upsert_checkin(db, today, Checkin(date=NIGHT.date(), pain_rest=1))
    upsert_checkin(db, two, Checkin(date=NIGHT.date() - dt.timedelta(days=2), pain_rest=1))
    upsert_checkin(db, three, Checkin(date=NIGHT.date() - dt.timedelta(days=3), pain_rest=1))
    app = make_app(db, InMemoryConnector())
    app.configure_task("backstride.missed_checkins").defer(timestamp=int(NIGHT.timestamp()))
    _work_off(app)
    assert [a for a, _ in refreshed] == [never, three]
    flagged = periodic.missed_checkins(db, NIGHT)
    assert [(m.athlete_id, m.days) for m in flagged] == [(never, None), (three, 3)]


def test_the_erasure_round_prunes_old_finished_jobs_and_keeps_the_ledger(db: Database) -> None:
    a, b = _athlete(db), _athlete(db)
    app = make_app(db, InMemoryConnector())
    old = QueueJobs(db, app).enqueue("import", {"athlete_id": a, "paths": []})
    new = QueueJobs(db, app).enqueue("import", {"athlete_id": a, "paths": []})
    _work_off(app)
    with db.write() as session:
        session.get(JobRow, old).finished_at = NIGHT - dt.timedelta(days=periodic.JOB_KEEP_DAYS + 1)  # type: ignore[union-attr]
    erase_athlete(db, b)
    app.configure_task("backstride.erasure_round").defer(timestamp=int(NIGHT.timestamp()))
    _work_off(app)
    with db.session() as session:
        assert set(session.scalars(select(JobRow.id))) == {new}
    assert [e.athlete_id for e in ledger(db)] == [b]


@pytest.mark.postgres
def test_on_postgresql_the_queue_runs_an_import_and_finishes_a_half_cleaned_erasure(
        pg: str, tmp_path: Path) -> None:
    folder = _upload(tmp_path)
    with Database.open(pg) as db:
        a, b = _athlete(db), _athlete(db)
        erase_athlete(db, b)
        with db.write() as session:  # as if the process had stopped between the erasure and its VACUUM
            session.execute(ErasureRow.__table__.update().values(files_cleaned_at=None))
        app = make_app(db, postgres_connector(pg))
        with app.open():
            jobs = QueueJobs(db, app)
            job = jobs.enqueue("import", {"athlete_id": a, "paths": [str(folder)], "today": TODAY.isoformat()})
            app.configure_task("backstride.erasure_round").defer(timestamp=int(NIGHT.timestamp()))
            assert jobs.job_status(job).state == "queued"
        _work_off(app)
        status = QueueJobs(db, app).job_status(job)
        assert status.state == "done" and status.result is not None and status.result["imported"] >= 2
        [entry] = ledger(db)
        assert entry.athlete_id == b and entry.files_cleaned_at is not None
        with db.engine.connect() as conn:
            left = conn.exec_driver_sql("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY 1").all()
        assert left == []  # both succeeded and were deleted


@pytest.mark.postgres
def test_an_import_left_by_a_worker_that_stopped_runs_again_and_finishes(pg: str, tmp_path: Path) -> None:
    folder = _upload(tmp_path)
    with Database.open(pg) as db:
        a = _athlete(db)
        app = make_app(db, postgres_connector(pg))
        with app.open():
            job = QueueJobs(db, app).enqueue("import", {"athlete_id": a, "paths": [str(folder)],
                                                        "today": TODAY.isoformat()})
        with db.write() as session:  # its worker took it, started, and was gone (pruned: no heartbeat)
            session.execute(text("UPDATE procrastinate_jobs SET status = 'doing', worker_id = NULL"))
            session.execute(update(JobRow).where(JobRow.id == job).values(state="running"))
        with app.open():
            app.configure_task("backstride.retry_stalled").defer(timestamp=int(NIGHT.timestamp()))
        _work_off(app)
        status = QueueJobs(db, app).job_status(job)
        assert status.state == "done" and status.result is not None and status.result["imported"] >= 2
