"""The weekly planner: state in, ``backstride.plan/1`` out. Pure and deterministic."""

from __future__ import annotations

from backstride.contract import RUNNING_KINDS, WEEKDAYS, BaselineSession, Plan, State
from backstride.core import cross_training
from backstride.core.dose import DoseDecision, decide_dose
from backstride.core.explain import lead_with_three
from backstride.core.pain_response import WeeklyHistory, weekly_history
from backstride.core.restart import ladder_week, nodose_tests, put_on_ladder
from backstride.core.return_steps import ReturnStep, apply_return, flare_stays_in_return, return_note, return_step
from backstride.core.rolling import hold_rolling_week
from backstride.core.runner_units import plan_in_units
from backstride.core.shoes import shoe_wear
from backstride.core.timeline import Timeline, baseline_run_km, build_timeline
from backstride.core.today import TodayCall, call_today, shorten_today
from backstride.core.triage import TriageResult, nodose_tests_due, triage
from backstride.core.week_layout import cadence_target, lay_out_week
from backstride.rules import Catalogue, default_catalogue

__all__ = ["HISTORY_WEEKS", "Assessment", "assess", "plan_week"]

HISTORY_WEEKS = 12  # how far back the weekly pain answers are read


class Assessment:
    """Everything the planner and the daily decision read from one state, computed once."""

    def __init__(self, state: State, rules: Catalogue) -> None:
        self.state = state
        self.rules = rules
        self.timeline: Timeline = build_timeline(state, rules)
        self.weeks: WeeklyHistory = weekly_history(self.timeline, HISTORY_WEEKS, rules)
        self.triage: TriageResult = triage(state, self.timeline, self.weeks, rules)
        self.baseline_km = baseline_run_km(state, self.timeline.easy_pace)
        runs: list[BaselineSession] = [s for s in state.athlete.baseline.sessions
                                       if s.kind not in ("cross_training", "strength")]
        self.baseline_longest = max((s.distance_km or 0.0 for s in runs), default=0.0)
        self.today: TodayCall = call_today(self.timeline, rules)
        self.dose: DoseDecision = decide_dose(self.timeline, self.weeks, self.baseline_km,
                                              self.baseline_longest, rules, self.today)
        rung = ladder_week(self.timeline, self.weeks, state.athlete, rules) if self.baseline_km > 0 else None
        if (self.baseline_km > 0 and nodose_tests_due(self.weeks)
                and any(r.rule == "T-NODOSE" for r in self.triage.reasons)):
            rung = nodose_tests(rules)  # no tolerable dose found: short run:walk tests beside cross-training
        if rung is not None:  # after a break, or a clearance: the restart ladder, not a share of the week
            put_on_ladder(self.dose, rung, self.timeline, rules)
        # A single flare near normal training cuts from the tolerated week; it does not restart the programme.
        flare_stays_in_return(self.dose, self.weeks, rules, self.today.changes_week)
        self.return_step: ReturnStep | None = return_step(self.timeline, self.weeks, runs, self.dose, rules)
        if self.return_step is not None:  # back to normal one change at a time (B-RETURN-ONE)
            apply_return(self.dose, self.return_step)


def assess(state: State, rules: Catalogue | None = None) -> Assessment:
    """Read a state once: timeline, weekly pain answers, triage and dose."""
    return Assessment(state, rules or default_catalogue())


def _shoe_warnings(state: State, rules: Catalogue) -> list[tuple[str, str]]:
    out = []
    for shoe in state.athlete.shoes:
        wear = shoe_wear(shoe.km, rules)
        if wear == "replace":
            out.append(f"your {shoe.name} have {shoe.km:.0f} km: time to replace them (every 480-800 km)")
        elif wear == "check":
            out.append(f"your {shoe.name} have {shoe.km:.0f} km: check them for wear and plan new ones by 800 km")
    return [("E-SHOES", "; ".join(out))] if out else []


