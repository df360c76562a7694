"""`runs`: what was done beside what was planned, week by week (shared by the command line and the web app)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from backstride.contract import Session, State
from backstride.core.planned_done import WeekRecord, planned_against_done
from backstride.core.weeks import week_start
from backstride.storage import Database, planned_days, state_for

__all__ = ["planned_sessions", "runs_for"]


def runs_for(db: Database, athlete_id: int, today: dt.date, weeks: int) -> tuple[State, list[WeekRecord]]:
    """The athlete's state and the last ``weeks`` Monday weeks of planned against done."""
    state = state_for(db, athlete_id, today, history_days=7 * (weeks + 1))
    return state, planned_against_done(state, planned_sessions(db, athlete_id, today, weeks), weeks)


def planned_sessions(db: Database, athlete_id: int, today: dt.date, weeks: int) -> dict[dt.date, Sequence[Session]]:
    """What was planned for each day of the last ``weeks`` Monday weeks (days with no plan kept are absent)."""
    first = week_start(today) - dt.timedelta(days=7 * (weeks - 1))
    return {d.date: d.sessions
            for d in planned_days(db, athlete_id, first, first + dt.timedelta(days=7 * weeks - 1))}
