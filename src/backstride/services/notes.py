"""Clinicians' notes on an athlete: read by every clinician linked to the athlete, and by the athlete
when the author shares it. The caller has passed the access check; the audit log records that a note
was written, never what it says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from backstride.services.accounts import CLINIC_ROLES, AccountProblem, Actor, audit
from backstride.storage import Database, get_athlete
from backstride.storage.tables import ClinicNoteRow, UserRow, utcnow

__all__ = ["MAX_NOTE", "Note", "add_note", "notes_for"]

MAX_NOTE = 4000  # characters


@dataclass(frozen=True, slots=True)
class Note:
    """One note, with its author's e-mail (None once the author's account is gone)."""

    id: int
    created_at: dt.datetime
    author: str | None
    text: str
    shared: bool


def add_note(db: Database, actor: Actor, athlete_id: int, text: str, *, shared: bool = False,
             client: str | None = None, now: dt.datetime | None = None) -> int:
    """A clinician's note on a linked athlete; AccountProblem naming ``text`` when it is empty or too long."""
    if actor.role not in CLINIC_ROLES:
        raise AccountProblem("role", "only a clinician writes notes")
    body = text.strip()
    if not body:
        raise AccountProblem("text", "write something first")
    if len(body) > MAX_NOTE:
        raise AccountProblem("text", f"at most {MAX_NOTE} characters (this one has {len(body)})")
    get_athlete(db, athlete_id)
    with db.write() as session:
        row = ClinicNoteRow(athlete_id=athlete_id, author_id=actor.user_id, created_at=now or utcnow(), text=body,
                            shared=shared)
        session.add(row)
        session.flush()
        note_id = row.id
    audit(db, "note_added", user_id=actor.user_id, athlete_id=athlete_id, client=client,
          detail="shared with the athlete" if shared else "for clinicians")
    return note_id


def notes_for(db: Database, actor: Actor, athlete_id: int) -> list[Note]:
    """The notes this actor may read, newest first: all for a linked clinician, the shared ones for the athlete."""
    query = (select(ClinicNoteRow, UserRow.email).outerjoin(UserRow, UserRow.id == ClinicNoteRow.author_id)
             .where(ClinicNoteRow.athlete_id == athlete_id).order_by(ClinicNoteRow.id.desc()))
    if actor.role not in CLINIC_ROLES:
        query = query.where(ClinicNoteRow.shared.is_(True))
    with db.session() as session:
        return [Note(n.id, n.created_at, email, n.text, n.shared) for n, email in session.execute(query).all()]
