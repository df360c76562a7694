"""Laying the week out: which day gets which session, how far, how hard, and why.

Input is the dose decision (how much running, which phase, which trial
changes); output is one list of sessions for the 7 days from today, each citing
the rules that shaped it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import median
from typing import Any

from backstride.contract import (
    BASELINE_RUNNING_KINDS,
    RUNNING_KINDS,
    WEEKDAYS,
    BaselineSession,
    Reps,
    RunWalk,
    Session,
    State,
)
from backstride.core import cross_training
from backstride.core.dose import DoseDecision
from backstride.core.restart import LadderWeek, ladder_days
from backstride.core.return_steps import ORDER, SPEED_BASE
from backstride.core.timeline import DAY, Timeline, daterange
from backstride.core.triage import TriageResult
from backstride.core.words import count
from backstride.rules import Catalogue

__all__ = ["WeekPlan", "cadence_target", "lay_out_week"]

_STRENGTH_CALM = ("split squats", "step-ups", "light goblet squats", "glute bridges", "side planks",
                  "suitcase carries", "band pull-aparts")
_STRENGTH_BUILD = ("split squats", "step-ups", "sled pushes", "goblet squats", "single-leg glute bridges",
                   "side planks", "suitcase carries", "band monster walks")
_STRENGTH_FULL = ("Romanian deadlifts (moderate load)", "split squats", "step-ups", "sled pushes",
                  "single-leg glute bridges", "side planks", "suitcase carries")
_REHAB = ("glute bridges", "side planks (from the knees if needed)", "bird dogs", "band work for the hips",
          "walking as comfortable")
_MOBILITY = ("relaxed breathing", "hip flexor opener", "cat-camel", "gentle knee rocks", "child's pose")
_OWN_RPE = {"easy": 4, "recovery": 3, "long": 5, "tempo": 7, "intervals_short": 8, "intervals_long": 7,
            "hills": 8, "progression": 7, "race": 9}


@dataclass(slots=True)
class _Run:
    date: dt.date
    kind: str
    weight: float
    cap: float
    rules: list[str]
    km: float = 0.0
    fixed: bool = False  # distance set by time (stairs), not by the allocation
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class WeekPlan:
    """The sessions and the rules the layout cited beyond the dose."""

    sessions: list[Session]
    cited: list[tuple[str, str]]


def _wd(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]


def _r1(x: float) -> float:
    return round(x + 1e-9, 1)


def cadence_target(state: State, tl: Timeline, rules: Catalogue) -> tuple[float | None, float | None]:
    """(usual cadence, target) in steps per minute: a few percent above the usual, never a fixed 180."""
    usual = state.athlete.cadence_spm
    if usual is None:
        seen = [a.cadence_spm for d in range(1, 43) for a in tl.activities.get(tl.today - d * DAY, ())
                if a.cadence_spm and a.cadence_spm >= 100 and a.kind not in ("cross_training", "strength", "mobility")]
        usual = median(seen) if seen else None
    if usual is None:
        return None, None
    return usual, float(round(usual * (1 + rules.value("F-CADENCE", "increase"))))


class _Week:
    """Working state while laying out one week."""

    def __init__(self, state: State, tl: Timeline, rules: Catalogue, no_run_today: bool = False) -> None:
        self.state, self.tl, self.rules = state, tl, rules
        self.days = list(daterange(tl.today, tl.today + 7 * DAY))
        avail = set(state.athlete.available_days or WEEKDAYS)
        self.available = [d for d in self.days if _wd(d) in avail]
        # Days a run may go on: today is left out when this morning's call says no run today.
        self.run_days = [d for d in self.available if not (no_run_today and d == tl.today)]
        self.no_run_today = no_run_today
        self.base_runs = _baseline_runs(state)  # the runs of the athlete's normal week
        self.sessions: list[Session] = []
        self.cited: list[tuple[str, str]] = []
        self._cited_ids: set[str] = set()
        self.pace = tl.easy_pace
        self.cross_days: list[dt.date] = []  # days kept free for cross-training

    def cite(self, rule_id: str, why: str) -> None:
        if rule_id not in self._cited_ids:
            self._cited_ids.add(rule_id)
            self.cited.append((rule_id, why))

    def add(self, **kw: Any) -> None:
        self.sessions.append(Session.model_validate(kw))

    def cross_options(self) -> list[str]:
        return cross_training.at_hand(self.state.athlete.cross_training)

    def fill_rest(self, rule_free: str, why_free: str) -> None:
        busy = {s.date for s in self.sessions}
        for d in self.days:
            if d in busy:
                continue
            if d in self.available:
                self.add(date=d, kind="rest", rules=(rule_free,), notes=why_free)
            else:
                self.add(date=d, kind="rest", rules=("B-AVAILABLE",), notes="Not one of your training days.")
                self.cite("B-AVAILABLE", "sessions only on the days you can train")

    def result(self) -> WeekPlan:
        order = {"rest": 9, "strength": 5, "mobility": 6, "cross_training": 4, "walk": 3}
        self.sessions.sort(key=lambda s: (s.date, order.get(s.kind, 0)))
        return WeekPlan(self.sessions, self.cited)


# --- weeks without running ------------------------------------------------------------------------

def _paused_week(w: _Week, tri: TriageResult) -> WeekPlan:
    fired = set(tri.fired)
    if "T-EMERG" in fired:
        for d in w.days:
            w.add(date=d, kind="rest", rules=("T-EMERG", "B-EMERG-REST"),
                  notes="No training. Go to an emergency department now.")
        w.cite("B-EMERG-REST", "an emergency triage: nothing but rest until you have been seen")
        return w.result()
    walk_min = w.rules.value("B-GENTLE", "walk_minutes")
    rule: str
    if tri.level == "see_clinician_soon":
        rule = next(r for r in ("T-NEURO", "T-SERIOUS") if r in fired)
        for i, d in enumerate(w.available):
            if i % 2 == 0:
                w.add(date=d, kind="walk", duration_min=walk_min, rpe_max=2, terrain="flat", rules=(rule, "B-GENTLE"),
                      notes="A gentle walk if it is comfortable; stop if leg symptoms get worse. "
                            "See a doctor or physiotherapist first.")
        w.cite("B-GENTLE", "running is paused until you have been seen: gentle walks as comfortable")
        w.fill_rest(rule, "Rest. Book your appointment if you have not yet.")
        return w.result()
    # T-DIAG or T-WALK: cross-training and rehab as tolerated.
    rule = "T-DIAG" if "T-DIAG" in fired else "T-WALK"
    options = w.cross_options()
    minutes = w.rules.value("X-SWAP", "min_minutes") if rule == "T-WALK" else w.rules.value("X-SWAP", "minutes")
    slots = w.available[::2] or w.available
    for i, d in enumerate(slots[:3]):
        act = options[i % len(options)]
        w.add(date=d, kind="cross_training", activity=act, duration_min=minutes, rpe_max=4, rules=(rule, "X-SWAP"),
              notes=f"{minutes:.0f} min {cross_training.name(act)}, easy, only if it is comfortable.")
    w.cite("X-SWAP", "low-impact cardio keeps your fitness while running is paused")
    if rule == "T-DIAG":
        strength_days = [d for d in w.available if d not in slots[:3]][:2] or w.available[1::3][:2]
        for d in strength_days:
            w.add(date=d, kind="strength", duration_min=w.rules.value("S-TWO", "minutes"), rpe_max=5,
                  exercises=_REHAB, rules=("T-DIAG", "S-TWO", "S-AVOID"),
                  notes="Your rehab exercises; follow your clinician's advice where it differs.")
        w.cite("S-AVOID", "no heavy hinging or anything that spikes symptoms")
    else:
        for d in [d for d in w.available if d not in slots[:3]][:3]:
            w.add(date=d, kind="mobility", duration_min=w.rules.value("CD-MOBILITY", "minutes"), rpe_max=2,
                  exercises=_MOBILITY, rules=("T-WALK", "CD-MOBILITY"),
                  notes="Gentle mobility and a short walk as comfortable. Check in again tomorrow.")
        w.cite("CD-MOBILITY", "gentle mobility while walking is painful")
    w.fill_rest(rule, "Rest.")
    return w.result()


# --- running weeks ----------------------------------------------------------------------------------

def _baseline_runs(state: State) -> list[BaselineSession]:
    return [s for s in state.athlete.baseline.sessions if s.kind in BASELINE_RUNNING_KINDS]


def _long_weekday(state: State) -> str:
    if state.athlete.long_run_day:
        return state.athlete.long_run_day
    runs = _baseline_runs(state)
    longs = [s for s in runs if s.kind == "long"]
    if longs:
        return longs[0].day
    if runs:
        return max(runs, key=lambda s: (s.distance_km or 0.0, -WEEKDAYS.index(s.day))).day
    return "sun"


def _apart(a: int, b: int) -> int:
    """Days between two days of the week, round the week (Sunday and Monday are one day apart)."""
    gap = abs(a - b) % 7
    return min(gap, 7 - gap)


def _pick_spread(candidates: list[dt.date], chosen: list[dt.date], n: int) -> list[dt.date]:
    """Choose n days from candidates, each as far as possible from days already chosen.

    Distances go round the week and ties go to the earlier weekday, so the same week laid out on any
    morning puts its runs on the same weekdays: a runner who asks each morning meets the same plan.
    """
    pool = [(d.toordinal(), d.weekday(), d) for d in candidates]  # day numbers: cheaper than dates
    taken = [d.toordinal() for d in chosen]
    picked: list[dt.date] = []
    while pool and len(picked) < n:
        best = max(pool, key=lambda p: (min((_apart(p[0], t) for t in taken), default=7), -p[1]))
        picked.append(best[2])
        taken.append(best[0])
        pool.remove(best)
    return sorted(picked)


def _allocate(runs: list[_Run], total: float) -> float:
    """Share ``total`` km among runs by weight, never above a run's cap; returns what fits."""
    free = [r for r in runs if not r.fixed]
    remaining = total - sum(r.km for r in runs if r.fixed)
    while free and remaining > 1e-9:
        weight = sum(r.weight for r in free)
        over = [r for r in free if remaining * r.weight / weight > r.cap + 1e-9]
        if not over:
            for r in free:
                r.km = remaining * r.weight / weight
            remaining = 0.0
            break
        for r in over:
            r.km = r.cap
            remaining -= r.cap
            free.remove(r)
    return sum(r.km for r in runs)


