"""Browser tests in real Chromium: Debian's package driven by Playwright (never `playwright install`).

``serve(app)`` runs an ASGI app with uvicorn in a thread on a free port and gives its base URL;
``page`` is a fresh Chromium tab on a 390 x 844 phone screen. The helpers check what a runner would
notice: a blank screen (:func:`assert_not_blank`), a page wider than the phone (:func:`assert_fits_width`),
and a control that cannot be reached by keyboard (:func:`tab_to`).

Without Chromium or Playwright these tests skip with the reason; with ``BACKSTRIDE_REQUIRE_BROWSER=1``
(``./test.sh`` sets it when ``CI=true``) they fail instead, so CI cannot pass by skipping them.
"""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path(os.environ.get("BACKSTRIDE_CHROMIUM", "/usr/lib/chromium/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}


def _unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[dev]')"
    return None


def require_browser() -> None:
    """Skip with the reason when there is no browser here; fail when BACKSTRIDE_REQUIRE_BROWSER=1."""
    reason = _unavailable()
    if reason is None:
        return
    if os.environ.get("BACKSTRIDE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"BACKSTRIDE_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    """``serve(app, port=None)`` starts uvicorn with ``app`` in a thread and returns ``http://127.0.0.1:PORT``.

    Give ``port`` (from :func:`free_port`) when the app must know its own origin before it starts.
    """
    import uvicorn

    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: Any, port: int | None = None) -> str:
        port = port or free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                               lifespan="auto", access_log=False))
        thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the test server on port {port} did not start")
            time.sleep(0.02)
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the browser tests (Debian's, through ``executable_path``).

    Package-scoped, not session-scoped: Playwright's sync API keeps an event loop running in the main
    thread while it is open, and any later test that calls ``asyncio.run`` (the job queue's worker)
    would fail with "cannot be called from a running event loop"."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new tab on a 390 x 844 phone screen, its console errors collected in ``page.errors``."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="en-GB")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.errors = errors  # type: ignore[attr-defined]
    yield tab
    context.close()


# --- what a runner would notice ------------------------------------------------------------------

def png_colours(png: bytes, limit: int = 2) -> int:
    """How many distinct pixel colours an 8-bit RGB/RGBA PNG holds, counting up to ``limit`` (no Pillow)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    height = depth = colour = interlace = 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    assert depth == 8 and colour in (2, 6) and interlace == 0, "only 8-bit RGB(A) screenshots are read"
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    previous = bytearray(stride)
    seen: set[bytes] = set()
    for y in range(height):
        start = y * (stride + 1)
        line = bytearray(raw[start + 1:start + 1 + stride])
        _unfilter(raw[start], line, previous, bpp)
        seen.update(bytes(line[i:i + bpp]) for i in range(0, stride, bpp * 7))  # every 7th pixel is plenty
        if len(seen) >= limit:
            return len(seen)
        previous = line
    return len(seen)


def _unfilter(kind: int, line: bytearray, prev: bytearray, bpp: int) -> None:
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up, corner = prev[i], (prev[i - bpp] if i >= bpp else 0)
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF


def assert_not_blank(page: Page, path: Path | None = None) -> bytes:
    """Take a full-page screenshot (saved to ``path`` when given) and fail when it is all one colour."""
    png = page.screenshot(full_page=True, path=path)
    assert png_colours(png) > 1, f"the page at {page.url} rendered blank (one colour)"
    return png


def assert_fits_width(page: Page) -> None:
    """Fail when the page scrolls sideways on the phone's screen."""
    scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page.url} is {scroll} px wide on a {inner} px screen"


def focused(page: Page) -> str:
    """What has the keyboard focus, as text: its tag, label or text, and id."""
    return str(page.evaluate(
        "(() => { const e = document.activeElement; if (!e) return ''; "
        "const label = e.labels && e.labels.length ? e.labels[0].innerText : ''; "
        "return [e.tagName.toLowerCase(), e.id, e.getAttribute('aria-label') || label || e.innerText || e.value || '']"
        ".join('|').trim(); })()"))


def tab_to(page: Page, selector: str, max_tabs: int = 80, key: str = "Tab") -> str:
    """Press Tab until the element matching ``selector`` has the focus; fail if it is never reached.

    Proves the control is reachable by keyboard alone, in the page's own order. Returns :func:`focused`.
    """
    for _ in range(max_tabs):
        page.keyboard.press(key)
        if page.evaluate("(s) => { const e = document.activeElement; return !!e && e.matches(s); }", selector):
            return focused(page)
    raise AssertionError(f"{selector!r} was not reached in {max_tabs} presses of {key} on {page.url}")


# What a screen reader or keyboard user would trip over first; a light check, not a full audit.
_A11Y_PROBLEMS = """(() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push('the page has no lang');
  if (!document.title.trim()) problems.push('the page has no title');
  if (!document.querySelector('h1')) problems.push('the page has no h1');
  const ids = {};
  for (const e of document.querySelectorAll('[id]')) { ids[e.id] = (ids[e.id] || 0) + 1; }
  for (const [id, n] of Object.entries(ids)) if (n > 1) problems.push('id ' + id + ' is used ' + n + ' times');
  for (const e of document.querySelectorAll('img:not([alt])')) problems.push('an image has no alt: ' + e.src);
  for (const e of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const named = (e.labels && e.labels.length) || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')
      || e.getAttribute('title');
    if (!named) problems.push('a form field has no label: ' + (e.name || e.outerHTML.slice(0, 60)));
  }
  for (const e of document.querySelectorAll('a[href], button')) {
    const name = (e.innerText || '').trim() || e.getAttribute('aria-label') || e.getAttribute('title');
    if (!name && !e.querySelector('img[alt]')) {
      problems.push('a link or button has no name: ' + e.outerHTML.slice(0, 60));
    }
  }
  for (const e of document.querySelectorAll('svg[role=img]')) {
    if (!e.querySelector('title')) problems.push('a chart has no title');
  }
  return problems;
})()"""


def accessibility_problems(page: Page) -> list[str]:
    """Basic problems: no lang, title or h1, repeated ids, unlabelled fields, nameless links, untitled charts."""
    return list(page.evaluate(_A11Y_PROBLEMS))


_SMALL_TARGETS = """((least) => {
  const small = [];
  const targets = document.querySelectorAll(
    'button, nav a, a.button, select, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea, '
    + 'label:has(> input[type=radio]), label:has(> input[type=checkbox])');
  for (const e of targets) {
    const box = e.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not shown
    const what = (e.innerText || e.name || '').trim().slice(0, 30);
    const tall = Math.round(box.height);
    if (tall < least) small.push(e.tagName.toLowerCase() + ' "' + what + '" is ' + tall + ' px tall');
  }
  return small;
})"""


def small_tap_targets(page: Page, least: int = 44) -> list[str]:
    """Buttons, navigation links, fields and choice labels shorter than ``least`` px (a thumb needs about 44)."""
    return list(page.evaluate(_SMALL_TARGETS, least))
