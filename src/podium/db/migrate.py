"""Runs the Alembic migrations from code, so `podium serve` brings any database up to date.

A database already at the head revision is the usual case at start; it is recognised from the
migration files' `revision`/`down_revision` lines without importing Alembic, which would stay
in the server's memory (about 15 MB) for nothing. The server runs the upgrade itself, when one
is due, in a child interpreter (`python -m podium.db.migrate <db>`) for the same reason."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_REVISION = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:["']([^"']+)["']|None)""")


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(connection: Connection) -> None:
    if at_head(connection):
        return
    from alembic import command

    command.upgrade(alembic_config(connection), "head")
    connection.commit()


def at_head(connection: Connection) -> bool:
    """True only when the database is at the one head revision; anything unusual (no version
    table, several heads, a file this cannot read) says False and Alembic decides."""
    head = _head_revision(MIGRATIONS_DIR / "versions")
    if head is None:
        return False
    try:
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        connection.rollback()
        return False
    finally:
        if connection.in_transaction():
            connection.rollback()
    return [row[0] for row in rows] == [head]


def _head_revision(versions: Path) -> str | None:
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        found: dict[str, str | None] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _REVISION.match(line)
            if match:
                found.setdefault(match.group(1), match.group(2))
        if "revision" not in found or "down_revision" not in found or not found["revision"]:
            return None
        revisions.add(found["revision"])
        if found["down_revision"]:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def upgrade_in_child(database: Path) -> None:
    """The same upgrade, in a child interpreter that takes Alembic's memory with it."""
    done = subprocess.run(
        [sys.executable, "-m", "podium.db.migrate_child", str(database)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"migrating {database} failed:\n{done.stderr[-4000:]}")
