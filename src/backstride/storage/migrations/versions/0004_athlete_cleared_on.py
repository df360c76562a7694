"""Athletes remember the day a clinician last cleared them to run.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

``backstride athlete clear`` records ``cleared_to_run`` among the diagnoses and the day it was given.
Downgrading drops the day; the clearance itself stays among the diagnoses.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("athletes") as batch:
        batch.add_column(sa.Column("cleared_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("athletes") as batch:
        batch.drop_column("cleared_on")
