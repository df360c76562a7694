"""Today's decision: go as planned, shorter and easier, cross-train, rest, or seek care.

The day's session comes from the week's plan; this morning's check-in and
yesterday's answer to running then adjust it, and the runner is told which
signs during the run mean stop.
"""

from __future__ import annotations

from backstride.contract import RUNNING_KINDS, Action, Decision, Reason, Session, State
from backstride.core.pain_response import RunResponse, is_run_day, run_response
from backstride.core.planner import Assessment, plan_week
from backstride.core.signals import today_signals
from backstride.core.timeline import DAY
from backstride.rules import Catalogue, default_catalogue

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
    """What to do on ``state.today``, from today's check-in, yesterday's answer and the week's plan."""
    rules = rules or default_catalogue()
    a = Assessment(state, rules)
    tri = a.triage
    today = state.today
    reasons: list[Reason] = list(tri.reasons)
    plan = plan_week(state, rules, a)
    todays = [s for s in plan.sessions if s.date == today]
    run = next((s for s in todays if s.kind in RUNNING_KINDS), None)
    other = next((s for s in todays if s.kind not in RUNNING_KINDS and s.kind != "rest"), None)

    action: Action
    if not tri.running_allowed:
        if tri.level != "none":
            action = "seek_care"
        else:
            action = "cross_train" if other is not None and other.kind == "cross_training" else "rest"
        if tri.level == "emergency":
            session: Session | None = None
        else:
            session = other
        return Decision(date=today, action=action, triage=tri.as_contract(), session=session, stop_if=(),
                        reasons=tuple(reasons))

    tl = a.timeline
    checkin = tl.checkin(today)
    morning = checkin.pain_rest if checkin is not None else None
    yesterday = (run_response(tl, today - DAY, rules) if is_run_day(tl, today - DAY)
                 else RunResponse(today - DAY, "unknown", "", "no run yesterday"))
    usual = tl.morning_pain(today - DAY, look_back=6)
    sore = rules.value("B-DECIDE", "sore_morning_rise")

    if run is None:
        if other is not None and other.kind == "cross_training":
            action, session = "cross_train", other
            reasons.append(Reason(rule="X-SWAP", text="Today is a cross-training day in your plan."))
        else:
            action, session = "rest", other
            reasons.append(Reason(rule=(other.rules[0] if other else "M-MONOTONY"),
                                  text="No run today in your plan" + (f": {other.kind} instead." if other else
                                                                     ": a rest day.")))
        return Decision(date=today, action=action, triage=tri.as_contract(), session=session,
                        stop_if=stop_signs(morning, rules) if session is not None else (), reasons=tuple(reasons))

    if yesterday.level == "red":
        options = a.state.athlete.cross_training or ("bike", "incline_walk")
        act = next(c for c in ("swim", "deep_water_running", "elliptical", "bike", "incline_walk", "rower",
                               "ski_erg", "yoga") if c in options)
        minutes = rules.value("X-SWAP", "min_minutes")
        session = Session(date=today, kind="cross_training", activity=act, duration_min=minutes, rpe_max=4,
                          rules=("B-DECIDE", yesterday.rule, "X-SWAP"),
                          notes=f"No run today. {minutes:.0f} min easy {act.replace('_', ' ')} if it feels fine; "
                                "otherwise rest.")
        reasons.append(Reason(rule=yesterday.rule, text=f"Yesterday's run was too much: {yesterday.why}. "
                                                        "No running today; let your back settle."))
        reasons.append(Reason(rule="B-DECIDE", text="After a flare, gentle cross-training or rest today."))
        return Decision(date=today, action="cross_train", triage=tri.as_contract(), session=session,
                        stop_if=stop_signs(morning, rules), reasons=tuple(reasons))

    shorter = False
    why = ""
    if yesterday.level == "amber":
        shorter, why = True, f"yesterday's run gave moderate pain ({yesterday.why})"
    if morning is not None and usual is not None and morning - usual >= sore:
        shorter, why = True, f"your back is sorer this morning ({morning}/10, usually {usual}/10)"
    elif morning is not None and morning > rules.value("P-AMBER", "max_pain_during"):
        shorter, why = True, f"your back is sore this morning ({morning}/10)"
    if shorter:
        frac = rules.value("B-DECIDE", "shorter_fraction")
        km = round((run.distance_km or 0.0) * frac, 1)
        easy_rpe = int(rules.value("I-EASY", "rpe_max"))
        kind = run.kind if run.kind in ("easy", "recovery", "run_walk", "long_run_walk") else "easy"
        session = run.model_copy(update={
            "kind": kind, "distance_km": km, "duration_min": round((run.duration_min or 0.0) * frac, 1),
            "rpe_max": min(run.rpe_max or easy_rpe, easy_rpe), "reps": None,
            "terrain": "flat" if run.terrain in (None, "any", "stairs") else run.terrain,
            "rules": tuple(dict.fromkeys(("B-DECIDE", "P-AMBER", "I-EASY", *run.rules))),
            "notes": f"Shorter and easier today: {km:.1f} km at an easy effort. " + (run.notes or ""),
        })
        reasons.append(Reason(rule="P-AMBER", text=f"{why[0].upper()}{why[1:]}: shorten today's run and keep it easy."))
        return Decision(date=today, action="run_shorter_easier", triage=tri.as_contract(), session=session,
                        stop_if=stop_signs(morning, rules), reasons=tuple(reasons))

    if yesterday.level == "green":
        reasons.append(Reason(rule=yesterday.rule or "P-GREEN", text="Your back answered well: run as planned."))
    elif checkin is not None:
        reasons.append(Reason(rule="P-GREEN", text="Nothing in this morning's check-in says otherwise: "
                                                   "run as planned."))
    else:  # no answer is no answer (B-NO-ANSWER): said first, never read as green
        signals = today_signals(tl, rules)
        reasons[0:0] = [r for r in signals.reasons if r not in reasons]
    reasons.append(Reason(rule=run.rules[0], text=f"Today's plan: {run.notes.split('. ')[0]}."))
    return Decision(date=today, action="run_as_planned", triage=tri.as_contract(), session=run,
                    stop_if=stop_signs(morning, rules), reasons=tuple(reasons))
