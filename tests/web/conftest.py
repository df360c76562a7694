"""Web fixtures: an app on a fresh database with two athletes and four kinds of signed-in people.

Sessions are started through the accounts service (no password hashing per test: that is timed and
tested on its own); each client keeps its own cookies and sends browser-like same-origin headers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backstride.services import accounts
from backstride.services.demo import demo_state, ensure_demo_athlete
from backstride.storage import Database, create_athlete
from backstride.web.app import create_app
from backstride.web.settings import Settings
from tests.storage.conftest import pg_server_url, pg_url  # noqa: F401  (the PostgreSQL fixtures, reused)

BASE = "https://testserver"
SECRET = "a-test-secret-that-is-long-enough-for-the-settings"
_CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def settings_for(url: str, **changes: object) -> Settings:
    values: dict[str, object] = {"database_url": url, "secret_key": SECRET, "base_url": BASE,
                                 "environment": "production", "jobs": "in-process", **changes}
    return Settings(**values)  # type: ignore[arg-type]


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page should carry a CSRF token"
    return found.group(1)


class Browser(TestClient):
    """A signed-in (or anonymous) browser: same-origin headers, and the CSRF token read from a page."""

    def token(self, path: str = "/signin") -> str:
        return csrf_of(self.get(path).text)


@dataclass
class World:
    app: FastAPI
    db: Database
    a: int  # athlete A (the demo athlete)
    b: int  # athlete B
    users: dict[str, int]  # each signed-in actor's user id
    browsers: dict[str, Browser]
    tokens: dict[str, str]


# clinician_b is "another clinic's": linked to athlete B only; the admin is linked to no one.
ACTORS = ("anonymous", "athlete_a", "athlete_b", "clinician_a", "clinician_none", "clinician_b", "admin")
EMAILS = {"athlete_a": "a@example.org", "athlete_b": "b@example.org", "clinician_a": "pa@example.org",
          "clinician_none": "pn@example.org", "clinician_b": "pb@example.org", "admin": "admin@example.org"}
ROLES = {"athlete_a": "athlete", "athlete_b": "athlete", "clinician_a": "clinician", "clinician_none": "clinician",
         "clinician_b": "clinician", "admin": "admin"}


def browser(app: FastAPI, cookie: str | None = None) -> Browser:
    client = Browser(app, base_url=BASE, raise_server_exceptions=False,
                     headers={"Sec-Fetch-Site": "same-origin", "Origin": BASE})
    if cookie:
        client.cookies.set("__Host-backstride", cookie)
    return client


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+pysqlite:///{tmp_path / 'web.db'}"


def build_world(url: str) -> Iterator[World]:
    db = Database.open(url)
    today = dt.date.today()
    a = ensure_demo_athlete(db, today)
    b = create_athlete(db, demo_state(today), name="Bea")
    own = {"athlete_a": a, "athlete_b": b}
    users = {name: accounts.create_user(db, EMAILS[name], ROLES[name], athlete_id=own.get(name)) for name in EMAILS}
    accounts.link_clinician(db, "pa@example.org", a)
    accounts.link_clinician(db, "pb@example.org", b)
    app = create_app(settings_for(url), db=db)
    job = app.state.jobs.enqueue("import", {"athlete_id": a, "paths": [], "today": today.isoformat()})
    assert job == 1 and app.state.jobs.wait(job).state == "done"  # athlete A's import job 1, for the job routes
    browsers = {"anonymous": browser(app)}
    tokens: dict[str, str] = {}
    for name, user_id in users.items():
        actor = accounts.Actor(user_id, EMAILS[name], ROLES[name], own.get(name))
        browsers[name] = browser(app, accounts.start_session(db, actor, client="testclient"))
        tokens[name] = accounts.issue_token(db, EMAILS[name])
    try:
        yield World(app, db, a, b, users, browsers, tokens)
    finally:
        for client in browsers.values():
            client.close()
        db.dispose()


@pytest.fixture
def world(sqlite_url: str) -> Iterator[World]:
    yield from build_world(sqlite_url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_world(request: pytest.FixtureRequest) -> Iterator[World]:
    """The world on SQLite and on PostgreSQL in turn."""
    url = str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
    yield from build_world(url)
