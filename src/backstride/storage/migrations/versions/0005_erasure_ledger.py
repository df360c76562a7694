"""The erasure ledger: which athletes were erased, so that a restored backup does not bring them back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

No health data: the athlete id, when, a salted fingerprint of the erased athlete row, and when the
database files were last found free of the athlete's data.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("files_cleaned_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    op.create_index(op.f("ix_erasures_athlete_id"), "erasures", ["athlete_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_erasures_athlete_id"), table_name="erasures")
    op.drop_table("erasures")
