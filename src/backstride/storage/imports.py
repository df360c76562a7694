"""Storing imported activities: one file = one transaction (activity + laps + import-log row).

An activity is a duplicate when the athlete already has one with the same SHA-256 of the original
bytes (and the same place in that file), or one that starts within 60 s of it with a duration
within 2% (the same run exported as FIT and as TCX). The UNIQUE (athlete_id, content_sha256, part)
constraint with ``ON CONFLICT DO NOTHING`` makes concurrent imports of one file store it once; on
PostgreSQL a per-athlete advisory lock also serialises the start-time check, which SQLite's single
writer already does.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound
from backstride.storage.shoes import current_shoe_id, owned_shoe
from backstride.storage.tables import IMPORT_OUTCOMES, ActivityRow, AthleteRow, ImportLogRow, LapRow, utcnow

__all__ = [
    "DUPLICATE_DURATION_TOLERANCE",
    "DUPLICATE_START_WINDOW",
    "ImportLogEntry",
    "ImportOutcome",
    "add_imported_activity",
    "add_imported_file",
    "list_import_log",
    "log_import",
]

ImportOutcome = Literal["imported", "duplicate"]

# Two recordings of one run: device clocks and format rounding differ by seconds, and moving time
# differs a little between formats; two different runs never start within a minute of each other.
DUPLICATE_START_WINDOW = dt.timedelta(seconds=60)
DUPLICATE_DURATION_TOLERANCE = 0.02

if TYPE_CHECKING:  # storage does not load the importers at runtime
    from backstride.importers.model import ImportedActivity

_PG_IMPORT_LOCK = zlib.crc32(b"backstride.imports") & 0x7FFFFFFF


@dataclass(frozen=True, slots=True)
class ImportLogEntry:
    """What happened to one imported file."""

    id: int
    source_name: str
    content_sha256: str | None
    outcome: str
    reason: str | None
    activity_id: int | None
    at: dt.datetime


def add_imported_activity(
    db: Database, athlete_id: int, activity: ImportedActivity, shoe_id: int | None = None
) -> ImportOutcome:
    """Store an imported activity with its laps and log the file; ``"duplicate"`` if already there.

    A run goes to ``shoe_id`` if given, else to the athlete's current shoe. The activity's date is
    its local date in the athlete's timezone if one is set, else in the file's own UTC offset.
    For a file that holds several activities (a multisport FIT file) use :func:`add_imported_file`.
    """
    return add_imported_file(db, athlete_id, [activity], shoe_id)[0]


def add_imported_file(
    db: Database, athlete_id: int, activities: Sequence[ImportedActivity], shoe_id: int | None = None
) -> list[ImportOutcome]:
    """Store every activity decoded from one file, in one transaction; one outcome per activity.

    The activities share the file's hash; each is keyed by (hash, its position in the file), so
    the legs of a multisport file are all kept and importing the file again adds nothing.
    """
    for activity in activities:
        if activity.start.tzinfo is None or activity.start.utcoffset() is None:
            raise ValueError(f"{activity.source_name}: the start time has no timezone")
        if activity.kind not in ("run", "cross_training"):
            raise ValueError(f"{activity.source_name}: kind must be 'run' or 'cross_training' (got {activity.kind!r})")
    now = utcnow()
    with db.write() as session:
        athlete = session.get(AthleteRow, athlete_id)
        if athlete is None:
            raise AthleteNotFound(athlete_id)
        if shoe_id is not None:
            owned_shoe(session, athlete_id, shoe_id)
        if db.is_postgresql:
            session.execute(select(func.pg_advisory_xact_lock(_PG_IMPORT_LOCK, athlete_id)))
        return [_store(session, db, athlete, activity, part, shoe_id, now) for part, activity in enumerate(activities)]


def _store(
    session: Session,
    db: Database,
    athlete: AthleteRow,
    activity: ImportedActivity,
    part: int,
    shoe_id: int | None,
    now: dt.datetime,
) -> ImportOutcome:
    sha = activity.content_sha256 or None
    duplicate = _find_duplicate(session, athlete.id, activity, sha, part)
    new_id: int | None = None
    if duplicate is None:
        values = _activity_values(session, athlete, activity, sha, part, shoe_id, now)
        insert = postgresql.insert if db.is_postgresql else sqlite.insert
        stmt = (
            insert(ActivityRow)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["athlete_id", "content_sha256", "part"])
            .returning(ActivityRow.id)
        )
        new_id = session.execute(stmt).scalar_one_or_none()
        if new_id is None:  # another writer stored this file between our check and our insert
            duplicate = _find_duplicate(session, athlete.id, activity, sha, part)
    if new_id is not None:
        for position, lap in enumerate(activity.laps):
            session.add(
                LapRow(
                    activity_id=new_id,
                    position=position,
                    start_time=lap.start,
                    distance_m=lap.distance_m,
                    elapsed_s=lap.elapsed_s,
                    moving_s=lap.moving_s,
                    avg_hr=lap.avg_hr,
                    avg_cadence_spm=lap.avg_cadence_spm,
                )
            )
        outcome: ImportOutcome = "imported"
        reason = "partly read: the file is damaged" if activity.partial else None
    else:
        outcome = "duplicate"
        reason = duplicate[1] if duplicate else "already imported"
    session.add(
        ImportLogRow(
            athlete_id=athlete.id,
            source_name=activity.source_name,
            content_sha256=sha,
            outcome=outcome,
            reason=reason,
            activity_id=new_id if new_id is not None else (duplicate[0] if duplicate else None),
            at=now,
        )
    )
    session.flush()  # the next activity of the file must see this one
    return outcome


def _activity_values(
    session: Session,
    athlete: AthleteRow,
    activity: ImportedActivity,
    sha: str | None,
    part: int,
    shoe_id: int | None,
    now: dt.datetime,
) -> dict[str, object]:
    local = activity.start.astimezone(ZoneInfo(athlete.timezone)) if athlete.timezone else activity.start
    if shoe_id is not None:
        shoe: int | None = owned_shoe(session, athlete.id, shoe_id).id
    else:
        shoe = current_shoe_id(session, athlete.id, on=local.date()) if activity.kind == "run" else None
    moving_or_elapsed = activity.moving_s if activity.moving_s is not None else activity.elapsed_s
    return {
        "athlete_id": athlete.id,
        "date": local.date(),
        "start_time": activity.start,
        "kind": activity.kind,
        "sport": activity.sport or None,
        "distance_km": activity.distance_m / 1000 if activity.distance_m is not None else None,
        "duration_min": moving_or_elapsed / 60 if moving_or_elapsed is not None else None,
        "elapsed_min": activity.elapsed_s / 60 if activity.elapsed_s is not None else None,
        "elevation_gain_m": activity.elevation_gain_m,
        "elevation_loss_m": activity.elevation_loss_m,
        "cadence_spm": activity.avg_cadence_spm,
        "avg_hr": activity.avg_hr,
        "max_hr": activity.max_hr,
        "device": activity.device,
        "source_format": activity.source_format or None,
        "source_name": activity.source_name or None,
        "content_sha256": sha,
        "part": part,
        "shoe_id": shoe,
        "partial": activity.partial,
        "notes": activity.notes or None,
        "created_at": now,
    }


def _durations_min(*seconds: float | None) -> list[float]:
    return [s / 60 for s in seconds if s is not None]


def _same_duration(a: list[float], b: list[float]) -> bool:
    if not a or not b:  # nothing to compare: the start time alone decides
        return True
    return any(abs(x - y) <= DUPLICATE_DURATION_TOLERANCE * max(x, y) for x in a for y in b)


def _find_duplicate(
    session: Session, athlete_id: int, activity: ImportedActivity, sha: str | None, part: int
) -> tuple[int, str] | None:
    if sha is not None:
        same_file = session.scalars(
            select(ActivityRow.id).where(
                ActivityRow.athlete_id == athlete_id, ActivityRow.content_sha256 == sha, ActivityRow.part == part
            )
        ).first()
        if same_file is not None:
            return same_file, f"the same file was already imported (activity {same_file})"
    nearby = session.execute(
        select(ActivityRow.id, ActivityRow.duration_min, ActivityRow.elapsed_min, ActivityRow.source_name)
        .where(
            ActivityRow.athlete_id == athlete_id,
            ActivityRow.start_time >= activity.start - DUPLICATE_START_WINDOW,
            ActivityRow.start_time <= activity.start + DUPLICATE_START_WINDOW,
        )
        .order_by(ActivityRow.id)
    ).all()
    mine = _durations_min(activity.moving_s, activity.elapsed_s)
    for row_id, duration, elapsed, source in nearby:
        theirs = [d for d in (duration, elapsed) if d is not None]
        if _same_duration(mine, theirs):
            return row_id, (
                f"the same activity was already imported from {source or 'another file'} "
                f"(activity {row_id}: start within 60 s, duration within 2%)"
            )
    return None


def log_import(
    db: Database,
    athlete_id: int,
    source_name: str,
    outcome: str,
    reason: str | None = None,
    content_sha256: str | None = None,
) -> None:
    """Record a file that was skipped or failed (``add_imported_activity`` logs the others)."""
    if outcome not in IMPORT_OUTCOMES:
        raise ValueError(f"outcome must be one of {IMPORT_OUTCOMES} (got {outcome!r})")
    with db.write() as session:
        if session.get(AthleteRow, athlete_id) is None:
            raise AthleteNotFound(athlete_id)
        session.add(
            ImportLogRow(
                athlete_id=athlete_id,
                source_name=source_name,
                content_sha256=content_sha256,
                outcome=outcome,
                reason=reason,
                at=utcnow(),
            )
        )


def list_import_log(db: Database, athlete_id: int) -> list[ImportLogEntry]:
    """The athlete's import log, oldest first."""
    with db.session() as session:
        rows = session.scalars(
            select(ImportLogRow).where(ImportLogRow.athlete_id == athlete_id).order_by(ImportLogRow.id)
        ).all()
        return [
            ImportLogEntry(r.id, r.source_name, r.content_sha256, r.outcome, r.reason, r.activity_id, r.at)
            for r in rows
        ]
