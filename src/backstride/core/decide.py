"""Today's decision: go as planned, shorter and easier, cross-train, rest, or seek care.

The day's session comes from the week's plan; this morning's check-in and
yesterday's answer to running then adjust it, and the runner is told which
signs during the run mean stop.
"""

from __future__ import annotations

import datetime as dt

from backstride.contract import RUNNING_KINDS, Action, Decision, Reason, Session, State
from backstride.core.adjustments import describe
from backstride.core.planner import Assessment, plan_week
from backstride.core.runner_units import decision_in_units
from backstride.core.signals import today_signals
from backstride.core.today import TodayCall
from backstride.core.triage import TriageResult
from backstride.rules import Catalogue, Override, default_catalogue

__all__ = ["decide_today", "stop_signs"]


def stop_signs(morning_pain: int | None, rules: Catalogue) -> tuple[str, ...]:
    """What during today's run means stop (P-RED-DURING and the red flags)."""
    rise = int(rules.value("P-RED-DURING", "max_rise_points"))
    base = (f"pain rises more than {rise} points above this morning's {morning_pain}/10 "
            f"(to {min(morning_pain + rise + 1, 10)}/10 or more)" if morning_pain is not None
            else f"pain rises more than {rise} points above how it felt before you started")
    return (
        f"Stop and walk home if {base}.",
        "Stop if you feel sharp pain.",
        "Stop if the pain keeps rising as you go.",
        "Stop if pain, tingling or numbness spreads down a leg, or a leg feels weak.",
        "Stop if you start to limp or change how you run to avoid the pain.",
        "If you notice numbness around the groin or trouble passing urine, go to an emergency department now.",
    )


def decide_today(state: State, rules: Catalogue | None = None) -> Decision:
    """What to do on ``state.today``: today's row of the week's plan, with the signs that mean stop.

    The plan already holds this morning's call (no run, or shorter and easier), so the decision
    and the plan's row for today are the same session.
    """
    rules = rules or default_catalogue()
    decision = _physio_reasons(_decide(state, rules), rules)
    return decision_in_units(decision, state.athlete.units)  # every text in the runner's units


def _physio_reasons(decision: Decision, rules: Catalogue) -> Decision:
    """Each adjusted rule the decision rests on (its reasons, today's session, the stop signs) is said to be
    adjusted by the runner's physio, with the cited default beside the new value."""
    if not rules.overrides:
        return decision
    cited = [r.rule for r in decision.reasons] + list(decision.session.rules if decision.session else ())
    if decision.stop_if:
        cited.append("P-RED-DURING")
    by_rule: dict[str, list[Override]] = {}
    for o in rules.overrides:
        if o.rule_id in cited:
            by_rule.setdefault(o.rule_id, []).append(o)
    if not by_rule:
        return decision
    extra = [Reason(rule=rule_id, text=f"{_cap(describe(rules, changes))}.") for rule_id, changes in by_rule.items()]
    return decision.model_copy(update={"reasons": (*decision.reasons, *extra)})


def _decide(state: State, rules: Catalogue) -> Decision:
    a = Assessment(state, rules)
    tri = a.triage
    today = state.today
    reasons: list[Reason] = list(tri.reasons)
    plan = plan_week(state, rules, a)
    todays = [s for s in plan.sessions if s.date == today]
    run = next((s for s in todays if s.kind in RUNNING_KINDS), None)
    other = next((s for s in todays if s.kind not in RUNNING_KINDS and s.kind != "rest"), None)
    call = a.today
    morning = call.morning_pain

    if not tri.running_allowed:
        action: Action
        if tri.level != "none":
            action = "seek_care"
        else:
            action = "cross_train" if other is not None and other.kind == "cross_training" else "rest"
        session = None if tri.level == "emergency" else other
        return Decision(date=today, action=action, triage=tri.as_contract(), session=session, stop_if=(),
                        reasons=tuple(reasons))

    # No answer is no answer (B-NO-ANSWER): a missing check-in, or one without pain at rest, is said first.
    reasons[0:0] = [r for r in today_signals(a.timeline, rules).reasons if r.rule == "B-NO-ANSWER" and r not in reasons]
    rolling = next((r.why for r in plan.rules_applied if r.id == "W-ROLLING"), "")
    if run is None:
        if rolling:  # today's run was moved or swapped: the 7 days that end today already hold enough
            reasons.append(Reason(rule="W-ROLLING", text=f"{_cap(rolling)}."))
        return _no_run(today, tri, call, other, morning, reasons, rules)
    if rolling and "W-ROLLING" in run.rules:
        reasons.append(Reason(rule="W-ROLLING", text=f"{_cap(rolling)}."))

    if call.kind == "shorter":
        reasons.append(Reason(rule=call.rule, text=f"{_cap(call.why)}: shorten today's run and keep it easy."))
        return Decision(date=today, action="run_shorter_easier", triage=tri.as_contract(), session=run,
                        stop_if=stop_signs(morning, rules), reasons=tuple(reasons))

    if call.yesterday.level == "green":
        reasons.append(Reason(rule=call.yesterday.rule or "P-GREEN", text="Your back answered well: run as planned."))
    elif call.has_checkin:
        reasons.append(Reason(rule="P-GREEN", text="Nothing in this morning's check-in says otherwise: "
                                                   "run as planned."))
    reasons.append(Reason(rule=run.rules[0], text=f"Today's plan: {run.notes.split('. ')[0]}."))
    return Decision(date=today, action="run_as_planned", triage=tri.as_contract(), session=run,
                    stop_if=stop_signs(morning, rules), reasons=tuple(reasons))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _no_run(today: dt.date, tri: TriageResult, call: TodayCall, other: Session | None, morning: int | None,
            reasons: list[Reason], rules: Catalogue) -> Decision:
    """No run in today's row: cross-train or rest, and why."""
    action: Action
    if call.kind == "no_run":
        reasons.append(Reason(rule=call.rule, text=f"{_cap(call.why)}. No running today; let your back settle."))
        reasons.append(Reason(rule="B-DECIDE", text="Gentle cross-training if it is comfortable, or rest."))
    if other is not None and other.kind == "cross_training":
        action = "cross_train"
        if call.kind != "no_run":
            reasons.append(Reason(rule="X-SWAP", text="Today is a cross-training day in your plan."))
    else:
        action = "rest"
        if call.kind != "no_run":
            reasons.append(Reason(rule=(other.rules[0] if other else "M-MONOTONY"),
                                  text="No run today in your plan" + (f": {other.kind} instead." if other else
                                                                     ": a rest day.")))
    return Decision(date=today, action=action, triage=tri.as_contract(), session=other,
                    stop_if=stop_signs(morning, rules) if other is not None else (), reasons=tuple(reasons))
