"""The SQLite engine: WAL, foreign keys, a busy timeout, and writes that take the lock up front."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from podium.db.migrate import at_head, upgrade_in_child, upgrade_to_head


class Database:
    """Owns the engine. `write()` opens a BEGIN IMMEDIATE transaction so two writers never
    deadlock on a lock upgrade; `read()` opens a plain deferred one."""

    def __init__(self, path: Path, *, busy_timeout_sec: float = 10.0) -> None:
        """BUSY_TIMEOUT_SEC: how long a statement waits for another connection's lock."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.engine: Engine = create_engine(
            f"sqlite:///{path.resolve()}",
            connect_args={"check_same_thread": False, "timeout": busy_timeout_sec},
            pool_size=8,
            max_overflow=8,
            # A failed statement's message leaves out its values: they can be agent output or
            # a credential's hash, and such messages reach the log (and Sentry, when set).
            hide_parameters=True,
        )
        event.listen(self.engine, "connect", functools.partial(_on_connect, busy_timeout_sec))
        event.listen(self.engine, "begin", _on_begin)

    def migrate(self, *, in_child: bool = False) -> None:
        """Bring the schema to the head revision; `in_child` runs Alembic, when an upgrade is
        due, in a child interpreter so that its modules never stay in this process."""
        with self.engine.connect() as conn:
            if at_head(conn):
                return
            if not in_child:
                upgrade_to_head(conn)
                return
        upgrade_in_child(self.path)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(podium_immediate=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def _on_connect(busy_timeout_sec: float, dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own handling is not usable).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    # Checkpoint every 64 MB of WAL rather than every 4 MB: while agents stream, the full-text
    # index rewrites the same pages again and again, and each checkpoint copies them anew.
    cur.execute("PRAGMA wal_autocheckpoint=16000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_sec * 1000)}")
    cur.close()


def _on_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get("podium_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
