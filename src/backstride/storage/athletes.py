"""Athletes: create one from a ``backstride.state/1``, list them, and build the planner's input back.

``state_for(db, create_athlete(db, s), s.today)`` gives back ``s`` (check-ins in date order, one per
date; activities in date order) — the round trip the tests hold us to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backstride.contract import Activity, Athlete, BaselineSession, Checkin, State
from backstride.importers.plausible import check_activity
from backstride.storage.activities import activity_row_from_contract
from backstride.storage.checkins import checkin_row_values, merge_same_day
from backstride.storage.convert import json_ready, to_contract
from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound
from backstride.storage.shoes import shoe_kms
from backstride.storage.tables import (
    ActivityRow,
    AthleteRow,
    BaselineSessionRow,
    CheckinRow,
    ShoeRow,
    utcnow,
)

__all__ = [
    "AthleteSummary", "cleared_on", "create_athlete", "get_athlete", "list_athletes", "require_athlete", "state_for",
    "update_athlete",
]

_PROFILE_FIELDS = (
    "units",
    "available_days",
    "long_run_day",
    "easy_pace_min_per_km",
    "cadence_spm",
    "diagnoses",
    "cross_training",
    "age",
    "history_of_cancer",
    "osteoporosis_or_steroids",
)
_BASELINE_FIELDS = tuple(BaselineSession.model_fields)
_ACTIVITY_FIELDS = tuple(Activity.model_fields)
_CHECKIN_FIELDS = tuple(Checkin.model_fields)


@dataclass(frozen=True, slots=True)
class AthleteSummary:
    """An athlete as listed: id, name, when created, the IANA timezone if set, and their units."""

    id: int
    name: str
    created_at: dt.datetime
    timezone: str | None
    units: str = "km"


def require_athlete(session: Session, athlete_id: int) -> AthleteRow:
    """The athlete's row, or :class:`AthleteNotFound`."""
    row = session.get(AthleteRow, athlete_id)
    if row is None:
        raise AthleteNotFound(athlete_id)
    return row


def create_athlete(db: Database, state: State, *, name: str = "athlete", timezone: str | None = None) -> int:
    """Store the athlete of ``state`` with its baseline, check-ins, activities and shoes; return the id.

    One transaction. Two check-ins for one date merge field by field, the later one's answers winning
    (as saving them one after the other would, and as the planner reads them). Shoes are stored with
    their ``km`` as the starting distance, added on ``state.today``. ``timezone`` (IANA, e.g.
    ``"Europe/Paris"``) sets the local date of imported runs.
    """
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {timezone!r}") from None
    profile = state.athlete
    values: dict[str, Any] = {field: getattr(profile, field) for field in _PROFILE_FIELDS}
    for field in ("available_days", "diagnoses", "cross_training"):
        if values[field] is not None:
            values[field] = list(values[field])
    now = utcnow()
    with db.write() as session:
        athlete = AthleteRow(name=name, created_at=now, timezone=timezone, **values)
        session.add(athlete)
        session.flush()
        for position, baseline in enumerate(profile.baseline.sessions):
            session.add(BaselineSessionRow(athlete_id=athlete.id, position=position, **baseline.model_dump()))
        for checkin in merge_same_day(state.checkins):
            session.add(CheckinRow(athlete_id=athlete.id, updated_at=now, **checkin_row_values(checkin)))
        for activity in state.activities:
            session.add(activity_row_from_contract(athlete.id, activity, now))
        for shoe in profile.shoes:
            session.add(
                ShoeRow(
                    athlete_id=athlete.id,
                    name=shoe.name,
                    retired=False,
                    added_on=state.today,
                    start_km=shoe.km,
                )
            )
        return athlete.id


def list_athletes(db: Database) -> list[AthleteSummary]:
    """Every athlete, by id."""
    with db.session() as session:
        rows = session.scalars(select(AthleteRow).order_by(AthleteRow.id)).all()
        return [AthleteSummary(r.id, r.name, r.created_at, r.timezone, r.units or "km") for r in rows]


def get_athlete(db: Database, athlete_id: int) -> AthleteSummary:
    """One athlete, or :class:`AthleteNotFound`."""
    with db.session() as session:
        r = require_athlete(session, athlete_id)
        return AthleteSummary(r.id, r.name, r.created_at, r.timezone, r.units or "km")


