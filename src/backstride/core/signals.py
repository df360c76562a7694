"""What today's check-in says, and what its absence says: one step read before today's advice.

A missing check-in is a signal of its own (B-NO-ANSWER), never a good answer;
severe pain at rest this morning (P-SEVERE-REST) means no run today. The daily
decision puts these reasons first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backstride.contract import Reason
from backstride.core.timeline import DAY, Timeline
from backstride.core.words import count, number
from backstride.rules import Catalogue

__all__ = ["TodaySignals", "severe_mornings", "today_signals"]


@dataclass(frozen=True, slots=True)
class TodaySignals:
    """This morning's answers, or their absence, as the day's advice reads them."""

    today: dt.date
    checkin_today: bool  # a check-in is dated today
    days_since_checkin: int | None  # 0 with one today; None when none is in the history read
    morning_pain: int | None  # today's pain at rest, None when not given today
    severe_rest: bool  # today's pain at rest is severe (P-SEVERE-REST severe_points or more): no run today
    severe_mornings: int  # severe mornings within P-SEVERE-REST window_days, today included
    stale: bool  # no check-in for B-NO-ANSWER stale_days or more
    reasons: tuple[Reason, ...]  # what the advice says first, in this order

    @property
    def answered(self) -> bool:
        """Whether today's advice rests on a check-in from this morning."""
        return self.checkin_today


def severe_mornings(tl: Timeline, rules_severe: float, window_days: int) -> int:
    """Mornings with severe pain at rest in the ``window_days`` up to and including today."""
    start = tl.today - (window_days - 1) * DAY
    return sum(1 for d in tl.checkin_dates
               if start <= d <= tl.today and (p := tl.checkins[d].pain_rest) is not None and p >= rules_severe)


def _missing_text(days: int | None, stale_days: int, stale: bool) -> str:
    if days is None:
        return ("No check-in yet: backstride has no answers about your back to go on, so nothing here is "
                "read as a good day. Check in before you run (pain at rest, and the warning-sign questions).")
    ago = "yesterday" if days == 1 else f"{count(days, 'day')} ago"
    if stale:
        return (f"No check-in for {count(days, 'day')} (the last was {ago}): this plan is not built on fresh "
                "answers, and a missing answer is not read as a good one. Check in before you run; "
                f"after {count(stale_days, 'day')} without answers, run only what feels easy.")
    return (f"No check-in this morning (the last was {ago}): backstride cannot tell how your back is today, "
            "and a missing answer is not read as a good one. Check in before you run.")


def today_signals(tl: Timeline, rules: Catalogue) -> TodaySignals:
    """Read today's check-in, or its absence, from the timeline with the catalogue's numbers."""
    today = tl.today
    severe = rules.value("P-SEVERE-REST", "severe_points")
    window = int(rules.value("P-SEVERE-REST", "window_days"))
    stale_days = int(rules.value("B-NO-ANSWER", "stale_days"))
    latest_day = next((d for d in reversed(tl.checkin_dates) if d <= today), None)
    days_since = (today - latest_day).days if latest_day is not None else None
    checkin = tl.checkin(today)
    morning = checkin.pain_rest if checkin is not None else None
    stale = days_since is None or days_since >= stale_days
    reasons: list[Reason] = []
    if checkin is None:
        reasons.append(Reason(rule="B-NO-ANSWER", text=_missing_text(days_since, stale_days, stale)))
    elif morning is None:
        reasons.append(Reason(rule="B-NO-ANSWER", text=(
            "This morning's check-in gives no pain at rest: backstride does not read that as pain-free. "
            "Add it before you run.")))
    severe_today = morning is not None and morning >= severe
    if severe_today:
        reasons.append(Reason(rule="P-SEVERE-REST", text=(
            f"Your pain at rest this morning is {morning}/10, which is severe ({number(severe)}/10 or more): "
            "no run today. Rest, or gentle cross-training if it is comfortable.")))
    return TodaySignals(
        today=today, checkin_today=checkin is not None, days_since_checkin=days_since, morning_pain=morning,
        severe_rest=severe_today, severe_mornings=severe_mornings(tl, severe, window), stale=stale,
        reasons=tuple(reasons),
    )
