"""Totals computed from FIT ``record`` messages, for files without (usable) sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .common import cadence_from_samples
from .fit_scan import FIT_EPOCH_OFFSET, FitMessage
from .geo import elevation_gain_loss, haversine_m, moving_seconds

__all__ = ["CADENCE_FIELDS", "RECORD_FIELDS", "RecordSummary", "cadence_only", "summarise_records"]

# record fields the summary reads: position, altitude, HR, cadence, distance, timestamp
RECORD_FIELDS = frozenset({0, 1, 2, 3, 4, 5, 53, 78, 253})
CADENCE_FIELDS = frozenset({4, 53, 253})
_SEMI = 180.0 / 2**31  # semicircles -> degrees
_MIN_TS = 0x10000000


@dataclass(slots=True)
class RecordSummary:
    """Totals over a file's records; ``points`` keeps (unix time, distance m) for windows."""

    count: int = 0
    start: dt.datetime | None = None
    distance_m: float | None = None
    elapsed_s: float | None = None
    moving_s: float | None = None
    gain_m: float | None = None
    loss_m: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    avg_cadence_spm: float | None = None  # steps/min, assuming running-style per-leg samples
    points: list[tuple[int, float]] = field(default_factory=list)
    cadences: list[tuple[int, float]] = field(default_factory=list)

    def cadence_between(self, start: dt.datetime, end: dt.datetime | None) -> float | None:
        """Average steps/min of the cadence samples between two times."""
        lo = start.timestamp()
        hi = end.timestamp() if end is not None else float("inf")
        return cadence_from_samples([c for t, c in self.cadences if lo <= t <= hi])

    def distance_between(self, start: dt.datetime, end: dt.datetime | None) -> float | None:
        """Distance covered between two times (for sessions that lack a total)."""
        lo = start.timestamp()
        hi = end.timestamp() if end is not None else float("inf")
        inside = [d for t, d in self.points if lo <= t <= hi]
        return max(inside) - min(inside) if len(inside) >= 2 else None


def summarise_records(messages: list[FitMessage]) -> RecordSummary:
    """Sum up record messages (field 253 must already hold absolute timestamps)."""
    rows: list[tuple[int, dict[int, object]]] = []
    for m in messages:
        ts = m.fields.get(253)
        if isinstance(ts, int) and ts >= _MIN_TS:
            rows.append((ts + FIT_EPOCH_OFFSET, m.fields))
    out = RecordSummary(count=len(rows))
    if not rows:
        return out
    out.start = dt.datetime.fromtimestamp(rows[0][0], tz=dt.UTC)
    out.elapsed_s = float(rows[-1][0] - rows[0][0])
    cum = 0.0
    prev_t: int | None = None
    prev_pos: tuple[float, float] | None = None
    prev_d: float | None = None
    steps: list[tuple[float, float | None]] = []
    have_dist_field = False
    alts: list[float] = []
    hrs: list[float] = []
    cads: list[float] = []
    for t, f in rows:
        d_field = f.get(5)
        lat, lon = f.get(0), f.get(1)
        step: float | None = None
        if isinstance(d_field, int):
            have_dist_field = True
            d = d_field / 100.0
            if prev_d is not None:
                step = max(0.0, d - prev_d)
            prev_d = d
            cum = max(cum, d)
        elif isinstance(lat, int) and isinstance(lon, int):
            pos = (lat * _SEMI, lon * _SEMI)
            if prev_pos is not None:
                step = haversine_m(*prev_pos, *pos)
                if not have_dist_field:
                    cum += step
            prev_pos = pos
        if prev_t is not None:
            steps.append((float(t - prev_t), step))
        prev_t = t
        out.points.append((t, cum))
        alt = f.get(78, f.get(2))
        if isinstance(alt, int):
            alts.append(alt / 5.0 - 500.0)
        hr = f.get(3)
        if isinstance(hr, int) and 0 < hr < 255:
            hrs.append(float(hr))
        cad = f.get(4)
        if isinstance(cad, int) and cad > 0:
            frac = f.get(53)
            cads.append(cad + (frac / 128.0 if isinstance(frac, int) else 0.0))
            out.cadences.append((t, cads[-1]))
    out.distance_m = cum if cum > 0 else None
    out.moving_s = moving_seconds(steps)
    if alts:
        out.gain_m, out.loss_m = elevation_gain_loss(alts)
    if hrs:
        out.avg_hr, out.max_hr = round(sum(hrs) / len(hrs), 1), max(hrs)
    out.avg_cadence_spm = cadence_from_samples(cads)
    return out


def cadence_only(messages: list[FitMessage]) -> RecordSummary:
    """Just the timed cadence samples (for sessions whose only gap is cadence)."""
    out = RecordSummary()
    for m in messages:
        f = m.fields
        ts, cad = f.get(253), f.get(4)
        if isinstance(ts, int) and ts >= _MIN_TS and isinstance(cad, int) and cad > 0:
            frac = f.get(53)
            out.cadences.append((ts + FIT_EPOCH_OFFSET, cad + (frac / 128.0 if isinstance(frac, int) else 0.0)))
    out.count = len(out.cadences)
    return out
