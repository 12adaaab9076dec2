"""`python -m podium.db.migrate_child DB`: the upgrade that `podium.db.migrate.upgrade_in_child`
runs in a child interpreter, so Alembic's memory leaves with it."""

from __future__ import annotations

import sys
from pathlib import Path

from podium.db.engine import Database


def main() -> None:
    database = Database(Path(sys.argv[1]))
    try:
        database.migrate()
    finally:
        database.dispose()


if __name__ == "__main__":
    main()
