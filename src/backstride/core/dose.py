"""The weekly running dose and the phase: which dose rules apply, and the most conservative one wins.

Everything is inferred from the history in the state (the planner keeps no
memory of its own): last week's running and its pain answer, the current pain
episode, how long the runner has been at their normal volume, and how many
weeks in a row have not been green (the trial-and-error adjuster of 001).
"""

from __future__ import annotations

import datetime as dt
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


def _trial_in_force(weeks: Sequence[WeekResponse], keep_weeks: int, kept_after: int) -> tuple[tuple[str, ...], str]:
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
        if before >= kept_after:  # a terrain/frequency/style change was followed by green weeks: keep it
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


def _after_deload(weeks: Sequence[WeekResponse], baseline: float, span: int, lighter: float) -> bool:
    """Building back from a planned lighter week (W-DELOAD, ``lighter`` of the week before): green weeks
    since a week at the normal volume, within ``span`` weeks, so the runner stays in their own week."""
    for k in range(1, min(len(weeks), span)):
        if any(weeks[j].level != "green" for j in range(k + 1)):
            return False
        if weeks[k].km >= baseline - max(SLACK_KM, 0.05 * baseline):
            deload = weeks[k - 1].km
            return lighter * weeks[k].km - SLACK_KM <= deload < weeks[k].km - SLACK_KM
    return False


def _weeks_at_baseline(weeks: Sequence[WeekResponse], baseline: float) -> int:
    n = 0
    for w in weeks:
        if w.km < baseline - max(SLACK_KM, 0.05 * baseline) or w.level in ("red", "amber"):
            break
        n += 1
    return n


Candidate = tuple[float, str, str]  # (km, rule, why): one dose rule's week


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the dose rules read from the history, computed once (the first step of ``decide_dose``)."""

    today: dt.date
    last: WeekResponse | None  # the 7 days before today
    L: float  # running in them
    B: float  # the normal week's running
    level: str  # last week's answer
    tol: ToleratedDose
    steady: Sequence[WeekResponse]  # the weeks as streaks read them (calendar-steady)
    pain_now: bool  # a pain episode in the last week
    first_plan: bool  # the first plan since the pain began (or the pain has never been cut for)
    on_break: bool  # no running for L-RESTART's days: a restart
    last_run: dt.date | None
    to_tolerated: bool  # after red, the tolerated week is below W-FLARE's cut: the week goes back to it
    ref: float  # the week W-FLARE's range is read from: last week, or that tolerated week

    @property
    def repeat_red(self) -> bool:
        return self.level == "red" and len(self.steady) > 1 and self.steady[1].level == "red"

    @property
    def why_last(self) -> str:
        return self.last.worst.why if self.last is not None and self.last.worst is not None else ""


def _first_plan(tl: Timeline, weeks: Sequence[WeekResponse], B: float, rules: Catalogue) -> tuple[bool, bool]:
    """(pain now, first plan): the pain episode is current, and this is the first plan since it began,
    or every week since it began ran above W-START's share (the pain has never been answered)."""
    today = tl.today
    episode = pain_episode(tl, int(rules.value("T-PERSIST", "episode_gap_days")))
    pain_now = episode is not None and (today - episode[1]).days <= 7
    if not pain_now or episode is None:
        return pain_now, False
    start_max = rules.value("W-START", "max_fraction") * B + SLACK_KM
    never_cut = tl.km(episode[0], today) > 0
    for k in range(len(weeks) if never_cut else 0):  # the weeks since the pain began, most recent first
        start = today - 7 * (k + 1) * DAY
        if start + 7 * DAY <= episode[0]:
            break
        if tl.km(start, start + 7 * DAY) <= start_max:
            never_cut = False
            break
    return pain_now, (today - episode[0]).days <= 7 or never_cut


