"""Everything about one athlete, for access and portability requests (GDPR Art. 15 and 20).

:func:`export_athlete` gives one JSON-ready dict: ``athlete`` (the profile row), then one list per
table that belongs to the athlete (``baseline_sessions``, ``checkins``, ``shoes`` with their ``km``,
``activities`` with their ``laps`` nested, ``plans``, ``import_log``, ``adjustment_events`` (a physio's
adjustments, undos, diagnoses and clearances, with who, when and why), and any table added later).
:func:`export_athlete_csv` writes a zip with one CSV per table (``athletes.csv``, ``laps.csv``, ...):
header row = column names, dates and times in ISO 8601 (UTC), lists as JSON text, empty = NULL.
The original device files are not kept by backstride, so they are not part of the export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, select

from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound
from backstride.storage.ownership import athlete_tables, owned_by
from backstride.storage.private import write_private
from backstride.storage.shoes import shoe_kms
from backstride.storage.tables import AthleteRow, utcnow

__all__ = ["EXPORT_FORMAT", "NESTED_TABLES", "export_athlete", "export_athlete_csv", "exported_tables"]

EXPORT_FORMAT = "backstride.export/1"
# Child tables shown inside their parent's rows in the JSON export: table -> (parent, link column).
NESTED_TABLES = {"laps": ("activities", "activity_id")}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _columns(table: Table) -> list[Any]:
    """The columns that are the athlete's data (not internal stamps such as ``athletes.revision``)."""
    return [c for c in table.columns if not c.info.get("internal")]


def _rows(conn: Connection, table: Table, athlete_id: int) -> list[dict[str, Any]]:
    query = select(*_columns(table)).where(owned_by(table, athlete_id)).order_by(*table.primary_key.columns)
    result = conn.execute(query)
    return [{key: _plain(value) for key, value in row._mapping.items()} for row in result]


def _tables(conn: Connection, athlete_id: int) -> dict[str, list[dict[str, Any]]]:
    return {table.name: _rows(conn, table, athlete_id) for table in exported_tables()}


def exported_tables() -> list[Table]:
    """The athlete's tables less the account tables (credentials and links are not the athlete's data) and
    the derived ones (the clinic list's status row, rebuilt from the rest whenever it is read stale)."""
    return [table for table in athlete_tables() if not table.info.get("account") and not table.info.get("derived")]


def export_athlete(db: Database, athlete_id: int) -> dict[str, Any]:
    """Everything stored about the athlete as JSON-ready data (see the module docstring)."""
    with db.session() as session:
        if session.get(AthleteRow, athlete_id) is None:
            raise AthleteNotFound(athlete_id)
        tables = _tables(session.connection(), athlete_id)
        kms = {shoe.id: km for shoe, km in shoe_kms(session, athlete_id)}
    out: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": utcnow().isoformat(),
        "athlete": tables.pop("athletes")[0],
    }
    for shoe in tables.get("shoes", []):
        shoe["km"] = kms.get(shoe["id"])
    for child, (parent, link) in NESTED_TABLES.items():
        rows = tables.pop(child)
        by_parent: dict[Any, list[dict[str, Any]]] = {}
        for row in rows:
            by_parent.setdefault(row[link], []).append(row)
        for parent_row in tables[parent]:
            parent_row[child] = by_parent.get(parent_row["id"], [])
    out.update(tables)
    return out


def _csv_text(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                "" if row[c] is None else json.dumps(row[c]) if isinstance(row[c], list | dict) else row[c]
                for c in columns
            ]
        )
    return buffer.getvalue()


def export_athlete_csv(db: Database, athlete_id: int, out_path: Path | str, *, overwrite: bool = False) -> Path:
    """Write a zip of one CSV per table for the athlete to ``out_path``; refuse to overwrite unless asked."""
    out = Path(out_path)
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} already exists")
    with db.session() as session:
        if session.get(AthleteRow, athlete_id) is None:
            raise AthleteNotFound(athlete_id)
        conn = session.connection()
        contents = {
            f"{table.name}.csv": _csv_text(_rows(conn, table, athlete_id), [c.name for c in _columns(table)])
            for table in exported_tables()
        }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in contents.items():
            archive.writestr(name, text)
    write_private(out, buffer.getvalue(), overwrite=overwrite)
    return out