def plan_week(state: State, rules: Catalogue | None = None, assessment: Assessment | None = None) -> Plan:
    """Plan the 7 days from ``state.today``: triage first, then dose, then the sessions and their reasons."""
    rules = rules or default_catalogue()
    a = assessment or Assessment(state, rules)
    tri, dose = a.triage, a.dose
    usual_cadence, target_cadence = cadence_target(state, a.timeline, rules)
    call = a.today
    week = lay_out_week(state, a.timeline, dose, tri, rules, target_cadence if tri.running_allowed else None,
                        no_run_today=call.kind == "no_run")
    if tri.running_allowed and call.kind == "shorter":
        week.sessions[:] = shorten_today(week.sessions, state.today, rules, a.timeline.easy_pace, dose.floor_km,
                                         dose.floor_cap_km or dose.spike_cap_km)
    if tri.running_allowed:  # the plans of consecutive mornings never add up to more than a week (W-ROLLING)
        # Where a range bounds the week from below (W-START's share, W-FLARE's cut, a hold), it keeps its total.
        held = hold_rolling_week(week.sessions, a.timeline, rules, cross_training.at_hand(state.athlete.cross_training),
                                 cap_km=dose.floor_cap_km or dose.spike_cap_km,
                                 available=state.athlete.available_days or WEEKDAYS,
                                 keep_total=dose.floor_km > 0 or dose.dose_rule in ("W-START", "W-HOLD"))
        week.sessions[:] = held.sessions
        if held.why:
            week.cited.append(("W-ROLLING", held.why))

    cited: list[tuple[str, str]] = [(r.rule, r.text) for r in tri.reasons]
    if tri.running_allowed and call.changes_week:
        cited.append((call.rule, f"{call.why}: " + ("no run today" if call.kind == "no_run"
                                                     else "today's run is shorter and easier")))
    if tri.running_allowed:
        cited += dose.cited
    cited += week.cited
    if tri.running_allowed and a.return_step is not None:
        cited.append(return_note(a.return_step, {s.kind for s in week.sessions}))
    if tri.running_allowed and target_cadence is not None and usual_cadence is not None:
        cited.append(("F-CADENCE", f"cadence target {target_cadence:.0f} steps a minute, "
                                   f"{rules.value('F-CADENCE', 'increase'):.0%} above your usual {usual_cadence:.0f}"))
    cited += _shoe_warnings(state, rules)
    if tri.running_allowed and dose.irritable and "S-AVOID" not in {r for r, _ in cited}:
        cited.append(("S-AVOID", "no heavy hinging while your back is irritable"))
    # Each rule once, by id, as plain dicts that the Plan validation below turns into RuleApplied.
    applied: list[dict[str, str]] = []
    by_id: dict[str, dict[str, str]] = {}
    for rule_id, why in cited:
        first = by_id.get(rule_id)
        if first is not None:
            # A rule cited twice keeps its first reason, except that the cadence figure is added to the cue.
            if rule_id == "F-CADENCE" and why not in first["why"]:
                first["why"] = f"{first['why']}; {why}"
            continue
        by_id[rule_id] = entry = {"id": rule_id, "why": why, "source": rules.source(rule_id)}
        applied.append(entry)
    for s in week.sessions:  # every rule a session cites is explained at the top level too
        for rule_id in s.rules:
            if rule_id not in by_id:
                by_id[rule_id] = entry = {"id": rule_id, "why": rules.rule(rule_id).summary,
                                          "source": rules.source(rule_id)}
                applied.append(entry)

    # A clinician's adjustment is shown beside the default it overrides.
    for o in rules.overrides:
        if o.rule_id in by_id:
            entry = by_id[o.rule_id]
            entry["why"] += f"; adjusted: {o.parameter} = {o.value:g} instead of {o.default:g} ({o.reason})"

    if tri.running_allowed:  # the dose, the shape and the one change being tried come first
        applied = lead_with_three(applied, dose.dose_rule, frozenset(r.rule for r in tri.reasons))
    planned = round(sum(s.distance_km or 0.0 for s in week.sessions if s.kind in RUNNING_KINDS), 1)
    phase = dose.phase if tri.running_allowed else "paused"
    plan = Plan.model_validate({
        "week_start": state.today,
        "triage": tri.as_contract(),
        "running_allowed": tri.running_allowed,
        "phase": phase,
        "volume": {"baseline_run_km": round(a.baseline_km, 1), "last_week_run_km": round(dose.last_week_km, 1),
                   "planned_run_km": planned},
        "sessions": week.sessions,
        "cadence_target_spm": target_cadence if tri.running_allowed else None,
        "rules_applied": applied,
    })
    return plan_in_units(plan, state.athlete.units)  # the last step: every text in the runner's units
