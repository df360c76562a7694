"""Hypothesis (fixed, derandomized profile): semantic validation of GPX points (T6)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.importers import decode
from backstride.importers.plausible import check_activity

# T6's figure is 1,000 examples; each is a small document, so they take a few seconds.
PROFILE = settings(max_examples=1000, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

point = st.tuples(
    st.floats(-100, 100, allow_nan=False),  # latitude, some out of range
    st.floats(-200, 200, allow_nan=False),  # longitude, some out of range
    st.integers(0, 300),  # heart rate, some impossible
    st.integers(0, 4_102_444_800),  # seconds since 1970: 1970..2100
)
TODAY = dt.date(2026, 12, 4)


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
        # what may be stored: the boundary check refuses dates outside 1980..tomorrow, drops impossible heart rates
        kept = check_activity(a, TODAY).activity
        if kept is not None:
            assert dt.date(1980, 1, 1) <= kept.start.date() <= TODAY + dt.timedelta(days=1)
            assert kept.avg_hr is None or 25 <= kept.avg_hr <= 250
            assert kept.max_hr is None or 25 <= kept.max_hr <= 250


def test_null_island_is_a_valid_point() -> None:
    res = decode("z.gpx", _doc([(0.0, 0.0, 120, 1_000_000), (0.0001, 0.0, 121, 1_000_010)]))
    assert res.activities and res.activities[0].distance_m is not None and res.activities[0].distance_m > 10
