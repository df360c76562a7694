"""A clinician's adjustments for one athlete, with who, when and why; diagnoses and clearances on the same trail.

Every change is an event that is only ever added: setting a number, undoing a setting (another event, never
a delete), recording a diagnosis. What is in force is the fold of the events, checked against the
catalogue every time it is read, and the planner is given the catalogue with it (``rules_for``).
Shared by the command line and the web app; who may call them is the caller's access check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from backstride.core.adjustments import (
    Adjustment,
    AdjustmentProblem,
    Bound,
    adjustable,
    adjusted,
    check_adjustment,
    check_together,
    shown,
)
from backstride.rules import Catalogue, default_catalogue
from backstride.storage import Database, state_for, update_athlete
from backstride.storage.adjustments import ClinicalEvent, add_event, list_events
from backstride.storage.tables import utcnow

__all__ = ["STOPPING_DIAGNOSES", "AdjustmentsView", "Choice", "InForce", "adjustments_for", "choices",
           "in_force", "record_diagnosis", "rules_for", "set_adjustment", "undo_adjustment"]

STOPPING_DIAGNOSES = ("sciatica", "nerve_root_compression", "spinal_cord_compression", "disc_injury",
                      "bone_stress_injury", "fracture", "severe_sprain")
MAX_TEXT = 2000  # a reason or a diagnosis: a few sentences, not a file


@dataclass(frozen=True, slots=True)
class InForce:
    """One adjustment in force, beside the cited default it replaces, with who, when and why."""

    event: ClinicalEvent
    rule_id: str
    parameter: str
    title: str
    value: float
    default: float
    unit: str
    bound: Bound

    @property
    def value_text(self) -> str:
        return shown(self.value, self.bound)

    @property
    def default_text(self) -> str:
        return shown(self.default, self.bound)


@dataclass(frozen=True, slots=True)
class AdjustmentsView:
    """What the adjustments page and ``adjust list`` show: what is in force, and the whole trail."""

    current: tuple[InForce, ...]
    history: tuple[ClinicalEvent, ...]


@dataclass(frozen=True, slots=True)
class Choice:
    """A number a clinician may change: for the form's list."""

    rule_id: str
    parameter: str
    title: str
    description: str
    unit: str
    default: float
    bound: Bound

    @property
    def default_text(self) -> str:
        return shown(self.default, self.bound)

    @property
    def range_text(self) -> str:
        return f"{shown(self.bound.lo, self.bound)} to {shown(self.bound.hi, self.bound)}"


def choices(rules: Catalogue | None = None) -> list[Choice]:
    """Every adjustable number, in catalogue order, with its cited default and its range."""
    rules = rules or default_catalogue()
    out = []
    for rule_id, name, bound in adjustable(rules):
        rule = rules.rule(rule_id)
        p = rule.parameters[name]
        out.append(Choice(rule_id, name, rule.title, p.description, p.unit, p.value, bound))
    return out


def in_force(events: Iterable[ClinicalEvent]) -> list[ClinicalEvent]:
    """The settings in force: for each number, the latest setting not undone (undoing the latest brings
    back the one before it, or the cited default)."""
    stacks: dict[tuple[str, str], list[ClinicalEvent]] = {}
    for e in events:
        if e.kind == "set" and e.rule_id is not None and e.parameter is not None:
            stacks.setdefault((e.rule_id, e.parameter), []).append(e)
        elif e.kind == "undo":
            for stack in stacks.values():
                stack[:] = [s for s in stack if s.id != e.refers_to]
    return sorted((stack[-1] for stack in stacks.values() if stack), key=lambda e: e.id)


def _adjustments(events: Sequence[ClinicalEvent]) -> list[Adjustment]:
    return [Adjustment(e.rule_id or "", e.parameter or "", float(e.value)) for e in in_force(events)]


def rules_for(db: Database, athlete_id: int, *, known: bool = False) -> Catalogue:
    """The catalogue the planner reads for this athlete: the shipped one with their adjustments in it
    (``known``: the caller has just read the athlete, so their existence is not checked again)."""
    return adjusted(default_catalogue(), _adjustments(list_events(db, athlete_id, known=known)))


