"""On PostgreSQL the web app hands imports to the clinic's queue: answered 202 at once, run by a worker,
and polled through the same API as on SQLite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backstride.services import accounts
from backstride.services.demo import ensure_demo_athlete
from backstride.services.queue import QueueJobs, make_app, postgres_connector
from backstride.storage import Database
from backstride.web.app import create_app
from tests.web.conftest import BASE, settings_for
from tests.web.test_web_history_imports import _fit


@pytest.fixture
def pg(request: pytest.FixtureRequest) -> Iterator[str]:
    yield str(request.getfixturevalue("pg_url"))


@pytest.mark.postgres
def test_an_import_posted_on_postgresql_is_queued_run_by_the_worker_and_polled_as_before(pg: str) -> None:
    with Database.open(pg) as db:
        athlete = ensure_demo_athlete(db, dt.date.today())
        accounts.create_user(db, "q@example.org", "athlete", athlete_id=athlete)
        auth = {"Authorization": f"Bearer {accounts.issue_token(db, 'q@example.org')}"}
        app = create_app(settings_for(pg, jobs="auto"), db=db)
        assert isinstance(app.state.jobs, QueueJobs)
        with TestClient(app, base_url=BASE, headers=auth) as client:
            started = client.post(f"/api/athletes/{athlete}/imports",
                                  files=[("files", ("run.fit", _fit(), "application/octet-stream"))])
            assert started.status_code == 202 and started.json()["state"] == "queued"
            poll = started.json()["poll"]
            assert client.get(poll).json()["state"] == "queued"  # nothing runs it in the web process
            worker = make_app(db, postgres_connector(pg))  # what `backstride worker` runs
            worker.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
            status = client.get(poll).json()
        assert status["state"] == "done", status
        assert status["result"]["imported"] == 1 and status["done"] == status["total"]


def test_jobs_queue_on_sqlite_is_refused_with_the_reason(tmp_path: object) -> None:
    url = f"sqlite+pysqlite:///{tmp_path}/q.db"
    with pytest.raises(ValueError, match="BACKSTRIDE_JOBS=queue needs PostgreSQL"):
        create_app(settings_for(url, jobs="queue"))
