"""Shoes: add, retire, and their distance (``start_km`` plus every run assigned to them).

New runs go to the athlete's current shoe: the newest one not retired.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
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


def current_shoe_id(session: Session, athlete_id: int) -> int | None:
    """The athlete's newest shoe that is not retired, if any."""
    return session.scalars(
        select(ShoeRow.id)
        .where(ShoeRow.athlete_id == athlete_id, ShoeRow.retired.is_(False))
        .order_by(ShoeRow.added_on.desc(), ShoeRow.id.desc())
        .limit(1)
    ).first()


def shoe_kms(session: Session, athlete_id: int, *, until: dt.date | None = None) -> list[tuple[ShoeRow, float]]:
    """Every shoe of the athlete (by id) with its km: ``start_km`` + the runs assigned to it."""
    runs = (
        select(ActivityRow.shoe_id, func.sum(ActivityRow.distance_km))
        .where(
            ActivityRow.athlete_id == athlete_id,
            ActivityRow.shoe_id.is_not(None),
            ActivityRow.kind.in_(sorted(ACTIVITY_RUNNING_KINDS)),
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
