"""Back to normal training one change at a time (B-RETURN-ONE).

One step of the planner's pipeline, after the dose. Once the back has settled
and the week is near the normal volume (``return``), what the split, easy
weeks left out comes back one variable per green week, in 001/003's order:
speed work (as long reps), then hills (as stairs), then the continuous long
run, then the runner's own structure of fewer, longer runs. What is back is
read from last week's runs, so a week keeps what came back before it and adds
at most one thing. ``maintain`` starts only when every variable the runner's
normal week holds is back. A single flare near normal training keeps the
runner in ``return``: the dose is cut from the tolerated week (W-TOLERATED),
not restarted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from backstride.contract import ACTIVITY_RUNNING_KINDS, BaselineSession
from backstride.core.dose import DoseDecision
from backstride.core.pain_response import WeekResponse
from backstride.core.timeline import DAY, Timeline
from backstride.core.tolerated import SLACK_KM
from backstride.rules import Catalogue

__all__ = ["ORDER", "SPEED_BASE", "ReturnStep", "Variable", "apply_return", "flare_stays_in_return", "in_normal_week",
           "return_note", "return_step"]

Variable = Literal["speed", "hills", "long", "structure"]
ORDER: tuple[Variable, ...] = ("speed", "hills", "long", "structure")
_TEXT: dict[Variable, str] = {
    "speed": "speed work (long reps below top speed)",
    "hills": "hill work (as stairs)",
    "long": "your continuous long run (no walk breaks)",
    "structure": "your own structure of fewer, longer runs",
}
_SPEED = frozenset({"intervals_short", "intervals_long", "tempo", "progression", "race"})
SPEED_BASE = frozenset({"intervals", "tempo", "progression", "race"})


@dataclass(frozen=True, slots=True)
class ReturnStep:
    """What is back this week, what comes back this week (at most one), and what is still to come."""

    back: frozenset[Variable]
    new: Variable | None
    still: tuple[Variable, ...]

    def text(self) -> str:
        """The week's change in plain words."""
        if self.new is None:
            later = ", then ".join(_TEXT[v] for v in self.still)
            return ("only the distance grows this week; then, one a green week: " + later) if later \
                else "nothing else changes this week"
        later = ", then ".join(_TEXT[v] for v in self.still)
        return (f"{_TEXT[self.new]} comes back, and nothing else changes"
                + (f"; still to come, one a green week: {later}" if later else "; then you are back to normal"))


def in_normal_week(runs: Sequence[BaselineSession]) -> tuple[Variable, ...]:
    """The variables the runner's normal week holds, in the order they return."""
    kinds = {s.kind for s in runs}
    longest = sorted((s.distance_km or 0.0 for s in runs), reverse=True)
    has = {"speed": bool(kinds & SPEED_BASE), "hills": "hills" in kinds,
           "long": "long" in kinds or (len(longest) >= 2 and longest[0] >= 1.25 * longest[1]),
           "structure": True}
    return tuple(v for v in ORDER if has[v])


def _back_in_week(tl: Timeline, n_base: int, weeks_ago: int = 0) -> set[Variable]:
    """The variables the runs of a week (0 = the 7 days before today) had back."""
    end = tl.today - 7 * weeks_ago * DAY
    kinds = tl.activity_kinds(end - 7 * DAY, end)
    runs = len(tl.run_dates(end - 7 * DAY, end))
    back: set[Variable] = set()
    if kinds & _SPEED:
        back.add("speed")
    if kinds & {"hills", "stairs"}:
        back.add("hills")
    if "long" in kinds:
        back.add("long")
    if kinds & ACTIVITY_RUNNING_KINDS and runs <= max(n_base, 1):
        back.add("structure")
    return back


