"""Writes that lose a PostgreSQL serialization race or deadlock run again; other errors do not."""

from __future__ import annotations

import psycopg.errors
import pytest
from sqlalchemy import exc, text
from sqlalchemy.orm import Session

from backstride.storage import Database
from backstride.storage.engine import PG_RETRIES


def _failing(times: int, error: type[Exception]) -> tuple[list[int], object]:
    calls: list[int] = []

    def work(session: Session) -> int:
        calls.append(1)
        session.execute(text("SELECT 1"))
        if len(calls) <= times:
            raise exc.OperationalError("UPDATE ...", {}, error("lost the race"))
        return len(calls)

    return calls, work


@pytest.mark.postgres
@pytest.mark.parametrize("error", [psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected])
def test_postgresql_retries_serialization_failures_and_deadlocks(pg_url: str, error: type[Exception]) -> None:
    with Database.open(pg_url) as db:
        calls, work = _failing(PG_RETRIES, error)
        assert db.run_write(work) == PG_RETRIES + 1  # type: ignore[arg-type]
        calls, work = _failing(PG_RETRIES + 1, error)
        with pytest.raises(exc.OperationalError):
            db.run_write(work)  # type: ignore[arg-type]
        assert len(calls) == PG_RETRIES + 1  # bounded: the user sees an error, not a hang


def test_other_errors_and_sqlite_are_not_retried(db: Database) -> None:
    calls, work = _failing(1, psycopg.errors.UniqueViolation)
    with pytest.raises(exc.OperationalError):
        db.run_write(work)  # type: ignore[arg-type]
    assert len(calls) == 1
