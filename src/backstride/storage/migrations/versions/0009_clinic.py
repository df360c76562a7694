"""The clinic: each athlete's row of the clinic list, clinicians' notes, and invitations.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

``athlete_status`` is derived (rebuilt from the log whenever it is stale: another day, or another
``athletes.revision`` stamp of 0008) and cascades with the athlete;
``clinic_notes`` are about the athlete, so they are exported and erased with them; ``invitations`` hold
a hashed one-time secret and an e-mail address, no health data.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _athlete_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["athlete_id"], ["athletes.id"], name=op.f(f"fk_{table}_athlete_id_athletes"),
                                   ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "athlete_status",
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("last_checkin", sa.Date(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        _athlete_fk("athlete_status"),
        sa.PrimaryKeyConstraint("athlete_id", name=op.f("pk_athlete_status")),
    )
    op.create_table(
        "clinic_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        _athlete_fk("clinic_notes"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_clinic_notes_author_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_notes")),
    )
    op.create_index(op.f("ix_clinic_notes_athlete_id"), "clinic_notes", ["athlete_id"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("athlete_id", sa.Integer(), nullable=True),
        _athlete_fk("invitations"),
        sa.ForeignKeyConstraint(["clinician_id"], ["users.id"], name=op.f("fk_invitations_clinician_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    op.create_index(op.f("ix_invitations_clinician_id"), "invitations", ["clinician_id"])
    op.create_index(op.f("ix_invitations_athlete_id"), "invitations", ["athlete_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_invitations_athlete_id"), table_name="invitations")
    op.drop_index(op.f("ix_invitations_clinician_id"), table_name="invitations")
    op.drop_table("invitations")
    op.drop_index(op.f("ix_clinic_notes_athlete_id"), table_name="clinic_notes")
    op.drop_table("clinic_notes")
    op.drop_table("athlete_status")
