"""The tolerated dose (W-TOLERATED): what the back has answered green lately, remembered from the history.

One step of the planner's pipeline. The planner keeps no memory of its own: the
dose that worked is read back from the runs and their pain answers each time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from backstride.core.pain_response import WeekResponse, run_response
from backstride.core.timeline import DAY, Timeline
from backstride.rules import Catalogue

__all__ = ["ToleratedDose", "tolerated_dose"]


@dataclass(frozen=True, slots=True)
class ToleratedDose:
    """The most recent green week and the longest green run within W-TOLERATED's look-back."""

    week_km: float | None  # running in the most recent green week, None when there is none
    week_start: dt.date | None
    weeks_ago: int | None  # 0 = the 7 days before today
    longest_km: float | None  # the longest single run the back answered green
    not_red_longest_km: float  # the longest run within L-SPIKE's window that was not red (0 when none)
    red_runs_longer: bool  # a run within L-SPIKE's window that was red was longer than every other run


def tolerated_dose(tl: Timeline, weeks: Sequence[WeekResponse], rules: Catalogue) -> ToleratedDose:
    """Read the tolerated dose from the weeks before today (most recent first)."""
    look_back = min(int(rules.value("W-TOLERATED", "look_back_weeks")), len(weeks))
    week_km: float | None = None
    week_start: dt.date | None = None
    weeks_ago: int | None = None
    for k in range(look_back):
        w = weeks[k]
        if w.level == "green" and w.km > 0:
            week_km, week_start, weeks_ago = w.km, w.start, k
            break
    today = tl.today
    longest: float | None = None
    for d in tl.run_dates(today - 7 * look_back * DAY, today):
        if run_response(tl, d, rules).level == "green":
            km = tl.longest_km.get(d, 0.0)
            longest = km if longest is None else max(longest, km)
    window = int(rules.value("L-SPIKE", "window_days"))
    not_red = 0.0
    red_longest = 0.0
    for d in tl.run_dates(today - window * DAY, today):
        km = tl.longest_km.get(d, 0.0)
        if run_response(tl, d, rules).level == "red":
            red_longest = max(red_longest, km)
        else:
            not_red = max(not_red, km)
    return ToleratedDose(week_km, week_start, weeks_ago, longest, not_red, red_longest > not_red)
