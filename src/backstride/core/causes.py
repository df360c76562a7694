"""Treat the cause: what in a runner's history may have led to the back pain (guidance section 6).

This never diagnoses. It looks for the patterns that the articles (001, 002,
004) list as common causes of back pain in runners, names each one it can see
in the log with the weeks and numbers that show it, says what it checked and
found nothing in, and asks about what a training log cannot show.

Which weeks: the ``C-WINDOW`` weeks (default 12) before the first pain
check-in of the latest pain episode (as triage reads episodes: T-PERSIST's
gap), and the weeks since; with no pain, or pain that settled more than those
12 weeks ago, the last 12 weeks. Weeks before the first logged activity are
unknown, not empty, and are not examined. Every threshold is a ``C-*`` rule in
``rules/data/7-causes.toml``. Pure: no database, clock or I/O; the same state
gives the same report.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from backstride.contract import ACTIVITY_RUNNING_KINDS, Activity, Checkin, State
from backstride.core.shoes import shoe_wear
from backstride.core.timeline import DAY, Timeline, build_timeline, daterange
from backstride.core.triage import pain_episode
from backstride.core.weeks import week_start
from backstride.rules import Catalogue, default_catalogue

__all__ = ["Cause", "CausesReport", "Question", "find_causes"]

WEEK = 7 * DAY
KM_PER_MILE = 1.609344

# Cadence is only comparable on steady running: run:walk averages include the walking, and stairs
# and hill sessions have their own rhythm, so those kinds would read as "low cadence" wrongly.
_CADENCE_KINDS = frozenset(
    {"easy", "recovery", "long", "run", "tempo", "intervals_short", "intervals_long", "progression", "race"}
)
_STRENGTH_KINDS = ("strength", "mobility")

# Output order: the causes the articles list, load first; questions for missing data, then the
# ones no log can answer.
_CAUSE_ORDER = ("C-LOAD-JUMP", "C-ACWR", "C-RUN-SPIKE", "C-REST-DAYS", "C-NO-STRENGTH", "C-SHOES",
                "C-DOWNHILL", "C-CADENCE", "C-SLEEP", "C-STRESS")
_QUESTION_ORDER = ("Q-LOAD", "Q-STRENGTH", "Q-SHOES", "Q-HILLS", "Q-CADENCE", "Q-SLEEP", "Q-STRESS",
                   "Q-SITTING", "Q-INJURY", "Q-SURFACE")

# Below this a reference distance is measurement noise, not training: nothing to compare with.
_MIN_REFERENCE_KM = 0.1


@dataclass(frozen=True, slots=True)
class Cause:
    """One possible cause, checked against the history.

    ``found`` is True when the data shows it, False when the data was there and showed
    nothing (so the runner sees what was checked). ``weeks`` are ISO week starts
    (Mondays, ``YYYY-MM-DD``); ``numbers`` the figures behind the evidence, in km,
    m, hours and steps a minute whatever the runner's display units. ``rule`` is
    the catalogue rule whose advice addresses it; ``source`` cites the cause's own
    ``C-*`` rule.
    """

    id: str
    title: str
    found: bool
    evidence: str
    weeks: tuple[str, ...]
    numbers: Mapping[str, float]
    advice: str
    rule: str
    source: str

    def to_json_dict(self) -> dict[str, Any]:
        """The cause as plain JSON data."""
        return {
            "id": self.id, "title": self.title, "found": self.found, "evidence": self.evidence,
            "weeks": list(self.weeks), "numbers": dict(sorted(self.numbers.items())),
            "advice": self.advice, "rule": self.rule, "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Question:
    """Something that may have played a part but that the data cannot show: asked, not guessed."""

    id: str
    text: str
    why: str

    def to_json_dict(self) -> dict[str, Any]:
        """The question as plain JSON data."""
        return {"id": self.id, "text": self.text, "why": self.why}


@dataclass(frozen=True, slots=True)
class CausesReport:
    """Causes checked (found ones first) and questions, from ``weeks_examined`` weeks of training log."""

    causes: tuple[Cause, ...]
    questions: tuple[Question, ...]
    weeks_examined: int

    @property
    def found(self) -> tuple[Cause, ...]:
        """Only the causes the data shows."""
        return tuple(c for c in self.causes if c.found)

    def to_json_dict(self) -> dict[str, Any]:
        """The report as plain JSON data."""
        return {
            "weeks_examined": self.weeks_examined,
            "causes": [c.to_json_dict() for c in self.causes],
            "questions": [q.to_json_dict() for q in self.questions],
        }


# --- the weeks examined and small helpers -----------------------------------------------------------

def _sentence(parts: list[str]) -> str:
    """Parts joined with semicolons, the first letter raised (str.capitalize would lower the rest)."""
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def _num(x: float) -> str:
    """A figure without a needless ``.0``: 42 and 42.5, never 42.0."""
    return f"{round(x, 1):g}"


@dataclass(frozen=True, slots=True)
class _Ctx:
    """What every check reads: the state, its timeline, the rules and the weeks examined."""

    state: State
    tl: Timeline
    rules: Catalogue
    first: dt.date  # Monday of the first week of the window (check-ins are read from here)
    end: dt.date  # the day after today: nothing later is counted
    pain_began: dt.date | None  # first pain check-in of the current episode
    logged_from: dt.date | None  # first day with any logged activity, up to today
    weeks: tuple[dt.date, ...] = field(default=())  # Mondays of the window that the log covers

    def km(self, monday: dt.date) -> float:
        """Running km of a week (the current week up to today)."""
        return self.tl.km(monday, min(monday + WEEK, self.end))

    def dist(self, km: float) -> str:
        """A distance in the runner's units."""
        if self.state.athlete.units == "mi":
            return f"{_num(km / KM_PER_MILE)} mi"
        return f"{_num(km)} km"

    def pace(self, min_per_km: float) -> str:
        """A pace in the runner's units, as m:ss."""
        unit = "min/km"
        if self.state.athlete.units == "mi":
            min_per_km, unit = min_per_km * KM_PER_MILE, "min/mile"
        seconds = round(min_per_km * 60)
        return f"{seconds // 60}:{seconds % 60:02d} {unit}"

    def after_pain(self, monday: dt.date) -> str:
        """A note for weeks after the one the pain began in: load then kept the pain going, not started it."""
        if self.pain_began is not None and monday > week_start(self.pain_began):
            return " (after the pain began)"
        return ""

    def activities(self) -> Iterable[Activity]:
        """Logged activities of the window, oldest first."""
        for day in daterange(self.first, self.end):
            yield from self.tl.activities.get(day, ())

    def checkins(self) -> list[Checkin]:
        """Check-ins of the window, oldest first."""
        return [self.tl.checkins[d] for d in self.tl.checkin_dates if self.first <= d < self.end]

    def cause(self, cause_id: str, *, found: bool, evidence: str, advice: str, rule: str,
              numbers: Mapping[str, float], weeks: Iterable[dt.date] = ()) -> Cause:
        return Cause(
            id=cause_id, title=self.rules.rule(cause_id).title, found=found, evidence=evidence,
            weeks=tuple(sorted({w.isoformat() for w in weeks})),
            numbers=MappingProxyType({k: round(float(v), 2) for k, v in sorted(numbers.items())}),
            advice=advice, rule=rule, source=self.rules.source(cause_id),
        )


