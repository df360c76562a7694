"""Migrations: from empty, down and up again, from every earlier revision, and refusing the future."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from storage_builders import full_state

from backstride.storage import migrate
from backstride.storage.athletes import create_athlete, state_for
from backstride.storage.engine import Database
from backstride.storage.tables import Base


def _schema_diff(db: Database) -> list[object]:
    with db.engine.connect() as conn:
        return list(
            compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        )


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


@pytest.mark.parametrize("revision", migrate.revisions())
def test_upgrading_from_each_earlier_revision_keeps_the_data(db_url: str, revision: str) -> None:
    with Database(db_url) as db:
        migrate.upgrade(db, revision)
        # data written at the first revision must survive every later migration (later revisions
        # may change what create_athlete writes, so only the first one writes through it)
        athlete = create_athlete(db, full_state()) if revision == migrate.revisions()[0] else None
        migrate.upgrade(db)
        assert migrate.current_revision(db) == migrate.head_revision()
        assert _schema_diff(db) == []
        if athlete is not None:
            assert state_for(db, athlete, full_state().today) == full_state()


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