def _read(tl: Timeline, weeks: Sequence[WeekResponse], B: float, rules: Catalogue,
          tolerated: ToleratedDose | None) -> _Reading:
    today = tl.today
    last = weeks[0] if weeks else None
    L = round(last.km, 3) if last is not None else 0.0
    level = last.level if last is not None else "unknown"
    tol = tolerated if tolerated is not None else tolerated_dose(tl, weeks, rules)
    pain_now, first_plan = _first_plan(tl, weeks, B, rules)
    last_run = tl.last_run_before(today)
    on_break = tl.has_any_run() and (last_run is None or (today - last_run).days
                                     > int(rules.value("L-RESTART", "break_days")))
    cut = rules.value("W-FLARE", "cut")
    to_tolerated = level == "red" and tol.week_km is not None and tol.week_km < L * (1 - cut) - 1e-9
    ref = tol.week_km if to_tolerated and tol.week_km is not None else L
    steady = SteadyWeeks(weeks) if isinstance(weeks, WeeklyHistory) else weeks
    return _Reading(today, last, L, B, level, tol, steady, pain_now, first_plan, on_break, last_run,
                    to_tolerated, ref)


def _single_run_caps(d: DoseDecision, tl: Timeline, r: _Reading, rules: Catalogue) -> None:
    """L-SPIKE's cap, read from runs that were not red (from the longest green one when a longer run hurt);
    after a red week no run is longer than last week's longest."""
    today, window = r.today, int(rules.value("L-SPIKE", "window_days"))
    ratio = rules.value("L-SPIKE", "max_ratio")
    d.recent_longest_km = r.tol.not_red_longest_km
    d.spike_why = f"{ratio:.0%} of your longest run in the last {window} days"
    if r.tol.hurt_longer and r.tol.green_window_longest_km > 0:
        d.recent_longest_km = r.tol.green_window_longest_km
        d.spike_why += " that your back answered green"
    if d.recent_longest_km <= 0:  # every recent run was red: the cap comes down from the longest of them
        d.recent_longest_km = tl.longest(today - window * DAY, today) * (1 - rules.value("W-FLARE", "max_cut"))
    if d.recent_longest_km > 0:
        d.spike_cap_km = d.recent_longest_km * ratio
    if r.level == "red":
        last_longest = tl.longest(today - 7 * DAY, today)
        if last_longest > 0 and (d.spike_cap_km is None or last_longest < d.spike_cap_km):
            d.spike_cap_km = last_longest
        # Only when the runs that were not red cannot carry the least W-FLARE allows may a run go
        # above their cap, and never above last week's longest.
        d.floor_cap_km = min(last_longest, tl.longest(today - window * DAY, today) * ratio)


def _settled(tl: Timeline, weeks: Sequence[WeekResponse], rules: Catalogue) -> bool:
    """B-RETURN: green weeks in a row and little pain: the back has settled."""
    pain = rules.value("B-RETURN", "settled_max_pain")
    n = int(rules.value("B-RETURN", "settled_green_weeks"))
    recent = tl.max_pain(tl.today - 7 * n * DAY, tl.today + DAY)
    return (_streak(weeks, {"green", "unknown"}, limit=n) >= n and _streak(weeks, {"green"}, limit=1) >= 1
            and (recent is None or recent <= pain))


def _restart(d: DoseDecision, r: _Reading, rules: Catalogue) -> list[Candidate]:
    """L-RESTART: after a break from running, jog/walk intervals at W-START's least share."""
    if not r.on_break:
        return []
    d.restart = d.irritable = True
    share = rules.value("W-START", "min_fraction")
    km = share * r.B
    days = (r.today - r.last_run).days if r.last_run else 0
    d.spike_cap_km = None  # nothing recent to compare with; the jog:walk format keeps each run gentle
    return [(km, "L-RESTART", f"no running for {days} days: restart with jog/walk intervals, "
                              f"{_fmt(km)} in all ({share:.0%} of your normal week)")]


