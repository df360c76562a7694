"""An athlete's revision: a stamp the database changes on every write to what the plan reads.

The plan, the decision and the clinic's status row are pure functions of an athlete's stored history
and the day. A cache keyed on (athlete, revision, day) is then never stale, whichever process, command
or route wrote: the stamp is changed by triggers in the database itself, not by each write path
remembering to do it. It is a random 63-bit number, not a counter, so that a restored backup or an
athlete id reused after an erasure never meets a cached value from before.

``PLAN_INPUTS`` are the tables ``planner_state`` reads; every other table with an ``athlete_id`` is in
``NOT_PLAN_INPUTS`` with the reason (a test holds every athlete table to one of the two). A migration
adding a plan input calls :func:`install_triggers` for it (and 0008 installs only the inputs it knew,
``PLAN_INPUTS_0008``: a migration never reads a list that grows after it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

PLAN_INPUTS_0008 = ("baseline_sessions", "checkins", "shoes", "activities")  # the triggers migration 0008 made
# adjustment_events: a physio's adjustments, read into the catalogue the plan uses (its triggers: 0010)
PLAN_INPUTS = (*PLAN_INPUTS_0008, "adjustment_events")

NOT_PLAN_INPUTS: Mapping[str, str] = {
    "planned_days": "the issued plans: written by planning, never read by it",
    "import_log": "which files were imported: the runs themselves are in activities",
    "jobs": "work in progress off the request path",
    "erasures": "the erasure ledger",
    "users": "accounts",
    "clinician_links": "who may see the athlete",
    "audit_log": "who did what, never health data",
    "athlete_status": "the clinic list's row: made from the plan's inputs, keyed on this very stamp",
    "clinic_notes": "clinicians' notes: read by people, never by the planner",
    "invitations": "who was invited by whom",
}

_SQLITE_STAMP = "(random() & 9223372036854775807)"
_PG_STAMP = "floor(random() * 9.2e18)::bigint"
_PG_FUNCTION = "backstride_athlete_revision"


def _sqlite_statements(table: str) -> list[str]:
    bump = f"UPDATE athletes SET revision = {_SQLITE_STAMP} WHERE id = {{who}}.athlete_id;"
    return [
        f"CREATE TRIGGER {table}_revision_insert AFTER INSERT ON {table} BEGIN {bump.format(who='NEW')} END",
        f"CREATE TRIGGER {table}_revision_update AFTER UPDATE ON {table} BEGIN {bump.format(who='NEW')} "
        f"{bump.format(who='OLD')} END",
        f"CREATE TRIGGER {table}_revision_delete AFTER DELETE ON {table} BEGIN {bump.format(who='OLD')} END",
    ]


def _pg_statements(table: str) -> list[str]:
    return [f"CREATE TRIGGER {table}_revision AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()"]


def _pg_function() -> str:
    return f"""
CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        UPDATE athletes SET revision = {_PG_STAMP} WHERE id = NEW.athlete_id;
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.athlete_id <> NEW.athlete_id) THEN
        UPDATE athletes SET revision = {_PG_STAMP} WHERE id = OLD.athlete_id;
    END IF;
    RETURN NULL;
END $$"""


def _pg_athlete_statements() -> list[str]:
    return [
        f"""
CREATE OR REPLACE FUNCTION {_PG_FUNCTION}_own() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.revision IS NOT DISTINCT FROM OLD.revision THEN
        NEW.revision := {_PG_STAMP};
    END IF;
    RETURN NEW;
END $$""",
        f"CREATE TRIGGER athletes_revision BEFORE INSERT OR UPDATE ON athletes "
        f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}_own()",
    ]


def _sqlite_athlete_statements() -> list[str]:
    stamp = f"UPDATE athletes SET revision = {_SQLITE_STAMP} WHERE id = NEW.id;"
    return [
        f"CREATE TRIGGER athletes_revision_insert AFTER INSERT ON athletes BEGIN {stamp} END",
        # the WHEN keeps the trigger's own update (and a child table's) from stamping twice
        f"CREATE TRIGGER athletes_revision_update AFTER UPDATE ON athletes "
        f"WHEN NEW.revision IS OLD.revision BEGIN {stamp} END",
    ]


def athlete_statements(dialect: str) -> list[str]:
    """The athletes table's own triggers, and on PostgreSQL the shared trigger function."""
    if dialect == "postgresql":
        return [_pg_function(), *_pg_athlete_statements()]
    return _sqlite_athlete_statements()


def table_statements(dialect: str, table: str) -> list[str]:
    """The triggers that change the athlete's revision on every insert, update and delete in ``table``."""
    return _pg_statements(table) if dialect == "postgresql" else _sqlite_statements(table)


def install_triggers(op: Any, tables: Iterable[str]) -> None:
    """For a migration: triggers on each of ``tables`` (each with an ``athlete_id`` column)."""
    dialect = op.get_bind().dialect.name
    for table in tables:
        for statement in table_statements(dialect, table):
            op.execute(statement)


def drop_triggers(op: Any, tables: Iterable[str]) -> None:
    """For a migration's downgrade: the triggers :func:`install_triggers` made."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in tables:
        names = [f"{table}_revision"] if postgres else [f"{table}_revision_{w}" for w in ("insert", "update", "delete")]
        for name in names:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}" if postgres else f"DROP TRIGGER IF EXISTS {name}")

