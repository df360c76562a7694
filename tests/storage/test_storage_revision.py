"""An athlete's revision changes on every write to what the plan reads, and on nothing else.

Caches of the plan, the decision and the clinic's status rows are keyed on (athlete, revision, day),
so a write that left the revision alone would serve a stale plan. The stamp is set by triggers in the
database, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from backstride.contract import Checkin
from backstride.core.planner import plan_week
from backstride.storage import revision
from backstride.storage.adjustments import add_event
from backstride.storage.athletes import athlete_stamp, create_athlete, update_athlete
from backstride.storage.checkins import upsert_checkin
from backstride.storage.engine import Database
from backstride.storage.erase import erase_athlete
from backstride.storage.plans import save_plan
from backstride.storage.shoes import add_shoe, retire_shoe
from backstride.storage.tables import Base
from tests.storage.storage_builders import full_state


def _rev(db: Database, athlete: int) -> int:
    stamp = athlete_stamp(db, athlete)
    assert stamp is not None
    return stamp


def _changes(db: Database, athlete: int, write) -> bool:  # type: ignore[no-untyped-def]
    before = _rev(db, athlete)
    write()
    return _rev(db, athlete) != before


def test_every_athlete_table_is_a_plan_input_or_says_why_not() -> None:
    athlete_tables = {t.name for t in Base.metadata.sorted_tables if "athlete_id" in t.columns}
    classified = set(revision.PLAN_INPUTS) | set(revision.NOT_PLAN_INPUTS)
    assert athlete_tables <= classified, f"say whether the plan reads {sorted(athlete_tables - classified)}"
    assert not set(revision.PLAN_INPUTS) & set(revision.NOT_PLAN_INPUTS)


def test_a_new_athlete_has_a_stamp_and_every_profile_edit_changes_it(db: Database) -> None:
    state = full_state()
    athlete = create_athlete(db, state, name="Ann")
    assert _rev(db, athlete) != 0
    assert _changes(db, athlete, lambda: update_athlete(db, athlete, state.athlete, name="Ann B"))
    assert _changes(db, athlete, lambda: update_athlete(db, athlete, state.athlete, cleared_on=dt.date(2026, 12, 1)))


def test_each_plan_input_changes_the_stamp_on_insert_update_and_delete(db: Database) -> None:
    athlete = create_athlete(db, full_state(), name="Ann")
    other = create_athlete(db, full_state(), name="Ben")
    day = dt.date(2026, 11, 30)
    other_before = _rev(db, other)
    assert _changes(db, athlete, lambda: upsert_checkin(db, athlete, Checkin(date=day, pain_rest=2)))
    assert _changes(db, athlete, lambda: upsert_checkin(db, athlete, Checkin(date=day, pain_rest=3)))
    shoe = 0

    def shoe_added() -> None:
        nonlocal shoe
        shoe = add_shoe(db, athlete, "Trail", added_on=day)

    assert _changes(db, athlete, shoe_added)
    assert _changes(db, athlete, lambda: retire_shoe(db, athlete, shoe, on=day))
    # A physio's adjustment is read into the plan's catalogue: it is a plan input like a check-in.
    at = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    assert _changes(db, athlete, lambda: add_event(db, athlete, "set", at=at, rule_id="W-START",
                                                   parameter="fraction", value=0.6, reason="irritable"))
    for table in revision.PLAN_INPUTS:
        def touch(table: str = table) -> None:
            with db.write() as session:
                session.execute(text(f"UPDATE {table} SET athlete_id = athlete_id WHERE athlete_id = :a"),
                                {"a": athlete})
        assert _changes(db, athlete, touch), table
        def remove(table: str = table) -> None:
            with db.write() as session:
                session.execute(text(f"DELETE FROM {table} WHERE athlete_id = :a"), {"a": athlete})
        assert _changes(db, athlete, remove), table
    assert _rev(db, other) == other_before  # another athlete's writes leave this one's stamp alone


def test_writes_the_plan_does_not_read_leave_the_stamp_alone(db: Database) -> None:
    state = full_state()
    athlete = create_athlete(db, state, name="Ann")
    other = create_athlete(db, state, name="Ben")
    before = _rev(db, athlete)
    save_plan(db, athlete, plan_week(state))
    upsert_checkin(db, other, Checkin(date=dt.date(2026, 11, 30), pain_rest=1))
    assert _rev(db, athlete) == before


def test_an_id_used_again_after_an_erasure_gets_a_new_stamp(db: Database) -> None:
    first = create_athlete(db, full_state(), name="Ann")
    stamp = _rev(db, first)
    erase_athlete(db, first)
    second = create_athlete(db, full_state(), name="Ben")
    if second == first:
        assert _rev(db, second) != stamp
