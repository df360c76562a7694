"""The weekly planner: state in, ``backstride.plan/1`` out. Pure and deterministic."""

from __future__ import annotations

from backstride.contract import RUNNING_KINDS, WEEKDAYS, BaselineSession, Plan, RuleApplied, Session, State
from backstride.core import cross_training
from backstride.core.adjustments import describe
from backstride.core.dose import DoseDecision, decide_dose
from backstride.core.explain import lead_with_three
from backstride.core.pain_response import WeeklyHistory, weekly_history
from backstride.core.restart import ladder_week, nodose_tests, put_on_ladder
from backstride.core.return_steps import ReturnStep, apply_return, flare_stays_in_return, return_note, return_step
from backstride.core.rolling import hold_rolling_week, resized
from backstride.core.runner_units import plan_in_units
from backstride.core.shoes import shoe_wear
from backstride.core.steady_week import as_of_monday, monday_of, rows_from_monday, week_holds
from backstride.core.timeline import Timeline, baseline_run_km, build_timeline
from backstride.core.today import TodayCall, call_today, shorten_today
from backstride.core.tolerated import SLACK_KM
from backstride.core.triage import TriageResult, nodose_tests_due, triage
from backstride.core.week_layout import cadence_target, lay_out_week
from backstride.rules import Catalogue, Override, default_catalogue

__all__ = ["HISTORY_WEEKS", "Assessment", "assess", "physio_notes", "plan_week"]

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
    """Plan the 7 days from ``state.today``: triage first, then dose, then the sessions and their reasons.

    From Tuesday on, when nothing has changed since Monday's plan, the week follows it (W-STEADY)."""
    rules = rules or default_catalogue()
    a = assessment or Assessment(state, rules)
    monday = monday_of(state)
    if monday is None:
        return _plan(state, rules, a)
    m_state = as_of_monday(state, monday)
    m = Assessment(m_state, rules)
    if m.timeline.checkin(monday) is None:  # no check-in on Monday: no plan to follow
        return _plan(state, rules, a)
    monday_plan = _plan(m_state, rules, m)
    if week_holds(a.timeline, m.timeline, a.today, a.triage, m.triage, a.dose.irritable, m.dose.irritable, rules):
        steady = _steady_plan(state, a, monday_plan, rules)
        # Monday's week still fits the dose read from the 7 days before today (the contract's last week).
        if a.dose.floor_km - 0.05 <= steady.volume.planned_run_km <= a.dose.target_km + SLACK_KM:
            return steady
    return _no_more_than_monday(_plan(state, rules, a), monday_plan, state, rules, a.dose.floor_km)


def _no_more_than_monday(plan: Plan, monday_plan: Plan, state: State, rules: Catalogue, floor_km: float) -> Plan:
    """A week planned again from today (something changed) runs no more today than Monday's plan did:
    a rest day stays a rest day, and today's run is no longer than Monday's row for it (W-STEADY), as
    long as the week keeps the least its dose range allows (W-FLARE's, after a flare)."""
    today = state.today
    run = next((s for s in plan.sessions if s.date == today and s.kind in RUNNING_KINDS), None)
    if run is None:
        return plan
    was = next((s for s in monday_plan.sessions if s.date == today and s.kind in RUNNING_KINDS), None)
    was_km = (was.distance_km or 0.0) if was is not None else 0.0
    if (run.distance_km or 0.0) <= was_km + 1e-9:
        return plan
    if was is not None:
        kept = resized(run, was_km, "W-STEADY") if was_km > 0 else None
        why = f"today's run is no longer than Monday's plan for today ({was_km:.1f} km)"
    else:
        kept = None
        why = "Monday's plan has no run today, and a changed week does not add one"
    sessions = [s for s in plan.sessions if s is not run]
    if kept is not None:
        sessions.append(kept)
    elif not any(s.date == today for s in sessions):
        sessions.append(Session.model_validate({"date": today, "kind": "rest", "rules": ("W-STEADY",),
                                                "notes": "Rest day: your next run is later this week."}))
    sessions.sort(key=lambda s: s.date)
    applied = [r.model_dump() for r in plan.rules_applied]
    if all(e["id"] != "W-STEADY" for e in applied):
        applied.append({"id": "W-STEADY", "why": why, "source": rules.source("W-STEADY")})
    planned = round(sum(s.distance_km or 0.0 for s in sessions if s.kind in RUNNING_KINDS), 1)
    if planned < floor_km - 0.05:  # the least W-FLARE allows, as the plan is written (in tenths)
        return plan
    return plan.model_copy(update={
        "sessions": tuple(sessions), "volume": plan.volume.model_copy(update={"planned_run_km": planned}),
        "rules_applied": tuple(RuleApplied.model_validate(e) for e in applied)})


