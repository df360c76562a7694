"""Strava activities.csv (both real layouts) and the Garmin Connect activity-list CSV."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from backstride.importers import DecodeResult, decode, iter_sources
from backstride.importers.parallel import decode_one

from .conftest import real
from .test_xml import gpx


@pytest.mark.parametrize(
    ("path", "rows", "runs"),
    [("exports/joboso__strava-activities-2023-10.csv", 1122, 424),
     ("exports/joboso__strava-activities-2025-08.csv", 1845, 643)],
    ids=["2023-html-headers", "2025-99-columns"],
)  # fmt: skip
def test_strava_csv_layouts(path: str, rows: int, runs: int) -> None:
    res = decode("activities.csv", real(path))
    assert not res.failures and len(res.activities) == rows
    assert sum(a.kind == "run" for a in res.activities) == runs
    first_run = next(a for a in res.activities if a.kind == "run")
    assert first_run.start == dt.datetime(2016, 10, 10, 20, 55, 48, tzinfo=dt.UTC)
    assert first_run.distance_m == pytest.approx(6639.4, abs=0.1)  # metres column, not the km one
    assert (first_run.elapsed_s, first_run.moving_s) == (1770.0, 1765.0)
    sails = [a for a in res.activities if a.sport == "sail"]
    assert all(a.distance_m is None or a.distance_m > 1000 for a in sails)  # metres, not nautical miles
    assert len({a.content_sha256 for a in res.activities}) == rows


def test_garmin_activity_list_is_reported_unsupported() -> None:
    res = decode("GarminConnect.csv", real("exports/runalyze__GarminConnect.csv"))
    assert not res.activities and "unsupported summary list" in res.failures[0].reason


def test_unknown_csv() -> None:
    assert "not a Strava activities.csv" in decode("x.csv", b"a,b\n1,2\n").failures[0].reason


def test_strava_folder_export(tmp_path: Path) -> None:
    header = real("exports/joboso__strava-activities-2025-08.csv").split(b"\n", 1)[0].decode()
    cols = header.split(",")
    fn_i, type_i, date_i = cols.index("Filename"), cols.index("Activity Type"), cols.index("Activity Date")

    def row(act_id: str, typ: str, fn: str) -> str:
        cells = [""] * len(cols)
        cells[0], cells[type_i], cells[fn_i] = act_id, typ, fn
        cells[date_i] = '"Aug 21, 2025, 2:19:20 PM"'
        return ",".join(cells)

    (tmp_path / "activities").mkdir()
    (tmp_path / "activities" / "11.gpx.gz").write_bytes(gzip.compress(gpx(30, type_=None).encode()))
    (tmp_path / "activities.csv").write_text(
        "\n".join([header, row("11", "Hike", "activities/11.gpx.gz"), row("12", "Run", "activities/12.fit.gz")])
    )
    (tmp_path / "notes.txt").write_text("hello")
    out = DecodeResult()
    for src in iter_sources([tmp_path]):
        out.extend(decode_one(src))
    assert not out.failures, out.failures
    hike = next(a for a in out.activities if a.source_format == "gpx")
    assert hike.sport == "hiking" and hike.kind == "cross_training"
    csv_only = [a for a in out.activities if a.source_format == "strava_csv"]
    assert [a.source_name.rsplit("!", 1)[1] for a in csv_only] == ["12"]
    assert out.skipped == [f"{tmp_path.name}/notes.txt: not an activity file"]
