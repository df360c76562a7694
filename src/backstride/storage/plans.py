"""What was planned: one row per planned day, holding the sessions of the latest plan that covered it.

A plan issued on Monday covers Monday to Sunday; one issued on Wednesday replaces Wednesday to
Sunday and adds the next Monday and Tuesday. So each day keeps what the runner was last told for
it, and a daily plan costs a few hundred bytes a day instead of a whole plan per call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from backstride.contract import Plan, Session
from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound
from backstride.storage.tables import AthleteRow, PlannedDayRow, utcnow

__all__ = ["PlannedDay", "planned_days", "save_plan"]


@dataclass(frozen=True, slots=True)
class PlannedDay:
    """The sessions planned for one day (notes left out), and the plan that set them."""

    date: dt.date
    week_start: dt.date
    phase: str
    sessions: tuple[Session, ...]


def _compact(session: Session) -> dict[str, Any]:
    return session.model_dump(mode="json", exclude_none=True, exclude_defaults=True, exclude={"notes"}) | {
        "date": session.date.isoformat(), "kind": session.kind, "rules": list(session.rules)}


def save_plan(db: Database, athlete_id: int, plan: Plan) -> int:
    """Keep what ``plan`` says for each of its days, replacing what earlier plans said; return the days kept."""
    by_day: dict[dt.date, list[dict[str, Any]]] = {}
    for s in plan.sessions:
        by_day.setdefault(s.date, []).append(_compact(s))
    now = utcnow()

    def work(session: OrmSession) -> int:
        if session.get(AthleteRow, athlete_id) is None:
            raise AthleteNotFound(athlete_id)
        existing = {r.date: r for r in session.scalars(select(PlannedDayRow).where(
            PlannedDayRow.athlete_id == athlete_id, PlannedDayRow.date.in_(sorted(by_day))))}
        for day, sessions in by_day.items():
            row = existing.get(day)
            if row is None:
                session.add(PlannedDayRow(athlete_id=athlete_id, date=day, week_start=plan.week_start,
                                          phase=plan.phase, sessions=sessions, updated_at=now))
            elif (row.sessions, row.phase) != (sessions, plan.phase):
                row.week_start, row.phase, row.sessions, row.updated_at = plan.week_start, plan.phase, sessions, now
        return len(by_day)

    return db.run_write(work)  # two re-plans of one athlete at once: the loser of a deadlock runs again


def planned_days(db: Database, athlete_id: int, start: dt.date, end: dt.date) -> list[PlannedDay]:
    """What was planned for the days from ``start`` to ``end`` (both included), by date."""
    with db.session() as session:
        if session.get(AthleteRow, athlete_id) is None:
            raise AthleteNotFound(athlete_id)
        rows = session.scalars(select(PlannedDayRow).where(
            PlannedDayRow.athlete_id == athlete_id, PlannedDayRow.date >= start, PlannedDayRow.date <= end,
        ).order_by(PlannedDayRow.date)).all()
        return [PlannedDay(r.date, r.week_start, r.phase,
                           tuple(Session.model_validate({"notes": "", **s}) for s in r.sessions)) for r in rows]
