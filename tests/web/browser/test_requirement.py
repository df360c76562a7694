"""Without a browser the browser tests skip with the reason, unless CI requires them: then they fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.browser import conftest as harness


def test_no_chromium_skips_with_the_reason(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(harness, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("BACKSTRIDE_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed"):
        harness.require_browser()


def test_no_chromium_fails_when_the_browser_is_required(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(harness, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("BACKSTRIDE_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="BACKSTRIDE_REQUIRE_BROWSER=1"):
        harness.require_browser()


def test_the_screenshot_reader_counts_colours() -> None:
    import struct
    import zlib

    def png(rows: list[bytes], width: int) -> bytes:
        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        raw = b"".join(b"\x00" + r for r in rows)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

    white = b"\xff\xff\xff" * 8
    assert harness.png_colours(png([white] * 8, 8)) == 1
    assert harness.png_colours(png([white] * 7 + [b"\x00\x00\x00" * 8], 8)) == 2
