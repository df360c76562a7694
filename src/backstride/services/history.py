"""`history`: an athlete's weeks as plain data, for the web app's pictures and the API.

Weekly running distance against pain (at rest, during runs, the next morning), each run's answer
(green, amber or red by the 24-hour rule), flares and red-flag days, planned against done, the
acute:chronic ratio, shoes with their wear, and what ``causes`` finds with its weeks. Nothing is
decided here: every figure comes from the same core functions the command line shows (Monday
weeks of :mod:`backstride.core.weeks`, :mod:`backstride.core.pain_response`, ``runs``, ``weeks``,
``causes``), so a picture can never disagree with the terminal. Distances are in the runner's units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from backstride.contract import Session, State
from backstride.core.causes import find_causes
from backstride.core.pain_response import Level, run_response
from backstride.core.planned_done import Verdict, planned_against_done
from backstride.core.progress import weekly_progress
from backstride.core.timeline import DAY, Timeline, build_timeline
from backstride.core.triage import warning_signs
from backstride.core.weeks import WEEK, week_days
from backstride.core.words import Units, distance_value
from backstride.rules import Catalogue, default_catalogue
from backstride.services.runs import planned_sessions
from backstride.services.shoes import shoes_of
from backstride.storage import Database, state_for

__all__ = ["MAX_WEEKS", "CauseFound", "History", "HistoryWeek", "RedFlagDay", "RunMark", "ShoeWear",
           "history_for", "history_of"]

MAX_WEEKS = 104  # two years: as far back as `runs --weeks` reads


@dataclass(frozen=True, slots=True)
class RunMark:
    """One run day and how the back answered it; ``distance`` is None for a run reported only in a check-in."""

    date: dt.date
    distance: float | None
    level: Level
    rule: str
    why: str

    @property
    def flare(self) -> bool:
        """A run the back answered red: a flare."""
        return self.level == "red"


@dataclass(frozen=True, slots=True)
class RedFlagDay:
    """A check-in that answered a warning sign yes, with triage's rule and words."""

    date: dt.date
    rule: str  # T-EMERG, T-NEURO or T-SERIOUS
    signs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HistoryWeek:
    """One Monday week: distance done and planned, average pains, the back's answer and the load ratio."""

    start: dt.date
    distance: float
    planned: float | None  # None when no plan was kept for any day of the week
    verdict: Verdict  # done against planned, the words `runs` uses
    runs: int
    pain_rest: float | None  # averages over the week's check-ins, 0-10
    pain_during: float | None
    pain_next_morning: float | None  # the morning after each run day
    response: Level  # the week's worst run answer
    acwr: float | None
    flares: int  # runs answered red
    red_flag_days: int


@dataclass(frozen=True, slots=True)
class ShoeWear:
    """A pair of shoes, its distance in the runner's units, and what to do about it."""

    name: str
    distance: float
    advice: str


@dataclass(frozen=True, slots=True)
class CauseFound:
    """Something ``causes`` checked, with the Monday weeks that show it."""

    id: str
    title: str
    found: bool
    evidence: str
    advice: str
    weeks: tuple[dt.date, ...]


@dataclass(frozen=True, slots=True)
class History:
    """An athlete's last weeks, oldest first, in the runner's units."""

    today: dt.date
    units: Units
    weeks: tuple[HistoryWeek, ...]
    runs: tuple[RunMark, ...]
    red_flags: tuple[RedFlagDay, ...]
    shoes: tuple[ShoeWear, ...]
    causes: tuple[CauseFound, ...]
    weeks_examined: int  # by causes
    shoe_check_at: float | None = None  # E-SHOES' distances in the runner's units: check for wear, then replace
    shoe_replace_at: float | None = None

    @property
    def empty(self) -> bool:
        """Nothing logged in these weeks: no run, no check-in, no plan."""
        return not self.runs and all(w.pain_rest is None and w.planned is None and w.distance == 0 for w in self.weeks)

    def to_json_dict(self) -> dict[str, Any]:
        """Plain JSON data (dates as ``YYYY-MM-DD``), for the API."""
        plain: dict[str, Any] = _plain(self)
        return plain


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f: _plain(getattr(value, f)) for f in value.__dataclass_fields__}
    return value


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _run_marks(tl: Timeline, first: dt.date, units: Units, rules: Catalogue) -> tuple[RunMark, ...]:
    out = []
    day = first
    while day <= tl.today:
        if tl.ran_on(day):
            r = run_response(tl, day, rules)
            km = tl.run_km.get(day)
            out.append(RunMark(day, None if km is None else round(distance_value(km, units), 1), r.level, r.rule,
                               r.why))
        day += DAY
    return tuple(out)


