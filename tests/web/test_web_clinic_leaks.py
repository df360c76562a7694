"""T20 and T27 for the clinic: lists, searches, counts and exports never hold an unlinked athlete (a
hypothesis test over random clinician-athlete assignments), and a scripted clinic session leaves one
audit row per event, none carrying a pain score, a password, a token or a note's words."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from backstride.contract import Checkin
from backstride.services import accounts
from backstride.services.demo import demo_state
from backstride.storage import Database, create_athlete, upsert_checkin
from backstride.storage.tables import AuditRow, ClinicianLinkRow
from backstride.web.app import create_app
from tests.web.conftest import Browser, browser, csrf_of, settings_for

N_ATHLETES, N_CLINICIANS = 6, 3
NAMES = ("Ada", "Ben", "Cai", "Dee", "Eli", "Fay")


class Clinic:
    """One app with six athletes and three clinicians, signed in; links are set per example."""

    def __init__(self, url: str) -> None:
        self.db = Database.open(url)
        today = dt.date.today()
        self.athletes = [create_athlete(self.db, demo_state(today), name=n) for n in NAMES]
        self.app = create_app(settings_for(url), db=self.db)
        self.clinicians: list[int] = []
        self.browsers: list[Browser] = []
        for i in range(N_CLINICIANS):
            email = f"p{i}@example.org"
            user = accounts.create_user(self.db, email, "clinician")
            self.clinicians.append(user)
            secret = accounts.start_session(self.db, accounts.Actor(user, email, "clinician", None), client="t")
            self.browsers.append(browser(self.app, secret))

    def assign(self, links: list[set[int]]) -> None:
        with self.db.write() as session:
            session.execute(delete(ClinicianLinkRow))
            for user, athletes in zip(self.clinicians, links, strict=True):
                for a in athletes:
                    session.add(ClinicianLinkRow(clinician_id=user, athlete_id=self.athletes[a],
                                                 created_at=dt.datetime.now(dt.UTC)))


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    path: Path = tmp_path_factory.mktemp("clinic") / "clinic.db"
    made = Clinic(f"sqlite+pysqlite:///{path}")
    yield made
    for client in made.browsers:
        client.close()
    made.db.dispose()


def _seen(client: Browser, search: str) -> tuple[set[int], int]:
    """Every athlete id the list, the search, the API, its count and the CSV export show; and the count."""
    api = client.get("/api/clinic").json()
    found = client.get("/api/clinic", params={"q": search}).json()
    attention = client.get("/api/clinic", params={"attention": "true"}).json()
    exported = list(csv.DictReader(io.StringIO(client.get("/clinic.csv", params={"q": search}).text)))
    page = client.get("/clinic").text
    ids = {r["athlete_id"] for r in api["athletes"] + found["athletes"] + attention["athletes"]}
    ids |= {int(r["athlete_id"]) for r in exported}
    ids |= {a["id"] for a in client.get("/api/athletes").json()}
    assert api["count"] == len(api["athletes"]) and found["count"] == len(found["athletes"])
    assert api["needs_attention"] <= api["count"] and attention["count"] == api["needs_attention"]
    return ids | {int(x) for x in _ids_on(page)}, api["count"]


def _ids_on(html: str) -> list[str]:
    import re

    return re.findall(r'href="/athletes/(\d+)/', html)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(links=st.lists(st.sets(st.integers(0, N_ATHLETES - 1)), min_size=N_CLINICIANS, max_size=N_CLINICIANS),
       search=st.sampled_from(["", "a", "E", "dee", "zz", "  fay "]))
def test_lists_searches_counts_and_exports_hold_only_linked_athletes(clinic: Clinic, links: list[set[int]],
                                                                    search: str) -> None:
    clinic.assign(links)
    for client, assigned in zip(clinic.browsers, links, strict=True):
        ids, count = _seen(client, search)
        allowed = {clinic.athletes[a] for a in assigned}
        assert ids <= allowed
        assert count == len(allowed)


def test_a_clinic_session_leaves_one_audit_row_per_event_and_no_secrets(tmp_path: Path) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'audit.db'}"
    db = Database.open(url)
    today = dt.date.today()
    athlete = create_athlete(db, demo_state(today), name="Ada")
    upsert_checkin(db, athlete, Checkin(date=today, pain_rest=7, pain_during=9))
    password = "violet harbour lantern 42"
    accounts.create_user(db, "p@example.org", "clinician", password=password)
    accounts.create_user(db, "ada@example.org", "athlete", athlete_id=athlete, password="seven quiet orchards")
    app = create_app(settings_for(url), db=db)
    clinician, runner = browser(app), browser(app)

    def signin(client: Browser, email: str, secret: str) -> int:
        token = csrf_of(client.get("/signin").text)
        return client.post("/signin", data={"csrf": token, "email": email, "password": secret},
                           follow_redirects=False).status_code

    script = Counter[str]()
    assert signin(clinician, "p@example.org", "not the password at all") == 401
    script["signin_failed"] += 1
    assert signin(clinician, "p@example.org", password) == 303
    script["signin"] += 1
    token = csrf_of(clinician.get("/clinic/invitations").text)
    html = clinician.post("/clinic/invitations", data={"csrf": token, "email": "ada@example.org"}).text
    script["invitation_created"] += 1
    secret = html.split("/invite?token=", 1)[1].split("<", 1)[0]
    assert signin(runner, "ada@example.org", "seven quiet orchards") == 303
    script["signin"] += 1
    runner.post("/invite", data={"csrf": csrf_of(runner.get(f"/invite?token={secret}").text), "token": secret})
    script["link_created"] += 1
    clinician.get("/clinic")
    script["clinic_read"] += 1
    for page in ("overview", "today", "summary"):
        assert clinician.get(f"/athletes/{athlete}/{page}").status_code == 200
        script["clinician_read"] += 1
    token = csrf_of(clinician.get("/clinic/invitations").text)
    clinician.post(f"/athletes/{athlete}/notes", data={"csrf": token, "text": "CANARY-NOTE pain 7 of 10"})
    script["note_added"] += 1
    script["clinician_read"] += 1  # the note's page is a read of the athlete too
    clinician.get("/clinic.csv")
    script["clinic_export"] += 1
    account = runner.get("/account").text
    end = account.split('action="/account/clinicians/', 1)[1].split('"', 1)[0]
    runner.post(f"/account/clinicians/{end}", data={"csrf": csrf_of(account)})
    script["link_ended"] += 1
    clinician.post("/signout", data={"csrf": csrf_of(clinician.get("/clinic").text)})
    script["clinic_read"] += 1
    script["signout"] += 1
    with db.session() as session:
        rows = list(session.scalars(select(AuditRow).order_by(AuditRow.id)))
    assert Counter(r.event for r in rows) == script
    text = " ".join(f"{r.event} {r.detail or ''} {r.client or ''}" for r in rows).lower()
    cookies = [c for b in (clinician, runner) for c in b.cookies.values()]
    for secret_text in (password, "seven quiet orchards", secret, "canary", "pain", *cookies):
        assert secret_text.lower() not in text, secret_text
    db.dispose()
