"""Shared fixtures for importer tests: the real-file corpus next to the repository."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SHARED

REPO = Path(__file__).resolve().parents[2]
DATA = (SHARED / "data" / "activities").resolve()  # ../shared from the repository root, or $BACKSTRIDE_SHARED
MANIFEST = DATA / "MANIFEST.tsv"


@dataclass(frozen=True)
class Row:
    file: str
    format: str
    sport: str
    has_cadence: str
    has_hr: str
    notes: str

    @property
    def path(self) -> Path:
        return DATA / self.file


def manifest_rows() -> list[Row]:
    """MANIFEST.tsv rows (empty when the shared data is absent)."""
    if not MANIFEST.exists():
        return []
    with MANIFEST.open(encoding="utf-8", newline="") as f:
        return [
            Row(r["file"], r["format"], r["sport"], r["has_cadence"], r["has_hr"], r["notes"])
            for r in csv.DictReader(f, delimiter="\t")
        ]


def need_data() -> None:
    if not MANIFEST.exists():
        pytest.skip(f"shared activity corpus not found at {DATA}")


def real(path: str) -> bytes:
    """Bytes of one shared file (skips the test when the corpus is absent)."""
    need_data()
    p = DATA / path
    if not p.exists():
        pytest.skip(f"{p} not present")
    return p.read_bytes()


_NUM = r"(NA|[0-9.]+)"


def fit_refs(notes: str) -> list[tuple[str, float | None, float, float]]:
    """(sport, distance_km, elapsed_s, timer_s) per session from a 'ref fitdecode session' note."""
    m = re.search(r"ref fitdecode (?:\(lenient\) )?session[^:]*?:? ?(.*?)(?:; garmin|$)", notes)
    if not m:
        return []
    out = []
    for part in re.finditer(rf"(?:([\w/]+): )?distance_km={_NUM} elapsed_s={_NUM} timer_s={_NUM}", notes[m.start() :]):
        sport, d, e, t = part.groups()
        out.append((sport or "", None if d == "NA" else float(d), float(e), float(t)))
    return out


def tcx_refs(notes: str) -> list[tuple[str, float, float]]:
    """(sport, lap_distance_km, lap_time_s) per activity."""
    return [
        (s, float(d), float(t))
        for s, d, t in re.findall(r"(\w+): laps=\d+ lap_distance_km=([0-9.]+) lap_time_s=([0-9.]+)", notes)
    ]


def gpx_ref(notes: str) -> tuple[int, float, float | None] | None:
    """(points, length_2d_km, duration_s or None)."""
    m = re.search(r"points=(\d+) length_2d_km=([0-9.]+) duration_s=(None|[0-9.]+)", notes)
    if not m:
        return None
    return int(m.group(1)), float(m.group(2)), None if m.group(3) == "None" else float(m.group(3))
