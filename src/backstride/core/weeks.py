"""What a week is: Monday to Sunday. The one definition `weeks`, `runs` and `causes` share."""

from __future__ import annotations

import datetime as dt

__all__ = ["WEEK", "week_days", "week_start", "weeks_ending"]

WEEK = dt.timedelta(days=7)
_DAY = dt.timedelta(days=1)


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week ``day`` falls in."""
    return day - day.weekday() * _DAY


def week_days(start: dt.date) -> tuple[dt.date, ...]:
    """The seven days of the week that begins on ``start`` (a Monday)."""
    return tuple(start + i * _DAY for i in range(7))


def weeks_ending(day: dt.date, count: int) -> tuple[dt.date, ...]:
    """The Mondays of the ``count`` weeks up to and including the week of ``day``, oldest first."""
    last = week_start(day)
    return tuple(last - (count - 1 - i) * WEEK for i in range(count))
