"""A clinician in Chromium: opens an athlete's adjustments, lowers the starting dose, and the athlete's plan
shows it "adjusted by your physio" beside the cited default."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from backstride.services import accounts
from backstride.services.demo import ensure_demo_athlete
from backstride.storage import Database
from backstride.web.app import create_app
from backstride.web.settings import Settings
from tests.web.browser.conftest import assert_fits_width, assert_not_blank, require_browser

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "a long passphrase for the clinic"


@pytest.fixture
def clinic(tmp_path: Path, serve: Callable[[Any], str]) -> Iterator[tuple[str, int]]:
    require_browser()
    db = Database.open(f"sqlite+pysqlite:///{tmp_path / 'c.db'}")
    athlete = ensure_demo_athlete(db, dt.date.today())
    accounts.create_user(db, "lee@clinic.example", "clinician", password=PASSWORD)
    accounts.link_clinician(db, "lee@clinic.example", athlete)
    app = create_app(Settings(environment="development", cookie_secure=False), db=db)
    base = serve(app)
    app.state.settings = Settings(environment="development", cookie_secure=False, base_url=base)
    try:
        yield base, athlete
    finally:
        db.dispose()


def test_a_clinician_lowers_the_starting_dose_and_the_plan_shows_it(clinic: tuple[str, int], page: Page) -> None:
    base, athlete = clinic
    page.goto(f"{base}/signin")
    page.fill("input[name=email]", "lee@clinic.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/clinic")  # clinicians land on the clinic list
    page.goto(f"{base}/athletes/{athlete}/adjustments")
    assert "No adjustments" in page.inner_text("main")
    page.select_option("select[name=number]", "W-START fraction")
    page.fill("input[name=value]", "60%")
    page.fill("input[name=reason]", "very irritable back this week")
    page.click("button:has-text('Save the change')")
    page.wait_for_selector("p.saved")
    row = page.inner_text("table.adjustments tbody tr")
    assert "60%" in row and "70%" in row and "lee@clinic.example" in row and "very irritable back" in row
    assert_not_blank(page)
    assert_fits_width(page)
    page.goto(f"{base}/athletes/{athlete}/plan")
    adjusted = page.inner_text("ul.why li.adjusted")
    assert "adjusted by your physio: fraction 60% (cited default 70%)" in adjusted
    assert page.errors == []  # type: ignore[attr-defined]
