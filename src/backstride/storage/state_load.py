"""The planner's input read from the log with plain column selects, validated once.

Two reaches:

- the full history (:func:`load_state` with ``since=None``): what ``causes``, ``weeks`` and the
  state export read;
- the planner's window (:func:`planner_state`): the days the core's timeline indexes
  (:data:`~backstride.core.timeline.WINDOW_DAYS` before today, up to today), plus, for each yes/no
  warning sign of :data:`FLAG_FIELDS`, the latest older check-in that answers it
  (reduced to the warning signs). A red flag answered yes long ago stays in force until answered no
  (T-PERSIST-FLAGS), so those few older answers are all the planner reads from before the window; a
  standing fact (``STANDING_FIELDS``) is kept by its first yes, since a later no does not lift it.

``plan_week`` and ``decide_today`` give the same plan and decision from either load (a property test
holds us to it). Rows come back as tuples, never as ORM objects; the whole state is dumped to JSON
once and validated once by the contract, in the mode it promises to accept. Only when that fails (an
activity value the contract rejects, say a cadence of 300 from a glitchy device) are the activities
validated one by one, dropping the bad values, as before.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Date, and_, case, func, select, type_coerce
from sqlalchemy.orm import Session

from backstride.contract import Activity, BaselineSession, Checkin, State
from backstride.core.timeline import RED_FLAG_QUESTIONS, STANDING_FACTS, WINDOW_DAYS
from backstride.importers.plausible import check_activity
from backstride.storage.convert import to_contract
from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound
from backstride.storage.shoes import shoe_kms
from backstride.storage.tables import ActivityRow, AthleteRow, BaselineSessionRow, CheckinRow

FLAG_FIELDS = RED_FLAG_QUESTIONS + STANDING_FACTS
STANDING_FIELDS = STANDING_FACTS

__all__ = ["PLANNER_WINDOW_DAYS", "load_state", "planner_state"]

# How far back the planner reads whole days: the core timeline's window.
PLANNER_WINDOW_DAYS = WINDOW_DAYS

PROFILE_FIELDS = (
    "units", "available_days", "long_run_day", "easy_pace_min_per_km", "cadence_spm", "diagnoses",
    "cross_training", "age", "history_of_cancer", "osteoporosis_or_steroids",
)
_BASELINE_FIELDS = tuple(BaselineSession.model_fields)
_ACTIVITY_FIELDS = tuple(Activity.model_fields)
_CHECKIN_FIELDS = tuple(Checkin.model_fields)


def _default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON data")


def _present(names: tuple[str, ...], row: tuple[Any, ...]) -> dict[str, Any]:
    return {name: value for name, value in zip(names, row, strict=True) if value is not None}


def planner_state(db: Database, athlete_id: int, today: dt.date) -> State:
    """What ``plan`` and ``decide`` read on ``today``: the window and the older warning-sign answers."""
    return load_state(db, athlete_id, today, since=today - PLANNER_WINDOW_DAYS * dt.timedelta(days=1),
                      flags_before=True)


def load_state(
    db: Database, athlete_id: int, today: dt.date, *, since: dt.date | None = None, flags_before: bool = False
) -> State:
    """The athlete's ``backstride.state/1`` on ``today`` from the history dated ``since`` .. ``today``.

    ``since=None`` reads the whole history up to ``today``. ``flags_before`` adds, before ``since``, the
    latest answer to each warning sign (as check-ins holding only those answers). Retired shoes are left
    out; a shoe's km counts its runs up to ``today``. Activity values the contract or the plausibility
    bounds reject are dropped, not passed on.
    """
    with db.session() as session:
        profile = session.execute(
            select(*(getattr(AthleteRow, f) for f in PROFILE_FIELDS)).where(AthleteRow.id == athlete_id)
        ).first()
        if profile is None:
            raise AthleteNotFound(athlete_id)
        baseline = [
            _present(_BASELINE_FIELDS, tuple(row))
            for row in session.execute(
                select(*(getattr(BaselineSessionRow, f) for f in _BASELINE_FIELDS))
                .where(BaselineSessionRow.athlete_id == athlete_id)
                .order_by(BaselineSessionRow.position)
            )
        ]
        shoes = [{"name": s.name, "km": km} for s, km in shoe_kms(session, athlete_id, until=today) if not s.retired]
        checkins = _older_flag_answers(session, athlete_id, since) if flags_before and since is not None else []
        checkin_query = select(*(getattr(CheckinRow, f) for f in _CHECKIN_FIELDS)).where(
            CheckinRow.athlete_id == athlete_id, CheckinRow.date <= today)
        activity_query = select(*(getattr(ActivityRow, f) for f in _ACTIVITY_FIELDS)).where(
            ActivityRow.athlete_id == athlete_id, ActivityRow.date <= today)
        if since is not None:
            checkin_query = checkin_query.where(CheckinRow.date >= since)
            activity_query = activity_query.where(ActivityRow.date >= since)
        checkin_rows = session.execute(checkin_query.order_by(CheckinRow.date))
        checkins += [_present(_CHECKIN_FIELDS, tuple(r)) for r in checkin_rows]
        activities = [
            _present(_ACTIVITY_FIELDS, tuple(r))
            for r in session.execute(activity_query.order_by(
                ActivityRow.date, ActivityRow.start_time.asc().nulls_first(), ActivityRow.id))
        ]
    athlete = _present(PROFILE_FIELDS, tuple(profile))
    athlete.update(baseline={"sessions": baseline}, shoes=shoes)
    data = {"schema": "backstride.state/1", "today": today, "athlete": athlete, "checkins": checkins}
    try:
        state = State.model_validate_json(json.dumps({**data, "activities": activities}, default=_default))
    except ValidationError:  # a stored activity value the contract rejects: repair the activities one by one
        state = State.model_validate_json(json.dumps(data, default=_default))
        readable = (r for r in map(_repaired, activities) if r is not None)
        return state.model_copy(update={"activities": _checked(readable, today)})
    return state.model_copy(update={"activities": _checked(state.activities, today)})


def _older_flag_answers(session: Session, athlete_id: int, before: dt.date) -> list[dict[str, Any]]:
    """For each warning sign, the latest check-in before ``before`` that answers it, reduced to those answers.

    One aggregate query finds the dates (a standing fact by its first yes, the day it was first reported);
    one more reads those rows.
    """
    older = and_(CheckinRow.athlete_id == athlete_id, CheckinRow.date < before)
    latest = [
        type_coerce((func.min if f in STANDING_FIELDS else func.max)(case(
            (getattr(CheckinRow, f).is_(True) if f in STANDING_FIELDS else getattr(CheckinRow, f).is_not(None),
             CheckinRow.date),
            else_=None,
        )), Date)
        for f in FLAG_FIELDS
    ]
    found = session.execute(select(*latest).where(older)).one()
    chosen: dict[dt.date, set[str]] = {}
    for field, day in zip(FLAG_FIELDS, found, strict=True):
        if day is not None:
            chosen.setdefault(day, set()).add(field)
    if not chosen:
        return []
    rows = session.execute(
        select(CheckinRow.date, *(getattr(CheckinRow, f) for f in FLAG_FIELDS))
        .where(older, CheckinRow.date.in_(sorted(chosen)))
        .order_by(CheckinRow.date)
    )
    out = []
    for day, *answers in rows:
        keep = chosen[day]
        out.append({"date": day, **{f: a for f, a in zip(FLAG_FIELDS, answers, strict=True) if f in keep}})
    return out


def _repaired(values: dict[str, Any]) -> Activity | None:
    """One stored activity as the contract reads it, with each value it rejects dropped; none when its date
    lies outside the dates backstride plans for (a row stored by an earlier version)."""
    values = dict(values)
    while True:
        try:
            return to_contract(Activity, values)
        except ValidationError as exc:
            fields = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
            if "date" in fields:
                return None
            bad = fields - {"kind"}
            if not bad:
                raise
            for field in bad:
                values.pop(field, None)


def _checked(activities: Iterable[Activity], today: dt.date) -> tuple[Activity, ...]:
    """The activities within the plausibility bounds (impossible values dropped, impossible sessions left out)."""
    return tuple(checked for checked in (check_activity(a, today).activity for a in activities) if checked is not None)
