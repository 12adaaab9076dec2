"""Podium's data (database, agent logs, prompts, terminal captures) is readable by its user
only: `podium serve` sets umask 077 before it writes anything, and tightens a data dir or
database that an earlier version left readable by others. Agents started by the server inherit
the umask, so files they create are private to the user too."""

from __future__ import annotations

import contextlib
import ipaddress

from podium.config import Settings

PRIVATE_UMASK = 0o077


def make_data_private(settings: Settings) -> None:
    """The data dir 0700 and the database 0600, also when they exist from an earlier start."""
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    settings.data_dir.chmod(0o700)
    database = settings.database_path
    for path in (
        database,
        database.with_name(f"{database.name}-wal"),
        database.with_name(f"{database.name}-shm"),
    ):
        with contextlib.suppress(FileNotFoundError):
            path.chmod(0o600)


def is_loopback(host: str) -> bool:
    """True when `host` only accepts connections from this machine."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
