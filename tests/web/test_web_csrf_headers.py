"""CSRF refusals on every state-changing route (T22), security headers, no-store and no tracebacks (T30)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from backstride.storage.tables import Base
from tests.web.conftest import World, browser, csrf_of
from tests.web.test_web_access import PUBLIC, UNSAFE, fill, routes

EVIL = "https://evil.example"
# Tables a GET may touch: the audit log (clinician reads), the session's last-seen time, and the clinic
# list's status rows (derived from the log, rebuilt when stale).
GET_MAY_WRITE = {"audit_log", "web_sessions", "athlete_status"}


def _counts(world: World) -> dict[str, int]:
    with world.db.session() as session:
        return {name: int(session.scalar(select(func.count()).select_from(table)) or 0)
                for name, table in Base.metadata.tables.items()}


def _unsafe_routes(world: World) -> list[tuple[str, str]]:
    return [(m, p) for m, p in routes(world) if m in UNSAFE]


def _send(client: Any, method: str, path: str, token: str | None, headers: dict[str, str]) -> Any:
    if path.startswith("/api/"):
        extra = {"X-CSRF-Token": token} if token else {}
        return client.request(method, path, json={}, headers={**headers, **extra}, follow_redirects=False)
    data = {"csrf": token} if token else {}
    return client.request(method, path, data=data, headers=headers, follow_redirects=False)


@pytest.mark.parametrize("attack", ["cross-site", "foreign-origin", "no-token", "wrong-token"])
def test_every_state_changing_route_refuses_a_forged_request(world: World, attack: str) -> None:
    client = world.browsers["athlete_a"]
    good = csrf_of(client.get(f"/athletes/{world.a}/today").text)
    headers = {"cross-site": {"Sec-Fetch-Site": "cross-site"}, "foreign-origin": {"Origin": EVIL}}.get(attack, {})
    token = {"no-token": None, "wrong-token": "0" * 64}.get(attack, good)
    before = _counts(world)
    unsafe = _unsafe_routes(world)
    assert len(unsafe) >= 10
    for method, path in unsafe:
        answer = _send(client, method, fill(path, world.a), token, headers)
        assert answer.status_code == 403, f"{attack}: {method} {path} answered {answer.status_code}"
    after = _counts(world)
    assert before == after, "a refused request changed the database"
    assert client.get(f"/athletes/{world.a}/today").status_code == 200  # still signed in


def test_a_token_from_another_browser_is_refused(world: World) -> None:
    theirs = csrf_of(world.browsers["athlete_b"].get(f"/athletes/{world.b}/today").text)
    answer = world.browsers["athlete_a"].post(f"/athletes/{world.a}/checkin", data={"csrf": theirs,
                                                                                     "pain_rest": "1"})
    assert answer.status_code == 403


def test_sign_in_itself_needs_the_forms_token(world: World) -> None:
    client = browser(world.app)
    answer = client.post("/signin", data={"email": "a@example.org", "password": "x" * 10})
    assert answer.status_code == 403


def test_a_bearer_token_needs_no_csrf_token_but_cross_site_is_still_refused(world: World) -> None:
    client = browser(world.app)
    auth = {"Authorization": f"Bearer {world.tokens['athlete_a']}"}
    ok = client.post(f"/api/athletes/{world.a}/checkins", json={"pain_rest": 1}, headers=auth)
    assert ok.status_code == 201
    refused = client.post(f"/api/athletes/{world.a}/checkins", json={"pain_rest": 1},
                          headers={**auth, "Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403


def test_no_get_route_changes_the_log(world: World) -> None:
    before = _counts(world)
    for actor in ("athlete_a", "clinician_a", "anonymous"):
        for method, path in routes(world):
            if method == "GET" and (method, path) not in PUBLIC | {("GET", "/calendar/{secret}.ics")}:
                world.browsers[actor].get(fill(path, world.a), follow_redirects=False)
    after = _counts(world)
    changed = {t for t in before if before[t] != after[t]}
    assert changed <= GET_MAY_WRITE, changed


def test_html_pages_carry_the_security_headers_and_health_pages_are_not_stored(world: World) -> None:
    client = world.browsers["athlete_a"]
    for path in (f"/athletes/{world.a}/today", f"/athletes/{world.a}/plan", "/signin", "/nothing-here",
                 f"/api/athletes/{world.a}/decision"):
        answer = client.get(path)
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert answer.headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/static/app.css").headers.get("cache-control", "")


def test_pages_have_no_inline_script(world: World) -> None:
    import re

    for path in (f"/athletes/{world.a}/today", f"/athletes/{world.a}/checkin", f"/athletes/{world.a}/plan",
                 f"/athletes/{world.a}/log", f"/athletes/{world.a}/settings"):
        html = world.browsers["athlete_a"].get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+=", html), f"{path}: an inline event handler"


def test_a_crash_answers_a_calm_page_without_a_traceback(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from backstride.web import api, pages

    def boom() -> None:
        raise RuntimeError("SELECT secret FROM users -- Traceback")

    monkeypatch.setattr(pages, "today", boom)
    monkeypatch.setattr(api, "_today", boom)
    html = world.browsers["athlete_a"].get(f"/athletes/{world.a}/today")
    json_answer = world.browsers["athlete_a"].get(f"/api/athletes/{world.a}/plan")
    assert html.status_code == 500 and "went wrong" in html.text and json_answer.status_code == 500
    for answer in (html, json_answer):
        assert "Traceback" not in answer.text and "SELECT" not in answer.text and "RuntimeError" not in answer.text


def test_unknown_paths_and_methods_answer_calmly(world: World) -> None:
    client = world.browsers["anonymous"]
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/api/nothing").json() == {"detail": "There is nothing here."}
    assert client.put("/signin").status_code in (403, 405)


def test_a_body_too_big_for_a_form_is_refused_before_it_is_read(world: World) -> None:
    client = world.browsers["anonymous"]
    auth = {"Authorization": f"Bearer {world.tokens['athlete_a']}", "Content-Type": "application/json"}
    answer = client.post(f"/api/athletes/{world.a}/checkins", headers=auth, content=b"{" + b" " * (2 * 2**20) + b"}")
    assert answer.status_code == 413 and "more than" in answer.json()["detail"]
