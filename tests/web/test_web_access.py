"""The access matrix (T18, T19): every route of the app, as every kind of person (anonymous, athlete A,
athlete B, A's clinician, a clinician of nobody, another clinic's clinician (B's), an admin linked to no
one), with their own id, someone else's and ids that do not exist. Someone else's athlete answers exactly
as a missing one, on every athlete route; every route but the public ones records an access check.

The routes are read from the app itself: a new route fails this test until it is classified here
(an athlete route is one with ``{athlete_id}`` in its path, and is covered without listing it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.routing import APIRoute

from backstride.services.workouts import plan_workout
from tests.web.conftest import ACTORS, World, csrf_of

# Routes anyone may call (each has its own test of what it gives away: nothing).
PUBLIC = {("GET", "/"), ("GET", "/signin"), ("POST", "/signin"), ("GET", "/signin/link"), ("POST", "/signin/link"),
          ("GET", "/healthz"), ("GET", "/favicon.ico"), ("GET", "/calendar/{secret}.ics"), ("GET", "/invite"),
          ("POST", "/invite")}
# Routes for a signed-in person that carry no athlete id (they act on the person themself).
SIGNED_IN = {("GET", "/athletes"), ("GET", "/api/athletes"), ("POST", "/signout"), ("GET", "/account"),
             ("POST", "/account/password"), ("POST", "/account/clinicians/{clinician_id}/end")}
# Routes for clinicians and admins (their own list and invitations); anyone else finds nothing there.
CLINIC = {("GET", "/clinic"), ("GET", "/clinic.csv"), ("GET", "/api/clinic"), ("GET", "/clinic/invitations"),
          ("POST", "/clinic/invitations")}
ADMIN = {("GET", "/admin"), ("POST", "/admin/links"), ("POST", "/admin/links/end")}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Values for the other path parameters (a clinician id linked to no one: ending it changes nothing).
PARAMS: dict[str, str] = {"day": dt.date.today().isoformat(), "job_id": "1",  # job 1: athlete A's (conftest)
                          "change_id": "1",  # no change yet: the undo is refused as a form problem
                          "clinician_id": "999999"}
MISSING_IDS = (0, 999_999, 4_294_967_297, 10**30)


@pytest.fixture(autouse=True)
def _a_run_day(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """``{day}`` is a day of this week with a run planned for both athletes (a workout file to fetch),
    whatever today's weekday is: today itself may be a cross-training or rest day."""
    today = dt.date.today()
    for day in (today + dt.timedelta(days=n) for n in range(7)):
        try:
            plan_workout(world.db, world.a, today, day)
            plan_workout(world.db, world.b, today, day)
        except ValueError:
            continue
        monkeypatch.setitem(PARAMS, "day", day.isoformat())
        return
    pytest.fail("the demo's week has no run planned for both athletes")
OWN = {"athlete_a": "a", "athlete_b": "b", "clinician_a": "a", "clinician_b": "b"}


def _api_routes(routes: list[Any], prefix: str = "") -> list[tuple[str, APIRoute]]:
    found: list[tuple[str, APIRoute]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix, route))
        elif hasattr(route, "original_router"):  # an included router (FastAPI keeps it whole)
            context = getattr(route, "include_context", None)
            found.extend(_api_routes(route.original_router.routes, prefix + (getattr(context, "prefix", "") or "")))
    return found


def routes(world: World) -> list[tuple[str, str]]:
    found = [(method, prefix + route.path) for prefix, route in _api_routes(list(world.app.routes))
             for method in sorted(route.methods - {"HEAD"})]
    assert len(found) > 20, "the app's routes should be found"
    return found


def athlete_routes(world: World) -> list[tuple[str, str]]:
    return [(m, p) for m, p in routes(world) if "{athlete_id}" in p]


def fill(path: str, athlete: int) -> str:
    out = path.replace("{athlete_id}", str(athlete))
    for name, value in PARAMS.items():
        out = out.replace("{" + name + "}", value)
    assert "{" not in out, f"{path}: give its path parameter a value in PARAMS"
    return out


def call(world: World, actor: str, method: str, path: str) -> Any:
    client = world.browsers[actor]
    if method not in UNSAFE:
        return client.request(method, path, follow_redirects=False)
    token = csrf_of(client.get("/signin" if actor == "anonymous" else "/athletes").text)
    if path.startswith("/api/"):
        return client.request(method, path, json={}, headers={"X-CSRF-Token": token}, follow_redirects=False)
    return client.request(method, path, data={"csrf": token}, follow_redirects=False)


def test_every_route_is_classified(world: World) -> None:
    for method, path in routes(world):
        if "{athlete_id}" in path:
            assert path.startswith(("/athletes/{athlete_id}/", "/api/athletes/{athlete_id}/")), path
            continue
        assert (method, path) in PUBLIC | SIGNED_IN | CLINIC | ADMIN, \
            f"{method} {path} is not covered by the access matrix"


def _own(world: World, actor: str) -> int | None:
    side = OWN.get(actor)
    return None if side is None else world.a if side == "a" else world.b


@pytest.mark.parametrize("actor", ACTORS)
def test_someone_elses_athlete_answers_exactly_as_a_missing_one(world: World, actor: str) -> None:
    own = _own(world, actor)
    others = [a for a in (world.a, world.b) if a != own]
    for method, path in athlete_routes(world):
        missing = [call(world, actor, method, fill(path, i)) for i in MISSING_IDS]
        for other in others:
            answer = call(world, actor, method, fill(path, other))
            for gone in missing:
                assert (answer.status_code, answer.content) == (gone.status_code, gone.content), \
                    f"{actor} {method} {path}: another athlete's id answers differently from a missing one"
        expected = (401,) if path.startswith("/api/") else (303,)
        if actor == "anonymous":
            assert {m.status_code for m in missing} == set(expected), f"{method} {path}"
        else:
            assert {m.status_code for m in missing} == {404}, f"{actor} {method} {path}"


