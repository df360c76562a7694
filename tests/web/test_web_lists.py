"""T20: whatever athletes are linked to whichever clinicians, each clinician's list and reads hold exactly
their own athletes, and never anyone else's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from backstride.services import accounts
from backstride.services.demo import demo_state
from backstride.storage import Database, create_athlete
from backstride.storage.tables import ClinicianLinkRow
from backstride.web.app import create_app
from tests.web.conftest import BASE, Browser, settings_for

ATHLETES, CLINICIANS = 5, 3


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Browser, list[int], list[str]]]:
    url = f"sqlite+pysqlite:///{Path(tmp_path_factory.mktemp('lists')) / 'l.db'}"
    db = Database.open(url)
    state = demo_state(dt.date.today())
    athletes = [create_athlete(db, state, name=f"Runner {i}") for i in range(ATHLETES)]
    tokens = []
    for i in range(CLINICIANS):
        accounts.create_user(db, f"p{i}@example.org", "clinician")
        tokens.append(accounts.issue_token(db, f"p{i}@example.org"))
    client = Browser(create_app(settings_for(url), db=db), base_url=BASE, raise_server_exceptions=False)
    try:
        yield db, client, athletes, tokens
    finally:
        client.close()
        db.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(links=st.sets(st.tuples(st.integers(0, CLINICIANS - 1), st.integers(0, ATHLETES - 1))))
def test_each_clinician_sees_exactly_their_athletes(clinic: tuple[Database, Browser, list[int], list[str]],
                                                    links: set[tuple[int, int]]) -> None:
    db, client, athletes, tokens = clinic
    with db.write() as session:
        session.execute(delete(ClinicianLinkRow))
    for c, a in links:
        accounts.link_clinician(db, f"p{c}@example.org", athletes[a])
    for c, token in enumerate(tokens):
        auth = {"Authorization": f"Bearer {token}"}
        mine = {athletes[a] for cc, a in links if cc == c}
        listed = [x["id"] for x in client.get("/api/athletes", headers=auth).json()]
        assert sorted(listed) == sorted(mine)
        for athlete in athletes:
            status = client.get(f"/api/athletes/{athlete}/checkins", params={"since": "2100-01-01"},
                                headers=auth).status_code
            assert status == (200 if athlete in mine else 404)