def _rounded(runs: list[_Run]) -> list[float]:
    """Each run's km rounded to 0.1 keeping the week's total (largest remainder), never above a cap."""
    total = _r1(sum(r.km for r in runs))
    tenths = [math.floor(r.km * 10 + 1e-9) / 10 for r in runs]
    short = round((total - sum(tenths)) * 10)
    order = sorted(range(len(runs)), key=lambda i: (-(runs[i].km - tenths[i]), i))
    while short > 0:  # largest remainders first; a run at its cap passes its tenth to one with room
        before = short
        for i in order:
            if short > 0 and tenths[i] + 0.1 <= runs[i].cap + 1e-9:
                tenths[i] += 0.1
                short -= 1
        if short == before:
            break
    return [_r1(km) for km in tenths]


def _round_runs(runs: list[_Run]) -> None:
    """Round every run to 0.1 km (see ``_rounded``)."""
    for r, km in zip(runs, _rounded(runs), strict=True):
        r.km = km


def _monotony(sessions: list[Session], days: list[dt.date]) -> float:
    load = {d: 0.0 for d in days}
    for s in sessions:
        if s.kind != "rest" and s.duration_min:
            load[s.date] += s.duration_min * (s.rpe_max or 3)
    values = list(load.values())
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return mean / sd if sd > 0 else float("inf")


def lay_out_week(state: State, tl: Timeline, dose: DoseDecision, tri: TriageResult, rules: Catalogue,
                 cadence: float | None, no_run_today: bool = False) -> WeekPlan:
    """The week's sessions for this dose and triage (no run today when this morning's call says so)."""
    w = _Week(state, tl, rules, no_run_today)
    if not tri.running_allowed:
        return _paused_week(w, tri)
    if not w.available:
        w.fill_rest("B-AVAILABLE", "")
        return w.result()
    if dose.ladder is not None:
        runs = _ladder_runs(w, dose.ladder)
    else:
        runs = _own_structure(w, dose) if dose.quality == "own" else _split_structure(w, dose)
    _finish_runs(w, dose, runs, cadence)
    _add_cross_training(w, dose, runs)
    _add_strength(w, dose, runs)
    if no_run_today:
        _gentle_cross_today(w)
    m, limit = _monotony(w.sessions, w.days), rules.value("M-MONOTONY", "max_monotony")
    if math.isfinite(m):
        below = f" (below {limit:.1f})" if m < limit else " (as varied as your available days allow)"
        w.cite("M-MONOTONY", f"a rest day and varied sessions: planned monotony {m:.1f}{below}")
    else:
        w.cite("M-MONOTONY", "a rest day and varied sessions")
    w.fill_rest("M-MONOTONY", "Rest day.")
    return w.result()


