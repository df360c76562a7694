"""The sport of a file that does not say it: running when the records' pace is running pace.

A file cut before its sport message (or one that never had one) still holds timed
distance records. Where most of the moving time is at a pace between 3 and 12
min/km (from a fast race to a slow jog; walking is slower, cycling faster), the
activity is taken as a run and the reason is kept with it; otherwise its sport is
``"unknown"``, never quietly some other sport.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["RUN_PACE_MAX_MIN_KM", "RUN_PACE_MIN_MIN_KM", "RUN_SHARE", "SportGuess", "sport_from_pace"]

RUN_PACE_MIN_MIN_KM = 3.0  # faster than this over most records is not on foot
RUN_PACE_MAX_MIN_KM = 12.0  # slower than this is walking
RUN_SHARE = 0.6  # "most of the records": this share of the moving time at running pace
_STOPPED_M_PER_S = 0.5  # slower than this the runner is standing: not counted either way
_MIN_MOVING_S = 120.0  # less moving time than this tells nothing


@dataclass(frozen=True, slots=True)
class SportGuess:
    """``sport`` ("running" or "unknown") and a plain sentence saying why."""

    sport: str
    reason: str


def sport_from_pace(points: Sequence[tuple[int, float]]) -> SportGuess:
    """Decide from (unix time, cumulative distance m) records whether the activity was a run."""
    moving = at_run_pace = 0.0
    metres = 0.0
    for (t0, d0), (t1, d1) in itertools.pairwise(points):
        dt_s, dd = t1 - t0, d1 - d0
        if dt_s <= 0 or dd / dt_s < _STOPPED_M_PER_S:
            continue
        moving += dt_s
        metres += dd
        pace = dt_s / 60 / (dd / 1000)
        if RUN_PACE_MIN_MIN_KM <= pace <= RUN_PACE_MAX_MIN_KM:
            at_run_pace += dt_s
    if moving < _MIN_MOVING_S or metres <= 0:
        return SportGuess("unknown", "the file does not say its sport and its records are too short to tell")
    share = at_run_pace / moving
    avg = moving / 60 / (metres / 1000)
    pace_text = f"{int(avg)}:{round(avg % 1 * 60):02d} min/km"
    if share >= RUN_SHARE:
        return SportGuess("running", f"the file does not say its sport; taken as a run because {share:.0%} of its "
                                     f"moving time is at running pace (average {pace_text})")
    return SportGuess("unknown", f"the file does not say its sport, and its pace (average {pace_text}, "
                                 f"{share:.0%} of the moving time at running pace) does not show running")
