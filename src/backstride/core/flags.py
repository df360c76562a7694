"""Warning signs in force (T-PERSIST-FLAGS): a yes stays until a later check-in answers the same question no.

A check-in that leaves a question out does not clear it: a missing answer is not a "no". Standing facts (a
fall or accident before the pain, weight loss without trying) stay until a clinician has cleared the runner
(``cleared_to_run``), whatever later check-ins say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from backstride.contract import Checkin

__all__ = ["FLAG_FIELDS", "STANDING_FIELDS", "InForce", "answers_in_force"]

# Every yes/no symptom question of the check-in, in the order triage reads them.
FLAG_FIELDS: tuple[str, ...] = (
    "bladder_bowel_change", "saddle_numbness", "both_legs", "leg_weakness", "numbness_tingling",
    "radiating_below_knee", "fever_unwell", "walking_pain", "limping", "night_pain",
    "unexplained_weight_loss", "recent_trauma",
)
STANDING_FIELDS: tuple[str, ...] = ("unexplained_weight_loss", "recent_trauma")


@dataclass(frozen=True, slots=True)
class InForce:
    """The answers in force today, as one check-in, and the day each yes was given."""

    answers: Checkin
    since: dict[str, dt.date]  # field -> the day of the check-in whose "yes" is in force

    def since_text(self, field: str, today: dt.date) -> str:
        """"" for an answer given today, else " (reported on 2 December)"."""
        day = self.since.get(field)
        return "" if day is None or day == today else f" (reported on {day.day} {day:%B})"

    def carried(self, today: dt.date) -> tuple[str, ...]:
        """The yes answers in force from an earlier day."""
        return tuple(f for f, d in self.since.items() if d != today)


def answers_in_force(checkins: Sequence[Checkin], today: dt.date, cleared: bool) -> InForce:
    """Read each question's latest answer on or before ``today``, newest check-in first.

    ``checkins`` are in date order (same-day entries in the order given, the later one winning). A standing
    fact answered yes stays in force even when answered no later, until ``cleared`` (after which only a
    report made today counts).
    """
    values: dict[str, bool] = {}
    since: dict[str, dt.date] = {}
    open_fields = set(FLAG_FIELDS)
    for c in reversed(checkins):
        if c.date > today:
            continue
        for field in tuple(open_fields):
            answer = getattr(c, field)
            if answer is None:
                continue
            if field in STANDING_FIELDS:
                if answer and (not cleared or c.date == today):  # a new report today is news
                    values[field], since[field] = True, c.date
                    open_fields.discard(field)
                continue  # a "no" does not lift a standing fact; keep looking for an earlier "yes"
            values[field] = answer
            if answer:
                since[field] = c.date
            open_fields.discard(field)
        if not open_fields:
            break
    return InForce(Checkin(date=today, **values), since)  # type: ignore[arg-type]
