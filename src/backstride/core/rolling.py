"""Any seven days in a row are a week (W-ROLLING): the plan carries on from the runs already done.

One step of the planner's pipeline, after the layout and today's call. A plan
covers the 7 days from today, and a runner who asks each morning gets a new
plan each morning, each with a run today if the day is free. So that those
mornings do not add up to more runs than one week's plan, the 7 days that end
today (the runs already done and today's) hold no more runs than this week
plans. Today's run then moves to a later free day, or becomes cross-training
and gives its distance to the week's later easy runs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from backstride.contract import RUNNING_KINDS, WEEKDAYS, Session
from backstride.core import cross_training
from backstride.core.timeline import DAY, Timeline
from backstride.core.tolerated import SLACK_KM
from backstride.core.words import count
from backstride.rules import Catalogue

__all__ = ["RollingWeek", "hold_rolling_week", "resized"]

_ORDER = {"rest": 9, "strength": 5, "mobility": 6, "cross_training": 4, "walk": 3}  # a day's sessions, in order


@dataclass(frozen=True, slots=True)
class RollingWeek:
    """The sessions after the hold, and what it changed (empty when nothing)."""

    sessions: list[Session]
    why: str  # the reason to cite, "" when no run had to change


def _is_run(s: Session) -> bool:
    return s.kind in RUNNING_KINDS


def _km(s: Session) -> float:
    return s.distance_km or 0.0


def _window_km(tl: Timeline, planned: dict[dt.date, float], day: dt.date, days: int) -> float:
    """Running in the ``days`` days ending on ``day``: done before today, planned from today."""
    start = day - (days - 1) * DAY
    done = tl.km(start, min(tl.today, day + DAY))
    return done + sum(km for d, km in planned.items() if start <= d <= day)


def _window_runs(tl: Timeline, planned: dict[dt.date, float], day: dt.date, days: int) -> int:
    start = day - (days - 1) * DAY
    done = len(tl.run_dates(start, min(tl.today, day + DAY)))
    return done + sum(1 for d, km in planned.items() if start <= d <= day and km > 0)


def resized(s: Session, km: float, rule: str = "W-ROLLING") -> Session:
    """The run at ``km`` (its time in proportion), citing the rule that resized it."""
    old = _km(s)
    km = round(km, 1)
    minutes = (s.duration_min or 0.0) * km / old if old > 0 else s.duration_min
    notes = s.notes.replace(f"{old:.1f} km", f"{km:.1f} km", 1)
    return s.model_copy(update={"distance_km": km, "duration_min": round(minutes, 1) if minutes else minutes,
                                "notes": notes, "rules": tuple(dict.fromkeys((*s.rules, rule)))})


def _as_cross(s: Session, activity: str, minutes: float, done_km: float) -> Session:
    name = cross_training.name(activity)
    return Session.model_validate({
        "date": s.date, "kind": "cross_training", "activity": activity, "duration_min": minutes, "rpe_max": 5,
        "rules": ("W-ROLLING", "X-SWAP"),
        "notes": (f"No run today: the last 7 days already hold {done_km:.1f} km, enough running for now. "
                  f"{minutes:.0f} min {name} at a steady, comfortable effort instead."),
    })


def hold_rolling_week(sessions: Sequence[Session], tl: Timeline, rules: Catalogue, cross: Sequence[str],
                      cap_km: float | None, available: Sequence[str], keep_total: bool) -> RollingWeek:
    """Today's run, held to the 7 days that end today: no more runs in them than the week plans.

    The run moves to a later free day; else it becomes cross-training (or rest, with none at hand) and
    its distance goes to the week's later easy runs, none above ``cap_km``. With ``keep_total`` the week
    must keep its running that way, or today stays as planned; the later runs are checked again on
    their own morning.
    """
    held = _hold_today(sessions, tl, rules, cross, cap_km, available)
    if held.why:
        before, after = (sum(_km(s) for s in ss if _is_run(s)) for ss in (sessions, held.sessions))
        if (keep_total and after < before - 0.05) or after > before + 0.05:
            return RollingWeek(list(sessions), "")
    return held


def _hold_today(sessions: Sequence[Session], tl: Timeline, rules: Catalogue, cross: Sequence[str],
                cap_km: float | None, available: Sequence[str]) -> RollingWeek:
    days = int(rules.value("W-ROLLING", "window_days"))
    out = list(sessions)
    runs = sorted((i for i, s in enumerate(out) if _is_run(s)), key=lambda i: out[i].date)
    i = next((i for i in runs if out[i].date == tl.today), None)
    if i is None:
        return RollingWeek(out, "")
    most_runs = len(runs)
    s = out[i]
    week_km = sum(_km(out[j]) for j in runs)
    # Held only when the 7 days would hold both more runs and more running than the week plans: a run
    # on a weekday the week has always run keeps its place when an earlier run fell on another day.
    if (_window_runs(tl, {s.date: _km(s)}, s.date, days) <= most_runs
            or _window_km(tl, {s.date: _km(s)}, s.date, days) <= week_km + SLACK_KM):
        return RollingWeek(out, "")
    done = _window_km(tl, {}, s.date, days)
    left = round(week_km - done, 1)
    if left * tl.easy_pace >= rules.value("B-MIN-RUN", "min_minutes"):
        # A shorter run today keeps the 7 days within the week's running (a week changing its shape,
        # from more, shorter runs to fewer, longer ones, has more runs behind it than ahead).
        out[i] = resized(s, left)
        return RollingWeek(out, f"the last 7 days already hold {done:.1f} km: today's run is {left:.1f} km so "
                                "that they hold no more than this week plans")
    free_days = [d for d in (tl.today + k * DAY for k in range(1, days)) if WEEKDAYS[d.weekday()] in available]
    to = _free_day(out, s.date, free_days, int(rules.value("B-DAY-LOAD", "max_sessions")))
    if to is not None:  # the run moves to a later free day, where the 7 days hold fewer runs
        moved = s.model_copy(update={"date": to, "rules": tuple(dict.fromkeys((*s.rules, "W-ROLLING")))})
        out = [x for j, x in enumerate(out) if j != i and not (x.date == to and x.kind == "rest")]
        out.append(moved)
        if not any(x.date == s.date for x in out):
            out.append(Session.model_validate({"date": s.date, "kind": "rest", "rules": ("W-ROLLING",),
                                               "notes": "Rest day: your next run is later this week."}))
        out.sort(key=lambda x: (x.date, _ORDER.get(x.kind, 0)))
        return RollingWeek(out, f"the last 7 days already hold {count(_window_runs(tl, {}, s.date, days), 'run')}, "
                                f"as many as this week plans: today's run moves to {to:%a %d %b}")
    out[i] = _as_cross(s, cross[0], rules.value("X-SWAP", "minutes"), done) if cross else s.model_copy(update={
        "kind": "rest", "distance_km": None, "duration_min": None, "rpe_max": None, "terrain": None,
        "run_walk": None, "reps": None, "rules": ("W-ROLLING",),
        "notes": f"No run today: the last 7 days already hold {done:.1f} km, enough running for now. Rest."})
    _give_back(out, [j for j in runs if j != i], _km(s), cap_km)
    return RollingWeek(out, f"the last 7 days already hold {count(_window_runs(tl, {}, s.date, days), 'run')}, "
                            "as many as this week plans: no run today")


def _free_day(sessions: Sequence[Session], today: dt.date, free_days: Sequence[dt.date], most: int) -> dt.date | None:
    """A later day the runner can train with no run or cross-training on it (strength may share it,
    B-DAY-LOAD), and no run the day before or after."""
    per_day: dict[dt.date, list[str]] = {}
    for s in sessions:
        if s.kind != "rest":
            per_day.setdefault(s.date, []).append(s.kind)
    busy = {d for d, kinds in per_day.items()
            if len(kinds) >= most or any(k not in ("strength", "mobility") for k in kinds)}
    run_days = {s.date for s in sessions if _is_run(s) and s.date != today}
    for d in sorted(free_days):
        if d > today and d not in busy and d - DAY not in run_days and d + DAY not in run_days:
            return d
    return None


def _give_back(out: list[Session], later: list[int], km: float, cap_km: float | None) -> None:
    """What today's run gave up goes to the later easy runs, in proportion, none above the cap or the
    longest of them."""
    easy = [j for j in later if out[j].kind in ("easy", "run_walk", "recovery")]
    # None grows past the longest of them: the week's shape stays, only its missing distance is shared.
    cap = min(cap_km if cap_km is not None else math.inf, max((_km(out[j]) for j in easy), default=0.0))
    while km > 0.05 and easy:
        room = {j: cap - _km(out[j]) for j in easy if cap - _km(out[j]) > 0.05}
        if not room:
            return
        total = sum(_km(out[j]) for j in room) or 1.0
        given = 0.0
        for j, r in room.items():
            add = min(r, math.ceil(km * _km(out[j]) / total * 10) / 10, round(km - given, 1))
            if add <= 0:
                break
            out[j] = resized(out[j], _km(out[j]) + add)
            given += add
        km = round(km - given, 1)

