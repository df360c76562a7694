"""The clinic list: a clinician's linked athletes, most urgent first, each with why in a few calm words.

The order reads the core's own results and nothing else: triage's level and the rules that fired
(T-EMERG, T-NEURO/T-SERIOUS, T-PERSIST, P-SEVERE-REST, T-NODOSE), the 24-hour rule's answer to the last
runs (a flare), and ``planned_against_done``'s verdict on last week. No second clinical logic lives here:
only the order in which a busy clinician wants to see those results.

Reading the log for 200 athletes on every page view would take seconds, so each athlete's row is kept in
``athlete_status`` and rebuilt only when stale: its ``on_date`` is not today, or its ``revision`` is not
the athlete's (bumped by the database on every write to what the plan reads). The list is one query,
and the built list is remembered per clinician and day under :func:`list_stamp` (services/memo.py):
a view of an unchanged list reads one aggregate row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backstride.core.planned_done import WeekRecord, planned_against_done
from backstride.core.planner import Assessment, assess
from backstride.services.accounts import Actor
from backstride.services.adjustments import rules_for
from backstride.services.memo import memo_of
from backstride.services.runs import planned_sessions
from backstride.storage import Database, planner_state
from backstride.storage.tables import AthleteRow, AthleteStatusRow, CheckinRow, ClinicianLinkRow

__all__ = ["ATTENTION_BELOW", "MISSED_DAYS", "RANKS", "ClinicRow", "ClinicView", "clinic_list", "clinic_view",
           "list_stamp", "rank_of", "refresh_all", "refresh_for", "refresh_status"]

# The list's order, most urgent first; the last is "nothing to look at".
RANKS = ("emergency", "see_soon", "flare", "no_dose", "missed_checkins", "off_plan", "steady")
ATTENTION_BELOW = RANKS.index("steady")
MISSED_DAYS = 3  # no check-in for this many days or more
_OFF_PLAN = ("shorter", "skipped", "more than planned")
_SEE_SOON = ("T-NEURO", "T-SERIOUS")


@dataclass(frozen=True, slots=True)
class ClinicRow:
    """One athlete on the clinic list."""

    athlete_id: int
    name: str
    rank: int  # an index into RANKS
    reason: str  # a few calm words: why the athlete is where they are
    last_checkin: dt.date | None
    level: str  # triage's level
    rules: tuple[str, ...]  # triage's rules that fired

    @property
    def kind(self) -> str:
        return RANKS[self.rank]

    @property
    def needs_attention(self) -> bool:
        return self.rank < ATTENTION_BELOW


def _flare(a: Assessment) -> bool:
    """A run answered red (the 24-hour rule) yesterday or in the last week: a flare."""
    return a.today.yesterday.level == "red" or (bool(a.weeks) and a.weeks[0].level == "red")


def _missed(last_checkin: dt.date | None, today: dt.date) -> str | None:
    if last_checkin is None:
        return "No check-in yet"
    days = (today - last_checkin).days
    return f"No check-in for {days} days" if days >= MISSED_DAYS else None


def rank_of(a: Assessment, last_week: WeekRecord | None, last_checkin: dt.date | None) -> tuple[int, str]:
    """Where an athlete goes on the list, and why, from the core's results for them."""
    fired = a.triage.fired
    if a.triage.level == "emergency":
        return RANKS.index("emergency"), "Emergency warning sign reported"
    if a.triage.level == "see_clinician_soon" or any(r in fired for r in _SEE_SOON):
        return RANKS.index("see_soon"), "Warning sign: to be seen soon"
    if _flare(a):
        return RANKS.index("flare"), "Flare after a recent run"
    if "T-PERSIST" in fired or "P-SEVERE-REST" in fired:
        return RANKS.index("flare"), "Pain lingering or getting worse"
    if "T-NODOSE" in fired:
        return RANKS.index("no_dose"), "No tolerable running dose found yet"
    missed = _missed(last_checkin, a.state.today)
    if missed:
        return RANKS.index("missed_checkins"), missed
    if last_week is not None and last_week.verdict in _OFF_PLAN:
        return RANKS.index("off_plan"), f"Last week: {last_week.verdict}"
    return RANKS.index("steady"), "Steady"


def _last_checkin(db: Database, athlete_id: int, today: dt.date) -> dt.date | None:
    with db.session() as session:
        day: dt.date | None = session.scalar(select(func.max(CheckinRow.date)).where(
            CheckinRow.athlete_id == athlete_id, CheckinRow.date <= today))
    return day


def _status(db: Database, athlete_id: int, today: dt.date) -> AthleteStatusRow:
    """The row from the same reading the plan makes: the planner's state and the athlete's catalogue (with
    a physio's adjustments in it)."""
    state = planner_state(db, athlete_id, today)
    rules = rules_for(db, athlete_id, known=True)
    a = assess(state, rules)
    weeks: Sequence[WeekRecord] = planned_against_done(a.state, planned_sessions(db, athlete_id, today, 2), 2, rules)
    last = _last_checkin(db, athlete_id, today)
    rank, reason = rank_of(a, weeks[-2] if len(weeks) >= 2 else None, last)
    payload = {"level": a.triage.level, "rules": list(a.triage.fired)}  # the phase: the plan's (the summary)
    return AthleteStatusRow(athlete_id=athlete_id, on_date=today, rank=rank, reason=reason, last_checkin=last,
                            payload=payload)


