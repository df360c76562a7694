"""The vendored htmx and the app's CSS: the file the README names, its licence, and no outside fetches."""

from __future__ import annotations

import hashlib
import re
import tomllib

from tests.conftest import REPO

STATIC = REPO / "src" / "backstride" / "web" / "static"


def test_vendored_htmx_is_the_version_and_file_the_readme_names() -> None:
    readme = (STATIC / "README.md").read_text(encoding="utf-8")
    data = (STATIC / "htmx.min.js").read_bytes()
    digest = re.search(r"sha256: `([0-9a-f]{64})`", readme)
    assert digest and hashlib.sha256(data).hexdigest() == digest.group(1)
    version = re.search(r"\| `htmx.min.js` \|[^|]*\| (2\.\d+\.\d+) \|", readme)
    assert version and f'version:"{version.group(1)}"' in data.decode("utf-8")
    assert "Zero-Clause BSD" in (STATIC / "htmx.LICENSE.txt").read_text(encoding="utf-8")


def test_the_css_is_mobile_first_dark_aware_and_fetches_nothing() -> None:
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    assert "prefers-color-scheme:dark" in css.replace(" ", "") and ".banner-red" in css and "min-height:44px" in css
    assert ":focus-visible" in css and ".visually-hidden" in css and ".htmx-indicator" in css and ".chart-figure" in css
    assert not re.search(r"url\(|@import|https?://", css)


def test_static_files_ship_in_the_package() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "web/static/*" in pyproject["tool"]["setuptools"]["package-data"]["backstride"]
