"""What was done beside what was planned, day by day and week by week, with a plain verdict.

Pure: the planned sessions per day and the state's history in, verdicts out. Weeks are the
Monday weeks of :mod:`backstride.core.weeks`, the same weeks as `weeks` and `causes`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from backstride.contract import ACTIVITY_RUNNING_KINDS, RUNNING_KINDS, Activity, Session, State
from backstride.core.timeline import build_timeline
from backstride.core.weeks import week_days, weeks_ending
from backstride.rules import Catalogue, default_catalogue

__all__ = ["AS_PLANNED_SHARE", "DayRecord", "Verdict", "WeekRecord", "planned_against_done", "verdict"]

Verdict = Literal["as planned", "shorter", "skipped", "more than planned", "rest", "no plan kept", "to come"]
# Within this share of the planned running distance, a day or week counts as run as planned.
AS_PLANNED_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class DayRecord:
    """One day: what was planned, what was done, and the verdict."""

    date: dt.date
    planned: tuple[Session, ...]
    done: tuple[Activity, ...]
    planned_km: float
    done_km: float
    verdict: Verdict

    @property
    def plan_kept(self) -> bool:
        """Whether a plan covered this day."""
        return self.verdict != "no plan kept"


@dataclass(frozen=True, slots=True)
class WeekRecord:
    """One Monday week of days, with its planned and done running distance and its verdict."""

    start: dt.date
    days: tuple[DayRecord, ...]
    planned_km: float
    done_km: float
    verdict: Verdict


def verdict(planned_km: float, done_km: float, *, planned_anything: bool, done_anything: bool) -> Verdict:
    """The plain word for what was done against what was planned."""
    if planned_km <= 0:
        if done_km > 0:
            return "more than planned"
        if planned_anything and not done_anything:
            return "skipped"
        return "as planned" if planned_anything else "rest"
    if done_km <= 0:
        return "skipped"
    if done_km < planned_km * (1 - AS_PLANNED_SHARE):
        return "shorter"
    if done_km > planned_km * (1 + AS_PLANNED_SHARE):
        return "more than planned"
    return "as planned"


def _session_km(s: Session, pace: float) -> float:
    if s.kind not in RUNNING_KINDS:
        return 0.0
    if s.distance_km is not None:
        return s.distance_km
    return (s.duration_min or 0.0) / pace


def planned_against_done(
    state: State, planned: Mapping[dt.date, Sequence[Session]], weeks: int, rules: Catalogue | None = None
) -> list[WeekRecord]:
    """The last ``weeks`` Monday weeks up to the week of ``state.today``, oldest first."""
    rules = rules or default_catalogue()
    tl = build_timeline(state, rules, window_days=7 * (weeks + 1))
    out: list[WeekRecord] = []
    for start in weeks_ending(state.today, weeks):
        days: list[DayRecord] = []
        for day in week_days(start):
            plan = tuple(s for s in planned.get(day, ()) if s.kind != "rest")
            done = tuple(tl.activities.get(day, ()))
            planned_km = round(sum(_session_km(s, tl.easy_pace) for s in plan), 1)
            done_km = round(tl.run_km.get(day, 0.0), 1)
            if day > state.today or (day == state.today and not done):
                word: Verdict = "to come"
            elif day not in planned:
                word = "no plan kept"
            else:
                word = verdict(planned_km, done_km, planned_anything=bool(plan), done_anything=bool(done))
            days.append(DayRecord(day, plan, done, planned_km, done_km, word))
        past = [d for d in days if d.verdict != "to come"]
        kept = [d for d in past if d.verdict != "no plan kept"]
        p_km = round(sum(d.planned_km for d in kept), 1)
        d_km = round(sum(d.done_km for d in past), 1)
        if not past:
            week: Verdict = "to come"
        elif not kept:
            week = "no plan kept"
        else:
            week = verdict(p_km, d_km, planned_anything=any(d.planned for d in kept),
                           done_anything=any(d.done for d in past))
        out.append(WeekRecord(start, tuple(days), p_km, d_km, week))
    return out


def is_run(a: Activity) -> bool:
    """Whether an activity is a run."""
    return a.kind in ACTIVITY_RUNNING_KINDS
