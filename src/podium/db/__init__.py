"""Storage: the engine, the table definitions and the Alembic migrations."""
