"""Start-up never loads Alembic into the server: a database at head is recognised from the
migration files, and a due upgrade runs in a child interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from podium.db.engine import Database
from podium.db.migrate import MIGRATIONS_DIR, _head_revision, at_head

PROBE = """
import sys
from pathlib import Path
from podium.db.engine import Database
database = Database(Path(sys.argv[1]))
database.migrate(in_child=True)
print(sorted(m for m in sys.modules if m.split(".")[0] == "alembic"))
"""


def _version(path: Path) -> list[str]:
    database = Database(path)
    try:
        with database.read() as conn:
            return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    finally:
        database.dispose()


def test_the_head_is_read_from_the_migration_files(tmp_path: Path) -> None:
    head = _head_revision(MIGRATIONS_DIR / "versions")
    assert head is not None
    database = Database(tmp_path / "podium.db")
    try:
        with database.engine.connect() as conn:
            assert not at_head(conn), "no version table yet"
        database.migrate()
        with database.engine.connect() as conn:
            assert at_head(conn)
            conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
            conn.commit()
            assert not at_head(conn), "an older revision is not the head"
    finally:
        database.dispose()
    assert _version(tmp_path / "podium.db") == ["0001"]


def test_several_heads_leave_the_decision_to_alembic(tmp_path: Path) -> None:
    for name, revision, parent in (("a", "0001", "None"), ("b", "0002", '"0001"')):
        (tmp_path / f"{name}.py").write_text(f'revision = "{revision}"\ndown_revision = {parent}\n')
    assert _head_revision(tmp_path) == "0002"
    (tmp_path / "c.py").write_text('revision = "0003"\ndown_revision = "0001"\n')
    assert _head_revision(tmp_path) is None


def test_the_server_migrates_without_loading_alembic(tmp_path: Path) -> None:
    path = tmp_path / "podium.db"
    for _ in ("fresh: upgraded in a child", "at head: nothing to do"):
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == "[]", done.stdout + done.stderr
    assert _version(path) == [_head_revision(MIGRATIONS_DIR / "versions")]
