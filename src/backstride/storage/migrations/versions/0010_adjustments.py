"""A clinician's adjustments, diagnoses and clearances, as a trail of events.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

One table, ``adjustment_events``: each row is a change a clinician recorded for one athlete (an adjustment
of a rule's number, an undo of one, a diagnosis, a clearance), with who, when and why. Rows are never
updated or deleted but with the athlete (they cascade on erasure, and exports carry them). The plan reads
them (the athlete's adjusted catalogue), so every write changes the athlete's revision stamp like the
other plan inputs (storage/revision.py). Written on its own branch beside 0008 and 0009; chained after
0008 on its branch, and re-chained after 0009 (the clinic) at the merge.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backstride.storage import revision as stamp

TABLE = "adjustment_events"

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "adjustment_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("rule_id", sa.String(32), nullable=True),
        sa.Column("parameter", sa.String(64), nullable=True),
        sa.Column("value", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("by_email", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refers_to", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('set', 'undo', 'diagnosis', 'clearance')",
                           name=op.f("ck_adjustment_events_kind")),
        sa.ForeignKeyConstraint(["athlete_id"], ["athletes.id"], name=op.f("fk_adjustment_events_athlete_id_athletes"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["refers_to"], ["adjustment_events.id"],
                                name=op.f("fk_adjustment_events_refers_to_adjustment_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustment_events")),
    )
    op.create_index(op.f("ix_adjustment_events_athlete_id"), "adjustment_events", ["athlete_id"])
    stamp.install_triggers(op, [TABLE])  # the plan reads the adjustments: a change is a new revision


def downgrade() -> None:
    stamp.drop_triggers(op, [TABLE])
    op.drop_index(op.f("ix_adjustment_events_athlete_id"), table_name="adjustment_events")
    op.drop_table("adjustment_events")
