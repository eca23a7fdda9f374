"""Alembic environment: the engine is handed in by jadugar.migrations, never read from a file."""

from alembic import context

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    # Two processes starting at once (web and collector) must not both migrate.
    connection.exec_driver_sql("select pg_advisory_xact_lock(72871)")
    context.configure(connection=connection, transaction_per_migration=False)
    context.run_migrations()