def _after_red(d: DoseDecision, r: _Reading, rules: Catalogue) -> list[Candidate]:
    """W-FLARE's cut on last week, or back to the tolerated week when that is below the cut (W-TOLERATED:
    the week stays below both, and building back starts from it); W-START when irritable again."""
    out: list[Candidate] = []
    if r.level == "red":
        cut = rules.value("W-FLARE", "cut")
        why = r.why_last or "a run flared your back"
        if r.to_tolerated:
            out.append((r.ref, "W-FLARE", f"last week {why}: back to {_fmt(r.ref)}, the last week your back "
                                          f"answered green (W-TOLERATED), below W-FLARE's {cut:.0%} cut on "
                                          f"last week's {_fmt(r.L)}"))
        else:
            out.append((r.L * (1 - cut), "W-FLARE", f"last week {why}: {cut:.0%} less than last week's {_fmt(r.L)}"))
        d.irritable = True
    # A single flare once the runner has found a dose cuts from that dose; it never restarts the programme.
    single_flare = r.level == "red" and not r.repeat_red and r.tol.week_km is not None
    if r.pain_now and (r.first_plan or (r.level == "red" and not single_flare)) and not r.on_break:
        share = rules.value("W-START", "fraction")
        out.append((share * r.B, "W-START", f"{_start_head(r)}: about {share:.0%} of your normal {_fmt(r.B)}"))
        d.irritable = True
    return out


def _start_head(r: _Reading) -> str:
    return ("your back is irritable and this is the first plan since the pain began" if r.first_plan
            else "after a red response the back is irritable again")


def _holds(d: DoseDecision, tl: Timeline, weeks: Sequence[WeekResponse], r: _Reading, rules: Catalogue,
           today_call: TodayCall | None) -> list[Candidate]:
    """W-HOLD after an amber week, while the back settles, or when this morning changes the picture;
    W-PROGRESS after a green week."""
    out: list[Candidate] = []
    L, B, tol = r.L, r.B, r.tol
    if r.level == "amber":
        km, flared = _below_what_flared(min(L, B), tol, rules)  # holding never goes above the normal week
        out.append((km, "W-HOLD", f"{r.why_last or 'moderate pain'} last week: hold at {_fmt(km)}"
                                  + (" (your normal week)" if km < L and not flared else "")
                                  + " and keep it easy" + flared))
        d.irritable = True
    calm = settling(tl, weeks, rules)
    if r.level == "green" and not r.on_break and calm.blocks_progress:
        km, flared = _below_what_flared(min(L, B), tol, rules)
        out.append((km, "W-HOLD", f"{calm.why}: no build this week, hold at {_fmt(km)} and keep it easy" + flared))
        d.cite(calm.rule, calm.why)
        d.irritable = True
    elif r.level == "green" and not r.on_break:
        more = rules.value("W-PROGRESS", "max_increase")
        km = min(L * (1 + more), B)
        reaches = km >= B - 1e-9
        out.append((km, "W-PROGRESS", "last week was green: " + (
            f"back to your normal {_fmt(B)}" if reaches and L >= B - SLACK_KM
            else f"up to {_fmt(km)} (at most +{more:.0%} on {_fmt(L)}" + (", capped at your normal week)"
                                                                         if reaches else ")"))))
    if today_call is not None and today_call.changes_week and r.level != "red" and not r.on_break:
        km, flared = _below_what_flared(min(L, B) if L > 0 else rules.value("W-START", "fraction") * B, tol, rules)
        out.append((km, "W-HOLD", f"{today_call.why}: the week holds at {_fmt(km)} and stays easy" + flared))
        d.irritable = True
    return out


