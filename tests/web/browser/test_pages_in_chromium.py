"""Every page of the real app in Chromium on a 390 px phone: drawn, no wider than the screen, and nothing
refused by the Content-Security-Policy (a refusal shows as a console error); the check-in swaps Today's
decision in place with htmx, and without JavaScript it still saves and shows Today."""

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
    from playwright.sync_api import Browser, Page

PASSWORD = "a calm morning run by the river"
PAGES = ("today", "checkin", "plan", "history", "log", "imports", "settings", "adjustments")


@pytest.fixture
def site(tmp_path: Path, serve: Callable[[Any], str]) -> Iterator[tuple[str, int]]:
    require_browser()
    db = Database.open(f"sqlite+pysqlite:///{tmp_path / 'b.db'}")
    athlete = ensure_demo_athlete(db, dt.date.today())
    accounts.create_user(db, "runner@example.org", "athlete", athlete_id=athlete, password=PASSWORD)
    app = create_app(Settings(environment="development", cookie_secure=False), db=db)
    base = serve(app)
    app.state.settings = Settings(environment="development", cookie_secure=False, base_url=base)
    try:
        yield base, athlete
    finally:
        db.dispose()


def _sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/signin")
    page.fill("input[name=email]", "runner@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/today")


def test_every_page_is_drawn_fits_the_phone_and_breaks_no_policy(site: tuple[str, int], page: Page) -> None:
    base, athlete = site
    _sign_in(page, base)
    for name in PAGES:
        page.goto(f"{base}/athletes/{athlete}/{name}")
        assert page.title().endswith("· backstride"), name
        assert_not_blank(page)
        assert_fits_width(page)
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_check_in_swaps_the_decision_in_place_and_shows_a_red_flag_at_once(site: tuple[str, int],
                                                                              page: Page) -> None:
    base, athlete = site
    _sign_in(page, base)
    page.goto(f"{base}/athletes/{athlete}/checkin")
    page.wait_for_function("() => !!window.htmx")
    page.click("fieldset.scale:has(input[name=pain_rest]) label:has(input[value='2'])")
    page.click("fieldset.yesno:has(input[name=saddle_numbness]) label:has(input[value=yes])")
    page.click("button.primary")
    page.wait_for_selector("#decision .banner.emergency")
    assert page.url.endswith("/checkin")  # swapped in place, not a new page
    assert "Seek care" in page.inner_text("#decision")
    assert page.errors == []  # type: ignore[attr-defined]


def test_without_javascript_a_check_in_saves_and_shows_today(site: tuple[str, int], browser: Browser) -> None:
    base, athlete = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in(page, base)
        page.goto(f"{base}/athletes/{athlete}/checkin")
        page.click("fieldset.scale:has(input[name=pain_rest]) label:has(input[value='1'])")
        page.click("button.primary")
        page.wait_for_url("**/today")
        assert "Check in for today" not in page.content()
    finally:
        context.close()
