"""A runner's morning in real Chromium on a 390 px phone: sign in, check in, Today, Plan, History, log a run,
import files, settings and the account; by tapping, and by keyboard alone.

The app is the real one (``create_app``) on a fresh SQLite file with the demo athlete, served by uvicorn
on 127.0.0.1 in development mode (so its session cookie may travel over plain http). Every page is
checked to draw (screenshot not one colour), to fit the phone's width, to raise no console error
(a CSP violation is one), to have the basics a screen reader needs and thumb-sized targets. The
morning questions are timed: the taps a runner needs, at a deliberate 1.5 s each (read, then tap),
must stay under 30 s, and so must the automated walk through them.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from backstride.services import accounts
from backstride.services.demo import ensure_demo_athlete
from backstride.storage import Database
from backstride.web.app import create_app
from backstride.web.pages import MORNING
from backstride.web.settings import Settings
from tests.conftest import SHARED
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
    from fastapi import FastAPI
    from playwright.sync_api import Browser, Page

EMAIL, PASSWORD = "sam@example.org", "a long morning run by the river"
SECONDS_PER_TAP = 1.5  # a deliberate reading-and-tapping pace, slower than most people on their phone
MORNING_BUDGET_S = 30.0
IMPORT_FILES = ("fit/fitparse__activity-small-fenix2-run.fit", "gpx/goldencheetah__Move_2014_01_16_19_48_44.gpx")

pytestmark = pytest.mark.usefixtures("_browser_here")


@pytest.fixture
def _browser_here() -> None:
    require_browser()


@dataclass
class Site:
    url: str
    app: FastAPI
    db: Database
    athlete: int
    shots: Path

    def at(self, page_name: str) -> str:
        return f"{self.url}/athletes/{self.athlete}/{page_name}"


@pytest.fixture
def site(serve: Callable[..., str], tmp_path: Path) -> Iterator[Site]:
    db = Database.open(f"sqlite:///{tmp_path / 'web.db'}")
    athlete = ensure_demo_athlete(db, dt.date.today())
    accounts.create_user(db, EMAIL, "athlete", athlete_id=athlete, password=PASSWORD)
    port = free_port()
    settings = Settings(database_url=str(db.engine.url), secret_key="a-browser-test-secret-long-enough-to-pass",
                        base_url=f"http://127.0.0.1:{port}", environment="development", cookie_secure=False)
    app = create_app(settings, db=db)
    shots = tmp_path / "screens"
    shots.mkdir()
    try:
        yield Site(serve(app, port), app, db, athlete, shots)
    finally:
        db.dispose()


def looks_right(page: Page, site: Site, name: str) -> None:
    """What every page owes the runner: it draws, it fits the phone, and nothing broke in the console."""
    page.wait_for_load_state("networkidle")
    assert_not_blank(page, site.shots / f"{name}.png")
    assert_fits_width(page)
    errors = getattr(page, "errors", [])
    assert not errors, f"{name}: console errors {errors}"
    assert not accessibility_problems(page), f"{name}: {accessibility_problems(page)}"
    assert not small_tap_targets(page), f"{name}: {small_tap_targets(page)}"


# --- by tapping -------------------------------------------------------------------------------------

def sign_in_by_tapping(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/signin")
    looks_right(page, site, "signin")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/athletes/{site.athlete}/today")


def tap(page: Page, name: str, value: str) -> None:
    page.locator(f'label:has(input[name="{name}"][value="{value}"])').click()


def morning_by_tapping(page: Page) -> int:
    """Answer this morning's questions as a runner would; return the taps it took."""
    taps = 0
    for name, value in (("pain_rest", "2"), ("stress", "3"), ("confidence", "7")):
        tap(page, name, value)
        taps += 1
    page.get_by_label("Hours of sleep last night").fill("7.5")
    taps += 2  # the field, and the number typed
    for q in MORNING:
        tap(page, q.name, "no")
        taps += 1
    page.get_by_role("button", name="Save check-in").click()
    return taps + 1


def test_a_runner_taps_through_the_morning_on_a_phone(page: Page, site: Site) -> None:
    sign_in_by_tapping(page, site)
    looks_right(page, site, "today-before")
    assert page.get_by_role("link", name="Check in for today").is_visible()

    page.get_by_role("link", name="Check in for today").click()
    page.wait_for_url("**/checkin")
    looks_right(page, site, "checkin")
    started = time.monotonic()
    taps = morning_by_tapping(page)
    page.get_by_text("Check-in saved").wait_for()
    took = time.monotonic() - started
    assert taps * SECONDS_PER_TAP < MORNING_BUDGET_S, f"{taps} taps for the morning questions"
    assert took < MORNING_BUDGET_S
    assert page.url.endswith("/checkin")  # htmx swapped the decision in place: no page load
    assert page.locator("#decision h1").inner_text().strip()

    page.get_by_role("navigation").get_by_role("link", name="Today").click()
    page.wait_for_url("**/today")
    looks_right(page, site, "today")
    assert not page.get_by_role("link", name="Check in for today").count()  # answered: no prompt

    page.get_by_role("navigation").get_by_role("link", name="Plan").click()
    page.wait_for_url("**/plan")
    looks_right(page, site, "plan")
    assert page.get_by_role("heading", name="Your week").is_visible()
    assert page.locator("h2").count() >= 7  # the seven days


