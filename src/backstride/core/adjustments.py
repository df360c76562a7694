"""A clinician's adjustments: named deltas to the catalogue's cited numbers, for one athlete.

An adjustment is (rule id, parameter, value) replacing the cited default. Only the numbers the catalogue
marks adjustable (a parameter's ``adjust`` bound in rules/data) can be changed, each within a bound
chosen so that the change is one a physio would make for a runner in front of them (a lower start, a
deeper cut, a longer hold, no stairs) and never one that lets a stopping rule not stop: triage and the
red flags are not adjustable at all (the catalogue refuses a bound there), and the pain thresholds
that end a run may only be made stricter. Pure: plain values in, a catalogue or a clear
:class:`AdjustmentProblem` naming the field out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from backstride.rules import Bound, Catalogue, Override

__all__ = ["PHYSIO", "Adjustment", "AdjustmentProblem", "Bound", "adjustable", "adjusted", "bounds",
           "check_adjustment", "check_together", "describe", "shown"]

PHYSIO = "adjusted by your physio"  # the words the plan and the decision use for an adjusted rule


def bounds(rules: Catalogue) -> dict[tuple[str, str], Bound]:
    """Every number a clinician may change, with its bound, as the catalogue gives them (rule data)."""
    return {(r.id, name): p.adjust for r in rules for name, p in r.parameters.items() if p.adjust is not None}


def _bound(rules: Catalogue, rule_id: str, parameter: str) -> Bound | None:
    return rules.rule(rule_id).parameters[parameter].adjust


# Pairs that must stay in order once adjusted: (rule, the lesser parameter, the greater one).
_ORDERED = (("W-START", "min_fraction", "fraction"), ("W-START", "fraction", "max_fraction"),
            ("W-FLARE", "min_cut", "cut"), ("W-FLARE", "cut", "max_cut"),
            ("W-DELOAD", "min_fraction", "fraction"))


class AdjustmentProblem(ValueError):
    """An adjustment that cannot be made; ``field`` is rule, parameter or value; ``message`` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One named delta: this rule's parameter is ``value`` for this athlete instead of the cited default."""

    rule_id: str
    parameter: str
    value: float


def adjustable(rules: Catalogue) -> list[tuple[str, str, Bound]]:
    """The numbers a clinician may change, in catalogue order."""
    order = {r.id: i for i, r in enumerate(rules)}
    return sorted(((r, p, b) for (r, p), b in bounds(rules).items()), key=lambda e: (order[e[0]], e[1]))


def _number(raw: object, kind: str) -> float:
    """The value as a number, or a problem saying what was expected."""
    if kind == "yes_no":
        text = str(raw).strip().lower() if not isinstance(raw, bool) else ("yes" if raw else "no")
        answers = {"yes": 1.0, "true": 1.0, "1": 1.0, "1.0": 1.0, "no": 0.0, "false": 0.0, "0": 0.0, "0.0": 0.0}
        if text not in answers:
            raise AdjustmentProblem("value", f"give yes or no (got {raw!r})")
        return answers[text]
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise AdjustmentProblem("value", f"give a number (got {raw!r})")
    try:
        value = float(str(raw).strip().rstrip("%")) / (100 if str(raw).strip().endswith("%") else 1)
    except ValueError:
        raise AdjustmentProblem("value", f"give a number (got {raw!r})") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise AdjustmentProblem("value", f"give a number (got {raw!r})")
    if kind == "whole" and value != int(value):
        raise AdjustmentProblem("value", f"give a whole number (got {raw!r})")
    return value


def check_adjustment(rules: Catalogue, rule_id: str, parameter: str, raw: object) -> Adjustment:
    """One adjustment checked against the catalogue and its bound: the adjustment, or the problem."""
    if rule_id not in rules:
        raise AdjustmentProblem("rule", f"there is no rule {rule_id!r} in the catalogue")
    rule = rules.rule(rule_id)
    if rule.section == "triage":
        raise AdjustmentProblem("rule", f"{rule_id} cannot be adjusted: triage and the red flags are never "
                                        "adjustable")
    if parameter not in rule.parameters:
        names = ", ".join(rule.parameters) or "none"
        raise AdjustmentProblem("parameter", f"rule {rule_id} has no parameter {parameter!r} (it has: {names})")
    bound = _bound(rules, rule_id, parameter)
    if bound is None:
        why = ("triage and the red flags are never adjustable" if rule.section == "triage"
               else "only the numbers a physio tunes for one runner are adjustable")
        raise AdjustmentProblem("parameter", f"{rule_id} {parameter} cannot be adjusted: {why}")
    value = _number(raw, bound.kind)
    if not bound.lo - 1e-9 <= value <= bound.hi + 1e-9:
        raise AdjustmentProblem("value", f"{rule_id} {parameter} must be between {shown(bound.lo, bound)} and "
                                         f"{shown(bound.hi, bound)} ({bound.why}); got {shown(value, bound)}")
    return Adjustment(rule_id, parameter, value)


def check_together(rules: Catalogue, adjustments: Iterable[Adjustment]) -> dict[tuple[str, str], float]:
    """The current adjustments as one set (the last of each number wins), with its ranges still in order."""
    values = {(a.rule_id, a.parameter): a.value for a in adjustments}
    for rule_id, low, high in _ORDERED:
        if (rule_id, low) not in values and (rule_id, high) not in values:
            continue
        lo = values.get((rule_id, low), rules.value(rule_id, low))
        hi = values.get((rule_id, high), rules.value(rule_id, high))
        if lo > hi + 1e-9:
            bound = _bound(rules, rule_id, low)
            raise AdjustmentProblem("value", f"{rule_id} {low} ({shown(lo, bound)}) would be above its {high} "
                                             f"({shown(hi, bound)}): keep {low} at or below {high} "
                                             f"(change the other one first)")
    return values


def adjusted(rules: Catalogue, adjustments: Iterable[Adjustment]) -> Catalogue:
    """The catalogue with the athlete's adjustments in it (the catalogue itself when there are none)."""
    values = check_together(rules, adjustments)
    if not values:
        return rules
    return rules.with_overrides(values, reason=PHYSIO)


def shown(value: float, bound: Bound | None) -> str:
    """A number as a clinician reads it: a share as a percentage, yes/no as words."""
    if bound is not None and bound.kind == "yes_no":
        return "yes" if value >= 0.5 else "no"
    if bound is not None and bound.kind == "fraction":
        return f"{value:.0%}" if round(value * 100, 6) == round(value * 100) else f"{value:.1%}"
    return f"{value:g}"


def describe(rules: Catalogue, overrides: Iterable[Override]) -> str:
    """``adjusted by your physio: fraction 60% (cited default 70%)`` for one rule's overrides."""
    parts = []
    for o in overrides:
        bound = _bound(rules, o.rule_id, o.parameter)
        name = f"{bound.label}:" if bound is not None and bound.label else o.parameter.replace("_", " ")
        parts.append(f"{name} {shown(o.value, bound)} (cited default {shown(o.default, bound)})")
    return f"{PHYSIO}: " + ", ".join(parts)
