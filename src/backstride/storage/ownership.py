"""Which rows belong to an athlete, found from the schema itself.

Export and erasure both walk every table that hangs off ``athletes`` through cascading foreign keys,
so a table added later is exported and erased without anyone remembering to list it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Table, select

from backstride.storage.tables import Base

__all__ = ["athlete_tables", "owned_by"]


def _athletes() -> Table:
    return Base.metadata.tables["athletes"]


def athlete_tables() -> list[Table]:
    """Every table whose rows belong to one athlete, parents before children (athletes first)."""
    return [table for table in Base.metadata.sorted_tables if _owner_clause(table, 0) is not None]


def owned_by(table: Table, athlete_id: int) -> ColumnElement[bool]:
    """A WHERE clause selecting the rows of ``table`` that belong to the athlete."""
    clause = _owner_clause(table, athlete_id)
    if clause is None:
        raise ValueError(f"table {table.name!r} has no cascading path to athletes")
    return clause


def _owner_clause(table: Table, athlete_id: int, depth: int = 0) -> ColumnElement[bool] | None:
    athletes = _athletes()
    if table is athletes:
        return athletes.c.id == athlete_id
    if depth > 5:
        return None
    # Direct link first: a table with its own athlete_id is owned through it.
    for fk in sorted(table.foreign_keys, key=lambda fk: fk.column.table is not athletes):
        if fk.ondelete is None or fk.ondelete.upper() != "CASCADE":
            continue  # SET NULL links (activity -> shoe) do not make a row belong to someone
        parent = fk.column.table
        if parent is athletes:
            return fk.parent == athlete_id
        parent_clause = _owner_clause(parent, athlete_id, depth + 1)
        if parent_clause is not None:
            return fk.parent.in_(select(fk.column).where(parent_clause))
    return None
