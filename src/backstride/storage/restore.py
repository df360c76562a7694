"""Loading an athlete export back (``export_athlete`` output), into this or another database.

The export is portable: ids are re-assigned on the way in and every foreign key is mapped to the new
ids, so it can go into a database that already holds other athletes, on either backend.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, DateTime, Table, insert

from backstride.storage.engine import Database
from backstride.storage.export import EXPORT_FORMAT, NESTED_TABLES
from backstride.storage.ownership import athlete_tables

__all__ = ["import_athlete_export"]


def _rows_by_table(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    rows = {name: [dict(row) for row in data.get(name, [])] for name in data if isinstance(data.get(name), list)}
    rows["athletes"] = [dict(data["athlete"])]
    for child, (parent, _link) in NESTED_TABLES.items():
        rows[child] = [dict(c) for parent_row in rows.get(parent, []) for c in parent_row.pop(child, [])]
    return rows


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        if column.name not in row or column.primary_key:
            continue
        value = row[column.name]
        if isinstance(value, str) and isinstance(column.type, DateTime | Date):
            parsed = dt.datetime.fromisoformat(value)
            value = parsed if isinstance(column.type, DateTime) else parsed.date()
        elif isinstance(value, str) and hasattr(column.type, "impl") and isinstance(column.type.impl, DateTime):
            value = dt.datetime.fromisoformat(value)  # UTCDateTime
        out[column.name] = value
    return out


def import_athlete_export(db: Database, data: dict[str, Any]) -> int:
    """Store an athlete from an export made by :func:`~backstride.storage.export.export_athlete`; return
    the new athlete id. One transaction; raises ``ValueError`` for data that is not such an export."""
    if data.get("format") != EXPORT_FORMAT or not isinstance(data.get("athlete"), dict):
        raise ValueError(f"not a {EXPORT_FORMAT} export")
    rows = _rows_by_table(data)
    new_ids: dict[str, dict[Any, int]] = {}
    with db.write_connection() as conn:
        for table in athlete_tables():  # parents first
            ids = new_ids.setdefault(table.name, {})
            for row in rows.get(table.name, []):
                values = _typed(table, row)
                for fk in table.foreign_keys:
                    name = fk.parent.name
                    if values.get(name) is not None:  # a note's author is an account, not exported: None
                        values[name] = new_ids.get(fk.column.table.name, {}).get(values[name])
                new_id = conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()
                ids[row["id"]] = new_id
    return new_ids["athletes"][data["athlete"]["id"]]
