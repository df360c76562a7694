"""T14 and T16: real PostgreSQL races retried in the one write helper, double submits, and forked processes.

The serialization failure and the deadlock are provoked for real (two transactions held at a barrier),
not simulated: without the retry the same scenario fails with SQLSTATE 40001 / 40P01.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import event, exc, func, select, text, update
from sqlalchemy.orm import Session

from backstride.contract import Checkin
from backstride.services.training_log import record_checkin
from backstride.storage import Database, create_athlete, list_checkins
from backstride.storage.tables import AthleteRow, CheckinRow
from tests.storage.storage_builders import full_state

DAY = dt.date(2026, 3, 2)


def _racing(db: Database, work: Callable[[Session, int], None]) -> list[int]:
    """Run ``work`` in two threads' write transactions at once; return each thread's attempts."""
    barrier = threading.Barrier(2, timeout=20)
    attempts = [0, 0]

    def run(i: int) -> None:
        def body(session: Session) -> None:
            attempts[i] += 1
            work(session, i)
            if attempts[i] == 1:
                barrier.wait()  # both transactions are under way before either goes on
            work(session, 1 - i + 2)  # the second half of the race (see callers)

        db.run_write(body)

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(run, 0), pool.submit(run, 1)]:
            future.result()
    return attempts


def _repeatable_read(session: Session) -> None:
    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


@pytest.mark.postgres
def test_a_real_serialization_failure_is_retried_and_both_writes_land(pg_url: str) -> None:
    with Database.open(pg_url) as db:
        athlete = create_athlete(db, full_state(), name="n")

        def work(session: Session, step: int) -> None:
            if step < 2:  # first half: a snapshot that reads the row
                _repeatable_read(session)
                session.execute(select(AthleteRow.name).where(AthleteRow.id == athlete)).scalar_one()
            else:  # second half: both write it; the later writer's snapshot is stale (40001)
                session.execute(update(AthleteRow).where(AthleteRow.id == athlete)
                                .values(name=AthleteRow.name + str(step)))

        attempts = _racing(db, work)
        assert sorted(attempts) == [1, 2]  # one of them lost the race and ran again
        with db.session() as session:
            assert sorted(session.scalar(select(AthleteRow.name).where(AthleteRow.id == athlete)) or "") \
                == sorted("n23")  # both updates, neither lost


@pytest.mark.postgres
def test_a_real_deadlock_is_retried_and_both_transactions_finish(pg_url: str) -> None:
    with Database.open(pg_url) as db:
        ids = [create_athlete(db, full_state(), name=n) for n in ("a", "b")]

        def work(session: Session, step: int) -> None:
            # thread 0 locks a then b; thread 1 locks b then a: a deadlock PostgreSQL breaks after 1 s.
            row = ids[step] if step < 2 else ids[step - 2]
            session.execute(update(AthleteRow).where(AthleteRow.id == row).values(name=AthleteRow.name + "+"))

        attempts = _racing(db, work)
        assert sorted(attempts) == [1, 2]
        with db.session() as session:
            assert sorted(session.scalars(select(AthleteRow.name).order_by(AthleteRow.id))) == ["a++", "b++"]


@pytest.mark.postgres
def test_without_the_retry_the_same_race_is_a_real_40001(pg_url: str) -> None:
    with Database.open(pg_url) as db:
        athlete = create_athlete(db, full_state(), name="n")
        barrier = threading.Barrier(2, timeout=20)
        errors: list[str | None] = []

        def once(i: int) -> None:
            try:
                with db.write() as session:
                    _repeatable_read(session)
                    session.execute(select(AthleteRow.name).where(AthleteRow.id == athlete)).scalar_one()
                    barrier.wait()
                    session.execute(update(AthleteRow).where(AthleteRow.id == athlete).values(name=str(i)))
                errors.append(None)
            except exc.DBAPIError as error:
                errors.append(getattr(error.orig, "sqlstate", None))

        with ThreadPoolExecutor(2) as pool:
            list(pool.map(once, [0, 1]))
        assert sorted(errors, key=str) == ["40001", None]


@pytest.mark.timeout(300)
def test_a_hundred_concurrent_double_submits_of_one_check_in_give_exactly_one_row(db: Database) -> None:
    athlete = create_athlete(db, full_state(), name="r")
    checkin = Checkin(date=DAY, pain_rest=2, pain_next_morning=2)
    assert DAY not in {c.date for c in list_checkins(db, athlete)}
    barrier = threading.Barrier(200, timeout=120)

    def submit(_i: int) -> int:
        barrier.wait()  # all two hundred at once: a hundred clients, each pressing twice
        return record_checkin(db, athlete, checkin, DAY).checkin.pain_rest or 0

    with ThreadPoolExecutor(200) as pool:
        answers = list(pool.map(submit, range(200)))
    assert answers == [2] * 200  # every submit acknowledged, none refused
    with db.session() as session:
        rows = session.scalar(select(func.count()).select_from(CheckinRow).where(
            CheckinRow.athlete_id == athlete, CheckinRow.date == DAY))
    assert rows == 1
    assert [c.pain_rest for c in list_checkins(db, athlete) if c.date == DAY] == [2]


def _child(db: Database, athlete: int, first: dt.date, n: int, foreign: list[int]) -> int:
    """What a forked worker does with the Database it inherited: writes and reads; 0 when all is well
    (5: a connection opened by another process was handed out here, T16's figure)."""
    try:
        for i in range(n):
            record_checkin(db, athlete, Checkin(date=first + dt.timedelta(days=i), pain_rest=3), first)
        days = {c.date for c in list_checkins(db, athlete)}
        if foreign:
            return 5
        return 0 if all(first + dt.timedelta(days=i) in days for i in range(n)) else 3
    except BaseException:
        traceback.print_exc()
        return 4


@pytest.mark.timeout(120)
def test_forked_children_and_their_parent_share_the_database_without_sharing_a_connection(db: Database) -> None:
    athlete = create_athlete(db, full_state(), name="f")
    with db.session() as session:  # the parent's pool now holds a live connection, as a preloaded app's would
        session.execute(text("SELECT 1"))
    foreign: list[int] = []  # pids of connections handed out in a process that did not open them

    def spy(_dbapi: object, record: Any, _proxy: object) -> None:
        if record.info.get("pid") not in (None, os.getpid()):
            foreign.append(record.info["pid"])

    event.listen(db.engine, "checkout", spy, insert=True)  # before the guard that would refuse it
    starts = [dt.date(2025, 1, 1) + dt.timedelta(days=40 * k) for k in range(3)]
    children = []
    for start in starts[1:]:
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 1
            try:
                code = _child(db, athlete, start, 10, foreign)
            finally:
                os._exit(code)
        children.append(pid)
    parent = _child(db, athlete, starts[0], 10, foreign)  # the parent keeps writing at the same time
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
    assert (parent, codes) == (0, [0, 0])
    assert len(list_checkins(db, athlete)) >= 30  # every process's writes are there
    with db.session() as session:  # and the parent's own connections still answer, unharmed
        assert session.execute(text("SELECT 1")).scalar() == 1
        if db.is_sqlite:
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