def _in(answer: Any) -> bool:
    return answer.status_code not in (401, 403, 404) and answer.status_code < 500


def test_every_athlete_route_lets_its_athlete_in_and_a_linked_clinician_read(world: World) -> None:
    """And the routes of a physio's changes (checked "adjust") the other way round: the linked clinician
    changes, the athlete is refused (403: theirs to see, their physio's to change)."""
    world.app.state.access_checks = checks = []
    adjusting = 0
    for method, path in athlete_routes(world):
        before = len(checks)
        mine = call(world, "athlete_a", method, fill(path, world.a))
        assert len(checks) > before, f"{method} {path} finished without the access check (T19)"
        actions = {c[2] for c in checks[before:]}
        clinician = call(world, "clinician_a", method, fill(path, world.a))
        if "adjust" in actions:  # a physio's change: the athlete may only read
            assert mine.status_code == 403, f"athlete_a may not adjust: {method} {path} gave {mine.status_code}"
            assert _in(clinician), f"clinician_a {method} {path}: {clinician.status_code} {clinician.text[:300]}"
            adjusting += 1
            continue
        if "note" in actions:  # written by a linked clinician about the athlete
            assert mine.status_code == 404, f"an athlete may not write a clinician's note: {method} {path}"
            assert _in(clinician), f"clinician_a {method} {path}: {clinician.status_code}"
            continue
        assert _in(mine), f"athlete_a {method} {path}: {mine.status_code} {mine.text[:300]}"
        if method in UNSAFE or "write" in actions:
            assert clinician.status_code == 404, f"a clinician may not change {method} {path}"
        else:
            assert clinician.status_code < 400, f"clinician_a {method} {path}: {clinician.status_code}"
    assert adjusting >= 4, "the page's and the API's changes of a physio's adjustments are all tried"


def test_every_route_but_the_public_ones_records_an_access_check(world: World) -> None:
    world.app.state.access_checks = checks = []
    by = {**dict.fromkeys(SIGNED_IN, "athlete_a"), **dict.fromkeys(CLINIC, "clinician_a"),
          **dict.fromkeys(ADMIN, "admin")}
    for method, path in sorted(routes(world)):
        if (method, path) in PUBLIC or "{athlete_id}" in path:
            continue  # athlete routes: the test above
        before = len(checks)
        answer = call(world, by[(method, path)], method, fill(path, world.a))
        assert answer.status_code < 500, f"{method} {path}: {answer.status_code}"
        assert len(checks) > before, f"{method} {path} finished without an access check (T19)"


@pytest.mark.parametrize("actor", ACTORS)
def test_clinic_and_admin_routes_are_nothing_to_anyone_else(world: World, actor: str) -> None:
    for method, path in sorted(CLINIC | ADMIN):
        answer = call(world, actor, method, fill(path, world.a))
        mine = (actor.startswith("clinician") and (method, path) in CLINIC) or actor == "admin"
        if mine:
            assert _in(answer) or answer.status_code == 422, f"{actor} {method} {path}: {answer.status_code}"
        elif actor == "anonymous":
            assert answer.status_code in (303, 401), f"{method} {path}"
        else:
            gone = call(world, actor, method, "/api/no/such" if path.startswith("/api/") else "/no/such/page")
            assert answer.status_code == 404 and answer.content == gone.content, f"{actor} {method} {path}"


def test_lists_hold_only_the_athletes_one_may_see(world: World) -> None:
    seen = {actor: [a["id"] for a in world.browsers[actor].get("/api/athletes").json()]
            for actor in ACTORS if actor != "anonymous"}
    assert seen == {"athlete_a": [world.a], "athlete_b": [world.b], "clinician_a": [world.a], "clinician_none": [],
                    "clinician_b": [world.b], "admin": []}
    assert world.browsers["anonymous"].get("/api/athletes").status_code == 401
    page = world.browsers["clinician_none"].get("/athletes").text
    assert "Sam" not in page and "Bea" not in page


def test_a_bearer_token_reaches_only_its_own_athlete(world: World) -> None:
    client = world.browsers["anonymous"]
    auth = {"Authorization": f"Bearer {world.tokens['athlete_a']}"}
    mine = client.get(f"/api/athletes/{world.a}/plan", headers=auth)
    assert mine.status_code == 200 and mine.json()["schema"] == "backstride.plan/1"
    other = client.get(f"/api/athletes/{world.b}/plan", headers=auth)
    gone = client.get("/api/athletes/999999/plan", headers=auth)
    assert (other.status_code, other.content) == (gone.status_code, gone.content) == (404, gone.content)
    bad = client.get(f"/api/athletes/{world.a}/plan", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


def test_a_clinicians_reads_are_audited(world: World) -> None:
    from sqlalchemy import select

    from backstride.storage.tables import AuditRow

    world.browsers["clinician_a"].get(f"/api/athletes/{world.a}/decision")
    with world.db.session() as session:
        rows = list(session.scalars(select(AuditRow).where(AuditRow.event == "clinician_read")))
    assert len(rows) == 1 and rows[0].athlete_id == world.a and rows[0].detail == f"/api/athletes/{world.a}/decision"