def _context(state: State, tl: Timeline, rules: Catalogue) -> _Ctx:
    weeks_before = int(rules.value("C-WINDOW", "weeks_before"))
    gap = int(rules.value("T-PERSIST", "episode_gap_days"))  # the same episode triage and dose use
    this_monday = week_start(tl.today)
    episode = pain_episode(tl, gap)
    pain_began: dt.date | None = None
    # The latest episode, unless it settled so long ago that its run-up is no longer the recent past.
    if episode is not None and (tl.today - episode[1]).days <= weeks_before * 7:
        pain_began = episode[0]
        first = week_start(pain_began) - weeks_before * WEEK
    else:
        first = this_monday - (weeks_before - 1) * WEEK
    end = tl.today + DAY
    logged = [d for d in tl.activities if d < end]
    logged_from = min(logged) if logged else None
    weeks: tuple[dt.date, ...] = ()
    if logged_from is not None:
        # Weeks before the log begins are not "no running": they are unknown, so they are not examined.
        start = max(first, week_start(logged_from))
        weeks = tuple(start + i * WEEK for i in range((this_monday - start).days // 7 + 1))
    return _Ctx(state, tl, rules, first, end, pain_began, logged_from, weeks)


_Finding = Cause | Question | None
_LOAD_QUESTION = Question(
    "Q-LOAD", "Did you run more, faster or more often in the weeks before the pain began?",
    "Not enough running is logged in the weeks examined to see how your training load changed; "
    "a quick rise in training is one of the commonest causes (001, 004).",
)


# --- load -------------------------------------------------------------------------------------------

def _load_jump(c: _Ctx) -> _Finding:
    """Weeks with more than ``max_rise`` more running than the week before."""
    rid = "C-LOAD-JUMP"
    max_rise, min_km = c.rules.value(rid, "max_rise"), c.rules.value(rid, "min_week_km")
    judged = 0
    largest: tuple[float, dt.date] | None = None
    jumps: list[tuple[dt.date, float, float, float]] = []
    for w in c.weeks:
        before_week = w - WEEK
        if c.logged_from is None or before_week < c.logged_from:
            continue  # the week before must be fully in the log, or a partial week reads as a jump
        before, now = c.km(before_week), c.km(w)
        if before < _MIN_REFERENCE_KM or now < min_km:
            continue
        judged += 1
        rise = now / before - 1
        if largest is None or rise > largest[0]:
            largest = (rise, w)
        if rise > max_rise + 1e-9:
            jumps.append((w, now, before, rise))
    if largest is None:
        return _LOAD_QUESTION
    numbers = {"max_rise_pct": max_rise * 100, "largest_rise_pct": largest[0] * 100,
               "weeks_judged": judged, "weeks_over": len(jumps)}
    if jumps:
        shown = "; ".join(
            f"week of {w}: {c.dist(now)} after {c.dist(before)} ({rise * 100:+.0f}%){c.after_pain(w)}"
            for w, now, before, rise in jumps)
        return c.cause(
            rid, found=True, weeks=[w for w, *_ in jumps], numbers=numbers, rule="W-PROGRESS",
            evidence=f"{shown}. A rise of more than {max_rise * 100:.0f}% in a week gives your back "
                     f"little time to adapt.",
            advice=f"Build up by no more than about {max_rise * 100:.0f}% a week, and hold the distance "
                   f"for a week when it starts to feel like a lot. Your plan does this for you (W-PROGRESS).",
        )
    rise, w = largest
    return c.cause(
        rid, found=False, numbers=numbers, rule="W-PROGRESS",
        evidence=f"No week rose by more than {max_rise * 100:.0f}% over the one before "
                 f"(largest: {rise * 100:+.0f}% in the week of {w}).",
        advice="Keep building gradually, as you have been.",
    )


def _acwr(c: _Ctx) -> _Finding:
    """Weeks far above the average of the weeks before them (acute:chronic workload ratio)."""
    rid = "C-ACWR"
    max_ratio, min_km = c.rules.value(rid, "max_ratio"), c.rules.value(rid, "min_acute_km")
    chronic_days = int(c.rules.value(rid, "chronic_days"))
    chronic_weeks = chronic_days / 7
    highest: tuple[float, dt.date] | None = None
    judged = 0
    spikes: list[tuple[dt.date, float, float, float]] = []
    for w in c.weeks:
        since = w - chronic_days * DAY
        if c.logged_from is None or since < c.logged_from:
            continue  # the comparison weeks must be fully in the log
        acute = c.km(w)
        chronic = c.tl.km(since, w) / chronic_weeks
        if chronic < _MIN_REFERENCE_KM or acute < min_km:
            continue
        judged += 1
        ratio = acute / chronic
        if highest is None or ratio > highest[0]:
            highest = (ratio, w)
        if ratio > max_ratio + 1e-9:
            spikes.append((w, acute, chronic, ratio))
    if highest is None:
        return _LOAD_QUESTION
    numbers = {"max_ratio": max_ratio, "highest_ratio": highest[0], "weeks_judged": judged,
               "weeks_over": len(spikes)}
    if spikes:
        shown = "; ".join(
            f"week of {w}: {c.dist(acute)} against an average of {c.dist(chronic)} a week over the "
            f"{_num(chronic_weeks)} weeks before (ratio {ratio:.2f}){c.after_pain(w)}"
            for w, acute, chronic, ratio in spikes)
        return c.cause(
            rid, found=True, weeks=[w for w, *_ in spikes], numbers=numbers, rule="L-SPIKE",
            evidence=f"{shown}. More than {max_ratio:g} times your recent average is a spike.",
            advice="Keep each week close to what you have been doing lately; after an easy spell or a "
                   "break, build back over several weeks rather than in one.",
        )
    ratio, w = highest
    return c.cause(
        rid, found=False, numbers=numbers, rule="L-SPIKE",
        evidence=f"No week went above {max_ratio:g} times the average of the {_num(chronic_weeks)} weeks "
                 f"before it (highest: {ratio:.2f} in the week of {w}).",
        advice="Keep each week close to your recent average, as you have been.",
    )


def _run_spike(c: _Ctx) -> _Finding:
    """Single runs longer than L-SPIKE allows against the longest run of the days before."""
    rid = "C-RUN-SPIKE"
    ratio_cap = c.rules.value("L-SPIKE", "max_ratio")
    days = int(c.rules.value("L-SPIKE", "window_days"))
    min_km = c.rules.value(rid, "min_run_km")
    judged = 0
    spikes: list[tuple[dt.date, float, float]] = []
    for w in c.weeks:
        for day in c.tl.run_dates(w, min(w + WEEK, c.end)):
            since = day - days * DAY
            run = c.tl.longest_km.get(day, 0.0)
            if c.logged_from is None or since < c.logged_from or run < min_km:
                continue  # the days before must be fully in the log
            before = c.tl.longest(since, day)
            if before < _MIN_REFERENCE_KM:
                continue
            judged += 1
            if run > ratio_cap * before + 1e-9:
                spikes.append((day, run, before))
    if not judged:
        return None  # the load question already asks about training
    over = f"{(ratio_cap - 1) * 100:.0f}%"
    largest = max(((run / before - 1) * 100 for _, run, before in spikes), default=0.0)
    numbers = {"max_ratio": ratio_cap, "runs_judged": judged, "runs_over": len(spikes),
               "largest_rise_pct": largest}
    if spikes:
        shown = "; ".join(f"{day}: {c.dist(run)} when your longest in the {days} days before was "
                          f"{c.dist(before)} ({(run / before - 1) * 100:+.0f}%){c.after_pain(week_start(day))}"
                          for day, run, before in spikes)
        return c.cause(
            rid, found=True, weeks=[week_start(d) for d, _, _ in spikes], numbers=numbers, rule="L-SPIKE",
            evidence=f"{shown}. A single run more than {over} longer than your recent longest is a spike.",
            advice=f"Keep each run within about {over} of your longest in the last {days} days, and "
                   f"lengthen the long run a little at a time. Your plan does this for you (L-SPIKE).",
        )
    return c.cause(
        rid, found=False, numbers=numbers, rule="L-SPIKE",
        evidence=f"No run was more than {over} longer than your longest in the {days} days before it "
                 f"({judged} runs checked).",
        advice="Keep lengthening runs a little at a time, as you have been.",
    )


def _rest_days(c: _Ctx) -> _Finding:
    """Full weeks with too few days free of running and hard training."""
    rid = "C-REST-DAYS"
    min_rest, hard_rpe = c.rules.value(rid, "min_rest_days"), c.rules.value(rid, "hard_rpe")
    min_weeks = c.rules.value(rid, "min_weeks")

    def training(day: dt.date) -> bool:
        # An empty run record (no distance, no time) is not a day of running.
        return c.tl.run_km.get(day, 0.0) > 0 or c.tl.run_min.get(day, 0.0) > 0 or any(
            a.rpe is not None and a.rpe >= hard_rpe for a in c.tl.activities.get(day, ()))

    full = [w for w in c.weeks if w + WEEK <= c.end]  # a week still under way cannot be judged yet
    if not full or not c.tl.run_km:
        return None  # nothing to judge; the load question already asks about training
    rest = {w: sum(not training(d) for d in daterange(w, w + WEEK)) for w in full}
    short = [w for w in full if rest[w] < min_rest]
    fewest = min(rest.values())
    numbers = {"min_rest_days": min_rest, "weeks_judged": len(full), "weeks_short_of_rest": len(short),
               "fewest_rest_days": fewest}
    what = "no day" if min_rest == 1 else f"fewer than {_num(min_rest)} days"
    if short and len(short) >= min_weeks:
        listed = ", ".join(f"{w}{c.after_pain(w)}" for w in short)
        return c.cause(
            rid, found=True, weeks=short, numbers=numbers, rule="M-MONOTONY",
            evidence=f"{len(short)} of {len(full)} full weeks had {what} free of running or hard training "
                     f"(weeks of {listed}).",
            advice="Keep at least one day a week free of running and hard training: your back rebuilds "
                   "on the days off. Easy walking or gentle mobility on those days is fine.",
        )
    return c.cause(
        rid, found=False, numbers=numbers, rule="M-MONOTONY",
        evidence=f"Each of the {len(full)} full weeks had at least {_num(min_rest)} "
                 f"day{'s' if min_rest != 1 else ''} free of running or hard training "
                 f"(fewest in a week: {fewest}).",
        advice="Keep your rest days, as you have been.",
    )


# --- around the running -----------------------------------------------------------------------------

def _no_strength(c: _Ctx) -> _Finding:
    """No strength or mobility session in the log."""
    rid = "C-NO-STRENGTH"
    if not c.weeks:
        return Question("Q-STRENGTH", "Do you do any strength or mobility work, and how often?",
                        "Nothing is logged in the weeks examined. A weak core and hips, or no mobility "
                        "work, are common causes of back pain in runners (001, 002).")
    counts = {k: 0 for k in _STRENGTH_KINDS}
    runs = 0
    for a in c.activities():
        if a.kind in counts:
            counts[a.kind] += 1
        elif a.kind in ACTIVITY_RUNNING_KINDS:
            runs += 1
    total = sum(counts.values())
    numbers = {"strength_sessions": counts["strength"], "mobility_sessions": counts["mobility"], "runs": runs}
    span = f"the {len(c.weeks)} week{'s' if len(c.weeks) != 1 else ''} examined"
    if total < c.rules.value(rid, "min_sessions"):
        usual = ("" if not any(s.kind == "strength" for s in c.state.athlete.baseline.sessions) else
                 " Your usual week lists strength work; if you do it without logging it, this may not apply.")
        return c.cause(
            rid, found=True, numbers=numbers, rule="S-TWO",
            evidence=f"No strength or mobility session is logged in {span} ({runs} runs logged).{usual}",
            advice="Add two short strength sessions a week (split squats, bridges, side planks, carries) and "
                   "about 10 minutes of mobility after runs, and log them so backstride can see them.",
        )
    return c.cause(
        rid, found=False, numbers=numbers, rule="S-TWO",
        evidence=f"{counts['strength']} strength and {counts['mobility']} mobility sessions are logged in "
                 f"{span}.",
        advice="Keep up the strength and mobility work: about two short strength sessions a week.",
    )


def _shoes(c: _Ctx) -> _Finding:
    """Shoes past E-SHOES' distance (the numbers live in that rule, not here)."""
    shoes = c.state.athlete.shoes
    if not shoes:
        return Question("Q-SHOES", "How far have your running shoes gone?",
                        "No shoes are listed in your profile. Worn-out cushioning is a common cause (002): "
                        "shoes last about 480-800 km (300-500 miles).")
    warn, replace = c.rules.value("E-SHOES", "warn_km"), c.rules.value("E-SHOES", "replace_km")
    # One verdict (core.shoes), read by the planner's reminder and the shoe list too, so they never disagree.
    worn = sorted((s for s in shoes if shoe_wear(s.km, c.rules) != "fine"), key=lambda s: (-s.km, s.name))
    highest = max(s.km for s in shoes)
    numbers = {"warn_km": warn, "replace_km": replace, "highest_km": highest, "shoes_worn": len(worn)}
    if worn:
        past = " (past the replace point)"
        listed = "; ".join(f"{s.name}: {c.dist(s.km)}{past if shoe_wear(s.km, c.rules) == 'replace' else ''}"
                           for s in worn)
        names = " and ".join(s.name for s in worn)
        return c.cause(
            "C-SHOES", found=True, numbers=numbers, rule="E-SHOES",
            evidence=f"{listed}. Shoes are worth checking for wear from {c.dist(warn)} and replacing by "
                     f"{c.dist(replace)}.",
            advice=f"Check your {names} for flattened cushioning and plan a new pair by {c.dist(replace)}; "
                   f"rotating two pairs spreads the wear.",
        )
    return c.cause(
        "C-SHOES", found=False, numbers=numbers, rule="E-SHOES",
        evidence=f"All your listed shoes are under {c.dist(warn)} (most worn: {c.dist(highest)}).",
        advice=f"Keep an eye on the distance; check them for wear from {c.dist(warn)}.",
    )


def _downhill(c: _Ctx) -> _Finding:
    """Climbing per km of running, from activities that record elevation gain."""
    rid = "C-DOWNHILL"
    threshold, min_km = c.rules.value(rid, "max_gain_m_per_km"), c.rules.value(rid, "min_km")
    by_week: dict[dt.date, tuple[float, float]] = {}
    for a in c.activities():
        if a.kind not in ACTIVITY_RUNNING_KINDS or a.elevation_gain_m is None:
            continue
        km = a.distance_km if a.distance_km is not None else (a.duration_min or 0.0) / c.tl.easy_pace
        if km <= 0:
            continue
        gain, dist = by_week.get(week_start(a.date), (0.0, 0.0))
        by_week[week_start(a.date)] = (gain + a.elevation_gain_m, dist + km)
    total_gain = sum(g for g, _ in by_week.values())
    total_km = sum(k for _, k in by_week.values())
    if total_km < min_km:
        seen = "No elevation is recorded" if total_km == 0 else \
            f"Only {c.dist(total_km)} of running with elevation is recorded"
        return Question("Q-HILLS", "Do you run many hills, especially long or steep downhills?",
                        f"{seen} in the weeks examined. Downhill running loads the lower back (003).")
    per_km = total_gain / total_km
    numbers = {"max_gain_m_per_km": threshold, "gain_m_per_km": per_km, "gain_m": total_gain,
               "km_with_elevation": total_km}
    honest = ("Your watch records only the climbing, but on routes that end where they began you run down "
              "about as much as you climb.")
    if per_km > threshold:
        hilly = [w for w, (g, k) in sorted(by_week.items()) if g / k > threshold]
        return c.cause(
            rid, found=True, weeks=hilly, numbers=numbers, rule="I-STAIRS",
            evidence=f"{total_gain:,.0f} m of climbing over {c.dist(total_km)} of running: "
                     f"{per_km:.0f} m per km (we look for at most {threshold:g}). {honest}",
            advice="For now choose flatter routes, take any downhill slowly with short, quick steps, and get "
                   "your climbing from stairs instead (I-STAIRS).",
        )
    return c.cause(
        rid, found=False, numbers=numbers, rule="I-STAIRS",
        evidence=f"{total_gain:,.0f} m of climbing over {c.dist(total_km)} of running: "
                 f"{per_km:.0f} m per km, not hilly (we look for more than {threshold:g}).",
        advice="Flat or gently rolling routes suit a sore back; keep them.",
    )


def _cadence(c: _Ctx) -> _Finding:
    """Median cadence, slower and faster runs apart, since cadence rises with pace."""
    rid = "C-CADENCE"
    split, min_runs = c.rules.value(rid, "pace_split_min_per_km"), c.rules.value(rid, "min_runs")
    plausible = c.rules.value(rid, "min_plausible_spm")
    limits = {"slow": c.rules.value(rid, "slow_min_spm"), "fast": c.rules.value(rid, "fast_min_spm")}
    groups: dict[str, list[tuple[float, dt.date]]] = {"slow": [], "fast": []}
    for a in c.activities():
        if (a.kind not in _CADENCE_KINDS or a.cadence_spm is None or a.cadence_spm < plausible
                or not a.distance_km or not a.duration_min):
            continue
        groups["slow" if a.duration_min / a.distance_km > split else "fast"].append((a.cadence_spm, a.date))
    counted = sum(len(g) for g in groups.values())
    judged = {k: g for k, g in groups.items() if len(g) >= min_runs}
    if not judged:
        seen = "No cadence is recorded" if counted == 0 else \
            f"Only {counted} run{'s' if counted != 1 else ''} with cadence, distance and time recorded"
        return Question("Q-CADENCE", "Do you take long strides, landing with your heel well in front of you?",
                        f"{seen} in the weeks examined, so we cannot compare your cadence with your pace. "
                        "Overstriding adds force through the back (001).")
    words = {"slow": f"slower than {c.pace(split)}", "fast": f"at {c.pace(split)} or faster"}
    numbers: dict[str, float] = {}
    parts: list[str] = []
    low_weeks: list[dt.date] = []
    low = False
    for k, g in judged.items():
        median = statistics.median(s for s, _ in g)
        numbers |= {f"{k}_median_spm": median, f"{k}_runs": len(g), f"{k}_min_spm": limits[k]}
        if median < limits[k]:
            low = True
            low_weeks += [week_start(d) for s, d in g if s < limits[k]]
            parts.append(f"median {median:.0f} steps a minute over {len(g)} runs {words[k]} "
                         f"(below {limits[k]:g})")
        else:
            parts.append(f"median {median:.0f} steps a minute over {len(g)} runs {words[k]} "
                         f"(at least {limits[k]:g})")
    increase = c.rules.value("F-CADENCE", "increase")
    if low:
        return c.cause(
            rid, found=True, weeks=low_weeks, numbers=numbers, rule="F-CADENCE",
            evidence=f"{_sentence(parts)}. A low cadence for the pace can mean long strides: "
                     f"you may be overstriding.",
            advice=f"Try shorter, quicker steps, about {increase * 100:.0f}% more a minute than now, landing "
                   f"softly with your foot under you; there is no need to aim for 180.",
        )
    return c.cause(
        rid, found=False, numbers=numbers, rule="F-CADENCE",
        evidence=f"{_sentence(parts)}: no sign of overstriding from cadence.",
        advice="Keep running tall with quick, soft steps.",
    )


# --- sleep and stress, from the check-ins -----------------------------------------------------------

def _checkin_average(
    c: _Ctx, value: Callable[[Checkin], float | None]
) -> tuple[float, int, dict[dt.date, float]]:
    """Mean of a check-in field over the window, how many check-ins had it, and each week's mean."""
    per_week: dict[dt.date, list[float]] = {}
    for ch in c.checkins():
        v = value(ch)
        if v is not None:
            per_week.setdefault(week_start(ch.date), []).append(v)
    values = [v for vs in per_week.values() for v in vs]
    mean = sum(values) / len(values) if values else 0.0
    return mean, len(values), {w: sum(vs) / len(vs) for w, vs in sorted(per_week.items())}


def _how_many(n: int) -> str:
    """'No check-ins', 'Only 1 check-in', 'Only 2 check-ins'."""
    return "No check-ins" if n == 0 else f"Only {n} check-in{'s' if n != 1 else ''}"


def _sleep(c: _Ctx) -> _Finding:
    rid = "C-SLEEP"
    least, needed = c.rules.value(rid, "min_hours"), c.rules.value(rid, "min_checkins")
    mean, n, weekly = _checkin_average(c, lambda ch: ch.sleep_hours)
    if n < needed:
        return Question("Q-SLEEP", "How many hours do you usually sleep, and has that changed lately?",
                        f"{_how_many(n)} with sleep hours in the weeks examined. Sleep is when your back "
                        "recovers (001, 002).")
    numbers = {"min_hours": least, "average_hours": mean, "checkins": n}
    if mean < least:
        return c.cause(
            rid, found=True, weeks=[w for w, v in weekly.items() if v < least], numbers=numbers, rule=rid,
            evidence=f"You slept {mean:.1f} hours a night on average over {n} check-ins (we look for at "
                     f"least {least:g}). Pain itself can cut sleep short; either way, more sleep helps "
                     f"recovery.",
            advice="Aim for 7-9 hours: a regular bedtime, a wind-down without screens, and moving an "
                   "evening run earlier can all help.",
        )
    return c.cause(
        rid, found=False, numbers=numbers, rule=rid,
        evidence=f"You slept {mean:.1f} hours a night on average over {n} check-ins.",
        advice="Keep protecting your sleep: it is when your back recovers.",
    )


def _stress(c: _Ctx) -> _Finding:
    rid = "C-STRESS"
    high, needed = c.rules.value(rid, "high_stress"), c.rules.value(rid, "min_checkins")
    mean, n, weekly = _checkin_average(c, lambda ch: None if ch.stress is None else float(ch.stress))
    if n < needed:
        return Question("Q-STRESS", "Have you been under more stress or worry than usual lately?",
                        f"{_how_many(n)} with a stress score in the weeks examined. Stress and anxiety can "
                        "cause or increase pain (001).")
    numbers = {"high_stress": high, "average_stress": mean, "checkins": n}
    if mean >= high:
        return c.cause(
            rid, found=True, weeks=[w for w, v in weekly.items() if v >= high], numbers=numbers, rule=rid,
            evidence=f"Your stress averaged {mean:.1f}/10 over {n} check-ins ({high:g} or more counts as "
                     f"high). Stress can turn up pain; it does not mean the pain is imagined.",
            advice="Count easy runs, walks and whatever helps you unwind as part of your recovery, and if "
                   "the stress weighs on you, talk to someone you trust or your doctor.",
        )
    return c.cause(
        rid, found=False, numbers=numbers, rule=rid,
        evidence=f"Your stress averaged {mean:.1f}/10 over {n} check-ins.",
        advice="Keep making room for what helps you unwind.",
    )


# --- what no log can show ---------------------------------------------------------------------------

_ALWAYS_ASKED = (
    Question("Q-SITTING", "Do you sit for long hours (a desk, driving, long flights), perhaps more than "
             "usual before the pain began?",
             "Long sitting can leave the back stiff (001); a training log cannot show it. Getting up to move "
             "often, and a chair that supports your lower back, help (002)."),
    Question("Q-INJURY", "Did you hurt your back some other way before the pain began: lifting, gardening, "
             "another sport, a fall?",
             "A back injury unrelated to running can leave it weaker and easily irritated, so it may need "
             "its strength rebuilt before running feels good again (001). If there was a fall or accident, "
             "tell your doctor or physio."),
    Question("Q-SURFACE", "Do you run mostly on hard or uneven ground, such as concrete, cambered roads or "
             "rough trails?",
             "Hard or uneven surfaces add impact and instability (002); your log shows where you ran, not "
             "what it was like underfoot. Rotating grass, dirt paths and a treadmill helps (E-SURFACE)."),
)

_CHECKS: tuple[Callable[[_Ctx], _Finding], ...] = (
    _load_jump, _acwr, _run_spike, _rest_days, _no_strength, _shoes, _downhill, _cadence, _sleep, _stress,
)


def find_causes(state: State, catalogue: Catalogue | None = None) -> CausesReport:
    """What in the history may have led to the pain, and what to ask about.

    Causes come found-first, then in a fixed order (load, single-run spikes, rest, strength, shoes,
    hills, cadence, sleep, stress); a cause with no data to judge is left out and
    asked about as a question instead.
    """
    rules = catalogue or default_catalogue()
    # A report reads the whole history it is given, not the planner's recent window.
    dates = [c.date for c in state.checkins] + [a.date for a in state.activities]
    span = (state.today - min(dates)).days + 1 if dates else 0
    ctx = _context(state, build_timeline(state, rules, window_days=max(span, 1)), rules)
    causes: list[Cause] = []
    questions: dict[str, Question] = {}  # by id: both load checks ask the same question
    for check in _CHECKS:
        finding = check(ctx)
        if isinstance(finding, Cause):
            causes.append(finding)
        elif isinstance(finding, Question):
            questions[finding.id] = finding
    for q in _ALWAYS_ASKED:
        questions[q.id] = q
    causes.sort(key=lambda k: (not k.found, _CAUSE_ORDER.index(k.id)))
    return CausesReport(
        causes=tuple(causes),
        questions=tuple(sorted(questions.values(), key=lambda q: _QUESTION_ORDER.index(q.id))),
        weeks_examined=len(ctx.weeks),
    )