def _unknown(d: DoseDecision, tl: Timeline, weeks: Sequence[WeekResponse], r: _Reading,
             rules: Catalogue) -> list[Candidate]:
    """No pain scores for last week: hold; the last week that was run answers instead when it hurt."""
    if r.level != "unknown" or r.on_break:
        return []
    L, B, tol = r.L, r.B, r.tol
    if L > 0:
        km, flared = _below_what_flared(min(L, B), tol, rules)
        return [(km, "W-HOLD", f"no pain scores for last week's runs, so the dose holds at {_fmt(km)} "
                               "until check-ins show how your back answers" + flared)]
    if not tl.has_any_run():
        return [] if r.pain_now else [(B, "W-PROGRESS", "no pain reported and no runs logged: your normal week")]
    ran = next((w for w in weeks[1:3] if w.km > 0), None)
    prev = ran.km if ran is not None else 0.0
    if ran is None or ran.level not in ("red", "amber"):
        km = min(prev, B) if prev > 0 else rules.value("W-START", "fraction") * B
        return [(km, "W-HOLD", f"no running last week: hold at {_fmt(km)}, the last week you ran")]
    # The last week you ran hurt: that answer still stands, read against the tolerated week.
    cut = rules.value("W-FLARE", "cut") if ran.level == "red" else 0.0
    ref = min(prev, B, tol.week_km) if tol.week_km is not None else min(prev, B)
    km = ref * (1 - cut)
    what = ran.worst.why if ran.worst is not None else f"the runs were {ran.level}"
    d.irritable = True
    return [(km, "W-FLARE" if ran.level == "red" else "W-HOLD",
             f"the last week you ran, {what}: {_fmt(km)} this week" + (f", {cut:.0%} less than {_fmt(ref)}"
                                                                       if cut else ""))]


def _choose(d: DoseDecision, candidates: list[Candidate], r: _Reading, rules: Catalogue) -> None:
    """The most conservative dose wins; after a red week W-FLARE's own range bounds it; each rule is cited."""
    if r.last is not None and r.last.worst is not None:
        w = r.last.worst
        d.cite(w.rule, f"last week's runs were {r.level}: on {w.date:%a %d %b} {w.why}")
    km, rule, why = min(candidates, key=lambda c: (c[0], c[1]))
    floor_from: str | None = None
    if r.level == "red":  # the flare rule's own range bounds the cut, read from the week it cuts from
        # The least is rounded up to the tenth the plan is written in, so the plan never shows less.
        lo = math.ceil(r.ref * (1 - rules.value("W-FLARE", "max_cut")) * 10 - 1e-9) / 10
        hi = r.ref if r.to_tolerated else r.ref * (1 - rules.value("W-FLARE", "min_cut"))
        if km < lo:
            km, floor_from = lo, rule
            ref_txt = f"the tolerated week's {_fmt(r.ref)}" if r.to_tolerated else f"last week's {_fmt(r.L)}"
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
            d.cite(c_rule, f"{_start_head(r)}: {km / r.B:.0%} of your normal {_fmt(r.B)}, within W-START's "
                           f"{lo_f:.0%}-{hi_f:.0%} (W-FLARE's range holds the week at {_fmt(km)})")
        elif c_rule == floor_from:
            d.cite(c_rule, c_why + f" (W-FLARE's range holds the week at {_fmt(km)})")
        else:
            d.cite(c_rule, c_why + f" (the more cautious {rule} sets the dose: {_fmt(km)})")
    if r.tol.week_km is not None:
        d.cite("W-TOLERATED", f"the most recent week your back answered green: {_fmt(r.tol.week_km)}"
               + (f"; its longest green run {_fmt(r.tol.longest_km)}" if r.tol.longest_km else ""))


def _deload(d: DoseDecision, weeks: Sequence[WeekResponse], r: _Reading, rules: Catalogue) -> None:
    """W-DELOAD: after weeks at the normal volume, a lighter week (only once back to normal training)."""
    if d.irritable or d.dose_rule != "W-PROGRESS":
        return
    at_base = _weeks_at_baseline(weeks, r.B)
    if at_base >= int(rules.value("W-DELOAD", "every_weeks")) - 1:
        frac = rules.value("W-DELOAD", "fraction")
        d.target_km, d.dose_rule, d.deload = r.L * frac, "W-DELOAD", True
        d.cite("W-DELOAD", f"{at_base} weeks at your normal volume: a lighter week at {frac:.0%} of last week")


