"""What the clinic's worker does on a timetable: the nightly re-plan, missed check-ins, the erasure ledger.

Each is a plain function of an open database and the day, so the procrastinate tasks
(:mod:`backstride.services.queue`), the tests and the benchmark call the same code. Other modules add what
must be brought up to date for an athlete (the clinic list's status row, say) to :data:`REFRESHERS`:
the nightly re-plan calls each one for every athlete after planning them, and the missed check-in round
calls them for the athletes it flags, since their row changes with the passing days and nothing else.

Every athlete is planned in a transaction of their own: one athlete whose history cannot be planned is
logged (by id, never by name or answers) and skipped, and a re-plan that stops halfway keeps what it did.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from backstride.services.training_log import plan_for
from backstride.storage import Database
from backstride.storage.erase import finish_pending_erasures
from backstride.storage.tables import AthleteRow, CheckinRow, JobRow, utcnow

__all__ = [
    "MISSED_AFTER_DAYS",
    "REFRESHERS",
    "MissedCheckin",
    "Refresher",
    "ReplanReport",
    "erasure_round",
    "local_today",
    "missed_checkin_round",
    "missed_checkins",
    "prune_finished_jobs",
    "replan_all",
]

log = logging.getLogger(__name__)

# An athlete who has not checked in for this many days is flagged for the clinic list.
MISSED_AFTER_DAYS = 3
# Finished jobs (an import's summary names the runner's files) are kept this long, then removed.
JOB_KEEP_DAYS = 30

Refresher = Callable[[Database, int, dt.date], None]  # database, athlete id, the athlete's today


def _clinic_status(db: Database, athlete_id: int, today: dt.date) -> None:
    """The clinic list's row (imported here, when first called: the clinic reads the planner's modules)."""
    from backstride.services.clinic import refresh_for

    refresh_for(db, athlete_id, today)


REFRESHERS: list[Refresher] = [_clinic_status]


def local_today(at: dt.datetime, timezone: str | None) -> dt.date:
    """The date at ``at`` where the athlete lives (UTC when their zone is unknown or not a zone)."""
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(timezone) if timezone else dt.UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return at.astimezone(zone).date()


def _athletes(db: Database) -> list[tuple[int, str | None]]:
    with db.session() as session:
        rows = session.execute(select(AthleteRow.id, AthleteRow.timezone).order_by(AthleteRow.id))
        return [(athlete_id, timezone) for athlete_id, timezone in rows]


def _refresh(db: Database, athlete_id: int, today: dt.date) -> None:
    for refresher in list(REFRESHERS):
        refresher(db, athlete_id, today)


@dataclass(frozen=True, slots=True)
class ReplanReport:
    """How the nightly re-plan went: athletes planned, and the ids that could not be (see the log)."""

    planned: int
    failed: tuple[int, ...]


def replan_all(db: Database, at: dt.datetime) -> ReplanReport:
    """Plan every athlete's week from their own today at ``at`` and keep it (``plan_for(save=True)``),
    then run the :data:`REFRESHERS` for them; one small transaction per athlete."""
    planned, failed = 0, []
    for athlete_id, timezone in _athletes(db):
        today = local_today(at, timezone)
        try:
            plan_for(db, athlete_id, today, save=True)
            _refresh(db, athlete_id, today)
        except Exception:  # one athlete's trouble must not stop everyone else's plan
            log.exception("nightly re-plan of athlete %s failed", athlete_id)
            failed.append(athlete_id)
            continue
        planned += 1
    return ReplanReport(planned, tuple(failed))


@dataclass(frozen=True, slots=True)
class MissedCheckin:
    """An athlete with no check-in for :data:`MISSED_AFTER_DAYS` days or more (``last`` None: never)."""

    athlete_id: int
    last: dt.date | None
    days: int | None  # days since the last check-in (None: never checked in)


def missed_checkins(db: Database, at: dt.datetime) -> list[MissedCheckin]:
    """Every athlete whose last check-in is :data:`MISSED_AFTER_DAYS` or more days before their today."""
    query = (select(AthleteRow.id, AthleteRow.timezone, func.max(CheckinRow.date))
             .outerjoin(CheckinRow, CheckinRow.athlete_id == AthleteRow.id)
             .group_by(AthleteRow.id, AthleteRow.timezone).order_by(AthleteRow.id))
    with db.session() as session:
        rows = session.execute(query).all()
    out = []
    for athlete_id, timezone, last in rows:
        days = None if last is None else (local_today(at, timezone) - last).days
        if days is None or days >= MISSED_AFTER_DAYS:
            out.append(MissedCheckin(athlete_id, last, days))
    return out


def missed_checkin_round(db: Database, at: dt.datetime) -> list[MissedCheckin]:
    """Flag the athletes who missed their check-ins: the :data:`REFRESHERS` run for each; returns them."""
    flagged = missed_checkins(db, at)
    timezones = dict(_athletes(db))
    for missed in flagged:
        try:
            _refresh(db, missed.athlete_id, local_today(at, timezones.get(missed.athlete_id)))
        except Exception:
            log.exception("missed check-in refresh of athlete %s failed", missed.athlete_id)
    return flagged


def prune_finished_jobs(db: Database, at: dt.datetime, keep_days: int = JOB_KEEP_DAYS) -> int:
    """Remove finished jobs older than ``keep_days`` (their summaries name the runner's files); how many."""
    before = at - dt.timedelta(days=keep_days)
    with db.write() as session:
        result = session.execute(delete(JobRow).where(JobRow.state.in_(("done", "failed")),
                                                      JobRow.finished_at < before))
        return int(getattr(result, "rowcount", 0) or 0)


def erasure_round(db: Database, at: dt.datetime | None = None) -> list[int]:
    """Finish the clean-up of erasures left "not cleaned" (athlete ids now clean), and prune old jobs.

    The ledger itself is never pruned: it is what keeps an erased athlete erased when an older backup is
    restored, and a backup may be restored years later.
    """
    cleaned = finish_pending_erasures(db)
    prune_finished_jobs(db, at or utcnow())
    return cleaned
