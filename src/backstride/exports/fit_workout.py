"""Planned sessions as FIT workout files for the watch (encoded with fit-tool, BSD, pure Python).

A workout file holds a file_id of type workout, one workout message and its workout_step
messages: a warm-up (WU-SHORT's minutes), the run (run:walk as a run step and a walk step
repeated, else the distance or time at an easy effort), and a cool-down walk. The easy effort is
a pace band around the runner's easy pace when it is known; otherwise the step has no target and
its name says "easy, conversational".
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

from backstride.contract import RUNNING_KINDS, Session
from backstride.rules import Catalogue, default_catalogue

__all__ = ["COOL_DOWN_MIN", "PACE_BAND_MIN_PER_KM", "session_fit", "week_zip", "workout_name"]

KM_PER_MILE = 1.609344
# The easy pace band on the watch: this many min/km either side of the runner's easy pace.
PACE_BAND_MIN_PER_KM = 0.5
COOL_DOWN_MIN = 5.0


def _speed(min_per_km: float) -> float:
    return 1000.0 / (min_per_km * 60.0)


def _dist(km: float, units: str) -> str:
    return f"{km / KM_PER_MILE:.1f} mi" if units == "mi" else f"{km:.1f} km"


def workout_name(session: Session, units: str) -> str:
    """A short name the watch shows: kind, then distance or time, in the runner's units."""
    what = session.kind.replace("_", " ").capitalize()
    amount = _dist(session.distance_km, units) if session.distance_km is not None else (
        f"{session.duration_min:.0f} min" if session.duration_min else "")
    return f"{what} {amount}".strip()[:32]


def session_fit(session: Session, *, units: str = "km", easy_pace_min_per_km: float | None = None,
                rules: Catalogue | None = None, created: dt.datetime | None = None) -> bytes:
    """The FIT workout file of one planned running session; ValueError for a session that is not a run."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.workout_message import WorkoutMessage
    from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage
    from fit_tool.profile.profile_type import (
        FileType,
        Intensity,
        Manufacturer,
        Sport,
        WorkoutStepDuration,
        WorkoutStepTarget,
    )

    if session.kind not in RUNNING_KINDS:
        raise ValueError(f"{session.date}: the planned session is {session.kind.replace('_', ' ')}, not a run")
    rules = rules or default_catalogue()
    steps: list[WorkoutStepMessage] = []

    def step(name: str, intensity: Intensity, *, seconds: float | None = None, metres: float | None = None,
             pace: bool = False) -> WorkoutStepMessage:
        s = WorkoutStepMessage()
        s.message_index = len(steps)
        s.workout_step_name = name[:32]
        s.intensity = intensity
        if seconds is not None:
            s.duration_type = WorkoutStepDuration.TIME
            s.duration_time = float(seconds)
        elif metres is not None:
            s.duration_type = WorkoutStepDuration.DISTANCE
            s.duration_distance = float(metres)
        else:
            s.duration_type = WorkoutStepDuration.OPEN
        if pace and easy_pace_min_per_km is not None:
            s.target_type = WorkoutStepTarget.SPEED
            s.target_value = 0
            s.custom_target_speed_low = round(_speed(easy_pace_min_per_km + PACE_BAND_MIN_PER_KM), 3)
            s.custom_target_speed_high = round(_speed(max(easy_pace_min_per_km - PACE_BAND_MIN_PER_KM, 2.5)), 3)
        else:
            s.target_type = WorkoutStepTarget.OPEN
            s.target_value = 0
        steps.append(s)
        return s

    effort = "easy pace" if easy_pace_min_per_km is not None else "easy, conversational"
    step("Warm-up walk and drills", Intensity.WARMUP, seconds=60 * rules.value("WU-SHORT", "minutes"))
    if session.run_walk is not None:
        rw = session.run_walk
        total = session.duration_min or ((session.distance_km or 0) * (easy_pace_min_per_km or 6.5))
        repeats = max(1, round(total / (rw.run_min + rw.walk_min)))
        first = len(steps)
        step(f"Run {rw.run_min:g} min, {effort}", Intensity.ACTIVE, seconds=60 * rw.run_min, pace=True)
        step(f"Walk {rw.walk_min:g} min", Intensity.RECOVERY, seconds=60 * rw.walk_min)
        repeat = step(f"Repeat {repeats} times", Intensity.ACTIVE)
        repeat.duration_type = WorkoutStepDuration.REPEAT_UNTIL_STEPS_CMPLT
        repeat.duration_step = first
        repeat.target_repeat_steps = repeats
    elif session.distance_km is not None:
        step(f"Run {_dist(session.distance_km, units)}, {effort}", Intensity.ACTIVE,
             metres=session.distance_km * 1000, pace=True)
    else:
        step(f"Run {session.duration_min or 0:.0f} min, {effort}", Intensity.ACTIVE,
             seconds=60 * (session.duration_min or 0), pace=True)
    step("Cool-down walk", Intensity.COOLDOWN, seconds=60 * COOL_DOWN_MIN)

    file_id = FileIdMessage()
    file_id.type = FileType.WORKOUT
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.serial_number = 1
    file_id.time_created = round((created or dt.datetime(session.date.year, session.date.month, session.date.day,
                                                         tzinfo=dt.UTC)).timestamp() * 1000)
    workout = WorkoutMessage()
    workout.workout_name = workout_name(session, units)
    workout.sport = Sport.RUNNING
    workout.num_valid_steps = len(steps)
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    builder.add(file_id)
    builder.add(workout)
    builder.add_all(steps)
    out = io.BytesIO()
    out.write(builder.build().to_bytes())
    return out.getvalue()


def week_zip(sessions: Sequence[Session], *, units: str = "km", easy_pace_min_per_km: float | None = None) -> bytes:
    """The week's running sessions as a zip of FIT workout files, one per session, named by date."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for s in sessions:
            if s.kind in RUNNING_KINDS:
                name = f"{s.date.isoformat()}-{s.kind}.fit"
                info = zipfile.ZipInfo(name, date_time=(s.date.year, s.date.month, s.date.day, 0, 0, 0))
                zf.writestr(info, session_fit(s, units=units, easy_pace_min_per_km=easy_pace_min_per_km))
    return buf.getvalue()