def _red_flag_days(tl: Timeline, first: dt.date) -> tuple[RedFlagDay, ...]:
    out = []
    for day in sorted(tl.checkins):
        if first <= day <= tl.today:
            rule, signs = warning_signs(tl.checkins[day])
            if rule:
                out.append(RedFlagDay(day, rule, signs))
    return tuple(out)


def history_of(state: State, planned: Mapping[dt.date, Sequence[Session]], weeks: int, rules: Catalogue | None = None
               ) -> tuple[tuple[HistoryWeek, ...], tuple[RunMark, ...], tuple[RedFlagDay, ...]]:
    """The weekly rows, run marks and red-flag days of the last ``weeks`` Monday weeks (pure)."""
    rules = rules or default_catalogue()
    units: Units = state.athlete.units
    progress = weekly_progress(state, weeks, rules)
    records = planned_against_done(state, planned, weeks, rules)
    tl = build_timeline(state, rules, window_days=7 * (weeks + 1))
    first = progress[0].start
    runs = _run_marks(tl, first, units, rules)
    flags = _red_flag_days(tl, first)
    rows = []
    for p, rec in zip(progress, records, strict=True):
        end = p.start + WEEK
        days = [d for d in week_days(p.start) if d <= tl.today]
        during = [c.pain_during for d in days if (c := tl.checkin(d)) is not None and c.pain_during is not None]
        after = [n for d in days if tl.ran_on(d) and d < tl.today and (n := tl.next_morning_pain(d)) is not None]
        kept = any(d in planned for d in week_days(p.start))
        rows.append(HistoryWeek(
            start=p.start, distance=round(distance_value(p.run_km, units), 1),
            planned=round(distance_value(rec.planned_km, units), 1) if kept else None, verdict=rec.verdict,
            runs=p.runs, pain_rest=p.morning_pain, pain_during=_mean(during), pain_next_morning=_mean(after),
            response=p.response, acwr=p.acwr,  # type: ignore[arg-type]
            flares=sum(1 for r in runs if p.start <= r.date < end and r.flare),
            red_flag_days=sum(1 for f in flags if p.start <= f.date < end)))
    return tuple(rows), runs, flags


def history_for(db: Database, athlete_id: int, today: dt.date, weeks: int = 12) -> History:
    """An athlete's last ``weeks`` Monday weeks up to ``today`` (1 to :data:`MAX_WEEKS`).

    ValueError naming the problem for a number of weeks out of range; AthleteNotFound for an unknown athlete.
    """
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be from 1 to {MAX_WEEKS} (got {weeks})")
    rules = default_catalogue()
    state = state_for(db, athlete_id, today)  # the whole history: causes reads back to the pain's start
    units: Units = state.athlete.units
    rows, runs, flags = history_of(state, planned_sessions(db, athlete_id, today, weeks), weeks, rules)
    report = find_causes(state, rules)
    listed = shoes_of(db, athlete_id, rules)
    shoes = tuple(ShoeWear(s.name, round(distance_value(s.km, units), 1), advice) for s, advice in listed.shoes)
    causes = tuple(CauseFound(c.id, c.title, c.found, c.evidence, c.advice,
                              tuple(dt.date.fromisoformat(w) for w in c.weeks)) for c in report.causes)
    return History(today, units, rows, runs, flags, shoes, causes, report.weeks_examined,
                   distance_value(listed.warn_km, units), distance_value(listed.replace_km, units))
