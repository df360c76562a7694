"""Athletes: create one from a ``backstride.state/1``, list them, and build the planner's input back.

``state_for(db, create_athlete(db, s), s.today)`` gives back ``s`` (check-ins in date order, one per
date; activities in date order) — the round trip the tests hold us to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from backstride.contract import Athlete, State
from backstride.storage.activities import activity_row_from_contract
from backstride.storage.checkins import checkin_row_values, merge_same_day
from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound
from backstride.storage.state_load import PROFILE_FIELDS, load_state
from backstride.storage.tables import (
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

_PROFILE_FIELDS = PROFILE_FIELDS


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


_STAMP = select(AthleteRow.revision).where(AthleteRow.id == bindparam("athlete"))


def athlete_stamp(db: Database, athlete_id: int) -> int | None:
    """The athlete's revision stamp (storage/revision.py), or None when the athlete is not stored.

    Every athlete route asks, so it is a statement built once and a Core read; the stamp it gives lets
    the same request find a remembered plan without reading it again."""
    with db.read() as conn:
        stamp = conn.scalar(_STAMP, {"athlete": athlete_id})
    return int(stamp) if stamp is not None else None


def get_athlete(db: Database, athlete_id: int) -> AthleteSummary:
    """One athlete, or :class:`AthleteNotFound`."""
    with db.session() as session:
        r = require_athlete(session, athlete_id)
        return AthleteSummary(r.id, r.name, r.created_at, r.timezone, r.units or "km")


def state_for(db: Database, athlete_id: int, today: dt.date, *, history_days: int | None = None) -> State:
    """The planner's input (``backstride.state/1``) for one athlete on ``today``.

    Check-ins and activities dated after ``today`` are left out (a plan for a past day must not see
    the future); ``history_days`` keeps only the last N days before ``today`` as well (the planner's own,
    shorter read is :func:`~backstride.storage.state_load.planner_state`). Retired shoes
    are left out; a shoe's km counts the runs assigned to it up to ``today``. Activity values the
    contract would reject (say, a cadence of 300 from a glitchy device) are dropped, not passed on.
    """
    since = today - dt.timedelta(days=history_days) if history_days is not None else None
    return load_state(db, athlete_id, today, since=since)


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
