"""Every file in the shared corpus (MANIFEST.tsv) against its reference totals."""

from __future__ import annotations

import pytest

from backstride.importers import DecodeResult, ImportedActivity, decode, iter_sources
from backstride.importers.parallel import decode_one

from .conftest import DATA, Row, fit_refs, gpx_ref, manifest_rows, need_data, real, tcx_refs

ROWS = manifest_rows()
IDS = [r.file for r in ROWS]

# Files the manifest marks broken or odd, and what the importer must do with each.
# ("activity", partial?) = the saveable part is imported; ("failure"|"skipped", words in the reason)
BROKEN: dict[str, tuple[str, object]] = {
    "fit/fitparse__nick.fit": ("activity", True),  # truncated Sigma file: totals from 14k records
    "fit/fitparse__activity-unexpected-eof.fit": ("activity", True),
    "fit/fitparse__activity-filecrc.fit": ("activity", False),  # bad CRC only: data is fine
    "fit/fitparse__activity-settings-corruptheader.fit": ("activity", True),
    "fit/fitparse__strava-android-app-201.10-b1218918.fit": ("activity", True),
    "fit/gpsbabel__lezyne_super_gps-garmin_fit-sample-bad-endian.fit": ("activity", True),
    # header data_size=0: fitdecode reads nothing, we scan to the end and recover a Zwift ride
    "fit/sportslib__empty-activities.fit": ("activity", True),
    "fit/sportslib__empty-sessions.fit": ("failure", "empty file"),
    "fit/fitparse__MonitoringFile.fit": ("skipped", "monitoring"),
    "fit/garminsdk__WithGearChangeData.fit": ("activity", False),  # records only, no session
    "gpx/goldencheetah__MetadataOnly.gpx": ("failure", "no track points"),
    "gpx/gpxpy__gpx_with_garmin_extension.gpx": ("failure", "no track points"),
    "gpx/gpxpy__unicode_with_bom.gpx": ("failure", "no track points"),
    "gpx/gpxpy__gpx1.0_with_all_fields.gpx": ("failure", "fewer than 2 timed points"),
    "exports/runalyze__GarminConnect.csv": ("failure", "unsupported summary list"),
}

# Runs with has_cadence=yes whose honest average is below 120 steps/min.
LOW_CADENCE = {
    # device session average (58.6 strides/min) includes stops; its GPX twin's non-zero samples give 134.6
    "fit/sportslib__2067489619.fit": (100.0, 125.0),
    # Suunto writes no session cadence; records average 109 over a 10:30 min/km jog-walk
    "fit/goldencheetah__Move_2020_01_15_19_27_16_Running.fit": (100.0, 125.0),
    # the first "running" session covers 2.2 km in 38 min (a walk): the device says 57.4 strides/min
    "fit/fitparse__activity-large-fenxi2-multisport.fit": (100.0, 230.0),
}


def _decode_path(row: Row) -> DecodeResult:
    if row.format == "zip":
        need_data()
        out = DecodeResult()
        for src in iter_sources([row.path]):
            out.extend(decode_one(src))
        return out
    return decode(row.file, real(row.file))


def _close(got: float | None, want: float, rel: float = 0.01, abs_tol: float = 1.0) -> bool:
    return got is not None and abs(got - want) <= max(abs_tol, rel * abs(want))


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_manifest_file(row: Row) -> None:
    if row.format == "csv":
        pytest.skip("CSV exports are covered in test_csv_exports.py")
    res = _decode_path(row)
    expected = BROKEN.get(row.file)
    if expected is not None and expected[0] != "activity":
        kind, words = expected
        items = [f.reason for f in res.failures] if kind == "failure" else res.skipped
        assert not res.activities
        assert items and str(words) in items[0], items
        return
    assert res.activities, res.failures
    assert not res.failures
    if expected is not None:
        assert all(a.partial is expected[1] for a in res.activities)
        assert all(a.notes for a in res.activities if a.partial)
    if row.format in ("fit", "fit.gz", "zip"):
        _check_fit(row, res.activities)
    elif row.format == "tcx":
        _check_tcx(row, res.activities)
    elif row.format == "gpx":
        _check_gpx(row, res.activities)
    _check_kind_and_cadence(row, res.activities)


def _check_fit(row: Row, acts: list[ImportedActivity]) -> None:
    refs = fit_refs(row.notes)
    if not refs:
        return  # no session in the reference decode: totals came from records
    assert len(acts) == len(refs)
    for a, (_sport, dist_km, elapsed, timer) in zip(acts, refs, strict=True):
        if dist_km is not None:
            assert _close(a.distance_m, dist_km * 1000, abs_tol=5), (a.distance_m, dist_km)
        assert _close(a.elapsed_s, elapsed), (a.elapsed_s, elapsed)
        assert _close(a.moving_s, timer), (a.moving_s, timer)
        assert a.start.tzinfo is not None and a.source_format == "fit"


def _check_tcx(row: Row, acts: list[ImportedActivity]) -> None:
    refs = tcx_refs(row.notes)
    assert len(acts) == len(refs)
    for a, (_sport, dist_km, lap_time) in zip(acts, refs, strict=True):
        assert _close(a.distance_m, dist_km * 1000, abs_tol=5), (a.distance_m, dist_km)
        assert _close(a.moving_s, lap_time), (a.moving_s, lap_time)
        assert a.elapsed_s is not None and a.elapsed_s >= a.moving_s - 1  # type: ignore[operator]


