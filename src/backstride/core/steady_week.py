"""The week's plan holds through the week (W-STEADY): one step of the planner's pipeline.

A runner who asks each morning should meet, each morning, the week they were given on its first
day. Planning afresh from the 7 days before each morning moves the runs about (the spans straddle
two weeks), so a runner who does today's row of each morning's plan runs a week nobody planned.
So, from Tuesday on, when nothing has changed since Monday's plan, the plan is Monday's: its rows
from today to Sunday, and its rows for Monday to yesterday again next week. Anything that changes the
picture (a run since Monday that answered amber or red, this morning's call, a change in the triage
other than the pain having now lasted long enough for T-PERSIST, the back newly irritable, no
check-in on Monday to plan from) plans the week from today instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from backstride.contract import RUNNING_KINDS, Session, State
from backstride.core.pain_response import run_response
from backstride.core.rolling import resized
from backstride.core.timeline import Timeline
from backstride.core.today import TodayCall
from backstride.core.triage import TriageResult
from backstride.core.weeks import WEEK, week_start
from backstride.rules import Catalogue

__all__ = ["as_of_monday", "monday_of", "rows_from_monday", "week_holds"]


# A reason that can first appear in the middle of a week only because time has passed (the pain has now
# lasted the weeks T-PERSIST counts): the triage says so, and the week's running goes on as planned.
_QUIET = frozenset({"T-PERSIST"})


def monday_of(state: State) -> dt.date | None:
    """The Monday whose plan this morning may follow, None when today is that Monday."""
    monday = week_start(state.today)
    return None if monday == state.today else monday


def as_of_monday(state: State, monday: dt.date) -> State:
    """The state as it stood on Monday morning: that morning's check-in, and no run from Monday on."""
    return state.model_copy(update={
        "today": monday,
        "checkins": tuple(c for c in state.checkins if c.date <= monday),
        "activities": tuple(a for a in state.activities if a.date < monday),
    })


def week_holds(tl: Timeline, monday_tl: Timeline, call: TodayCall, tri: TriageResult, monday_tri: TriageResult,
               irritable: bool, monday_irritable: bool, rules: Catalogue) -> bool:
    """Nothing since Monday's plan changes the picture, so this morning follows it."""
    if monday_tl.checkin(monday_tl.today) is None:  # no check-in on Monday: no plan to follow
        return False
    if call.changes_week or tri.running_allowed != monday_tri.running_allowed:
        return False
    new = {r.rule for r in tri.reasons} - {r.rule for r in monday_tri.reasons}
    if tri.level != monday_tri.level and not new <= _QUIET:
        return False
    if irritable and not monday_irritable:
        return False
    return all(run_response(tl, d, rules).level not in ("amber", "red")
               for d in tl.run_dates(monday_tl.today, tl.today))


def rows_from_monday(sessions: Sequence[Session], today: dt.date, most_km: float, min_km: float) -> list[Session]:
    """Monday's rows from today to Sunday, then its rows for Monday to yesterday, a week on.

    Next week's rows are only a sketch (next Monday plans that week): they give way first when the
    7 days from today would run more than ``most_km``, shortened alike, and a run left shorter than
    ``min_km`` (B-MIN-RUN) is dropped."""
    ahead = [s for s in sessions if s.date >= today]
    again = [s.model_copy(update={"date": s.date + WEEK}) for s in sessions if s.date < today]
    ahead_km = sum(_km(s) for s in ahead if s.kind in RUNNING_KINDS)
    if ahead_km > most_km + 1e-9:  # this week's own rows are more than the 7 days may hold: all shorter
        ahead = _shortened(ahead, most_km / ahead_km, min_km)
        again = [s for s in again if s.kind not in RUNNING_KINDS]
        return ahead + again
    again_km = sum(_km(s) for s in again if s.kind in RUNNING_KINDS)
    room = most_km - ahead_km
    if again_km > room + 1e-9:
        again = _shortened(again, room / again_km, min_km)
    return ahead + again


def _shortened(rows: Sequence[Session], share: float, min_km: float) -> list[Session]:
    """The runs among ``rows`` at ``share`` of their distance; one left shorter than ``min_km`` goes."""
    out = [s if s.kind not in RUNNING_KINDS else resized(s, _km(s) * share, "W-STEADY") for s in rows]
    return [s for s in out if s.kind not in RUNNING_KINDS or _km(s) >= min_km]


def _km(s: Session) -> float:
    return s.distance_km or 0.0
