"""The clinical trail of one athlete: adjustments set and undone, diagnoses and clearances, as events.

Rows are only ever added (``add_event``) and read back in order (``list_events``); what is in force now is
the fold of the events (``services.adjustments``). They cascade with the athlete on erasure and, being an
athlete's table, are in every export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from backstride.storage.athletes import require_athlete
from backstride.storage.engine import Database
from backstride.storage.errors import NotFound
from backstride.storage.tables import CLINICAL_EVENT_KINDS, AdjustmentEventRow

__all__ = ["ClinicalEvent", "EventNotFound", "add_event", "list_events"]


class EventNotFound(NotFound):
    """No such event on this athlete's trail."""

    def __init__(self, event_id: int) -> None:
        super().__init__(f"there is no change {event_id} for this athlete")
        self.event_id = event_id


@dataclass(frozen=True, slots=True)
class ClinicalEvent:
    """One event as stored."""

    id: int
    athlete_id: int
    kind: str  # set | undo | diagnosis | clearance
    rule_id: str | None
    parameter: str | None
    value: Any
    reason: str
    by_user_id: int | None
    by_email: str | None
    at: dt.datetime
    refers_to: int | None


def _event(row: AdjustmentEventRow) -> ClinicalEvent:
    return ClinicalEvent(row.id, row.athlete_id, row.kind, row.rule_id, row.parameter, row.value, row.reason,
                         row.by_user_id, row.by_email, row.at, row.refers_to)


def add_event(db: Database, athlete_id: int, kind: str, *, at: dt.datetime, reason: str = "",
              rule_id: str | None = None, parameter: str | None = None, value: Any = None,
              by_user_id: int | None = None, by_email: str | None = None,
              refers_to: int | None = None) -> ClinicalEvent:
    """Add one event to the athlete's trail (one transaction); an undo's ``refers_to`` must be theirs."""
    if kind not in CLINICAL_EVENT_KINDS:
        raise ValueError(f"kind must be one of {CLINICAL_EVENT_KINDS}")
    with db.write() as session:
        require_athlete(session, athlete_id)
        if refers_to is not None:
            target = session.get(AdjustmentEventRow, refers_to)
            if target is None or target.athlete_id != athlete_id:
                raise EventNotFound(refers_to)
        row = AdjustmentEventRow(athlete_id=athlete_id, kind=kind, rule_id=rule_id, parameter=parameter,
                                 value=value, reason=reason, by_user_id=by_user_id, by_email=by_email, at=at,
                                 refers_to=refers_to)
        session.add(row)
        session.flush()
        return _event(row)


def list_events(db: Database, athlete_id: int, *, known: bool = False) -> list[ClinicalEvent]:
    """The athlete's whole trail, oldest first (AthleteNotFound for an unknown athlete, unless the caller
    has just read the athlete and says so with ``known``: the planner's read, one query fewer)."""
    with db.session() as session:
        if not known:
            require_athlete(session, athlete_id)
        rows = session.scalars(select(AdjustmentEventRow).where(AdjustmentEventRow.athlete_id == athlete_id)
                               .order_by(AdjustmentEventRow.id))
        return [_event(r) for r in rows]
