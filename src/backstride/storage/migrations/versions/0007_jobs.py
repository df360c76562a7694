"""Jobs: work done off the request path (imports from the web app), with progress and a result.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

Written beside the web accounts revision (0006) on a separate branch, first revising 0005; re-pointed
onto 0006 when the branches were merged, so the history stays one line. The table holds no health
data beyond an import's summary (file names, counts and reasons); its rows belong to the athlete and
cascade with them on erasure.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_jobs_state")),
        sa.ForeignKeyConstraint(["athlete_id"], ["athletes.id"], name=op.f("fk_jobs_athlete_id_athletes"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index(op.f("ix_jobs_athlete_id"), "jobs", ["athlete_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_jobs_athlete_id"), table_name="jobs")
    op.drop_table("jobs")
