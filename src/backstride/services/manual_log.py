"""Sessions logged by hand: a run without a watch, cross-training, strength.

They are checked against the same bounds as imported activities (:mod:`backstride.importers.plausible`)
and stored like them, so the planner, ``causes``, shoes and the weekly report read them alike. A run typed
in after the same run was imported (or typed twice) is recognised and not stored again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backstride.contract import ACTIVITY_RUNNING_KINDS, Activity, parse_activity
from backstride.importers.plausible import check_activity
from backstride.storage import Database, StoredActivity, add_activity, get_athlete, list_activities

__all__ = ["LoggedSession", "ManualEntry", "NotPlausible", "log_session"]

# Two entries of one day are the same session when their time or distance agree this closely.
SAME_SESSION_TOLERANCE = 0.10


class NotPlausible(ValueError):
    """A session no person could have done (the message says which value and why)."""


@dataclass(frozen=True, slots=True)
class ManualEntry:
    """What the runner typed."""

    date: dt.date
    kind: str  # a contract activity kind: run, easy, long, ..., cross_training, strength, mobility
    distance_km: float | None = None
    duration_min: float | None = None
    rpe: int | None = None
    sport: str | None = None  # for cross-training: bike, swim, ...; "treadmill_running" for a treadmill run
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class LoggedSession:
    """The stored session, or the one already in the log that it matches."""

    id: int
    activity: Activity
    duplicate_of: StoredActivity | None = None


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= SAME_SESSION_TOLERANCE * max(a, b)


def _same_session(entry: ManualEntry, stored: StoredActivity) -> bool:
    running = entry.kind in ACTIVITY_RUNNING_KINDS
    if running != (stored.kind in ACTIVITY_RUNNING_KINDS):
        return False
    if not running and stored.kind != entry.kind:
        return False
    return _close(entry.duration_min, stored.duration_min) or _close(entry.distance_km, stored.distance_km)


def log_session(db: Database, athlete_id: int, entry: ManualEntry, today: dt.date) -> LoggedSession:
    """Check and store one session typed by hand; an entry matching one already logged that day is not stored.

    Raises :class:`NotPlausible` for a session outside the bounds of a human one,
    :class:`~backstride.contract.InvalidState` for a value the contract refuses, and ``AthleteNotFound``
    for an unknown athlete.
    """
    get_athlete(db, athlete_id)
    if entry.distance_km is None and entry.duration_min is None:
        raise NotPlausible("give the distance, the time, or both")
    typed = parse_activity({k: v for k, v in {"date": entry.date.isoformat(), "kind": entry.kind,
                                                 "distance_km": entry.distance_km,
                                                 "duration_min": entry.duration_min, "rpe": entry.rpe}.items()
                              if v is not None})
    checked = check_activity(typed, today)
    if checked.activity is None or checked.problems:  # typed by hand: ask again rather than keep a part of it
        raise NotPlausible("; ".join(checked.problems) or "this is not a session a person could do")
    activity = checked.activity
    for stored in list_activities(db, athlete_id, entry.date, entry.date):
        if _same_session(entry, stored):
            return LoggedSession(stored.id, activity, duplicate_of=stored)
    new_id = add_activity(db, athlete_id, activity, notes=entry.notes, sport=entry.sport)
    return LoggedSession(new_id, activity)
