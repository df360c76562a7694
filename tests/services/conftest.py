"""Shared fixtures of the service tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backstride.storage import Database


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    """Two open handles of one database file: two app workers, each with its own memo."""
    url = f"sqlite:///{tmp_path / 'log.db'}"
    first = Database.open(url)
    second = Database.open(url)
    yield first, second
    first.dispose()
    second.dispose()
