"""What was planned is kept one row per day, updated in place, instead of a whole plan per `plan` call.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

Every issued plan used to be stored whole (about 11 kB of JSON, 4 MB a year for a daily plan).
The new ``planned_days`` table holds, for each day, the sessions of the latest plan that covered
it, without their notes (about 0.2 kB a day). Upgrading converts the stored plans, oldest first,
so each day keeps what the latest plan said. Downgrading rebuilds one plan row per stored week
from those days (sessions, phase; the triage, volume and rule texts were not kept).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)

_plans = sa.table(
    "plans", sa.column("id", sa.Integer), sa.column("athlete_id", sa.Integer), sa.column("week_start", sa.Date),
    sa.column("created_at", TS), sa.column("plan", sa.JSON),
)
_days = sa.table(
    "planned_days", sa.column("athlete_id", sa.Integer), sa.column("date", sa.Date),
    sa.column("week_start", sa.Date), sa.column("phase", sa.String), sa.column("sessions", sa.JSON),
    sa.column("updated_at", TS),
)


def _create_planned_days() -> None:
    op.create_table(
        "planned_days",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("athlete_id", sa.Integer(),
                  sa.ForeignKey("athletes.id", ondelete="CASCADE", name="fk_planned_days_athlete_id_athletes"),
                  nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("sessions", sa.JSON(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_planned_days"),
        sa.UniqueConstraint("athlete_id", "date", name="uq_planned_days_athlete_id_date"),
    )


def upgrade() -> None:
    _create_planned_days()
    bind = op.get_bind()
    latest: dict[tuple[int, str], dict[str, Any]] = {}
    for row in bind.execute(sa.select(_plans).order_by(_plans.c.created_at, _plans.c.id)):
        by_day: dict[str, list[dict[str, Any]]] = {}
        for s in row.plan.get("sessions", ()):
            by_day.setdefault(s["date"], []).append({k: v for k, v in s.items() if k != "notes" and v is not None})
        for day, sessions in by_day.items():
            latest[(row.athlete_id, day)] = {
                "athlete_id": row.athlete_id, "date": dt.date.fromisoformat(day), "week_start": row.week_start,
                "phase": row.plan.get("phase", "calm"), "sessions": sessions, "updated_at": row.created_at,
            }
    if latest:
        bind.execute(_days.insert(), list(latest.values()))
    op.drop_index("ix_plans_athlete_id_week_start", table_name="plans")
    op.drop_table("plans")


def downgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("athlete_id", sa.Integer(),
                  sa.ForeignKey("athletes.id", ondelete="CASCADE", name="fk_plans_athlete_id_athletes"),
                  nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plans"),
    )
    op.create_index("ix_plans_athlete_id_week_start", "plans", ["athlete_id", "week_start"])
    bind = op.get_bind()
    weeks: dict[tuple[int, dt.date], dict[str, Any]] = {}
    for row in bind.execute(sa.select(_days).order_by(_days.c.athlete_id, _days.c.date)):
        week = weeks.setdefault((row.athlete_id, row.week_start), {
            "athlete_id": row.athlete_id, "week_start": row.week_start, "created_at": row.updated_at,
            "plan": {"schema": "backstride.plan/1", "week_start": row.week_start.isoformat(),
                     "phase": row.phase, "sessions": []}})
        week["plan"]["sessions"].extend({**s, "notes": ""} for s in row.sessions)
    if weeks:
        bind.execute(_plans.insert(), list(weeks.values()))
    op.drop_table("planned_days")
