"""The database tables (SQLAlchemy 2 typed declarative). API schemas live in ``backstride.contract``.

Every foreign key to ``athletes`` cascades on delete, so erasing an athlete is one DELETE. The
migrations in ``migrations/versions`` are the source of truth for the DDL; a test checks that these
classes and the migrated schema agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "CLINICAL_EVENT_KINDS",
    "IMPORT_OUTCOMES",
    "USER_ROLES",
    "ActivityRow",
    "AdjustmentEventRow",
    "ApiTokenRow",
    "AthleteRow",
    "AthleteStatusRow",
    "AuditRow",
    "Base",
    "BaselineSessionRow",
    "CheckinRow",
    "CleanText",
    "ClinicNoteRow",
    "ClinicianLinkRow",
    "ErasureRow",
    "ImportLogRow",
    "InvitationRow",
    "JobRow",
    "LapRow",
    "PlannedDayRow",
    "ShoeRow",
    "SigninFailureRow",
    "UTCDateTime",
    "UserRow",
    "WebSessionRow",
    "utcnow",
]

IMPORT_OUTCOMES = ("imported", "duplicate", "skipped", "failed")

# Named constraints: SQLite batch migrations can only drop or alter constraints that have names.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime stored in UTC on every backend.

    SQLite has no timezone type, so values are stored as naive UTC there and read back as aware UTC;
    PostgreSQL uses ``timestamptz``. Naive datetimes are refused: their meaning is ambiguous.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class CleanText(TypeDecorator[str]):
    """Text without NUL characters: PostgreSQL cannot store them, so no backend does.

    A NUL in free text (a note, a file name) is never meaningful, and dropping it on every backend
    keeps SQLite and PostgreSQL databases interchangeable. Free text is unbounded (``TEXT``) for
    the same reason: SQLite ignores ``VARCHAR(n)`` limits that PostgreSQL enforces.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return value.replace("\x00", "") if value is not None else None


def _athlete_fk() -> Any:
    return ForeignKey("athletes.id", ondelete="CASCADE")


class Base(DeclarativeBase):
    """Declarative base with the naming convention above."""

    metadata = MetaData(naming_convention=NAMING)


class AthleteRow(Base):
    """One runner and the profile fields of ``contract.Athlete`` (baseline and shoes have tables)."""

    __tablename__ = "athletes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(CleanText())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str | None] = mapped_column(String(64))  # IANA name: dates of imported runs
    units: Mapped[str] = mapped_column(String(2), default="km")
    available_days: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    long_run_day: Mapped[str | None] = mapped_column(String(3))
    easy_pace_min_per_km: Mapped[float | None] = mapped_column(Float)
    cadence_spm: Mapped[float | None] = mapped_column(Float)
    diagnoses: Mapped[list[str]] = mapped_column(JSON, default=list)
    cross_training: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    age: Mapped[int | None] = mapped_column(Integer)
    history_of_cancer: Mapped[bool | None] = mapped_column(Boolean)
    osteoporosis_or_steroids: Mapped[bool | None] = mapped_column(Boolean)
    cleared_on: Mapped[dt.date | None] = mapped_column(Date)  # when a clinician last cleared running
    # a stamp the database changes on every write to what the plan reads (storage/revision.py)
    revision: Mapped[int] = mapped_column(BigInteger, server_default="0", info={"internal": True})