def _check_gpx(row: Row, acts: list[ImportedActivity]) -> None:
    ref = gpx_ref(row.notes)
    assert ref is not None and len(acts) == 1
    _points, length_km, duration = ref
    a = acts[0]
    assert _close(a.distance_m, length_km * 1000, abs_tol=5), (a.distance_m, length_km)
    if duration is not None:
        assert _close(a.elapsed_s, duration), (a.elapsed_s, duration)


def _check_kind_and_cadence(row: Row, acts: list[ImportedActivity]) -> None:
    sports = [s.split("/")[0].split(" ")[0].lower() for s in row.sport.split("+")] if row.sport else []
    if len(sports) == len(acts):
        for a, s in zip(acts, sports, strict=True):
            if s in ("running",):
                assert a.kind == "run", a.sport
            elif s in ("cycling", "biking", "swimming", "walking", "transition", "other", "generic"):
                assert a.kind == "cross_training", a.sport
    if row.has_cadence == "yes":
        lo, hi = LOW_CADENCE.get(row.file, (120.0, 230.0))
        for a in acts:
            if a.kind == "run":
                assert a.avg_cadence_spm is not None and lo <= a.avg_cadence_spm <= hi, a.avg_cadence_spm


def test_manifest_is_covered() -> None:
    need_data()
    assert len(ROWS) == 77
    assert set(BROKEN) <= set(IDS)


def _one(path: str) -> ImportedActivity:
    acts = decode(path, real(path)).activities
    assert len(acts) == 1
    return acts[0]


@pytest.mark.parametrize(
    ("fit", "other", "duration"),
    [
        (
            "fit/goldencheetah__10kUNLP2014-Garmin15.fit",
            "tcx/goldencheetah__10kUNLP2014-Garmin15.tcx",
            "moving",
        ),
        ("fit/sportslib__6860622783.fit", "tcx/sportslib__6860622783.tcx", "moving"),
        ("fit/sportslib__2067489619.fit", "gpx/sportslib__2067489619.gpx", "elapsed"),
    ],
)
def test_twins_agree(fit: str, other: str, duration: str) -> None:
    a, b = _one(fit), _one(other)
    assert abs((a.start - b.start).total_seconds()) <= 1
    field = "moving_s" if duration == "moving" else "elapsed_s"
    assert _close(getattr(b, field), getattr(a, field)), (getattr(a, field), getattr(b, field))
    assert _close(b.elapsed_s, a.elapsed_s, rel=0.01, abs_tol=5)
    assert a.kind == b.kind == "run"


def test_fit_gz_and_fit_share_hash() -> None:
    import gzip

    raw = real("fit/goldencheetah__14582164182.fit.gz")
    plain = gzip.decompress(raw)
    a = decode("x.fit.gz", raw).activities[0]
    b = decode("x.fit", plain).activities[0]
    assert a.content_sha256 == b.content_sha256 and a.distance_m == b.distance_m


def test_treadmill_doubled_cadence_is_not_doubled_again() -> None:
    a = _one("tcx/runalyze__Treadmill-doubled-cadence.tcx")
    assert a.avg_cadence_spm is not None and 120 <= a.avg_cadence_spm <= 200


def test_treadmill_tcx_keeps_points_without_position() -> None:
    a = _one("tcx/sportslib__6860622783.tcx")
    assert a.distance_m is not None and a.distance_m > 10_000
    assert a.elapsed_s is not None and a.elapsed_s > 3000 and "no GPS positions" in a.notes


def test_multisport_fit_one_activity_per_session() -> None:
    acts = decode("m.fit", real("fit/fitparse__sample_mulitple_header.fit")).activities
    assert [a.sport for a in acts] == ["swimming", "transition", "cycling", "transition", "running"]
    assert [a.kind for a in acts][-1] == "run"
    assert sum(len(a.laps) for a in acts) >= 5


def test_truncated_fit_keeps_records() -> None:
    a = _one("fit/fitparse__nick.fit")
    assert a.partial and "truncated" in a.notes and a.distance_m and a.distance_m > 1000


def test_gpx_hr_in_gpx10_inline_extensions() -> None:
    a = _one("gpx/runalyze__hr-not-always-there.gpx")
    assert a.avg_hr is not None and 60 < a.avg_hr < 200


def test_folder_walk_is_sorted_and_complete() -> None:
    need_data()
    names = [s.name for s in iter_sources([DATA / "gpx"])]
    assert names == sorted(names) and len(names) == 15


@pytest.mark.parametrize(
    "path",
    [
        "fit/goldencheetah__MultiSport-2019-11-24.fit",  # 3 MB multisport
        "fit/fitparse__activity-large-fenxi2-multisport.fit",  # 1 MB, cadence from records
        "fit/fitparse__compressed-speed-distance.fit",  # compressed timestamps
        "fit/fitparse__2019-02-17-062644-ELEMNT-297E-195-0.fit",  # 700 KB ride
    ],
)
def test_big_legit_files_within_budget(path: str) -> None:
    """T3: big and awkward legit files parse well inside the per-size time budget."""
    import time

    from backstride.importers.limits import time_budget_s

    data = real(path)
    t = time.perf_counter()
    res = decode(path, data)
    assert res.activities and not res.failures
    assert time.perf_counter() - t < time_budget_s(len(data)) / 4
