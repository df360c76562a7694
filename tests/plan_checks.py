"""What a plan or decision must satisfy, as plain functions returning a list of failures.

The contract's own checks (dates, one run a day, volumes, available days, cited
rules) run on every plan; scenario files add their expectations by name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from backstride.contract import HARD_KINDS, RUNNING_KINDS, Decision, Plan, State

TOL = 0.5
NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def runs(plan: Plan) -> list[Any]:
    return [s for s in plan.sessions if s.kind in RUNNING_KINDS]


def planned_km(plan: Plan) -> float:
    return sum(s.distance_km or 0 for s in runs(plan))


def last_week_km(state: State) -> float:
    today = state.today
    return sum(a.distance_km or 0 for a in state.activities
               if a.kind in RUNNING_KINDS | {"run"} and today - dt.timedelta(days=7) <= a.date < today)


def baseline_km(state: State) -> float:
    """Distance of the normal week; a time-only session counts at the easy pace (6:30 min/km by default)."""
    pace = state.athlete.easy_pace_min_per_km or 6.5
    return sum(s.distance_km if s.distance_km is not None else (s.duration_min or 0) / pace
               for s in state.athlete.baseline.sessions if s.kind not in ("cross_training", "strength"))


def cited(doc: Plan | Decision) -> set[str]:
    ids = {r.rule for r in doc.triage.reasons}
    if isinstance(doc, Plan):
        ids |= {r.id for r in doc.rules_applied}
        for s in doc.sessions:
            ids |= set(s.rules)
    else:
        ids |= {r.rule for r in doc.reasons}
        if doc.session is not None:
            ids |= set(doc.session.rules)
    return ids


def texts(doc: Plan | Decision) -> list[str]:
    """Every text the runner reads in a plan or a decision (reasons, notes, stop signs)."""
    out = [r.text for r in doc.triage.reasons]
    if isinstance(doc, Plan):
        out += [r.why for r in doc.rules_applied] + [s.notes for s in doc.sessions if s.notes]
    else:
        out += [r.text for r in doc.reasons] + list(doc.stop_if)
        if doc.session is not None and doc.session.notes:
            out.append(doc.session.notes)
    return out


def _says(doc: Plan | Decision, wanted: Any) -> list[str]:
    joined = "\n".join(texts(doc))
    return [f"no text says {w!r}" for w in _as_list(wanted) if w not in joined]


def contract_failures(plan: Plan, state: State) -> list[str]:
    """The checks the contract applies to every plan."""
    out: list[str] = []
    start = state.today
    if plan.week_start != start:
        out.append(f"week_start {plan.week_start} != today {start}")
    for s in plan.sessions:
        if not start <= s.date <= start + dt.timedelta(days=6):
            out.append(f"session outside the week: {s.date}")
        if not s.rules:
            out.append(f"session on {s.date} ({s.kind}) cites no rule")
        if s.kind in RUNNING_KINDS and s.distance_km is None:
            out.append(f"running session on {s.date} has no distance")
    seen: set[dt.date] = set()
    for s in runs(plan):
        if s.date in seen:
            out.append(f"two runs on {s.date}")
        seen.add(s.date)
    days = state.athlete.available_days
    if days:
        bad = [s.date for s in plan.sessions if s.kind != "rest" and NAMES[s.date.weekday()] not in days]
        if bad:
            out.append(f"training on days the athlete is not available: {bad}")
    v = plan.volume
    if abs(v.planned_run_km - planned_km(plan)) > TOL:
        out.append(f"planned_run_km {v.planned_run_km} is not the sum of the runs {planned_km(plan):.1f}")
    if abs(v.last_week_run_km - last_week_km(state)) > TOL:
        out.append(f"last_week_run_km {v.last_week_run_km} != {last_week_km(state):.1f}")
    if abs(v.baseline_run_km - baseline_km(state)) > TOL:
        out.append(f"baseline_run_km {v.baseline_run_km} != {baseline_km(state):.1f}")
    if not plan.running_allowed and runs(plan):
        out.append("running sessions although running is not allowed")
    if plan.triage.level == "emergency" and any(s.kind != "rest" for s in plan.sessions):
        out.append("an emergency plan holds something other than rest")
    if not plan.rules_applied:
        out.append("rules_applied is empty")
    return out


def _frac(got: float, ref: float, lo: float, hi: float, what: str) -> list[str]:
    if lo * ref - TOL <= got <= hi * ref + TOL:
        return []
    share = got / ref if ref else float("inf")
    return [f"planned running {got:.1f} km is {share:.0%} of {what} {ref:.1f} km; expected {lo:.0%}-{hi:.0%}"]


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def _count(plan: Plan, spec: dict[str, Any]) -> list[str]:
    kinds = _as_list(spec["kind"])
    n = sum(1 for s in plan.sessions if s.kind in kinds)
    lo, hi = spec.get("min", 0), spec.get("max", 99)
    return [] if lo <= n <= hi else [f"{n} sessions of {kinds}; expected {lo}-{hi}"]


PLAN_CHECKS: dict[str, Callable[[Plan, State, Any], list[str]]] = {
    "says": lambda p, s, v: _says(p, v),
    "triage": lambda p, s, v: [] if p.triage.level in _as_list(v) else [f"triage {p.triage.level}, expected {v}"],
    "phase": lambda p, s, v: [] if p.phase in _as_list(v) else [f"phase {p.phase}, expected {v}"],
    "running_allowed": lambda p, s, v: [] if p.running_allowed is v else [f"running_allowed is {p.running_allowed}"],
    "fraction_of_baseline": lambda p, s, v: _frac(planned_km(p), baseline_km(s), v[0], v[1], "the baseline"),
    "fraction_of_last_week": lambda p, s, v: _frac(planned_km(p), last_week_km(s), v[0], v[1], "last week's"),
    "planned_km": lambda p, s, v: [] if v[0] - TOL <= planned_km(p) <= v[1] + TOL
    else [f"planned {planned_km(p):.1f} km, expected {v[0]}-{v[1]}"],
    "cites": lambda p, s, v: [f"does not cite {r} (cites {sorted(cited(p))})" for r in v if r not in cited(p)],
    "not_cites": lambda p, s, v: [f"cites {r} but should not" for r in v if r in cited(p)],
    "no_hard_running": lambda p, s, v: [f"hard session {x.kind} on {x.date}" for x in p.sessions
                                        if x.kind in HARD_KINDS],
    "has_hard_running": lambda p, s, v: [] if any(x.kind in HARD_KINDS for x in p.sessions) else ["no hard session"],
    "max_rpe_running": lambda p, s, v: [f"{x.kind} on {x.date} at RPE {x.rpe_max}" for x in runs(p)
                                        if x.rpe_max is None or x.rpe_max > v],
    "only_kinds": lambda p, s, v: [f"session kind {x.kind} not in {v}" for x in p.sessions if x.kind not in v],
    "kinds_include": lambda p, s, v: [f"no {k} session" for k in v if all(x.kind != k for x in p.sessions)],
    "kinds_exclude": lambda p, s, v: [f"a {x.kind} session on {x.date}" for x in p.sessions if x.kind in v],
    "count": lambda p, s, v: [f for spec in _as_list(v) for f in _count(p, spec)],
    "runs_at_least": lambda p, s, v: [] if len(runs(p)) >= v else [f"{len(runs(p))} runs, expected at least {v}"],
    "runs_at_most": lambda p, s, v: [] if len(runs(p)) <= v else [f"{len(runs(p))} runs, expected at most {v}"],
    "longest_run_max": lambda p, s, v: [f"a {x.distance_km} km run over {v} km" for x in runs(p)
                                        if (x.distance_km or 0) > v + TOL],
    "longest_below_baseline": lambda p, s, v: [] if max([x.distance_km or 0 for x in runs(p)] or [0]) < max(
        [b.distance_km or 0 for b in s.athlete.baseline.sessions] or [0]) else ["long run not shortened"],
    "long_runs_walk_flat": lambda p, s, v: [f"{x.date}: long run without walk breaks on flat ground" for x in p.sessions
                                            if x.kind in ("long", "long_run_walk") and (
                                                x.kind != "long_run_walk" or x.run_walk is None
                                                or x.terrain not in ("flat", "soft"))],
    "intervals_long_only": lambda p, s, v: [f"{x.date}: {x.kind} {x.reps}" for x in p.sessions
                                            if x.kind == "intervals_short" or (x.kind == "intervals_long" and not (
                                                (x.reps and (x.reps.distance_m or 0) >= 800)
                                                or (x.reps and (x.reps.duration_min or 0) >= 5)))],
    "cross_training_minutes": lambda p, s, v: [f"{x.date}: {x.duration_min} min" for x in p.sessions
                                               if x.kind == "cross_training"
                                               and not v[0] <= (x.duration_min or 0) <= v[1]],
    "cross_training_uses": lambda p, s, v: [f"{x.activity} not available" for x in p.sessions
                                            if x.kind == "cross_training" and x.activity not in v],
    "cadence_target": lambda p, s, v: [] if (p.cadence_target_spm is None and v is None) or (
        v is not None and p.cadence_target_spm is not None and v[0] <= p.cadence_target_spm <= v[1])
    else [f"cadence target {p.cadence_target_spm}, expected {v}"],
    "strength_exercises_include": lambda p, s, v: [f"no strength session with {e}" for e in v if not any(
        e in x.exercises for x in p.sessions if x.kind == "strength")],
    "strength_exercises_exclude": lambda p, s, v: [f"strength with {e}" for e in v for x in p.sessions
                                                   if x.kind == "strength" and any(e in ex for ex in x.exercises)],
    "terrain_of_runs": lambda p, s, v: [f"{x.kind} on {x.date} on {x.terrain}" for x in runs(p)
                                        if x.kind not in ("stairs",) and x.terrain not in _as_list(v)],
    "why_mentions": lambda p, s, v: [] if any(v[1].lower() in r.why.lower() for r in p.rules_applied if r.id == v[0])
    or any(v[1].lower() in r.text.lower() for r in p.triage.reasons if r.rule == v[0])
    else [f"{v[0]}'s reason does not mention {v[1]!r}"],
    "triage_text_mentions": lambda p, s, v: [] if any(v.lower() in r.text.lower() for r in p.triage.reasons)
    else [f"no triage text mentions {v!r}"],
    "rest_days_at_least": lambda p, s, v: [] if sum(
        1 for d in range(7) if not any(x.date == s.today + dt.timedelta(days=d) and x.kind in RUNNING_KINDS
                                       for x in p.sessions)) >= v else [f"fewer than {v} days without running"],
}

DECISION_CHECKS: dict[str, Callable[[Decision, State, Any], list[str]]] = {
    "says": lambda d, s, v: _says(d, v),
    "action": lambda d, s, v: [] if d.action in _as_list(v) else [f"action {d.action}, expected {v}"],
    "triage": lambda d, s, v: [] if d.triage.level in _as_list(v) else [f"triage {d.triage.level}, expected {v}"],
    "cites": lambda d, s, v: [f"does not cite {r} (cites {sorted(cited(d))})" for r in v if r not in cited(d)],
    "not_cites": lambda d, s, v: [f"cites {r} but should not" for r in v if r in cited(d)],
    "stop_if": lambda d, s, v: [] if bool(d.stop_if) is v else [f"stop_if is {list(d.stop_if)}"],
    "session_kind": lambda d, s, v: [] if (d.session.kind if d.session else None) in _as_list(v)
    else [f"session kind {d.session.kind if d.session else None}, expected {v}"],
    "session_max_km": lambda d, s, v: [] if d.session is None or (d.session.distance_km or 0) <= v + TOL
    else [f"today's session {d.session.distance_km} km over {v}"],
    "no_running_today": lambda d, s, v: [] if d.session is None or d.session.kind not in RUNNING_KINDS
    else [f"a {d.session.kind} today"],
    "session_not_hard": lambda d, s, v: [] if d.session is None or d.session.kind not in HARD_KINDS
    else [f"hard session today: {d.session.kind}"],
}


def decision_failures(decision: Decision) -> list[str]:
    """What the decision schema and its meaning demand of every decision."""
    out = []
    if decision.triage.level in ("emergency", "see_clinician_soon") and decision.action != "seek_care":
        out.append(f"triage {decision.triage.level} but action {decision.action}")
    if decision.action == "seek_care" and decision.session is not None and decision.session.kind in RUNNING_KINDS:
        out.append("a run with seek_care")
    if decision.session is not None and decision.session.kind in RUNNING_KINDS and not decision.stop_if:
        out.append("a run today without stop_if signs")
    return out


# --- issue 8: one decision a day, a dose remembered, sessions a person can do -----------------------

def minutes(session: Any, state: State) -> float:
    """A session's length in minutes: its own time, or its distance at the runner's easy pace."""
    if session.duration_min is not None:
        return float(session.duration_min)
    pace = state.athlete.easy_pace_min_per_km or 6.5
    return float(session.distance_km or 0) * pace


def agreement_failures(plan: Plan, decision: Decision) -> list[str]:
    """Today's running session in the plan is the one ``decide`` gives (none when it gives no run)."""
    today = plan.week_start
    row = next((s for s in runs(plan) if s.date == today), None)
    given = decision.session if decision.session is not None and decision.session.kind in RUNNING_KINDS else None
    if row is None and given is None:
        return []
    if row is None or given is None:
        return [f"plan's run today is {row.kind if row else None} {row.distance_km if row else ''}, "
                f"decide gives {decision.action} {given.kind if given else None} "
                f"{given.distance_km if given else ''}".replace("  ", " ")]
    if row.kind != given.kind or abs((row.distance_km or 0) - (given.distance_km or 0)) > 0.05:
        return [f"plan's run today is {row.kind} {row.distance_km} km, decide gives {given.kind} "
                f"{given.distance_km} km"]
    return []


