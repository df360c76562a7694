"""A runner's history indexed by day: the one place that reads check-ins and activities.

Everything else in the core asks the timeline ("pain this morning?", "running
km between these dates?") instead of scanning lists, so a state with years of
history is read once.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from types import MappingProxyType

from backstride.contract import ACTIVITY_RUNNING_KINDS, BASELINE_RUNNING_KINDS, HARD_KINDS, Activity, Checkin, State
from backstride.rules import Catalogue

__all__ = ["DAY", "RED_FLAG_QUESTIONS", "STANDING_FACTS", "WINDOW_DAYS", "FlagAnswers", "Timeline", "build_timeline",
           "daterange", "flag_answers", "reports_run"]

DAY = dt.timedelta(days=1)
# Everything the planner reads lies within this many days before today (the 12 weeks of weekly
# answers and a week more): older history is not indexed, so a plan costs the same with two years
# of data as with three months. A pain episode longer than the window is still longer than six weeks.
WINDOW_DAYS = 91
_CHECKIN_FIELDS = tuple(Checkin.model_fields)
_DATE = attrgetter("date")


def daterange(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Days from start (inclusive) to end (exclusive)."""
    return iter(_days(start, end))


@lru_cache(maxsize=4096)
def _days(start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    # The planner asks for the same few weeks many times: a cached tuple beats a generator.
    return tuple(start + i * DAY for i in range((end - start).days))


# The yes/no warning-sign questions of a check-in (T-PERSIST-FLAGS): a yes stays in force until a later
# check-in answers the same question no; a check-in that leaves the question out does not clear it.
RED_FLAG_QUESTIONS = ("bladder_bowel_change", "saddle_numbness", "leg_weakness", "both_legs", "numbness_tingling",
                      "radiating_below_knee", "fever_unwell", "night_pain", "walking_pain", "limping")
# Standing facts: once said, they stay until a clinician has cleared the athlete to run.
STANDING_FACTS = ("recent_trauma", "unexplained_weight_loss")


@dataclass(frozen=True, slots=True)
class FlagAnswers:
    """The warning signs in force today, each with the day of the check-in that reported it."""

    since: Mapping[str, dt.date]  # question -> day of the yes that is still in force

    def __contains__(self, question: object) -> bool:
        return question in self.since

    def as_checkin(self, today: dt.date) -> Checkin:
        """A check-in holding every sign in force as yes (and nothing else), for the triage rules to read."""
        values: dict[str, object] = {f: (True if f in self.since else None) for f in _FLAG_FIELDS}
        return Checkin.model_construct(None, date=today, **values)

    def earliest(self, questions: Sequence[str]) -> dt.date | None:
        """The earliest day among these questions' yes answers (None when none is in force)."""
        return min((self.since[q] for q in questions if q in self.since), default=None)


_FLAG_FIELDS = RED_FLAG_QUESTIONS + STANDING_FACTS


def flag_answers(history: Sequence[Checkin], today: dt.date, cleared: bool) -> FlagAnswers:
    """Read every check-in up to today: the latest explicit answer to each question, yes standing facts.

    The history is in date order (same-day check-ins in the order given, the later answer winning), so
    it is read from the end, and the questions stop being looked for once each has its latest answer.
    """
    end = bisect.bisect_right(history, today, key=_DATE)
    since: dict[str, dt.date] = {}
    open_questions = set(RED_FLAG_QUESTIONS)
    for c in reversed(history[:end]):
        if not open_questions:
            break
        for q in tuple(open_questions):
            answer = getattr(c, q)
            if answer is not None:
                open_questions.discard(q)
                if answer:
                    since[q] = c.date
    if not cleared:
        for q in STANDING_FACTS:
            first = next((c.date for c in history[:end] if getattr(c, q)), None)
            if first is not None:
                since[q] = first
    return FlagAnswers(since=MappingProxyType(since))


def reports_run(c: Checkin) -> bool:
    """Whether a check-in answers the run questions (pain during or after, rising, sharp): the runner ran."""
    return (c.pain_during is not None or c.pain_after is not None or bool(c.pain_rising_during)
            or bool(c.sharp_pain))


def _merge(first: Checkin, second: Checkin) -> Checkin:
    """Two check-ins on one day: the later one's answers win, the earlier fills gaps."""
    merged = {f: getattr(second, f) if getattr(second, f) is not None else getattr(first, f)
              for f in _CHECKIN_FIELDS}
    return Checkin.model_construct(**merged)


@dataclass(frozen=True, slots=True)
class Timeline:
    """Check-ins and activities by day, with distances estimated where only time is known."""

    today: dt.date
    checkins: dict[dt.date, Checkin]
    run_km: dict[dt.date, float]  # running distance per day
    run_min: dict[dt.date, float]
    longest_km: dict[dt.date, float]  # longest single run per day
    activities: Mapping[dt.date, Sequence[Activity]]  # in the order given
    easy_pace: float  # min/km
    walk_pace: float
    checkin_dates: list[dt.date]  # sorted
    run_dates_sorted: list[dt.date]
    # The per-day running figures as lists in date order, aligned with run_dates_sorted (and
    # hard_dates): a span of days is two bisections and a slice, not a lookup per day.
    km_by_run_date: list[float]
    minutes_by_run_date: list[float]
    longest_by_run_date: list[float]
    hard_dates: list[dt.date]
    hard_km_by_date: list[float]
    pain_dates: list[dt.date]  # days up to today whose check-in reports any pain, sorted
    flags: FlagAnswers  # the warning signs in force today, read from the whole history
    # Days whose check-in reports a run (pain during or after, rising, sharp) with no running activity
    # logged: run days for the 24-hour rule and the weekly answers, distance unknown. Sorted.
    reported_run_dates: list[dt.date]
    memo: dict[object, object] = field(default_factory=dict)  # results derived from this timeline

    # --- check-ins -------------------------------------------------------------------------
    def checkin(self, day: dt.date) -> Checkin | None:
        """The check-in of that day, if any."""
        return self.checkins.get(day)

    def latest_checkin(self, on_or_before: dt.date) -> Checkin | None:
        """The latest check-in on or before a day (red flags are read from it)."""
        i = bisect.bisect_right(self.checkin_dates, on_or_before)
        return self.checkins[self.checkin_dates[i - 1]] if i else None

    def morning_pain(self, day: dt.date, look_back: int = 2) -> int | None:
        """Pain at rest on a morning, or the nearest earlier one within ``look_back`` days."""
        get = self.checkins.get
        c = get(day)
        if c is not None and c.pain_rest is not None:  # the usual case: checked in that morning
            return c.pain_rest
        for back in range(1, look_back + 1):
            c = get(day - back * DAY)
            if c is not None and c.pain_rest is not None:
                return c.pain_rest
        return None

    def next_morning_pain(self, day: dt.date) -> int | None:
        """Pain the morning after a day: that day's pain_next_morning, else the next day's pain_rest."""
        c = self.checkins.get(day)
        if c is not None and c.pain_next_morning is not None:
            return c.pain_next_morning
        n = self.checkins.get(day + DAY)
        return n.pain_rest if n is not None else None

    def pain_days(self) -> list[dt.date]:
        """Days (up to today, within the window) whose check-in reports any pain, oldest first."""
        return self.pain_dates

    def max_pain(self, start: dt.date, end: dt.date) -> int | None:
        """The highest pain score reported in check-ins from start to end (exclusive)."""
        scores = [p for c in map(self.checkins.get, _days(start, end)) if c is not None for p in c.pains()]
        return max(scores) if scores else None

    # --- running ---------------------------------------------------------------------------
    def _runs_between(self, start: dt.date, end: dt.date) -> slice:
        dates = self.run_dates_sorted
        i = bisect.bisect_left(dates, start)
        return slice(i, bisect.bisect_left(dates, end, i))

    def km(self, start: dt.date, end: dt.date) -> float:
        """Running distance from start to end (exclusive)."""
        return sum(self.km_by_run_date[self._runs_between(start, end)], 0.0)

    def minutes(self, start: dt.date, end: dt.date) -> float:
        """Running time from start to end (exclusive)."""
        return sum(self.minutes_by_run_date[self._runs_between(start, end)], 0.0)

    def longest(self, start: dt.date, end: dt.date) -> float:
        """The longest single run from start to end (exclusive); 0 when none."""
        return max(self.longest_by_run_date[self._runs_between(start, end)], default=0.0)

    def hard(self, start: dt.date, end: dt.date) -> float:
        """Hard running distance from start to end (exclusive)."""
        i = bisect.bisect_left(self.hard_dates, start)
        return sum(self.hard_km_by_date[i:bisect.bisect_left(self.hard_dates, end, i)], 0.0)

    def ran_on(self, day: dt.date) -> bool:
        """A day with a logged run, or a check-in that reports one (its distance unknown)."""
        return day in self.run_km or (bool(self.reported_run_dates) and day in self._reported())

    def _reported(self) -> frozenset[dt.date]:
        found = self.memo.get("reported")
        if not isinstance(found, frozenset):
            found = self.memo["reported"] = frozenset(self.reported_run_dates)
        return found

    def run_dates(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Days with a run from start to end (exclusive), reported-only runs included."""
        return [d for d in daterange(start, end) if self.ran_on(d)]

    def last_run_before(self, day: dt.date) -> dt.date | None:
        """The latest day with a run before a day (logged, or reported in a check-in)."""
        found = []
        for dates in (self.run_dates_sorted, self.reported_run_dates):
            i = bisect.bisect_left(dates, day)
            if i:
                found.append(dates[i - 1])
        return max(found, default=None)

    def has_any_run(self) -> bool:
        """Whether the history holds any run at all (logged, or reported in a check-in)."""
        return bool(self.run_km) or bool(self.reported_run_dates)

    def activity_kinds(self, start: dt.date, end: dt.date) -> set[str]:
        """Kinds of activity done from start to end (exclusive)."""
        return {a.kind for d in daterange(start, end) for a in self.activities.get(d, ())}


def _estimated_km(distance: float | None, minutes: float | None, pace: float) -> float:
    if distance is not None:
        return distance
    if minutes is not None and pace > 0:
        return minutes / pace
    return 0.0


def build_timeline(state: State, catalogue: Catalogue, window_days: int = WINDOW_DAYS) -> Timeline:
    """Index the last ``window_days`` of a state's history by day (future-dated entries are kept).

    The state's check-ins and activities are in date order (validation keeps them so), so the
    window's first entry is found by bisection and older history is never touched.
    """
    pace = state.athlete.easy_pace_min_per_km or catalogue.value("B-PACE", "easy_pace_min_per_km")
    walk_pace = catalogue.value("B-PACE", "walk_pace_min_per_km")
    first = state.today - window_days * DAY
    history = state.checkins
    window = history[bisect.bisect_left(history, first, key=_DATE):]
    checkins = {c.date: c for c in window}
    if len(checkins) < len(window):  # two check-ins on one day: the later one's answers win
        checkins = {}
        for c in window:
            d = c.date
            checkins[d] = _merge(checkins[d], c) if d in checkins else c
    run_km: dict[dt.date, float] = {}
    run_min: dict[dt.date, float] = {}
    longest: dict[dt.date, float] = {}
    hard: dict[dt.date, float] = {}
    by_day: dict[dt.date, list[Activity]] = {}
    running, hard_kinds = ACTIVITY_RUNNING_KINDS, HARD_KINDS
    done = state.activities
    for a in done[bisect.bisect_left(done, first, key=_DATE):]:
        d = a.date
        same_day = by_day.get(d)
        if same_day is None:
            by_day[d] = [a]
        else:
            same_day.append(a)
        kind = a.kind
        if kind not in running:
            continue
        km, minutes = a.distance_km, a.duration_min
        if km is None:
            km = (minutes or 0.0) / pace
        if minutes is None:
            minutes = km * pace
        if d in run_km:  # a second run that day
            run_km[d] += km
            run_min[d] += minutes
            if km > longest[d]:
                longest[d] = km
        else:
            run_km[d], run_min[d], longest[d] = km, minutes, km
        if kind in hard_kinds:
            hard[d] = hard.get(d, 0.0) + km
    today = state.today
    pain_dates = [d for d, c in checkins.items()  # in date order, as the history is
                  if (c.pain_rest or c.pain_during or c.pain_after or c.pain_next_morning) and d <= today]
    return Timeline(
        today=today, checkins=checkins, run_km=run_km, run_min=run_min, longest_km=longest,
        activities=by_day, easy_pace=pace, walk_pace=walk_pace,
        checkin_dates=list(checkins), run_dates_sorted=list(run_km), pain_dates=pain_dates,
        reported_run_dates=[d for d, c in checkins.items() if d not in run_km and reports_run(c)],
        flags=flag_answers(history, today, "cleared_to_run" in state.athlete.diagnoses),
        km_by_run_date=list(run_km.values()), minutes_by_run_date=list(run_min.values()),
        longest_by_run_date=list(longest.values()), hard_dates=list(hard), hard_km_by_date=list(hard.values()),
    )


def baseline_run_km(state: State, pace: float) -> float:
    """The running distance of the athlete's normal week (time-only sessions estimated from pace)."""
    return sum(_estimated_km(s.distance_km, s.duration_min, pace)
               for s in state.athlete.baseline.sessions if s.kind in BASELINE_RUNNING_KINDS)
