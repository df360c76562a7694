"""A cohort of simulated runners with low back pain, followed week by week under three policies.

    .venv/bin/python benchmarks/cohort.py [--runners 100] [--weeks 12] [--seed 1] [--run-walk-load 1.0]

Each runner has a normal week (3-5 runs, a long run at the weekend) and a back that tolerates, hidden
from every policy, a weekly running distance (45-80% of the normal week at the start) and a single run
(that share of the normal long run, times 0.9-1.2, at most all of it). A week above either flares:
the next morning's pain at rest rises, by three points most of the time and by only one point
sometimes (a noisy answer). A week or a run within 10% of its tolerance gives moderate pain during
the run. Tolerance grows after each week the
back tolerated (8-12% a week, up to 120% of normal) and falls by 15% after a flare; pain at rest rises
by two points after a flare and eases by a point on half the quiet weeks. A run:walk kilometre loads
the back like a continuous one unless --run-walk-load says less (no source gives the figure).

The runner comes with the flare-up cycle that brings them to backstride, answered by the same back:
their normal week flared; they eased off by feel to a lighter week (70-90% of normal), and 15% less
again each week while it still hurt (at most five lighter weeks); once one felt fine they went back to
the normal week, and it flared again. No policy is told what the lighter weeks were, only the runs
and the check-ins, as a real log shows them.

Policies, side by side on the same runners (same seeds):
- backstride: each morning, after the check-in, `decide_today` on the check-ins and runs so far, and
  the runner runs what it says (cross-training and strength do not load the simulated back);
- backstride, plan only: each Monday `plan_week`, and the runner runs its running sessions as planned;
- keep training: the normal week every week, whatever the pain;
- rest, then +10%: no running while pain at rest is above 0; then 50% of the normal week, 10% more
  each week up to normal; a flare sends the runner back to rest.

Printed per policy: flare weeks per runner (mean), weeks until back to normal (first week at 90% or more
of the normal week that did not flare; mean over those who got there, and how many never did), and km
run per runner (mean). Deterministic for a seed; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from backstride.contract import RUNNING_KINDS, State, parse_state
from backstride.core.decide import decide_today
from backstride.core.planner import plan_week

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
START = dt.date(2026, 3, 2)  # a Monday
LIGHTER = (0.7, 0.9)  # the share of the normal week a runner in pain first eases off to, by feel
EASE_OFF = 0.85  # while a lighter week still hurts, the next one is this share of it
EASE_TRIES = 5  # lighter weeks at most before going back to the normal week
BACK_TO_NORMAL = 0.9  # a week at this share of the normal week, without a flare, is back to normal
AMBER_BAND = 0.9  # load above this share of a tolerance gives moderate pain during the run
FLARE_DROP = 0.85  # tolerance kept after a flare
MAX_TOLERANCE = 1.2  # tolerance never grows beyond this share of the normal week / long run


@dataclass
class Back:
    """What the runner's back tolerates now; no policy reads it."""

    week_km: float
    run_km: float
    growth: float
    rest_pain: int


@dataclass
class SimRunner:
    seed: int
    baseline: list[dict[str, Any]]
    back: Back

    @property
    def normal_km(self) -> float:
        return float(sum(s["distance_km"] for s in self.baseline))

    @property
    def normal_longest(self) -> float:
        return float(max(s["distance_km"] for s in self.baseline))


@dataclass
class Outcome:
    flare_weeks: int = 0
    back_to_normal_week: int | None = None
    km: float = 0.0
    weekly_km: list[float] = field(default_factory=list)


def make_runner(seed: int) -> SimRunner:
    rng = random.Random(seed)
    n = rng.randint(3, 5)
    normal = rng.uniform(20, 60)
    long_share = rng.uniform(0.3, 0.4)
    days = [*sorted(rng.sample(WEEKDAYS[:5], n - 1), key=WEEKDAYS.index), rng.choice(("sat", "sun"))]
    easy = round(normal * (1 - long_share) / (n - 1), 1)
    longest = round(normal * long_share, 1)
    baseline: list[dict[str, Any]] = [{"day": d, "kind": "easy", "distance_km": easy} for d in days[:-1]]
    baseline.append({"day": days[-1], "kind": "long", "distance_km": longest})
    total = easy * (n - 1) + longest
    share = rng.uniform(0.45, 0.8)
    back = Back(week_km=total * share, run_km=longest * min(1.0, share * rng.uniform(0.9, 1.2)),
                growth=rng.uniform(0.08, 0.12), rest_pain=rng.randint(2, 4))
    return SimRunner(seed, baseline, back)


