"""What an import summary says beyond counts: what a damaged file lost, and repeats within one import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from backstride.importers import ImportedActivity
from backstride.storage.imports import DUPLICATE_DURATION_TOLERANCE, DUPLICATE_START_WINDOW

__all__ = ["SeenActivities", "what_was_read"]


def what_was_read(activities: Sequence[ImportedActivity]) -> str:
    """Plain words for what was kept of a damaged file: how far in it was read, and that the rest is lost."""
    ends = [a.start + dt.timedelta(seconds=a.elapsed_s) for a in activities if a.elapsed_s is not None]
    metres = sum(a.distance_m for a in activities if a.distance_m is not None)
    if not ends:
        return "read in part; the rest of the file is damaged"
    minutes = round((max(ends) - min(a.start for a in activities)).total_seconds() / 60)
    far = f" ({metres / 1000:.1f} km)" if metres > 0 else ""
    return f"read up to {minutes} min{far}; the rest of the file is damaged"


class SeenActivities:
    """The activities stored so far by one import, to tell a repeat inside it from one already in the log.

    Storage decides what is a duplicate (the same file, or a start within a minute and a
    duration within 2%); this applies the same test to what this import has stored.
    """

    def __init__(self) -> None:
        self._files: set[tuple[str, int]] = set()
        self._by_minute: dict[int, list[ImportedActivity]] = {}

    def add(self, activity: ImportedActivity, part: int) -> None:
        """Remember one stored activity, the ``part``-th of its file."""
        if activity.content_sha256:
            self._files.add((activity.content_sha256, part))
        self._by_minute.setdefault(_minute(activity.start), []).append(activity)

    def holds(self, activity: ImportedActivity, part: int) -> bool:
        """True when ``activity`` (the ``part``-th of its file) repeats one this import already stored."""
        if activity.content_sha256 and (activity.content_sha256, part) in self._files:
            return True
        window = DUPLICATE_START_WINDOW.total_seconds()
        minute = _minute(activity.start)
        for other in (o for m in (minute - 1, minute, minute + 1) for o in self._by_minute.get(m, [])):
            if abs((other.start - activity.start).total_seconds()) <= window and _same_duration(activity, other):
                return True
        return False


def _minute(t: dt.datetime) -> int:
    return int(t.timestamp() // 60)


def _same_duration(a: ImportedActivity, b: ImportedActivity) -> bool:
    mine = [s for s in (a.moving_s, a.elapsed_s) if s is not None]
    theirs = [s for s in (b.moving_s, b.elapsed_s) if s is not None]
    if not mine or not theirs:
        return True
    return any(abs(x - y) <= DUPLICATE_DURATION_TOLERANCE * max(x, y) for x in mine for y in theirs)
