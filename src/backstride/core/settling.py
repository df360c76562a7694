"""Is the back settling? Two reasons not to build this week even after a green week.

One step of the planner's pipeline, read by the dose: pain getting worse week by
week (T-PERSIST), and resting pain still above where it was before a recent flare.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from backstride.core.pain_response import WeekResponse, pre_run_pain
from backstride.core.timeline import DAY, Timeline
from backstride.rules import Catalogue

__all__ = ["Settling", "settling"]


@dataclass(frozen=True, slots=True)
class Settling:
    """Why the week must not build (``why`` is empty when it may)."""

    rule: str  # T-PERSIST or W-TOLERATED, "" when the back is settling
    why: str

    @property
    def blocks_progress(self) -> bool:
        return bool(self.rule)


def _weekly_mean_pain(tl: Timeline, start_offset_weeks: int) -> float | None:
    start = tl.today - 7 * (start_offset_weeks + 1) * DAY
    scores = [p for k in range(7) if (c := tl.checkin(start + k * DAY)) is not None for p in c.pains()]
    return sum(scores) / len(scores) if scores else None


def _worsening(tl: Timeline, rules: Catalogue) -> int | None:
    """Weeks in a row the pain has got worse (T-PERSIST), or None when it has not."""
    n = int(rules.value("T-PERSIST", "worsening_weeks"))
    means = [_weekly_mean_pain(tl, k) for k in range(n)]
    if any(m is None for m in means):
        return None
    seq = [m for m in reversed(means) if m is not None]
    rising = seq[0] >= 1 and all(b > a for a, b in itertools.pairwise(seq))
    return n if rising and seq[-1] - seq[0] >= rules.value("T-PERSIST", "worsening_min_rise") else None


def _rest_pain_after_flare(tl: Timeline, weeks: Sequence[WeekResponse], rules: Catalogue) -> tuple[int, int] | None:
    """(before, now) resting pain when the week before last flared and the back has not settled back since."""
    if len(weeks) < 2 or weeks[1].level != "red" or weeks[1].worst is None:
        return None
    before = pre_run_pain(tl, weeks[1].worst.date, rules)
    # The last few mornings (today's included): the flare morning itself, a week ago, is not "still".
    mornings = int(rules.value("W-TOLERATED", "recent_mornings"))
    rests = [c.pain_rest for k in range(mornings) if (c := tl.checkin(tl.today - k * DAY)) is not None
             and c.pain_rest is not None]
    if before is None or not rests:
        return None
    now = max(rests)
    return (before, now) if now > before + rules.value("P-GREEN", "next_morning_tolerance") else None


def settling(tl: Timeline, weeks: Sequence[WeekResponse], rules: Catalogue) -> Settling:
    """Whether the back is settling enough for the week to build."""
    n = _worsening(tl, rules)
    if n is not None:
        return Settling("T-PERSIST", f"your pain has been getting worse week by week for {n} weeks")
    after = _rest_pain_after_flare(tl, weeks, rules)
    if after is not None:
        return Settling("W-TOLERATED", f"your pain at rest is still {after[1]}/10 since the flare "
                                       f"(it was {after[0]}/10 before)")
    return Settling("", "")
