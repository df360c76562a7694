"""Plausibility at the boundary: every activity is checked against what a human session can be.

One place for every activity backstride keeps, whether decoded from a file
(:class:`~backstride.importers.model.ImportedActivity`) or typed by hand or read from a
state (:class:`~backstride.contract.Activity`). :func:`check_activity` returns the
activity with every impossible value dropped, each with a named reason, or no activity
at all (with the reason) when it cannot be a real session (a date in 1900 or 2200).
Nothing is dropped silently: the caller shows or stores ``problems``.

The bounds are data (:data:`BOUNDS`), each with its unit and why it is where it is. They
are deliberately wide: they catch sensor garbage, damaged files and typos, never a real
runner's unusual day. ``today`` is always passed in; nothing here reads a clock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Generic, TypeVar, overload

from backstride.contract import ACTIVITY_RUNNING_KINDS, Activity

from .model import ImportedActivity, Lap

__all__ = ["BOUNDS", "EARLIEST_DATE", "Bound", "Checked", "check_activity", "latest_date"]


@dataclass(frozen=True, slots=True)
class Bound:
    """The range a value of one human session can take, with its unit and rationale."""

    id: str
    low: float
    high: float
    unit: str
    source: str

    def holds(self, value: float) -> bool:
        """True when ``value`` lies within ``low .. high`` (inclusive)."""
        return self.low <= value <= self.high


EARLIEST_DATE = dt.date(1980, 1, 1)
DATE_SOURCE = (
    "No watch or app recorded runs before the 1980s (the first wireless heart-rate monitor came "
    "in 1982, consumer GPS later), and a log entry older than 1980 is a typo; the latest date is "
    "tomorrow, because a device clock in another time zone can be a day ahead of the runner's."
)

_B = Bound
BOUNDS: dict[str, Bound] = {
    b.id: b
    for b in (
        _B("duration", 0, 48 * 3600, "s",
           "The longest single-stage events (48-hour track races) last 48 h; the contract caps "
           "duration_min at 2880."),
        _B("distance", 0, 500_000, "m",
           "The 48-hour running record is 473 km; the contract caps distance_km at 500."),
        _B("run_speed", 0, 10.5, "m/s",
           "The 100 m world record (9.58 s) averages 10.44 m/s: no run is faster on average."),
        _B("other_speed", 0, 45, "m/s",
           "162 km/h: faster than any human-powered activity averages (downhill ski races about 30 m/s)."),
        _B("run_pace_slowest", 0, 60 * 60, "s/km",
           "60 min/km is 1 km/h, slower than standing still with walk breaks: the distance and the "
           "clock cannot both be right, and the clock is kept."),
        _B("elevation_gain", 0, 20_000, "m",
           "Over twice Everest's height from sea level; no 48-hour session climbs more."),
        _B("elevation_per_km", 0, 1000, "m/km",
           "The steepest vertical-kilometre courses climb about 500 m per km; twice that leaves room "
           "for barometer noise on short sessions."),
        _B("heart_rate", 25, 250, "bpm",
           "The highest heart rates measured in exercise are about 220-230 bpm and trained athletes "
           "can rest near 30 bpm; beyond these is sensor noise."),
        _B("run_cadence", 60, 260, "steps/min",
           "A slow shuffle with walk breaks still averages over 100 steps/min and elite sprinters reach "
           "about 260 (the contract's cap); under 60 is a sensor with no signal."),
        _B("cadence", 0, 260, "steps/min", "The contract's cap on cadence, for any sport."),
    )
}

_A = TypeVar("_A", ImportedActivity, Activity)


@dataclass(frozen=True, slots=True)
class Checked(Generic[_A]):
    """The activity as it may be kept (``None`` when refused) and every problem found, in words."""

    activity: _A | None
    problems: tuple[str, ...] = ()


def latest_date(today: dt.date) -> dt.date:
    """The latest date an activity may carry on ``today``: tomorrow."""
    return today + dt.timedelta(days=1)


@overload
def check_activity(activity: ImportedActivity, today: dt.date) -> Checked[ImportedActivity]: ...


@overload
def check_activity(activity: Activity, today: dt.date) -> Checked[Activity]: ...


def check_activity(
    activity: ImportedActivity | Activity, today: dt.date
) -> Checked[ImportedActivity] | Checked[Activity]:
    """Check one activity against :data:`BOUNDS` on ``today``.

    A date outside 1980-01-01 .. tomorrow refuses the whole activity; any other impossible value
    is dropped (set to ``None``; a lap with an impossible duration is dropped) with a reason.
    """
    day = activity.start.date() if isinstance(activity, ImportedActivity) else activity.date
    if not EARLIEST_DATE <= day <= latest_date(today):
        reason = (f"refused: date {day.isoformat()} is outside {EARLIEST_DATE.isoformat()} .. "
                  f"{latest_date(today).isoformat()} (tomorrow)")
        refused: Checked[ImportedActivity] | Checked[Activity] = Checked(None, (reason,))
        return refused
    if isinstance(activity, ImportedActivity):
        return _check_imported(activity, today)
    return _check_entry(activity)


# --- the checks, on plain SI values -----------------------------------------------------------------

def _fmt(value: float) -> str:
    return f"{value:.6g}"


def _drop_out_of(values: dict[str, float | None], key: str, bound: Bound, label: str, problems: list[str]) -> None:
    value = values.get(key)
    if value is not None and not bound.holds(value):
        problems.append(f"{label} {_fmt(value)} {bound.unit} dropped: outside {_fmt(bound.low)} .. "
                        f"{_fmt(bound.high)} {bound.unit} ({bound.id})")
        values[key] = None


def _check_values(values: dict[str, float | None], running: bool) -> list[str]:
    """Drop impossible values from ``values`` (SI units) in place; return the reasons."""
    problems: list[str] = []
    _drop_out_of(values, "elapsed_s", BOUNDS["duration"], "elapsed time", problems)
    _drop_out_of(values, "moving_s", BOUNDS["duration"], "duration", problems)
    elapsed, moving = values.get("elapsed_s"), values.get("moving_s")
    if elapsed is not None and moving is not None and moving > elapsed * 1.01 + 60:
        problems.append(f"moving time {_fmt(moving)} s dropped: longer than the elapsed time {_fmt(elapsed)} s")
        values["moving_s"] = None
    _drop_out_of(values, "distance_m", BOUNDS["distance"], "distance", problems)
    _check_speed(values, running, problems)
    _drop_out_of(values, "elevation_gain_m", BOUNDS["elevation_gain"], "elevation gain", problems)
    _drop_out_of(values, "elevation_loss_m", BOUNDS["elevation_gain"], "elevation loss", problems)
    distance = values.get("distance_m")
    per_km = BOUNDS["elevation_per_km"]
    for key, label in (("elevation_gain_m", "elevation gain"), ("elevation_loss_m", "elevation loss")):
        metres = values.get(key)
        if metres is not None and distance is not None and distance >= 100 and metres / (distance / 1000) > per_km.high:
            problems.append(f"{label} {_fmt(metres)} m dropped: {_fmt(metres / (distance / 1000))} m per km is "
                            f"over {_fmt(per_km.high)} m/km ({per_km.id})")
            values[key] = None
    _drop_out_of(values, "avg_hr", BOUNDS["heart_rate"], "average heart rate", problems)
    _drop_out_of(values, "max_hr", BOUNDS["heart_rate"], "maximum heart rate", problems)
    avg_hr, max_hr = values.get("avg_hr"), values.get("max_hr")
    if avg_hr is not None and max_hr is not None and avg_hr > max_hr:
        problems.append(f"maximum heart rate {_fmt(max_hr)} bpm dropped: below the average {_fmt(avg_hr)} bpm")
        values["max_hr"] = None
    cadence = BOUNDS["run_cadence"] if running else BOUNDS["cadence"]
    _drop_out_of(values, "avg_cadence_spm", cadence, "cadence", problems)
    return problems


def _check_speed(values: dict[str, float | None], running: bool, problems: list[str]) -> None:
    distance = values.get("distance_m")
    seconds = values.get("moving_s") if values.get("moving_s") is not None else values.get("elapsed_s")
    if distance is None or seconds is None or distance <= 0:
        return
    fastest = BOUNDS["run_speed"] if running else BOUNDS["other_speed"]
    if seconds <= 0 or distance / seconds > fastest.high:
        speed = "no time at all" if seconds <= 0 else f"{_fmt(distance / seconds)} m/s"
        problems.append(f"distance {_fmt(distance)} m dropped: {speed} in {_fmt(seconds)} s is faster than "
                        f"{_fmt(fastest.high)} m/s ({fastest.id})")
        values["distance_m"] = None
        return
    slowest = BOUNDS["run_pace_slowest"]
    if running and distance >= 100 and seconds / (distance / 1000) > slowest.high:
        problems.append(f"distance {_fmt(distance)} m dropped: {_fmt(seconds / (distance / 1000) / 60)} min/km "
                        f"over {_fmt(seconds)} s is slower than {_fmt(slowest.high / 60)} min/km ({slowest.id})")
        values["distance_m"] = None


_IMPORTED_FIELDS = ("distance_m", "elapsed_s", "moving_s", "elevation_gain_m", "elevation_loss_m",
                    "avg_cadence_spm", "avg_hr", "max_hr")


def _check_imported(activity: ImportedActivity, today: dt.date) -> Checked[ImportedActivity]:
    running = activity.kind == "run"
    values: dict[str, float | None] = {key: getattr(activity, key) for key in _IMPORTED_FIELDS}
    problems = _check_values(values, running)
    laps: list[Lap] = []
    for number, lap in enumerate(activity.laps, start=1):
        kept = _check_lap(lap, number, running, today, problems)
        if kept is not None:
            laps.append(kept)
    if not problems:
        return Checked(activity)
    note = "; ".join(problems)
    return Checked(
        dataclasses.replace(
            activity,
            distance_m=values["distance_m"], elapsed_s=values["elapsed_s"], moving_s=values["moving_s"],
            elevation_gain_m=values["elevation_gain_m"], elevation_loss_m=values["elevation_loss_m"],
            avg_cadence_spm=values["avg_cadence_spm"], avg_hr=values["avg_hr"], max_hr=values["max_hr"],
            laps=tuple(laps),
            notes="; ".join(x for x in (activity.notes, note) if x),
        ),
        tuple(problems),
    )


def _check_lap(lap: Lap, number: int, running: bool, today: dt.date, problems: list[str]) -> Lap | None:
    duration = BOUNDS["duration"]
    for label, seconds in (("elapsed time", lap.elapsed_s), ("moving time", lap.moving_s)):
        if seconds is not None and not duration.holds(seconds):
            problems.append(f"lap {number} dropped: its {label} {_fmt(seconds)} s is outside "
                            f"0 .. {_fmt(duration.high)} s ({duration.id})")
            return None
    values: dict[str, float | None] = {
        "distance_m": lap.distance_m, "avg_hr": lap.avg_hr, "avg_cadence_spm": lap.avg_cadence_spm,
        "moving_s": lap.moving_s if lap.moving_s is not None else lap.elapsed_s,
    }
    lap_problems: list[str] = []
    _drop_out_of(values, "distance_m", BOUNDS["distance"], "distance", lap_problems)
    _check_speed(values, running, lap_problems)
    _drop_out_of(values, "avg_hr", BOUNDS["heart_rate"], "average heart rate", lap_problems)
    cadence = BOUNDS["run_cadence"] if running else BOUNDS["cadence"]
    _drop_out_of(values, "avg_cadence_spm", cadence, "cadence", lap_problems)
    start = lap.start
    if start is not None and not EARLIEST_DATE <= start.date() <= latest_date(today):
        lap_problems.append(f"start {start.isoformat()} dropped: outside {EARLIEST_DATE.isoformat()} .. "
                            f"{latest_date(today).isoformat()}")
        start = None
    if not lap_problems:
        return lap
    problems.extend(f"lap {number} {p}" for p in lap_problems)
    return dataclasses.replace(lap, start=start, distance_m=values["distance_m"], avg_hr=values["avg_hr"],
                               avg_cadence_spm=values["avg_cadence_spm"])


def _check_entry(activity: Activity) -> Checked[Activity]:
    running = activity.kind in ACTIVITY_RUNNING_KINDS
    values: dict[str, float | None] = {
        "distance_m": activity.distance_km * 1000 if activity.distance_km is not None else None,
        "moving_s": activity.duration_min * 60 if activity.duration_min is not None else None,
        "elevation_gain_m": activity.elevation_gain_m,
        "avg_cadence_spm": activity.cadence_spm,
    }
    problems = _check_values(values, running)
    if not problems:
        return Checked(activity)
    distance, moving = values["distance_m"], values["moving_s"]
    update = {
        "distance_km": distance / 1000 if distance is not None else None,
        "duration_min": moving / 60 if moving is not None else None,
        "elevation_gain_m": values["elevation_gain_m"],
        "cadence_spm": values["avg_cadence_spm"],
    }
    return Checked(activity.model_copy(update=update), tuple(problems))
