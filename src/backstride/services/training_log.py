"""Use cases of the training log, shared by the command line and the web app.

Each function takes an open :class:`~backstride.storage.Database` and plain
values, calls storage and the pure core, and returns plain results. The clock
is read by the caller (``today`` is always an argument).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backstride.contract import Checkin, Decision, Plan, State
from backstride.core.causes import CausesReport, find_causes
from backstride.core.decide import decide_today
from backstride.core.pain_response import RunResponse, run_response
from backstride.core.planner import assess, plan_week
from backstride.core.triage import TriageResult
from backstride.exports.calendar import plan_to_ics
from backstride.services.adjustments import rules_for
from backstride.services.memo import athlete_memo
from backstride.storage import (
    Database,
    create_athlete,
    get_athlete,
    planner_state,
    resolve_url,
    save_plan,
    state_for,
    upsert_checkin,
)

__all__ = [
    "CheckinResult",
    "PlannedWeek",
    "TodayView",
    "athlete_state",
    "calendar_for",
    "causes_for",
    "decide_for",
    "open_database",
    "plan_for",
    "planned_week",
    "record_checkin",
    "store_athlete",
    "today_for",
]


def open_database(url: str | None = None) -> Database:
    """Open (and migrate) the database at ``url``, else ``BACKSTRIDE_DATABASE_URL``, else the local file."""
    return Database.open(resolve_url(url))


def store_athlete(db: Database, state: State, name: str = "athlete", timezone: str | None = None) -> int:
    """Store a ``backstride.state/1`` as a new athlete; return the id."""
    return create_athlete(db, state, name=name, timezone=timezone)


def athlete_state(db: Database, athlete_id: int, today: dt.date, *, planner: bool = False) -> State:
    """A stored athlete's ``backstride.state/1`` on ``today``: the whole history, or with ``planner`` only
    what ``plan`` and ``decide`` read (their window and the older warning-sign answers; same plan, same
    decision, a load that does not grow with the years)."""
    return planner_state(db, athlete_id, today) if planner else state_for(db, athlete_id, today)


def plan_for(db: Database, athlete_id: int, today: dt.date, *, save: bool = True) -> tuple[State, Plan]:
    """Plan the week from ``today`` for a stored athlete, and keep the issued plan."""
    state = athlete_state(db, athlete_id, today, planner=True)
    plan = plan_week(state, rules_for(db, athlete_id, known=True))  # with a physio's adjustments, if any
    if save:
        save_plan(db, athlete_id, plan)
    return state, plan


def decide_for(db: Database, athlete_id: int, today: dt.date) -> tuple[State, Decision]:
    """Today's decision for a stored athlete."""
    state = athlete_state(db, athlete_id, today, planner=True)
    return state, decide_today(state, rules_for(db, athlete_id, known=True))


@dataclass(frozen=True, slots=True)
class PlannedWeek:
    """The week planned from today (not issued), with what showing it needs from the athlete's profile."""

    plan: Plan
    units: str
    easy_pace_min_per_km: float | None


def planned_week(db: Database, athlete_id: int, today: dt.date, *, stamp: int | None = None) -> PlannedWeek:
    """The week from ``today`` as the web app and the calendar feed show it, remembered while the
    athlete's history is unchanged (services/memo.py): the same plan as :func:`plan_for`. ``stamp``: the
    athlete's revision when the caller has just read it (see :func:`~backstride.services.memo.athlete_memo`)."""
    memo = athlete_memo(db, athlete_id, stamp)

    def make() -> PlannedWeek:
        state, plan = plan_for(db, athlete_id, today, save=False)
        return PlannedWeek(plan, state.athlete.units, state.athlete.easy_pace_min_per_km)

    return memo.get("week", today, make)


@dataclass(frozen=True, slots=True)
class CheckinResult:
    """A saved check-in, what triage says about it right away, and the run's answer when it holds one."""

    checkin: Checkin  # the day's record after the merge
    triage: TriageResult
    run: RunResponse | None = None  # the body's answer to that day's run, when the check-in reports one
    replanned: Plan | None = None  # the week planned again from today after a run that was too much


_RUN_ANSWERS = ("pain_during", "pain_rising_during", "sharp_pain", "pain_after")


def record_checkin(db: Database, athlete_id: int, checkin: Checkin, today: dt.date) -> CheckinResult:
    """Save a check-in (merged into that day's) and screen it at once.

    When it reports a run (pain during or after, rising or sharp pain), the run's answer is read with the
    24-hour rule, with or without a watch file for that run; a red answer re-plans the week from today.
    """
    get_athlete(db, athlete_id)
    upsert_checkin(db, athlete_id, checkin)
    day = max(today, checkin.date)
    state = athlete_state(db, athlete_id, day, planner=True)
    a = assess(state, rules_for(db, athlete_id, known=True))
    merged = a.timeline.checkin(checkin.date) or checkin
    if not any(getattr(checkin, f) is not None for f in _RUN_ANSWERS):
        return CheckinResult(merged, a.triage)
    answer = run_response(a.timeline, checkin.date, a.rules)
    replanned = None
    if answer.level == "red":
        replanned = plan_week(state, a.rules, a)
        save_plan(db, athlete_id, replanned)
    return CheckinResult(merged, a.triage, answer, replanned)


def causes_for(db: Database, athlete_id: int, today: dt.date) -> CausesReport:
    """What in the history may have led to the pain (guidance section 6)."""
    return find_causes(athlete_state(db, athlete_id, today))


def calendar_for(db: Database, athlete_id: int, today: dt.date) -> bytes:
    """The week's plan as an iCalendar file."""
    summary = get_athlete(db, athlete_id)
    state, plan = plan_for(db, athlete_id, today)
    return plan_to_ics(plan, athlete_name=summary.name, units=state.athlete.units)


@dataclass(frozen=True, slots=True)
class TodayView:
    """What the runner sees first: today's decision, their units, and today's check-in (None: not done yet)."""

    decision: Decision
    units: str
    checkin: Checkin | None


def today_for(db: Database, athlete_id: int, today: dt.date, *, stamp: int | None = None) -> TodayView:
    """Today's decision with what the Today screen needs around it (one state read), remembered while the
    athlete's history is unchanged (services/memo.py): the same decision as :func:`decide_for`. ``stamp``:
    as for :func:`planned_week`."""
    memo = athlete_memo(db, athlete_id, stamp)

    def make() -> TodayView:
        state, decision = decide_for(db, athlete_id, today)
        done = [c for c in state.checkins if c.date == today]
        return TodayView(decision, state.athlete.units, done[-1] if done else None)

    return memo.get("today", today, make)