def test_a_runner_logs_a_run_by_hand_and_changes_settings(page: Page, site: Site) -> None:
    sign_in_by_tapping(page, site)
    page.get_by_role("navigation").get_by_role("link", name="Log").click()
    page.wait_for_url("**/log")
    looks_right(page, site, "log")
    page.get_by_label("Distance (km)").fill("6.4")
    page.get_by_label("Time (minutes)").fill("38")
    page.get_by_role("button", name="Add to my log").click()
    page.locator(".saved").wait_for()
    looks_right(page, site, "log-saved")
    assert "6.4 km" in page.locator(".list").inner_text()

    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    page.wait_for_url("**/settings")
    looks_right(page, site, "settings")
    page.locator('label:has(input[name="units"][value="mi"])').click()
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_load_state("networkidle")
    looks_right(page, site, "settings-saved")
    assert page.locator('input[name="units"][value="mi"]').is_checked()

    page.get_by_role("navigation").get_by_role("link", name="Account").click()
    page.wait_for_url("**/account")
    looks_right(page, site, "account")


def test_a_runner_reads_the_history_in_pictures(page: Page, site: Site) -> None:
    sign_in_by_tapping(page, site)
    page.goto(site.at("history"))
    looks_right(page, site, "history")
    widths = page.eval_on_selector_all("svg", "els => els.map(e => e.getBoundingClientRect().width)")
    assert widths and all(w <= 390 for w in widths)
    assert page.locator("svg title").count() >= 1 and page.locator("table").count() >= 1


def test_a_runner_imports_watch_files_and_sees_the_summary(page: Page, site: Site, tmp_path: Path) -> None:
    activities = SHARED / "data" / "activities"
    if not activities.is_dir():
        pytest.skip(f"the shared activity files are absent ({activities}); set BACKSTRIDE_SHARED")
    files = [tmp_path / Path(f).name for f in IMPORT_FILES]
    for name, target in zip(IMPORT_FILES, files, strict=True):
        shutil.copy(activities / name, target)
    broken = tmp_path / "broken.fit"
    broken.write_bytes(b"this is no FIT file" * 4)
    sign_in_by_tapping(page, site)
    page.goto(site.at("imports"))
    looks_right(page, site, "import")
    page.locator('input[type="file"]').first.set_input_files([*files, broken])
    page.locator('form:has(input[type="file"]) [type="submit"]').first.click()
    page.wait_for_url("**/imports/*")
    seen = [page.locator("#progress").inner_text()]  # progress first, then the CLI's summary
    page.get_by_text("broken.fit").first.wait_for(timeout=60_000)  # the damaged file is named, with its reason
    looks_right(page, site, "import-done")
    assert "not a FIT file" in page.locator("#progress").inner_text()
    assert "3 files read" in page.locator("#progress").inner_text(), seen


# --- by keyboard alone ------------------------------------------------------------------------------

