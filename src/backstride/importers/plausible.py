"""The bounds of a human session: one place where every activity, imported or typed by hand, is checked.

A value outside its bounds is either dropped with a named reason (a heart rate of 400 does not make the
run itself impossible) or the whole activity is refused with one (a run at 40 km/h, a date in 2119).
Nothing impossible is stored silently, so the planner never reads it. Pure: ``today`` is an argument.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["BOUNDS", "EARLIEST", "Bound", "Checked", "check_session"]

EARLIEST = dt.date(1980, 1, 1)  # before the first running watches: such a date is a damaged clock


@dataclass(frozen=True, slots=True)
class Bound:
    """The plausible range of one value, its unit and why these numbers."""

    low: float
    high: float
    unit: str
    why: str

    def holds(self, value: float) -> bool:
        """Whether ``value`` is inside the range (both ends included)."""
        return self.low <= value <= self.high


BOUNDS: dict[str, Bound] = {
    "duration_min": Bound(0.5, 24 * 60, "min", "a session lasts from half a minute to a day"),
    "run_distance_km": Bound(0.0, 350.0, "km", "the 24-hour running record is about 320 km"),
    "other_distance_km": Bound(0.0, 1000.0, "km", "a day's cycling stays under 1,000 km"),
    "run_speed_kmh": Bound(2.0, 25.0, "km/h", "slower than 2 km/h is standing still; the 5 km world record "
                                              "is under 25 km/h on average"),
    "other_speed_kmh": Bound(0.5, 80.0, "km/h", "a day's cycling averages well under 80 km/h"),
    "elevation_per_km_m": Bound(0.0, 400.0, "m per km", "the steepest mountain races climb about 300 m a km"),
    "heart_rate_bpm": Bound(25.0, 250.0, "beats/min", "a resting athlete's 30s to the highest recorded 220s"),
    "cadence_spm": Bound(60.0, 260.0, "steps/min", "a slow shuffle near 120, a sprinter near 250"),
}


@dataclass(frozen=True, slots=True)
class Checked:
    """What survives the check: the kept values, what was dropped and why, or why it was refused."""

    values: dict[str, float | None]
    dropped: tuple[str, ...] = ()
    refused: str | None = None


def _refuse(values: dict[str, float | None], why: str) -> Checked:
    return Checked(values, (), why)


def _date_problem(date: dt.date, today: dt.date) -> str | None:
    if date < EARLIEST:
        return f"dated {date}, before {EARLIEST:%Y}: the device's clock was wrong"
    if date > today + dt.timedelta(days=1):
        return f"dated {date}, in the future"
    return None


def _load_problem(running: bool, distance: float | None, minutes: float | None) -> str | None:
    if minutes is not None and not BOUNDS["duration_min"].holds(minutes):
        b = BOUNDS["duration_min"]
        return f"lasting {minutes:g} min, outside {b.low:g}-{b.high:g} min ({b.why})"
    dist = BOUNDS["run_distance_km" if running else "other_distance_km"]
    if distance is not None and not dist.holds(distance):
        return f"{distance:g} km, more than {dist.high:g} km ({dist.why})"
    if distance and minutes:
        speed, b = distance / (minutes / 60), BOUNDS["run_speed_kmh" if running else "other_speed_kmh"]
        if not b.holds(speed):
            return (f"{distance:g} km in {minutes:g} min is {speed:.1f} km/h, outside {b.low:g}-{b.high:g} km/h "
                    f"({b.why}): check the distance and the time")
    return None


def check_session(
    *,
    date: dt.date,
    today: dt.date,
    running: bool,
    distance_km: float | None = None,
    duration_min: float | None = None,
    elevation_gain_m: float | None = None,
    cadence_spm: float | None = None,
    avg_hr: float | None = None,
    max_hr: float | None = None,
) -> Checked:
    """Check one session against the bounds of a human one.

    The date, duration, distance and speed decide whether the session is believable at all (refused with a
    reason otherwise); elevation, cadence and heart rate are dropped one by one, each with its reason.
    """
    values: dict[str, float | None] = {"distance_km": distance_km, "duration_min": duration_min,
                                       "elevation_gain_m": elevation_gain_m, "cadence_spm": cadence_spm,
                                       "avg_hr": avg_hr, "max_hr": max_hr}
    problem = _date_problem(date, today) or _load_problem(running, distance_km, duration_min)
    if problem is not None:
        return _refuse(values, problem)
    dropped: list[str] = []
    if elevation_gain_m is not None:
        per_km = BOUNDS["elevation_per_km_m"]
        if elevation_gain_m < 0 or (distance_km and elevation_gain_m / distance_km > per_km.high):
            dropped.append(f"elevation gain {elevation_gain_m:g} m dropped: more than {per_km.high:g} "
                           f"{per_km.unit} ({per_km.why})")
            values["elevation_gain_m"] = None
    for name, label, bound in (("cadence_spm", "cadence", BOUNDS["cadence_spm"]),
                               ("avg_hr", "average heart rate", BOUNDS["heart_rate_bpm"]),
                               ("max_hr", "highest heart rate", BOUNDS["heart_rate_bpm"])):
        value = values[name]
        if value is not None and not (running or name != "cadence_spm"):
            continue  # cadence is a running measure: other sports keep whatever their device says
        if value is not None and not bound.holds(value):
            dropped.append(f"{label} {value:g} {bound.unit} dropped: outside {bound.low:g}-{bound.high:g} "
                           f"({bound.why})")
            values[name] = None
    return Checked(values, tuple(dropped))
