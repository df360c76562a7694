"""Hypothesis (fixed, derandomized profile): semantic validation of GPX points (T6)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.importers import decode

PROFILE = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

point = st.tuples(
    st.floats(-100, 100, allow_nan=False),  # latitude, some out of range
    st.floats(-200, 200, allow_nan=False),  # longitude, some out of range
    st.integers(0, 300),  # heart rate, some impossible
    st.integers(0, 10**9),  # seconds since 1970: 1970..2001
)


def _doc(points: list[tuple[float, float, int, int]]) -> bytes:
    pts = "".join(
        f'<trkpt lat="{lat}" lon="{lon}"><time>{dt.datetime.fromtimestamp(t, dt.UTC).isoformat()}</time>'
        f"<extensions><hr>{hr}</hr></extensions></trkpt>"
        for lat, lon, hr, t in points
    )
    return (
        f'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{pts}</trkseg></trk></gpx>'.encode()
    )


@PROFILE
@given(st.lists(point, max_size=30))
def test_gpx_points_never_crash_and_stay_in_range(points: list[tuple[float, float, int, int]]) -> None:
    res = decode("p.gpx", _doc(points))
    assert len(res.activities) + len(res.failures) == 1
    valid = [p for p in points if -90 <= p[0] <= 90 and -180 <= p[1] <= 180]
    if res.activities:
        a = res.activities[0]
        assert len(valid) >= 2
        assert a.distance_m is not None and 0 <= a.distance_m <= 20_015_087 * len(valid)
        assert a.elapsed_s is not None and a.elapsed_s >= 0
        assert a.avg_hr is None or 0 < a.avg_hr < 255
        assert a.max_hr is None or a.max_hr < 255
        assert (len(valid) < len(points)) == ("out-of-range" in a.notes)


def test_null_island_is_a_valid_point() -> None:
    res = decode("z.gpx", _doc([(0.0, 0.0, 120, 1_000_000), (0.0001, 0.0, 121, 1_000_010)]))
    assert res.activities and res.activities[0].distance_m is not None and res.activities[0].distance_m > 10
