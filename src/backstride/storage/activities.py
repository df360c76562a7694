"""Activities entered by hand or from a state file, and listing them. Imports are in ``imports.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from backstride.contract import ACTIVITY_RUNNING_KINDS, Activity
from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound
from backstride.storage.shoes import current_shoe_id, owned_shoe
from backstride.storage.tables import ActivityRow, AthleteRow, utcnow

__all__ = ["StoredActivity", "activity_row_from_contract", "add_activity", "list_activities"]


@dataclass(frozen=True, slots=True)
class StoredActivity:
    """An activity as stored: the contract fields plus where it came from."""

    id: int
    date: dt.date
    kind: str
    start_time: dt.datetime | None
    sport: str | None
    distance_km: float | None
    duration_min: float | None
    elapsed_min: float | None
    rpe: int | None
    elevation_gain_m: float | None
    elevation_loss_m: float | None
    cadence_spm: float | None
    avg_hr: float | None
    max_hr: float | None
    device: str | None
    source_format: str | None
    source_name: str | None
    content_sha256: str | None
    shoe_id: int | None
    partial: bool
    notes: str | None


def activity_row_from_contract(athlete_id: int, activity: Activity, now: dt.datetime) -> ActivityRow:
    """A new row for a contract activity (no start time, shoe or source)."""
    return ActivityRow(athlete_id=athlete_id, created_at=now, partial=False, **activity.model_dump())


def add_activity(
    db: Database,
    athlete_id: int,
    activity: Activity,
    *,
    notes: str | None = None,
    sport: str | None = None,
    shoe_id: int | None = None,
    assign_current_shoe: bool = True,
) -> int:
    """Store one hand-entered activity; return its id.

    A run goes to ``shoe_id`` if given, else (with ``assign_current_shoe``) to the current shoe.
    """
    with db.write() as session:
        if session.get(AthleteRow, athlete_id) is None:
            raise AthleteNotFound(athlete_id)
        row = activity_row_from_contract(athlete_id, activity, utcnow())
        row.notes = notes
        row.sport = sport
        if shoe_id is not None:
            row.shoe_id = owned_shoe(session, athlete_id, shoe_id).id
        elif assign_current_shoe and activity.kind in ACTIVITY_RUNNING_KINDS:
            row.shoe_id = current_shoe_id(session, athlete_id, on=activity.date)
        session.add(row)
        session.flush()
        return row.id


def list_activities(
    db: Database, athlete_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> list[StoredActivity]:
    """The athlete's activities dated ``start`` .. ``end`` (inclusive, either open), oldest first."""
    query = select(ActivityRow).where(ActivityRow.athlete_id == athlete_id)
    if start is not None:
        query = query.where(ActivityRow.date >= start)
    if end is not None:
        query = query.where(ActivityRow.date <= end)
    query = query.order_by(ActivityRow.date, ActivityRow.start_time.asc().nulls_first(), ActivityRow.id)
    with db.session() as session:
        if session.get(AthleteRow, athlete_id) is None:
            raise AthleteNotFound(athlete_id)
        return [_stored(row) for row in session.scalars(query)]


def _stored(row: ActivityRow) -> StoredActivity:
    return StoredActivity(
        id=row.id,
        date=row.date,
        kind=row.kind,
        start_time=row.start_time,
        sport=row.sport,
        distance_km=row.distance_km,
        duration_min=row.duration_min,
        elapsed_min=row.elapsed_min,
        rpe=row.rpe,
        elevation_gain_m=row.elevation_gain_m,
        elevation_loss_m=row.elevation_loss_m,
        cadence_spm=row.cadence_spm,
        avg_hr=row.avg_hr,
        max_hr=row.max_hr,
        device=row.device,
        source_format=row.source_format,
        source_name=row.source_name,
        content_sha256=row.content_sha256,
        shoe_id=row.shoe_id,
        partial=row.partial,
        notes=row.notes,
    )
