"""Pain against load, week by week: what the runner and their clinician look at to see what works.

Unlike the planner (which reads a recent window), this reads the whole history
it is given: it is a report, not a decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from backstride.contract import ACTIVITY_RUNNING_KINDS, State
from backstride.core.pain_response import week_response
from backstride.core.timeline import DAY, Timeline, build_timeline
from backstride.core.weeks import week_days, weeks_ending
from backstride.rules import Catalogue, default_catalogue

__all__ = ["WeekProgress", "acute_chronic_ratio", "weekly_progress"]


@dataclass(frozen=True, slots=True)
class WeekProgress:
    """One week: running load, the back's answer, and how the runner felt."""

    start: dt.date
    run_km: float
    run_minutes: float
    runs: int
    longest_km: float
    hard_share: float  # share of running distance in hard sessions
    change: float | None  # week-over-week change in running km (0.1 = +10%)
    acwr: float | None  # 7-day km / average weekly km of the 28 days before
    morning_pain: float | None  # average pain at rest
    worst_pain: int | None
    response: str  # green, amber, red or unknown
    confidence: float | None
    cross_training: int
    strength: int

    def to_json_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in
                ((f, getattr(self, f)) for f in self.__dataclass_fields__)}


def acute_chronic_ratio(tl: Timeline, end: dt.date) -> float | None:
    """Running km of the 7 days before ``end`` over the average week of the 28 days before those."""
    acute = tl.km(end - 7 * DAY, end)
    chronic = tl.km(end - 35 * DAY, end - 7 * DAY) / 4
    return round(acute / chronic, 2) if chronic > 0 else None


def weekly_progress(state: State, weeks: int = 12, rules: Catalogue | None = None) -> list[WeekProgress]:
    """The last ``weeks`` Monday-to-Sunday weeks up to the week of ``state.today`` (so far), oldest first."""
    rules = rules or default_catalogue()
    tl = build_timeline(state, rules, window_days=7 * (weeks + 6))  # and the 5 weeks before, for the ratios
    out: list[WeekProgress] = []
    previous: float | None = None
    mondays = weeks_ending(state.today, weeks)
    for k, start in zip(range(weeks, 0, -1), mondays, strict=True):
        end = start + 7 * DAY
        km = tl.km(start, end)
        days = list(week_days(start))
        runs = sum(1 for d in days for a in tl.activities.get(d, ()) if a.kind in ACTIVITY_RUNNING_KINDS)
        pains = [c.pain_rest for d in days if (c := tl.checkin(d)) is not None and c.pain_rest is not None]
        conf = [c.confidence for d in days if (c := tl.checkin(d)) is not None and c.confidence is not None]
        kinds = [a.kind for d in days for a in tl.activities.get(d, ())]
        hard = tl.hard(start, end)
        before = tl.km(start - 7 * DAY, start) if k < weeks or previous is not None else None
        out.append(WeekProgress(
            start=start, run_km=round(km, 1), run_minutes=round(tl.minutes(start, end), 1), runs=runs,
            longest_km=round(tl.longest(start, end), 1), hard_share=round(hard / km, 2) if km else 0.0,
            change=round(km / before - 1, 2) if before else None, acwr=acute_chronic_ratio(tl, end),
            morning_pain=round(sum(pains) / len(pains), 1) if pains else None,
            worst_pain=tl.max_pain(start, end), response=week_response(tl, start, rules).level,
            confidence=round(sum(conf) / len(conf), 1) if conf else None,
            cross_training=kinds.count("cross_training"), strength=kinds.count("strength") + kinds.count("mobility"),
        ))
        previous = km
    return out
