"""`workout`: planned running sessions as FIT workout files (shared by the command line and the web app)."""

from __future__ import annotations

import datetime as dt

from backstride.contract import RUNNING_KINDS, Session
from backstride.exports.fit_workout import session_fit, week_zip
from backstride.services.training_log import plan_for, planned_week
from backstride.storage import Database, planned_days, state_for

__all__ = ["plan_workout", "planned_runs", "workout_file"]


def planned_runs(db: Database, athlete_id: int, day: dt.date, days: int) -> list[Session]:
    """The running sessions planned from ``day`` for ``days`` days (planning the week when none is kept)."""
    end = day + dt.timedelta(days=days - 1)
    kept = planned_days(db, athlete_id, day, end)
    if len(kept) < days:
        plan_for(db, athlete_id, day)
        kept = planned_days(db, athlete_id, day, end)
    return [s for d in kept for s in d.sessions if s.kind in RUNNING_KINDS]


def workout_file(db: Database, athlete_id: int, day: dt.date, *, week: bool) -> tuple[bytes, int]:
    """The FIT file of the run planned on ``day`` (or a zip of the week's); with the number of sessions.

    ValueError when no run is planned.
    """
    state = state_for(db, athlete_id, day, history_days=0)
    runs = planned_runs(db, athlete_id, day, 7 if week else 1)
    if not runs:
        raise ValueError(f"no run is planned {'in the week from' if week else 'on'} {day:%A %d %B %Y}")
    pace, units = state.athlete.easy_pace_min_per_km, state.athlete.units
    if week:
        return week_zip(runs, units=units, easy_pace_min_per_km=pace), len(runs)
    return session_fit(runs[0], units=units, easy_pace_min_per_km=pace), 1


def plan_workout(db: Database, athlete_id: int, today: dt.date, day: dt.date) -> bytes:
    """The FIT file of the run in this week's plan (planned from ``today``, not kept) on ``day``.

    For the web's plan page, which shows the plan without issuing it; ValueError when no run is planned.
    """
    week = planned_week(db, athlete_id, today)
    runs = [s for s in week.plan.sessions if s.date == day and s.kind in RUNNING_KINDS]
    if not runs:
        raise ValueError(f"no run is planned on {day:%A %d %B %Y}")
    return session_fit(runs[0], units=week.units, easy_pace_min_per_km=week.easy_pace_min_per_km)
