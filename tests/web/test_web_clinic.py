"""The clinician's side: the clinic list's order and filters, notes, invitations, the admin's links, the
appointment summary, and the audit trail of a clinic session (T27)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from backstride.contract import Checkin
from backstride.services import accounts
from backstride.services.clinic import RANKS, clinic_list
from backstride.services.demo import demo_state
from backstride.storage import create_athlete, upsert_checkin
from backstride.storage.tables import AuditRow, ClinicianLinkRow
from tests.web.conftest import World, browser, csrf_of

TODAY = dt.date.today()


def _clinician(world: World, name: str = "clinician_a") -> accounts.Actor:
    emails = {"clinician_a": "pa@example.org", "clinician_b": "pb@example.org", "admin": "admin@example.org"}
    role = "admin" if name == "admin" else "clinician"
    return accounts.Actor(world.users[name], emails[name], role, None)


def _linked(world: World, name: str, checkin: Checkin | None = None, *, days_ago: int = 0) -> int:
    athlete = create_athlete(world.db, demo_state(TODAY - dt.timedelta(days=days_ago)), name=name)
    if checkin is not None:
        upsert_checkin(world.db, athlete, checkin)
    accounts.link_clinician(world.db, "pa@example.org", athlete)
    return athlete


def _red_flags(world: World) -> tuple[int, int]:
    emergency = _linked(world, "Zoe", Checkin(date=TODAY, pain_rest=3, bladder_bowel_change=True))
    soon = _linked(world, "Yann", Checkin(date=TODAY, pain_rest=2, numbness_tingling=True))
    return emergency, soon


def test_the_clinic_list_puts_an_open_red_flag_first_then_see_soon_then_the_rest(any_world: World) -> None:
    world = any_world
    emergency, soon = _red_flags(world)
    quiet = _linked(world, "Xavi", days_ago=6)  # nothing logged for a week
    rows = clinic_list(world.db, _clinician(world), TODAY)
    assert [r.athlete_id for r in rows[:2]] == [emergency, soon]
    assert rows[0].kind == "emergency" and rows[0].level == "emergency" and "T-EMERG" in rows[0].rules
    assert rows[1].kind == "see_soon" and "T-NEURO" in rows[1].rules
    assert [r.rank for r in rows] == sorted(r.rank for r in rows)
    assert {r.athlete_id for r in rows} == {world.a, emergency, soon, quiet}
    by_id = {r.athlete_id: r for r in rows}
    assert by_id[quiet].last_checkin is not None and (TODAY - by_id[quiet].last_checkin).days >= 3
    assert by_id[quiet].rank <= RANKS.index("missed_checkins")
    for r in rows:
        assert r.reason and len(r.reason) < 60, r.reason  # a few words


def test_the_list_filters_by_attention_and_finds_a_name_in_any_case(world: World) -> None:
    emergency, soon = _red_flags(world)
    actor = _clinician(world)
    assert [r.athlete_id for r in clinic_list(world.db, actor, TODAY, search="zO")] == [emergency]
    assert clinic_list(world.db, actor, TODAY, search="nobody by that name") == []
    attention = clinic_list(world.db, actor, TODAY, attention=True)
    assert all(r.needs_attention for r in attention) and {emergency, soon} <= {r.athlete_id for r in attention}
    assert clinic_list(world.db, _clinician(world, "clinician_b"), TODAY, search="zoe") == []


def test_a_new_check_in_moves_the_athlete_on_the_list(world: World) -> None:
    actor = _clinician(world)
    before = {r.athlete_id: r for r in clinic_list(world.db, actor, TODAY)}[world.a]
    assert before.kind != "emergency"
    client = world.browsers["athlete_a"]
    token = csrf_of(client.get(f"/athletes/{world.a}/checkin").text)
    client.post(f"/athletes/{world.a}/checkin", data={"csrf": token, "pain_rest": "2", "saddle_numbness": "yes"})
    after = {r.athlete_id: r for r in clinic_list(world.db, actor, TODAY)}[world.a]
    assert after.kind == "emergency" and after.last_checkin == TODAY


def test_a_status_row_is_rebuilt_only_when_the_day_or_the_athletes_stamp_changes(
        any_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from backstride.services import clinic

    world = any_world
    made: list[int] = []
    real = clinic._status
    monkeypatch.setattr(clinic, "_status", lambda db, i, today: made.append(i) or real(db, i, today))
    actor = _clinician(world)
    clinic_list(world.db, actor, TODAY)
    assert made == [world.a]
    clinic_list(world.db, actor, TODAY, search="sam")
    assert made == [world.a]  # fresh: one query, nothing rebuilt
    upsert_checkin(world.db, world.a, Checkin(date=TODAY, pain_rest=1))  # a write by any path changes the stamp
    clinic_list(world.db, actor, TODAY)
    assert made == [world.a, world.a]
    clinic_list(world.db, actor, TODAY + dt.timedelta(days=1))  # another day
    assert len(made) == 3
    other = _linked(world, "Wim")
    assert clinic.refresh_all(world.db, TODAY) == 3  # Sam (as of tomorrow), Wim, and Bea (clinician_b's)
    assert clinic.refresh_all(world.db, TODAY) == 0
    clinic_list(world.db, actor, TODAY)
    assert made.count(other) == 1


def test_the_nightly_re_plan_brings_the_linked_athletes_rows_up_to_date(any_world: World,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from backstride.services import clinic, periodic

    world = any_world
    made: list[int] = []
    real = clinic._status
    monkeypatch.setattr(clinic, "_status", lambda db, i, today: made.append(i) or real(db, i, today))
    unlinked = create_athlete(world.db, demo_state(TODAY), name="Nobody's")
    at = dt.datetime.combine(TODAY, dt.time(2, 30), dt.UTC)
    assert periodic.replan_all(world.db, at).planned == 3
    assert sorted(made) == sorted([world.a, world.b]) and unlinked not in made  # linked athletes only
    clinic_list(world.db, _clinician(world), TODAY)
    assert sorted(made) == sorted([world.a, world.b])  # the morning's first view reads them fresh


def test_pages_opened_at_once_on_a_new_day_rebuild_each_row_once(world: World,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from backstride.services import clinic

    _red_flags(world)
    made: list[int] = []
    real = clinic._status
    monkeypatch.setattr(clinic, "_status", lambda db, i, today: made.append(i) or real(db, i, today))
    actor = _clinician(world)
    with ThreadPoolExecutor(8) as pool:
        lists = list(pool.map(lambda _: clinic_list(world.db, actor, TODAY), range(8)))
    assert sorted(made) == sorted({r.athlete_id for r in lists[0]})  # each row once, not once per page
    assert all([r.athlete_id for r in found] == [r.athlete_id for r in lists[0]] for found in lists)


def test_the_clinic_page_shows_the_red_flag_athlete_first_and_why(world: World) -> None:
    emergency, _ = _red_flags(world)
    html = world.browsers["clinician_a"].get("/clinic").text
    names = re.findall(r'class="who" href="/athletes/(\d+)/overview">', html)
    assert names[0] == str(emergency) and "Emergency warning sign reported" in html
    assert "Bea" not in html  # athlete B is not linked to this clinician
    found = world.browsers["clinician_a"].get("/clinic", params={"q": "YANN"}).text
    assert "Yann" in found and "Zoe" not in found
    api = world.browsers["clinician_a"].get("/api/clinic").json()
    assert api["count"] == 3 and api["athletes"][0]["athlete_id"] == emergency and api["needs_attention"] >= 2
    csv_text = world.browsers["clinician_a"].get("/clinic.csv").text
    assert csv_text.splitlines()[0] == "athlete_id,name,why,last_checkin" and "Bea" not in csv_text


def test_clinicians_and_admins_land_on_the_clinic_list(world: World) -> None:
    for who in ("clinician_a", "admin"):
        answer = world.browsers[who].get("/", follow_redirects=False)
        assert answer.headers["location"] == "/clinic"


def test_an_athletes_page_for_a_clinician_is_read_only(world: World) -> None:
    client = world.browsers["clinician_a"]
    overview = client.get(f"/athletes/{world.a}/overview").text
    assert f"/athletes/{world.a}/adjustments" in overview and f"/athletes/{world.a}/summary" in overview
    for page in ("today", "plan", "history"):
        html = client.get(f"/athletes/{world.a}/{page}").text
        for form in ("/checkin", "/log", "/erase", "/settings", "/plan/calendar"):
            assert f'action="/athletes/{world.a}{form}"' not in html, (page, form)
        assert f'href="/athletes/{world.a}/checkin"' not in html


def test_the_appointment_summary_holds_pain_against_load_flares_what_helped_and_the_dose(world: World) -> None:
    html = world.browsers["clinician_a"].get(f"/athletes/{world.a}/summary").text
    for part in ("Current dose and phase", "Pain against load, week by week", "Flares",
                 "What was tried, and how the back answered", "What may have led to the pain"):
        assert part in html, part
    assert '<link rel="stylesheet" href="/static/print.css">' in html
    assert len(re.findall(r"<tr><th scope=\"row\">", html)) == 24  # 12 weeks in each of the two tables
    assert "<td>4 runs</td>" in html and "<td>nothing logged</td>" in html  # what was done, week by week
    assert world.browsers["clinician_a"].get(f"/athletes/{world.a}/summary?weeks=8").status_code == 200
    assert world.browsers["clinician_a"].get(f"/athletes/{world.a}/summary?weeks=30").status_code == 422
    assert world.browsers["anonymous"].get("/static/print.css").status_code == 200


def _note(world: World, who: str, athlete: int, text: str, shared: bool = False) -> int:
    client = world.browsers[who]
    token = csrf_of(client.get("/account").text)
    data = {"csrf": token, "text": text, **({"shared": "yes"} if shared else {})}
    return client.post(f"/athletes/{athlete}/notes", data=data).status_code


def test_notes_are_read_by_linked_clinicians_and_shared_ones_by_the_athlete(world: World) -> None:
    accounts.link_clinician(world.db, "pb@example.org", world.a)  # a second clinician of A
    assert _note(world, "clinician_a", world.a, "Hip hinge drills, twice a week.") == 200
    assert _note(world, "clinician_a", world.a, "Consider imaging if no better by March.") == 200
    assert _note(world, "clinician_a", world.a, "Well done on the hills.", shared=True) == 200
    other = world.browsers["clinician_b"].get(f"/athletes/{world.a}/overview").text
    assert "Hip hinge drills" in other and "Consider imaging" in other and "Well done" in other
    own = world.browsers["athlete_a"].get(f"/athletes/{world.a}/overview").text
    assert "Well done on the hills." in own and "Consider imaging" not in own and "Hip hinge" not in own
    assert _note(world, "athlete_a", world.a, "I write my own notes?") == 404
    assert _note(world, "clinician_none", world.a, "not mine") == 404
    assert _note(world, "clinician_a", world.a, "   ") == 422


def _invite(world: World, email: str = "new@example.org") -> str:
    client = world.browsers["clinician_none"]
    token = csrf_of(client.get("/clinic/invitations").text)
    html = client.post("/clinic/invitations", data={"csrf": token, "email": email}).text
    found = re.search(r'class="invite-link">https://testserver(/invite\?token=[\w-]+)</code>', html)
    assert found, html[-800:]
    return found.group(1)


def _links(world: World, athlete: int) -> set[int]:
    with world.db.session() as session:
        return set(session.scalars(select(ClinicianLinkRow.clinician_id).where(ClinicianLinkRow.athlete_id == athlete)))


def test_an_invitation_links_a_signed_in_athlete_once_and_the_athlete_can_end_it(world: World) -> None:
    elsewhere = _invite(world, "someone.else@example.org")
    page = world.browsers["athlete_b"].get(elsewhere)
    assert "This invitation is for someone.else@example.org" in page.text and "Let them read" not in page.text
    refused = world.browsers["athlete_b"].post("/invite", data={"csrf": csrf_of(page.text),
                                                                "token": elsewhere.split("=", 1)[1]})
    assert refused.status_code == 422 and "is for someone.else@example.org" in refused.text
    assert world.users["clinician_none"] not in _links(world, world.b)
    link = _invite(world, "B@example.org")
    client = world.browsers["athlete_b"]
    page = client.get(link)
    assert page.status_code == 200 and "pn@example.org" in page.text
    secret = link.split("=", 1)[1]
    client.post("/invite", data={"csrf": csrf_of(page.text), "token": secret})
    assert world.users["clinician_none"] in _links(world, world.b)
    again = client.post("/invite", data={"csrf": csrf_of(page.text), "token": secret})
    assert again.status_code == 404 and "used or has expired" in again.text
    account = client.get("/account").text
    assert "pn@example.org" in account
    ended = client.post(f"/account/clinicians/{world.users['clinician_none']}/end",
                        data={"csrf": csrf_of(account)})
    assert ended.status_code == 200 and world.users["clinician_none"] not in _links(world, world.b)
    assert world.browsers["clinician_none"].get(f"/athletes/{world.b}/today").status_code == 404
    with world.db.session() as session:
        events = list(session.scalars(select(AuditRow.event).where(
            AuditRow.athlete_id == world.b, AuditRow.detail == f"clinician {world.users['clinician_none']}")))
    assert events.count("link_created") == 1 and events.count("link_ended") == 1


def test_an_invitation_can_make_the_athletes_account(world: World) -> None:
    link = _invite(world, "Newbie@Example.org")
    fresh = browser(world.app)
    page = fresh.get(link)
    assert "newbie@example.org" in page.text
    answer = fresh.post("/invite", data={"csrf": csrf_of(page.text), "token": link.split("=", 1)[1],
                                         "name": "Nico", "password": "a long walk by the river"},
                        follow_redirects=False)
    assert answer.status_code == 303
    rows = clinic_list(world.db, accounts.Actor(world.users["clinician_none"], "pn@example.org", "clinician", None),
                       TODAY)
    assert [r.name for r in rows] == ["Nico"]
    assert fresh.get("/", follow_redirects=False).headers["location"].endswith("/today")
    weak = browser(world.app)
    second = _invite(world, "other@example.org")
    page = weak.get(second)
    bad = weak.post("/invite", data={"csrf": csrf_of(page.text), "token": second.split("=", 1)[1], "name": "O",
                                     "password": "short"})
    assert bad.status_code == 422 and "password" in bad.text
    assert world.browsers["anonymous"].get("/invite?token=nonsense").status_code == 404


def test_the_admin_lists_clinicians_links_and_unlinks(world: World) -> None:
    client = world.browsers["admin"]
    html = client.get("/admin").text
    assert "pa@example.org" in html and "pb@example.org" in html and "Sam" in html
    token = csrf_of(html)
    linked = client.post("/admin/links", data={"csrf": token, "clinician": "pn@example.org", "athlete": world.b})
    assert linked.status_code == 200 and world.users["clinician_none"] in _links(world, world.b)
    assert client.post("/admin/links", data={"csrf": token, "clinician": "a@example.org",
                                             "athlete": world.b}).status_code == 422
    ended = client.post("/admin/links/end", data={"csrf": token, "clinician_id": world.users["clinician_none"],
                                                  "athlete": world.b})
    assert ended.status_code == 200 and world.users["clinician_none"] not in _links(world, world.b)
    # unlinked, the admin reads no one's health data
    assert client.get(f"/athletes/{world.a}/today").status_code == 404
    assert world.browsers["clinician_a"].get("/admin").status_code == 404


def test_a_long_list_comes_fifty_a_page_most_urgent_on_the_first(world: World) -> None:
    emergency, _ = _red_flags(world)
    for i in range(117):
        _linked(world, f"Runner {i:03d}")
    browser_ = world.browsers["clinician_a"]
    first = browser_.get("/clinic").text
    ids = re.findall(r'class="who" href="/athletes/(\d+)/overview">', first)
    assert len(ids) == 50 and ids[0] == str(emergency)
    assert "120 athletes" in first and "Showing 1 to 50 of 120." in first
    assert 'href="/clinic?page=2" rel="next"' in first and 'rel="prev"' not in first
    third = browser_.get("/clinic", params={"page": 3}).text
    assert len(re.findall(r'class="who"', third)) == 20 and 'rel="next"' not in third
    assert 'href="/clinic?page=2" rel="prev"' in third and '<ol class="clinic-list" start="101">' in third
    beyond = browser_.get("/clinic", params={"page": 9}).text
    assert "There are only 120 athletes on your list." in beyond
    searched = browser_.get("/clinic", params={"q": "runner 1", "page": 2}).text  # Runner 100-116: one page
    assert "There are only 17 athletes" in searched and not re.findall(r'class="who"', searched)
    assert browser_.get("/clinic", params={"page": 0}).status_code == 422
    assert browser_.get("/clinic", params={"page": 10**30}).status_code == 422
