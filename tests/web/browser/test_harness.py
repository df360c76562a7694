"""The browser harness proves itself on a page of history charts, served by a small test-only ASGI app.

The page is what the History page shows (each chart, its sentence, its numbers in a table behind a
disclosure), styled by the app's own CSS, under a CSP with no inline script or style: the charts must
draw, fit a 390 px phone, and be reachable by keyboard. The helpers must also catch what they are
for: a blank page and a page wider than the phone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from jinja2 import Environment, FileSystemLoader

from backstride.services.demo import demo_state
from backstride.services.history import History, history_for
from backstride.storage import Database, create_athlete
from backstride.web.charts import Chart, history_charts
from tests.conftest import REPO
from tests.web.browser.conftest import (
    accessibility_problems,
    assert_fits_width,
    assert_not_blank,
    focused,
    png_colours,
    require_browser,
    tab_to,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

STATIC = REPO / "src" / "backstride" / "web" / "static"
TEMPLATES = REPO / "src" / "backstride" / "web" / "templates"
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

pytestmark = pytest.mark.usefixtures("_browser_here")


@pytest.fixture
def _browser_here() -> None:
    require_browser()


def _figure(chart: Chart) -> str:
    """A chart as the app's own partial (templates/_chart.html) draws it."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    return env.get_template("_chart.html").render(chart=chart)


def charts_page(h: History) -> str:
    """The History page's charts as the web app lays them out."""
    figures = "".join(_figure(c) for c in history_charts(h))
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "allowEval": false}\'>'
            '<title>History</title><link rel="stylesheet" href="/static/app.css"></head><body>'
            '<a class="skip-link" href="#main">Skip to the charts</a>'
            '<header><nav><ul><li><a href="/">Today</a></li><li><a href="/history" aria-current="page">History</a>'
            f'</li></ul></nav></header><main id="main"><h1>History</h1>{figures}</main>'
            '<script src="/static/htmx.min.js"></script></body></html>')


def asgi_app(pages: dict[str, str]) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """A bare ASGI app serving ``pages`` (path -> HTML) and /static/ from the package, under a strict CSP."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path: str = scope["path"]
        status, kind, body = 404, "text/plain", b"not found"
        if path in pages:
            status, kind, body = 200, "text/html; charset=utf-8", pages[path].encode()
        elif path.startswith("/static/") and (STATIC / path.removeprefix("/static/")).is_file():
            file = STATIC / path.removeprefix("/static/")
            status, body = 200, file.read_bytes()
            kind = {".css": "text/css", ".js": "text/javascript"}.get(file.suffix, "application/octet-stream")
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", kind.encode()), (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff")]})
        await send({"type": "http.response.body", "body": body})

    return app


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    db = Database.open(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'log.db'}")
    today = dt.date(2026, 12, 3)
    try:
        return history_for(db, create_athlete(db, demo_state(today), name="Sam"), today, weeks=12)
    finally:
        db.dispose()


@pytest.fixture
def site(serve: Callable[..., str], history: History) -> str:
    empty = History(history.today, "km", tuple(), (), (), (), (), 0)
    return serve(asgi_app({
        "/history": charts_page(history),
        "/empty-history": charts_page(empty),
        "/blank": '<!doctype html><html><head><meta name="viewport" content="width=device-width"></head>'
                  "<body></body></html>",
        "/too-wide": '<!doctype html><html><head><meta name="viewport" content="width=device-width"></head>'
                     '<body><table><tr><td>' + "x" * 300 + "</td></tr></table></body></html>",
    }))


def test_the_charts_draw_on_a_phone_and_fit_its_width(page: Page, site: str, history: History, tmp_path: Path) -> None:
    page.goto(f"{site}/history")
    assert_not_blank(page, tmp_path / "history.png")
    assert_fits_width(page)
    widths = page.eval_on_selector_all("svg.chart", "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(widths) == len(history_charts(history)) == 5 and all(300 <= w <= 390 for w in widths)
    assert page.locator("svg.chart title").first.text_content() == "Weekly running distance and pain"
    assert not accessibility_problems(page)
    assert not [e for e in page.errors if "Content Security Policy" in e or "Refused" in e]  # type: ignore[attr-defined]


def test_the_numbers_open_by_keyboard_alone(page: Page, site: str) -> None:
    page.goto(f"{site}/history")
    assert "skip" in tab_to(page, "a.skip-link").lower()
    tab_to(page, "summary#chart-runs-numbers")
    page.keyboard.press("Enter")
    assert page.locator("summary#chart-runs-numbers >> xpath=..").evaluate("d => d.open")
    assert page.locator("#chart-runs ~ details table tbody tr").count() > 0
    assert_fits_width(page)  # the open table scrolls inside its box, not the page
    assert "summary" in focused(page)


def test_an_empty_history_still_draws_its_calm_message(page: Page, site: str) -> None:
    page.goto(f"{site}/empty-history")
    assert_not_blank(page)
    assert_fits_width(page)
    assert page.get_by_text("Nothing logged yet", exact=False).count() >= 1


def test_the_helpers_catch_a_blank_page_and_a_page_too_wide(page: Page, site: str) -> None:
    page.goto(f"{site}/blank")
    assert png_colours(page.screenshot()) == 1
    with pytest.raises(AssertionError, match="blank"):
        assert_not_blank(page)
    page.goto(f"{site}/too-wide")
    with pytest.raises(AssertionError, match="wide"):
        assert_fits_width(page)
    with pytest.raises(AssertionError, match="not reached"):
        tab_to(page, "button#nowhere", max_tabs=5)


def test_the_charts_still_fit_a_small_phone(browser: Browser, site: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        small = context.new_page()
        small.goto(f"{site}/history")
        assert_fits_width(small)
        assert_not_blank(small)
        widths = small.eval_on_selector_all("svg.chart", "els => els.map(e => e.getBoundingClientRect().width)")
        assert widths and all(w <= 320 for w in widths)
    finally:
        context.close()
