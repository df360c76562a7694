"""backstride's storage layer: SQLite by default, PostgreSQL via psycopg 3.

    db = Database.open(resolve_url(cli_db_option))   # migrates; DatabaseTooNew if the DB is newer
    athlete = create_athlete(db, state, name="Ana")   # a backstride.state/1 in, an id out
    upsert_checkin(db, athlete, checkin)              # one per date; a second replaces the first
    add_imported_file(db, athlete, result.activities) # one file = one transaction; duplicates skipped
    state = state_for(db, athlete, today)             # the planner's input, built from the database
    save_plan(db, athlete, plan)
    export_athlete(db, athlete); erase_athlete(db, athlete); backup(db, "copy.db")
    db.dispose()

Every write is one transaction. Nothing is read from the environment at import time, and Alembic
is only loaded when a database is opened.
"""

from __future__ import annotations

from backstride.storage.activities import StoredActivity, add_activity, list_activities
from backstride.storage.athletes import (
    AthleteSummary,
    cleared_on,
    create_athlete,
    get_athlete,
    list_athletes,
    state_for,
    update_athlete,
)
from backstride.storage.backup import BackupError, BackupReport, backup
from backstride.storage.checkins import list_checkins, upsert_checkin
from backstride.storage.engine import (
    DATABASE_URL_ENV,
    Database,
    default_database_url,
    make_engine,
    resolve_url,
)
from backstride.storage.erase import ErasureReport, erase_athlete
from backstride.storage.errors import (
    AthleteNotFound,
    DatabaseBusy,
    DatabaseNeedsUpgrade,
    DatabaseTooNew,
    NotFound,
    ShoeNotFound,
)
from backstride.storage.export import EXPORT_FORMAT, export_athlete, export_athlete_csv
from backstride.storage.imports import (
    ImportLogEntry,
    ImportOutcome,
    add_imported_activity,
    add_imported_file,
    list_import_log,
    log_import,
)
from backstride.storage.plans import PlannedDay, planned_days, save_plan
from backstride.storage.restore import import_athlete_export
from backstride.storage.shoes import ShoeInfo, add_shoe, list_shoes, retire_shoe
from backstride.storage.state_load import PLANNER_WINDOW_DAYS, planner_state

__all__ = [
    "DATABASE_URL_ENV",
    "EXPORT_FORMAT",
    "PLANNER_WINDOW_DAYS",
    "AthleteNotFound",
    "AthleteSummary",
    "BackupError",
    "BackupReport",
    "Database",
    "DatabaseBusy",
    "DatabaseNeedsUpgrade",
    "DatabaseTooNew",
    "ErasureReport",
    "ImportLogEntry",
    "ImportOutcome",
    "NotFound",
    "PlannedDay",
    "ShoeInfo",
    "ShoeNotFound",
    "StoredActivity",
    "add_activity",
    "add_imported_activity",
    "add_imported_file",
    "add_shoe",
    "backup",
    "cleared_on",
    "create_athlete",
    "default_database_url",
    "erase_athlete",
    "export_athlete",
    "export_athlete_csv",
    "get_athlete",
    "import_athlete_export",
    "list_activities",
    "list_athletes",
    "list_checkins",
    "list_import_log",
    "list_shoes",
    "log_import",
    "make_engine",
    "planned_days",
    "planner_state",
    "resolve_url",
    "retire_shoe",
    "save_plan",
    "state_for",
    "update_athlete",
    "upsert_checkin",
]
