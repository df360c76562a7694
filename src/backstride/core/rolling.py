"""Any seven days in a row are a week (W-ROLLING): the plan carries on from the runs already done.

One step of the planner's pipeline, after the layout and today's call. A plan
covers the 7 days from today, and a runner who asks each morning gets a new
plan each morning, each with a run today. So that those mornings do not add
up to more running than one week's plan, no 7 days in a row (the runs already
done and the runs planned) hold more runs than this week plans; and after an
amber answer (P-AMBER: hold the dose), no 7 days hold more running than the 7
days that led to it. A run that would break that is shortened; one that would fall below the
shortest run worth doing (B-MIN-RUN) becomes cross-training, and what it gives
up goes to the week's later runs where their 7 days have room.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from backstride.contract import RUNNING_KINDS, Session
from backstride.core.pain_response import is_run_day, run_response
from backstride.core.timeline import DAY, Timeline
from backstride.core.words import count
from backstride.rules import Catalogue

__all__ = ["RollingWeek", "answer_hold_km", "hold_rolling_week"]

_RESIZABLE = frozenset({"easy", "recovery", "run_walk", "long_run_walk", "long"})
_ORDER = {"rest": 9, "strength": 5, "mobility": 6, "cross_training": 4, "walk": 3}  # a day's sessions, in order
_CROSS_NAMES = {"bike": "bike", "elliptical": "elliptical", "incline_walk": "incline walking",
                "swim": "swimming", "deep_water_running": "deep-water running", "rower": "rowing"}


@dataclass(frozen=True, slots=True)
class RollingWeek:
    """The sessions after the hold, and what it changed (empty when nothing)."""

    sessions: list[Session]
    why: str  # the reason to cite, "" when no run had to change
    amber: bool = False  # today's run was held back by the last amber answer (not by the run count)


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


def _resize(s: Session, km: float) -> Session:
    old = _km(s)
    km = round(km, 1)
    minutes = (s.duration_min or 0.0) * km / old if old > 0 else s.duration_min
    notes = s.notes.replace(f"{old:.1f} km", f"{km:.1f} km", 1)
    return s.model_copy(update={"distance_km": km, "duration_min": round(minutes, 1) if minutes else minutes,
                                "notes": notes, "rules": tuple(dict.fromkeys((*s.rules, "W-ROLLING")))})


def _as_cross(s: Session, activity: str, minutes: float, done_km: float) -> Session:
    name = _CROSS_NAMES.get(activity, activity.replace("_", " "))
    return Session.model_validate({
        "date": s.date, "kind": "cross_training", "activity": activity, "duration_min": minutes, "rpe_max": 5,
        "rules": ("W-ROLLING", "X-SWAP"),
        "notes": (f"No run today: the last 7 days already hold {done_km:.1f} km, enough running for now. "
                  f"{minutes:.0f} min {name} at a steady, comfortable effort instead."),
    })


def answer_hold_km(tl: Timeline, rules: Catalogue) -> float | None:
    """After an amber answer in the last days: the running of the 7 days that led to it (P-AMBER: hold).

    None when the last answered run of the last 6 days was not amber. After red the week is already
    W-FLARE's cut, within its range.
    """
    days = int(rules.value("W-ROLLING", "window_days"))
    for k in range(1, days):
        day = tl.today - k * DAY
        if not is_run_day(tl, day):
            continue
        level = run_response(tl, day, rules).level
        if level == "amber":
            return tl.km(day - (days - 1) * DAY, day + DAY)
        if level == "red":
            return None
    return None


def hold_rolling_week(sessions: Sequence[Session], tl: Timeline, rules: Catalogue, pace_min_per_km: float,
                      cross: Sequence[str], hold_km: float | None = None,
                      cap_km: float | None = None, free_days: Sequence[dt.date] = ()) -> RollingWeek:
    """Today's run, held to the 7 days that end today: no more runs than the week plans, and no more
    running than ``hold_km`` (the running that led to the last amber answer).

    What today's run gives up goes to the week's later easy runs, none above ``cap_km``, so the week
    keeps its dose; those later runs are checked again on their own morning.
    """
    days = int(rules.value("W-ROLLING", "window_days"))
    slack = rules.value("W-ROLLING", "slack_km")
    min_km = rules.value("B-MIN-RUN", "min_minutes") / pace_min_per_km if pace_min_per_km > 0 else 0.0
    out = list(sessions)
    runs = sorted((i for i, s in enumerate(out) if _is_run(s)), key=lambda i: out[i].date)
    i = next((i for i in runs if out[i].date == tl.today), None)
    if i is None:
        return RollingWeek(out, "")
    most_runs = len(runs)
    s = out[i]
    planned = {s.date: _km(s)}
    over = _window_km(tl, planned, s.date, days) - hold_km - slack if hold_km is not None else 0.0
    too_many = _window_runs(tl, planned, s.date, days) > most_runs
    if over <= 1e-6 and not too_many:
        return RollingWeek(out, "")
    keep = 0.0 if too_many or s.kind not in _RESIZABLE else math.floor((_km(s) - over) * 10 + 1e-9) / 10
    done = _window_km(tl, {}, s.date, days)
    to = _free_day(out, s.date, free_days) if too_many else None
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
    if keep >= min_km - 1e-6 and keep > 0:
        out[i] = _resize(s, keep)
        change = f"today's run is {keep:.1f} km"
    else:
        keep = 0.0
        out[i] = _as_cross(s, cross[0], rules.value("X-SWAP", "minutes"), done) if cross else s.model_copy(update={
            "kind": "rest", "distance_km": None, "duration_min": None, "rpe_max": None, "terrain": None,
            "run_walk": None, "reps": None, "rules": ("W-ROLLING",),
            "notes": f"No run today: the last 7 days already hold {done:.1f} km, enough running for now. Rest."})
        change = "no run today"
    _give_back(out, [j for j in runs if j != i], _km(s) - keep, cap_km)
    if too_many:
        why = (f"the last 7 days already hold {count(_window_runs(tl, {}, s.date, days), 'run')}, as many as "
               f"this week plans: {change}")
    else:
        why = (f"after your last amber answer the running holds at the {hold_km or 0.0:.1f} km of the 7 days "
               f"that led to it, and the last 6 days hold {done:.1f} km: {change}")
    return RollingWeek(out, why, amber=not too_many)


def _free_day(sessions: Sequence[Session], today: dt.date, free_days: Sequence[dt.date]) -> dt.date | None:
    """A later day the runner can train with no run, no other session, and no run the day before or after."""
    busy = {s.date for s in sessions if s.kind != "rest"}
    run_days = {s.date for s in sessions if _is_run(s) and s.date != today}
    for d in sorted(free_days):
        if d > today and d not in busy and d - DAY not in run_days and d + DAY not in run_days:
            return d
    return None


def _give_back(out: list[Session], later: list[int], km: float, cap_km: float | None) -> None:
    """What today's run gave up goes to the later easy runs, in proportion, none above the cap."""
    cap = cap_km if cap_km is not None else math.inf
    easy = [j for j in later if out[j].kind in ("easy", "run_walk", "recovery")]
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
            out[j] = _resize(out[j], _km(out[j]) + add)
            given += add
        km = round(km - given, 1)
