"""Small rules shared by all formats: run vs cross-training, cadence units, times, hashing."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re

__all__ = [
    "RUN_SPORTS",
    "cadence_from_samples",
    "finite_float",
    "kind_for",
    "parse_iso_time",
    "sha256_hex",
    "steps_per_minute",
]

# sport strings (as produced by the decoders) that count as running for backstride
RUN_SPORTS = frozenset(
    {"running", "treadmill_running", "trail_running", "track_running", "virtual_running", "indoor_running"}
)

# A per-leg running cadence above this is not per leg: nobody takes > 260 steps/min, so the
# file already holds steps/min (seen in a real treadmill TCX; Polar and some apps do this).
PER_LEG_MAX = 130.0


def finite_float(text: str | None) -> float | None:
    """A number from XML text, or None when it is missing, not a number, NaN or infinite."""
    if text is None:
        return None
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def kind_for(sport: str) -> str:
    """``"run"`` for running sports, else ``"cross_training"``."""
    return "run" if sport in RUN_SPORTS else "cross_training"


SPM_MIN, SPM_MAX = 40.0, 260.0  # outside this a "cadence" is noise or a different unit


def steps_per_minute(per_leg: float | None) -> float | None:
    """Turn a per-leg (strides/min) running cadence into steps/min, unless it already is."""
    if per_leg is None or per_leg <= 0:
        return None
    spm = per_leg if per_leg > PER_LEG_MAX else per_leg * 2
    return round(spm, 1) if SPM_MIN <= spm <= SPM_MAX else None


def cadence_from_samples(values: list[float]) -> float | None:
    """Average steps/min from per-sample cadences (zeros already removed).

    The unit is decided once per file from the 90th percentile, not per sample: a file in
    steps/min that includes slow walking has samples near 118 that must not be doubled.
    """
    if not values:
        return None
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    mean = sum(values) / len(values)
    spm = mean if p90 > PER_LEG_MAX else mean * 2
    return round(spm, 1) if SPM_MIN <= spm <= SPM_MAX else None


_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_iso_time(text: str | None) -> dt.datetime | None:
    """Parse an XML/ISO-8601 timestamp; naive times are taken as UTC. None when unparseable."""
    if not text:
        return None
    s = text.strip()
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    if len(s) > 32:
        s = _FRACTION.sub(r"\1", s)  # fromisoformat accepts at most 6 fractional digits
    try:
        t = dt.datetime.fromisoformat(s)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()
