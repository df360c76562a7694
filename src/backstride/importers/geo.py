"""Track arithmetic shared by the GPX, TCX and FIT-record paths (pinned definitions).

* Distance: haversine on a sphere of radius 6,371,008.8 m (IUGG mean earth radius), summed
  within each track segment only (no distance is added across a segment break).
* Moving time: the sum of time steps 0 < dt <= 30 s whose speed is >= 0.5 m/s; when the
  points carry no position (treadmill) every step 0 < dt <= 30 s counts. Longer gaps are
  pauses (auto-pause, lost signal), slower steps are standing still.
* Elevation gain/loss: hysteresis of 3 m: a climb or descent is counted only once the
  altitude has moved 3 m away from the last turning point, which removes GPS/barometer
  jitter without flattening real hills.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["EARTH_RADIUS_M", "elevation_gain_loss", "haversine_m", "moving_seconds"]

EARTH_RADIUS_M = 6371008.8
MAX_MOVING_GAP_S = 30.0
MIN_MOVING_SPEED = 0.5
ELEVATION_HYSTERESIS_M = 3.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def moving_seconds(steps: Sequence[tuple[float, float | None]]) -> float:
    """Sum of moving time over (dt seconds, distance metres or None) steps; see module doc."""
    total = 0.0
    for dt, dist in steps:
        if 0 < dt <= MAX_MOVING_GAP_S and (dist is None or dist / dt >= MIN_MOVING_SPEED):
            total += dt
    return total


def elevation_gain_loss(alts: Sequence[float]) -> tuple[float, float]:
    """Total ascent and descent in metres with a 3 m hysteresis; see module doc."""
    if not alts:
        return 0.0, 0.0
    gain = loss = 0.0
    anchor = alts[0]
    for a in alts[1:]:
        diff = a - anchor
        if diff >= ELEVATION_HYSTERESIS_M:
            gain += diff
            anchor = a
        elif diff <= -ELEVATION_HYSTERESIS_M:
            loss -= diff
            anchor = a
    return gain, loss