def refresh_status(db: Database, athlete_id: int, today: dt.date, revision: int) -> AthleteStatusRow:
    """Rebuild and keep one athlete's row as of ``today`` and their ``revision``."""
    return _keep(db, [_made(db, athlete_id, today, revision)])[0]


def _made(db: Database, athlete_id: int, today: dt.date, revision: int) -> AthleteStatusRow:
    fresh = _status(db, athlete_id, today)
    fresh.revision = revision
    return fresh


def _keep(db: Database, rows: list[AthleteStatusRow]) -> list[AthleteStatusRow]:
    """Write rebuilt rows in one transaction (the list's first view of a day rebuilds them all). When
    another worker wrote one of them first, theirs stands: both were made from the same stamp."""
    def merge(session: Session) -> None:
        for row in rows:
            session.merge(row)

    if rows:
        with contextlib.suppress(IntegrityError):
            db.run_write(merge)  # retried on a PostgreSQL serialization failure or deadlock
    return rows


def refresh_all(db: Database, today: dt.date) -> int:
    """Rebuild every stale status row of every linked athlete (for a nightly job: the morning's first
    view of the list then reads fresh rows). Returns how many were rebuilt."""
    query = (select(AthleteRow.id, AthleteRow.revision, *_KEPT)
             .where(AthleteRow.id.in_(select(ClinicianLinkRow.athlete_id)))
             .outerjoin(AthleteStatusRow, AthleteStatusRow.athlete_id == AthleteRow.id))
    with db.session() as session:
        found = [(r[0], int(r[1] or 0), _Kept(*r[2:])) for r in session.execute(query)]
    with _REBUILDING:
        return len(_keep(db, [_made(db, i, today, r) for i, r, k in found if not _fresh(k, r, today)]))


def refresh_for(db: Database, athlete_id: int, today: dt.date) -> None:
    """The nightly re-plan's and the missed check-in round's refresher (``periodic.REFRESHERS``): the
    athlete's row rebuilt when stale, if any clinician has them on a list (no one else's is kept)."""
    query = (select(AthleteRow.revision, *_KEPT).where(AthleteRow.id == athlete_id)
             .where(AthleteRow.id.in_(select(ClinicianLinkRow.athlete_id)))
             .outerjoin(AthleteStatusRow, AthleteStatusRow.athlete_id == AthleteRow.id))
    with db.session() as session:
        found = session.execute(query).first()
    if found is None:
        return
    revision, kept = int(found[0] or 0), _Kept(*found[1:])
    if not _fresh(kept, revision, today):
        with _REBUILDING:
            _keep(db, [_made(db, athlete_id, today, revision)])


class _Kept(NamedTuple):
    """A kept status row's columns (all None when the athlete has none yet)."""

    on_date: dt.date | None
    revision: int | None
    rank: int | None
    reason: str | None
    last_checkin: dt.date | None
    payload: dict[str, Any] | None


_KEPT = (AthleteStatusRow.on_date, AthleteStatusRow.revision, AthleteStatusRow.rank, AthleteStatusRow.reason,
         AthleteStatusRow.last_checkin, AthleteStatusRow.payload)
_Found = tuple[int, str, int, _Kept]  # (athlete id, name, revision, the kept row)
_REBUILDING = threading.Lock()  # one rebuild at a time in a process: the rest wait, then read it fresh


def _linked_rows(db: Database, actor: Actor, only: int | None = None) -> list[_Found]:
    """Each athlete linked to the actor (or just ``only``) with their revision and kept row: one query of
    plain columns. The revision is read before any history is (storage/revision.py): a write landing
    while a row is rebuilt files it under the older stamp, which the next read finds stale."""
    query = (select(AthleteRow.id, AthleteRow.name, AthleteRow.revision, *_KEPT)
             .join(ClinicianLinkRow, ClinicianLinkRow.athlete_id == AthleteRow.id)
             .outerjoin(AthleteStatusRow, AthleteStatusRow.athlete_id == AthleteRow.id)
             .where(ClinicianLinkRow.clinician_id == actor.user_id))
    if only is not None:
        query = query.where(AthleteRow.id == only)
    with db.session() as session:
        return [(r[0], r[1], int(r[2] or 0), _Kept(*r[3:])) for r in session.execute(query)]


def _reread(db: Database, ids: list[int]) -> dict[int, tuple[int, _Kept]]:
    """The revision and kept row of these athletes, read again (after waiting for another rebuild)."""
    query = (select(AthleteRow.id, AthleteRow.revision, *_KEPT).where(AthleteRow.id.in_(ids))
             .outerjoin(AthleteStatusRow, AthleteStatusRow.athlete_id == AthleteRow.id))
    with db.session() as session:
        return {r[0]: (int(r[1] or 0), _Kept(*r[2:])) for r in session.execute(query)}


