"""The one-page summary a clinician reads before an appointment: pain against load over the last weeks,
flares and warning signs, what was tried and how the back answered it, the current dose and phase.

Every figure is the History page's and the plan's (``history_for``, ``plan_for``, the planned days kept
for each week): this module only gathers them onto one page, in the runner's units.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from backstride.contract import ACTIVITY_RUNNING_KINDS, Plan
from backstride.core.weeks import week_start
from backstride.services.history import CauseFound, History, HistoryWeek, RunMark, history_for
from backstride.services.training_log import plan_for
from backstride.storage import Database, get_athlete, list_activities, planned_days

__all__ = ["SUMMARY_WEEKS", "Summary", "TriedWeek", "summary_for"]

SUMMARY_WEEKS = 12


@dataclass(frozen=True, slots=True)
class TriedWeek:
    """One week: the phase the plan was in (what was tried) and how the back answered the runs."""

    start: dt.date
    phase: str | None  # None when no plan was kept that week
    response: str  # green, amber, red or unknown: the week's worst run answer (the 24-hour rule)
    distance: float
    pain_rest: float | None
    done: tuple[tuple[str, int], ...] = ()  # what was done: (kind of session, how many), most first


@dataclass(frozen=True, slots=True)
class Summary:
    """The appointment summary's parts."""

    name: str
    today: dt.date
    history: History
    plan: Plan
    tried: tuple[TriedWeek, ...]

    @property
    def weeks(self) -> tuple[HistoryWeek, ...]:
        return self.history.weeks

    @property
    def flares(self) -> tuple[RunMark, ...]:
        return tuple(r for r in self.history.runs if r.flare)

    @property
    def helped(self) -> tuple[TriedWeek, ...]:
        """Weeks whose runs the back answered green: what it tolerated."""
        return tuple(w for w in self.tried if w.response == "green")

    @property
    def causes(self) -> tuple[CauseFound, ...]:
        return tuple(c for c in self.history.causes if c.found)


def _phases(db: Database, athlete_id: int, today: dt.date, weeks: int) -> dict[dt.date, str]:
    """The phase kept for each Monday week (the last planned day's)."""
    first = week_start(today) - dt.timedelta(days=7 * (weeks - 1))
    return {week_start(d.date): d.phase for d in planned_days(db, athlete_id, first, today)}


def _done(db: Database, athlete_id: int, first: dt.date, today: dt.date) -> dict[dt.date, tuple[tuple[str, int], ...]]:
    """Each Monday week's sessions by kind (runs as one kind), as logged."""
    counts: dict[dt.date, Counter[str]] = {}
    for a in list_activities(db, athlete_id, first, today):
        kind = "run" if a.kind in ACTIVITY_RUNNING_KINDS else a.kind
        counts.setdefault(week_start(a.date), Counter())[kind] += 1
    return {w: tuple(c.most_common()) for w, c in counts.items()}


def summary_for(db: Database, athlete_id: int, today: dt.date, weeks: int = SUMMARY_WEEKS) -> Summary:
    """The appointment summary of the last ``weeks`` Monday weeks up to ``today``."""
    history = history_for(db, athlete_id, today, weeks)
    _, plan = plan_for(db, athlete_id, today, save=False)
    phases = _phases(db, athlete_id, today, weeks)
    done = _done(db, athlete_id, history.weeks[0].start, today) if history.weeks else {}
    tried = tuple(TriedWeek(w.start, phases.get(w.start), w.response, w.distance, w.pain_rest, done.get(w.start, ()))
                  for w in history.weeks)
    return Summary(get_athlete(db, athlete_id).name, today, history, plan, tried)