def _trial(d: DoseDecision, r: _Reading, rules: Catalogue) -> None:
    """A-TRIAL's variables in force; red again modifies more aggressively (000)."""
    trial, why = _trial_in_force(r.steady, int(rules.value("A-TRIAL", "keep_weeks")),
                                 int(rules.value("A-TRIAL", "kept_after_bad_weeks")))
    if r.repeat_red and not {"frequency", "style"} <= set(trial):
        # Red again: fewer runs with recovery days between them, run:walk.
        trial = tuple(dict.fromkeys((*trial, "frequency", "style")))
        why = ("two red weeks in a row: fewer runs with a recovery day between them, walk breaks in every run, "
               "and a run swapped for cross-training")
    d.trial = trial
    if why:
        d.cite("A-TRIAL", why)
    if "frequency" in trial:
        d.cite("W-SPACE", "split runs kept flaring: fewer runs with recovery days between them")


def _phase(d: DoseDecision, weeks: Sequence[WeekResponse], r: _Reading, rules: Catalogue) -> None:
    """calm while irritable; maintain at the normal week (or building back from a lighter one); return
    near it; rebuild below; the quality of the week and the cross-training swaps follow."""
    B, L = r.B, r.L
    after_deload = _after_deload(weeks, B, int(rules.value("W-DELOAD", "every_weeks")) + 1,
                                 rules.value("W-DELOAD", "min_fraction"))
    if d.irritable:
        d.phase = "calm"
    elif (d.target_km >= B - 1e-6 and B - max(SLACK_KM, 0.05 * B) <= L) or d.deload or after_deload:
        d.phase = "maintain"
    elif d.target_km >= rules.value("B-RETURN", "return_fraction") * B:
        d.phase = "return"
    else:
        d.phase = "rebuild"
    settle_weeks = int(rules.value("B-RETURN", "settled_green_weeks"))
    if d.phase == "calm":
        d.quality = "none"
    elif d.settled and d.phase == "maintain":
        d.quality = "own"
    elif _streak(weeks, {"green"}, limit=settle_weeks) >= settle_weeks:
        d.quality = "modified"
    d.swaps = int(rules.value("X-SWAP", "swaps_after_red")) if r.level == "red" or d.restart else (
        int(rules.value("X-SWAP", "swaps_building")) if d.phase != "maintain" else 0)


def decide_dose(
    tl: Timeline, weeks: Sequence[WeekResponse], baseline_km: float, baseline_longest: float, rules: Catalogue,
    today_call: TodayCall | None = None, tolerated: ToleratedDose | None = None,
) -> DoseDecision:
    """The running dose for the 7 days from today, the phase, and the rules that set them.

    A pipeline: read the history once; the single-run caps; each dose rule's week (restart, after red,
    the holds and the build, no answers); the most conservative wins inside W-FLARE's range; a lighter
    week when due; the trial's variables; the phase. When this morning's call changes the picture (a
    flare, an amber run, severe pain at rest, a sore morning) the week is planned from it: the dose holds
    and the running stays easy.
    """
    r = _read(tl, weeks, baseline_km, rules, tolerated)
    d = DoseDecision(phase="rebuild", target_km=r.B, baseline_km=r.B, last_week_km=r.L, tolerated=r.tol)
    _single_run_caps(d, tl, r, rules)
    d.settled = _settled(tl, weeks, rules)
    if r.B <= 0:
        d.phase, d.target_km, d.dose_rule = "maintain", 0.0, "B-AVAILABLE"
        d.cite("B-AVAILABLE", "your normal week has no running in it, so none is planned")
        return d
    candidates = [*_restart(d, r, rules), *_after_red(d, r, rules), *_holds(d, tl, weeks, r, rules, today_call),
                  *_unknown(d, tl, weeks, r, rules)]
    if not candidates:  # pain but no runs logged at all
        share = rules.value("W-START", "fraction")
        candidates.append((share * r.B, "W-START", f"your back is irritable: about {share:.0%} of your normal week"))
        d.irritable = True
    _choose(d, candidates, r, rules)
    _deload(d, weeks, r, rules)
    _trial(d, r, rules)
    _phase(d, weeks, r, rules)
    return d
