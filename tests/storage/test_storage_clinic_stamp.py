"""The clinic list's stamp (``services.clinic.list_stamp``) on each backend: one aggregate row that moves
with every link, unlink, rename and write to an athlete's history (the sums are bigint arithmetic on
PostgreSQL and 64-bit integers on SQLite; neither may overflow or round)."""

from __future__ import annotations

from backstride.contract import Checkin
from backstride.services import accounts
from backstride.services.clinic import clinic_list, list_stamp
from backstride.services.demo import demo_state
from backstride.storage import Database, upsert_checkin
from backstride.storage.athletes import update_athlete
from tests.services.test_clinic_memo import EMAIL, TODAY, _clinic


def test_the_stamp_moves_with_every_link_rename_and_write(db: Database) -> None:
    actor, ids = _clinic(db)
    seen = {list_stamp(db, actor)}
    accounts.link_clinician(db, EMAIL, ids[3])
    seen.add(list_stamp(db, actor))
    update_athlete(db, ids[0], demo_state(TODAY).athlete, name="Runner renamed")
    seen.add(list_stamp(db, actor))
    upsert_checkin(db, ids[1], Checkin(date=TODAY, pain_rest=1))
    seen.add(list_stamp(db, actor))
    accounts.unlink_clinician(db, actor.user_id, ids[1])
    seen.add(list_stamp(db, actor))
    assert len(seen) == 5
    assert "Runner renamed" in [r.name for r in clinic_list(db, actor, TODAY)]