_STATED = re.compile(r"(\d+(?:\.\d+)?)% of your normal")


def stated_dose_failures(plan: Plan, state: State) -> list[str]:
    """Every 'N% of your normal' a plan states is the share it plans (3 points or 0.5 km of slack)."""
    base = baseline_km(state)
    if base <= 0:
        return []
    share = 100 * planned_km(plan) / base
    slack = max(3.0, 100 * TOL / base)
    return [f"{r.id} says {m}% of your normal, the plan holds {share:.0f}%" for r in plan.rules_applied
            for m in _STATED.findall(r.why) if abs(float(m) - share) > slack]


def changes_from_last_week(plan: Plan, state: State) -> list[str]:
    """The training variables this plan changes from what was run last week (B-RETURN-ONE)."""
    today = state.today
    week = [a for a in state.activities if a.kind in RUNNING_KINDS | {"run"}
            and today - dt.timedelta(days=7) <= a.date < today]
    done_kinds = {a.kind for a in week}
    planned = runs(plan)
    kinds = {s.kind for s in planned}
    out = []
    if kinds & {"intervals_short", "intervals_long", "tempo", "progression", "race"} and not done_kinds & {
            "intervals_short", "intervals_long", "tempo", "progression", "race"}:
        out.append("speed work")
    if kinds & {"hills", "stairs"} and not done_kinds & {"hills", "stairs"}:
        out.append("hills or stairs")
    if "long" in kinds and "long" not in done_kinds:
        out.append("a continuous long run")
    if week and len(planned) < len(week):
        out.append(f"fewer runs ({len(week)} to {len(planned)})")
    last = sum(a.distance_km or 0 for a in week)
    if last > 0 and planned_km(plan) > last + max(TOL, 0.02 * last):
        out.append(f"more running ({last:.1f} to {planned_km(plan):.1f} km)")
    return out


