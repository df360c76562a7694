"""The restart ladder (L-RESTART-LADDER): after a break from running, or a clinician's clearance.

One step of the planner's pipeline, between the body's answers and the dose.
After 14 days or more without running, or once a clinician has cleared running
after a diagnosis (T-DIAG), the week is not a share of the normal week: it is
three jog:walk sessions of 20-30 minutes, starting at 1 min jog : 2 min walk,
and each green week on the ladder raises the jog time (L-RESTART's factor) and
the session time, until the jog reaches L-RUNWALK's and running is continuous
again. Where the runner is on the ladder is read back from the history: the
weeks in a row of jog:walk running only, and how the back answered each.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from backstride.contract import ACTIVITY_RUNNING_KINDS, Athlete
from backstride.core.pain_response import WeekResponse
from backstride.core.timeline import DAY, Timeline
from backstride.core.words import count
from backstride.rules import Catalogue

if TYPE_CHECKING:
    from backstride.core.dose import DoseDecision

__all__ = ["LadderWeek", "ladder_days", "ladder_steps", "ladder_week", "nodose_tests", "put_on_ladder"]

Why = Literal["break", "clearance", "nodose"]
_LADDER_KINDS = frozenset({"run_walk", "long_run_walk"})
_DIAGNOSES = frozenset({"sciatica", "nerve_root_compression", "spinal_cord_compression", "disc_injury",
                        "bone_stress_injury", "fracture", "severe_sprain"})


@dataclass(frozen=True, slots=True)
class LadderWeek:
    """This week's rung of the restart ladder."""

    why: Why
    step: int  # 0 = the first week, 1:2 jog:walk
    jog_min: float
    walk_min: float
    session_min: float
    sessions: int
    break_days: int  # days without running before the ladder began (0 when not known)

    def session_km(self, easy_pace: float, walk_pace: float) -> float:
        """A session's distance at the runner's easy pace and walking pace, to the tenth."""
        cycle = self.jog_min + self.walk_min
        km_per_cycle = self.jog_min / easy_pace + self.walk_min / walk_pace
        return round(self.session_min / cycle * km_per_cycle, 1)

    def text(self) -> str:
        """The week in plain words."""
        if self.why == "nodose" and self.step == 0:
            return (f"no running dose has stayed tolerable yet (T-NODOSE): running is held to "
                    f"{count(self.sessions, 'run:walk test')} of {self.session_min:.0f} min, jog {self.jog_min:g} "
                    f"min and walk {self.walk_min:g} min, beside cross-training; after a green week the tests "
                    "become the restart ladder")
        start = {"break": f"after {self.break_days} days without running" if self.break_days
                 else "after a break from running",
                 "clearance": "now a clinician has cleared you to run",
                 "nodose": "after the run:walk tests your back answered green"}[self.why]
        rung = "the first week of the restart" if self.step == 0 else f"week {self.step + 1} of the restart"
        return (f"{start}, running restarts on the jog:walk ladder ({rung}): {count(self.sessions, 'session')} of "
                f"{self.session_min:.0f} min, jog {self.jog_min:g} min and walk {self.walk_min:g} min, repeated; "
                "the jog time goes up after each green week")


def ladder_steps(rules: Catalogue) -> int:
    """How many weeks the ladder has: the jog grows by L-RESTART's factor until it reaches L-RUNWALK's."""
    run, target = rules.value("L-RESTART-LADDER", "run_min"), rules.value("L-RUNWALK", "run_min")
    factor = max(rules.value("L-RESTART", "weekly_factor"), 1.01)
    return 1 + max(0, math.ceil(math.log(target / run, factor) - 1e-9)) if run < target else 1


def _rung(why: Why, step: int, gap: int, rules: Catalogue) -> LadderWeek:
    p = "L-RESTART-LADDER"
    steps = ladder_steps(rules)
    jog = min(rules.value(p, "run_min") * rules.value("L-RESTART", "weekly_factor") ** step,
              rules.value("L-RUNWALK", "run_min"))
    lo, hi = rules.value(p, "min_session_min"), rules.value(p, "max_session_min")
    minutes = round(lo + (hi - lo) * step / (steps - 1)) if steps > 1 else lo
    return LadderWeek(why, step, jog, rules.value(p, "walk_min"), float(minutes),
                      int(rules.value(p, "sessions_per_week")), gap)


def _is_ladder_week(tl: Timeline, start: dt.date) -> bool:
    kinds = tl.activity_kinds(start, start + 7 * DAY) & (ACTIVITY_RUNNING_KINDS | _LADDER_KINDS)
    return bool(kinds) and kinds <= _LADDER_KINDS


def _cleared_after_diagnosis(athlete: Athlete) -> bool:
    return "cleared_to_run" in athlete.diagnoses and bool(_DIAGNOSES & set(athlete.diagnoses))


