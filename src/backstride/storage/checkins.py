"""Daily check-ins: one record per athlete and date; a second check-in that day merges into it, field by field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from backstride.contract import Checkin
from backstride.storage.convert import to_contract
from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound
from backstride.storage.tables import AthleteRow, CheckinRow, utcnow

__all__ = ["checkin_from_row", "checkin_row_values", "list_checkins", "merge_same_day", "upsert_checkin"]

_FIELDS = tuple(Checkin.model_fields)


def checkin_row_values(checkin: Checkin) -> dict[str, Any]:
    """The column values of a check-in (every ``Checkin`` field is a column of the same name)."""
    return checkin.model_dump()


def merge_same_day(checkins: Sequence[Checkin]) -> list[Checkin]:
    """One check-in per date, by date: same-day ones merged field by field, the later one's answers winning."""
    merged: dict[dt.date, dict[str, Any]] = {}
    for c in checkins:
        day = merged.setdefault(c.date, {})
        day.update({k: v for k, v in c.model_dump().items() if v is not None})
    return [Checkin.model_construct(**{f: merged[d].get(f) for f in _FIELDS}) for d in sorted(merged)]


def checkin_from_row(row: CheckinRow) -> Checkin:
    """The contract check-in stored in ``row`` (fields left empty are left out)."""
    return to_contract(Checkin, {field: getattr(row, field) for field in _FIELDS})


def upsert_checkin(db: Database, athlete_id: int, checkin: Checkin) -> None:
    """Save the athlete's check-in for ``checkin.date``, merged into any earlier one for that date.

    Later answers win only for the fields they give: a field left empty keeps the earlier answer, so the
    morning's pain at rest survives the after-run answers and a red-flag "yes" stays until it is answered
    "no". One atomic statement (``INSERT ... ON CONFLICT (athlete_id, date) DO UPDATE`` with ``COALESCE``),
    safe under concurrent saves.
    """
    values = {"athlete_id": athlete_id, "updated_at": utcnow(), **checkin_row_values(checkin)}
    insert = postgresql.insert if db.is_postgresql else sqlite.insert
    stmt = insert(CheckinRow).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["athlete_id", "date"],
        set_={name: (stmt.excluded[name] if name == "updated_at"
                     else func.coalesce(stmt.excluded[name], CheckinRow.__table__.c[name]))
              for name in values if name not in ("athlete_id", "date")},
    )

    def work(session: Session) -> None:
        if session.get(AthleteRow, athlete_id) is None:
            raise AthleteNotFound(athlete_id)
        session.execute(stmt)

    db.run_write(work)  # a deadlock or serialization failure on PostgreSQL runs it again


def list_checkins(
    db: Database, athlete_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> list[Checkin]:
    """The athlete's check-ins dated ``start`` .. ``end`` (both inclusive, either open), by date."""
    query = select(CheckinRow).where(CheckinRow.athlete_id == athlete_id)
    if start is not None:
        query = query.where(CheckinRow.date >= start)
    if end is not None:
        query = query.where(CheckinRow.date <= end)
    with db.session() as session:
        if session.get(AthleteRow, athlete_id) is None:
            raise AthleteNotFound(athlete_id)
        return [checkin_from_row(row) for row in session.scalars(query.order_by(CheckinRow.date))]
