"""The clinic's job queue: procrastinate's schema, on PostgreSQL only (SQLite runs jobs in-process).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

Applied by our own migration rather than by ``procrastinate schema --apply`` so that one command
(``backstride db upgrade``) brings the whole database to one revision, in one transaction under the
migration lock, and ``serve --workers`` can refuse a database whose queue is missing just as it refuses
missing tables. The SQL is procrastinate's own ``schema.sql`` from the installed, pinned version; a later
procrastinate comes with a later revision that applies its SQL migrations. Nothing here holds health data
(a queued job carries an id, never a payload of answers).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _schema() -> str:
    from procrastinate.schema import SchemaManager

    return SchemaManager.get_schema()


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # One multi-statement string on the simple query protocol; "%" doubled as the driver expects.
    bind.exec_driver_sql(_schema().replace("%", "%%"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = _schema()
    tables = re.findall(r"^CREATE TABLE (\w+)", schema, flags=re.MULTILINE)
    functions = re.findall(r"^CREATE FUNCTION (\w+)\(", schema, flags=re.MULTILINE)
    types = re.findall(r"^CREATE TYPE (\w+)", schema, flags=re.MULTILINE)
    for table in reversed(tables):
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
    for function in functions:
        bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function} CASCADE")
    for type_ in reversed(types):
        bind.exec_driver_sql(f"DROP TYPE IF EXISTS {type_} CASCADE")