def _kept(row: AthleteStatusRow) -> _Kept:
    return _Kept(row.on_date, row.revision, row.rank, row.reason, row.last_checkin, row.payload)


def _row(athlete_id: int, name: str, kept: _Kept) -> ClinicRow:
    payload = kept.payload or {}
    return ClinicRow(athlete_id, name, int(kept.rank or 0), kept.reason or "", kept.last_checkin,
                     str(payload.get("level", "none")), tuple(payload.get("rules", ())))


def _fresh(kept: _Kept, revision: int, today: dt.date) -> bool:
    return kept.on_date == today and kept.revision == revision


def _current(db: Database, found: list[_Found], today: dt.date) -> dict[int, _Kept]:
    """Each athlete's kept row, the stale ones rebuilt (written in one transaction). Fifty clinicians'
    pages opened at once on a new day rebuild each row once per process, not once per page."""
    rows = {i: k for i, _, r, k in found if _fresh(k, r, today)}
    stale = [i for i, _, _, _ in found if i not in rows]
    if not stale:
        return rows
    with _REBUILDING:
        again = _reread(db, stale)
        rows.update((i, k) for i, (r, k) in again.items() if _fresh(k, r, today))
        made = [_made(db, i, today, r) for i, (r, k) in again.items() if i not in rows]
        rows.update((row.athlete_id, _kept(row)) for row in _keep(db, made))
    return rows


def clinic_list(db: Database, actor: Actor, today: dt.date, *, attention: bool = False,
                search: str = "", only: int | None = None) -> list[ClinicRow]:
    """The actor's linked athletes, most urgent first (then by name); only those needing attention, or
    whose name holds ``search`` (any case), or the one athlete ``only``, when asked. Stale rows are
    rebuilt on the way."""
    if only is not None:
        return _chosen(_built(db, actor, today, only) if actor.role in _READERS else (), attention, search)
    return clinic_view(db, actor, today, attention=attention, search=search).rows


class ClinicView(NamedTuple):
    """The list as shown, and the stamp it was built under (what a page made from it may be kept under)."""

    stamp: tuple[int, ...]
    rows: list[ClinicRow]


def clinic_view(db: Database, actor: Actor, today: dt.date, *, attention: bool = False,
                search: str = "") -> ClinicView:
    """:func:`clinic_list` with its stamp: the whole list is remembered per clinician and day."""
    if actor.role not in _READERS:
        return ClinicView((), [])
    stamp = list_stamp(db, actor)  # read before the rows (as an athlete's stamp before their history)
    everyone = memo_of(db).get(("clinic", actor.user_id, today), stamp, lambda: _built(db, actor, today))
    return ClinicView(stamp, _chosen(everyone, attention, search))


_READERS = ("clinician", "admin")


def _chosen(rows: Sequence[ClinicRow], attention: bool, search: str) -> list[ClinicRow]:
    wanted = search.strip().casefold()
    return [r for r in rows if (not attention or r.needs_attention) and (not wanted or wanted in r.name.casefold())]


def _built(db: Database, actor: Actor, today: dt.date, only: int | None = None) -> tuple[ClinicRow, ...]:
    """The actor's whole list (or just ``only``) from the kept rows, the stale ones rebuilt, sorted."""
    found = _linked_rows(db, actor, only)
    current = _current(db, found, today)
    rows = [_row(i, n, current[i]) for i, n, _, _ in found if i in current]  # (one erased meanwhile: gone)
    return tuple(sorted(rows, key=lambda r: (r.rank, r.name.casefold(), r.athlete_id)))


# Two sums of the stamps, each taken modulo a prime below 2**31 (so no sum can overflow SQLite's integers):
# an athlete's new random stamp leaves both unchanged about once in 2**62 writes.
_P1, _P2 = 2_147_483_629, 2_147_483_587
_revision = func.coalesce(AthleteRow.revision, 0)
_LIST_STAMP = (select(func.count(), func.coalesce(func.sum(_revision % _P1), 0),
                      func.coalesce(func.sum((_revision // _P1) % _P2), 0), func.coalesce(func.sum(AthleteRow.id), 0))
               .select_from(ClinicianLinkRow).join(AthleteRow, AthleteRow.id == ClinicianLinkRow.athlete_id)
               .where(ClinicianLinkRow.clinician_id == bindparam("clinician")))


def list_stamp(db: Database, actor: Actor) -> tuple[int, int, int, int]:
    """A stamp of the actor's whole list: which athletes are linked and each one's revision, in one row.

    Every row of the list is a function of the day and of an athlete's revision (their name included:
    the athletes table's own writes change it too), so a list built under this stamp on this day is the
    list while the stamp is the same, whichever process wrote: a clinic of 200 athletes is then one
    small aggregate read a view, not 200 rows read, decoded and sorted."""
    with db.read() as conn:
        count, first, second, ids = conn.execute(_LIST_STAMP, {"clinician": actor.user_id}).one()
    return int(count), int(first), int(second), int(ids)
