"""Shoes: add, retire, and their distance (``start_km`` plus every run assigned to them).

A run goes to the shoe in use on the run's day: the newest one added on or before that day and not
retired before it. A shoe counts only runs from the day it came into use, so runs from years ago
imported today never count against a pair bought today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backstride.contract import ACTIVITY_RUNNING_KINDS
from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound, ShoeNotFound
from backstride.storage.tables import ActivityRow, AthleteRow, ShoeRow

__all__ = ["ShoeInfo", "add_shoe", "current_shoe_id", "list_shoes", "retire_shoe", "shoe_kms"]


@dataclass(frozen=True, slots=True)
class ShoeInfo:
    """A shoe with its current distance in km."""

    id: int
    name: str
    retired: bool
    added_on: dt.date
    retired_on: dt.date | None
    start_km: float
    km: float


def add_shoe(
    db: Database, athlete_id: int, name: str, *, start_km: float = 0.0, added_on: dt.date | None = None
) -> int:
    """Add a shoe (it becomes the current one for new runs); return its id."""
    if not name.strip():
        raise ValueError("a shoe needs a name")
    if start_km < 0:
        raise ValueError(f"start_km must be at least 0 (got {start_km})")
    with db.write() as session:
        if session.get(AthleteRow, athlete_id) is None:
            raise AthleteNotFound(athlete_id)
        shoe = ShoeRow(
            athlete_id=athlete_id,
            name=name.strip(),
            retired=False,
            added_on=added_on or dt.date.today(),
            start_km=float(start_km),
        )
        session.add(shoe)
        session.flush()
        return shoe.id


def retire_shoe(db: Database, athlete_id: int, shoe_id: int, *, on: dt.date | None = None) -> None:
    """Retire a shoe: it keeps its runs but gets no new ones."""
    with db.write() as session:
        shoe = owned_shoe(session, athlete_id, shoe_id)
        shoe.retired = True
        shoe.retired_on = on or dt.date.today()


def owned_shoe(session: Session, athlete_id: int, shoe_id: int) -> ShoeRow:
    """The shoe, if it belongs to the athlete; else :class:`ShoeNotFound`."""
    shoe = session.get(ShoeRow, shoe_id)
    if shoe is None or shoe.athlete_id != athlete_id:
        raise ShoeNotFound(shoe_id)
    return shoe


def current_shoe_id(session: Session, athlete_id: int, on: dt.date | None = None) -> int | None:
    """The shoe in use on ``on`` (default: now): the newest added by then and not retired before it."""
    query = select(ShoeRow.id).where(ShoeRow.athlete_id == athlete_id)
    if on is None:
        query = query.where(ShoeRow.retired.is_(False))
    else:
        query = query.where(
            ShoeRow.added_on <= on, or_(ShoeRow.retired_on.is_(None), ShoeRow.retired_on >= on)
        ).where(or_(ShoeRow.retired.is_(False), ShoeRow.retired_on.is_not(None)))
    return session.scalars(query.order_by(ShoeRow.added_on.desc(), ShoeRow.id.desc()).limit(1)).first()


def shoe_kms(session: Session, athlete_id: int, *, until: dt.date | None = None) -> list[tuple[ShoeRow, float]]:
    """Every shoe of the athlete (by id) with its km: ``start_km`` + its runs from the day it came into use."""
    runs = (
        select(ActivityRow.shoe_id, func.sum(ActivityRow.distance_km))
        .join(ShoeRow, ShoeRow.id == ActivityRow.shoe_id)
        .where(
            ActivityRow.athlete_id == athlete_id,
            ActivityRow.kind.in_(sorted(ACTIVITY_RUNNING_KINDS)),
            ActivityRow.date >= ShoeRow.added_on,
        )
        .group_by(ActivityRow.shoe_id)
    )
    if until is not None:
        runs = runs.where(ActivityRow.date <= until)
    run_km = {shoe_id: float(total or 0.0) for shoe_id, total in session.execute(runs)}
    shoes = session.scalars(select(ShoeRow).where(ShoeRow.athlete_id == athlete_id).order_by(ShoeRow.id)).all()
    return [(shoe, shoe.start_km + run_km.get(shoe.id, 0.0)) for shoe in shoes]


def list_shoes(db: Database, athlete_id: int, *, include_retired: bool = True) -> list[ShoeInfo]:
    """The athlete's shoes, by id, with their distance."""
    with db.session() as session:
        if session.get(AthleteRow, athlete_id) is None:
            raise AthleteNotFound(athlete_id)
        return [
            ShoeInfo(s.id, s.name, s.retired, s.added_on, s.retired_on, s.start_km, km)
            for s, km in shoe_kms(session, athlete_id)
            if include_retired or not s.retired
        ]