Week = list[tuple[dt.date, str, float]]  # (day, kind, km) of the week's runs
Policy = Callable[["Story", dt.date], Week]  # the week's runs, chosen on its Monday
DailyCall = Callable[["Story", dt.date], "tuple[str, float] | None"]  # today's run, chosen this morning


@dataclass
class Story:
    """What a policy may read: the runner's normal week, check-ins and runs so far."""

    runner: SimRunner
    checkins: dict[dt.date, dict[str, Any]] = field(default_factory=dict)
    activities: list[dict[str, Any]] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict)

    def normal_week(self, monday: dt.date, share: float = 1.0) -> Week:
        return [(monday + dt.timedelta(days=WEEKDAYS.index(s["day"])), s["kind"], round(s["distance_km"] * share, 1))
                for s in self.runner.baseline]

    def morning_pain(self, day: dt.date) -> int:
        return int(self.checkins.get(day, {}).get("pain_rest", 0))


def _state(story: Story, today: dt.date) -> State:
    return parse_state({"schema": "backstride.state/1", "today": today.isoformat(),
                        "athlete": {"baseline": {"sessions": story.runner.baseline}},
                        "checkins": [{"date": d.isoformat(), **c} for d, c in sorted(story.checkins.items())
                                     if d <= today],
                        "activities": story.activities})


def backstride(story: Story, monday: dt.date) -> Week:
    plan = plan_week(_state(story, monday))
    return [(s.date, s.kind, s.distance_km or 0.0) for s in plan.sessions if s.kind in RUNNING_KINDS]


def backstride_today(story: Story, today: dt.date) -> tuple[str, float] | None:
    """What a runner who asks `decide` each morning, after the check-in, runs today."""
    session = decide_today(_state(story, today)).session
    if session is None or session.kind not in RUNNING_KINDS:
        return None
    return session.kind, session.distance_km or 0.0


def keep_training(story: Story, monday: dt.date) -> Week:
    return story.normal_week(monday)


def rest_then_ten_percent(story: Story, monday: dt.date) -> Week:
    if story.memo.pop("flared", False):
        story.memo.pop("share", None)  # a flare: back to rest
    share = story.memo.get("share")
    if share is None:
        if story.morning_pain(monday - dt.timedelta(days=1)) > 0:
            return []
        share = 0.5
    else:
        share = min(1.0, share * 1.1)
    story.memo["share"] = share
    return story.normal_week(monday, share)


POLICIES: dict[str, tuple[Policy, DailyCall | None]] = {
    "backstride": (backstride, backstride_today),
    "backstride, plan only": (backstride, None),
    "keep training": (keep_training, None),
    "rest, then +10%": (rest_then_ten_percent, None),
}


def _history(story: Story, back: Back, rng: random.Random) -> None:
    """The flare-up cycle before the first plan, answered by the same back.

    The normal week flared; the runner eased off by feel to a lighter week (LIGHTER of the normal week),
    and while a lighter week still hurt, eased off by another EASE_OFF the next week (at most
    EASE_TRIES lighter weeks); once one felt fine they went back to the normal week, and it flared
    again. The back answers each week as it answers the weeks that follow (on a copy: the tolerance at
    the first plan is the drawn one), so each lighter week is green, amber or red as it really was.
    """
    log = Story(story.runner)  # written from an early Monday, then moved to end the day before START
    monday = dt.date(2000, 1, 3)
    _live_week(log, Back(**vars(back)), monday, log.normal_week(monday), rng)
    share = rng.uniform(*LIGHTER)
    for _ in range(EASE_TRIES):
        monday += dt.timedelta(days=7)
        _live_week(log, Back(**vars(back)), monday, log.normal_week(monday, share), rng)
        days = [log.checkins.get(monday + dt.timedelta(days=i), {}) for i in range(8)]
        if all(c.get("pain_during", 0) <= back.rest_pain and c.get("pain_rest", 0) <= back.rest_pain + 1
               for c in days):
            break  # this lighter week felt fine
        share *= EASE_OFF
    monday += dt.timedelta(days=7)
    _live_week(log, Back(**vars(back)), monday, log.normal_week(monday), rng)
    shift = START - (monday + dt.timedelta(days=7))
    story.checkins.update({day + shift: c for day, c in log.checkins.items()})
    story.activities += [{**a, "date": (dt.date.fromisoformat(a["date"]) + shift).isoformat()}
                         for a in log.activities]