def _ladder_runs(w: _Week, rung: LadderWeek) -> list[_Run]:
    """The restart ladder's jog:walk sessions, a day apart where the week allows (L-RESTART-LADDER)."""
    km = rung.session_km(w.pace, w.tl.walk_pace)
    dates = ladder_days(w.run_days, rung.sessions)
    w.cross_days = [d for d in w.run_days if d not in dates]
    return [_Run(d, "run_walk", 1.0, km, ["L-RESTART-LADDER"], km=km, fixed=True,
                 extra={"duration_min": rung.session_min}) for d in dates]


def _own_structure(w: _Week, dose: DoseDecision) -> list[_Run]:
    """Back to normal: the runner's own week, on their days, scaled to the dose (a lighter week)."""
    runs: list[_Run] = []
    taken: set[dt.date] = set()
    by_wd = {_wd(d): d for d in w.days}
    for s in sorted(w.base_runs, key=lambda s: WEEKDAYS.index(s.day)):
        day = by_wd[s.day]
        if day not in w.run_days or day in taken:
            free = [d for d in w.run_days if d not in taken]
            if not free:
                continue
            day = min(free, key=lambda d: (abs((d - by_wd[s.day]).days), d))
        taken.add(day)
        kind: str = _held_back(s.kind, dose.back)
        extra: dict[str, Any] = {}
        if kind == "intervals":
            rep = s.rep_distance_m or 400.0
            kind = "intervals_long" if rep >= 800 else "intervals_short"
            extra["reps"] = Reps(count=s.reps or 6, distance_m=rep)
        km = s.distance_km if s.distance_km is not None else (s.duration_min or 0.0) / w.pace
        runs.append(_Run(day, kind, km, km * 2, ["B-RETURN"], extra=extra))
    if dose.spike_cap_km is not None:
        w.cite("L-SPIKE", f"no single run above {dose.spike_cap_km:.1f} km ({dose.spike_why})")
    total = sum(r.weight for r in runs)
    scale = dose.target_km / total if total > 0 else 0.0
    for r in runs:
        r.km = r.weight * scale
        r.cap = r.km
        r.fixed = True
        if dose.deload:
            r.rules.append("W-DELOAD")
        if dose.spike_cap_km is not None and r.km > dose.spike_cap_km:
            r.km = r.cap = dose.spike_cap_km
            r.rules.append("L-SPIKE")
    more = _carry_over(w, runs, taken, dose)
    _round_runs(runs)  # in tenths, as every plan is written
    # What the runner's own week still holds easy: a variable not back whose runs _held_back changes.
    held = [] if dose.back is None else [text for v, text in _HELD_TEXT.items() if v not in dose.back and any(
        _held_back(s.kind, frozenset(ORDER) - {v}) != s.kind for s in w.base_runs)]
    w.cite("B-RETURN", "your pain has settled and you are back at your normal volume: your own week returns, "
                       + (f"with {' and '.join(held)} still held easy for now" if held
                          else "tempo, intervals and hills included") + more)
    return runs


_HELD_TEXT = {"speed": "speed work", "hills": "hills", "long": "the continuous long run"}


def _held_back(kind: str, back: frozenset[str] | None) -> str:
    """A normal-week run's kind in the runner's own week while B-RETURN-ONE still holds its variable back."""
    if back is None:
        return kind
    if kind in SPEED_BASE and "speed" not in back:
        return "easy"
    if kind == "hills" and "hills" not in back:
        return "easy"
    if kind == "long" and "long" not in back:
        return "long_run_walk"
    return kind


def _carry_over(w: _Week, runs: list[_Run], taken: set[dt.date], dose: DoseDecision) -> str:
    """Fewer, longer runs come back within L-SPIKE: what the capped runs cannot hold yet goes into one more
    easy run (when it is long enough to be worth it, B-MIN-RUN), and next week's longer cap takes it back."""
    left = dose.target_km - sum(r.km for r in runs)
    min_km = w.rules.value("B-MIN-RUN", "min_minutes") / w.pace if w.pace > 0 else math.inf
    free = [d for d in w.run_days if d not in taken]
    if left < min_km - 1e-6 or not free or dose.spike_cap_km is None:
        return ""
    near = {r.date for r in runs}
    day = min(free, key=lambda d: (any(abs((d - x).days) == 1 for x in near), d))
    km = min(left, dose.spike_cap_km)
    runs.append(_Run(day, "easy", km, km, ["B-RETURN", "L-SPIKE"], km=km, fixed=True))
    return (f"; your own runs are held to {dose.spike_cap_km:.1f} km each for now (L-SPIKE), so one more easy "
            f"run of {km:.1f} km keeps the week until your runs are long enough to carry it")


@dataclass(slots=True)
class _Split:
    """What the steps of a split week share: its dose, its days, how many runs and their cap."""

    target: float
    floor: float  # the least the week must hold (W-FLARE), 0 when no lower bound
    n_base: int
    base_long: float
    long_date: dt.date
    slots: list[dt.date]  # days a run other than the long one may take
    cross_pref: list[dt.date]  # those days, in the order cross-training takes them
    n: int = 0  # runs this week
    cap: float = math.inf  # no single run above it
    cap_rule: str = "L-SPIKE"  # the rule that set the cap


def _split_structure(w: _Week, dose: DoseDecision) -> list[_Run]:
    """While building back: more, shorter runs (W-SPLIT), a run:walk long run, quality only when green.

    The steps: the days' roles, how many runs and their cap, which days they take, their kinds, the
    week's distance shared among them, then no run too short to be worth it (B-MIN-RUN)."""
    if dose.target_km < w.rules.value("W-SPLIT", "smallest_run_km"):
        w.cite("W-SPLIT", "this week's dose is too small to split into runs")
        return []
    if not w.run_days:
        return []
    sp = _split_days(w, dose)
    _split_count(w, dose, sp)
    runs = _split_runs(w, dose, sp, _split_dates(w, dose, sp))
    _split_fill(w, dose, sp, runs)
    for r in runs:  # long intervals need room for the reps; otherwise they stay easy
        if r.kind == "intervals_long" and r.km < w.rules.value("I-LONGREPS", "min_session_km"):
            r.kind, r.rules = "easy", ["W-SPLIT"]
    _drop_short_runs(w, runs, sp.target, sp.floor, dose.spike_cap_km if dose.spike_cap_km is not None else math.inf)
    _round_runs(runs)
    return [r for r in runs if r.km > 0]