# A change kept from when the catalogue still let this number be adjusted: shown, never offered again.
_NO_LONGER = Bound(0.0, 0.0, "number", "the catalogue no longer lets this number be adjusted")


def adjustments_for(db: Database, athlete_id: int) -> AdjustmentsView:
    """What is in force (beside each cited default) and the whole trail, oldest first."""
    events = list_events(db, athlete_id)
    rules = default_catalogue()
    current = []
    for e in in_force(events):
        rule_id, name = e.rule_id or "", e.parameter or ""
        p = rules.rule(rule_id).parameters[name]
        current.append(InForce(e, rule_id, name, rules.rule(rule_id).title, float(e.value), p.value, p.unit,
                               p.adjust or _NO_LONGER))
    return AdjustmentsView(tuple(current), tuple(events))


def _text(value: str, field: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise AdjustmentProblem(field, f"say {what}: it is kept beside the change, for the runner and the team")
    if len(text) > MAX_TEXT:
        raise AdjustmentProblem(field, f"keep it under {MAX_TEXT} characters")
    return text


def set_adjustment(db: Database, athlete_id: int, rule_id: str, parameter: str, value: object, reason: str, *,
                   by_user_id: int | None = None, by_email: str | None = None,
                   at: dt.datetime | None = None) -> ClinicalEvent:
    """Set one of the athlete's numbers (checked against the catalogue, its bound, and what else is in force)."""
    rules = default_catalogue()
    change = check_adjustment(rules, rule_id.strip(), parameter.strip(), value)
    why = _text(reason, "reason", "why")
    check_together(rules, [*_adjustments(list_events(db, athlete_id)), change])
    return add_event(db, athlete_id, "set", at=at or utcnow(), reason=why, rule_id=change.rule_id,
                     parameter=change.parameter, value=change.value, by_user_id=by_user_id, by_email=by_email)


def undo_adjustment(db: Database, athlete_id: int, event_id: int, reason: str = "", *,
                    by_user_id: int | None = None, by_email: str | None = None,
                    at: dt.datetime | None = None) -> ClinicalEvent:
    """Undo one setting in force: another event on the trail; the number goes back to what it was before."""
    events = list_events(db, athlete_id)
    target = next((e for e in in_force(events) if e.id == event_id), None)
    if target is None:
        raise AdjustmentProblem("change", f"there is no change {event_id} in force for this athlete")
    remaining = [e for e in events if e.id != event_id]
    check_together(default_catalogue(), _adjustments(remaining))
    why = reason.strip()[:MAX_TEXT] or "undone"
    return add_event(db, athlete_id, "undo", at=at or utcnow(), reason=why, rule_id=target.rule_id,
                     parameter=target.parameter, refers_to=event_id, by_user_id=by_user_id, by_email=by_email)


def record_diagnosis(db: Database, athlete_id: int, text: str, today: dt.date, *, code: str | None = None,
                     by_user_id: int | None = None, by_email: str | None = None,
                     at: dt.datetime | None = None) -> ClinicalEvent:
    """Record a clinician's diagnosis in their words. With ``code`` (one of :data:`STOPPING_DIAGNOSES`) it also
    stops running (T-DIAG) until a clinician clears it, a clearance given before it no longer standing."""
    diagnosis = _text(text, "diagnosis", "what was diagnosed")
    if code is not None:
        code = code.strip().lower()
        if code not in STOPPING_DIAGNOSES:
            raise AdjustmentProblem("code", f"give one of {', '.join(STOPPING_DIAGNOSES)} (got {code!r})")
        athlete = state_for(db, athlete_id, today).athlete
        kept = [d for d in athlete.diagnoses if d != "cleared_to_run"]
        profile = athlete.model_copy(update={"diagnoses": tuple(dict.fromkeys([*kept, code]))})
        update_athlete(db, athlete_id, profile)
    return add_event(db, athlete_id, "diagnosis", at=at or utcnow(), reason=diagnosis,
                     value={"code": code} if code else None, by_user_id=by_user_id, by_email=by_email)