def test_the_same_morning_by_keyboard_alone(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/signin")
    tab_to(page, 'input[name="email"]')
    page.keyboard.type(EMAIL)
    tab_to(page, 'input[name="password"]')
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/athletes/{site.athlete}/today")

    tab_to(page, 'a[href$="/checkin"].button')
    page.keyboard.press("Enter")
    page.wait_for_url("**/checkin")
    started = time.monotonic()
    tab_to(page, 'input[name="pain_rest"]')
    page.keyboard.press("ArrowRight")  # 0 -> 1: arrows choose within a 0-10 scale
    page.keyboard.press("ArrowRight")
    assert page.locator('input[name="pain_rest"][value="2"]').is_checked()
    for q in MORNING:
        tab_to(page, f'input[name="{q.name}"]')
        page.keyboard.press("Space")  # the first choice is "No"
        assert page.locator(f'input[name="{q.name}"][value="no"]').is_checked(), q.name
    tab_to(page, 'button[type="submit"].primary')
    page.keyboard.press("Enter")
    page.get_by_text("Check-in saved").wait_for()
    assert time.monotonic() - started < MORNING_BUDGET_S
    looks_right(page, site, "kb-checkin-saved")

    for name, url in (("Plan", "**/plan"), ("Log", "**/log"), ("Settings", "**/settings"), ("Today", "**/today")):
        tab_to(page, f'nav a[href$="/{name.lower()}"]', max_tabs=200)
        page.keyboard.press("Enter")
        page.wait_for_url(url)
        looks_right(page, site, f"kb-{name.lower()}")

    tab_to(page, 'nav a[href$="/log"]', max_tabs=200)
    page.keyboard.press("Enter")
    page.wait_for_url("**/log")
    tab_to(page, 'input[name="distance"]')
    page.keyboard.type("5")
    tab_to(page, 'input[name="duration_min"]')
    page.keyboard.type("31")
    tab_to(page, 'button[type="submit"].primary')
    page.keyboard.press("Enter")
    page.locator(".saved").wait_for()
    assert "5 km" in page.locator(".list").inner_text()


def test_a_red_flag_answer_shows_its_banner_at_once(page: Page, site: Site) -> None:
    sign_in_by_tapping(page, site)
    page.goto(site.at("checkin"))
    tap(page, "pain_rest", "3")
    tap(page, "bladder_bowel_change", "yes")
    page.get_by_role("button", name="Save check-in").click()
    banner = page.locator(".banner.emergency[role=alert]")
    banner.wait_for()
    assert "emergency" in banner.inner_text().lower()
    assert banner.bounding_box() is not None and banner.bounding_box()["y"] < 844  # type: ignore[index]
    looks_right(page, site, "red-flag")
    page.goto(site.at("today"))
    assert page.locator(".banner.emergency").count() == 1  # and Today leads with it


def test_the_check_in_works_without_javascript(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in_by_tapping(page, site)
        page.goto(site.at("checkin"))
        tap(page, "pain_rest", "1")
        page.get_by_role("button", name="Save check-in").click()
        page.wait_for_url("**/today")  # a plain form post, answered with a redirect to Today
        assert not page.get_by_role("link", name="Check in for today").count()
        assert_fits_width(page)
        assert_not_blank(page)
    finally:
        context.close()


def test_the_pages_read_in_dark_mode_too(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    try:
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        sign_in_by_tapping(page, site)
        for name in ("today", "checkin", "plan", "log", "settings"):
            page.goto(site.at(name))
            looks_right(page, site, f"dark-{name}")
            ink, paper = page.evaluate("[getComputedStyle(document.body).color, "
                                       "getComputedStyle(document.documentElement).backgroundColor]")
            assert ink != paper and paper != "rgb(250, 250, 247)", name  # the dark palette, not the light one
    finally:
        context.close()


def test_history_and_an_import_by_keyboard_alone(page: Page, site: Site, tmp_path: Path) -> None:
    activities = SHARED / "data" / "activities"
    if not activities.is_dir():
        pytest.skip(f"the shared activity files are absent ({activities}); set BACKSTRIDE_SHARED")
    file = tmp_path / Path(IMPORT_FILES[0]).name
    shutil.copy(activities / IMPORT_FILES[0], file)
    sign_in_by_tapping(page, site)

    tab_to(page, 'nav a[href$="/history"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/history")
    tab_to(page, "summary#chart-load-pain-numbers", max_tabs=120)
    page.keyboard.press("Enter")  # the numbers behind the first picture, opened from the keyboard
    assert page.locator("#chart-load-pain-numbers >> xpath=..").evaluate("d => d.open")
    looks_right(page, site, "kb-history-numbers")

    tab_to(page, 'nav a[href$="/imports"]', max_tabs=200)
    page.keyboard.press("Enter")
    page.wait_for_url("**/imports")
    tab_to(page, 'input[type="file"]')
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")  # the file picker opens from the keyboard
    chooser.value.set_files([file])
    tab_to(page, 'button[type="submit"].primary')
    page.keyboard.press("Enter")
    page.wait_for_url("**/imports/*")
    page.get_by_text("1 file read").wait_for(timeout=60_000)
    looks_right(page, site, "kb-import-done")
    tab_to(page, 'a[href$="/history"]:not(nav a)')  # and on to the history it filled in
    page.keyboard.press("Enter")
    page.wait_for_url("**/history")


def test_leg_questions_come_only_after_a_leg_symptom(page: Page, site: Site) -> None:
    sign_in_by_tapping(page, site)
    page.goto(site.at("checkin"))
    assert not page.locator('input[name="both_legs"]').count()  # not asked without leg symptoms
    tap(page, "pain_rest", "2")
    tap(page, "numbness_tingling", "yes")
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/checkin?legs=true")
    looks_right(page, site, "legs")
    tap(page, "both_legs", "no")
    page.get_by_role("button", name="Save check-in").click()
    page.locator("#decision .banner").wait_for()  # one leg: see a clinician soon, shown at once
    assert "both legs" not in page.locator("#decision").inner_text()
