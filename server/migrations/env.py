"""Alembic environment: run by ``server.database.upgrade`` with a connection, never a URL."""

from __future__ import annotations

from alembic import context

from server.tables import metadata

# Any number, the same in every server process: several processes starting at once against one
# PostgreSQL take turns migrating instead of racing to create the same tables.
MIGRATION_LOCK = 0x5E7F10


def run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        context.run_migrations()


run()
