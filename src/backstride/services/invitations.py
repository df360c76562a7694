"""Invitations: a clinician invites an athlete by e-mail with a one-time link; the athlete sees and ends
clinicians' access.

The link's secret is 256 random bits, shown once to the clinician (who sends it: there is no mail
server) and stored as its SHA-256. Used by a signed-in athlete, or by someone creating their account
with it, it links the athlete to the clinician and is used up. Every link and unlink is audited
(through :mod:`backstride.services.accounts`); no e-mail address or secret goes into the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from backstride.contract import parse_state
from backstride.services.accounts import (
    CLINIC_ROLES,
    AccountProblem,
    Actor,
    audit,
    create_user,
    link_clinician,
    normal_email,
    unlink_clinician,
)
from backstride.storage import Database, create_athlete
from backstride.storage.tables import ClinicianLinkRow, InvitationRow, UserRow, utcnow

__all__ = ["INVITATION_LIFETIME", "Invitation", "LinkedClinician", "accept", "clinicians_of", "end_access",
           "invitation", "invite", "join"]

INVITATION_LIFETIME = dt.timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Invitation:
    """An invitation still good to use: who invites, and the address it was made for."""

    id: int
    clinician_id: int
    clinician: str  # the clinician's e-mail
    email: str


@dataclass(frozen=True, slots=True)
class LinkedClinician:
    """A clinician who may read an athlete's log, and since when."""

    user_id: int
    email: str
    since: dt.datetime


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def invite(db: Database, actor: Actor, email: str, *, client: str | None = None,
           now: dt.datetime | None = None) -> str:
    """A one-time invitation secret for ``email`` from this clinician, good for 14 days; shown once."""
    if actor.role not in CLINIC_ROLES:
        raise AccountProblem("role", "only a clinician invites athletes")
    address = normal_email(email)
    when = now or utcnow()
    secret = secrets.token_urlsafe(32)
    with db.write() as session:
        row = InvitationRow(token_hash=_hash(secret), clinician_id=actor.user_id, email=address, created_at=when,
                            expires_at=when + INVITATION_LIFETIME)
        session.add(row)
        session.flush()
        made = row.id
    audit(db, "invitation_created", user_id=actor.user_id, client=client, detail=f"invitation {made}", now=when)
    return secret


def invitation(db: Database, secret: str, now: dt.datetime | None = None) -> Invitation | None:
    """The invitation this secret opens, or None (unknown, used or expired)."""
    when = now or utcnow()
    with db.session() as session:
        found = session.execute(select(InvitationRow, UserRow.email)
                                .join(UserRow, UserRow.id == InvitationRow.clinician_id)
                                .where(InvitationRow.token_hash == _hash(secret[:100]))).first()
    if found is None:
        return None
    row, clinician = found
    if row.used_at is not None or when > row.expires_at:
        return None
    return Invitation(row.id, row.clinician_id, clinician, row.email)


def _use(db: Database, found: Invitation, athlete_id: int, when: dt.datetime) -> bool:
    """Mark the invitation used (once: a second use finds it used)."""
    with db.write() as session:
        row = session.get(InvitationRow, found.id)
        if row is None or row.used_at is not None:
            return False
        row.used_at, row.athlete_id = when, athlete_id
    return True


def accept(db: Database, actor: Actor, secret: str, *, client: str | None = None,
           now: dt.datetime | None = None) -> Invitation:
    """A signed-in athlete uses an invitation made for their address: the clinician is linked to them.
    AccountProblem when the link cannot be used (unknown, used, expired, for another address, or not an
    athlete's account): a forwarded link opens no one else's log to the clinician."""
    when = now or utcnow()
    found = invitation(db, secret, when)
    if actor.role != "athlete" or actor.athlete_id is None:
        raise AccountProblem("invitation", "sign in with the athlete's own account to accept it")
    if found is not None and found.email != actor.email:
        raise AccountProblem("invitation", f"this invitation is for {found.email}; you are signed in as "
                                           f"{actor.email}. Ask your clinician for one to this address")
    if found is None or not _use(db, found, actor.athlete_id, when):
        raise AccountProblem("invitation", "this invitation has been used or has expired; ask for a new one")
    link_clinician(db, found.clinician, actor.athlete_id, when, by=actor.user_id, client=client)
    return found


def join(db: Database, secret: str, name: str, password: str, today: dt.date, *, client: str | None = None,
         now: dt.datetime | None = None) -> Actor:
    """Someone new uses an invitation: an athlete with an empty log and an account for the invited address
    (password checked by the policy), linked to the clinician. Returns the new account's actor."""
    when = now or utcnow()
    found = invitation(db, secret, when)
    if found is None:
        raise AccountProblem("invitation", "this invitation has been used or has expired; ask for a new one")
    label = name.strip()[:100]
    if not label:
        raise AccountProblem("name", "give the name your clinician knows you by")
    state = parse_state({"schema": "backstride.state/1", "today": today.isoformat(),
                         "athlete": {"units": "km", "baseline": {"sessions": []}}})  # the normal week: in Settings
    athlete_id = create_athlete(db, state, name=label)
    try:
        user_id = create_user(db, found.email, "athlete", athlete_id=athlete_id, password=password, now=when)
    except AccountProblem:
        from backstride.storage import erase_athlete

        erase_athlete(db, athlete_id)  # nothing half-made is left behind
        raise
    _use(db, found, athlete_id, when)
    link_clinician(db, found.clinician, athlete_id, when, by=user_id, client=client)
    audit(db, "account_created", user_id=user_id, athlete_id=athlete_id, client=client, now=when)
    return Actor(user_id, found.email, "athlete", athlete_id)


def clinicians_of(db: Database, athlete_id: int) -> list[LinkedClinician]:
    """The clinicians who may read this athlete's log, oldest link first."""
    with db.session() as session:
        rows = session.execute(select(UserRow.id, UserRow.email, ClinicianLinkRow.created_at)
                               .join(ClinicianLinkRow, ClinicianLinkRow.clinician_id == UserRow.id)
                               .where(ClinicianLinkRow.athlete_id == athlete_id)
                               .order_by(ClinicianLinkRow.created_at, UserRow.id)).all()
    return [LinkedClinician(i, e, s) for i, e, s in rows]


def end_access(db: Database, actor: Actor, clinician_id: int, *, client: str | None = None) -> bool:
    """The athlete ends a clinician's access to their log (audited); False when there was none."""
    if actor.role != "athlete" or actor.athlete_id is None:
        raise AccountProblem("role", "only the athlete ends a clinician's access to their own log")
    return unlink_clinician(db, clinician_id, actor.athlete_id, by=actor.user_id, client=client)
