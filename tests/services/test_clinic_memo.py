"""The remembered clinic list is never stale: a red flag, a rename, a link or an unlink shows at once.

The list is kept per clinician and day under a stamp of which athletes are linked and each one's
revision (``services.clinic.list_stamp``). The property drives random writes between views, on two open
handles of one database file (two app workers), and holds every list shown equal to one built from the
database there and then, whichever handle wrote.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.contract import Checkin
from backstride.services import accounts
from backstride.services.clinic import _built, clinic_list
from backstride.services.demo import demo_state
from backstride.storage import Database, create_athlete, upsert_checkin
from backstride.storage.athletes import update_athlete

TODAY = dt.date(2026, 12, 3)
EMAIL = "physio@example.org"


def _clinic(db: Database, athletes: int = 4) -> tuple[accounts.Actor, list[int]]:
    """A clinician linked to the first three of ``athletes`` demo runners (the last is not linked yet)."""
    state = demo_state(TODAY)
    ids = [create_athlete(db, state, name=f"Runner {n}") for n in range(athletes)]
    physio = accounts.create_user(db, EMAIL, "clinician")
    for athlete in ids[:-1]:
        accounts.link_clinician(db, EMAIL, athlete)
    return accounts.Actor(physio, EMAIL, "clinician", None), ids


def test_an_emergency_answer_puts_the_athlete_first_at_once(two: tuple[Database, Database]) -> None:
    db, other_worker = two
    actor, ids = _clinic(db)
    before = clinic_list(db, actor, TODAY)
    assert clinic_list(db, actor, TODAY) is not before  # a new list each call: the kept one is a tuple
    assert [r.athlete_id for r in clinic_list(db, actor, TODAY)] == [r.athlete_id for r in before]
    upsert_checkin(other_worker, ids[2], Checkin(date=TODAY, pain_rest=2, saddle_numbness=True))
    first = clinic_list(db, actor, TODAY)[0]
    assert (first.athlete_id, first.kind) == (ids[2], "emergency")


_WRITES = st.one_of(
    st.tuples(st.just("checkin"), st.integers(0, 3), st.integers(0, 10), st.booleans()),
    st.tuples(st.just("red_flag"), st.integers(0, 3), st.integers(0, 1), st.booleans()),
    st.tuples(st.just("rename"), st.integers(0, 3), st.integers(0, 99), st.booleans()),
    st.tuples(st.just("link"), st.integers(0, 3), st.integers(0, 0), st.booleans()),
    st.tuples(st.just("unlink"), st.integers(0, 3), st.integers(0, 0), st.booleans()),
)


def _write(db: Database, actor: accounts.Actor, ids: list[int], op: tuple[str, int, int, bool]) -> None:
    kind, who, n, _ = op
    athlete = ids[who]
    if kind == "checkin":
        upsert_checkin(db, athlete, Checkin(date=TODAY, pain_rest=n, pain_next_morning=n))
    elif kind == "red_flag":
        upsert_checkin(db, athlete, Checkin(date=TODAY, pain_rest=3, bladder_bowel_change=bool(n),
                                            leg_weakness=not n))
    elif kind == "rename":
        update_athlete(db, athlete, demo_state(TODAY).athlete, name=f"Runner {n:02d}")
    elif kind == "link":
        accounts.link_clinician(db, EMAIL, athlete)
    else:
        accounts.unlink_clinician(db, actor.user_id, athlete)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(_WRITES, min_size=1, max_size=8), tomorrow=st.booleans())
def test_the_list_shown_always_equals_one_built_afresh(
    tmp_path: Path, steps: list[tuple[str, int, int, bool]], tomorrow: bool
) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:  # a new clinic for each example
        url = f"sqlite:///{Path(folder) / 'clinic.db'}"
        with Database.open(url) as db, Database.open(url) as other_worker:
            _views_match(db, other_worker, steps, tomorrow)


def _views_match(db: Database, other_worker: Database, steps: list[tuple[str, int, int, bool]],
                 tomorrow: bool) -> None:
    actor, ids = _clinic(db)
    day = TODAY + dt.timedelta(days=int(tomorrow))
    for op in steps:
        reader = other_worker if op[3] else db
        clinic_list(reader, actor, day)  # the reader's list kept before the write
        _write(db if op[3] else other_worker, actor, ids, op)
        for handle in (db, other_worker):
            assert tuple(clinic_list(handle, actor, day)) == _built(handle, actor, day)
            attention = [r for r in _built(handle, actor, day) if r.needs_attention]
            assert clinic_list(handle, actor, day, attention=True) == attention
