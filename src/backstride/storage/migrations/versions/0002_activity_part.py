"""Activities remember their place in the imported file, so every leg of a multisport file is kept.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

The import idempotency key becomes (athlete_id, content_sha256, part). Downgrading keeps every
activity but clears the hash of the extra legs (part > 0), since the old key cannot hold them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.add_column(sa.Column("part", sa.Integer(), nullable=False, server_default="0"))
        batch.drop_constraint("uq_activities_athlete_id_content_sha256", type_="unique")
        batch.create_unique_constraint(
            "uq_activities_athlete_id_content_sha256_part", ["athlete_id", "content_sha256", "part"]
        )


def downgrade() -> None:
    op.execute("UPDATE activities SET content_sha256 = NULL WHERE part > 0")
    with op.batch_alter_table("activities") as batch:
        batch.drop_constraint("uq_activities_athlete_id_content_sha256_part", type_="unique")
        batch.drop_column("part")
        batch.create_unique_constraint("uq_activities_athlete_id_content_sha256", ["athlete_id", "content_sha256"])
