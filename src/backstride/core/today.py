"""Today's call: what this morning's check-in and yesterday's run say about today's run.

One step of the planner's pipeline, read once per state. The plan applies it to
today's row (and re-plans the week from today when it changes the picture);
the daily decision is that row, so ``plan`` and ``decide`` always agree.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

from backstride.contract import RUNNING_KINDS, Session
from backstride.core.pain_response import RunResponse, is_run_day, run_response
from backstride.core.timeline import DAY, Timeline
from backstride.rules import Catalogue

__all__ = ["TodayCall", "TodayKind", "call_today", "shorten_run", "shorten_today"]

TodayKind = Literal["as_planned", "shorter", "no_run"]
_EASY_KINDS = ("easy", "recovery", "run_walk", "long_run_walk")


@dataclass(frozen=True, slots=True)
class TodayCall:
    """How today's run is adjusted, the rule that says so, and why (in the runner's words)."""

    kind: TodayKind
    rule: str  # the rule behind the adjustment ("" when as planned)
    why: str  # lower-case clause, "" when as planned
    morning_pain: int | None  # this morning's pain at rest, None without a check-in
    has_checkin: bool
    yesterday: RunResponse

    @property
    def changes_week(self) -> bool:
        """A call that changes the picture: the rest of the week is planned from it too."""
        return self.kind != "as_planned"


def call_today(tl: Timeline, rules: Catalogue) -> TodayCall:
    """Read this morning's check-in and yesterday's run answer (B-DECIDE, P-SEVERE-REST, the 24-hour rule)."""
    today = tl.today
    checkin = tl.checkin(today)
    morning = checkin.pain_rest if checkin is not None else None
    yesterday = (run_response(tl, today - DAY, rules) if is_run_day(tl, today - DAY)
                 else RunResponse(today - DAY, "unknown", "", "no run yesterday"))
    usual = tl.morning_pain(today - DAY, look_back=6)
    sore = rules.value("B-DECIDE", "sore_morning_rise")
    severe = rules.value("P-SEVERE-REST", "severe_points")

    def make(kind: TodayKind, rule: str, why: str) -> TodayCall:
        return TodayCall(kind, rule, why, morning, checkin is not None, yesterday)

    if morning is not None and morning >= severe:
        return make("no_run", "P-SEVERE-REST",
                    f"your pain at rest this morning is severe ({morning}/10, {severe:.0f} or more)")
    if yesterday.level == "red":
        return make("no_run", yesterday.rule, f"yesterday's run was too much: {yesterday.why}")
    if morning is not None and usual is not None and morning - usual >= sore:
        return make("shorter", "B-DECIDE", f"your back is sorer this morning ({morning}/10, usually {usual}/10)")
    if morning is not None and morning > rules.value("P-AMBER", "max_pain_during"):
        return make("shorter", "B-DECIDE", f"your back is sore this morning ({morning}/10)")
    if yesterday.level == "amber":
        return make("shorter", "P-AMBER", f"yesterday's run was amber: {yesterday.why}")
    return make("as_planned", "", "")


def shorten_run(run: Session, rules: Catalogue, pace_min_per_km: float) -> Session:
    """Today's run, shorter and easier (B-DECIDE), never below the shortest run worth doing (B-MIN-RUN)."""
    frac = rules.value("B-DECIDE", "shorter_fraction")
    min_minutes = rules.value("B-MIN-RUN", "min_minutes")
    minutes = run.duration_min or (run.distance_km or 0.0) * pace_min_per_km
    new_minutes = min(minutes, max(minutes * frac, min_minutes))
    scale = new_minutes / minutes if minutes > 0 else frac
    km = round((run.distance_km or 0.0) * scale, 1)
    easy_rpe = int(rules.value("I-EASY", "rpe_max"))
    kind = run.kind if run.kind in _EASY_KINDS else "easy"
    walk = f" Run {run.run_walk.run_min:g} min, walk {run.run_walk.walk_min:g} min, repeat." \
        if run.run_walk is not None and kind in ("run_walk", "long_run_walk") else ""
    rest = (run.notes or "").split(". ", 1)
    tail = rest[1] if len(rest) > 1 else ""
    if "Run " in tail and walk:
        tail = tail.split(" repeat. ", 1)[-1]
    return run.model_copy(update={
        "kind": kind, "distance_km": km, "duration_min": round(new_minutes, 1),
        "rpe_max": min(run.rpe_max or easy_rpe, easy_rpe), "reps": None,
        "run_walk": run.run_walk if kind in ("run_walk", "long_run_walk") else None,
        "terrain": "flat" if run.terrain in (None, "any", "stairs") else run.terrain,
        "rules": tuple(dict.fromkeys(("B-DECIDE", "P-AMBER", "I-EASY", *run.rules))),
        "notes": f"Shorter and easier today: {km:.1f} km at an easy effort (up to {easy_rpe}/10).{walk} {tail}".strip(),
    })


def is_run(session: Session) -> bool:
    """A running session (not rest, walk, strength, mobility or cross-training)."""
    return session.kind in RUNNING_KINDS


def shorten_today(sessions: list[Session], today: dt.date, rules: Catalogue, pace_min_per_km: float,
                  floor_km: float, cap_km: float | None) -> list[Session]:
    """Today's run shorter and easier; after a flare the week still holds the least W-FLARE allows.

    What today's run gives up goes to the week's other runs, in proportion, none above the cap.
    """
    out = [shorten_run(s, rules, pace_min_per_km) if s.date == today and is_run(s) else s for s in sessions]
    held = sum(s.distance_km or 0.0 for s in out if is_run(s))
    missing = round(floor_km - held, 1)
    later = [i for i, s in enumerate(out) if is_run(s) and s.date != today and s.distance_km
             and s.kind in _EASY_KINDS]
    cap = cap_km if cap_km is not None else float("inf")
    while missing > 0.05 and later:
        room = {i: cap - (out[i].distance_km or 0.0) for i in later if cap - (out[i].distance_km or 0.0) > 0.05}
        if not room:
            break
        total = sum(out[i].distance_km or 0.0 for i in room)
        given = 0.0
        for i in room:
            s = out[i]
            add = min(room[i], math.ceil(missing * (s.distance_km or 0.0) / total * 10) / 10)
            out[i] = _lengthen(s, add)
            given += add
        missing = round(missing - given, 1)
    return out


def _lengthen(s: Session, add_km: float) -> Session:
    km = round((s.distance_km or 0.0) + add_km, 1)
    minutes = (s.duration_min or 0.0) * km / (s.distance_km or km)
    old = f"{s.distance_km:.1f} km"
    return s.model_copy(update={"distance_km": km, "duration_min": round(minutes, 1),
                                "notes": s.notes.replace(old, f"{km:.1f} km", 1)})
