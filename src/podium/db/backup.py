"""Backups of the SQLite database and restoring one.

A backup goes through SQLite's online backup API: it copies a consistent snapshot while the
server keeps writing (a file copy of a live WAL database can miss what is still in the WAL, or
catch a page half written). A restore writes a backup back the same way, and only while no
server holds the database's server lock (:class:`ServerLock`): a server that kept running would
go on from state the restore just replaced."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from podium.schemas import ApiModel

PREFIX = "podium-"
SUFFIX = ".db"


class BackupInfo(ApiModel):
    name: str
    path: str
    size_bytes: int
    created_at: datetime


class BackupError(Exception):
    """A backup or restore that cannot be made; the message says why."""


class DatabaseInUse(BackupError):
    pass


class ServerLock:
    """An exclusive lock a server holds on its database for as long as it runs (a `flock` on
    `<db>.lock`, which also names the holder's pid). The kernel drops it when the process ends,
    even by kill -9, so a stale lock file never blocks anyone."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._fd: int | None = None

    def acquire(self, holder: str = "server") -> None:
        """Take the lock (if not held already) or raise :class:`DatabaseInUse` naming who
        holds it."""
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise DatabaseInUse(f"the database is in use by {owner} ({self.path})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{holder} pid {os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the flock
            self._fd = None


def _info(path: Path) -> BackupInfo:
    stat = path.stat()
    return BackupInfo(
        name=path.name,
        path=str(path),
        size_bytes=stat.st_size,
        created_at=datetime.fromtimestamp(stat.st_mtime, UTC),
    )


def list_backups(directory: Path) -> list[BackupInfo]:
    """Backups in DIRECTORY, newest first (names carry the UTC time they were taken)."""
    if not directory.is_dir():
        return []
    paths = sorted(directory.glob(f"{PREFIX}*{SUFFIX}"), key=lambda p: p.name, reverse=True)
    infos = []
    for path in paths:
        with contextlib.suppress(FileNotFoundError):  # pruned meanwhile by another process
            infos.append(_info(path))
    return infos


def integrity_problem(path: Path) -> str | None:
    """What `PRAGMA integrity_check` finds wrong with the database at PATH, or None."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(str(row) for row in rows[:5])


def create_backup(db_path: Path, directory: Path, keep: int | None) -> BackupInfo:
    """Back up the (possibly live) database at DB_PATH into DIRECTORY, check the copy, and keep
    only the newest KEEP backups there (None: prune nothing)."""
    if not db_path.exists():
        raise BackupError(f"no database at {db_path}")
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S_%fZ")
    final = directory / f"{PREFIX}{stamp}{SUFFIX}"
    partial = directory / f".{final.name}.partial"
    # The copy holds everything the database holds (credential hashes too): owner only.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        with (
            contextlib.closing(sqlite3.connect(db_path, timeout=30)) as source,
            contextlib.closing(sqlite3.connect(partial)) as target,
        ):
            # One step (pages=-1): one read transaction, so one consistent snapshot; in WAL mode
            # it does not block the server's writers.
            source.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        problem = integrity_problem(partial)
        if problem is not None:
            raise BackupError(f"the backup failed its integrity check: {problem}")
        os.replace(partial, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    for old in list_backups(directory)[keep:] if keep is not None else []:
        with contextlib.suppress(FileNotFoundError):
            Path(old.path).unlink()
    return _info(final)


def restore_backup(backup: Path, db_path: Path, directory: Path) -> BackupInfo | None:
    """Write BACKUP over the database at DB_PATH, which no server may be running on. The
    current database is backed up first (returned, never pruned here), so a restore can itself
    be undone."""
    problem = integrity_problem(backup) if backup.is_file() else f"{backup} is not a file"
    if problem is not None:
        raise BackupError(f"not restoring {backup}: {problem}")
    lock = ServerLock(db_path)
    lock.acquire("podium restore")
    try:
        before = create_backup(db_path, directory, None) if db_path.exists() else None
        with (
            contextlib.closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source,
            contextlib.closing(sqlite3.connect(db_path, timeout=30)) as target,
        ):
            source.backup(target, pages=-1)
            target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        lock.release()
    return before
