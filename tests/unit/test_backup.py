"""Online backups of a live WAL database, pruning, and restore refusing while a server runs."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from podium.db.backup import (
    DatabaseInUse,
    ServerLock,
    create_backup,
    integrity_problem,
    list_backups,
    restore_backup,
)
from podium.db.backup_schedule import BackupService
from podium.db.engine import Database


def count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM load").fetchone()[0])


def test_backup_under_write_load_then_restore(tmp_path: Path) -> None:
    db_path = tmp_path / "data" / "orchestrator.db"
    db = Database(db_path)
    db.migrate()
    with db.write() as conn:
        conn.execute(text("CREATE TABLE load (n INTEGER NOT NULL, pad TEXT NOT NULL)"))
    stop = threading.Event()
    written = threading.Event()
    inserted = [0]

    def writer() -> None:
        # Many small transactions, as agents streaming output make, through the server's engine.
        while not stop.is_set():
            with db.write() as conn:
                conn.execute(
                    text("INSERT INTO load (n, pad) VALUES (:n, :pad)"),
                    {"n": inserted[0], "pad": "x" * 2000},
                )
            inserted[0] += 1
            if inserted[0] == 200:
                written.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert written.wait(30)
        backups = tmp_path / "data" / "backups"
        first = create_backup(db_path, backups, keep=7)
        during = inserted[0]
        second = create_backup(db_path, backups, keep=7)
    finally:
        stop.set()
        thread.join()
    db.dispose()

    for info in (first, second):
        path = Path(info.path)
        assert integrity_problem(path) is None
        # A single self-contained file: no WAL beside it holds part of the data.
        assert not Path(f"{path}-wal").exists()
        assert 200 <= count(path) <= inserted[0]
        assert path.stat().st_mode & 0o777 == 0o600
    assert count(Path(first.path)) <= during <= count(Path(second.path))
    assert [b.name for b in list_backups(backups)] == [second.name, first.name]

    restored_rows = count(Path(first.path))
    before = restore_backup(Path(first.path), db_path, backups)
    assert before is not None and count(Path(before.path)) == inserted[0]
    assert integrity_problem(db_path) is None
    assert count(db_path) == restored_rows
    reopened = Database(db_path)
    reopened.migrate()  # the server starts on it as usual
    with reopened.read() as conn:
        assert conn.execute(text("SELECT max(n) FROM load")).scalar() == restored_rows - 1
    reopened.dispose()


def test_only_the_newest_backups_are_kept(tmp_path: Path) -> None:
    db_path = tmp_path / "orchestrator.db"
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE t (n INTEGER)")
    made = [create_backup(db_path, tmp_path / "backups", keep=3).name for _ in range(5)]
    assert [b.name for b in list_backups(tmp_path / "backups")] == made[:1:-1]


def test_restore_refuses_while_a_server_holds_the_database(tmp_path: Path) -> None:
    db_path = tmp_path / "orchestrator.db"
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE t (n INTEGER)")
        conn.execute("INSERT INTO t VALUES (1)")
    backup = create_backup(db_path, tmp_path / "backups", keep=7)
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO t VALUES (2)")
    server = ServerLock(db_path)
    server.acquire()
    try:
        with pytest.raises(DatabaseInUse, match=r"in use by server pid \d+"):
            restore_backup(Path(backup.path), db_path, tmp_path / "backups")
        with pytest.raises(DatabaseInUse):
            ServerLock(db_path).acquire()  # nor can a second server start on it
    finally:
        server.release()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 2
    restore_backup(Path(backup.path), db_path, tmp_path / "backups")
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 1


def test_a_damaged_backup_is_not_restored(tmp_path: Path) -> None:
    db_path = tmp_path / "orchestrator.db"
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE t (n INTEGER)")
    bad = tmp_path / "podium-bad.db"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(Exception, match="not restoring"):
        restore_backup(bad, db_path, tmp_path / "backups")


async def test_the_schedule_counts_from_the_newest_backup(tmp_path: Path) -> None:
    db_path = tmp_path / "orchestrator.db"
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE t (n INTEGER)")
    backups = tmp_path / "backups"
    first = create_backup(db_path, backups, keep=5)
    service = BackupService(db_path=db_path, directory=backups, interval_sec=0.3, keep=2)
    assert service.next_due() == pytest.approx(first.created_at.timestamp() + 0.3, abs=0.01)
    done = asyncio.Event()
    seen: list[str] = []

    def check() -> None:
        # The test watches the directory; the service itself only arms one timer per backup.
        names = [b.name for b in service.list()]
        if names and names[0] not in seen:
            seen.append(names[0])
        if len(seen) >= 3:
            done.set()
        else:
            asyncio.get_running_loop().call_later(0.05, check)

    service.start()
    check()
    await asyncio.wait_for(done.wait(), 20)
    await service.close()
    assert len(service.list()) == 2  # keep=2 pruned the rest
    assert first.name not in [b.name for b in service.list()]
