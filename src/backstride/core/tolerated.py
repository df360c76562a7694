"""The tolerated dose (W-TOLERATED): what the back has answered green lately, remembered from the history.

One step of the planner's pipeline. The planner keeps no memory of its own: the
dose that worked is read back from the runs and their pain answers each time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from backstride.core.pain_response import WeekResponse, run_response, week_response
from backstride.core.timeline import DAY, Timeline
from backstride.core.weeks import WEEK, week_start
from backstride.rules import Catalogue

__all__ = ["SLACK_KM", "ToleratedDose", "tolerated_dose"]

SLACK_KM = 0.5  # the contract's rounding slack: weeks this close ran the same


@dataclass(frozen=True, slots=True)
class ToleratedDose:
    """The most recent green week and the longest green run within W-TOLERATED's look-back."""

    week_km: float | None  # running in the most recent green week, None when there is none
    week_start: dt.date | None
    weeks_ago: int | None  # 0 = the 7 days before today
    longest_km: float | None  # the longest single run the back answered green
    not_red_longest_km: float  # the longest run within L-SPIKE's window that was not red (0 when none)
    red_runs_longer: bool  # a run within L-SPIKE's window that was red was longer than every other run
    flared_week_km: float | None = None  # the least running in a week that flared, no later green week matched
    green_window_longest_km: float = 0.0  # the longest run within L-SPIKE's window that answered green
    hurt_longer: bool = False  # a run within L-SPIKE's window that was red or amber was longer than that


def _flared_week(weeks: Sequence[WeekResponse], look_back: int) -> float | None:
    """The least running in a week of the look-back that flared (or hurt, with a lighter green week after
    it), unless a later green week ran as much: what the back has shown it does not tolerate yet (001:
    trial and error, remembering what did not work)."""
    greens: list[float] = []
    flared: float | None = None
    for k in range(look_back):  # most recent first
        w = weeks[k]
        if w.km <= 0:
            continue
        if w.level == "green":
            greens.append(w.km)
        # A week that flared, or hurt (amber) when a lighter green week came after it: that dose is not
        # tolerated yet, unless a later green week ran as much.
        elif (w.level == "red" or (w.level == "amber" and greens)) and not any(g >= w.km - SLACK_KM
                                                                                 for g in greens):
            flared = w.km if flared is None else min(flared, w.km)
    return flared


def _calendar_green(tl: Timeline, look_back: int, rules: Catalogue) -> WeekResponse | None:
    """The most recent calendar week (Monday to Sunday, before this one) the back answered green.

    In the middle of a week the 7-day spans before today straddle two calendar weeks, and a green week
    between two that flared can vanish from them; the runner's own weeks still show it."""
    monday = week_start(tl.today)
    if monday == tl.today:  # the spans are the calendar weeks
        return None
    for k in range(look_back):
        start = monday - (k + 1) * WEEK
        if start + WEEK > tl.today - WEEK:  # it shares days with the last 7 days, which speak for themselves
            continue
        w = week_response(tl, start, rules)
        if w.level == "green" and w.km > 0:
            return w
    return None


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
    calendar = _calendar_green(tl, look_back, rules)
    if calendar is not None and (week_start is None or calendar.start > week_start):
        week_km, week_start = calendar.km, calendar.start
        weeks_ago = (tl.today - calendar.start).days // 7 - 1
    today = tl.today
    longest: float | None = None
    for d in tl.run_dates(today - 7 * look_back * DAY, today):
        if run_response(tl, d, rules).level == "green":
            km = tl.longest_km.get(d, 0.0)
            longest = km if longest is None else max(longest, km)
    window = int(rules.value("L-SPIKE", "window_days"))
    not_red = red_longest = green = hurt = 0.0
    for d in tl.run_dates(today - window * DAY, today):
        km = tl.longest_km.get(d, 0.0)
        level = run_response(tl, d, rules).level
        if level == "red":
            red_longest = max(red_longest, km)
        else:
            not_red = max(not_red, km)
        if level == "green":
            green = max(green, km)
        elif level in ("red", "amber"):
            hurt = max(hurt, km)
    return ToleratedDose(week_km, week_start, weeks_ago, longest, not_red, red_longest > not_red,
                         _flared_week(weeks, look_back), green, hurt > green + SLACK_KM)