def return_step(tl: Timeline, weeks: Sequence[WeekResponse], base_runs: Sequence[BaselineSession],
                d: DoseDecision, rules: Catalogue) -> ReturnStep | None:
    """This week's step back to normal, or None when B-RETURN-ONE has nothing to hold back."""
    if d.phase not in ("return", "maintain"):
        return None  # while rebuilding, the split week with its modified quality stays (B-RETURN)
    if len(weeks) < 2 or d.irritable or d.restart or d.ladder is not None or d.quality == "none" or d.deload:
        return None
    wanted = in_normal_week(base_runs)
    back = _back_in_week(tl, len(base_runs)) & set(wanted)
    full = d.baseline_km - SLACK_KM
    stalled = (weeks[0].level == weeks[1].level == "green" and min(weeks[0].km, weeks[1].km) >= full
               and back == _back_in_week(tl, len(base_runs), 1) & set(wanted))
    own_week = "structure" in back and "long_run_walk" not in tl.activity_kinds(tl.today - 7 * DAY, tl.today)
    if any(v not in back for v in wanted if v != "structure") and not own_week:
        back.discard("structure")  # the runner's own week brings everything back: it comes last
    missing = [v for v in wanted if v not in back]
    if stalled and "structure" in missing:
        # Two green weeks at the normal volume and nothing came back: what was due cannot be laid out in
        # the split week (its runs are too short for it), so the runner's own week comes back first,
        # with what is still to come held easy, and that comes back in it a week later.
        missing = ["structure", *[v for v in missing if v != "structure"]]
    if not missing and d.phase == "maintain":
        return None  # all is back: maintain
    per_week = int(rules.value("B-RETURN-ONE", "changes_per_week"))
    # The distance is a change too: while the week still grows towards normal, nothing else comes back.
    grows = d.target_km > d.last_week_km + SLACK_KM
    new = missing[0] if per_week >= 1 and missing and not grows else None
    now = frozenset(back | ({new} if new else set()))
    return ReturnStep(now, new, tuple(v for v in missing if v != new))


def apply_return(d: DoseDecision, step: ReturnStep) -> None:
    """Hold the week to what is back: phase ``return`` until all is back."""
    d.phase = "return"
    d.back = step.back
    d.quality = "own" if "structure" in step.back else "modified"


def return_note(step: ReturnStep, kinds: set[str]) -> tuple[str, str]:
    """B-RETURN-ONE's reason, as the week was laid out: the change named only when the week holds it."""
    if step.new is None:
        return "B-RETURN-ONE", ("everything of your normal week is back; your own week at this week's distance"
                                if not step.still else step.text())
    placed = {"speed": bool(kinds & _SPEED), "hills": bool(kinds & {"hills", "stairs"}), "long": "long" in kinds,
              "structure": True}[step.new]
    if placed:
        return "B-RETURN-ONE", step.text()
    return "B-RETURN-ONE", (f"next to come back is {_TEXT[step.new]}, once the week has room for it; "
                            "nothing else changes this week")


def single_flare_in_return(d: DoseDecision, weeks: Sequence[WeekResponse], rules: Catalogue) -> bool:
    """A single red week after green weeks near the normal volume: the runner stays in ``return``."""
    tol = d.tolerated
    if not weeks or weeks[0].level != "red" or d.restart or d.ladder is not None or tol is None:
        return False
    if len(weeks) > 1 and weeks[1].level == "red":
        return False
    near = rules.value("B-RETURN", "return_fraction") * d.baseline_km
    return tol.week_km is not None and tol.week_km >= near - 1e-6 and d.baseline_km > 0


def flare_stays_in_return(d: DoseDecision, weeks: Sequence[WeekResponse], rules: Catalogue,
                          calm_today: bool) -> None:
    """After a single flare near normal training: phase ``return``, the cut from the tolerated week.

    Not when this morning's check-in changes the picture (a flare today): the week is then planned calm.
    """
    if calm_today or not single_flare_in_return(d, weeks, rules):
        return
    d.phase = "return"
    lo, hi = rules.value("W-FLARE", "min_cut"), rules.value("W-FLARE", "max_cut")
    why = (f"a single flare near your normal training cuts {lo:.0%}-{hi:.0%} from the last week your back "
           "answered green; the programme does not start again")
    d.cited = [(r, f"{t}; {why}" if r == "W-TOLERATED" else t) for r, t in d.cited]
    d.cite("W-TOLERATED", why)
