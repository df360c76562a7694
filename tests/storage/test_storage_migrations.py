"""Migrations: from empty, down and up again, from every earlier revision, and refusing the future."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from backstride.storage import migrate
from backstride.storage.athletes import create_athlete, state_for
from backstride.storage.engine import Database
from backstride.storage.erase import erase_athlete
from backstride.storage.plans import planned_days, save_plan
from backstride.storage.tables import Base
from tests.storage.storage_builders import full_state, row_counts


def _schema_diff(db: Database) -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": migrate.is_ours})
        return list(compare_metadata(context, Base.metadata))


def test_an_empty_database_is_migrated_to_the_newest_revision_on_open(db_url: str) -> None:
    with Database.open(db_url) as db:
        assert migrate.current_revision(db) == migrate.head_revision()
        assert set(inspect(db.engine).get_table_names()) >= set(Base.metadata.tables)


def test_the_migrated_schema_matches_the_table_classes(db: Database) -> None:
    assert _schema_diff(db) == []


def test_every_athlete_foreign_key_cascades_in_the_migrated_schema(db: Database) -> None:
    inspector = inspect(db.engine)
    for table in Base.metadata.tables:
        for fk in inspector.get_foreign_keys(table):
            if fk["referred_table"] == "athletes":
                assert (fk.get("options") or {}).get("ondelete", "").upper() == "CASCADE", (table, fk)


def test_downgrade_to_empty_and_upgrade_again(db: Database) -> None:
    migrate.downgrade(db, "base")
    assert migrate.current_revision(db) is None
    assert not set(inspect(db.engine).get_table_names()) & set(Base.metadata.tables)
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.head_revision()
    assert _schema_diff(db) == []


def test_opening_twice_is_a_no_op(db_url: str) -> None:
    with Database.open(db_url) as db:
        athlete = create_athlete(db, full_state())
    with Database.open(db_url) as db:
        assert state_for(db, athlete, full_state().today) == full_state()


# Rows written in the schema *as it was* at each revision (plain SQL, so later changes to tables.py
# cannot break them). Add an entry when a revision changes these tables; a revision without one
# reuses the latest earlier entry.
_SEED_0001 = [
        "INSERT INTO athletes (id, name, created_at, units, diagnoses) "
        "VALUES (7, 'seed', '2026-01-01 00:00:00', 'km', '[]')",
        "INSERT INTO checkins (athlete_id, date, pain_rest, notes, updated_at) "
        "VALUES (7, '2026-01-02', 3, 'seeded', '2026-01-02 00:00:00')",
        "INSERT INTO activities (athlete_id, date, kind, distance_km, partial, created_at, content_sha256) "
        "VALUES (7, '2026-01-02', 'run', 5.5, false, '2026-01-02 00:00:00', 'abc')",
    "INSERT INTO laps (activity_id, position, distance_m) SELECT id, 0, 1000 FROM activities WHERE athlete_id = 7",
]
SEED_SQL: dict[str, list[str]] = {
    "0001": [
        *_SEED_0001,
        # two plans covering 2026-01-03: the later one is what the day keeps
        "INSERT INTO plans (athlete_id, week_start, created_at, plan) VALUES (7, '2026-01-02', '2026-01-02 06:00:00', "
        "'{\"phase\": \"calm\", \"sessions\": [{\"date\": \"2026-01-02\", \"kind\": \"rest\", "
        "\"rules\": [], \"notes\": \"Rest day.\"}, {\"date\": \"2026-01-03\", \"kind\": \"easy\", "
        "\"distance_km\": 6.0, \"rules\": [\"I-EASY\"], \"notes\": \"Easy 6 km\"}]}')",
        "INSERT INTO plans (athlete_id, week_start, created_at, plan) VALUES (7, '2026-01-03', '2026-01-03 06:00:00', "
        "'{\"phase\": \"rebuild\", \"sessions\": [{\"date\": \"2026-01-03\", \"kind\": \"easy\", "
        "\"distance_km\": 4.5, \"rules\": [\"I-EASY\"], \"notes\": \"Easy 4.5 km\"}]}')",
    ],
    "0003": [
        *_SEED_0001,
        "INSERT INTO planned_days (athlete_id, date, week_start, phase, sessions, updated_at) VALUES (7, '2026-01-03', "
        "'2026-01-03', 'rebuild', '[{\"date\": \"2026-01-03\", \"kind\": \"easy\", \"distance_km\": 4.5, "
        "\"rules\": []}]', '2026-01-03 06:00:00')",
    ],
}


def _seed_for(revision: str) -> list[str]:
    known = [r for r in migrate.revisions()[: migrate.revisions().index(revision) + 1] if r in SEED_SQL]
    return SEED_SQL[known[-1]]


@pytest.mark.parametrize("revision", migrate.revisions())
def test_upgrading_from_each_earlier_revision_keeps_the_data(db_url: str, revision: str) -> None:
    with Database(db_url) as db:
        migrate.upgrade(db, revision)
        with db.write_connection() as conn:
            for statement in _seed_for(revision):
                conn.execute(text(statement))
        migrate.upgrade(db)
        assert migrate.current_revision(db) == migrate.head_revision()
        assert _schema_diff(db) == []
        state = state_for(db, 7, dt.date(2026, 1, 3))
        assert [(c.date, c.pain_rest, c.notes) for c in state.checkins] == [(dt.date(2026, 1, 2), 3, "seeded")]
        assert [(a.kind, a.distance_km) for a in state.activities] == [("run", 5.5)]
        if migrate.revisions().index(revision) < migrate.revisions().index("0003"):  # stored plans converted
            days = planned_days(db, 7, dt.date(2026, 1, 1), dt.date(2026, 1, 9))
            assert [(d.date, d.phase, [(s.kind, s.distance_km) for s in d.sessions]) for d in days] == [
                (dt.date(2026, 1, 2), "calm", [("rest", None)]), (dt.date(2026, 1, 3), "rebuild", [("easy", 4.5)])]
        # the cascades survive the table rebuilds of batch migrations
        erase_athlete(db, 7)
        counts = row_counts(db)
        assert counts.pop("erasures") == 1  # the ledger remembers the erasure, and nothing else is left
        assert set(counts.values()) == {0}


def test_each_revision_downgrades_to_the_one_before(db: Database) -> None:
    revisions = migrate.revisions()
    for previous in reversed([None, *revisions[:-1]]):
        migrate.downgrade(db, previous or "base")
        assert migrate.current_revision(db) == previous
    migrate.upgrade(db)


def test_a_database_from_a_newer_backstride_is_refused_with_a_clear_message(db_url: str) -> None:
    with Database.open(db_url) as db, db.write_connection() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(migrate.DatabaseTooNew, match="newer backstride") as caught:
        Database.open(db_url)
    assert "9999_future" in str(caught.value)
    with pytest.raises(migrate.DatabaseTooNew):
        Database.open(db_url, upgrade=False)


def test_downgrading_below_0002_keeps_every_leg_of_a_multisport_file(db: Database) -> None:
    from backstride.storage.imports import add_imported_file
    from tests.storage.storage_builders import UTC, imported

    athlete = create_athlete(db, full_state(activities=[]))
    start = dt.datetime(2026, 11, 20, 7, tzinfo=UTC)
    legs = [imported(start + dt.timedelta(hours=i), sha="e" * 64, name="tri.fit") for i in range(2)]
    add_imported_file(db, athlete, legs)
    migrate.downgrade(db, "0001")
    with db.session() as session:
        rows = session.execute(text("SELECT content_sha256 FROM activities ORDER BY id")).scalars().all()
    assert rows == ["e" * 64, None]
    migrate.upgrade(db)
    assert len(state_for(db, athlete, dt.date(2026, 11, 30)).activities) == 2


def test_a_migration_that_fails_halfway_leaves_the_old_revision(db: Database) -> None:
    from alembic import command

    migrate.downgrade(db, "base")

    def upgrade_then_fail(cfg: object) -> None:
        command.upgrade(cfg, "head")  # type: ignore[arg-type]
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        migrate._run(db, upgrade_then_fail)
    assert migrate.current_revision(db) is None
    assert not set(inspect(db.engine).get_table_names()) & set(Base.metadata.tables)


def test_downgrading_below_0003_keeps_what_was_planned_as_plan_rows(db: Database) -> None:
    from backstride.contract import Plan

    athlete = create_athlete(db, full_state(activities=[]))
    plan = Plan.model_validate({
        "week_start": "2026-11-30", "triage": {"level": "none"}, "running_allowed": True, "phase": "calm",
        "volume": {"baseline_run_km": 32, "last_week_run_km": 28, "planned_run_km": 9},
        "sessions": [{"date": "2026-11-30", "kind": "easy", "distance_km": 5, "rules": ["I-EASY"]},
                     {"date": "2026-12-02", "kind": "run_walk", "distance_km": 4,
                      "run_walk": {"run_min": 4, "walk_min": 1}, "rules": ["L-RUNWALK"]}],
        "rules_applied": []})
    save_plan(db, athlete, plan)
    migrate.downgrade(db, "0002")
    with db.session() as session:
        [stored] = session.execute(text("SELECT plan FROM plans")).scalars().all()
    import json

    data = json.loads(stored) if isinstance(stored, str) else stored
    assert [(s["date"], s["kind"]) for s in data["sessions"]] == [("2026-11-30", "easy"), ("2026-12-02", "run_walk")]
    migrate.upgrade(db)
    days = planned_days(db, athlete, dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert [d.sessions for d in days] == [(s.model_copy(update={"notes": ""}),) for s in plan.sessions]


@pytest.mark.postgres
def test_the_job_queue_schema_comes_and_goes_with_revision_0011_on_postgresql(pg_url: str) -> None:
    with Database.open(pg_url) as db:
        queue = {"procrastinate_jobs", "procrastinate_workers", "procrastinate_periodic_defers", "procrastinate_events"}
        assert queue <= set(inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:  # the driver's "%" came through as PostgreSQL's own placeholder
            body = conn.execute(text("SELECT pg_get_functiondef('procrastinate_finish_job_v1'::regproc)")).scalar()
        assert "(job id: %)" in str(body)
        migrate.downgrade(db, "0007")
        assert not {t for t in inspect(db.engine).get_table_names() if t.startswith("procrastinate_")}
        with db.engine.connect() as conn:
            left = conn.execute(text("SELECT count(*) FROM pg_proc WHERE proname LIKE 'procrastinate%'")).scalar()
            types = conn.execute(text("SELECT count(*) FROM pg_type WHERE typname LIKE 'procrastinate%'")).scalar()
        assert (left, types) == (0, 0)
        migrate.upgrade(db)
        assert queue <= set(inspect(db.engine).get_table_names())


def test_the_job_queue_revision_is_nothing_on_sqlite(sqlite_db: Database) -> None:
    assert not {t for t in inspect(sqlite_db.engine).get_table_names() if t.startswith("procrastinate_")}
    assert migrate.current_revision(sqlite_db) == migrate.head_revision()