def state_for(db: Database, athlete_id: int, today: dt.date, *, history_days: int | None = None) -> State:
    """The planner's input (``backstride.state/1``) for one athlete on ``today``.

    Check-ins and activities dated after ``today`` are left out (a plan for a past day must not see
    the future); ``history_days`` keeps only the last N days before ``today`` as well. Retired shoes
    are left out; a shoe's km counts the runs assigned to it up to ``today``. Activity values the
    contract would reject (say, a cadence of 300 from a glitchy device) are dropped, not passed on.
    """
    since = today - dt.timedelta(days=history_days) if history_days is not None else None
    with db.session() as session:
        athlete = require_athlete(session, athlete_id)
        baseline_rows = session.scalars(
            select(BaselineSessionRow)
            .where(BaselineSessionRow.athlete_id == athlete_id)
            .order_by(BaselineSessionRow.position)
        ).all()
        checkin_query = select(CheckinRow).where(CheckinRow.athlete_id == athlete_id, CheckinRow.date <= today)
        activity_query = select(ActivityRow).where(ActivityRow.athlete_id == athlete_id, ActivityRow.date <= today)
        if since is not None:
            checkin_query = checkin_query.where(CheckinRow.date >= since)
            activity_query = activity_query.where(ActivityRow.date >= since)
        checkins = [
            json_ready(_values(row, _CHECKIN_FIELDS))
            for row in session.scalars(checkin_query.order_by(CheckinRow.date))
        ]
        activity_rows = session.scalars(
            activity_query.order_by(ActivityRow.date, ActivityRow.start_time.asc().nulls_first(), ActivityRow.id)
        ).all()
        shoes = [
            {"name": shoe.name, "km": km} for shoe, km in shoe_kms(session, athlete_id, until=today) if not shoe.retired
        ]
        baseline = [json_ready(_values(row, _BASELINE_FIELDS)) for row in baseline_rows]
        athlete_data = {
            **json_ready(_values(athlete, _PROFILE_FIELDS)),
            "baseline": {"sessions": baseline},
            "shoes": shoes,
        }
        activities = [
            checked.model_dump(mode="json", exclude_none=True)
            for checked in (check_activity(a, today).activity
                            for a in map(_contract_activity, activity_rows) if a is not None)
            if checked is not None
        ]
    return to_contract(
        State,
        {
            "schema": "backstride.state/1",
            "today": today,
            "athlete": athlete_data,
            "checkins": checkins,
            "activities": activities,
        },
    )


def _values(row: object, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(row, field) for field in fields}


def _contract_activity(row: ActivityRow) -> Activity | None:
    """The stored row as the contract's activity; a value it refuses is dropped, and a row whose date lies
    outside the dates backstride plans for (stored by an earlier version) is left out altogether."""
    values = json_ready(_values(row, _ACTIVITY_FIELDS))
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


def update_athlete(
    db: Database,
    athlete_id: int,
    profile: Athlete,
    *,
    name: str | None = None,
    cleared_on: dt.date | None = None,
) -> None:
    """Replace the athlete's profile and normal week with ``profile`` (shoes are kept as they are).

    One transaction. ``cleared_on`` records the day a clinician cleared running (``cleared_to_run``).
    """
    values: dict[str, Any] = {field: getattr(profile, field) for field in _PROFILE_FIELDS}
    for field in ("available_days", "diagnoses", "cross_training"):
        if values[field] is not None:
            values[field] = list(values[field])
    with db.write() as session:
        row = require_athlete(session, athlete_id)
        for field, value in values.items():
            setattr(row, field, value)
        if name is not None:
            row.name = name
        if cleared_on is not None:
            row.cleared_on = cleared_on
        session.execute(delete(BaselineSessionRow).where(BaselineSessionRow.athlete_id == athlete_id))
        for position, baseline in enumerate(profile.baseline.sessions):
            session.add(BaselineSessionRow(athlete_id=athlete_id, position=position, **baseline.model_dump()))


def cleared_on(db: Database, athlete_id: int) -> dt.date | None:
    """The day a clinician last cleared the athlete to run, if any."""
    with db.session() as session:
        return require_athlete(session, athlete_id).cleared_on
