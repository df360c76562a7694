"""Every text a plan or a decision carries, in the runner's own units.

The core's steps write their distances in km (the numbers they compute with); this last step of
``plan_week`` and ``decide_today`` rewrites each text the runner reads (reasons, notes, stop signs)
into the athlete's units. The contract's numbers (``distance_km``, ``volume``) stay in km.
"""

from __future__ import annotations

from backstride.contract import Decision, Plan, Reason, Session, Triage
from backstride.core.words import Units, in_units

__all__ = ["decision_in_units", "plan_in_units"]


def _reasons(reasons: tuple[Reason, ...], units: Units) -> tuple[Reason, ...]:
    return tuple(r.model_copy(update={"text": in_units(r.text, units)}) for r in reasons)


def _triage(triage: Triage, units: Units) -> Triage:
    return triage.model_copy(update={"reasons": _reasons(triage.reasons, units)})


def _session(session: Session, units: Units) -> Session:
    return session.model_copy(update={"notes": in_units(session.notes, units)})


def plan_in_units(plan: Plan, units: Units) -> Plan:
    """``plan`` with its reasons and session notes in ``units`` (the same plan for km)."""
    if units == "km":
        return plan
    return plan.model_copy(update={
        "triage": _triage(plan.triage, units),
        "sessions": tuple(_session(s, units) for s in plan.sessions),
        "rules_applied": tuple(r.model_copy(update={"why": in_units(r.why, units)}) for r in plan.rules_applied),
    })


def decision_in_units(decision: Decision, units: Units) -> Decision:
    """``decision`` with its reasons, session notes and stop signs in ``units`` (the same decision for km)."""
    if units == "km":
        return decision
    return decision.model_copy(update={
        "triage": _triage(decision.triage, units),
        "session": _session(decision.session, units) if decision.session is not None else None,
        "stop_if": tuple(in_units(s, units) for s in decision.stop_if),
        "reasons": _reasons(decision.reasons, units),
    })
