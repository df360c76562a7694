"""What the plan and the decision were, for a stored athlete on a day, kept while nothing changed.

Planning a week reads the athlete's window and runs the whole pipeline (a few milliseconds), and the
web app asks for it on every Today, Plan and API request. Both are pure functions of the stored history
and the day, and the database changes each athlete's revision stamp on every write to that history
(storage/revision.py), so a value kept under (what, athlete, day) with the stamp it was made from is
served only while the stamp is still the same: never stale, whichever process or command wrote.

The stamp is read *before* the history, so a write landing in between can only file newer data under
the older stamp (which is never asked for again), never older data under the newer one. Each open
:class:`Database` has its own memo, so several app workers each keep their own; the values are frozen
models, shared safely between threads. Only small views are kept (the plan, today's view), never a whole
state (about 140 kB each). The memo holds at most ``SIZE`` values, least recently used
dropped first.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from backstride.storage import Database
from backstride.storage.athletes import athlete_stamp
from backstride.storage.errors import AthleteNotFound

T = TypeVar("T")
SIZE = 2048  # a week's plan is about 30 kB in memory, today's view about 13 kB


class Memo:
    """Values under a key, each with the revision stamp it was made from (thread-safe, bounded)."""

    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, stamp: Hashable, make: Callable[[], T]) -> T:
        """The value under ``key`` made at ``stamp``; made (and kept) when missing or older."""
        with self._lock:
            kept = self._values.get(key)
            if kept is not None and kept[0] == stamp:
                self._values.move_to_end(key)
                self.hits += 1
                return kept[1]  # type: ignore[no-any-return]
            self.misses += 1
        value = make()
        with self._lock:
            self._values[key] = (stamp, value)
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value


_MEMOS: weakref.WeakKeyDictionary[Database, Memo] = weakref.WeakKeyDictionary()
_MEMOS_LOCK = threading.Lock()


def memo_of(db: Database) -> Memo:
    """The open database's memo (made on first use, gone with the database object)."""
    with _MEMOS_LOCK:
        memo = _MEMOS.get(db)
        if memo is None:
            memo = _MEMOS[db] = Memo()
        return memo


def stamp_of(db: Database, athlete_id: int) -> int:
    """The athlete's revision stamp now; raises AthleteNotFound for an athlete that is not stored."""
    stamp = athlete_stamp(db, athlete_id)
    if stamp is None:
        raise AthleteNotFound(athlete_id)
    return stamp


@dataclass(frozen=True, slots=True)
class AthleteMemo:
    """One athlete's memo at the stamp read once: everything made from it is filed under that stamp."""

    memo: Memo
    athlete_id: int
    stamp: int

    def get(self, what: str, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, or the value kept from when the athlete's history was last the same."""
        return self.memo.get((what, self.athlete_id, key), self.stamp, make)


def athlete_memo(db: Database, athlete_id: int, stamp: int | None = None) -> AthleteMemo:
    """The athlete's memo at their stamp now (read before anything made with it reads the history).

    ``stamp`` is one the caller read itself, before any of the history (the web's access check reads it
    to see that the athlete exists): it saves reading it twice in one request."""
    return AthleteMemo(memo_of(db), athlete_id, stamp_of(db, athlete_id) if stamp is None else stamp)