def _steady_plan(state: State, a: Assessment, monday_plan: Plan, rules: Catalogue) -> Plan:
    """This morning's plan is Monday's: its rows from today on, its earlier rows again next week."""
    min_km = rules.value("B-MIN-RUN", "min_minutes") / a.timeline.easy_pace
    rows = rows_from_monday(monday_plan.sessions, state.today, a.dose.target_km, min_km)
    cap = a.dose.spike_cap_km  # and no run longer than the 7 days before today allow (L-SPIKE, W-FLARE)
    if cap is not None:
        rows = [resized(s, cap, "L-SPIKE") if s.kind in RUNNING_KINDS and (s.distance_km or 0.0) > cap + 0.05
                else s for s in rows]
    sessions = sorted(rows, key=lambda s: s.date)
    monday_triage = {r.rule for r in monday_plan.triage.reasons}
    applied: list[dict[str, str]] = [{"id": r.rule, "why": r.text, "source": rules.source(r.rule)}
                                     for r in a.triage.reasons]
    taken = {e["id"] for e in applied}
    applied += [r.model_dump() for r in monday_plan.rules_applied if r.id not in monday_triage | taken]
    steady = f"this week's plan, made on {monday_plan.week_start:%A %d %B}, holds: nothing since has changed it"
    if all(e["id"] != "W-STEADY" for e in applied):
        applied.append({"id": "W-STEADY", "why": steady, "source": rules.source("W-STEADY")})
    planned = round(sum(s.distance_km or 0.0 for s in sessions if s.kind in RUNNING_KINDS), 1)
    plan = Plan.model_validate({
        "week_start": state.today,
        "triage": a.triage.as_contract(),
        "running_allowed": monday_plan.running_allowed,
        "phase": monday_plan.phase,
        "volume": {"baseline_run_km": monday_plan.volume.baseline_run_km,
                   "last_week_run_km": round(a.dose.last_week_km, 1), "planned_run_km": planned},
        "sessions": sessions,
        "cadence_target_spm": monday_plan.cadence_target_spm,
        "rules_applied": applied,
    })
    return plan_in_units(plan, state.athlete.units)


def _plan(state: State, rules: Catalogue, a: Assessment) -> Plan:
    """The week planned from this morning's reading of the state."""
    tri, dose = a.triage, a.dose
    usual_cadence, target_cadence = cadence_target(state, a.timeline, rules)
    call = a.today
    week = lay_out_week(state, a.timeline, dose, tri, rules, target_cadence if tri.running_allowed else None,
                        no_run_today=call.kind == "no_run")
    if tri.running_allowed and call.kind == "shorter":
        week.sessions[:] = shorten_today(week.sessions, state.today, rules, a.timeline.easy_pace, dose.floor_km,
                                         dose.floor_cap_km or dose.spike_cap_km)
    # The plans of consecutive mornings never add up to more than a week (W-ROLLING); a Monday begins one.
    if tri.running_allowed and monday_of(state) is not None:
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
    applied = _rules_applied(cited, week.sessions, rules, tri, dose)
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


def _rules_applied(cited: list[tuple[str, str]], sessions: list[Session], rules: Catalogue, tri: TriageResult,
                   dose: DoseDecision) -> list[dict[str, str]]:
    """Each rule once, by id, with its source; every rule a session cites is explained too; a
    clinician's adjustment beside the default it overrides; the three reasons that set the week first."""
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
    for s in sessions:  # every rule a session cites is explained at the top level too
        for rule_id in s.rules:
            if rule_id not in by_id:
                by_id[rule_id] = entry = {"id": rule_id, "why": rules.rule(rule_id).summary,
                                          "source": rules.source(rule_id)}
                applied.append(entry)

    if tri.running_allowed:  # the dose, the shape and the one change being tried come first
        applied = lead_with_three(applied, dose.dose_rule, frozenset(r.rule for r in tri.reasons))
    return physio_notes(applied, rules)


def physio_notes(applied: list[dict[str, str]], rules: Catalogue) -> list[dict[str, str]]:
    """A clinician's adjustments, each beside the cited default it overrides: on the rule's own line
    when the plan cites it, else on a line of its own at the end (the athlete sees every one)."""
    by_rule: dict[str, list[Override]] = {}
    for o in rules.overrides:
        by_rule.setdefault(o.rule_id, []).append(o)
    by_id = {e["id"]: e for e in applied}
    for rule_id, changes in by_rule.items():
        entry = by_id.get(rule_id)
        if entry is not None:
            entry["why"] += f"; {describe(rules, changes)}"
        else:
            applied.append({"id": rule_id, "why": describe(rules, changes), "source": rules.source(rule_id)})
    return applied