def _per_day(plan: Plan) -> dict[dt.date, int]:
    out: dict[dt.date, int] = {}
    for s in plan.sessions:
        if s.kind != "rest":
            out[s.date] = out.get(s.date, 0) + 1
    return out


def _text(plan: Plan) -> str:
    return "\n".join([r.why for r in plan.rules_applied] + [r.text for r in plan.triage.reasons]
                     + [s.notes for s in plan.sessions])


def _decision_text(d: Decision) -> list[str]:
    return [r.text for r in d.reasons] + [r.text for r in d.triage.reasons]


PLAN_CHECKS.update({
    "no_run_today": lambda p, s, v: [f"a {x.kind} today" for x in runs(p) if x.date == s.today],
    "agrees_with_decide": lambda p, s, v: agreement_failures(p, _decide(s)),
    "stated_dose_matches": lambda p, s, v: stated_dose_failures(p, s),
    "long_share_max": lambda p, s, v: [f"the longest run {max(x.distance_km or 0 for x in runs(p)):.1f} km is over "
                                       f"{v:.0%} of the week's {planned_km(p):.1f} km" for _ in [0]
                                       if runs(p) and max(x.distance_km or 0 for x in runs(p))
                                       > v * planned_km(p) + TOL],
    "no_progress": lambda p, s, v: [] if planned_km(p) <= last_week_km(s) + TOL
    else [f"planned {planned_km(p):.1f} km, above last week's {last_week_km(s):.1f} km"],
    "min_run_minutes": lambda p, s, v: [f"a {minutes(x, s):.0f}-minute {x.kind} on {x.date}" for x in runs(p)
                                        if minutes(x, s) < v - 0.5],
    "max_session_minutes": lambda p, s, v: [f"a {minutes(x, s):.0f}-minute {x.kind} on {x.date}" for x in runs(p)
                                            if minutes(x, s) > v + 0.5],
    "max_sessions_per_day": lambda p, s, v: [f"{n} sessions on {d}" for d, n in sorted(_per_day(p).items()) if n > v],
    "changes_at_most": lambda p, s, v: [] if len(changes_from_last_week(p, s)) <= v
    else [f"changes {changes_from_last_week(p, s)} at once"],
    "runs_are_run_walk": lambda p, s, v: [f"{x.kind} on {x.date} without walk breaks" for x in runs(p)
                                          if x.kind not in ("run_walk", "long_run_walk") or x.run_walk is None],
    "run_walk_ratio": lambda p, s, v: [f"{x.date}: {x.run_walk.run_min}:{x.run_walk.walk_min} jog:walk"
                                       for x in runs(p) if x.run_walk is not None
                                       and (x.run_walk.run_min, x.run_walk.walk_min) != tuple(v)],
    "run_minutes": lambda p, s, v: [f"a {minutes(x, s):.0f}-minute {x.kind} on {x.date}" for x in runs(p)
                                    if not v[0] - 0.5 <= minutes(x, s) <= v[1] + 0.5],
    "text_matches": lambda p, s, v: [] if re.search(v, _text(p), flags=re.I) else [f"no text matches {v!r}"],
    "text_not_matches": lambda p, s, v: [f"a text matches {v!r}"] if re.search(v, _text(p), flags=re.I) else [],
})

