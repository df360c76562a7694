"""The weekly running dose and the phase: which dose rules apply, and the most conservative one wins.

Everything is inferred from the history in the state (the planner keeps no
memory of its own): last week's running and its pain answer, the current pain
episode, how long the runner has been at their normal volume, and how many
weeks in a row have not been green (the trial-and-error adjuster of 001).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from backstride.core.pain_response import SteadyWeeks, WeeklyHistory, WeekResponse
from backstride.core.restart import LadderWeek
from backstride.core.settling import settling
from backstride.core.timeline import DAY, Timeline
from backstride.core.today import TodayCall
from backstride.core.tolerated import SLACK_KM, ToleratedDose, tolerated_dose
from backstride.core.triage import pain_episode
from backstride.core.words import in_a_row
from backstride.rules import Catalogue

__all__ = ["TRIAL_STEPS", "DoseDecision", "decide_dose"]

# The adjustable variables of 001, tried one at a time in this order.
TRIAL_STEPS = ("speed", "distance", "terrain", "frequency", "style")
_TRIAL_TEXT = {
    "speed": "easy pace only",
    "distance": "shorter runs",
    "terrain": "flat, soft surfaces only",
    "frequency": "fewer runs with a recovery day between them",
    "style": "walk breaks in every run and a quicker, shorter stride",
}


@dataclass(slots=True)
class DoseDecision:
    """What the week's running should be, and why."""

    phase: str
    target_km: float
    baseline_km: float
    last_week_km: float
    cited: list[tuple[str, str]] = field(default_factory=list)  # (rule id, why), in order
    dose_rule: str = ""  # the rule that set the dose
    irritable: bool = False
    restart: bool = False
    deload: bool = False
    settled: bool = False
    quality: str = "none"  # "none" | "modified" | "own"
    trial: tuple[str, ...] = ()  # adjustable variables in force
    swaps: int = 1  # cross-training swaps (X-SWAP)
    spike_cap_km: float | None = None  # L-SPIKE: no single run above this
    spike_why: str = ""  # what the cap is, in words: "110% of your longest run in the last 30 days"
    floor_km: float = 0.0  # the least running the dose rules allow (W-FLARE's range), 0 when no lower bound
    recent_longest_km: float = 0.0
    floor_cap_km: float | None = None  # after a flare: the longest a run may be to hold W-FLARE's least
    tolerated: ToleratedDose | None = None  # W-TOLERATED, as read from the history
    ladder: LadderWeek | None = None  # L-RESTART-LADDER: this week's rung when restarting
    back: frozenset[str] | None = None  # B-RETURN-ONE: what is back this week (None: no hold)

    def cite(self, rule_id: str, why: str) -> None:
        """Record a rule that shaped the plan (first mention wins)."""
        if all(r != rule_id for r, _ in self.cited):
            self.cited.append((rule_id, why))


def _streak(weeks: Sequence[WeekResponse], levels: set[str], start: int = 0, limit: int = 99) -> int:
    """How many weeks in a row (up to ``limit``), from week ``start`` back, had one of these answers."""
    n = 0
    for k in range(start, min(len(weeks), start + limit)):
        if weeks[k].level not in levels:
            break
        n += 1
    return n


def _fmt(km: float) -> str:
    return f"{km:.1f} km"


def _trial_in_force(weeks: Sequence[WeekResponse], keep_weeks: int) -> tuple[tuple[str, ...], str]:
    """Variables to change this week, and a sentence saying why.

    Each week in a row that was not green adds the next variable (cumulative:
    the earlier changes were gentler, so they stay). When a change was followed
    by green weeks, it is kept: that is what worked for this runner.
    """
    bad = _streak(weeks, {"red", "amber"}, limit=len(TRIAL_STEPS))
    if bad >= 1:
        steps = TRIAL_STEPS[: min(bad, len(TRIAL_STEPS))]
        latest = steps[-1]
        weeks_text = "last week has" if bad == 1 else f"{in_a_row(bad, 'week')} have"
        why = (f"{weeks_text} not been green, "
               f"so this week changes one more thing: {_TRIAL_TEXT[latest]}")
        return steps, why
    good = _streak(weeks, {"green"}, limit=keep_weeks + 1)
    if 1 <= good <= keep_weeks:
        before = _streak(weeks, {"red", "amber"}, start=good, limit=len(TRIAL_STEPS))
        if before >= 3:  # a terrain/frequency/style change was followed by green weeks: keep it
            kept = tuple(s for s in TRIAL_STEPS[: min(before, len(TRIAL_STEPS))]
                         if s in ("terrain", "frequency", "style"))
            if kept:
                return kept, ("the back settled after " + " and ".join(_TRIAL_TEXT[s] for s in kept)
                              + ", so that stays while you build")
    return (), ""


