"""Reading the body's answer to a run: green, amber or red (the 24-hour rule).

A run day is a day with a running activity, or a check-in that reports pain
during or after a run (a runner may check in without logging the run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal, NamedTuple, overload

from backstride.core.timeline import DAY, Timeline, daterange
from backstride.rules import Catalogue

__all__ = ["Level", "RunResponse", "WeekResponse", "WeeklyHistory", "is_run_day", "pre_run_pain", "run_response",
           "week_response", "weekly_history"]

Level = Literal["green", "amber", "red", "unknown"]
_RANK: dict[Level, int] = {"unknown": 0, "green": 1, "amber": 2, "red": 3}


class RunResponse(NamedTuple):
    """How the back answered one day's run, and which rule says so.

    A named tuple: immutable, and cheap to make for every run of twelve weeks.
    """

    date: dt.date
    level: Level
    rule: str  # P-GREEN, P-AMBER, P-RED-DURING, P-RED-24H, or "" when unknown
    why: str


class WeekResponse(NamedTuple):
    """The worst answer of a week's runs, with the running done that week."""

    start: dt.date
    level: Level
    worst: RunResponse | None  # the first run with the week's answer (None when no run was classified)
    km: float


@lru_cache(maxsize=8)
def _thresholds(rules: Catalogue) -> tuple[int, int, int, float, float, float, int]:
    """The 24-hour rule's numbers, read once per catalogue (catalogues are immutable)."""
    return (int(rules.value("P-GREEN", "max_pain_during")), int(rules.value("P-AMBER", "max_pain_during")),
            int(rules.value("P-RED-DURING", "max_rise_points")), rules.value("P-AMBER", "after_rise_points"),
            rules.value("P-RED-24H", "next_morning_rise_points"), rules.value("P-GREEN", "next_morning_tolerance"),
            int(rules.value("P-RED-24H", "baseline_look_back_days")))


def pre_run_pain(tl: Timeline, day: dt.date, rules: Catalogue) -> int | None:
    """Resting pain before the run on ``day``: that morning's, else the latest within P-RED-24H's look-back."""
    return tl.morning_pain(day, look_back=_thresholds(rules)[6])


def run_response(tl: Timeline, day: dt.date, rules: Catalogue) -> RunResponse:
    """Classify the run on ``day`` from the check-ins around it.

    The worst answer wins; among signs of the same level, the first one below is the one reported.
    """
    c = tl.checkins.get(day)
    green_max, amber_max, red_rise, after_rise, next_rise, tolerance, _ = _thresholds(rules)
    base = pre_run_pain(tl, day, rules)
    during = c.pain_during if c is not None else None
    after = c.pain_after if c is not None else None
    nxt = tl.next_morning_pain(day)
    red: tuple[str, str] | None = None
    amber: tuple[str, str] | None = None
    green: tuple[str, str] | None = None

    if c is not None and c.sharp_pain:
        red = ("P-RED-DURING", "sharp pain during the run")
    elif c is not None and c.pain_rising_during:
        red = ("P-RED-DURING", "pain kept rising as the run went on")
    if during is not None:
        if base is not None and during - base > red_rise:
            if red is None:
                red = ("P-RED-DURING", f"pain rose from {base}/10 to {during}/10 during the run "
                                       f"(more than {red_rise} points)")
        elif during > amber_max and (base is None or during > base):
            if red is None:
                red = ("P-RED-DURING", f"pain reached {during}/10 during the run")
        elif during <= green_max or (base is not None and during <= base):
            green = ("P-GREEN", f"pain during the run stayed at {during}/10")
        else:
            amber = ("P-AMBER", f"moderate pain ({during}/10) during the run")
    if after is not None and base is not None and after - base >= after_rise and amber is None:
        amber = ("P-AMBER", f"pain a few hours after the run was {after}/10, up from {base}/10")
    if nxt is not None and base is not None and red is None:
        rise = nxt - base
        if rise >= next_rise:
            red = ("P-RED-24H", f"next morning pain was {nxt}/10, up from {base}/10 before the run")
        elif rise <= tolerance and green is None and amber is None:
            green = ("P-GREEN", f"next morning pain {nxt}/10, no worse than before")
    if day not in tl.run_km and (red or amber or green):  # reported in the check-in, nothing logged
        red, amber, green = (_unlogged(x) for x in (red, amber, green))
    if red is not None:
        return RunResponse(day, "red", *red)
    if amber is not None:
        return RunResponse(day, "amber", *amber)
    if green is not None:
        return RunResponse(day, "green", *green)
    return RunResponse(day, "unknown", "", "no pain scores recorded around this run")


