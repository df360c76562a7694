"""What a clinic's admin manages: the clinicians (and linked admins) and the athletes each may read.

Names and ids only: the admin's page and ``backstride clinic clinicians`` carry no health data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from backstride.services.accounts import CLINIC_ROLES
from backstride.storage import Database
from backstride.storage.tables import AthleteRow, ClinicianLinkRow, UserRow

__all__ = ["Clinician", "clinicians"]


@dataclass(frozen=True, slots=True)
class Clinician:
    """A clinician's account and the athletes linked to it, as (id, name)."""

    user_id: int
    email: str
    role: str
    athletes: tuple[tuple[int, str], ...]


def clinicians(db: Database) -> list[Clinician]:
    """Every clinician and admin account, by e-mail, with its linked athletes by id."""
    with db.session() as session:
        users = session.execute(select(UserRow.id, UserRow.email, UserRow.role)
                                .where(UserRow.role.in_(CLINIC_ROLES)).order_by(UserRow.email)).all()
        links = session.execute(select(ClinicianLinkRow.clinician_id, AthleteRow.id, AthleteRow.name)
                                .join(AthleteRow, AthleteRow.id == ClinicianLinkRow.athlete_id)
                                .order_by(AthleteRow.id)).all()
    by_user: dict[int, list[tuple[int, str]]] = {}
    for user_id, athlete_id, name in links:
        by_user.setdefault(user_id, []).append((athlete_id, name))
    return [Clinician(i, e, r, tuple(by_user.get(i, ()))) for i, e, r in users]
