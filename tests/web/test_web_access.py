"""The access matrix (T18, T19): every route of the app, as every kind of person, with their own id,
someone else's and ids that do not exist. Someone else's athlete answers exactly as a missing one.

The routes are read from the app itself: a new route fails this test until it is classified here
(an athlete route is one with ``{athlete_id}`` in its path, and is covered without listing it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.routing import APIRoute

from tests.web.conftest import ACTORS, World, csrf_of

# Routes anyone may call (each has its own test of what it gives away: nothing).
PUBLIC = {("GET", "/"), ("GET", "/signin"), ("POST", "/signin"), ("GET", "/signin/link"), ("POST", "/signin/link"),
          ("GET", "/healthz"), ("GET", "/favicon.ico"), ("GET", "/calendar/{secret}.ics")}
# Routes for a signed-in person that carry no athlete id (they act on the person themself).
SIGNED_IN = {("GET", "/athletes"), ("GET", "/api/athletes"), ("POST", "/signout"), ("GET", "/account"),
             ("POST", "/account/password")}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Values for the other path parameters of athlete routes.
PARAMS: dict[str, str] = {"day": dt.date.today().isoformat(), "job_id": "1",  # job 1: athlete A's (conftest)
                          "change_id": "1"}  # no change yet: the undo is refused as a form problem
MISSING_IDS = (999_999, 10**30)


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
        assert (method, path) in PUBLIC | SIGNED_IN, f"{method} {path} is not covered by the access matrix"


@pytest.mark.parametrize("actor", ACTORS)
def test_someone_elses_athlete_answers_exactly_as_a_missing_one(world: World, actor: str) -> None:
    own = {"athlete_a": world.a, "athlete_b": world.b, "clinician_a": world.a}.get(actor)
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


def test_every_athlete_route_lets_its_athlete_in_and_a_linked_clinician_read(world: World) -> None:
    """And the routes of a physio's changes (checked "adjust") the other way round: the linked clinician
    changes, the athlete is refused (403: theirs to see, their physio's to change)."""
    world.app.state.access_checks = checks = []
    adjusting = 0
    for method, path in athlete_routes(world):
        before = len(checks)
        mine = call(world, "athlete_a", method, fill(path, world.a))
        assert len(checks) > before, f"{method} {path} finished without the access check (T19)"
        clinician = call(world, "clinician_a", method, fill(path, world.a))
        if any(c[2] == "adjust" for c in checks[before:]):  # a physio's change: the athlete may only read
            assert mine.status_code == 403, f"athlete_a may not adjust: {method} {path} gave {mine.status_code}"
            assert clinician.status_code not in (401, 403, 404) and clinician.status_code < 500, \
                f"clinician_a {method} {path}: {clinician.status_code} {clinician.text[:300]}"
            adjusting += 1
            continue
        assert mine.status_code not in (401, 403, 404) and mine.status_code < 500, \
            f"athlete_a {method} {path}: {mine.status_code} {mine.text[:300]}"
        if method in UNSAFE or any(c[2] == "write" for c in checks[before:]):
            assert clinician.status_code == 404, f"a clinician may not change {method} {path}"
        else:
            assert clinician.status_code < 400, f"clinician_a {method} {path}: {clinician.status_code}"
    assert adjusting >= 4, "the page's and the API's changes of a physio's adjustments are all tried"


def test_lists_hold_only_the_athletes_one_may_see(world: World) -> None:
    seen = {actor: [a["id"] for a in world.browsers[actor].get("/api/athletes").json()]
            for actor in ACTORS if actor != "anonymous"}
    assert seen == {"athlete_a": [world.a], "athlete_b": [world.b], "clinician_a": [world.a], "clinician_none": []}
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