def _below_what_flared(km: float, tol: ToleratedDose, rules: Catalogue) -> tuple[float, str]:
    """A hold never holds at a dose that flared within W-TOLERATED's look-back (001: remember what did not
    work): it goes to the tolerated week, or W-FLARE's cut below the flared week when there is none."""
    flared = tol.flared_week_km
    if flared is None or km < flared - SLACK_KM:
        return km, ""
    if tol.week_km is not None and tol.week_km < flared:
        cap, whose = tol.week_km, "the last week your back answered green"
    else:
        cut = rules.value("W-FLARE", "cut")
        cap, whose = flared * (1 - cut), f"{cut:.0%} below it"
    if cap >= km - 1e-9:
        return km, ""
    return cap, f"; {_fmt(flared)} flared your back within the last few weeks, so it holds at {_fmt(cap)}, {whose}"


def _weeks_at_baseline(weeks: Sequence[WeekResponse], baseline: float) -> int:
    n = 0
    for w in weeks:
        if w.km < baseline - max(SLACK_KM, 0.05 * baseline) or w.level in ("red", "amber"):
            break
        n += 1
    return n


def decide_dose(
    tl: Timeline, weeks: Sequence[WeekResponse], baseline_km: float, baseline_longest: float, rules: Catalogue,
    today_call: TodayCall | None = None, tolerated: ToleratedDose | None = None,
) -> DoseDecision:
    """The running dose for the 7 days from today, the phase, and the rules that set them.

    When this morning's call changes the picture (a flare, an amber run, severe pain at rest, a sore
    morning) the week is planned from it: the dose holds and the running stays easy.
    """
    today = tl.today
    last = weeks[0] if weeks else None
    L = round(last.km, 3) if last is not None else 0.0
    B = baseline_km
    d = DoseDecision(phase="rebuild", target_km=B, baseline_km=B, last_week_km=L)
    level = last.level if last is not None else "unknown"

    window = int(rules.value("L-SPIKE", "window_days"))
    tol = tolerated if tolerated is not None else tolerated_dose(tl, weeks, rules)
    d.tolerated = tol
    # L-SPIKE reads only runs that were not red: a long run that hurt does not raise the cap.
    d.recent_longest_km = tol.not_red_longest_km
    ratio = rules.value("L-SPIKE", "max_ratio")
    d.spike_why = f"{ratio:.0%} of your longest run in the last {window} days"
    if tol.hurt_longer and tol.green_window_longest_km > 0:
        # A longer run hurt (amber or red): runs grow from the longest one the back answered green.
        d.recent_longest_km = tol.green_window_longest_km
        d.spike_why += " that your back answered green"
    if d.recent_longest_km <= 0:  # every recent run was red: the cap comes down from the longest of them
        d.recent_longest_km = tl.longest(today - window * DAY, today) * (1 - rules.value("W-FLARE", "max_cut"))
    if d.recent_longest_km > 0:
        d.spike_cap_km = d.recent_longest_km * ratio
    if level == "red":  # after a red week no run is longer than last week's longest
        last_longest = tl.longest(today - 7 * DAY, today)
        if last_longest > 0 and (d.spike_cap_km is None or last_longest < d.spike_cap_km):
            d.spike_cap_km = last_longest
        # Only when the runs that were not red cannot carry the least W-FLARE allows may a run go
        # above their cap, and never above last week's longest.
        d.floor_cap_km = min(last_longest, tl.longest(today - window * DAY, today) * rules.value("L-SPIKE",
                                                                                                 "max_ratio"))

    gap = int(rules.value("T-PERSIST", "episode_gap_days"))
    episode = pain_episode(tl, gap)
    pain_now = episode is not None and (today - episode[1]).days <= 7
    start_max = rules.value("W-START", "max_fraction") * B + SLACK_KM
    never_cut = False
    if pain_now and episode is not None and tl.km(episode[0], today) > 0:
        never_cut = True
        for k in range(len(weeks)):  # the weeks since the pain began, most recent first
            start = today - 7 * (k + 1) * DAY
            if start + 7 * DAY <= episode[0]:
                break
            if tl.km(start, start + 7 * DAY) <= start_max:
                never_cut = False
                break
    first_plan = pain_now and episode is not None and ((today - episode[0]).days <= 7 or never_cut)

    settle_pain = rules.value("B-RETURN", "settled_max_pain")
    settle_weeks = int(rules.value("B-RETURN", "settled_green_weeks"))
    recent_pain = tl.max_pain(today - 7 * settle_weeks * DAY, today + DAY)
    d.settled = (_streak(weeks, {"green", "unknown"}, limit=settle_weeks) >= settle_weeks
                 and _streak(weeks, {"green"}, limit=1) >= 1
                 and (recent_pain is None or recent_pain <= settle_pain))

    candidates: list[tuple[float, str, str]] = []  # (km, rule, why)
    start_head = ""
    last_run = tl.last_run_before(today)
    break_days = int(rules.value("L-RESTART", "break_days"))
    on_break = tl.has_any_run() and (last_run is None or (today - last_run).days > break_days)
    f_start = rules.value("W-START", "fraction")

    if B <= 0:
        d.phase, d.target_km = "maintain", 0.0
        d.dose_rule = "B-AVAILABLE"
        d.cite("B-AVAILABLE", "your normal week has no running in it, so none is planned")
        return d

    if on_break:
        d.restart = d.irritable = True
        km = rules.value("W-START", "min_fraction") * B
        days = (today - last_run).days if last_run else 0
        candidates.append((km, "L-RESTART",
                           f"no running for {days} days: restart with jog/walk intervals, "
                           f"{_fmt(km)} in all ({rules.value('W-START', 'min_fraction'):.0%} of your normal week)"))
        d.spike_cap_km = None  # nothing recent to compare with; the jog:walk format keeps each run gentle
    # After a red week: W-FLARE's cut on last week, or, when the tolerated week is below that cut, the
    # tolerated week itself (W-TOLERATED: the week stays below both, and building back starts from it).
    cut = rules.value("W-FLARE", "cut")
    to_tolerated = level == "red" and tol.week_km is not None and tol.week_km < L * (1 - cut) - 1e-9
    ref = tol.week_km if to_tolerated and tol.week_km is not None else L
    if level == "red":
        why = last.worst.why if last is not None and last.worst is not None else "a run flared your back"
        if to_tolerated:
            km = ref
            text = (f"last week {why}: back to {_fmt(ref)}, the last week your back answered green "
                    f"(W-TOLERATED), below W-FLARE's {cut:.0%} cut on last week's {_fmt(L)}")
        else:
            km = L * (1 - cut)
            text = f"last week {why}: {cut:.0%} less than last week's {_fmt(L)}"
        candidates.append((km, "W-FLARE", text))
        d.irritable = True
    steady = SteadyWeeks(weeks) if isinstance(weeks, WeeklyHistory) else weeks  # streaks: calendar-steady
    repeat_red = level == "red" and len(steady) > 1 and steady[1].level == "red"
    # A single flare once the runner has found a dose cuts from that dose; it never restarts the programme.
    single_flare = level == "red" and not repeat_red and tol.week_km is not None
    if pain_now and (first_plan or (level == "red" and not single_flare)) and not on_break:
        km = f_start * B
        why = ("your back is irritable and this is the first plan since the pain began" if first_plan
               else "after a red response the back is irritable again")
        candidates.append((km, "W-START", f"{why}: about {f_start:.0%} of your normal {_fmt(B)}"))
        start_head = why
        d.irritable = True
    if level == "amber":
        moderate = last.worst.why if last is not None and last.worst is not None else ""
        km, flared = _below_what_flared(min(L, B), tol, rules)  # holding never goes above the normal week
        candidates.append((km, "W-HOLD", f"{moderate or 'moderate pain'} last week: hold at {_fmt(km)}"
                                         + (" (your normal week)" if km < L and not flared else "")
                                         + " and keep it easy" + flared))
        d.irritable = True
    calm = settling(tl, weeks, rules)
    if level == "green" and not on_break and calm.blocks_progress:
        km, flared = _below_what_flared(min(L, B), tol, rules)
        candidates.append((km, "W-HOLD", f"{calm.why}: no build this week, hold at {_fmt(km)} and keep it easy"
                                         + flared))
        d.cite(calm.rule, calm.why)
        d.irritable = True
    elif level == "green" and not on_break:
        km = min(L * (1 + rules.value("W-PROGRESS", "max_increase")), B)
        reaches = km >= B - 1e-9
        candidates.append((km, "W-PROGRESS",
                           "last week was green: " + (f"back to your normal {_fmt(B)}" if reaches and L >= B - SLACK_KM
                                                      else f"up to {_fmt(km)} (at most +10% on {_fmt(L)}"
                                                      + (", capped at your normal week)" if reaches else ")"))))
    if level == "unknown" and not on_break:
        if L > 0:
            km, flared = _below_what_flared(min(L, B), tol, rules)
            candidates.append((km, "W-HOLD", f"no pain scores for last week's runs, so the dose holds at {_fmt(km)} "
                                             "until check-ins show how your back answers" + flared))
        elif tl.has_any_run():
            ran = next((w for w in weeks[1:3] if w.km > 0), None)
            prev = ran.km if ran is not None else 0.0
            if ran is not None and ran.level in ("red", "amber"):
                # The last week you ran hurt: that answer still stands, read against the tolerated week.
                cut = rules.value("W-FLARE", "cut") if ran.level == "red" else 0.0
                ref = min(prev, B, tol.week_km) if tol.week_km is not None else min(prev, B)
                km = ref * (1 - cut)
                rule = "W-FLARE" if ran.level == "red" else "W-HOLD"
                what = ran.worst.why if ran.worst is not None else f"the runs were {ran.level}"
                candidates.append((km, rule, f"the last week you ran, {what}: {_fmt(km)} this week"
                                             + (f", {cut:.0%} less than {_fmt(ref)}" if cut else "")))
                d.irritable = True
            else:
                km = min(prev, B) if prev > 0 else f_start * B
                candidates.append((km, "W-HOLD", f"no running last week: hold at {_fmt(km)}, the last week you ran"))
        elif not pain_now:
            candidates.append((B, "W-PROGRESS", "no pain reported and no runs logged: your normal week"))
    if today_call is not None and today_call.changes_week and level != "red" and not on_break:
        km, flared = _below_what_flared(min(L, B) if L > 0 else f_start * B, tol, rules)
        candidates.append((km, "W-HOLD", f"{today_call.why}: the week holds at {_fmt(km)} and stays easy" + flared))
        d.irritable = True
    if not candidates:  # pain but no runs logged at all
        candidates.append((f_start * B, "W-START", f"your back is irritable: about {f_start:.0%} of your normal week"))
        d.irritable = True

    if last is not None and last.worst is not None:
        w = last.worst
        d.cite(w.rule, f"last week's runs were {level}: on {w.date:%a %d %b} {w.why}")
    km, rule, why = min(candidates, key=lambda c: (c[0], c[1]))
    floor_from: str | None = None
    if level == "red":  # the flare rule's own range bounds the cut, read from the week it cuts from
        # That is last week, or the tolerated week when it was less: the week goes below both (W-TOLERATED).
        # The least is rounded up to the tenth the plan is written in, so the plan never shows less.
        lo = math.ceil(ref * (1 - rules.value("W-FLARE", "max_cut")) * 10 - 1e-9) / 10
        hi = ref if to_tolerated else ref * (1 - rules.value("W-FLARE", "min_cut"))
        if km < lo:
            km, floor_from = lo, rule
            ref_txt = f"the tolerated week's {_fmt(ref)}" if to_tolerated else f"last week's {_fmt(L)}"
            rule, why = "W-FLARE", (f"after the flare this week runs {_fmt(lo)}: not more than "
                                    f"{rules.value('W-FLARE', 'max_cut'):.0%} below {ref_txt}")
        km = min(km, hi)
        d.floor_km = lo
    d.target_km, d.dose_rule = km, rule
    if floor_from is not None:
        d.cite("W-FLARE", why)
    for _km, c_rule, c_why in sorted(candidates, key=lambda c: (c[0], c[1])):
        if c_rule == rule:
            d.cite(c_rule, c_why)
        elif c_rule == floor_from == "W-START":  # the share stated is the share planned
            lo_f, hi_f = rules.value("W-START", "min_fraction"), rules.value("W-START", "max_fraction")
            d.cite(c_rule, f"{start_head}: {km / B:.0%} of your normal {_fmt(B)}, within W-START's "
                           f"{lo_f:.0%}-{hi_f:.0%} (W-FLARE's range holds the week at {_fmt(km)})")
        elif c_rule == floor_from:
            d.cite(c_rule, c_why + f" (W-FLARE's range holds the week at {_fmt(km)})")
        else:
            d.cite(c_rule, c_why + f" (the more cautious {rule} sets the dose: {_fmt(km)})")
    if tol.week_km is not None:
        d.cite("W-TOLERATED", f"the most recent week your back answered green: {_fmt(tol.week_km)}"
               + (f"; its longest green run {_fmt(tol.longest_km)}" if tol.longest_km else ""))

    # Deload: after weeks at the normal volume, a lighter week (only once back to normal training).
    every = int(rules.value("W-DELOAD", "every_weeks"))
    building = not d.irritable and rule == "W-PROGRESS"
    at_base = _weeks_at_baseline(weeks, B) if building else 0  # read only when it can matter
    if building and at_base >= every - 1:
        frac = rules.value("W-DELOAD", "fraction")
        d.target_km, d.dose_rule, d.deload = L * frac, "W-DELOAD", True
        d.cite("W-DELOAD", f"{at_base} weeks at your normal volume: a lighter week at {frac:.0%} of last week")

    trial, trial_why = _trial_in_force(steady, int(rules.value("A-TRIAL", "keep_weeks")))
    if repeat_red and not {"frequency", "style"} <= set(trial):
        # Red again: modify more aggressively (000): fewer runs with recovery days between them, run:walk.
        trial = tuple(dict.fromkeys((*trial, "frequency", "style")))
        trial_why = ("two red weeks in a row: fewer runs with a recovery day between them, walk breaks in "
                     "every run, and a run swapped for cross-training")
    d.trial = trial
    if trial_why:
        d.cite("A-TRIAL", trial_why)
    if "frequency" in trial:
        d.cite("W-SPACE", "split runs kept flaring: fewer runs with recovery days between them")

    # The phase.
    ret = rules.value("B-RETURN", "return_fraction")
    if d.irritable:
        d.phase = "calm"
    elif (d.target_km >= B - 1e-6 and B - max(SLACK_KM, 0.05 * B) <= L) or d.deload:
        d.phase = "maintain"
    elif d.target_km >= ret * B:
        d.phase = "return"
    else:
        d.phase = "rebuild"
    if d.phase == "calm":
        d.quality = "none"
    elif d.settled and d.phase == "maintain":
        d.quality = "own"
    elif _streak(weeks, {"green"}, limit=settle_weeks) >= settle_weeks:
        d.quality = "modified"
    d.swaps = 2 if level == "red" or d.restart else (1 if d.phase != "maintain" else 0)
    return d


