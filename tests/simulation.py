"""Simulated runners followed week by week: the planner plans, the runner runs, the back answers.

The runner's back tolerates a weekly running load that grows while the runs
stay within it; a week above it flares (next-morning pain up), a week near it
gives moderate pain. Check-ins are written the way a runner would: morning pain
every day, pain during and after on run days.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from backstride.contract import RUNNING_KINDS, Plan, State, parse_state
from backstride.core.planner import plan_week

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class Runner:
    """A simulated runner: their normal week and how much their back tolerates."""

    baseline: list[dict[str, Any]]
    tolerance_km: float  # weekly running the back tolerates now
    growth: float = 0.12  # tolerance grows by this share after each week within it
    rest_pain: int = 2
    available_days: list[str] | None = None
    cadence: float | None = 166
    seed: int = 1
    noise: bool = True
    run_days_only: bool = False  # checks in on run days only, without a morning score on half of them
    log: list[dict[str, Any]] = field(default_factory=list)

    @property
    def baseline_km(self) -> float:
        return sum(s.get("distance_km", 0) for s in self.baseline if s["kind"] not in ("cross_training", "strength"))


@dataclass
class WeekRecord:
    start: dt.date
    plan: Plan
    done_km: float
    flared: bool
    state: State | None = None  # what the planner read that Monday


def follow(runner: Runner, start: dt.date, weeks: int, history_weeks: int = 2) -> list[WeekRecord]:
    """Follow a runner for ``weeks`` weeks from ``start``; return each week's plan and outcome."""
    rng = random.Random(runner.seed)
    checkins: list[dict[str, Any]] = []
    activities: list[dict[str, Any]] = []
    # Before backstride: normal training, pain just beginning.
    for w in range(history_weeks):
        week0 = start - dt.timedelta(days=7 * (history_weeks - w))
        for s in runner.baseline:
            if s["kind"] in ("cross_training", "strength"):
                continue
            day = week0 + dt.timedelta(days=(WEEKDAYS.index(s["day"]) - week0.weekday()) % 7)
            activities.append({"date": day.isoformat(), "kind": "easy" if s["kind"] != "long" else "long",
                               "distance_km": s["distance_km"], "rpe": 4})
    for d in range(3):
        day = start - dt.timedelta(days=3 - d)
        checkins.append({"date": day.isoformat(), "pain_rest": runner.rest_pain})
    records: list[WeekRecord] = []
    rest_pain = runner.rest_pain
    today = start
    for _ in range(weeks):
        athlete: dict[str, Any] = {"baseline": {"sessions": runner.baseline}}
        if runner.available_days:
            athlete["available_days"] = runner.available_days
        if runner.cadence:
            athlete["cadence_spm"] = runner.cadence
        state = parse_state({"schema": "backstride.state/1", "today": today.isoformat(), "athlete": athlete,
                             "checkins": checkins, "activities": activities})
        plan = plan_week(state)
        planned = plan.volume.planned_run_km
        over = planned / runner.tolerance_km if runner.tolerance_km > 0 else 9
        flare_week = planned > 0 and over > 1.0
        amber_week = planned > 0 and 0.93 < over <= 1.0
        flare_day = None
        run_days = [s for s in plan.sessions if s.kind in RUNNING_KINDS]
        if flare_week and run_days:
            flare_day = run_days[len(run_days) // 2].date
        done = 0.0
        for i in range(7):
            day = today + dt.timedelta(days=i)
            runs = [s for s in plan.sessions if s.date == day and s.kind in RUNNING_KINDS]
            jitter = rng.choice((0, 0, 0, 1)) if runner.noise else 0
            morning = min(10, rest_pain + (jitter if rest_pain else 0))
            c: dict[str, Any] = {"date": day.isoformat(), "pain_rest": morning}
            if runs:
                s = runs[0]
                activities.append({"date": day.isoformat(), "kind": s.kind, "distance_km": s.distance_km,
                                   "duration_min": s.duration_min, "rpe": s.rpe_max})
                done += s.distance_km or 0
                during = rest_pain + (2 if amber_week else 0) + (1 if flare_week else 0)
                c["pain_during"] = min(during, 10)
                c["pain_after"] = min(during, 10)
                if day == flare_day:
                    c["pain_next_morning"] = min(rest_pain + 3, 10)
            if runner.run_days_only:
                if not runs:
                    continue
                if rng.random() < 0.5:
                    del c["pain_rest"]
            checkins.append(c)
        if flare_week:
            runner.tolerance_km *= 0.97
            rest_pain = min(rest_pain + 1, 6)
        else:
            runner.tolerance_km *= 1 + runner.growth
            if rng.random() < 0.5 and rest_pain > 0:
                rest_pain -= 1
        records.append(WeekRecord(today, plan, done, flare_week, state))
        today += dt.timedelta(days=7)
    return records
