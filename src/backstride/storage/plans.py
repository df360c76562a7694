"""Issued plans: every ``backstride.plan/1`` given to an athlete is kept as JSON."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from backstride.contract import Plan
from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound
from backstride.storage.tables import AthleteRow, PlanRow, utcnow

__all__ = ["StoredPlan", "list_plans", "save_plan"]


@dataclass(frozen=True, slots=True)
class StoredPlan:
    """An issued plan: its id, week, when it was issued, and the plan JSON data."""

    id: int
    week_start: dt.date
    created_at: dt.datetime
    plan: dict[str, Any]


def save_plan(db: Database, athlete_id: int, plan: Plan) -> int:
    """Keep an issued plan; return its id."""
    data = json.loads(plan.to_json())
    with db.write() as session:
        if session.get(AthleteRow, athlete_id) is None:
            raise AthleteNotFound(athlete_id)
        row = PlanRow(athlete_id=athlete_id, week_start=plan.week_start, created_at=utcnow(), plan=data)
        session.add(row)
        session.flush()
        return row.id


def list_plans(db: Database, athlete_id: int) -> list[StoredPlan]:
    """The athlete's issued plans, oldest first (``[-1]`` is the latest)."""
    with db.session() as session:
        rows = session.scalars(
            select(PlanRow).where(PlanRow.athlete_id == athlete_id).order_by(PlanRow.created_at, PlanRow.id)
        ).all()
        return [StoredPlan(r.id, r.week_start, r.created_at, r.plan) for r in rows]
