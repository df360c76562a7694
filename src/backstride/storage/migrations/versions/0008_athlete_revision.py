"""An athlete's revision: a stamp changed by the database on every write to what the plan reads.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

Caches of the plan, the decision and the clinic's status rows are keyed on it (storage/revision.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backstride.storage import revision as stamp

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("athletes") as batch:
        batch.add_column(sa.Column("revision", sa.BigInteger(), nullable=False, server_default="0"))
    for statement in stamp.athlete_statements(dialect):
        op.execute(statement)
    stamp.install_triggers(op, stamp.PLAN_INPUTS_0008)
    op.execute("UPDATE athletes SET revision = 0")  # the athletes trigger stamps each existing row


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    stamp.drop_triggers(op, stamp.PLAN_INPUTS_0008)
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS athletes_revision ON athletes")
        op.execute("DROP FUNCTION IF EXISTS backstride_athlete_revision_own()")
        op.execute("DROP FUNCTION IF EXISTS backstride_athlete_revision()")
    else:
        op.execute("DROP TRIGGER IF EXISTS athletes_revision_insert")
        op.execute("DROP TRIGGER IF EXISTS athletes_revision_update")
    with op.batch_alter_table("athletes") as batch:
        batch.drop_column("revision")