def _live_week(story: Story, back: Back, monday: dt.date, runs: Week, rng: random.Random,
               run_walk_load: float = 1.0, daily: DailyCall | None = None) -> tuple[bool, float]:
    """The runner runs ``runs`` (or what ``daily`` says each morning); the back answers.

    Returns whether the week flared and the km run. A run:walk kilometre loads the back
    ``run_walk_load`` times as much as a continuous one.
    """
    by_day = {day: (kind, km) for day, kind, km in runs}
    load, flared, run_km = 0.0, False, 0.0
    for i in range(7):
        day = monday + dt.timedelta(days=i)
        c = story.checkins.setdefault(day, {})
        jitter = 1 if back.rest_pain and rng.random() < 0.25 else 0
        c.setdefault("pain_rest", min(10, back.rest_pain + jitter))
        run = daily(story, day) if daily is not None else by_day.get(day)
        if run is None:
            continue
        kind, km = run
        run_km += km
        km_load = km * (run_walk_load if kind in ("run_walk", "long_run_walk") else 1.0)
        load += km_load
        story.activities.append({"date": day.isoformat(), "kind": kind, "distance_km": km, "rpe": 3})
        over = load > back.week_km or km_load > back.run_km
        near = load > AMBER_BAND * back.week_km or km_load > AMBER_BAND * back.run_km
        c["pain_during"] = c["pain_after"] = min(10, back.rest_pain + (2 if near else 0))
        if over and not flared:
            flared = True
            rise = 1 if rng.random() < 0.3 else 3
            story.checkins[day + dt.timedelta(days=1)] = {"pain_rest": min(10, back.rest_pain + rise)}
            back.rest_pain = min(7, back.rest_pain + 2)
    return flared, run_km


def follow(seed: int, policy: tuple[Policy, DailyCall | None], weeks: int, run_walk_load: float = 1.0) -> Outcome:
    runner = make_runner(seed)
    back = Back(**vars(runner.back))
    story = Story(runner)
    _history(story, back, random.Random(seed * 7919 + 2))
    rng = random.Random(seed * 7919 + 1)
    out = Outcome()
    for w in range(weeks):
        monday = START + dt.timedelta(days=7 * w)
        weekly, daily = policy
        runs = weekly(story, monday) if daily is None else []
        flared, km = _live_week(story, back, monday, runs, rng, run_walk_load, daily)
        out.km += km
        out.weekly_km.append(km)
        if flared:
            out.flare_weeks += 1
            story.memo["flared"] = True
            back.week_km *= FLARE_DROP
            back.run_km *= FLARE_DROP
        else:
            if km <= back.week_km and km > 0:
                back.week_km = min(back.week_km * (1 + back.growth), MAX_TOLERANCE * runner.normal_km)
                back.run_km = min(back.run_km * (1 + back.growth), MAX_TOLERANCE * runner.normal_longest)
            if back.rest_pain and rng.random() < 0.5:
                back.rest_pain -= 1
            if out.back_to_normal_week is None and km >= BACK_TO_NORMAL * runner.normal_km:
                out.back_to_normal_week = w + 1
    return out


def run_cohort(n: int, weeks: int, seed: int, run_walk_load: float = 1.0) -> dict[str, list[Outcome]]:
    seeds = [seed * 100_003 + i for i in range(n)]
    return {name: [follow(s, policy, weeks, run_walk_load) for s in seeds] for name, policy in POLICIES.items()}


def report(results: dict[str, list[Outcome]]) -> list[str]:
    lines = [f"{'policy':<22}{'flare weeks/runner':>20}{'weeks to normal':>17}{'never':>8}{'km/runner':>11}"]
    for name, outs in results.items():
        flares = statistics.fmean(o.flare_weeks for o in outs)
        reached = [o.back_to_normal_week for o in outs if o.back_to_normal_week is not None]
        to_normal = f"{statistics.fmean(reached):.1f}" if reached else "-"
        never = f"{len(outs) - len(reached)}/{len(outs)}"
        km = statistics.fmean(o.km for o in outs)
        lines.append(f"{name:<22}{flares:>20.2f}{to_normal:>17}{never:>8}{km:>11.0f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--runners", type=int, default=100, help="runners in the cohort (default 100)")
    ap.add_argument("--weeks", type=int, default=12, help="weeks each runner is followed (default 12)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the cohort (default 1)")
    ap.add_argument("--run-walk-load", type=float, default=1.0,
                    help="how much a run:walk km loads the back next to a continuous km (default 1.0)")
    args = ap.parse_args(argv)
    if args.runners < 1 or args.weeks < 1 or not 0 < args.run_walk_load <= 1:
        print("cohort.py: --runners and --weeks must be at least 1, --run-walk-load in (0, 1]", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    results = run_cohort(args.runners, args.weeks, args.seed, args.run_walk_load)
    print(f"{args.runners} simulated runners, {args.weeks} weeks, seed {args.seed}, run:walk load "
          f"{args.run_walk_load:g} (tolerance at the start 45-80% of the normal week)")
    for line in report(results):
        print(line)
    print(f"({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