class BaselineSessionRow(Base):
    """One session of the runner's normal week before the pain (``contract.BaselineSession``)."""

    __tablename__ = "baseline_sessions"
    __table_args__ = (UniqueConstraint("athlete_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(_athlete_fk(), index=True)
    position: Mapped[int] = mapped_column(Integer)
    day: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(32))
    distance_km: Mapped[float | None] = mapped_column(Float)
    duration_min: Mapped[float | None] = mapped_column(Float)
    rep_distance_m: Mapped[float | None] = mapped_column(Float)
    reps: Mapped[int | None] = mapped_column(Integer)


class CheckinRow(Base):
    """One daily check-in (``contract.Checkin``); at most one per athlete and date."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("athlete_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(_athlete_fk())
    date: Mapped[dt.date] = mapped_column(Date)
    pain_rest: Mapped[int | None] = mapped_column(Integer)
    pain_during: Mapped[int | None] = mapped_column(Integer)
    pain_rising_during: Mapped[bool | None] = mapped_column(Boolean)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    pain_next_morning: Mapped[int | None] = mapped_column(Integer)
    sharp_pain: Mapped[bool | None] = mapped_column(Boolean)
    walking_pain: Mapped[bool | None] = mapped_column(Boolean)
    limping: Mapped[bool | None] = mapped_column(Boolean)
    radiating_below_knee: Mapped[bool | None] = mapped_column(Boolean)
    numbness_tingling: Mapped[bool | None] = mapped_column(Boolean)
    leg_weakness: Mapped[bool | None] = mapped_column(Boolean)
    both_legs: Mapped[bool | None] = mapped_column(Boolean)
    saddle_numbness: Mapped[bool | None] = mapped_column(Boolean)
    bladder_bowel_change: Mapped[bool | None] = mapped_column(Boolean)
    fever_unwell: Mapped[bool | None] = mapped_column(Boolean)
    night_pain: Mapped[bool | None] = mapped_column(Boolean)
    sleep_hours: Mapped[float | None] = mapped_column(Float)
    stress: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(CleanText())
    unexplained_weight_loss: Mapped[bool | None] = mapped_column(Boolean)
    recent_trauma: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ShoeRow(Base):
    """A pair of shoes; its distance is ``start_km`` plus the runs assigned to it."""

    __tablename__ = "shoes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(_athlete_fk(), index=True)
    name: Mapped[str] = mapped_column(CleanText())
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    added_on: Mapped[dt.date] = mapped_column(Date)
    retired_on: Mapped[dt.date | None] = mapped_column(Date)
    start_km: Mapped[float] = mapped_column(Float, default=0.0)


class ActivityRow(Base):
    """A run or other session, entered by hand or imported from a device file."""

    __tablename__ = "activities"
    __table_args__ = (
        # The idempotency key of an import: the file's SHA-256 and the activity's place in the file
        # (a multisport FIT file holds several). NULLs are distinct in a UNIQUE constraint on both
        # backends, so hand-entered rows (no hash) never clash.
        UniqueConstraint("athlete_id", "content_sha256", "part"),
        Index("ix_activities_athlete_id_date", "athlete_id", "date"),
        Index("ix_activities_athlete_id_start_time", "athlete_id", "start_time"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(_athlete_fk())
    date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    sport: Mapped[str | None] = mapped_column(CleanText())
    distance_km: Mapped[float | None] = mapped_column(Float)
    duration_min: Mapped[float | None] = mapped_column(Float)  # moving time if known, else elapsed
    elapsed_min: Mapped[float | None] = mapped_column(Float)
    rpe: Mapped[int | None] = mapped_column(Integer)
    elevation_gain_m: Mapped[float | None] = mapped_column(Float)
    elevation_loss_m: Mapped[float | None] = mapped_column(Float)
    cadence_spm: Mapped[float | None] = mapped_column(Float)
    avg_hr: Mapped[float | None] = mapped_column(Float)
    max_hr: Mapped[float | None] = mapped_column(Float)
    device: Mapped[str | None] = mapped_column(CleanText())
    source_format: Mapped[str | None] = mapped_column(String(32))
    source_name: Mapped[str | None] = mapped_column(CleanText())
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    part: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # index in its file
    shoe_id: Mapped[int | None] = mapped_column(ForeignKey("shoes.id", ondelete="SET NULL"), index=True)
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(CleanText())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LapRow(Base):
    """One lap or split of an imported activity."""

    __tablename__ = "laps"
    __table_args__ = (UniqueConstraint("activity_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    distance_m: Mapped[float | None] = mapped_column(Float)
    elapsed_s: Mapped[float | None] = mapped_column(Float)
    moving_s: Mapped[float | None] = mapped_column(Float)
    avg_hr: Mapped[float | None] = mapped_column(Float)
    avg_cadence_spm: Mapped[float | None] = mapped_column(Float)


class PlannedDayRow(Base):
    """What was planned for one day: the sessions of the latest plan that covered it (updated in place)."""

    __tablename__ = "planned_days"
    __table_args__ = (UniqueConstraint("athlete_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(_athlete_fk())
    date: Mapped[dt.date] = mapped_column(Date)
    week_start: Mapped[dt.date] = mapped_column(Date)  # the first day of the plan that set this day
    phase: Mapped[str] = mapped_column(String(16))
    sessions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # contract sessions without their notes
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ImportLogRow(Base):
    """What happened to one imported file: imported, duplicate, skipped or failed (with a reason)."""

    __tablename__ = "import_log"
    __table_args__ = (CheckConstraint("outcome IN ('imported', 'duplicate', 'skipped', 'failed')", name="outcome"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(_athlete_fk(), index=True)
    source_name: Mapped[str] = mapped_column(CleanText())
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(CleanText())
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class JobRow(Base):
    """A piece of work done off the request path (an import): its progress, then its result or error.

    ``payload`` and ``result`` are JSON. ``done`` of ``total`` is the progress (files read of files
    found); ``error`` a one-line reason for the runner, never a traceback.
    """

    __tablename__ = "jobs"
    __table_args__ = (CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(_athlete_fk(), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    payload: Mapped[Any] = mapped_column(JSON)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[Any | None] = mapped_column(JSON(none_as_null=True))
    error: Mapped[str | None] = mapped_column(CleanText())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ErasureRow(Base):
    """The erasure ledger: one row per erased athlete, and no health data.

    Only the id, when, and a salted fingerprint of the erased athlete row (HMAC-SHA256 of its id and
    creation time) so that a restored backup's athlete is erased again only if it is the same
    person, not a later athlete who was given a reused id. ``files_cleaned_at`` stays empty until
    the database files themselves no longer hold the athlete's data (SQLite: WAL truncated, VACUUM).
    """

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(Integer, index=True)
    erased_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    salt: Mapped[str] = mapped_column(String(32))
    fingerprint: Mapped[str] = mapped_column(String(64))
    files_cleaned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


# --- web accounts (revision 0006) --------------------------------------------------------------------
# Tables marked ``info={"account": True}`` belong to an athlete for erasure (they cascade) but hold
# credentials, not the athlete's data: exports leave them out.

USER_ROLES = ("athlete", "clinician", "admin")


class UserRow(Base):
    """A person who signs in: an athlete (linked to their athlete row), a clinician or an admin."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('athlete', 'clinician', 'admin')", name="role"),
                      UniqueConstraint("email"), {"info": {"account": True}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(CleanText())  # stored lower-cased
    role: Mapped[str] = mapped_column(String(16))
    athlete_id: Mapped[int | None] = mapped_column(_athlete_fk(), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # argon2id; None: sign-in by link only
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ClinicianLinkRow(Base):
    """A clinician may read this athlete's data."""

    __tablename__ = "clinician_links"
    __table_args__ = (UniqueConstraint("clinician_id", "athlete_id"), {"info": {"account": True}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    athlete_id: Mapped[int] = mapped_column(_athlete_fk(), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class WebSessionRow(Base):
    """A signed-in browser: only the SHA-256 of the cookie's random id is kept."""

    __tablename__ = "web_sessions"
    __table_args__ = (UniqueConstraint("id_hash"), {"info": {"account": True}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ApiTokenRow(Base):
    """A personal API token (``purpose='api'``) or a one-time sign-in link (``'signin'``), stored hashed."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_hash"), {"info": {"account": True}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class SigninFailureRow(Base):
    """One failed sign-in, keyed by a hash of the account or of the client (for throttling)."""

    __tablename__ = "signin_failures"
    __table_args__ = (Index("ix_signin_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AuditRow(Base):
    """Who did what and when: sign-ins, failures, exports, erasures, clinician reads. Never health data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    event: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(Integer)
    athlete_id: Mapped[int | None] = mapped_column(Integer)
    client: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(CleanText())


# --- the clinic (revision 0009) ----------------------------------------------------------------------


class AthleteStatusRow(Base):
    """The clinic list's row for one athlete, as of ``on_date`` and the athlete's ``revision``: written when
    stale, so the list for many athletes is one query (the rank and reason come from the core's results)."""

    __tablename__ = "athlete_status"
    __table_args__ = ({"info": {"derived": True}},)  # rebuilt from the log when stale: erased, not exported

    athlete_id: Mapped[int] = mapped_column(_athlete_fk(), primary_key=True)
    on_date: Mapped[dt.date] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(BigInteger)  # the athlete's stamp this row was made from
    rank: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(CleanText())
    last_checkin: Mapped[dt.date | None] = mapped_column(Date)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class ClinicNoteRow(Base):
    """A clinician's note on an athlete: read by every clinician linked to them, and by the athlete if shared."""

    __tablename__ = "clinic_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(_athlete_fk(), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(CleanText())
    shared: Mapped[bool] = mapped_column(Boolean, default=False)


class InvitationRow(Base):
    """A clinician's one-time invitation to an athlete's e-mail address (only the secret's SHA-256 is kept)."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("token_hash"), {"info": {"account": True}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(CleanText())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    athlete_id: Mapped[int | None] = mapped_column(_athlete_fk(), index=True)  # who used it

# --- a clinician's adjustments, diagnoses and clearances (revision 0010) --------------------------------

CLINICAL_EVENT_KINDS = ("set", "undo", "diagnosis", "clearance")


class AdjustmentEventRow(Base):
    """One recorded change on the athlete's clinical trail: an adjustment set (a rule's number, with the
    reason), an undo of one (``refers_to``), a diagnosis or a clearance. Never updated or deleted but with
    the athlete: the current adjustments are the fold of these events."""

    __tablename__ = "adjustment_events"
    __table_args__ = (CheckConstraint("kind IN ('set', 'undo', 'diagnosis', 'clearance')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(_athlete_fk(), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    rule_id: Mapped[str | None] = mapped_column(String(32))
    parameter: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
    reason: Mapped[str] = mapped_column(CleanText())  # why (set, undo, clearance) or the diagnosis itself
    by_user_id: Mapped[int | None] = mapped_column(Integer)  # who: kept as a number, the account may go
    by_email: Mapped[str | None] = mapped_column(CleanText())
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    refers_to: Mapped[int | None] = mapped_column(ForeignKey("adjustment_events.id"))  # the set an undo undoes
