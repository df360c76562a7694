"""Alembic environment for backstride.

At runtime :mod:`backstride.storage.migrate` passes an open connection in
``config.attributes["connection"]``. From the command line
(``alembic -c src/backstride/storage/alembic.ini upgrade head``) the URL comes from
``sqlalchemy.url`` in that file, or else ``--db`` rules: ``$BACKSTRIDE_DATABASE_URL``, then the default.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from backstride.storage.engine import Database, resolve_url
from backstride.storage.migrate import is_ours
from backstride.storage.tables import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite can only change a table by copying it: batch mode does that for us.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=is_ours,  # the job queue's tables are procrastinate's (0011)
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    return resolve_url(config.get_main_option("sqlalchemy.url") or None)


if context.is_offline_mode():
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=_url().startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    _configure_and_run(config.attributes["connection"])
else:
    with Database(_url()) as db, db.write_connection() as conn:
        _configure_and_run(conn)