def _unlogged(found: tuple[str, str] | None) -> tuple[str, str] | None:
    return None if found is None else (found[0], f"{found[1]} (a run reported in your check-in, distance unknown)")


def is_run_day(tl: Timeline, day: dt.date) -> bool:
    """A day with a logged run, or a check-in that reports one (pain during or after, rising, sharp)."""
    return tl.ran_on(day)


def week_response(tl: Timeline, start: dt.date, rules: Catalogue) -> WeekResponse:
    """The answer of the 7 days from ``start``: red if any run was red, else amber, else green."""
    end = start + 7 * DAY
    level: Level = "unknown"
    worst: RunResponse | None = None
    for d in daterange(start, min(end, tl.today)):
        if not is_run_day(tl, d):
            continue
        r = run_response(tl, d, rules)
        if _RANK[r.level] > _RANK[level]:
            level, worst = r.level, r
            if level == "red":  # nothing later in the week can be worse
                break
    return WeekResponse(start, level, worst, tl.km(start, end))


class _Weeks(Sequence[WeekResponse]):
    """Weeks before today, most recent first (week 0 = the 7 days before today), each read when first asked."""

    def __init__(self, tl: Timeline, weeks: int, rules: Catalogue) -> None:
        self._tl, self._rules, self._n = tl, rules, weeks
        self._cache: dict[int, WeekResponse] = {}

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, k: int) -> WeekResponse: ...

    @overload
    def __getitem__(self, k: slice) -> list[WeekResponse]: ...

    def __getitem__(self, k: int | slice) -> WeekResponse | list[WeekResponse]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(self._n))]
        if k < 0:
            k += self._n
        if not 0 <= k < self._n:
            raise IndexError(k)
        if k not in self._cache:
            self._cache[k] = self._read(k)
        return self._cache[k]

    def _read(self, k: int) -> WeekResponse:
        raise NotImplementedError


class WeeklyHistory(_Weeks):
    """The 7-day spans before today, most recent first."""

    def _read(self, k: int) -> WeekResponse:
        return week_response(self._tl, self._tl.today - 7 * (k + 1) * DAY, self._rules)


class SteadyWeeks(_Weeks):
    """The weeks before today as streaks read them, the same on every morning of a week.

    Week 0 is the 7 days before today. An older span, in the middle of a week, straddles two calendar
    weeks: it answers as the better of itself and the calendar week (Monday to Sunday) most of it lies
    in, so a green week between two that flared is not lost by the morning on which it is read.
    """

    def __init__(self, weeks: WeeklyHistory) -> None:
        super().__init__(weeks._tl, len(weeks), weeks._rules)
        self._spans = weeks

    def _read(self, k: int) -> WeekResponse:
        span = self._spans[k]
        if k == 0 or self._tl.today.weekday() == 0 or span.level == "green":
            return span
        mid = span.start + 3 * DAY
        calendar = week_response(self._tl, mid - mid.weekday() * DAY, self._rules)
        return calendar if _RANK[calendar.level] and _RANK[calendar.level] < _RANK[span.level] else span


def weekly_history(tl: Timeline, weeks: int, rules: Catalogue) -> WeeklyHistory:
    """The last ``weeks`` weeks before today, most recent first, each computed when first read."""
    return WeeklyHistory(tl, weeks, rules)
