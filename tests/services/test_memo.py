"""The remembered plan and decision are never stale: any write to the history makes them fresh.

The property drives random writes (check-ins, runs typed in, shoes, profile edits, another athlete's
check-ins, the issued plan kept) between reads, on two open handles of the same database file (two
app workers), and holds every remembered plan and decision equal to one planned from scratch.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.contract import Checkin
from backstride.core.decide import decide_today
from backstride.core.planner import plan_week
from backstride.services.demo import demo_state
from backstride.services.manual_log import ManualEntry, log_session
from backstride.services.memo import Memo, memo_of
from backstride.services.training_log import plan_for, planned_week, today_for
from backstride.storage import AthleteNotFound, Database, create_athlete, upsert_checkin
from backstride.storage.athletes import update_athlete
from backstride.storage.shoes import add_shoe
from backstride.storage.state_load import planner_state

TODAY = dt.date(2026, 12, 3)


def _athletes(db: Database) -> tuple[int, int]:
    state = demo_state(TODAY)
    return create_athlete(db, state, name="Ann"), create_athlete(db, state, name="Ben")


def test_a_memo_serves_only_the_stamp_it_was_made_from() -> None:
    memo = Memo(size=2)
    made: list[int] = []

    def make(n: int) -> int:
        made.append(n)
        return n

    assert memo.get("a", 1, lambda: make(1)) == 1
    assert memo.get("a", 1, lambda: make(2)) == 1
    assert memo.get("a", 2, lambda: make(3)) == 3  # a new stamp: made again
    memo.get("b", 1, lambda: make(4))
    memo.get("c", 1, lambda: make(5))  # "a" is the least recently used: dropped
    assert memo.get("a", 2, lambda: make(6)) == 6
    assert made == [1, 3, 4, 5, 6]


def test_the_plan_is_remembered_until_a_check_in(two: tuple[Database, Database]) -> None:
    db, _ = two
    ann, _ = _athletes(db)
    first = planned_week(db, ann, TODAY).plan
    hits = memo_of(db).hits
    assert planned_week(db, ann, TODAY).plan is first
    assert memo_of(db).hits > hits
    upsert_checkin(db, ann, Checkin(date=TODAY, pain_rest=7))
    assert planned_week(db, ann, TODAY).plan == plan_week(planner_state(db, ann, TODAY)) != first


def test_an_athlete_that_is_gone_is_not_served_from_the_memo(two: tuple[Database, Database]) -> None:
    from backstride.storage.erase import erase_athlete

    db, _ = two
    ann, _ = _athletes(db)
    planned_week(db, ann, TODAY)
    erase_athlete(db, ann)
    with pytest.raises(AthleteNotFound):
        planned_week(db, ann, TODAY)


_WRITES = st.one_of(
    st.tuples(st.just("checkin"), st.integers(0, 10), st.integers(-6, 0), st.booleans()),
    st.tuples(st.just("run"), st.integers(2, 25), st.integers(-6, 0), st.booleans()),
    st.tuples(st.just("shoe"), st.integers(0, 900), st.integers(-6, 0), st.booleans()),
    st.tuples(st.just("profile"), st.integers(0, 1), st.integers(-6, 0), st.booleans()),
    st.tuples(st.just("save"), st.integers(0, 0), st.integers(0, 0), st.booleans()),
)


def _write(db: Database, athlete: int, op: tuple[str, int, int, bool]) -> None:
    kind, n, offset, _ = op
    day = TODAY + dt.timedelta(days=offset)
    if kind == "checkin":
        upsert_checkin(db, athlete, Checkin(date=day, pain_rest=n, pain_next_morning=n))
    elif kind == "run":
        log_session(db, athlete, ManualEntry(date=day, kind="easy", distance_km=float(n)), TODAY)
    elif kind == "shoe":
        add_shoe(db, athlete, f"shoe {n}", start_km=float(n), added_on=day)
    elif kind == "profile":
        profile = demo_state(TODAY).athlete
        update_athlete(db, athlete, profile.model_copy(update={"units": ("km", "mi")[n]}))
    else:
        plan_for(db, athlete, TODAY, save=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(_WRITES, min_size=1, max_size=8))
def test_remembered_plans_and_decisions_always_equal_fresh_ones(
    two: tuple[Database, Database], steps: list[tuple[str, int, int, bool]]
) -> None:
    db, other_worker = two
    ann, ben = _athletes(db)
    for op in steps:
        reader = other_worker if op[3] else db
        planned_week(reader, ann, TODAY)  # warm the reader's memo before the write
        today_for(reader, ann, TODAY)
        _write(db if op[3] else other_worker, ann if op[0] != "save" or op[3] else ben, op)
        for handle in (db, other_worker):
            fresh = planner_state(handle, ann, TODAY)
            assert planned_week(handle, ann, TODAY).plan == plan_week(fresh)
            assert today_for(handle, ann, TODAY).decision == decide_today(fresh)
