"""Alembic environment: migrations always run on a connection handed in by Podium."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from podium.db.tables import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is None:
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///data/orchestrator.db"
    with create_engine(url).connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