def ladder_week(tl: Timeline, weeks: Sequence[WeekResponse], athlete: Athlete, rules: Catalogue) -> LadderWeek | None:
    """This week's rung, or None when the runner is not restarting (or has finished the ladder)."""
    today, steps = tl.today, ladder_steps(rules)
    on = 0  # weeks in a row, just before today, of jog:walk running only
    while on < min(steps, len(weeks)) and _is_ladder_week(tl, today - 7 * (on + 1) * DAY):
        on += 1
    tests = _tests_began(weeks, on, rules)
    if tests:  # the T-NODOSE tests were green: they carry on as the ladder
        on = tests
    began = today - 7 * on * DAY
    if on:  # the ladder began on its first run
        began = min(tl.run_dates(began, today), default=began)
    last = tl.last_run_before(began)
    gap = (began - last).days if last is not None else 0
    why: Why
    if tests:
        why = "nodose"
    elif last is not None and gap >= int(rules.value("L-RESTART-LADDER", "break_days")):
        why = "break"
    elif _cleared_after_diagnosis(athlete) and (last is None or gap >= 7):
        why = "clearance"  # no running in the week before the ladder began, and a clinician's clearance
    else:
        return None
    if not on and last is None and why == "break":
        return None
    step = 0
    for k in range(on - 1, -1, -1):  # oldest ladder week first: green climbs, red steps back, amber holds
        level = weeks[k].level
        step = step + 1 if level == "green" else max(0, step - 1) if level == "red" else step
    if step >= steps:
        return None
    return _rung(why, step, gap, rules)


def _tests_began(weeks: Sequence[WeekResponse], on: int, rules: Catalogue) -> int:
    """How many jog:walk weeks ago T-NODOSE's tests began (red or amber weeks before them), 0 when not.

    Jog:walk weeks that were red or amber themselves (walk breaks tried as a change) came before the tests.
    A red week on the ladder after them steps back a rung, as on any restart ladder.
    """
    n = int(rules.value("T-NODOSE", "weeks_in_a_row"))
    for j in range(1, on + 1):
        before = weeks[j: j + n]
        if len(before) == n and all(w.level in ("red", "amber") for w in before):
            return j
    return 0


def nodose_tests(rules: Catalogue) -> LadderWeek:
    """T-NODOSE's run:walk tests: the ladder's first jog:walk, as many sessions and minutes as T-NODOSE says."""
    p = "L-RESTART-LADDER"
    return LadderWeek("nodose", 0, rules.value(p, "run_min"), rules.value(p, "walk_min"),
                      rules.value("T-NODOSE", "test_run_min"), int(rules.value("T-NODOSE", "test_runs_per_week")), 0)


def ladder_days(run_days: Sequence[dt.date], n: int) -> list[dt.date]:
    """``n`` of the days a run may go on, with a day between sessions where the week allows."""
    picked: list[dt.date] = []
    for d in run_days:
        if len(picked) < n and all(abs((d - p).days) >= 2 for p in picked):
            picked.append(d)
    for d in run_days:  # too few spread days: take what there is
        if len(picked) < n and d not in picked:
            picked.append(d)
    return sorted(picked)


def _within_normal_week(rung: LadderWeek, tl: Timeline, normal_km: float) -> LadderWeek:
    """A small normal week caps the ladder: fewer sessions first, then shorter ones, never above normal."""
    km = rung.session_km(tl.easy_pace, tl.walk_pace)
    if normal_km <= 0 or km <= 0 or rung.sessions * km <= normal_km + 1e-9:
        return rung
    sessions = max(1, min(rung.sessions, math.floor(normal_km / km + 1e-9)))
    minutes = rung.session_min if sessions * km <= normal_km + 1e-9 else \
        float(math.floor(rung.session_min * normal_km / km))
    return replace(rung, sessions=sessions, session_min=max(minutes, 1.0))


def put_on_ladder(d: DoseDecision, rung: LadderWeek, tl: Timeline, rules: Catalogue) -> None:
    """The week's dose is the ladder's sessions, not a share of the normal week (and never above it)."""
    rung = _within_normal_week(rung, tl, d.baseline_km)
    d.ladder = rung
    d.restart = True
    d.target_km = rung.sessions * rung.session_km(tl.easy_pace, tl.walk_pace)
    d.dose_rule = "L-RESTART-LADDER"
    d.phase = "calm" if d.irritable else "rebuild"
    d.quality, d.trial, d.deload = "none", (), False
    d.spike_cap_km, d.floor_km, d.floor_cap_km = None, 0.0, None
    d.cited = [("L-RESTART-LADDER", rung.text()),
               ("L-RESTART", f"jog {rung.jog_min:g} min, walk {rung.walk_min:g} min, repeated; "
                             "built up week by week")]