DECISION_CHECKS.update({
    "text_matches": lambda d, s, v: [] if any(re.search(v, t, flags=re.I) for t in [*_decision_text(d), *d.stop_if])
    else [f"no reason or stop sign matches {v!r}"],
    "agrees_with_plan": lambda d, s, v: agreement_failures(_plan(s), d),
    "first_reason_matches": lambda d, s, v: [] if d.reasons and re.search(v, d.reasons[0].text, flags=re.I)
    else [f"the first reason is {d.reasons[0].text if d.reasons else None!r}, expected it to match {v!r}"],
    "text_not_matches": lambda d, s, v: [f"a reason matches {v!r}: {t!r}" for t in _decision_text(d)
                                         if re.search(v, t, flags=re.I)],
})


def _decide(state: State) -> Decision:
    from backstride.core.decide import decide_today

    return decide_today(state)


def _plan(state: State) -> Plan:
    from backstride.core.planner import plan_week

    return plan_week(state)


def tolerated_week_km(state: Any, look_back_weeks: int = 8) -> float | None:
    """The latest week with runs before last week, within ``look_back_weeks`` (the property generators'
    ``red`` states answer every earlier week green, so this is the week W-TOLERATED reads): its distance."""
    for w in range(2, look_back_weeks + 1):
        start = state.today - dt.timedelta(days=7 * w)
        km = [a.distance_km or 0 for a in state.activities
              if a.kind in RUNNING_KINDS | {"run"} and start <= a.date < start + dt.timedelta(days=7)]
        if km:
            return float(sum(km))
    return None