def _split_days(w: _Week, dose: DoseDecision) -> _Split:
    """Day roles: the long run's day, a rest day (M-MONOTONY), the days cross-training prefers (X-SWAP)."""
    rules = w.rules
    long_wd = _long_weekday(w.state)
    long_date = next((d for d in w.run_days if _wd(d) == long_wd), w.run_days[-1])
    li = WEEKDAYS.index(_wd(long_date))
    by_wd = {_wd(d): d for d in w.days}
    rest: list[dt.date] = []
    if len(w.available) == 7:
        rest = [by_wd[WEEKDAYS[(li + int(rules.value("M-MONOTONY", "rest_day_after_long"))) % 7]]]
    slots = [d for d in w.run_days if d != long_date and d not in rest]
    cross_pref = [d for d in (by_wd[WEEKDAYS[(li + k) % 7]] for k in (-1, 3, 2, -2, -3, 1)) if d in slots]
    base_long = max((s.distance_km or 0.0 for s in w.base_runs), default=0.0)
    return _Split(dose.target_km, min(dose.floor_km, dose.target_km), max(len(w.base_runs), 1), base_long,
                  long_date, slots, cross_pref)


def _split_count(w: _Week, dose: DoseDecision, sp: _Split) -> None:
    """How many runs (W-SPLIT, or W-SPACE's fewer), and the single-run cap (L-SPIKE; B-DAY-LOAD's time
    with nothing logged to size a run from; the trial's shorter runs)."""
    rules = w.rules
    if "frequency" in dose.trial:
        wanted = max(2, min(sp.n_base, math.ceil(len(w.run_days) / 2)))
    else:
        wanted = int(min(rules.value("W-SPLIT", "frequency_factor") * sp.n_base, rules.value("W-SPLIT", "max_runs")))
    room = len(sp.slots) + 1
    n = min(wanted, room)
    if room - n < dose.swaps and n > sp.n_base:
        n = max(sp.n_base, room - dose.swaps)
    n = max(1, min(n, int(sp.target // rules.value("W-SPLIT", "min_run_km")) or 1))
    cap = dose.spike_cap_km if dose.spike_cap_km is not None else math.inf
    if dose.irritable and not w.tl.has_any_run():  # nothing logged to size a run from: B-DAY-LOAD's time
        minutes = rules.value("B-DAY-LOAD", "max_session_min")
        if minutes / w.pace < cap:
            cap, sp.cap_rule = minutes / w.pace, "B-DAY-LOAD"
    if "distance" in dose.trial and dose.recent_longest_km > 0:
        shorter = dose.recent_longest_km * rules.value("A-TRIAL", "shorter_runs_fraction")
        # Shorter runs, but never so short that the days there are cannot hold the least W-FLARE allows.
        cap = min(cap, max(shorter, math.ceil(sp.floor / room * 10 - 1e-9) / 10))
    if math.isfinite(cap) and n * cap < sp.target:
        n = min(room, max(n, math.ceil(sp.target / cap - 1e-9)))
    sp.n, sp.cap = n, cap


def _split_dates(w: _Week, dose: DoseDecision, sp: _Split) -> list[dt.date]:
    """The days the runs take: spread round the week, or spaced with recovery days (W-SPACE) as far as
    the least W-FLARE allows lets them; the days left over go to cross-training."""
    room = len(sp.slots) + 1
    cross_days = sp.cross_pref[: max(0, room - sp.n)]
    run_slots = [d for d in sp.slots if d not in cross_days]
    if "frequency" not in dose.trial:
        others = _pick_spread(run_slots, [sp.long_date], sp.n - 1)
    else:
        others = _spaced(run_slots, sp.long_date, sp.n - 1)
        if len(others) < sp.n - 1 and cross_days:
            # A day kept for cross-training is given to a spaced run rather than lose the run
            # (the cross-training then goes to a day still free, or after a short run).
            more = _spaced(sp.slots, sp.long_date, sp.n - 1)
            if len(more) > len(others):
                others = more
        short = math.ceil(sp.floor / sp.cap - 1e-9) - 1 - len(others) if math.isfinite(sp.cap) and sp.floor > 0 \
            else 0
        if short > 0:
            # Spaced runs cannot carry the least that W-FLARE allows under the single-run cap: the dose
            # range and the cap win over the spacing, so runs go on back-to-back days where they must.
            others += _pick_spread([d for d in sp.slots if d not in others], [sp.long_date, *others], short)
            w.cite("W-SPACE", "runs spaced with recovery days where the week allows; after the flare the week "
                              f"still needs {len(others) + 1} runs of at most {sp.cap:.1f} km, so some fall on "
                              "consecutive days")
    w.cross_days = cross_days
    return sorted([sp.long_date, *others])


def _split_long_cap(w: _Week, dose: DoseDecision, sp: _Split) -> tuple[float, float]:
    """The long run's weight against the easy runs (W-SPLIT) and its cap (L-SHORT, L-SHARE, B-MIN-RUN)."""
    rules, base_km = w.rules, dose.baseline_km
    rel = sp.base_long / (base_km / sp.n_base) if base_km > 0 else 1.0
    weight = (min(max(2.0 * rel, rules.value("W-SPLIT", "long_weight_min")), rules.value("W-SPLIT", "long_weight_max"))
              if sp.n >= 3 else rules.value("W-SPLIT", "long_weight_two_runs"))
    cap = sp.cap
    if dose.phase == "calm" or dose.irritable:
        if sp.base_long > 0:
            cap = min(cap, rules.value("L-SHORT", "max_fraction_of_baseline_long") * sp.base_long)
        cap = _long_share_cap(w, dose, sp.target, cap, sp.n, rules)
    if sp.n >= 3:  # with two runs or fewer the cap would only move distance to the other run
        cap = _long_follows_week(w, sp.target, base_km, sp.base_long, cap)
    # However short the week, its long run is not the shortest run of it, nor shorter than B-MIN-RUN.
    return weight, max(cap, min(rules.value("B-MIN-RUN", "min_minutes") / w.pace, sp.cap))


def _split_runs(w: _Week, dose: DoseDecision, sp: _Split, dates: list[dt.date]) -> list[_Run]:
    """Each day's run: the long run (run:walk until it is back), a recovery run after it, easy runs that
    vary (M-MONOTONY); then quality in the form it comes back in, away from the long run."""
    rules, base_runs = w.rules, w.base_runs
    long_w, long_cap = _split_long_cap(w, dose, sp)
    has_long = any(s.kind == "long" for s in base_runs) or (
        len(base_runs) >= 2 and sp.base_long >= 1.25 * sorted(s.distance_km or 0.0 for s in base_runs)[-2])
    vary = rules.value("M-MONOTONY", "easy_variation")
    toggle = 1 + vary
    runs: list[_Run] = []
    for d in dates:
        if d == sp.long_date and sp.n >= 2 and has_long and dose.back is not None and "long" in dose.back:
            runs.append(_Run(d, "long", long_w, long_cap, ["B-RETURN-ONE"]))
        elif d == sp.long_date and sp.n >= 2 and has_long:
            runs.append(_Run(d, "long_run_walk", long_w, long_cap, ["L-RUNWALK"]))
        elif d == sp.long_date + DAY and sp.n >= 3 and has_long:
            runs.append(_Run(d, "recovery", rules.value("R-RECOVERY", "share_of_easy_run"),
                             min(sp.cap, rules.value("R-RECOVERY", "max_km")), ["R-RECOVERY"]))
        else:
            runs.append(_Run(d, "easy", toggle, sp.cap, ["W-SPLIT"] if sp.n > sp.n_base else []))
            toggle = 1 - vary if toggle > 1 else 1 + vary
    _place_quality(w, dose, sp, runs)
    return runs


def _place_quality(w: _Week, dose: DoseDecision, sp: _Split, runs: list[_Run]) -> None:
    """Quality sessions (long reps, stairs) replace easy runs away from the long run, once they are back."""
    rules, base_runs = w.rules, w.base_runs
    if dose.quality not in ("modified", "own") or sp.n < 3:
        return
    wanted = []
    if any(s.kind in SPEED_BASE for s in base_runs) and (
            dose.back is None or "speed" in dose.back):
        wanted.append("intervals_long")
    if (any(s.kind == "hills" for s in base_runs) and (dose.back is None or "hills" in dose.back)
            and rules.value("I-STAIRS", "allowed") >= 0.5):  # 0: no stairs (a clinician's adjustment)
        wanted.append("stairs")
    for kind in wanted:
        spots = [r for r in runs if r.kind == "easy" and abs((r.date - sp.long_date).days) >= 2
                 and all(abs((r.date - q.date).days) >= 2 for q in runs if q.kind in ("intervals_long", "stairs"))]
        if not spots:
            continue
        r = spots[0]
        if kind == "stairs":
            minutes = rules.value("I-STAIRS", "duration_min")
            r.kind, r.km, r.fixed, r.rules = "stairs", min(minutes / w.pace, sp.cap), True, ["I-STAIRS"]
            r.extra["duration_min"] = minutes
        else:
            r.kind, r.weight, r.rules = "intervals_long", rules.value("I-LONGREPS", "session_weight"), ["I-LONGREPS"]


def _split_fill(w: _Week, dose: DoseDecision, sp: _Split, runs: list[_Run]) -> None:
    """Share the week's distance among the runs under their caps; keep the least W-FLARE allows; say
    which cap held the week back."""
    target, cap = sp.target, sp.cap
    got = _allocate(runs, target)
    if got < target - 0.05 and any(r.kind == "recovery" for r in runs):
        # The recovery run's own cap must not cut the week below its dose: make it an easy run.
        for r in runs:
            if r.kind == "recovery":
                r.kind, r.weight, r.cap, r.rules = "easy", 1.0, cap, ["W-SPLIT"] if sp.n > sp.n_base else []
            if not r.fixed:
                r.km = 0.0
        got = _allocate(runs, target)
    if sp.floor > 0 and sum(_rounded(runs)) < sp.floor - 1e-6:  # as the plan will show it, in tenths
        got = _hold_flare_floor(runs, sp.slots, sp.floor, target, cap, dose.floor_cap_km or dose.spike_cap_km)
    held = got < target - 0.05
    if sp.cap_rule == "B-DAY-LOAD":
        w.cite("B-DAY-LOAD", f"no runs logged yet to size a run from: while your back is irritable no run is "
                             f"longer than {cap * w.pace:.0f} minutes ({cap:.1f} km)"
                             + (f", so this week holds {got:.1f} km on the days you have" if held else ""))
    elif held:
        w.cite("L-SPIKE", f"no single run above {cap:.1f} km ({dose.spike_why}), so this week holds {got:.1f} km")
    elif math.isfinite(cap):
        w.cite("L-SPIKE", f"no single run above {cap:.1f} km ({dose.spike_why})")
    if held:
        for r in runs:
            if r.km >= r.cap - 1e-6 and r.cap == cap:
                r.rules.append(sp.cap_rule)


def _drop_short_runs(w: _Week, runs: list[_Run], target: float, floor: float = 0.0,
                     hard_cap: float = math.inf) -> None:
    """B-MIN-RUN: a run shorter than the catalogue's minimum time is dropped and its distance shared among
    the others, as long as they can carry the week under their caps (down to the least the dose range
    allows, ``floor``, when there is one: a doable run is worth a few hundred metres of the week)."""
    minutes = w.rules.value("B-MIN-RUN", "min_minutes")
    min_km = minutes / w.pace if w.pace > 0 else 0.0
    dropped = 0
    while len(runs) > 1:
        short = [r for r in runs if not r.fixed and 0 < r.km < min_km - 1e-6
                 and r.kind not in ("long_run_walk", "long")]
        if not short:
            break
        drop = min(short, key=lambda r: (r.km, r.date))
        rest = [r for r in runs if r is not drop]
        need = floor - 1e-6 if floor > 0 else target - 0.05  # never below the least W-FLARE allows
        if sum(r.km if r.fixed else r.cap for r in rest) < need:
            # A trial's shorter runs give way to the shortest run worth doing, never past L-SPIKE.
            for r in rest:
                if not r.fixed and r.cap < min_km:
                    r.cap = max(r.cap, min(min_km, hard_cap))
            if sum(r.km if r.fixed else r.cap for r in rest) < need:
                break
        runs.remove(drop)
        for r in runs:
            if not r.fixed:
                r.km = 0.0
        _allocate(runs, target)
        dropped += 1
    if dropped:
        w.cite("B-MIN-RUN", f"no run shorter than {minutes:.0f} minutes: "
                            f"{count(dropped, 'short run')} merged into the others")


def _long_follows_week(w: _Week, target: float, base_km: float, base_long: float, long_cap: float) -> float:
    """L-SHORT follows the week's dose: below the normal week the long run is at most the same share
    of the normal long run (a week at 70% of normal, a long run at 70% of the normal long run)."""
    if base_km <= 0 or base_long <= 0 or target >= base_km - 1e-9:
        return long_cap
    cap = target / base_km * base_long
    if cap >= long_cap - 1e-9:
        return long_cap
    w.cite("L-SHORT", f"the long run follows the week: {target / base_km:.0%} of your normal week, so at most "
                      f"{cap:.1f} km, {target / base_km:.0%} of your normal {base_long:.1f} km long run")
    return cap


def _long_share_cap(w: _Week, dose: DoseDecision, target: float, long_cap: float, n: int,
                    rules: Catalogue) -> float:
    """L-SHARE: while irritable the long run is at most a share of the week's running and never longer
    than the longest recent run the back answered green (W-TOLERATED)."""
    if n < 2 or target <= 0:
        return long_cap
    share = rules.value("L-SHARE", "max_share")
    # With two runs the share would make the other run the longer one: only the tolerated run caps it.
    caps = [share * target] if n >= 3 else []
    tolerated = dose.tolerated.longest_km if dose.tolerated is not None else None
    if tolerated:
        caps.append(tolerated)
    cap = min(caps, default=long_cap)
    if cap >= long_cap - 1e-9:
        return long_cap
    parts = ([f"at most {share:.0%} of the week's running"] if n >= 3 else []) + (
        [f"no longer than {tolerated:.1f} km, your longest recent run that answered green"]
        if tolerated and tolerated <= cap + 1e-9 else [])
    w.cite("L-SHARE", "while your back is irritable the long run is " + " and ".join(parts or ["held back"]))
    return cap


def _hold_flare_floor(runs: list[_Run], slots: list[dt.date], floor: float, target: float, cap: float,
                      spike_cap: float | None) -> float:
    """After a flare the week keeps at least the least W-FLARE allows (80% of last week).

    The ways the layout shortens runs give way in order: first a run goes on a free day (rest day
    kept), then the trial's shorter-runs cap rises, never above the single-run spike cap (L-SPIKE).
    Returns the km the runs now hold.
    """
    def reallocate() -> None:
        runs.sort(key=lambda r: r.date)
        for r in runs:
            if not r.fixed:
                r.km = 0.0
        _allocate(runs, target)

    def held() -> float:
        return sum(_rounded(runs))

    while held() < floor - 1e-6:
        taken = [r.date for r in runs]
        free = [d for d in slots if d not in taken]
        if not free:
            break
        runs.append(_Run(_pick_spread(free, taken, 1)[0], "easy", 1.0, cap, ["W-SPLIT"]))
        reallocate()
    if held() < floor - 1e-6:
        highest = spike_cap if spike_cap is not None else float("inf")
        for r in runs:
            if r.kind == "easy" and r.cap == cap:
                r.cap = max(cap, highest)
        reallocate()
    return sum(r.km for r in runs)


def _spaced(slots: list[dt.date], long_date: dt.date, k: int) -> list[dt.date]:
    """W-SPACE: runs with at least one recovery day between them (round the week, as _pick_spread)."""
    picked: list[dt.date] = []
    for d in sorted(slots, key=lambda d: (_apart(d.toordinal(), long_date.toordinal()) < 2, d.weekday())):
        if len(picked) >= k:
            break
        if all(_apart(d.toordinal(), p.toordinal()) >= 2 for p in [*picked, long_date]):
            picked.append(d)
    return picked


@dataclass(frozen=True, slots=True)
class _Forms:
    """What every run of the week shares: its cues and texts, and its run:walk patterns (the models are
    immutable, so one of each is shared)."""

    rpe_easy: int
    soft: bool  # the trial's flat, soft surfaces
    style: bool  # the trial's walk breaks in every run
    restart_step: int | None
    cue: str
    warm: str
    cool: str
    restart_rw: RunWalk | None
    long_rw: RunWalk
    break_rw: RunWalk


def _week_forms(w: _Week, dose: DoseDecision, cadence: float | None) -> _Forms:
    rules = w.rules
    restart_step = _restart_step(w, dose)
    restart_rw = None
    if restart_step is not None:
        jog, walk = ((dose.ladder.jog_min, dose.ladder.walk_min) if dose.ladder is not None
                     else _restart_intervals(rules, restart_step))
        restart_rw = RunWalk(run_min=jog, walk_min=walk)
    return _Forms(
        rpe_easy=int(rules.value("I-EASY", "rpe_max")), soft="terrain" in dose.trial, style="style" in dose.trial,
        restart_step=restart_step,
        cue="short, quick steps" + (f" (about {cadence:.0f} steps a minute)" if cadence else "")
            + ", run tall and land softly under you",
        warm=f"Warm up {rules.value('WU-SHORT', 'minutes'):.0f} min first (relaxed breathing, hip flexor opener, "
             "slow bridges, marching).",
        cool=f"{rules.value('CD-MOBILITY', 'minutes'):.0f} min of mobility after.",
        restart_rw=restart_rw,
        long_rw=RunWalk(run_min=rules.value("L-RUNWALK", "run_min"), walk_min=rules.value("L-RUNWALK", "walk_min")),
        break_rw=RunWalk(run_min=rules.value("F-WALKBREAK", "run_min"),
                         walk_min=rules.value("F-WALKBREAK", "walk_s") / 60),
    )


def _finish_runs(w: _Week, dose: DoseDecision, runs: list[_Run], cadence: float | None) -> None:
    """Turn runs into sessions: kind, effort, terrain, run:walk, reps, notes and rules."""
    forms = _week_forms(w, dose, cadence)
    for r in runs:
        _finish_run(w, dose, r, forms)
    if runs:
        _cite_run_cues(w, dose, runs, forms)


def _finish_run(w: _Week, dose: DoseDecision, r: _Run, f: _Forms) -> None:
    """One run as a session: its form (restart jog:walk, run:walk long run, walk breaks, a 15-minute
    jog:walk when it is short), its effort and terrain, reps, time, notes and rules."""
    rules = w.rules
    own = dose.quality == "own"
    flat_or_soft = "soft" if f.soft else "flat"
    base_rules = [dose.dose_rule] if dose.dose_rule else []
    kind, rw, reps = r.kind, None, r.extra.get("reps")
    terrain: str = "any" if own else flat_or_soft
    rpe = _OWN_RPE.get(kind, f.rpe_easy) if own else f.rpe_easy
    if dose.irritable and kind in ("easy", "recovery", "long_run_walk", "run_walk"):
        base_rules.append("I-EASY")
    if f.restart_rw is not None:
        kind = "long_run_walk" if r.kind == "long_run_walk" else "run_walk"
        rw = f.restart_rw
        base_rules.append("L-RESTART")
        terrain = flat_or_soft
    elif kind == "long_run_walk":
        rw = f.long_rw
        terrain = flat_or_soft
        if dose.irritable:
            base_rules.append("L-SHORT")
    elif f.style and kind in ("easy", "recovery"):
        kind = "run_walk"
        rw = f.break_rw
        base_rules.append("F-WALKBREAK")
    minutes = r.extra.get("duration_min")
    shortest = rules.value("B-MIN-RUN", "min_minutes")
    if minutes is None and kind in ("easy", "recovery", "long_run_walk", "run_walk") and _run_minutes(
            r.km, rw, w) < shortest - 0.5:
        # A run the single-run cap holds under B-MIN-RUN's time (and that nothing could merge):
        # the same distance as a jog:walk of the shortest time, so it is a session worth doing.
        kind = "long_run_walk" if kind == "long_run_walk" else "run_walk"
        rw, minutes = restart_jog_walk(rules), shortest
        base_rules.append("B-MIN-RUN")
    if kind == "recovery":
        rpe = min(rpe, 3)
    if kind == "intervals_long":
        count = int(max(rules.value("I-LONGREPS", "min_reps"),
                        min(rules.value("I-LONGREPS", "max_reps"),
                            math.floor(r.km - rules.value("I-LONGREPS", "warmup_cooldown_km")))))
        reps = Reps(count=count, distance_m=rules.value("I-LONGREPS", "rep_m"))
        rpe = int(rules.value("I-LONGREPS", "rpe_max"))
    if kind == "stairs":
        rpe, terrain = int(rules.value("I-STAIRS", "rpe_max")), "stairs"
    if minutes is None:
        minutes = _run_minutes(r.km, rw, w)
    rule_ids = list(dict.fromkeys([*base_rules, *r.rules, "WU-SHORT", "F-CADENCE"]))
    if f.soft:
        rule_ids.append("E-SURFACE")
    w.add(date=r.date, kind=kind, distance_km=r.km, duration_min=_r1(minutes), rpe_max=rpe,
          terrain=terrain, run_walk=rw, reps=reps, rules=tuple(rule_ids),
          notes=_run_note(kind, r.km, rw, reps, rpe, f.warm, f.cue, f.cool))


def _cite_run_cues(w: _Week, dose: DoseDecision, runs: list[_Run], f: _Forms) -> None:
    """The cues every run carries, and the rules the week's runs drew on, each cited once."""
    w.cite("WU-SHORT", f.warm[:-1].lower().replace("warm up", "a short warm-up of"))
    w.cite("CD-MOBILITY", "about 10 minutes of mobility after each run")
    w.cite("F-CADENCE", f.cue.capitalize())
    w.cite("F-LEAN", "stay tall; avoid leaning forward from the waist")
    w.cite("F-SOFT", "run quietly and land with your foot under your body")
    if any(r.kind == "long_run_walk" for r in runs):
        w.cite("L-RUNWALK", "the long run on flat ground with walk breaks at set times")
    if any(s.run_walk is not None for s in w.sessions):
        w.cite("F-WALKBREAK", "walk breaks at set times so tired form does not set in")
    if dose.irritable:
        w.cite("I-EASY", f"easy running only, at a conversational effort of {f.rpe_easy - 1}-{f.rpe_easy}/10: "
                         "no intervals, hills, tempo or progression runs")
    if f.soft or dose.phase == "calm":
        w.cite("E-SURFACE", "softer, flatter surfaces: grass, dirt paths or a treadmill; rotate them")
    if f.restart_step is not None and dose.ladder is None:
        rm, wm = _restart_intervals(w.rules, f.restart_step)
        w.cite("L-RESTART", f"jog {rm:.0f} min, walk {wm:.0f} min, repeated; built up week by week")
    if len(runs) > max(len(w.base_runs), 1) and dose.quality != "own":
        w.cite("W-SPLIT", f"{len(runs)} shorter runs instead of {len(w.base_runs)} longer ones "
                          "keep your weekly distance with less load on each run")
    if any(r.kind == "recovery" for r in runs):
        w.cite("R-RECOVERY", "an easy recovery run the day after the long run")
    if any(r.kind == "stairs" for r in runs):
        w.cite("I-STAIRS", "stairs give you the vertical work without the downhills")
    if any(s.kind == "intervals_long" for s in w.sessions):
        w.cite("I-LONGREPS", "speed work comes back as long reps below top speed, pace built slowly")


@lru_cache(maxsize=8)
def _restart_steps(rules: Catalogue) -> int:
    """How many weeks the jog:walk restart takes: the jog grows by a factor until it reaches L-RUNWALK's."""
    run, target = rules.value("L-RESTART", "run_min"), rules.value("L-RUNWALK", "run_min")
    factor = max(rules.value("L-RESTART", "weekly_factor"), 1.01)
    return 1 + max(0, math.ceil(math.log(target / run, factor) - 1e-9)) if run < target else 1


def _run_minutes(km: float, rw: RunWalk | None, w: _Week) -> float:
    """A run's time at the easy pace, or at the run:walk's mix of running and walking."""
    pace = w.pace
    if rw is not None:
        pace = (rw.run_min + rw.walk_min) / (rw.run_min / w.pace + rw.walk_min / w.tl.walk_pace)
    return km * pace


def restart_jog_walk(rules: Catalogue) -> RunWalk:
    """The restart ladder's first jog:walk (L-RESTART-LADDER)."""
    return RunWalk(run_min=rules.value("L-RESTART-LADDER", "run_min"), walk_min=rules.value("L-RESTART-LADDER",
                                                                                               "walk_min"))


def _restart_intervals(rules: Catalogue, step: int) -> tuple[float, float]:
    """(jog, walk) minutes at a step of the restart: 1:2, 2:2, 4:2, then 8:2 with the defaults."""
    run = rules.value("L-RESTART", "run_min") * rules.value("L-RESTART", "weekly_factor") ** step
    return min(run, rules.value("L-RUNWALK", "run_min")), rules.value("L-RESTART", "walk_min")


def _restart_step(w: _Week, dose: DoseDecision) -> int | None:
    """Where on the jog:walk ladder this week is (None once running is continuous again)."""
    if dose.restart:
        return 0
    weeks_rw = 0
    steps = _restart_steps(w.rules)
    for k in range(steps):
        start = w.tl.today - 7 * (k + 1) * DAY
        kinds = w.tl.activity_kinds(start, start + 7 * DAY)
        if "run_walk" in kinds and not (kinds & (RUNNING_KINDS - {"run_walk", "long_run_walk"})):
            weeks_rw += 1
        else:
            break
    if weeks_rw == 0 or weeks_rw >= steps:
        return None
    return weeks_rw if dose.dose_rule == "W-PROGRESS" else weeks_rw - 1


def _run_note(kind: str, km: float, rw: RunWalk | None, reps: Reps | None, rpe: int, warm: str, cue: str,
              cool: str) -> str:
    if kind == "easy":
        what = f"Easy {km:.1f} km at a conversational effort (up to {rpe}/10)."
    elif kind == "recovery":
        what = f"Recovery {km:.1f} km, very easy (up to {rpe}/10); a 3 km walk is fine instead."
    elif kind == "long_run_walk":
        what = f"Long run:walk {km:.1f} km on flat ground."
    elif kind == "run_walk":
        what = f"Run:walk {km:.1f} km."
    elif kind == "stairs":
        what = "Stairs: build pace over 10 steps, hold for 40-50, jog easy down, rest, repeat."
    elif kind == "intervals_long":
        what = (f"{reps.count if reps else 3} x {((reps.distance_m or 1000) if reps else 1000):.0f} m "
                "below top speed, pace built slowly at the start of each; easy jog between.")
    else:
        what = f"{kind.replace('_', ' ').capitalize()} {km:.1f} km (up to {rpe}/10)."
    if rw is not None:
        what += f" Run {rw.run_min:g} min, walk {rw.walk_min:g} min, repeat."
    return f"{what} {warm} {cue.capitalize()}. {cool}"


def _add_cross_training(w: _Week, dose: DoseDecision, runs: list[_Run]) -> None:
    rules = w.rules
    options = w.cross_options()
    if dose.quality == "own":
        for s in w.state.athlete.baseline.sessions:
            if s.kind == "cross_training":
                d = next(d for d in w.days if _wd(d) == s.day)
                if d in w.available:
                    w.add(date=d, kind="cross_training", activity=options[0], duration_min=s.duration_min or 30.0,
                          rpe_max=5, rules=("X-SWAP",), notes="Your usual cross-training.")
        return
    if dose.swaps <= 0 or not options:
        return
    run_days = {r.date for r in runs}
    free = [d for d in w.cross_days if d not in run_days]
    if not free:  # no free day: add it after the shortest run rather than drop it
        shortest = sorted((r for r in runs if r.kind in ("easy", "recovery")), key=lambda r: (r.km, r.date))
        free = [r.date for r in shortest[:1]]
    minutes = rules.value("X-SWAP", "minutes")
    for i, d in enumerate(free[: dose.swaps]):
        act = options[i % len(options)]
        w.add(date=d, kind="cross_training", activity=act, duration_min=minutes, rpe_max=5, rules=("X-SWAP",),
              notes=f"{minutes:.0f} min {cross_training.name(act)} at a steady, comfortable effort instead of a run.")
    swapped = min(len(free), dose.swaps)
    w.cite("X-SWAP", f"{'one run' if swapped == 1 else f'{swapped} runs'} swapped for "
                     f"{minutes:.0f} min of low-impact cardio" + (" (swimming is the gentlest all-round movement)"
                                                                 if options[0] in ("swim", "deep_water_running")
                                                                 else ""))


def _gentle_cross_today(w: _Week) -> None:
    """No run today: gentle cross-training today if it is comfortable, else rest (B-DECIDE)."""
    today = w.tl.today
    todays = [s for s in w.sessions if s.date == today]
    options = w.cross_options()
    if today not in w.available or not options or any(s.kind == "cross_training" for s in todays):
        return
    if len(todays) >= int(w.rules.value("B-DAY-LOAD", "max_sessions")):
        return
    minutes = w.rules.value("X-SWAP", "min_minutes")
    act = options[0]
    w.add(date=today, kind="cross_training", activity=act, duration_min=minutes, rpe_max=4,
          rules=("B-DECIDE", "X-SWAP"),
          notes=f"No run today. {minutes:.0f} min easy {cross_training.name(act)} if it feels fine; otherwise rest.")


def _add_strength(w: _Week, dose: DoseDecision, runs: list[_Run]) -> None:
    rules = w.rules
    n = int(rules.value("S-TWO", "sessions"))
    long_dates = {r.date for r in runs if r.kind in ("long_run_walk", "long")}
    hard_dates = {r.date for r in runs if r.kind in ("intervals_long", "intervals_short", "stairs", "tempo", "hills")}
    avoid = long_dates | {d - DAY for d in long_dates}
    own = [s.day for s in w.state.athlete.baseline.sessions if s.kind == "strength"]
    candidates = [d for d in w.available if d not in avoid and d not in hard_dates]
    if dose.quality == "own" and own:
        candidates = [d for d in w.available if _wd(d) in own] + candidates
    picked: list[dt.date] = []
    for d in candidates:
        if len(picked) >= n:
            break
        if d not in picked and all(abs((d - p).days) >= 2 for p in picked):
            picked.append(d)
    most = int(rules.value("B-DAY-LOAD", "max_sessions"))
    room = [d for d in w.available if sum(1 for s in w.sessions if s.date == d) < most]
    picked = [d for d in picked if d in room]
    for d in sorted(room, key=lambda d: sum(1 for s in w.sessions if s.date == d)):
        if len(picked) >= n:  # too few spread days: take the least loaded days there are
            break
        if d not in picked:
            picked.append(d)
    if len(picked) < n:
        w.cite("B-DAY-LOAD", f"at most {most} sessions a day: {count(len(picked), 'strength session')} "
                             "fit this week")
    elif len(room) < len(w.available):
        w.cite("B-DAY-LOAD", f"at most {most} sessions a day: strength goes on days with room for it")
    exercises: tuple[str, ...]
    ids: tuple[str, ...]
    if dose.irritable:
        exercises, ids = _STRENGTH_CALM, ("S-TWO", "S-KEEP", "S-AVOID")
        note = "Stable, controlled work; no heavy deadlifts or anything that spikes your back."
    elif dose.quality == "own":
        exercises, ids = _STRENGTH_FULL, ("S-TWO", "S-KEEP")
        note = "Heavier hinging is back at a moderate load; stop anything that spikes your back."
    else:
        exercises, ids = _STRENGTH_BUILD, ("S-TWO", "S-KEEP")
        note = "Stable, controlled lower-body and trunk work."
    for d in sorted(picked):
        w.add(date=d, kind="strength", duration_min=rules.value("S-TWO", "minutes"), rpe_max=6,
              exercises=exercises, rules=ids, notes=note)
    w.cite("S-TWO", f"two short strength sessions ({rules.value('S-TWO', 'minutes'):.0f} min)")
    w.cite("S-KEEP", "split squats, step-ups, side planks, carries, bridges and band work")
    if dose.irritable:
        w.cite("S-AVOID", "while your back is irritable: no heavy deadlifts or high-volume hinging")
