"""A clinician's round in real Chromium on a 390 px phone: sign in, the clinic list with the red-flag
athlete first, an athlete's page and appointment summary, a note, and an invitation link.

The app is the real one on a fresh SQLite file: the demo athlete and one who answered an emergency
warning sign this morning, both linked to the clinician; every page is checked as the runner's are
(it draws, fits the phone, no console error, the accessibility basics, thumb-sized targets).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from backstride.contract import Checkin
from backstride.services import accounts
from backstride.services.demo import demo_state, ensure_demo_athlete
from backstride.storage import Database, create_athlete, upsert_checkin
from backstride.web.app import create_app
from backstride.web.settings import Settings
from tests.web.browser.conftest import (
    accessibility_problems,
    assert_fits_width,
    assert_not_blank,
    free_port,
    require_browser,
    small_tap_targets,
    tab_to,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

EMAIL, PASSWORD = "physio@example.org", "a quiet clinic on a monday"

pytestmark = pytest.mark.usefixtures("_browser_here")


@pytest.fixture
def _browser_here() -> None:
    require_browser()


@dataclass
class Clinic:
    url: str
    db: Database
    sam: int
    zoe: int
    shots: Path


@pytest.fixture
def clinic(serve: Callable[..., str], tmp_path: Path) -> Iterator[Clinic]:
    db = Database.open(f"sqlite:///{tmp_path / 'web.db'}")
    today = dt.date.today()
    sam = ensure_demo_athlete(db, today)
    zoe = create_athlete(db, demo_state(today), name="Zoe")
    upsert_checkin(db, zoe, Checkin(date=today, pain_rest=3, saddle_numbness=True))
    accounts.create_user(db, EMAIL, "clinician", password=PASSWORD)
    for athlete in (sam, zoe):
        accounts.link_clinician(db, EMAIL, athlete)
    port = free_port()
    settings = Settings(database_url=str(db.engine.url), secret_key="a-browser-test-secret-long-enough-to-pass",
                        base_url=f"http://127.0.0.1:{port}", environment="development", cookie_secure=False)
    shots = tmp_path / "screens"
    shots.mkdir()
    try:
        yield Clinic(serve(create_app(settings, db=db), port), db, sam, zoe, shots)
    finally:
        db.dispose()


def looks_right(page: Page, clinic: Clinic, name: str) -> None:
    page.wait_for_load_state("networkidle")
    assert_not_blank(page, clinic.shots / f"{name}.png")
    assert_fits_width(page)
    errors = getattr(page, "errors", [])
    assert not errors, f"{name}: console errors {errors}"
    assert not accessibility_problems(page), f"{name}: {accessibility_problems(page)}"
    assert not small_tap_targets(page), f"{name}: {small_tap_targets(page)}"


def test_a_clinician_walks_the_list_an_athlete_the_summary_a_note_and_an_invitation(page: Page,
                                                                                    clinic: Clinic) -> None:
    page.goto(f"{clinic.url}/signin")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/clinic")
    looks_right(page, clinic, "clinic")
    rows = page.locator(".clinic-row")
    assert rows.count() == 2
    first = rows.first
    assert first.locator(".who").inner_text() == "Zoe" and "Emergency" in first.inner_text()

    assert "Zoe" in tab_to(page, ".clinic-row .who")  # the most urgent athlete, reached by keyboard alone
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/athletes/{clinic.zoe}/overview")
    looks_right(page, clinic, "overview")
    assert page.get_by_role("heading", name="Zoe").is_visible()

    page.get_by_role("navigation", name="This athlete").get_by_role("link", name="Today").click()
    page.wait_for_url("**/today")
    looks_right(page, clinic, "today-read-only")
    assert page.locator(".banner.emergency").is_visible()
    assert not page.get_by_role("link", name="Check in for today").count()

    page.get_by_role("navigation", name="This athlete").get_by_role("link", name="Summary").click()
    page.wait_for_url("**/summary")
    looks_right(page, clinic, "summary")
    assert page.get_by_role("heading", name="Pain against load, week by week").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()  # the print stylesheet drops the navigation
    page.emulate_media(media="screen")

    page.get_by_role("navigation", name="This athlete").get_by_role("link", name="Overview").click()
    page.wait_for_url("**/overview")
    page.get_by_label("A note").fill("Saddle numbness reported: phoned and sent to A&E.")
    page.get_by_role("button", name="Save note").click()
    page.get_by_text("Note saved.").wait_for()
    looks_right(page, clinic, "note-saved")
    assert "sent to A&E" in page.locator(".notes-list").inner_text()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invite").click()
    page.wait_for_url("**/clinic/invitations")
    page.get_by_label("The athlete's e-mail address").fill("new.runner@example.org")
    page.get_by_role("button", name="Make an invitation link").click()
    page.locator(".invite-link").wait_for()
    looks_right(page, clinic, "invitation")
    assert f"{clinic.url}/invite?token=" in page.locator(".invite-link").inner_text()
